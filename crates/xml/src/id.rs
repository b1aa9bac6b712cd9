//! Id lookup: `Id`, `ID`, `id` (unprefixed), `wsu:Id`, `xml:id` and attributes the DTD
//! internal subset declares with type `ID`. Duplicates are an error, because a verifier
//! that resolved `#x` to one of two elements is open to signature wrapping.

use crate::error::XmlError;
use crate::names::XML_NS;
use crate::tree::{Attribute, Document, NodeId, A_NS_DECL, K_ELEMENT};

/// The WS-Security utility namespace (`wsu:Id`).
pub const WSU_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

/// Does this attribute name an element's Id?
pub(crate) fn is_id_attribute(a: &Attribute<'_>) -> bool {
    a.dtd_id
        || (a.name.namespace.is_empty() && matches!(a.name.local, "Id" | "ID" | "id"))
        || a.name.is(WSU_NS, "Id")
        || a.name.is(XML_NS, "id")
}

impl Document {
    /// The Id values carried by element `el` (usually zero or one).
    pub fn ids(&self, el: NodeId) -> impl Iterator<Item = &str> + '_ {
        self.attributes(el).filter(is_id_attribute).map(|a| a.value)
    }

    /// The element whose Id is `id`; `Ok(None)` when there is none, and
    /// [`XmlError::DuplicateId`] when two different elements carry it.
    ///
    /// ```
    /// use tanba_xml::{Document, ParseOptions};
    /// let doc = Document::parse(br#"<a><b Id="x"/><c id="x"/></a>"#, &ParseOptions::default()).unwrap();
    /// assert!(doc.find_by_id("x").is_err());
    /// assert_eq!(doc.find_by_id("nope").unwrap(), None);
    /// ```
    pub fn find_by_id(&self, id: &str) -> Result<Option<NodeId>, XmlError> {
        let mut found: Option<NodeId> = None;
        for (i, node) in self.nodes.iter().enumerate() {
            // Most elements carry no attribute; of those that do, compare the value before
            // looking at the attribute's name.
            if node.kind() != K_ELEMENT || node.attr_count() == 0 {
                continue;
            }
            let el = NodeId(i as u32);
            let carries = self
                .raw_attrs(el)
                .iter()
                .any(|a| a.flags & A_NS_DECL == 0 && a.vlen as usize == id.len())
                && self.ids(el).any(|v| v == id);
            if carries {
                if let Some(first) = found {
                    return Err(XmlError::DuplicateId {
                        id: id.to_owned(),
                        first: self.position(first),
                        second: self.position(el),
                    });
                }
                found = Some(el);
            }
        }
        Ok(found)
    }

    /// Check that no Id value is carried by two different elements.
    pub fn check_unique_ids(&self) -> Result<(), XmlError> {
        let mut seen: std::collections::HashMap<&str, NodeId> = std::collections::HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if node.kind() != K_ELEMENT
                || self
                    .raw_attrs(NodeId(i as u32))
                    .iter()
                    .all(|a| a.flags & A_NS_DECL != 0)
            {
                continue;
            }
            let el = NodeId(i as u32);
            for v in self.ids(el) {
                match seen.get(v) {
                    Some(&first) if first != el => {
                        return Err(XmlError::DuplicateId {
                            id: v.to_owned(),
                            first: self.position(first),
                            second: self.position(el),
                        })
                    }
                    _ => {
                        seen.insert(v, el);
                    }
                }
            }
        }
        Ok(())
    }
}

//! The one place tanba-dsig talks to tanba-xml: parsing, navigation, Id lookup, C14N.

use std::io::Write;
use std::ops::Range;

use tanba_xml::{Document, ParseOptions};

use crate::{C14nMethod, DsigError};

/// A node of the parsed document (a [`tanba_xml::NodeId`]).
pub type Node = tanba_xml::NodeId;

/// A parsed document as tanba-dsig sees it.
#[derive(Debug)]
pub(crate) struct Doc {
    inner: Document,
}

impl Doc {
    pub(crate) fn parse(bytes: &[u8]) -> Result<Doc, DsigError> {
        Document::parse(bytes, &ParseOptions::default())
            .map(|inner| Doc { inner })
            .map_err(|e| DsigError::Xml(e.to_string()))
    }

    /// Like [`Doc::parse`], reusing the buffer (no copy of a large UTF-8 document).
    pub(crate) fn parse_vec(bytes: Vec<u8>) -> Result<Doc, DsigError> {
        Document::parse_vec(bytes, &ParseOptions::default())
            .map(|inner| Doc { inner })
            .map_err(|e| DsigError::Xml(e.to_string()))
    }

    pub(crate) fn from_document(inner: Document) -> Doc {
        Doc { inner }
    }

    pub(crate) fn inner(&self) -> &Document {
        &self.inner
    }

    pub(crate) fn into_inner(self) -> Document {
        self.inner
    }

    /// The decoded document text the byte ranges refer to.
    pub(crate) fn text(&self) -> &str {
        self.inner.source()
    }

    pub(crate) fn root(&self) -> Node {
        self.inner.root_element()
    }

    /// Every element `{ns}local` in document order.
    ///
    /// Walks every node of the document, so the test is made cheap first: the qualified
    /// name (one lookup; empty for non-elements) must be `local` or end in `:local` before
    /// the namespace is resolved and compared.
    pub(crate) fn elements_named(&self, ns: &str, local: &str) -> Vec<Node> {
        let want = local.as_bytes();
        let Some(&last) = want.last() else {
            return Vec::new();
        };
        self.inner
            .descendants(Node::DOCUMENT)
            .filter(|&n| {
                let q = self.inner.qualified_name(n).as_bytes();
                q.last() == Some(&last)
                    && q.len() >= want.len()
                    && (q.len() == want.len() || q[q.len() - want.len() - 1] == b':')
                    && q.ends_with(want)
                    && self.inner.name(n).is(ns, local)
            })
            .collect()
    }

    pub(crate) fn child_elements(&self, n: Node) -> Vec<Node> {
        self.inner.child_elements(n).collect()
    }

    pub(crate) fn is(&self, n: Node, ns: &str, local: &str) -> bool {
        self.inner.is_element(n) && self.inner.name(n).is(ns, local)
    }

    pub(crate) fn parent_element(&self, n: Node) -> Option<Node> {
        self.inner.parent(n).filter(|&p| self.inner.is_element(p))
    }

    /// An unprefixed attribute.
    pub(crate) fn attr(&self, n: Node, local: &str) -> Option<&str> {
        self.inner.attribute(n, "", local)
    }

    /// Character data of `n` and its descendants (comments excluded).
    pub(crate) fn text_content(&self, n: Node) -> String {
        self.inner.text_content(n)
    }

    /// A text or CDATA node.
    pub(crate) fn is_text(&self, n: Node) -> bool {
        matches!(
            self.inner.kind(n),
            tanba_xml::NodeKind::Text | tanba_xml::NodeKind::CData
        )
    }

    pub(crate) fn is_ancestor_or_self(&self, a: Node, n: Node) -> bool {
        self.inner.is_ancestor_or_self(a, n)
    }

    pub(crate) fn outer_range(&self, n: Node) -> Range<usize> {
        self.inner.range(n)
    }

    pub(crate) fn qname(&self, n: Node) -> &str {
        self.inner.qualified_name(n)
    }

    /// The element whose Id (`Id`, `ID`, `id`, `wsu:Id`, `xml:id`, or a DTD-declared ID
    /// attribute) equals `id`; more than one such element is an error.
    pub(crate) fn find_id(&self, id: &str) -> Result<Option<Node>, DsigError> {
        self.inner.find_by_id(id).map_err(|e| match e {
            tanba_xml::XmlError::DuplicateId { id, .. } => DsigError::DuplicateId { id },
            other => DsigError::Xml(other.to_string()),
        })
    }

    /// Canonicalizes the whole document (`apex = None`) or the subtree of `apex`, minus
    /// the `excluded` elements, into `out`.
    pub(crate) fn c14n(
        &self,
        apex: Option<Node>,
        method: &C14nMethod,
        with_comments: bool,
        excluded: &[Node],
        out: &mut dyn Write,
    ) -> Result<(), DsigError> {
        use tanba_xml::c14n::{canonicalize, C14nOptions, Method, NodeSet};
        let options = C14nOptions {
            method: if method.is_exclusive() {
                Method::Exclusive
            } else {
                Method::Inclusive
            },
            with_comments,
            inclusive_prefixes: method.inclusive_prefixes().to_vec(),
        };
        let set = match apex {
            Some(a) => NodeSet::subtree(a),
            None => NodeSet::document(),
        };
        canonicalize(&self.inner, &options, &set.excluding(excluded), out)
            .map_err(|e| DsigError::Xml(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_named_matches_any_prefix_and_nothing_else() {
        let xml = br#"<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:o="urn:other">
<ds:Signature/><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>
<o:Signature/><Signature/><ds:XSignature/><ds:xSignature/><ds:Signatur/>
<abc:Signature xmlns:abc="http://www.w3.org/2000/09/xmldsig#"><ds:Signature/></abc:Signature>
<!--ds:Signature-->Signature</r>"#;
        let doc = Doc::parse(xml).unwrap();
        let found: Vec<(&str, usize)> = doc
            .elements_named(crate::algorithms::DSIG_NS, "Signature")
            .into_iter()
            .map(|n| (doc.qname(n), doc.outer_range(n).start))
            .collect();
        let text = std::str::from_utf8(xml).unwrap();
        let at = |s: &str, from: usize| text[from..].find(s).unwrap() + from;
        let nested = at("<ds:Signature/>", at("<abc:Signature", 0));
        assert_eq!(
            found,
            vec![
                ("ds:Signature", at("<ds:Signature/>", 0)),
                ("Signature", at("<Signature xmlns=", 0)),
                ("abc:Signature", at("<abc:Signature", 0)),
                ("ds:Signature", nested),
            ]
        );
    }
}

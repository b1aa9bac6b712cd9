//! The business payload in `requestData/data`, `responseData/data`, `messageData/data`
//! (SMARTBRIDGE.md §5): inline XML, inline XML typed with `xsi:type`, or an escaped string
//! with `xsi:type="xs:string"` — the form that keeps a signed business document intact.

use tanba_xml::{Document, NodeId, ParseOptions};

use crate::error::EnvelopeError;
use crate::{ns, xmlw};

/// Business data to put into an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// Inline XML placed verbatim inside `<data>` (§5.2).
    Xml(String),
    /// Inline XML with `xsi:type="prefix:Type"`; the type's namespace is declared on
    /// `<data>` itself, so exclusive C14N keeps it next to its use (§5.1, P7).
    TypedXml {
        /// Prefix bound to `namespace` on `<data>` (e.g. `cs`).
        prefix: String,
        /// The type's namespace (e.g. `http://message.persistence.interactive.nat`).
        namespace: String,
        /// The type's local name (e.g. `Request`).
        type_name: String,
        /// The XML content, verbatim.
        xml: String,
    },
    /// Text, escaped, with `xsi:type="xs:string"` (§5.3) — use it for signed documents.
    String(String),
}

fn strip_declaration(text: &str) -> &str {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    if t.starts_with("<?xml") && t[5..].starts_with([' ', '\t', '\r', '\n']) {
        if let Some(end) = t.find("?>") {
            return t[end + 2..].trim_start_matches([' ', '\t', '\r', '\n']);
        }
    }
    t
}

fn parse_doc(bytes: &[u8], field: &str) -> Result<Document, EnvelopeError> {
    Document::parse(bytes, &ParseOptions::default()).map_err(|e| EnvelopeError::InvalidValue {
        field: field.to_owned(),
        detail: format!("not a well-formed XML document: {e}"),
    })
}

impl Data {
    /// Inline XML from a whole document (any encoding tanba-xml reads): checked for
    /// well-formedness, its XML declaration and trailing whitespace dropped, everything
    /// else kept verbatim, so an
    /// enveloped signature over it (`URI=""`) still verifies once the text is extracted.
    pub fn inline_document(bytes: &[u8]) -> Result<Data, EnvelopeError> {
        let doc = parse_doc(bytes, "data")?;
        // Whitespace after the root element is not part of the document's canonical form.
        Ok(Data::Xml(
            strip_declaration(doc.source())
                .trim_end_matches([' ', '\t', '\r', '\n'])
                .to_owned(),
        ))
    }

    /// Inline XML typed with `xsi:type` (see [`Data::TypedXml`]).
    pub fn typed_document(
        bytes: &[u8],
        prefix: &str,
        namespace: &str,
        type_name: &str,
    ) -> Result<Data, EnvelopeError> {
        let ncname = |s: &str| {
            !s.is_empty()
                && !s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
                && s.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        };
        if !ncname(prefix) || prefix.eq_ignore_ascii_case("xml") || prefix == "xmlns" {
            return Err(EnvelopeError::InvalidValue {
                field: "data xsi:type prefix".into(),
                detail: format!("{prefix:?} is not a usable namespace prefix"),
            });
        }
        if !ncname(type_name) {
            return Err(EnvelopeError::InvalidValue {
                field: "data xsi:type".into(),
                detail: format!("{type_name:?} is not an NCName"),
            });
        }
        if namespace.is_empty() {
            return Err(EnvelopeError::InvalidValue {
                field: "data xsi:type namespace".into(),
                detail: "must not be empty".into(),
            });
        }
        let Data::Xml(xml) = Data::inline_document(bytes)? else {
            unreachable!("inline_document returns Data::Xml")
        };
        Ok(Data::TypedXml {
            prefix: prefix.to_owned(),
            namespace: namespace.to_owned(),
            type_name: type_name.to_owned(),
            xml,
        })
    }

    /// A whole XML document carried as an escaped string (`xsi:type="xs:string"`), byte
    /// for byte (XML declaration included). It must be UTF-8 so that the extracted string
    /// is the same document.
    pub fn escaped_document(bytes: &[u8]) -> Result<Data, EnvelopeError> {
        let text = std::str::from_utf8(bytes).map_err(|e| EnvelopeError::InvalidValue {
            field: "data".into(),
            detail: format!("a document carried as a string must be UTF-8: {e}"),
        })?;
        parse_doc(bytes, "data")?;
        Ok(Data::String(
            text.strip_prefix('\u{feff}').unwrap_or(text).to_owned(),
        ))
    }

    pub(crate) fn write(&self, out: &mut String) {
        match self {
            Data::Xml(xml) => {
                out.push_str("<data>");
                out.push_str(xml);
            }
            Data::TypedXml {
                prefix,
                namespace,
                type_name,
                xml,
            } => {
                out.push_str("<data xmlns:xsi=\"");
                out.push_str(ns::XSI);
                out.push_str("\" xmlns:");
                out.push_str(prefix);
                out.push_str("=\"");
                xmlw::attr(namespace, out);
                out.push_str("\" xsi:type=\"");
                out.push_str(prefix);
                out.push(':');
                out.push_str(type_name);
                out.push_str("\">");
                out.push_str(xml);
            }
            Data::String(s) => {
                out.push_str("<data xmlns:xs=\"");
                out.push_str(ns::XS);
                out.push_str("\" xmlns:xsi=\"");
                out.push_str(ns::XSI);
                out.push_str("\" xsi:type=\"xs:string\">");
                xmlw::text(s, out);
            }
        }
        out.push_str("</data>");
    }
}

impl Data {
    /// The SmartBridge `data` elements of a SOAP envelope: unqualified `data` elements
    /// inside the Envelope's Body (`requestData/data`, `responseData/data`,
    /// `messageData/data`, at any depth), outermost first, none nested in another. Empty
    /// when the root is not a SOAP Envelope.
    ///
    /// ```
    /// use tanba_wss::{Data, SendMessage, Sender, SoapVersion};
    /// let xml = SendMessage::new("S", Sender::new("login"))
    ///     .with_data(Data::inline_document(b"<iin>123456789012</iin>").unwrap())
    ///     .to_xml(SoapVersion::Soap11)
    ///     .unwrap();
    /// let doc = tanba_xml::Document::parse(xml.as_bytes(), &Default::default()).unwrap();
    /// let found = Data::elements_in(&doc);
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(Data::read(&doc, found[0]).content(), "<iin>123456789012</iin>");
    /// ```
    pub fn elements_in(doc: &Document) -> Vec<NodeId> {
        let root = doc.root_element();
        let Ok(version) = crate::envelope::SoapVersion::of_document(doc) else {
            return Vec::new();
        };
        let mut out: Vec<NodeId> = Vec::new();
        for body in doc
            .child_elements(root)
            .filter(|&c| doc.name(c).is(version.namespace(), "Body"))
        {
            for n in doc.descendants(body) {
                if doc.is_element(n)
                    && doc.name(n).is("", "data")
                    && !out.iter().any(|&o| doc.is_ancestor_or_self(o, n))
                {
                    out.push(n);
                }
            }
        }
        out
    }

    /// The payload text: inline XML as written, or the unescaped string. For a document
    /// carried in the envelope these are the bytes to parse standalone (SMARTBRIDGE.md P7).
    pub fn content(&self) -> &str {
        match self {
            Data::Xml(x) | Data::TypedXml { xml: x, .. } | Data::String(x) => x,
        }
    }

    /// Reads a received `data` element. Inline XML keeps the exact source text between
    /// `<data …>` and `</data>`; `xsi:type="xs:string"`, or character data without child
    /// elements (some clients escape XML without typing it), becomes [`Data::String`].
    pub fn read(doc: &Document, el: NodeId) -> Data {
        let xsi_type = doc.attribute(el, ns::XSI, "type").map(str::trim);
        let has_elements = doc.child_elements(el).next().is_some();
        let resolved = xsi_type.map(|t| {
            let (p, local) = t.split_once(':').unwrap_or(("", t));
            (
                p.to_owned(),
                doc.lookup_namespace(el, p).unwrap_or("").to_owned(),
                local.to_owned(),
            )
        });
        let is_string = resolved
            .as_ref()
            .is_some_and(|(_, n, l)| n == ns::XS && l == "string");
        if is_string || !has_elements {
            return Data::String(doc.text_content(el));
        }
        let xml = match doc.end_tag_range(el) {
            Some(end) if !doc.is_self_closing(el) => {
                doc.source()[doc.start_tag_range(el).end..end.start].to_owned()
            }
            _ => String::new(),
        };
        match resolved {
            Some((prefix, namespace, type_name)) => Data::TypedXml {
                prefix,
                namespace,
                type_name,
                xml,
            },
            None => Data::Xml(xml),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_is_dropped_for_inline_but_kept_for_strings() {
        let doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x='1'><b/></a>";
        assert_eq!(
            Data::inline_document(doc).unwrap(),
            Data::Xml("<a x='1'><b/></a>".into())
        );
        assert_eq!(
            Data::escaped_document(doc).unwrap(),
            Data::String(String::from_utf8(doc.to_vec()).unwrap())
        );
    }

    #[test]
    fn malformed_or_dtd_data_is_refused() {
        assert!(matches!(
            Data::inline_document(b"<a><b></a>"),
            Err(EnvelopeError::InvalidValue { .. })
        ));
        assert!(Data::inline_document(b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>").is_err());
        assert!(Data::escaped_document(b"<a>\xff</a>").is_err());
        assert!(Data::typed_document(b"<a/>", "1x", "urn:x", "T").is_err());
        assert!(Data::typed_document(b"<a/>", "cs", "urn:x", "a b").is_err());
    }
}

//! Reading envelopes: SOAP structure, then strict `xs:sequence` walking of unqualified children.

use tanba_xml::{Document, NodeId, ParseOptions};

use super::fault::SoapFault;
use super::SoapVersion;
use crate::error::EnvelopeError;

/// A parsed SOAP envelope.
pub(crate) struct Parsed {
    pub doc: Document,
    pub version: SoapVersion,
    pub body: NodeId,
}

/// Parses `bytes` as a SOAP 1.1/1.2 envelope: root `Envelope`, optional `Header` first,
/// then exactly one `Body`.
pub(crate) fn parse_envelope(bytes: &[u8]) -> Result<Parsed, EnvelopeError> {
    let doc = Document::parse(bytes, &ParseOptions::default())
        .map_err(|e| EnvelopeError::Xml(e.to_string()))?;
    let root = doc.root_element();
    let version = SoapVersion::of_document(&doc)
        .map_err(|root| EnvelopeError::NotSoap(format!("{root}, not a SOAP 1.1/1.2 Envelope")))?;
    let env_ns = version.namespace();
    let mut header_seen = false;
    let mut body = None;
    for c in doc.child_elements(root) {
        let n = doc.name(c);
        if n.is(env_ns, "Header") && body.is_none() && !header_seen {
            header_seen = true;
        } else if n.is(env_ns, "Body") && body.is_none() {
            body = Some(c);
        } else {
            return Err(EnvelopeError::NotSoap(format!(
                "unexpected <{}> under the Envelope (expected an optional Header, then one Body)",
                doc.qualified_name(c)
            )));
        }
    }
    let body = body.ok_or_else(|| EnvelopeError::NotSoap("the Envelope has no Body".into()))?;
    Ok(Parsed { doc, version, body })
}

impl Parsed {
    /// A borrowed view of it.
    pub(crate) fn view(&self) -> View<'_> {
        View {
            doc: &self.doc,
            version: self.version,
            body: self.body,
        }
    }
}

/// A parsed SOAP envelope, borrowed (from [`Parsed`] or from a verified envelope).
/// (Nominally `pub` for the sealed [`super::BodyMessage`] trait; this module is private.)
#[derive(Clone, Copy)]
pub struct View<'d> {
    pub doc: &'d Document,
    pub version: SoapVersion,
    pub body: NodeId,
}

impl View<'_> {
    /// The single element in the Body, `{ns}local`; a Fault becomes [`EnvelopeError::Fault`].
    pub(crate) fn payload(&self, ns: &str, local: &str) -> Result<NodeId, EnvelopeError> {
        payload(self.doc, self.version, self.body, ns, local)
    }

    /// The single `child` (`request` or `response`) of the Body's single element
    /// `{ns}local` — the frame every AsyncChannel operation shares.
    pub(crate) fn wrapped(
        &self,
        ns: &str,
        local: &str,
        child: &str,
    ) -> Result<NodeId, EnvelopeError> {
        let el = self.payload(ns, local)?;
        let mut top = Seq::new(self.doc, el, local);
        let c = top.required(child)?;
        top.finish()?;
        Ok(c)
    }

    /// The namespace of the Body's first element child (which message this is).
    pub(crate) fn payload_namespace(&self) -> Option<&str> {
        self.doc
            .child_elements(self.body)
            .next()
            .map(|el| self.doc.name(el).namespace)
    }
}

/// The single element in `body`, `{ns}local`; a Fault becomes [`EnvelopeError::Fault`].
pub(crate) fn payload(
    doc: &Document,
    version: SoapVersion,
    body: NodeId,
    ns: &str,
    local: &str,
) -> Result<NodeId, EnvelopeError> {
    let kids: Vec<NodeId> = doc.child_elements(body).collect();
    let [el] = kids.as_slice() else {
        return Err(EnvelopeError::NotSoap(format!(
            "the Body holds {} elements, expected one",
            kids.len()
        )));
    };
    let n = doc.name(*el);
    if n.is(version.namespace(), "Fault") {
        return Err(EnvelopeError::Fault(Box::new(SoapFault::read(
            doc, *el, version,
        )?)));
    }
    if !n.is(ns, local) {
        return Err(EnvelopeError::Schema {
            path: "Body".into(),
            detail: format!(
                "expected {{{ns}}}{local}, found {{{}}}{}",
                n.namespace, n.local
            ),
        });
    }
    Ok(*el)
}

/// Walks the element children of one element in `xs:sequence` order.
pub(crate) struct Seq<'d> {
    doc: &'d Document,
    kids: Vec<NodeId>,
    pos: usize,
    path: String,
}

impl<'d> Seq<'d> {
    pub(crate) fn new(doc: &'d Document, el: NodeId, path: impl Into<String>) -> Self {
        Seq {
            doc,
            kids: doc.child_elements(el).collect(),
            pos: 0,
            path: path.into(),
        }
    }

    fn peek_is(&self, local: &str) -> bool {
        self.kids
            .get(self.pos)
            .is_some_and(|&k| self.doc.name(k).is("", local))
    }

    /// The next child if it is the unqualified `local`.
    pub(crate) fn optional(&mut self, local: &str) -> Option<NodeId> {
        if self.peek_is(local) {
            self.pos += 1;
            Some(self.kids[self.pos - 1])
        } else {
            None
        }
    }

    /// The next child, which must be the unqualified `local`.
    pub(crate) fn required(&mut self, local: &str) -> Result<NodeId, EnvelopeError> {
        if let Some(n) = self.optional(local) {
            return Ok(n);
        }
        let found = match self.kids.get(self.pos) {
            Some(&k) => {
                let n = self.doc.name(k);
                if n.local == local {
                    format!(
                        "<{local}> in namespace {:?} (must be unqualified)",
                        n.namespace
                    )
                } else {
                    format!("<{}>", self.doc.qualified_name(k))
                }
            }
            None => "the end of the element".to_owned(),
        };
        Err(EnvelopeError::Schema {
            path: format!("{}/{local}", self.path),
            detail: format!("missing (found {found})"),
        })
    }

    /// Every consecutive child named `local`.
    pub(crate) fn many(&mut self, local: &str) -> Vec<NodeId> {
        let mut v = Vec::new();
        while let Some(n) = self.optional(local) {
            v.push(n);
        }
        v
    }

    pub(crate) fn text_required(&mut self, local: &str) -> Result<String, EnvelopeError> {
        let n = self.required(local)?;
        Ok(self.doc.text_content(n))
    }

    pub(crate) fn text_optional(&mut self, local: &str) -> Option<String> {
        self.optional(local).map(|n| self.doc.text_content(n))
    }

    pub(crate) fn date_required(
        &mut self,
        local: &str,
    ) -> Result<time::OffsetDateTime, EnvelopeError> {
        let v = self.text_required(local)?;
        crate::datetime::parse(&v).map_err(|detail| EnvelopeError::InvalidValue {
            field: format!("{}/{local}", self.path),
            detail: detail.to_string(),
        })
    }

    /// No children may remain.
    pub(crate) fn finish(self) -> Result<(), EnvelopeError> {
        match self.kids.get(self.pos) {
            None => Ok(()),
            Some(&k) => Err(EnvelopeError::Schema {
                path: self.path.clone(),
                detail: format!(
                    "unexpected <{}> (out of order, repeated or unknown)",
                    self.doc.qualified_name(k)
                ),
            }),
        }
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    pub(crate) fn doc(&self) -> &'d Document {
        self.doc
    }
}

/// Reads `sender` (senderId, password?).
pub(crate) fn read_sender(
    doc: &Document,
    el: NodeId,
    path: &str,
) -> Result<super::Sender, EnvelopeError> {
    let mut s = Seq::new(doc, el, format!("{path}/sender"));
    let sender_id = s.text_required("senderId")?;
    let password = s.text_optional("password").map(crate::Secret::new);
    s.finish()?;
    Ok(super::Sender {
        sender_id,
        password,
    })
}

/// Reads consecutive `properties` entries.
pub(crate) fn read_properties(seq: &mut Seq<'_>) -> Result<Vec<super::Property>, EnvelopeError> {
    let doc = seq.doc();
    let path = format!("{}/properties", seq.path());
    seq.many("properties")
        .into_iter()
        .map(|p| {
            let mut s = Seq::new(doc, p, path.clone());
            let key = s.text_required("key")?;
            let value = s.text_required("value")?;
            s.finish()?;
            Ok(super::Property { key, value })
        })
        .collect()
}

//! SOAP faults (1.1 and 1.2) and the gateway's `ErrorInfo` detail
//! (`SendMessageFault1_SendMessageFault`, SMARTBRIDGE.md §3.3), as typed values.

use tanba_xml::{Document, NodeId};

use super::read::Seq;
use super::SoapVersion;
use crate::error::EnvelopeError;
use crate::{ns, xmlw};

/// The gateway's error description (`common:ErrorInfo`), possibly nested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// Local name of the detail element (`SendMessageFault1_SendMessageFault`,
    /// `sendMessageFault1_sendMessageFault`, …; `subError` for nested ones).
    pub element: String,
    /// `errorCode`.
    pub error_code: String,
    /// `errorMessage`.
    pub error_message: String,
    /// `errorData`.
    pub error_data: Option<String>,
    /// `errorDate` as written (an `xs:dateTime`).
    pub error_date: String,
    /// `subError`.
    pub sub_error: Option<Box<GatewayError>>,
    /// `sessionId`.
    pub session_id: Option<String>,
}

impl GatewayError {
    pub(crate) fn read(
        doc: &Document,
        el: NodeId,
        path: &str,
    ) -> Result<GatewayError, EnvelopeError> {
        let element = doc.name(el).local.to_owned();
        let path = format!("{path}/{element}");
        let mut s = Seq::new(doc, el, path.clone());
        let error_code = s.text_required("errorCode")?;
        let error_message = s.text_required("errorMessage")?;
        let error_data = s.text_optional("errorData");
        let error_date = s.text_required("errorDate")?;
        let sub_error = match s.optional("subError") {
            Some(n) => Some(Box::new(GatewayError::read(doc, n, &path)?)),
            None => None,
        };
        let session_id = s.text_optional("sessionId");
        s.finish()?;
        Ok(GatewayError {
            element,
            error_code,
            error_message,
            error_data,
            error_date,
            sub_error,
            session_id,
        })
    }

    /// Reads an optional unqualified `error` (`ErrorInfo`) as the next child of `seq`.
    pub(crate) fn read_optional_error(
        seq: &mut Seq<'_>,
    ) -> Result<Option<GatewayError>, EnvelopeError> {
        match seq.optional("error") {
            Some(e) => Ok(Some(GatewayError::read(seq.doc(), e, seq.path())?)),
            None => Ok(None),
        }
    }

    /// Writes `<error>…</error>` (an unqualified `ErrorInfo` child) when `error` is set.
    pub(crate) fn write_optional_error(error: Option<&GatewayError>, out: &mut String) {
        if let Some(e) = error {
            out.push_str("<error>");
            e.write_content(out);
            out.push_str("</error>");
        }
    }

    pub(crate) fn write_content(&self, out: &mut String) {
        xmlw::element(out, "errorCode", &self.error_code);
        xmlw::element(out, "errorMessage", &self.error_message);
        xmlw::opt_element(out, "errorData", self.error_data.as_deref());
        xmlw::element(out, "errorDate", &self.error_date);
        if let Some(sub) = &self.sub_error {
            out.push_str("<subError>");
            sub.write_content(out);
            out.push_str("</subError>");
        }
        xmlw::opt_element(out, "sessionId", self.session_id.as_deref());
    }
}

impl std::fmt::Display for GatewayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error_code, self.error_message)?;
        if let Some(d) = &self.error_data {
            write!(f, " ({d})")?;
        }
        if let Some(sub) = &self.sub_error {
            write!(f, "; caused by {sub}")?;
        }
        Ok(())
    }
}

/// A SOAP fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    /// The envelope's SOAP version.
    pub version: SoapVersion,
    /// `faultcode` (1.1) or `Code/Value` (1.2), as written (e.g. `soap:Server`).
    pub code: String,
    /// `faultstring` (1.1) or the first `Reason/Text` (1.2).
    pub reason: String,
    /// `faultactor` (1.1) or `Node` (1.2).
    pub actor: Option<String>,
    /// The gateway's `ErrorInfo` from the detail, when present.
    pub gateway: Option<GatewayError>,
    /// The detail's character data when it holds no `ErrorInfo` (trimmed; may be empty).
    pub detail_text: Option<String>,
}

impl std::fmt::Display for SoapFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.reason)?;
        if let Some(g) = &self.gateway {
            write!(f, " [gateway {}: {g}]", g.element)?;
        } else if let Some(d) = self.detail_text.as_deref().filter(|d| !d.is_empty()) {
            write!(f, " [{d}]")?;
        }
        Ok(())
    }
}

fn child(doc: &Document, el: NodeId, ns: &str, local: &str) -> Option<NodeId> {
    doc.child_elements(el).find(|&c| doc.name(c).is(ns, local))
}

impl SoapFault {
    pub(crate) fn read(
        doc: &Document,
        el: NodeId,
        version: SoapVersion,
    ) -> Result<SoapFault, EnvelopeError> {
        let missing = |what: &str| EnvelopeError::Schema {
            path: format!("Body/Fault/{what}"),
            detail: "missing".into(),
        };
        let text = |n: NodeId| doc.text_content(n).trim().to_owned();
        let (code, reason, actor, detail) = match version {
            SoapVersion::Soap11 => (
                child(doc, el, "", "faultcode")
                    .map(text)
                    .ok_or_else(|| missing("faultcode"))?,
                child(doc, el, "", "faultstring")
                    .map(text)
                    .ok_or_else(|| missing("faultstring"))?,
                child(doc, el, "", "faultactor").map(text),
                child(doc, el, "", "detail"),
            ),
            SoapVersion::Soap12 => {
                let env = ns::SOAP12;
                let code = child(doc, el, env, "Code")
                    .and_then(|c| child(doc, c, env, "Value"))
                    .map(text)
                    .ok_or_else(|| missing("Code/Value"))?;
                let reason = child(doc, el, env, "Reason")
                    .and_then(|c| child(doc, c, env, "Text"))
                    .map(text)
                    .ok_or_else(|| missing("Reason/Text"))?;
                (
                    code,
                    reason,
                    child(doc, el, env, "Node").map(text),
                    child(doc, el, env, "Detail"),
                )
            }
        };
        let mut gateway = None;
        let mut detail_text = None;
        if let Some(d) = detail {
            let info = doc.child_elements(d).find(|&c| {
                let n = doc.name(c);
                (n.namespace == ns::SYNC_TYPES || n.namespace == ns::ASYNC_TYPES)
                    && n.local.contains("Fault")
            });
            match info {
                Some(i) => gateway = Some(GatewayError::read(doc, i, "Fault/detail")?),
                None => detail_text = Some(text(d)),
            }
        }
        Ok(SoapFault {
            version,
            code,
            reason,
            actor,
            gateway,
            detail_text,
        })
    }

    /// A complete envelope carrying this fault (what a provider, or a test double of the
    /// gateway, returns). The gateway detail goes into the SyncChannel types namespace.
    pub fn to_envelope(&self) -> String {
        let mut b = String::new();
        let gw = |b: &mut String| {
            if let Some(g) = &self.gateway {
                b.push_str("<sb:");
                b.push_str(&g.element);
                b.push_str(" xmlns:sb=\"");
                b.push_str(ns::SYNC_TYPES);
                b.push_str("\">");
                g.write_content(b);
                b.push_str("</sb:");
                b.push_str(&g.element);
                b.push('>');
            } else if let Some(t) = &self.detail_text {
                xmlw::text(t, b);
            }
        };
        let has_detail = self.gateway.is_some() || self.detail_text.is_some();
        b.push_str("<soap:Fault>");
        match self.version {
            SoapVersion::Soap11 => {
                xmlw::element(&mut b, "faultcode", &self.code);
                xmlw::element(&mut b, "faultstring", &self.reason);
                xmlw::opt_element(&mut b, "faultactor", self.actor.as_deref());
                if has_detail {
                    b.push_str("<detail>");
                    gw(&mut b);
                    b.push_str("</detail>");
                }
            }
            SoapVersion::Soap12 => {
                b.push_str("<soap:Code>");
                xmlw::element(&mut b, "soap:Value", &self.code);
                b.push_str("</soap:Code><soap:Reason><soap:Text xml:lang=\"en\">");
                xmlw::text(&self.reason, &mut b);
                b.push_str("</soap:Text></soap:Reason>");
                xmlw::opt_element(&mut b, "soap:Node", self.actor.as_deref());
                if has_detail {
                    b.push_str("<soap:Detail>");
                    gw(&mut b);
                    b.push_str("</soap:Detail>");
                }
            }
        }
        b.push_str("</soap:Fault>");
        super::common::wrap_envelope(self.version, &b)
    }
}

//! Pieces shared by the sync and async shapes: SOAP version, sender, properties.

use crate::error::EnvelopeError;
use crate::ns;
use crate::secret::Secret;
use crate::xmlw;

/// The SOAP version of an envelope. SmartBridge's WSDL binds SOAP 1.1 (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoapVersion {
    /// SOAP 1.1 (`http://schemas.xmlsoap.org/soap/envelope/`).
    #[default]
    Soap11,
    /// SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`).
    Soap12,
}

impl SoapVersion {
    /// The envelope namespace URI.
    pub fn namespace(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => ns::SOAP11,
            SoapVersion::Soap12 => ns::SOAP12,
        }
    }
    /// The version whose envelope namespace is `uri`.
    pub fn from_namespace(uri: &str) -> Option<Self> {
        match uri {
            ns::SOAP11 => Some(SoapVersion::Soap11),
            ns::SOAP12 => Some(SoapVersion::Soap12),
            _ => None,
        }
    }
    /// The version of the SOAP `Envelope` that is the document element of `doc`; when it
    /// is not one, `Err("the root element is {namespace}local")` for the caller's message.
    /// The SOAP version of a document whose root element is a SOAP 1.1 or 1.2 Envelope.
    pub fn of_root(doc: &tanba_xml::Document) -> Option<Self> {
        Self::of_document(doc).ok()
    }

    pub(crate) fn of_document(doc: &tanba_xml::Document) -> Result<Self, NotAnEnvelopeRoot> {
        let name = doc.name(doc.root_element());
        SoapVersion::from_namespace(name.namespace)
            .filter(|_| name.local == "Envelope")
            .ok_or_else(|| NotAnEnvelopeRoot(format!("{{{}}}{}", name.namespace, name.local)))
    }
}

/// The qualified name of a root element that is not a SOAP Envelope.
#[derive(Debug)]
pub(crate) struct NotAnEnvelopeRoot(String);

impl std::fmt::Display for NotAnEnvelopeRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the root element is {}", self.0)
    }
}

/// Writes `<soap:Envelope …><soap:Header/><soap:Body>` + `body` + `</soap:Body></soap:Envelope>`.
pub(crate) fn wrap_envelope(version: SoapVersion, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 160);
    s.push_str("<soap:Envelope xmlns:soap=\"");
    s.push_str(version.namespace());
    s.push_str("\"><soap:Header/><soap:Body>");
    s.push_str(body);
    s.push_str("</soap:Body></soap:Envelope>");
    s
}

/// The envelope of one operation: `<as:{local} xmlns:as="{ns}"><{child}>` + what
/// `content` writes + `</{child}></as:{local}>` in the Body.
pub(crate) fn wrap_operation(
    version: SoapVersion,
    ns: &str,
    local: &str,
    child: &str,
    content: impl FnOnce(&mut String),
) -> String {
    let mut s = String::with_capacity(512);
    s.push_str("<as:");
    s.push_str(local);
    s.push_str(" xmlns:as=\"");
    xmlw::attr(ns, &mut s);
    s.push_str("\"><");
    s.push_str(child);
    s.push('>');
    content(&mut s);
    s.push_str("</");
    s.push_str(child);
    s.push_str("></as:");
    s.push_str(local);
    s.push('>');
    wrap_envelope(version, &s)
}

/// `sender`: the login SmartBridge issued and its optional password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// `senderId`.
    pub sender_id: String,
    /// `password` (secret: zeroized, never printed by `Debug`).
    pub password: Option<Secret>,
}

impl Sender {
    /// A sender without password.
    pub fn new(sender_id: impl Into<String>) -> Self {
        Sender {
            sender_id: sender_id.into(),
            password: None,
        }
    }
    /// A sender with password.
    pub fn with_password(sender_id: impl Into<String>, password: Secret) -> Self {
        Sender {
            sender_id: sender_id.into(),
            password: Some(password),
        }
    }
    pub(crate) fn write(&self, out: &mut String) {
        out.push_str("<sender>");
        xmlw::element(out, "senderId", &self.sender_id);
        if let Some(p) = &self.password {
            xmlw::element(out, "password", p.expose());
        }
        out.push_str("</sender>");
    }
    pub(crate) fn validate(&self) -> Result<(), EnvelopeError> {
        non_empty("sender/senderId", &self.sender_id)
    }
}

/// One `properties` entry (key ≤ 30 characters, value ≤ 500).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// `key`.
    pub key: String,
    /// `value`.
    pub value: String,
}

impl Property {
    /// A property.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Property {
            key: key.into(),
            value: value.into(),
        }
    }
    pub(crate) fn write(&self, out: &mut String) {
        out.push_str("<properties>");
        xmlw::element(out, "key", &self.key);
        xmlw::element(out, "value", &self.value);
        out.push_str("</properties>");
    }
    pub(crate) fn validate(&self) -> Result<(), EnvelopeError> {
        max_chars("properties/key", &self.key, 30)?;
        max_chars("properties/value", &self.value, 500)
    }
}

pub(crate) fn non_empty(field: &str, v: &str) -> Result<(), EnvelopeError> {
    if v.trim().is_empty() {
        return Err(EnvelopeError::InvalidValue {
            field: field.to_owned(),
            detail: "must not be empty".into(),
        });
    }
    Ok(())
}

pub(crate) fn max_chars(field: &str, v: &str, max: usize) -> Result<(), EnvelopeError> {
    let n = v.chars().count();
    if n > max {
        return Err(EnvelopeError::InvalidValue {
            field: field.to_owned(),
            detail: format!("{n} characters, at most {max} allowed"),
        });
    }
    Ok(())
}

/// `sessionId` is a guid with braces: `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`.
pub(crate) fn check_guid(field: &str, v: &str) -> Result<(), EnvelopeError> {
    let ok =
        v.len() == 38 && v.starts_with('{') && v.ends_with('}') && crate::uuid::is_uuid(&v[1..37]);
    if !ok {
        return Err(EnvelopeError::InvalidValue {
            field: field.to_owned(),
            detail: format!(
                "{v:?} is not a guid in braces {{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}}"
            ),
        });
    }
    Ok(())
}

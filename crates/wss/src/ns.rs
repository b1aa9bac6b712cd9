//! Namespace URIs, value-type URIs and the prefixes tanba writes (SMARTBRIDGE.md §2, §6.2).

/// SOAP 1.1 envelope namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace.
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// SyncChannel v10 global elements (`SendMessage`, `SendMessageResponse`, the fault).
pub const SYNC_TYPES: &str = "http://bip.bee.kz/SyncChannel/v10/Types";
/// AsyncChannel v10 global elements (`sendMessage`, `getMessages`, …).
pub const ASYNC_TYPES: &str = "http://bip.bee.kz/AsyncChannel/v10/Types";
/// AsyncChannel v10 recipient-side ("client") global elements: `sendMessage` pushed by
/// ШЭП and `changeMassageStatusNotification` (sic) (SMARTBRIDGE.md §4).
pub const ASYNC_CLIENT_TYPES: &str = "http://bip.bee.kz/AsyncChannel/v10/Types/Client";
/// WS-Security secext (`wsse:`).
pub const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// WS-Security utility (`wsu:`).
pub const WSU: &str = tanba_xml::WSU_NS;
/// XMLDSig (`ds:`).
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// XML Schema instance (`xsi:`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// XML Schema (`xs:`).
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// Exclusive C14N 1.0 without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// `EncodingType` of base64 tokens.
pub const BASE64_BINARY: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
/// `ValueType` of an X.509 v3 certificate token.
pub const X509V3: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";

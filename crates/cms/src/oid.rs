//! The object identifiers of CMS, its attributes and time stamps (dotted form).

/// id-signedData (RFC 5652).
pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
/// id-data.
pub const DATA: &str = "1.2.840.113549.1.7.1";
/// id-ct-TSTInfo (RFC 3161): the content of a time-stamp token.
pub const TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
/// contentType attribute.
pub const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
/// messageDigest attribute.
pub const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
/// signingTime attribute.
pub const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
/// id-aa-signingCertificate (ESSCertID, SHA-1; RFC 2634).
pub const SIGNING_CERTIFICATE: &str = "1.2.840.113549.1.9.16.2.12";
/// id-aa-signingCertificateV2 (ESSCertIDv2; RFC 5035).
pub const SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";
/// id-aa-signatureTimeStampToken (CAdES-T; RFC 3161 appendix A).
pub const SIGNATURE_TIME_STAMP: &str = "1.2.840.113549.1.9.16.2.14";
/// rsaEncryption (some producers put it as a SignerInfo's signatureAlgorithm).
pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

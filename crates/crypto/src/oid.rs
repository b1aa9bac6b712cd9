//! Re-export of the OID type used across tanba.

/// An ASN.1 OBJECT IDENTIFIER (`const-oid`'s type, re-exported through `der`).
pub use der::asn1::ObjectIdentifier;

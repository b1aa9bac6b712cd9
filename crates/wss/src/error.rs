//! Error types: [`EnvelopeError`] for building/parsing envelopes, [`WssError`] for the
//! transport signature, [`WrappingAttack`] naming the signature-wrapping variant detected.

use crate::envelope::SoapFault;

/// Building or reading a SmartBridge envelope failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// The bytes are not well-formed XML (message with line:column).
    #[error("malformed XML: {0}")]
    Xml(String),
    /// The document is not a SOAP envelope of the expected shape.
    #[error("not a SOAP envelope: {0}")]
    NotSoap(String),
    /// An element is missing, repeated, out of order or unexpected (`path` locates it).
    #[error("{path}: {detail}")]
    Schema {
        /// Where (e.g. `SendMessage/request/requestInfo/serviceId`).
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// A field value is not acceptable (too long, wrong format, not well-formed data…).
    #[error("invalid {field}: {detail}")]
    InvalidValue {
        /// The field.
        field: String,
        /// What is wrong.
        detail: String,
    },
    /// The body holds a SOAP fault (with the gateway's error detail when present).
    #[error("SOAP fault: {0}")]
    Fault(Box<SoapFault>),
}

/// A signature-wrapping attack (or an envelope shaped like one), detected during
/// verification. Each variant names the attack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WrappingAttack {
    /// More than one SOAP `Body` element in the document.
    #[error("signature wrapping (duplicated Body): the document holds {count} SOAP Body elements")]
    DuplicateBody {
        /// How many.
        count: usize,
    },
    /// A SOAP `Body` sits inside the `Header` (the signed Body moved into the header while
    /// a different Body is processed).
    #[error("signature wrapping (Body moved into the header): a SOAP Body element sits inside the Header")]
    BodyInHeader,
    /// The Body is not a direct child of the Envelope.
    #[error(
        "signature wrapping (Body relocated): the SOAP Body is not a direct child of the Envelope"
    )]
    BodyNotEnvelopeChild,
    /// Two elements carry the same Id value.
    #[error("signature wrapping (Id collision): Id {id:?} is carried by more than one element")]
    IdCollision {
        /// The Id value.
        id: String,
    },
    /// The signature references an element other than the envelope's Body, and the Body
    /// itself is not signed.
    #[error("signature wrapping (Body Id mismatch): the signature references #{referenced}, but the envelope's Body has {body_id}")]
    BodyIdMismatch {
        /// The referenced Id(s).
        referenced: String,
        /// The Body's Id, or "no Id".
        body_id: String,
    },
    /// A reference resolves to an element that is neither the Body, the Timestamp of this
    /// Security header, nor a header block (e.g. a copy hidden somewhere in the document).
    #[error("signature wrapping (signed element elsewhere): #{id} resolves to <{element}>, which is not the Body, the Timestamp or a header block of this envelope")]
    SignedElementElsewhere {
        /// The Id.
        id: String,
        /// The element's qualified name.
        element: String,
    },
    /// More than one `ds:Signature` / `ds:SignedInfo` where the profile allows one.
    #[error("signature wrapping (extra {what}): {count} found where exactly one is allowed")]
    Duplicated {
        /// What is duplicated.
        what: &'static str,
        /// How many.
        count: usize,
    },
}

/// Signing or verifying the WS-Security transport signature failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WssError {
    /// The envelope is not well-formed XML, or not a SOAP envelope.
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    /// A signature-wrapping attack was detected.
    #[error("{0}")]
    Wrapping(#[from] WrappingAttack),
    /// The envelope has no `wsse:Security` header (or more than one).
    #[error("{0}")]
    SecurityHeader(String),
    /// The Security header holds no signature.
    #[error("the wsse:Security header holds no ds:Signature: the message is not signed")]
    NotSigned,
    /// The Body is not referenced by the signature.
    #[error("the SOAP Body is not signed (it carries no Id a Reference could point at)")]
    UnsignedBody,
    /// A part the policy requires signed (Timestamp, a header) is not covered.
    #[error("required part not signed: {0}")]
    RequiredPartNotSigned(String),
    /// The signature does not follow the WS-Security X.509 profile tanba accepts.
    #[error("signature structure: {0}")]
    Structure(String),
    /// An algorithm URI is unknown or refused.
    #[error("unsupported or refused algorithm: {0}")]
    Algorithm(String),
    /// A digest does not match: the signed part was altered.
    #[error("digest mismatch on {part} (#{id}): the signed content was altered")]
    DigestMismatch {
        /// Which part (`Body`, `Timestamp`, a header name).
        part: String,
        /// Its Id.
        id: String,
    },
    /// `SignatureValue` does not verify with the token's key.
    #[error("SignatureValue does not verify with the signer's certificate ({0})")]
    BadSignatureValue(String),
    /// The security token (certificate) could not be found or decoded.
    #[error("security token: {0}")]
    Token(String),
    /// The Timestamp is outside its validity window (stale or replayed message).
    #[error("timestamp: {0}")]
    Timestamp(String),
    /// A base64 value could not be decoded.
    #[error("{0}")]
    Base64(String),
    /// Signing failed (key, certificate, or an envelope that cannot be signed).
    #[error("cannot sign: {0}")]
    Sign(String),
}

impl From<tanba_dsig::DsigError> for WssError {
    fn from(e: tanba_dsig::DsigError) -> Self {
        match e {
            tanba_dsig::DsigError::Base64 { .. } => WssError::Base64(e.to_string()),
            tanba_dsig::DsigError::UnsupportedAlgorithm { .. }
            | tanba_dsig::DsigError::LegacyAlgorithmRefused { .. } => {
                WssError::Algorithm(e.to_string())
            }
            other => WssError::Structure(other.to_string()),
        }
    }
}

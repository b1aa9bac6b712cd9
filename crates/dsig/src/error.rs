//! The error type of this crate.

use tanba_crypto::CryptoError;

/// What part of a signature an algorithm URI was found in (for error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlgorithmRole {
    /// `SignedInfo/CanonicalizationMethod/@Algorithm`.
    Canonicalization,
    /// `SignedInfo/SignatureMethod/@Algorithm`.
    Signature,
    /// `Reference/DigestMethod/@Algorithm`.
    Digest,
    /// `Reference/Transforms/Transform/@Algorithm`.
    Transform,
}

impl std::fmt::Display for AlgorithmRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AlgorithmRole::Canonicalization => "CanonicalizationMethod",
            AlgorithmRole::Signature => "SignatureMethod",
            AlgorithmRole::Digest => "DigestMethod",
            AlgorithmRole::Transform => "Transform",
        })
    }
}

/// Everything that can go wrong while signing or verifying an XML signature.
///
/// Signature indexes (`signature`) count `ds:Signature` elements in document order from 0;
/// reference indexes count `ds:Reference` children of `SignedInfo` from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DsigError {
    /// The XML could not be parsed (message from the XML parser, with position).
    #[error("malformed XML: {0}")]
    Xml(String),
    /// A base64 field (`DigestValue`, `SignatureValue`, `X509Certificate`…) is not valid base64.
    #[error("{field}: invalid base64: {detail}")]
    Base64 {
        /// The element whose text is wrong.
        field: &'static str,
        /// What the decoder said.
        detail: String,
    },
    /// A `Reference/@URI` tanba does not dereference (external, XPath, malformed).
    #[error("unsupported Reference URI {uri:?}: {reason}")]
    UnsupportedReferenceUri {
        /// The URI as written.
        uri: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// An algorithm URI tanba does not implement or refuses (XSLT, XPath filter, HMAC, DSA…).
    #[error("unsupported algorithm in {role}: {uri}")]
    UnsupportedAlgorithm {
        /// Where the URI was found.
        role: AlgorithmRole,
        /// The URI as written.
        uri: String,
    },
    /// A SHA-1 based algorithm without the legacy switch.
    #[error("legacy algorithm refused in {role}: {uri} (allowed only with the legacy switch)")]
    LegacyAlgorithmRefused {
        /// Where the URI was found.
        role: AlgorithmRole,
        /// The URI as written.
        uri: String,
    },
    /// The document holds no `ds:Signature` element.
    #[error("the document holds no ds:Signature element")]
    NoSignature,
    /// A required element is missing or appears more than once where the schema allows one.
    #[error("signature #{signature}: {detail}")]
    Structure {
        /// Which signature.
        signature: usize,
        /// What is wrong.
        detail: String,
    },
    /// An Id value is carried by more than one element: reference resolution is ambiguous.
    #[error("Id {id:?} is carried by more than one element (possible signature wrapping)")]
    DuplicateId {
        /// The Id value.
        id: String,
    },
    /// No element carries the Id a Reference points at.
    #[error("signature #{signature}, reference #{reference}: no element has Id {id:?}")]
    IdNotFound {
        /// Which signature.
        signature: usize,
        /// Which reference.
        reference: usize,
        /// The Id value looked for.
        id: String,
    },
    /// A reference resolves to an element inside a `ds:Signature` (its own or another one).
    #[error("signature #{signature}, reference #{reference}: resolves to an element inside a ds:Signature")]
    ReferenceIntoSignature {
        /// Which signature.
        signature: usize,
        /// Which reference.
        reference: usize,
    },
    /// The recomputed digest of a reference differs from its `DigestValue`.
    #[error("signature #{signature}, reference #{reference} ({uri:?}): digest mismatch — the signed content was altered")]
    DigestMismatch {
        /// Which signature.
        signature: usize,
        /// Which reference.
        reference: usize,
        /// The reference URI.
        uri: String,
    },
    /// `SignatureValue` does not verify over the canonical `SignedInfo` with the KeyInfo key
    /// (certificate or bare key) or the supplied key.
    #[error("signature #{signature}: SignatureValue does not verify with the key from KeyInfo or the supplied key")]
    BadSignatureValue {
        /// Which signature.
        signature: usize,
    },
    /// The signature carries no usable key (no `X509Certificate`, `KeyValue` or
    /// `DEREncodedKeyValue` in `KeyInfo`, and none supplied). `KeyName`, `RetrievalMethod`,
    /// `X509Digest`, issuer-serial and the like are not resolved.
    #[error("signature #{signature}: no X509Certificate, KeyValue or DEREncodedKeyValue in KeyInfo and no key supplied")]
    NoKey {
        /// Which signature.
        signature: usize,
    },
    /// A `ds:KeyValue` (`RSAKeyValue`, `dsig11:ECKeyValue`) or `dsig11:DEREncodedKeyValue`
    /// in `KeyInfo` is malformed.
    #[error("signature #{signature}: malformed key in KeyInfo: {detail}")]
    BadKeyValue {
        /// Which signature.
        signature: usize,
        /// What is wrong.
        detail: String,
    },
    /// A certificate in `KeyInfo` is not valid DER X.509.
    #[error("signature #{signature}: X509Certificate is not a valid certificate: {source}")]
    BadCertificate {
        /// Which signature.
        signature: usize,
        /// What the DER reader found wrong.
        #[source]
        source: tanba_pki::der::DerError,
    },
    /// A `Reference` uses the Base64 transform, refused unless
    /// [`crate::VerifyOptions::allow_base64_transform`] is set: it signs only the decoded
    /// character data of the element, never its attributes or child elements, so the
    /// element could be changed without breaking the signature. Kalkan never produces it.
    #[error("signature #{signature}, reference #{reference}: the Base64 transform signs only the decoded text of an element, not the element (refused unless explicitly allowed; Kalkan never uses it)")]
    Base64TransformRefused {
        /// Which signature.
        signature: usize,
        /// Which reference.
        reference: usize,
    },
    /// `KeyInfo` holds a `RetrievalMethod` pointing outside the document: never fetched.
    #[error("signature #{signature}: KeyInfo has a RetrievalMethod to a remote location ({uri:?}); keys are never fetched from outside the document")]
    RemoteRetrievalMethod {
        /// Which signature.
        signature: usize,
        /// The URI as written.
        uri: String,
    },
    /// Verification stopped: the document asks for more work than the budget allows
    /// ([`crate::WorkBudget`]). Never a pass: the document is refused.
    #[error("refused: {0}")]
    WorkLimit(WorkLimit),
    /// Signing was asked for something that cannot be done (no element with that Id…).
    #[error("cannot sign: {0}")]
    Sign(String),
    /// An error from the algorithm layer (key mismatch, signing failure…).
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),
}

/// Which limit of the [`crate::WorkBudget`] a document reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkLimit {
    /// More `ds:Signature` elements than [`crate::WorkBudget::max_signatures`].
    Signatures {
        /// How many the document holds.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// More `ds:Reference` elements in one `SignedInfo` than
    /// [`crate::WorkBudget::max_references`].
    References {
        /// Which signature.
        signature: usize,
        /// How many its `SignedInfo` holds.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// More `ds:Transform` elements in one `Reference` than
    /// [`crate::WorkBudget::max_transforms`].
    Transforms {
        /// Which signature.
        signature: usize,
        /// How many the reference holds.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// More candidate keys (certificates and bare keys) in one `KeyInfo` than
    /// [`crate::WorkBudget::max_keys`].
    Keys {
        /// Which signature.
        signature: usize,
        /// How many `KeyInfo` offers.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// The bytes fed to canonicalization would pass (2 × signatures + 1) × the document size.
    CanonicalBytes {
        /// The ceiling for this document, in bytes.
        max: u64,
    },
}

impl std::fmt::Display for WorkLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkLimit::Signatures { found, max } => write!(
                f,
                "the document holds {found} ds:Signature elements; at most {max} are verified"
            ),
            WorkLimit::References {
                signature,
                found,
                max,
            } => write!(
                f,
                "signature #{signature} has {found} References; at most {max} per SignedInfo are processed"
            ),
            WorkLimit::Transforms {
                signature,
                found,
                max,
            } => write!(
                f,
                "signature #{signature} has a Reference with {found} Transforms; at most {max} are processed"
            ),
            WorkLimit::Keys {
                signature,
                found,
                max,
            } => write!(
                f,
                "signature #{signature} offers {found} keys in KeyInfo; at most {max} are tried"
            ),
            WorkLimit::CanonicalBytes { max } => write!(
                f,
                "verification would canonicalize more than {max} bytes ((2 × signatures + 1) × the document size)"
            ),
        }
    }
}

impl DsigError {
    /// True when the error means "this is not something tanba processes" (unsupported
    /// algorithm, transform or URI) rather than "the signature is wrong".
    pub fn is_unsupported(&self) -> bool {
        matches!(
            self,
            DsigError::UnsupportedAlgorithm { .. } | DsigError::UnsupportedReferenceUri { .. }
        ) || matches!(self, DsigError::Crypto(CryptoError::UnknownUri(_)))
    }
}

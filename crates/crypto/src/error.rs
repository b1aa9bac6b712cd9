//! The error type of this crate.

use crate::{DigestAlgorithm, SignatureAlgorithm};

/// Everything that can go wrong in the registry, in signing or in verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// An X.509 algorithm OID that is not in the registry.
    #[error("unknown algorithm OID {0}")]
    UnknownOid(String),
    /// An XMLDSig algorithm URI that is not in the registry.
    #[error("unknown or unsupported algorithm URI {0}")]
    UnknownUri(String),
    /// A known digest that the policy refuses (SHA-1 without the legacy switch).
    #[error("digest {0:?} is a legacy algorithm; it is accepted only when legacy verification is explicitly allowed")]
    LegacyDigestRefused(DigestAlgorithm),
    /// A known signature algorithm that the policy refuses (SHA-1 without the legacy switch).
    #[error("signature algorithm {0:?} is a legacy algorithm; it is accepted only when legacy verification is explicitly allowed")]
    LegacySignatureRefused(SignatureAlgorithm),
    /// The algorithm is known but cannot be used for this operation (e.g. signing with SHA-1).
    #[error("{alg:?} cannot be used to {operation}")]
    Unsupported {
        /// The algorithm.
        alg: SignatureAlgorithm,
        /// What was attempted ("sign", "verify").
        operation: &'static str,
    },
    /// The public key does not fit the signature algorithm (e.g. an RSA key for ECDSA).
    #[error("the public key ({key}) does not match the signature algorithm {alg:?}")]
    KeyMismatch {
        /// The algorithm.
        alg: SignatureAlgorithm,
        /// What the key is.
        key: String,
    },
    /// An RSA key of 1024–2047 bits with a SHA-2 algorithm, refused because the policy does
    /// not allow legacy verification (weak keys are legacy, like SHA-1).
    #[error("RSA-{bits} key is under 2048 bits: a legacy key, accepted for {alg:?} only when legacy verification is explicitly allowed")]
    LegacyKeySizeRefused {
        /// The modulus size in bits.
        bits: usize,
        /// The signature algorithm.
        alg: SignatureAlgorithm,
    },
    /// The public key is malformed or outside what the implementation accepts (e.g. RSA < 1024 bits).
    #[error("invalid public key: {0}")]
    InvalidPublicKey(String),
    /// The private key is malformed or of an unsupported kind.
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(String),
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// The signature value is malformed (wrong length, bad DER).
    #[error("malformed signature value: {0}")]
    MalformedSignature(String),
    /// DER decoding failed.
    #[error("malformed DER in {what}: {detail}")]
    Der {
        /// Which structure.
        what: &'static str,
        /// The decoder's message.
        detail: String,
    },
    /// Signing failed inside the implementation.
    #[error("signing failed: {0}")]
    SigningFailed(String),
}

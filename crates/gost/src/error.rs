//! The error type of this crate.

/// Everything that can go wrong when loading keys, signing or verifying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GostError {
    /// A parameter-set (curve) OID this crate does not know.
    #[error("unknown GOST parameter-set OID {0}")]
    UnknownParamSet(String),
    /// An input of the wrong length.
    #[error("{what} must be {expected} bytes, got {got}")]
    InvalidLength {
        /// Which input ("digest", "signature", "public key", "private key", "nonce").
        what: &'static str,
        /// The length the parameter set requires.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The private scalar is zero or not below the group order `q`.
    #[error("invalid private key: the scalar must be in 1..q")]
    InvalidPrivateKey,
    /// The public key is not a point of the curve.
    #[error("invalid public key: {0}")]
    InvalidPublicKey(&'static str),
    /// The signature value is malformed (`r` or `s` zero or not below `q`).
    #[error("malformed signature: {0}")]
    MalformedSignature(&'static str),
    /// The signature is well formed but does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// A fixed nonce (known-answer tests only) is zero, not below `q`, or gives `r = 0` / `s = 0`.
    #[error("unusable nonce: {0}")]
    BadNonce(&'static str),
    /// The operating system's random number generator failed.
    #[error("the OS random number generator failed: {0}")]
    Rng(String),
}

//! Bridge to the GOST implementation (`tanba-gost`, issue 4). Until that crate is wired in,
//! `param_set` is the curve OID from the key's AlgorithmIdentifier (`None`: the NCA default
//! for the kind). Until then every GOST operation fails with a clear [`CryptoError::Unsupported`].

use crate::{CryptoError, KeyKind, SignatureAlgorithm};

const PENDING: &str =
    "use a GOST key: the GOST implementation (tanba-gost) is not available in this build";

fn alg_of(kind: KeyKind) -> SignatureAlgorithm {
    SignatureAlgorithm::default_for(kind)
}

/// `d·G` as `X_LE ‖ Y_LE`.
pub(crate) fn public_key_le(
    kind: KeyKind,
    _param_set: Option<&str>,
    _scalar_le: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    Err(CryptoError::Unsupported {
        alg: alg_of(kind),
        operation: PENDING,
    })
}

/// Sign a digest (memory-order bytes); returns `r_LE ‖ s_LE`.
pub(crate) fn sign_digest(
    kind: KeyKind,
    _param_set: Option<&str>,
    _scalar_le: &[u8],
    _digest: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    Err(CryptoError::Unsupported {
        alg: alg_of(kind),
        operation: PENDING,
    })
}

/// Verify `r_LE ‖ s_LE` over a digest with the public key `X_LE ‖ Y_LE`.
pub(crate) fn verify_digest(
    kind: KeyKind,
    _param_set: Option<&str>,
    _public_xy_le: &[u8],
    _digest: &[u8],
    _signature: &[u8],
) -> Result<(), CryptoError> {
    Err(CryptoError::Unsupported {
        alg: alg_of(kind),
        operation: PENDING,
    })
}

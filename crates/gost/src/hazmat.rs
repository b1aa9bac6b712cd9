//! Operations that are dangerous outside known-answer tests.

use crate::{GostError, SigningKey};

/// Sign `digest` with the caller's nonce `k` (`n` little-endian bytes, in `1..q`); returns
/// `r_LE ‖ s_LE`.
///
/// **Only for reproducing published examples** (GOST R 34.10-2012 Appendix A, the NCA
/// vectors). Using the same `k` for two different digests, or a predictable `k`, reveals the
/// private key. Real signatures use [`SigningKey::sign_digest`].
pub fn sign_digest_with_nonce(
    key: &SigningKey,
    digest: &[u8],
    k_le: &[u8],
) -> Result<Vec<u8>, GostError> {
    key.sign_digest_with_nonce(digest, k_le)
}

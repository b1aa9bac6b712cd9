//! Bridge to the GOST implementation (`tanba-gost`).
//!
//! `param_set` is the curve OID from the key's AlgorithmIdentifier (`None`: the NCA default
//! for the kind: tc26-512-paramSetA for 2015/512, tc26-256-paramSetA for 2015/256,
//! CryptoPro-A for 2004). An unknown OID is [`CryptoError::UnknownOid`] naming it; a curve
//! that does not fit the key kind (e.g. a 256-bit curve on a 512-bit key) is an invalid key.

use tanba_gost::{GostError, ParamSet, SigningKey, VerifyingKey};

use crate::{CryptoError, KeyKind, SignatureAlgorithm};

/// The parameter set for a key kind and an optional curve OID.
fn param_set(kind: KeyKind, oid: Option<&str>) -> Result<ParamSet, CryptoError> {
    let ps = match oid {
        Some(oid) => {
            ParamSet::from_oid(oid).map_err(|_| CryptoError::UnknownOid(oid.to_owned()))?
        }
        None => match kind {
            KeyKind::Gost2015_512 => ParamSet::Tc26_512A,
            KeyKind::Gost2015_256 => ParamSet::Tc26_256A,
            KeyKind::Gost2004 => ParamSet::CryptoProA,
            KeyKind::Rsa | KeyKind::Ec => {
                return Err(CryptoError::Unsupported {
                    alg: SignatureAlgorithm::default_for(kind),
                    operation: "use a non-GOST key with the GOST implementation",
                })
            }
        },
    };
    let expected = if kind == KeyKind::Gost2015_512 {
        64
    } else {
        32
    };
    if ps.size() != expected {
        return Err(CryptoError::InvalidPublicKey(format!(
            "parameter set {ps} ({} bits) does not fit a {kind:?} key",
            ps.size() * 8
        )));
    }
    Ok(ps)
}

fn private_key_error(e: GostError) -> CryptoError {
    CryptoError::InvalidPrivateKey(format!("GOST: {e}"))
}

/// `d·G` as `X_LE ‖ Y_LE`.
pub(crate) fn public_key_le(
    kind: KeyKind,
    param_set_oid: Option<&str>,
    scalar_le: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let ps = param_set(kind, param_set_oid)?;
    let key = SigningKey::from_le_bytes(ps, scalar_le).map_err(private_key_error)?;
    Ok(key.verifying_key().to_xy_le().to_vec())
}

/// Sign a digest (memory-order bytes); returns `r_LE ‖ s_LE`.
pub(crate) fn sign_digest(
    kind: KeyKind,
    param_set_oid: Option<&str>,
    scalar_le: &[u8],
    digest: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let ps = param_set(kind, param_set_oid)?;
    let key = SigningKey::from_le_bytes(ps, scalar_le).map_err(private_key_error)?;
    key.sign_digest(digest)
        .map_err(|e| CryptoError::SigningFailed(format!("GOST: {e}")))
}

/// Verify `r_LE ‖ s_LE` over a digest with the public key `X_LE ‖ Y_LE`.
pub(crate) fn verify_digest(
    kind: KeyKind,
    param_set_oid: Option<&str>,
    public_xy_le: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let ps = param_set(kind, param_set_oid)?;
    let key = VerifyingKey::from_xy_le(ps, public_xy_le)
        .map_err(|e| CryptoError::InvalidPublicKey(format!("GOST: {e}")))?;
    key.verify_digest(digest, signature).map_err(|e| match e {
        GostError::BadSignature => CryptoError::BadSignature,
        other => CryptoError::MalformedSignature(format!("GOST: {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_sets_from_kind_and_oid() {
        assert_eq!(
            param_set(KeyKind::Gost2015_512, None).unwrap(),
            ParamSet::Tc26_512A
        );
        assert_eq!(
            param_set(KeyKind::Gost2004, Some("1.2.398.3.10.1.1.1.1.1")).unwrap(),
            ParamSet::CryptoProA
        );
        assert_eq!(
            param_set(KeyKind::Gost2015_512, Some("1.2.643.7.1.2.1.2.1")).unwrap(),
            ParamSet::Tc26_512A
        );
        assert_eq!(
            param_set(KeyKind::Gost2015_512, Some("1.2.398.9.9")).unwrap_err(),
            CryptoError::UnknownOid("1.2.398.9.9".into())
        );
        assert!(matches!(
            param_set(KeyKind::Gost2015_512, Some("1.2.398.3.10.1.1.1.1.1")),
            Err(CryptoError::InvalidPublicKey(_))
        ));
    }

    #[test]
    fn sign_then_verify_through_the_bridge() {
        let key = SigningKey::generate(ParamSet::Tc26_512A).unwrap();
        let d = key.to_le_bytes();
        let xy = public_key_le(KeyKind::Gost2015_512, None, &d).unwrap();
        let digest = crate::DigestAlgorithm::Streebog512.digest(b"bridge");
        let sig = sign_digest(KeyKind::Gost2015_512, None, &d, &digest).unwrap();
        verify_digest(KeyKind::Gost2015_512, None, &xy, &digest, &sig).unwrap();
        let mut bad = sig.clone();
        bad[100] ^= 4;
        assert_eq!(
            verify_digest(KeyKind::Gost2015_512, None, &xy, &digest, &bad),
            Err(CryptoError::BadSignature)
        );
        assert!(matches!(
            verify_digest(KeyKind::Gost2015_512, None, &xy, &digest, &sig[..10]),
            Err(CryptoError::MalformedSignature(_))
        ));
    }
}

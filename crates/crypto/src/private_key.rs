//! Private keys decoded from PKCS#8 `PrivateKeyInfo` — RSA, ECDSA and the Kazakh GOST layouts
//! (GOST.md §3): the key material is held in zeroizing buffers and never printed.

use der::{asn1::ObjectIdentifier, Decode, Encode};
use zeroize::{Zeroize, Zeroizing};

use crate::{CryptoError, KeyKind};

pub(crate) const OID_RSA: &str = "1.2.840.113549.1.1.1";
pub(crate) const OID_EC: &str = "1.2.840.10045.2.1";
pub(crate) const OID_P256: &str = "1.2.840.10045.3.1.7";
pub(crate) const OID_P384: &str = "1.3.132.0.34";
/// KZ GOST 34.10-2015 512-bit key, and the Russian GOST R 34.10-2012 512-bit key.
pub(crate) const OIDS_GOST2015_512: &[&str] = &["1.2.398.3.10.1.1.2.2", "1.2.643.7.1.1.1.2"];
/// KZ GOST 34.10-2015 256-bit key, and the Russian GOST R 34.10-2012 256-bit key.
pub(crate) const OIDS_GOST2015_256: &[&str] = &["1.2.398.3.10.1.1.2.1", "1.2.643.7.1.1.1.1"];
/// KZ GOST 34.310-2004 key, and the Russian GOST R 34.10-2001 key.
pub(crate) const OIDS_GOST2004: &[&str] = &["1.2.398.3.10.1.1.1.1", "1.2.643.2.2.19"];

/// What a key is, as far as a report needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// RSA with this modulus size in bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// ECDSA on a named curve.
    Ec {
        /// Curve name ("P-256", "P-384").
        curve: &'static str,
    },
    /// A GOST key (2015 256/512 or 2004).
    Gost {
        /// Which GOST family and size.
        kind: KeyKind,
        /// The parameter-set (curve) OID from the key's AlgorithmIdentifier, if present.
        param_set: Option<String>,
        /// The digest parameter OID from the key's AlgorithmIdentifier, if present.
        digest_param: Option<String>,
    },
}

impl KeyAlgorithm {
    /// The [`KeyKind`] signatures with this key need.
    pub fn kind(&self) -> KeyKind {
        match self {
            KeyAlgorithm::Rsa { .. } => KeyKind::Rsa,
            KeyAlgorithm::Ec { .. } => KeyKind::Ec,
            KeyAlgorithm::Gost { kind, .. } => *kind,
        }
    }
}

impl std::fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA-{bits}"),
            KeyAlgorithm::Ec { curve } => write!(f, "ECDSA {curve}"),
            KeyAlgorithm::Gost {
                kind, param_set, ..
            } => {
                let name = match kind {
                    KeyKind::Gost2015_512 => "GOST 34.10-2015 512-bit",
                    KeyKind::Gost2015_256 => "GOST 34.10-2015 256-bit",
                    KeyKind::Gost2004 => "GOST 34.310-2004",
                    KeyKind::Rsa | KeyKind::Ec => "GOST",
                };
                match param_set {
                    Some(p) => write!(f, "{name} (parameters {p})"),
                    None => f.write_str(name),
                }
            }
        }
    }
}

/// A decoded private key. `Debug` never shows key material.
pub struct PrivateKey {
    algorithm: KeyAlgorithm,
    /// The PKCS#8 DER as given (RSA / EC keys are handed to ring in this form).
    pkcs8: Zeroizing<Vec<u8>>,
    /// For GOST keys: the private scalar, little-endian, as Kazakh keys store it.
    gost_scalar_le: Option<Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm)
            .field("material", &"<redacted>")
            .finish()
    }
}

#[derive(der::Sequence)]
struct GostParams {
    curve: ObjectIdentifier,
    digest: Option<ObjectIdentifier>,
}

impl PrivateKey {
    /// Decode an unencrypted PKCS#8 `PrivateKeyInfo` (v1 or v2).
    pub fn from_pkcs8_der(der_bytes: &[u8]) -> Result<Self, CryptoError> {
        let pki = pkcs8::PrivateKeyInfo::from_der(der_bytes).map_err(|e| CryptoError::Der {
            what: "PKCS#8 PrivateKeyInfo",
            detail: e.to_string(),
        })?;
        let oid = pki.algorithm.oid.to_string();
        let pkcs8 = Zeroizing::new(der_bytes.to_vec());
        if oid == OID_RSA {
            let kp = ring::signature::RsaKeyPair::from_pkcs8(der_bytes)
                .map_err(|e| CryptoError::InvalidPrivateKey(format!("RSA: {e}")))?;
            let bits = kp.public().modulus_len() * 8;
            return Ok(PrivateKey {
                algorithm: KeyAlgorithm::Rsa { bits },
                pkcs8,
                gost_scalar_le: None,
            });
        }
        if oid == OID_EC {
            let curve_oid = pki
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .map(|o| o.to_string())
                .ok_or_else(|| {
                    CryptoError::InvalidPrivateKey("EC key without a named curve".into())
                })?;
            let curve = match curve_oid.as_str() {
                OID_P256 => "P-256",
                OID_P384 => "P-384",
                other => {
                    return Err(CryptoError::InvalidPrivateKey(format!(
                        "unsupported EC curve {other} (P-256 and P-384 are supported)"
                    )))
                }
            };
            let key = PrivateKey {
                algorithm: KeyAlgorithm::Ec { curve },
                pkcs8,
                gost_scalar_le: None,
            };
            // Fail now, not at the first signature, if ring cannot use it.
            key.ecdsa_key_pair()?;
            return Ok(key);
        }
        let kind = if OIDS_GOST2015_512.contains(&oid.as_str()) {
            KeyKind::Gost2015_512
        } else if OIDS_GOST2015_256.contains(&oid.as_str()) {
            KeyKind::Gost2015_256
        } else if OIDS_GOST2004.contains(&oid.as_str()) {
            KeyKind::Gost2004
        } else {
            return Err(CryptoError::UnknownOid(oid));
        };
        let (param_set, digest_param) = match pki.algorithm.parameters {
            Some(any) => match any.decode_as::<GostParams>() {
                Ok(p) => (Some(p.curve.to_string()), p.digest.map(|d| d.to_string())),
                Err(_) => (None, None),
            },
            None => (None, None),
        };
        let n = if kind == KeyKind::Gost2015_512 {
            64
        } else {
            32
        };
        // The KZ 2004 key stores `INTEGER d`; the other layouts are octet strings.
        let integer_first = oid == OIDS_GOST2004[0];
        let scalar = gost_scalar_le(pki.private_key, n, integer_first)?;
        Ok(PrivateKey {
            algorithm: KeyAlgorithm::Gost {
                kind,
                param_set,
                digest_param,
            },
            pkcs8,
            gost_scalar_le: Some(scalar),
        })
    }

    /// What the key is.
    pub fn algorithm(&self) -> &KeyAlgorithm {
        &self.algorithm
    }

    /// The PKCS#8 DER the key was decoded from.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// For GOST keys, the private scalar as little-endian bytes (`n` = 32 or 64 bytes).
    pub fn gost_scalar_le(&self) -> Option<&[u8]> {
        self.gost_scalar_le.as_deref().map(|v| v.as_slice())
    }

    pub(crate) fn ecdsa_key_pair(&self) -> Result<ring::signature::EcdsaKeyPair, CryptoError> {
        let alg = match self.algorithm {
            KeyAlgorithm::Ec { curve: "P-256" } => &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            KeyAlgorithm::Ec { curve: "P-384" } => &ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING,
            _ => return Err(CryptoError::InvalidPrivateKey("not an ECDSA key".into())),
        };
        let rng = ring::rand::SystemRandom::new();
        ring::signature::EcdsaKeyPair::from_pkcs8(alg, &self.pkcs8, &rng)
            .map_err(|e| CryptoError::InvalidPrivateKey(format!("ECDSA: {e}")))
    }

    /// The public key, as the BIT STRING contents of a `SubjectPublicKeyInfo` would hold it
    /// (RSA: PKCS#1 `RSAPublicKey` DER; EC: the uncompressed point; GOST: the DER OCTET
    /// STRING with `X_LE ‖ Y_LE`). Used to match a key to its certificate.
    pub fn public_key_bits(&self) -> Result<Vec<u8>, CryptoError> {
        use ring::signature::KeyPair;
        match &self.algorithm {
            KeyAlgorithm::Rsa { .. } => {
                let kp = ring::signature::RsaKeyPair::from_pkcs8(&self.pkcs8)
                    .map_err(|e| CryptoError::InvalidPrivateKey(format!("RSA: {e}")))?;
                Ok(kp.public_key().as_ref().to_vec())
            }
            KeyAlgorithm::Ec { .. } => Ok(self.ecdsa_key_pair()?.public_key().as_ref().to_vec()),
            KeyAlgorithm::Gost {
                kind, param_set, ..
            } => {
                let scalar = self.gost_scalar_le.as_ref().ok_or_else(|| {
                    CryptoError::InvalidPrivateKey("GOST key without a scalar".into())
                })?;
                let xy = crate::gost::public_key_le(*kind, param_set.as_deref(), scalar)?;
                der::asn1::OctetString::new(xy)
                    .and_then(|o| o.to_der())
                    .map_err(|e| CryptoError::InvalidPrivateKey(e.to_string()))
            }
        }
    }
}

/// The GOST private scalar from the PKCS#8 `privateKey` OCTET STRING contents: accepts
/// `OCTET STRING { OCTET STRING (n, LE) }` (Kalkan), a bare n-byte LE string (OpenSSL gost
/// engine) and `INTEGER d` (big-endian; the KZ 2004 layout). Returns n bytes, little-endian.
///
/// The layouts overlap (a raw n-byte scalar may happen to parse as DER), so the order is
/// decided by what the key's OID says: for the KZ 2004 key (`integer_first`) an INTEGER is
/// tried first; otherwise a wrapped OCTET STRING counts only when it holds exactly n bytes,
/// and any other n-byte value is the raw scalar.
fn gost_scalar_le(
    private_key: &[u8],
    n: usize,
    integer_first: bool,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let as_integer = || {
        der::asn1::UintRef::from_der(private_key).ok().map(|int| {
            let mut le: Vec<u8> = int.as_bytes().iter().rev().copied().collect();
            let out = fixed_le(&le, n);
            le.zeroize();
            out
        })
    };
    if integer_first {
        if let Some(out) = as_integer() {
            return out;
        }
    }
    let wrapped = der::asn1::OctetStringRef::from_der(private_key).ok();
    if let Some(inner) = wrapped.filter(|o| o.as_bytes().len() == n) {
        return fixed_le(inner.as_bytes(), n);
    }
    if private_key.len() == n {
        return fixed_le(private_key, n);
    }
    if let Some(inner) = wrapped {
        return fixed_le(inner.as_bytes(), n);
    }
    if let Some(out) = as_integer() {
        return out;
    }
    Err(CryptoError::InvalidPrivateKey(format!(
        "GOST private key is neither OCTET STRING, INTEGER nor {n} raw bytes"
    )))
}

fn fixed_le(le: &[u8], n: usize) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    // Trailing zero bytes of a little-endian number are insignificant.
    let significant = le.iter().rposition(|b| *b != 0).map_or(0, |p| p + 1);
    if significant > n {
        return Err(CryptoError::InvalidPrivateKey(format!(
            "GOST private scalar longer than {n} bytes"
        )));
    }
    let mut out = Zeroizing::new(vec![0u8; n]);
    out[..significant].copy_from_slice(&le[..significant]);
    if out.iter().all(|b| *b == 0) {
        return Err(CryptoError::InvalidPrivateKey(
            "GOST private scalar is zero".into(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_material() {
        let rng = ring::rand::SystemRandom::new();
        let doc = ring::signature::EcdsaKeyPair::generate_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &rng,
        )
        .unwrap();
        let key = PrivateKey::from_pkcs8_der(doc.as_ref()).unwrap();
        let dbg = format!("{key:?}");
        assert!(dbg.contains("redacted"));
        assert!(!dbg.contains(&format!("{:?}", &doc.as_ref()[..8])));
        assert_eq!(key.algorithm(), &KeyAlgorithm::Ec { curve: "P-256" });
    }

    #[test]
    fn gost_scalar_layouts() {
        // OCTET STRING { OCTET STRING (4) }  with n = 4
        let wrapped = [0x04, 0x04, 1, 2, 3, 4];
        assert_eq!(
            gost_scalar_le(&wrapped, 4, false).unwrap().as_slice(),
            &[1, 2, 3, 4]
        );
        // INTEGER 0x01020304 (BE) -> LE 04 03 02 01
        let int = [0x02, 0x04, 1, 2, 3, 4];
        assert_eq!(
            gost_scalar_le(&int, 4, true).unwrap().as_slice(),
            &[4, 3, 2, 1]
        );
        // raw
        assert_eq!(
            gost_scalar_le(&[9, 9, 9, 9], 4, false).unwrap().as_slice(),
            &[9, 9, 9, 9]
        );
        assert!(gost_scalar_le(&[0x04, 0x02, 0, 0], 4, false).is_ok()); // raw: 4 bytes
        assert!(gost_scalar_le(&[0x04, 0x04, 0, 0, 0, 0], 4, false).is_err()); // wrapped zero
        assert!(gost_scalar_le(&[1, 2, 3], 4, false).is_err());
        // a raw scalar whose bytes happen to look like DER is still read as raw
        assert_eq!(
            gost_scalar_le(&[0x04, 0x02, 7, 8], 4, false)
                .unwrap()
                .as_slice(),
            &[0x04, 0x02, 7, 8]
        );
        assert_eq!(
            gost_scalar_le(&[0x02, 0x02, 7, 8], 4, false)
                .unwrap()
                .as_slice(),
            &[0x02, 0x02, 7, 8]
        );
        // the INTEGER layout (KZ 2004) wins when the OID says so
        assert_eq!(
            gost_scalar_le(&[0x02, 0x02, 7, 8], 4, true)
                .unwrap()
                .as_slice(),
            &[8, 7, 0, 0]
        );
    }

    #[test]
    fn garbage_is_a_der_error() {
        assert!(matches!(
            PrivateKey::from_pkcs8_der(b"not a key"),
            Err(CryptoError::Der { .. })
        ));
    }
}

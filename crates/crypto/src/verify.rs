//! Signature verification with a DER `SubjectPublicKeyInfo`, under an [`AlgorithmPolicy`].

use der::{asn1::ObjectIdentifier, Decode};

use crate::private_key::{
    OIDS_GOST2004, OIDS_GOST2015_256, OIDS_GOST2015_512, OID_EC, OID_P256, OID_P384, OID_RSA,
};

const OID_P521: &str = "1.3.132.0.35";
use crate::{CryptoError, KeyKind, SignatureAlgorithm, SignatureEncoding};

/// Which algorithms verification accepts. The default refuses SHA-1 based algorithms and
/// RSA keys under 2048 bits; [`AlgorithmPolicy::allow_legacy`] accepts them (for old
/// documents, explicitly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlgorithmPolicy {
    allow_legacy: bool,
}

impl AlgorithmPolicy {
    /// The safe default: SHA-1 digests and signatures are refused.
    pub fn strict() -> Self {
        Self::default()
    }

    /// Also accept SHA-1 digests, RSA-SHA1 signatures and RSA keys of 1024–2047 bits with
    /// SHA-2 (legacy verification only).
    pub fn allow_legacy() -> Self {
        AlgorithmPolicy { allow_legacy: true }
    }

    /// Whether legacy algorithms are accepted.
    pub fn legacy_allowed(&self) -> bool {
        self.allow_legacy
    }

    /// `Ok` if the policy accepts this signature algorithm.
    pub fn check_signature(&self, alg: SignatureAlgorithm) -> Result<(), CryptoError> {
        if alg.is_legacy() && !self.allow_legacy {
            return Err(CryptoError::LegacySignatureRefused(alg));
        }
        Ok(())
    }

    /// `Ok` if the policy accepts this digest algorithm.
    pub fn check_digest(&self, alg: crate::DigestAlgorithm) -> Result<(), CryptoError> {
        if alg.is_legacy() && !self.allow_legacy {
            return Err(CryptoError::LegacyDigestRefused(alg));
        }
        Ok(())
    }
}

/// A decoded `SubjectPublicKeyInfo`: what kind of key, its parameters, and the key bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// The key's algorithm OID (dotted).
    pub algorithm_oid: String,
    /// The key kind, when the registry knows the OID.
    pub kind: Option<KeyKind>,
    /// EC: the named curve OID; GOST: the parameter-set (curve) OID.
    pub curve_oid: Option<String>,
    /// The contents of the `subjectPublicKey` BIT STRING.
    pub key_bits: Vec<u8>,
}

#[derive(der::Sequence)]
struct GostKeyParams {
    curve: ObjectIdentifier,
    digest: Option<ObjectIdentifier>,
}

impl PublicKeyInfo {
    /// Decode a DER `SubjectPublicKeyInfo`.
    pub fn from_der(spki_der: &[u8]) -> Result<Self, CryptoError> {
        let spki =
            spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|e| CryptoError::Der {
                what: "SubjectPublicKeyInfo",
                detail: e.to_string(),
            })?;
        // rsaEncryption is recognized by its encoded bytes, without formatting the OID.
        const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap(OID_RSA);
        let algorithm_oid = if spki.algorithm.oid == RSA {
            OID_RSA.to_owned()
        } else {
            spki.algorithm.oid.to_string()
        };
        let key_bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| {
                CryptoError::InvalidPublicKey("subjectPublicKey has unused bits".into())
            })?
            .to_vec();
        let oid = algorithm_oid.as_str();
        let (kind, curve_oid) = if oid == OID_RSA {
            (Some(KeyKind::Rsa), None)
        } else if oid == OID_EC {
            let curve = spki
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .map(|o| o.to_string());
            (Some(KeyKind::Ec), curve)
        } else {
            let kind = if OIDS_GOST2015_512.contains(&oid) {
                Some(KeyKind::Gost2015_512)
            } else if OIDS_GOST2015_256.contains(&oid) {
                Some(KeyKind::Gost2015_256)
            } else if OIDS_GOST2004.contains(&oid) {
                Some(KeyKind::Gost2004)
            } else {
                None
            };
            let curve = spki
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<GostKeyParams>().ok())
                .map(|p| p.curve.to_string());
            (kind, curve)
        };
        Ok(PublicKeyInfo {
            algorithm_oid,
            kind,
            curve_oid,
            key_bits,
        })
    }

    /// A short description for reports ("RSA-2048", "ECDSA P-256", "GOST 34.10-2015 512-bit").
    pub fn describe(&self) -> String {
        match self.kind {
            Some(KeyKind::Rsa) => match rsa_modulus_bits(&self.key_bits) {
                Some(bits) => format!("RSA-{bits}"),
                None => "RSA".into(),
            },
            Some(KeyKind::Ec) => match self.curve_oid.as_deref() {
                Some(OID_P256) => "ECDSA P-256".into(),
                Some(OID_P384) => "ECDSA P-384".into(),
                Some(OID_P521) => "ECDSA P-521".into(),
                Some(other) => format!("ECDSA (curve {other})"),
                None => "ECDSA".into(),
            },
            Some(KeyKind::Gost2015_512) => "GOST 34.10-2015 512-bit".into(),
            Some(KeyKind::Gost2015_256) => "GOST 34.10-2015 256-bit".into(),
            Some(KeyKind::Gost2004) => "GOST 34.310-2004".into(),
            None => format!("unknown key algorithm {}", self.algorithm_oid),
        }
    }
}

fn rsa_modulus_bits(pkcs1: &[u8]) -> Option<usize> {
    #[derive(der::Sequence)]
    struct RsaPub<'a> {
        n: der::asn1::UintRef<'a>,
        e: der::asn1::UintRef<'a>,
    }
    let k = RsaPub::from_der(pkcs1).ok()?;
    let _ = k.e;
    let n = k.n.as_bytes();
    let lead = n.first().copied()?;
    Some((n.len() - 1) * 8 + (8 - lead.leading_zeros() as usize))
}

/// Verify `signature` over `message` with the key in `spki_der`, using `alg`, under `policy`.
///
/// `encoding` matters for ECDSA only (DER in X.509/CMS, `r ‖ s` in XMLDSig). Errors:
/// [`CryptoError::BadSignature`] when the signature does not verify; a legacy or mismatched
/// algorithm, a malformed key or a malformed signature each get their own variant.
pub fn verify_signature(
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    message: &[u8],
    signature: &[u8],
    encoding: SignatureEncoding,
    policy: &AlgorithmPolicy,
) -> Result<(), CryptoError> {
    policy.check_signature(alg)?;
    let key = PublicKeyInfo::from_der(spki_der)?;
    let kind = key
        .kind
        .ok_or_else(|| CryptoError::UnknownOid(key.algorithm_oid.clone()))?;
    if kind != alg.key_kind() {
        return Err(CryptoError::KeyMismatch {
            alg,
            key: key.describe(),
        });
    }
    let mut legacy_size = false;
    if kind == KeyKind::Rsa {
        let bits = rsa_modulus_bits(&key.key_bits).ok_or_else(|| {
            CryptoError::InvalidPublicKey("RSA key is not a PKCS#1 RSAPublicKey".into())
        })?;
        if !(1024..=8192).contains(&bits) {
            return Err(CryptoError::InvalidPublicKey(format!(
                "RSA-{bits} is outside the accepted range 1024..8192 bits for {alg:?}"
            )));
        }
        // 1024..2047 bits: a legacy key, like SHA-1 (RSA-SHA1 itself is already legacy)
        if bits < 2048 && alg != SignatureAlgorithm::RsaPkcs1Sha1 {
            if !policy.legacy_allowed() {
                return Err(CryptoError::LegacyKeySizeRefused { bits, alg });
            }
            legacy_size = true;
        }
    }
    use ring::signature as rs;
    let ring_alg: &'static dyn rs::VerificationAlgorithm = match alg {
        SignatureAlgorithm::RsaPkcs1Sha1 => &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        SignatureAlgorithm::RsaPkcs1Sha256 if legacy_size => {
            &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
        }
        SignatureAlgorithm::RsaPkcs1Sha512 if legacy_size => {
            &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
        }
        // ring 0.17 has no 1024-bit variant for PKCS#1 SHA-384 nor for PSS
        SignatureAlgorithm::RsaPkcs1Sha384
        | SignatureAlgorithm::RsaPssSha256
        | SignatureAlgorithm::RsaPssSha384
        | SignatureAlgorithm::RsaPssSha512
            if legacy_size =>
        {
            return Err(CryptoError::Unsupported {
                alg,
                operation: "verify with an RSA key under 2048 bits (legacy key sizes are supported for RSA PKCS#1 SHA-1, SHA-256 and SHA-512 only)",
            });
        }
        SignatureAlgorithm::RsaPkcs1Sha256 => &rs::RSA_PKCS1_2048_8192_SHA256,
        SignatureAlgorithm::RsaPkcs1Sha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
        SignatureAlgorithm::RsaPkcs1Sha512 => &rs::RSA_PKCS1_2048_8192_SHA512,
        SignatureAlgorithm::RsaPssSha256 => &rs::RSA_PSS_2048_8192_SHA256,
        SignatureAlgorithm::RsaPssSha384 => &rs::RSA_PSS_2048_8192_SHA384,
        SignatureAlgorithm::RsaPssSha512 => &rs::RSA_PSS_2048_8192_SHA512,
        SignatureAlgorithm::EcdsaSha256
        | SignatureAlgorithm::EcdsaSha384
        | SignatureAlgorithm::EcdsaSha512 => {
            return verify_ecdsa(alg, &key, message, signature, encoding);
        }
        SignatureAlgorithm::Gost2015_256
        | SignatureAlgorithm::Gost2015_512
        | SignatureAlgorithm::Gost2004 => {
            let xy = der::asn1::OctetStringRef::from_der(&key.key_bits).map_err(|e| {
                CryptoError::InvalidPublicKey(format!(
                    "GOST public key is not an OCTET STRING: {e}"
                ))
            })?;
            let digest = alg.digest().digest(message);
            return crate::gost::verify_digest(
                kind,
                key.curve_oid.as_deref(),
                xy.as_bytes(),
                &digest,
                signature,
            );
        }
    };
    ring_verify(ring_alg, &key.key_bits, message, signature)
}

/// ECDSA: ring for its (curve, hash) pairs, RustCrypto for P-521 and SHA-512.
///
/// In XMLDSig the value is `r ‖ s`; a DER `SEQUENCE { r, s }` is also accepted there (some
/// Java signers wrote DER — the signature must still verify, so this costs no security).
fn verify_ecdsa(
    alg: SignatureAlgorithm,
    key: &PublicKeyInfo,
    message: &[u8],
    signature: &[u8],
    encoding: SignatureEncoding,
) -> Result<(), CryptoError> {
    let curve = key.curve_oid.as_deref().unwrap_or("(none)");
    let field = match curve {
        OID_P256 => 32,
        OID_P384 => 48,
        OID_P521 => 66,
        other => {
            return Err(CryptoError::InvalidPublicKey(format!(
                "unsupported EC curve {other} (P-256, P-384 and P-521 are supported)"
            )))
        }
    };
    let der_sig = match encoding {
        SignatureEncoding::XmlDsig if signature.len() == 2 * field => {
            crate::ecdsa_raw_to_der(signature)?
        }
        _ => signature.to_vec(),
    };
    use ring::signature as rs;
    let ring_alg: Option<&'static dyn rs::VerificationAlgorithm> = match (curve, alg) {
        (OID_P256, SignatureAlgorithm::EcdsaSha256) => Some(&rs::ECDSA_P256_SHA256_ASN1),
        (OID_P256, SignatureAlgorithm::EcdsaSha384) => Some(&rs::ECDSA_P256_SHA384_ASN1),
        (OID_P384, SignatureAlgorithm::EcdsaSha256) => Some(&rs::ECDSA_P384_SHA256_ASN1),
        (OID_P384, SignatureAlgorithm::EcdsaSha384) => Some(&rs::ECDSA_P384_SHA384_ASN1),
        _ => None,
    };
    if let Some(ring_alg) = ring_alg {
        return ring_verify(ring_alg, &key.key_bits, message, &der_sig);
    }
    let prehash = alg.digest().digest(message);
    // ECDSA takes the hash as an integer (its leftmost bits when it is longer than the
    // order). A hash shorter than the field is the same integer once zero-padded on the
    // left; the `ecdsa` crate refuses hashes under half the field size, so pad it here
    // (SHA-256 with P-521 is legal and used in the XMLDSig 1.1 interop vectors).
    let prehash = if prehash.len() < field {
        let mut padded = vec![0u8; field - prehash.len()];
        padded.extend_from_slice(&prehash);
        padded
    } else {
        prehash
    };
    let bad_key = |e: p256::ecdsa::Error| CryptoError::InvalidPublicKey(format!("EC point: {e}"));
    let bad_sig = |e: p256::ecdsa::Error| CryptoError::MalformedSignature(format!("ECDSA: {e}"));
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    let ok = match curve {
        OID_P256 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.key_bits).map_err(bad_key)?;
            let sig = p256::ecdsa::Signature::from_der(&der_sig).map_err(bad_sig)?;
            vk.verify_prehash(&prehash, &sig).is_ok()
        }
        OID_P384 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(&key.key_bits).map_err(bad_key)?;
            let sig = p384::ecdsa::Signature::from_der(&der_sig).map_err(bad_sig)?;
            vk.verify_prehash(&prehash, &sig).is_ok()
        }
        _ => {
            let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(&key.key_bits).map_err(bad_key)?;
            let sig = p521::ecdsa::Signature::from_der(&der_sig).map_err(bad_sig)?;
            vk.verify_prehash(&prehash, &sig).is_ok()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(CryptoError::BadSignature)
    }
}

fn ring_verify(
    alg: &'static dyn ring::signature::VerificationAlgorithm,
    key_bits: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    ring::signature::UnparsedPublicKey::new(alg, key_bits)
        .verify(message, signature)
        .map_err(|_| CryptoError::BadSignature)
}

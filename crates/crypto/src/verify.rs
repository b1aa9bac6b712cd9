//! Signature verification with a DER `SubjectPublicKeyInfo`, under an [`AlgorithmPolicy`].

use der::{asn1::ObjectIdentifier, Decode};

use crate::private_key::{
    OIDS_GOST2004, OIDS_GOST2015_256, OIDS_GOST2015_512, OID_EC, OID_P256, OID_P384, OID_RSA,
};
use crate::{CryptoError, KeyKind, SignatureAlgorithm, SignatureEncoding};

/// Which algorithms verification accepts. The default refuses SHA-1 based algorithms;
/// [`AlgorithmPolicy::allow_legacy`] accepts them (for old documents, explicitly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlgorithmPolicy {
    allow_legacy: bool,
}

impl AlgorithmPolicy {
    /// The safe default: SHA-1 digests and signatures are refused.
    pub fn strict() -> Self {
        Self::default()
    }

    /// Also accept SHA-1 digests and RSA-SHA1 signatures (legacy verification only).
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
        let algorithm_oid = spki.algorithm.oid.to_string();
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
    if kind == KeyKind::Rsa {
        let bits = rsa_modulus_bits(&key.key_bits).ok_or_else(|| {
            CryptoError::InvalidPublicKey("RSA key is not a PKCS#1 RSAPublicKey".into())
        })?;
        let min = if alg == SignatureAlgorithm::RsaPkcs1Sha1 {
            1024
        } else {
            2048
        };
        if !(min..=8192).contains(&bits) {
            return Err(CryptoError::InvalidPublicKey(format!(
                "RSA-{bits} is outside the accepted range {min}..8192 bits for {alg:?}"
            )));
        }
    }
    use ring::signature as rs;
    let ring_alg: &'static dyn rs::VerificationAlgorithm = match alg {
        SignatureAlgorithm::RsaPkcs1Sha1 => &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        SignatureAlgorithm::RsaPkcs1Sha256 => &rs::RSA_PKCS1_2048_8192_SHA256,
        SignatureAlgorithm::RsaPkcs1Sha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
        SignatureAlgorithm::RsaPkcs1Sha512 => &rs::RSA_PKCS1_2048_8192_SHA512,
        SignatureAlgorithm::RsaPssSha256 => &rs::RSA_PSS_2048_8192_SHA256,
        SignatureAlgorithm::RsaPssSha384 => &rs::RSA_PSS_2048_8192_SHA384,
        SignatureAlgorithm::RsaPssSha512 => &rs::RSA_PSS_2048_8192_SHA512,
        SignatureAlgorithm::EcdsaSha256 | SignatureAlgorithm::EcdsaSha384 => {
            let sha384 = alg == SignatureAlgorithm::EcdsaSha384;
            let der_enc = encoding == SignatureEncoding::X509;
            match (key.curve_oid.as_deref(), sha384, der_enc) {
                (Some(OID_P256), false, true) => &rs::ECDSA_P256_SHA256_ASN1,
                (Some(OID_P256), false, false) => &rs::ECDSA_P256_SHA256_FIXED,
                (Some(OID_P256), true, true) => &rs::ECDSA_P256_SHA384_ASN1,
                (Some(OID_P256), true, false) => {
                    // ring has no fixed-width P-256/SHA-384; convert to DER.
                    let der_sig = crate::ecdsa_raw_to_der(signature)?;
                    return ring_verify(
                        &rs::ECDSA_P256_SHA384_ASN1,
                        &key.key_bits,
                        message,
                        &der_sig,
                    );
                }
                (Some(OID_P384), false, true) => &rs::ECDSA_P384_SHA256_ASN1,
                (Some(OID_P384), false, false) => {
                    let der_sig = crate::ecdsa_raw_to_der(signature)?;
                    return ring_verify(
                        &rs::ECDSA_P384_SHA256_ASN1,
                        &key.key_bits,
                        message,
                        &der_sig,
                    );
                }
                (Some(OID_P384), true, true) => &rs::ECDSA_P384_SHA384_ASN1,
                (Some(OID_P384), true, false) => &rs::ECDSA_P384_SHA384_FIXED,
                (curve, _, _) => {
                    return Err(CryptoError::InvalidPublicKey(format!(
                        "unsupported EC curve {}",
                        curve.unwrap_or("(none)")
                    )))
                }
            }
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

//! The [`Signer`] abstraction and its implementation over a [`PrivateKey`].

use std::sync::Arc;

use crate::{CryptoError, KeyAlgorithm, PrivateKey, SignatureAlgorithm};

/// How a signature value is laid out. Only ECDSA differs between the two: X.509/CMS use a
/// DER `SEQUENCE { r, s }`, XMLDSig the fixed-width `r ‖ s`. RSA and GOST are identical in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureEncoding {
    /// X.509 / CMS / OCSP encoding.
    X509,
    /// XMLDSig `SignatureValue` encoding.
    XmlDsig,
}

/// Something that signs bytes: a private key, the algorithm it uses, and its certificate chain.
pub trait Signer: Send + Sync {
    /// The signature algorithm this signer produces.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// Sign `message` (the implementation hashes it with [`SignatureAlgorithm::digest`]).
    fn sign(&self, message: &[u8], encoding: SignatureEncoding) -> Result<Vec<u8>, CryptoError>;

    /// The signer's certificate chain as DER, end-entity certificate first (may be empty).
    fn certificate_chain(&self) -> &[Vec<u8>];
}

/// A [`Signer`] over a decoded [`PrivateKey`]. Cheap to clone (the key is shared).
#[derive(Clone)]
pub struct KeySigner {
    key: Arc<PrivateKey>,
    alg: SignatureAlgorithm,
    chain: Vec<Vec<u8>>,
    rsa: Option<Arc<ring::signature::RsaKeyPair>>,
    ecdsa: Option<Arc<ring::signature::EcdsaKeyPair>>,
}

impl std::fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySigner")
            .field("algorithm", &self.alg)
            .field("key", &self.key)
            .field("chain_len", &self.chain.len())
            .finish()
    }
}

impl KeySigner {
    /// A signer for `key` with the default algorithm for its kind (RSA → RSA-SHA256,
    /// EC → ECDSA-SHA256, GOST → the matching GOST algorithm) and the given chain (leaf first).
    pub fn new(key: PrivateKey, chain: Vec<Vec<u8>>) -> Result<Self, CryptoError> {
        let alg = SignatureAlgorithm::default_for(key.algorithm().kind());
        Self::with_algorithm(key, alg, chain)
    }

    /// A signer with an explicit algorithm, which must fit the key and must not be a legacy one.
    pub fn with_algorithm(
        key: PrivateKey,
        alg: SignatureAlgorithm,
        chain: Vec<Vec<u8>>,
    ) -> Result<Self, CryptoError> {
        if alg.key_kind() != key.algorithm().kind() {
            return Err(CryptoError::KeyMismatch {
                alg,
                key: key.algorithm().to_string(),
            });
        }
        if alg.is_legacy() {
            return Err(CryptoError::Unsupported {
                alg,
                operation: "sign (SHA-1 is accepted for legacy verification only)",
            });
        }
        if matches!(
            alg,
            SignatureAlgorithm::RsaPssSha256
                | SignatureAlgorithm::RsaPssSha384
                | SignatureAlgorithm::RsaPssSha512
        ) {
            // Supported by ring, but no Kazakh profile uses it; keep the signing surface small.
            return Err(CryptoError::Unsupported {
                alg,
                operation: "sign (RSA-PSS is supported for verification only)",
            });
        }
        let (rsa, ecdsa) = match key.algorithm() {
            KeyAlgorithm::Rsa { .. } => (
                Some(Arc::new(
                    ring::signature::RsaKeyPair::from_pkcs8(key.pkcs8_der())
                        .map_err(|e| CryptoError::InvalidPrivateKey(format!("RSA: {e}")))?,
                )),
                None,
            ),
            KeyAlgorithm::Ec { curve } => {
                // ring ties an ECDSA key pair to one (curve, hash) pair.
                let ring_alg = match (*curve, alg) {
                    ("P-256", SignatureAlgorithm::EcdsaSha256) => {
                        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING
                    }
                    ("P-384", SignatureAlgorithm::EcdsaSha384) => {
                        &ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING
                    }
                    ("P-384", SignatureAlgorithm::EcdsaSha256) => {
                        // tanba's default for EC is SHA-256; P-384 keys sign with SHA-384.
                        return Self::with_algorithm(key, SignatureAlgorithm::EcdsaSha384, chain);
                    }
                    _ => {
                        return Err(CryptoError::Unsupported {
                            alg,
                            operation: "sign with this curve",
                        })
                    }
                };
                let rng = ring::rand::SystemRandom::new();
                let kp = ring::signature::EcdsaKeyPair::from_pkcs8(ring_alg, key.pkcs8_der(), &rng)
                    .map_err(|e| CryptoError::InvalidPrivateKey(format!("ECDSA: {e}")))?;
                (None, Some(Arc::new(kp)))
            }
            KeyAlgorithm::Gost { .. } => (None, None),
        };
        Ok(KeySigner {
            key: Arc::new(key),
            alg,
            chain,
            rsa,
            ecdsa,
        })
    }

    /// The private key.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }
}

impl Signer for KeySigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    fn sign(&self, message: &[u8], encoding: SignatureEncoding) -> Result<Vec<u8>, CryptoError> {
        let rng = ring::rand::SystemRandom::new();
        if let Some(kp) = &self.rsa {
            let padding: &'static dyn ring::signature::RsaEncoding = match self.alg {
                SignatureAlgorithm::RsaPkcs1Sha256 => &ring::signature::RSA_PKCS1_SHA256,
                SignatureAlgorithm::RsaPkcs1Sha384 => &ring::signature::RSA_PKCS1_SHA384,
                SignatureAlgorithm::RsaPkcs1Sha512 => &ring::signature::RSA_PKCS1_SHA512,
                alg => {
                    return Err(CryptoError::Unsupported {
                        alg,
                        operation: "sign",
                    })
                }
            };
            let mut sig = vec![0u8; kp.public().modulus_len()];
            kp.sign(padding, &rng, message, &mut sig)
                .map_err(|e| CryptoError::SigningFailed(e.to_string()))?;
            return Ok(sig);
        }
        if let Some(kp) = &self.ecdsa {
            let der_sig = kp
                .sign(&rng, message)
                .map_err(|e| CryptoError::SigningFailed(e.to_string()))?;
            return match encoding {
                SignatureEncoding::X509 => Ok(der_sig.as_ref().to_vec()),
                SignatureEncoding::XmlDsig => {
                    let field = if self.alg == SignatureAlgorithm::EcdsaSha384 {
                        48
                    } else {
                        32
                    };
                    crate::ecdsa_der_to_raw(der_sig.as_ref(), field)
                }
            };
        }
        match self.key.algorithm() {
            KeyAlgorithm::Gost {
                kind, param_set, ..
            } => {
                let digest = self.alg.digest().digest(message);
                let scalar = self.key.gost_scalar_le().ok_or_else(|| {
                    CryptoError::InvalidPrivateKey("GOST key without a scalar".into())
                })?;
                crate::gost::sign_digest(*kind, param_set.as_deref(), scalar, &digest)
            }
            other => Err(CryptoError::InvalidPrivateKey(format!(
                "no signing implementation for {other}"
            ))),
        }
    }

    fn certificate_chain(&self) -> &[Vec<u8>] {
        &self.chain
    }
}

/// Decode an unencrypted PKCS#8 key and wrap it in a [`KeySigner`] with the default algorithm
/// for its kind and the given certificate chain (leaf first).
pub fn signer_from_pkcs8(pkcs8_der: &[u8], chain: Vec<Vec<u8>>) -> Result<KeySigner, CryptoError> {
    KeySigner::new(PrivateKey::from_pkcs8_der(pkcs8_der)?, chain)
}

//! # tanba-crypto — the algorithm registry
//!
//! One place maps every algorithm tanba knows to its X.509 OID(s), its XMLDSig URI(s) and
//! its implementation:
//!
//! * [`DigestAlgorithm`] — SHA-1 (legacy verification only), SHA-256/384/512, Streebog-256/512
//!   (GOST 34.11-2015) and GOST 34.311-95 (GOST R 34.11-94 with the test S-box, as NCA RK uses it);
//! * [`SignatureAlgorithm`] — RSA PKCS#1 v1.5 and RSA-PSS with SHA-2, RSA-SHA1 (legacy
//!   verification only), ECDSA P-256/P-384, and the Kazakh GOST algorithms.
//!
//! Strings (OIDs, URIs) are turned into these types once, at the edge, with
//! [`DigestAlgorithm::from_oid`], [`SignatureAlgorithm::from_xml_uri`] and friends; an unknown
//! value is an [`CryptoError::UnknownOid`] / [`CryptoError::UnknownUri`] naming it.
//!
//! Signing goes through the [`Signer`] trait (a key plus its certificate chain); verification
//! through [`verify_signature`] with a DER `SubjectPublicKeyInfo`, under an [`AlgorithmPolicy`]
//! that refuses SHA-1 unless legacy verification is explicitly allowed.
//!
//! ```
//! use tanba_crypto::{DigestAlgorithm, SignatureAlgorithm};
//!
//! let alg = SignatureAlgorithm::from_xml_uri("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256").unwrap();
//! assert_eq!(alg, SignatureAlgorithm::RsaPkcs1Sha256);
//! assert_eq!(alg.digest(), DigestAlgorithm::Sha256);
//! let d = DigestAlgorithm::Sha256.digest(b"abc");
//! assert_eq!(d.len(), 32);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod algorithm;
mod digest;
mod ecdsa_der;
mod error;
mod gost;
mod oid;
mod private_key;
mod signer;
mod verify;

pub use algorithm::{KeyKind, SignatureAlgorithm};
pub use digest::{DigestAlgorithm, Hasher};
pub use ecdsa_der::{ecdsa_der_to_raw, ecdsa_raw_to_der};
pub use error::CryptoError;
pub use oid::ObjectIdentifier;
pub use private_key::{KeyAlgorithm, PrivateKey};
pub use signer::{signer_from_pkcs8, KeySigner, SignatureEncoding, Signer};
pub use verify::{verify_signature, AlgorithmPolicy, PublicKeyInfo};

//! # tanba-keys — keystores into signers
//!
//! Opens the key containers Kazakh e-government users hold and turns the chosen key into a
//! [`tanba_crypto::KeySigner`] (a [`tanba_crypto::Signer`]) carrying its certificate chain:
//!
//! * **PKCS#12** exactly as NCA RK (Kalkan) issues it — HMAC-SHA1 MAC, key in a
//!   pkcs8ShroudedKeyBag under pbeWithSHAAnd3-KeyTripleDES-CBC, certificates in
//!   encryptedData under pbeWithSHAAnd40BitRC2-CBC, BMPString password, BER indefinite
//!   lengths — and as OpenSSL 3 writes it (PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC,
//!   SHA-256 MAC); RSA, ECDSA and the Kazakh GOST keys (whose algorithm
//!   [`tanba_crypto::PrivateKey`] recognises; signing with them waits for `tanba-gost`);
//! * **PKCS#8** (DER or PEM, plain or encrypted) and PKCS#1 PEM keys with PEM/DER certificates.
//!
//! A wrong password ([`KeyError::WrongPassword`]), an altered file
//! ([`KeyError::MacMismatch`]), a truncated one ([`KeyError::Truncated`]) and a hostile
//! iteration count ([`KeyError::IterationLimit`], see [`Limits`]) are distinct errors.
//! Passwords ([`Password`]) and key material are zeroized on drop and never printed by `Debug`.
//!
//! ```
//! use tanba_keys::{KeyError, Keystore, Password};
//!
//! // Not a PKCS#12 file: a typed error, never a panic.
//! let err = Keystore::open_pkcs12(b"\x30\x82\x10\x00", &Password::new("x")).unwrap_err();
//! assert!(matches!(err, KeyError::Truncated { .. }));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod ber;
mod cert;
mod error;
mod kdf;
mod keystore;
mod limits;
mod pbe;
mod pfx;
mod pkcs8;
mod secret;

pub use cert::{Certificate, KeyPurpose, KeyUsageBits, UnknownKeyPurpose};
pub use error::KeyError;
pub use keystore::{CertificateMatch, Integrity, KeyEntry, KeySelector, Keystore};
pub use limits::{Limits, Pkcs12Options};
pub use secret::Password;

//! # tanba-pki
//!
//! Kazakh certificate profile, IIN/BIN, chains, CRL and OCSP revocation, trust store, validation policy.
//!
//! (Being built: see the issue that introduces this crate.)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// --- validation half (chains, CRL, OCSP, fetching, policy) ---
pub mod chain_cert;
pub mod crl;
mod der_lite;
pub mod ocsp;

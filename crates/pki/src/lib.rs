//! # tanba-pki
//!
//! Kazakh certificate profile, IIN/BIN, chains, CRL and OCSP revocation, trust store, validation policy.
//!
//! (Being built: see the issue that introduces this crate.)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

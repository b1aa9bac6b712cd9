//! # tanba-keys
//!
//! PKCS#12 / PKCS#8 / PEM keystores (NCA RK and modern) into a Signer plus its certificate chain.
//!
//! (Being built: see the issue that introduces this crate.)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

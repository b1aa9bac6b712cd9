//! # tanba-gost
//!
//! GOST R 34.10-2012 = KZ GOST 34.10-2015 (256/512) and legacy GOST 34.310-2004 signatures, pure Rust.
//!
//! (Being built: see the issue that introduces this crate.)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

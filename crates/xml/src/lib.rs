//! # tanba-xml
//!
//! Hardened XML parsing into a compact arena tree, and C14N 1.0 / exclusive C14N.
//!
//! (Being built: see the issue that introduces this crate.)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

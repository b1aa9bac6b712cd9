//! Cross-crate and interop tests live in `tests/tests/`; this library is empty.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

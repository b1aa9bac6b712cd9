//! # tanba-dsig — XML signatures the way Kazakh e-government uses them
//!
//! * **Sign** in the profile the official Kalkan library produces (KALKAN-COMPAT.md):
//!   an enveloped `ds:Signature` over the whole document, appended as the last child of the
//!   document element, or a by-Id signature of one element with exclusive C14N; signing an
//!   already-signed document appends a signature that covers the earlier ones.
//! * **Verify** every `ds:Signature` (any prefix) in Kalkan/NCANode *peeling* order, with
//!   same-document references only, a small fixed set of transforms, duplicate-Id detection,
//!   and a report of exactly which nodes were signed — the caller reads data only from
//!   those. Certificate trust is decided elsewhere (tanba-pki).
//!
//! Building blocks usable on their own: [`base64`] (lenient decoding, Kalkan layout),
//! [`ReferenceUri`], [`algorithms`] (transform and canonicalization URIs) and
//! [`template`] (the `ds:Signature` text).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod algorithms;
pub mod base64;
mod cert;
mod dom;
mod error;
mod report;
mod sign;
pub mod template;
mod uri;
mod verify;

pub use algorithms::{C14nMethod, Transform};
pub use base64::Base64Layout;
pub use dom::Node;
pub use error::{AlgorithmRole, DsigError};
pub use report::{CheckMode, SignatureOutcome, SignedNode, Verified, VerifiedReference};
pub use sign::{sign, Placement, SignOptions, SignTarget};
pub use uri::ReferenceUri;
pub use verify::{reference_digest_input, verify, verify_vec, VerifiedDocument, VerifyOptions};

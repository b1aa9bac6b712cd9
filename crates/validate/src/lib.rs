//! # tanba-validate — the verification core
//!
//! A signed document in; its format recognised; every signature of every layer verified;
//! every signer's identity and (on request) certificate judged; **one fail-closed report**
//! out ([`DocumentReport`], `#[must_use]`, with an ETSI EN 319 102-1 [`Indication`] for
//! the document and for each signer — never a bool that defaults to true).
//!
//! * A document with a `wsse:Security` element anywhere is judged by the WS-Security
//!   profile ([`tanba_wss::verify`]) or refused — never as plain XMLDSig, whatever
//!   wraps the header or the Envelope.
//! * Every other `ds:Signature` is verified too: the business signature inside an
//!   envelope's Body (a signed document in a SmartBridge `data` element is verified on its
//!   own), each Kalkan signer of a multi-signer document in peeling order.
//! * Expected IIN / BIN are checked whether or not certificates are validated.
//! * Each signed element is reported with its path, line:column and byte range
//!   ([`Location`]), whether it sits inside its own signature, and the subtrees the
//!   signature excludes — so a caller can bind what it reads to what was signed.
//! * Zero signatures, an exhausted work budget or malformed XML is an error, never a pass.
//!
//! ```
//! use tanba_validate::{verify_document, DocumentOptions, Layer};
//! let envelope = tanba_wss::SendMessage::new("S", tanba_wss::Sender::new("login"))
//!     .to_xml(tanba_wss::SoapVersion::Soap11)
//!     .unwrap();
//! // an envelope without a signature of any kind: nothing to verify
//! assert!(verify_document(envelope.as_bytes(), &DocumentOptions::default()).is_err());
//! ```
//!
//! The crate grows into the verification core of `ARCHITECTURE.md` (trust configuration,
//! policies, ETSI indications); today it joins tanba-dsig, tanba-wss and tanba-pki.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod cms;
mod document;
mod indication;
mod location;
mod policy;
mod raw;
mod report;
mod signer;
mod validator;

pub use batch::{validate_batch, BatchError, BatchItem, Job, Order};
pub use document::{
    verify_document, verify_document_vec, DocumentError, DocumentOptions, Scope, Validators,
};
pub use indication::{Failed, Indication, Undetermined};
pub use location::Location;
pub use policy::PolicyName;
pub use report::{
    Algorithm, CertificateValidation, CheckMode, CheckOutcome, CheckReport, Digest, DocumentFormat,
    DocumentReport, KeySource, Layer, SignatureTimeStamp, Signed, SignedKind, SignerReport,
    TimeSource, TimestampReport, TransportReport,
};
pub use validator::{Overrides, Request, TrustConfig, Validator};

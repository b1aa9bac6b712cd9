//! # tanba-egov — the licensing domain
//!
//! The documents Kazakhstan's licensing services exchange, as XML in the namespace
//! [`NAMESPACE`] with a schema in `schema/egov.xsd`:
//!
//! * [`Application`] — what an applicant (or an operator on their behalf) signs: id,
//!   service, applicant (IIN/BIN, kind), representative with power of attorney, the
//!   service's [`Form`], [`Attachment`]s by SHA-256, payment, consent statement.
//! * [`forms`] — the typed import/export licence application (18 fields), the typed
//!   qualification-conformity form, and a generic key/value form; JSON in, validated, XML
//!   out; errors name the field (`form.contract.date: expected DD.MM.YYYY, …`).
//! * [`ResultDocument`] — the licence, permit, conclusion, certificate, act or refusal a
//!   provider issues.
//! * [`attachment`] — hashing and re-verification of attachments beside a document.
//!
//! And what is done with them, in the seeds' order:
//!
//! * [`CertChecker`] — trust anchors, CRL / OCSP evidence, time and identifier policy,
//!   applied through tanba-pki with per-use [`Requirement`]s.
//! * [`signing`] — [`presign_check`] / [`sign_application`] (refusal "authenticity of the
//!   EDS not confirmed" naming the failed check, no output), [`countersign_application`]
//!   (operator), [`verify_application`] (both signers and roles, attachments).
//! * [`issued`] — [`sign_result`] (provider: an employee of the issuing body) and
//!   [`verify_result`] (holder / third party: named checks, data from signed content only,
//!   certificate judged at the issue time the document claims).
//! * [`submission`] — the signed application in a SmartBridge `SendMessage` with the
//!   WS-Security transport signature, and its two-layer verification.
//! * [`gateway`] — GBD FL / GBD UL queries, their responses (found / not found / fault),
//!   and HTTP(S) posting with retries that resend the same message.
//!
//! ```
//! use tanba_egov::{Application, BuildContext, Timestamp};
//! let json = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/../../testdata/examples/import-licence.json")).unwrap();
//! let ctx = BuildContext {
//!     id: "APP-1".parse().unwrap(),
//!     now: "2026-03-01T10:00:00+05:00".parse::<Timestamp>().unwrap(),
//!     attachments_dir: None,
//! };
//! let app = Application::from_json(&json, &ctx).unwrap();
//! let xml = app.to_xml();
//! assert_eq!(Application::from_xml(&xml).unwrap(), app);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod application;
pub mod attachment;
mod build;
pub mod checker;
mod error;
pub mod forms;
pub mod gateway;
pub mod issued;
mod json;
pub mod result_doc;
pub mod signer_info;
pub mod signing;
pub mod submission;
pub mod values;
mod xml_in;
mod xml_out;

pub use application::{
    Applicant, ApplicantKind, Application, Consent, Payment, PowerOfAttorney, PowerOfAttorneyKind,
    Representative, Service, CONSENT_TEXT_KK,
};
pub use attachment::{verify_attachments, Attachment, AttachmentCheck, AttachmentStatus};
pub use build::BuildContext;
pub use checker::{CertChecker, Requirement};
pub use error::EgovError;
pub use forms::Form;
pub use issued::{
    sign_result, verify_result, ResultCheck, ResultVerification, ResultVerifyOptions,
};
pub use result_doc::{Decision, Holder, IssuingBody, ResultDocument, ResultKind, ResultValidity};
pub use signer_info::SignerInfo;
pub use signing::{
    countersign_application, presign_check, sign_application, verify_application,
    ApplicationSigner, ApplicationVerification, Signed, SignerRole,
};
pub use submission::{
    application_envelope, parse_acknowledgement, sign_transport, verify_submission,
    verify_transport, Acknowledgement, SubmissionVerification, TransportCheck,
};
pub use values::{Code, Date, Decimal, Digits12, TaxId, TaxIdKind, Text, Timestamp, ValueError};

/// The XML namespace of tanba's e-government documents (`Application`, `Result`).
pub const NAMESPACE: &str = "urn:tanba:egov:1";

/// The XML Schema describing [`NAMESPACE`] (the text of `schema/egov.xsd`).
pub const SCHEMA_XSD: &str = include_str!("../schema/egov.xsd");

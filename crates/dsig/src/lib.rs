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
//! * **Keys**, in order of preference: the caller's ([`VerifyOptions::public_key`]), the
//!   `KeyInfo` certificates (`X509Certificate`, WS-Security tokens), else a bare key from
//!   `KeyInfo` (`KeyValue` — `RSAKeyValue`, `dsig11:ECKeyValue` — or
//!   `dsig11:DEREncodedKeyValue`). [`Verified::key_source`] says which: a bare key has no
//!   certificate, so its trust cannot be decided — compare it with a key you trust.
//!
//! ```
//! use tanba_dsig::{sign, verify, SignOptions, SignedNode, VerifyOptions};
//! # let name = "individual_valid_sign_rsa_2004.p12";
//! # let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
//! # let store = tanba_keys::Keystore::open_pkcs12(
//! #     &p12, &tanba_keys::Password::new(tanba_testdata::nca_password(name))).unwrap();
//! # let signer = store.signer(&tanba_keys::KeySelector::Single).unwrap();
//! // `signer`: any tanba_crypto::Signer — here the NCA RK test key opened with tanba-keys
//! let signed = sign(b"<application><iin>123456789011</iin></application>",
//!                   &signer, &SignOptions::default()).unwrap();
//! assert!(signed.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"));
//!
//! let report = verify(&signed, &VerifyOptions::default()).unwrap();
//! assert!(report.all_valid());
//! let v = report.signatures[0].result.as_ref().unwrap();
//! assert_eq!(v.references[0].signed_node, SignedNode::Document);
//! assert!(v.signer_certificate_der().is_some()); // validate it with tanba-pki
//!
//! // one changed character: the signature no longer verifies
//! let tampered = String::from_utf8(signed).unwrap().replace("123456789011", "123456789012");
//! assert!(!verify(tampered.as_bytes(), &VerifyOptions::default()).unwrap().all_valid());
//! ```
//!
//! Building blocks usable on their own: [`base64`] (lenient decoding, Kalkan layout),
//! [`ReferenceUri`], [`algorithms`] (transform and canonicalization URIs) and
//! [`template`] (the `ds:Signature` text).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod algorithms;
pub mod base64;
mod dom;
mod error;
mod keyvalue;
mod report;
mod sign;
pub mod template;
mod uri;
mod verify;

pub use algorithms::{C14nMethod, Transform};
pub use base64::Base64Layout;
pub use dom::Node;
pub use error::{AlgorithmRole, DsigError, WorkLimit};
pub use keyvalue::DSIG11_NS;
pub use report::{CheckMode, KeySource, SignatureOutcome, SignedNode, Verified, VerifiedReference};
pub use sign::{sign, Placement, SignOptions, SignTarget};
pub use uri::ReferenceUri;
pub use verify::{
    reference_digest_input, verify, verify_selected, verify_vec, VerifiedDocument, VerifyOptions,
    WorkBudget,
};

//! # tanba-pki
//!
//! Kazakh certificate profile, IIN/BIN, chains, CRL and OCSP revocation, trust store, validation policy.
//!
//! Certificate profile half: [`KzCertificate`] parses an X.509 certificate (PEM or DER,
//! bundles) and exposes the NCA RK profile — subject fields, [`Iin`]/[`Bin`] with the
//! national checksum and an [`IdPolicy`], [`Role`]s from EKU, the SIGN/AUTH
//! [`KeyUsageClass`], CRL/OCSP URLs, key identifiers, unknown critical extensions — and a
//! serde [`CertificateSummary`]. [`TrustStore`] loads anchors and intermediates from files
//! and folders.
//!
//! ```
//! use tanba_pki::{KzCertificate, IdPolicy, KeyUsageClass, Role};
//! let pem = tanba_testdata::read_nca("certs/individual_valid_sign_2004_rsa.cer");
//! let cert = KzCertificate::from_pem_or_der(&pem).unwrap().remove(0);
//! assert_eq!(cert.common_name(), Some("ТЕСТОВ ТЕСТ"));
//! assert_eq!(cert.key_usage_class(), KeyUsageClass::Sign);
//! assert!(cert.has_role(Role::Individual));
//! let iin = cert.iin().unwrap();
//! assert!(iin.check(IdPolicy::Strict).is_err()); // a test IIN fails the checksum
//! assert!(iin.check(IdPolicy::AcceptTestIds).is_ok());
//! ```
//!
//! Validation half: [`Validator`] checks one certificate under a [`Policy`] (built with
//! [`Policy::builder`], whose doc lists every default) and returns a [`Report`] with every
//! check (path, validity, key usage, role, identifier, revocation) as pass / fail /
//! unknown and a reason. [`build_path`] finds a path to a trust anchor in a [`CertPool`]
//! within a [`Budget`]; [`Crl`] / [`CrlSet`] parse, verify and index CRLs (full + delta;
//! 32 bytes per entry, an index cache file); [`OcspRequest`] / [`OcspResponse`] speak
//! RFC 6960 as NCA RK does; [`Fetcher`] downloads CRLs, certificates and asks OCSP
//! responders (cache folder, offline mode, size caps, conditional GET). Every revocation
//! decision goes through one [`RevocationEngine`] (shared by `Arc`: CRLs indexed once,
//! OCSP answers kept, responders with failover, freshness figures, background refresh;
//! see the [`revocation`] module). [`trust_sets`] embeds the pinned NCA RK trust sets and
//! [`trust_update`] fills the trust folder used by `tanba trust update`. See the
//! [`validate`] module for an example.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// --- certificate profile half (certificate, names, IIN/BIN, roles, trust store) ---
mod bundle;
pub mod cert;
pub mod error;
pub mod expect;
pub mod ident;
pub mod name;
pub mod roles;
pub mod summary;
pub mod trust_sets;
pub mod trust_store;
pub mod usage;

pub use cert::{
    AuthorityKeyId, BasicConstraints, CertPolicy, ExtensionInfo, KzCertificate, SubjectFields,
};
pub use error::PkiError;
pub use expect::{ExpectedIdentity, IdentityCheck};
pub use ident::{
    Bin, BinAttribute, BinEntityType, BinInfo, IdError, IdKind, IdPolicy, Iin, IinInfo, Sex,
};
pub use name::{DistinguishedName, NameAttribute};
pub use roles::{roles_from_eku, subject_type_from_roles, Role, SubjectType, UnknownRole};
pub use summary::{CertificateSummary, SignerInfo};
pub use trust_store::{TrustRole, TrustStore};
pub use usage::{KeyUsage, KeyUsageClass};

// --- validation half (chains, CRL, OCSP, fetching, policy) ---
pub mod budget;
pub mod cache;
pub mod chain;
pub mod chain_cert;
pub mod crl;
pub mod der;
pub mod fetch;
pub mod ocsp;
pub mod policy;
pub mod revocation;
pub mod trust_update;
pub mod validate;

pub use budget::Budget;
pub use chain::{build_path, CertPath, CertPool, PathError};
pub use chain_cert::ChainCert;
pub use crl::{Crl, CrlSet, CrlStatus, RevocationReason};
pub use fetch::{FetchConfig, Fetcher, NetworkMode};
pub use ocsp::{OcspRequest, OcspResponse, OcspStatus};
pub use policy::{
    Policy, PolicyBuilder, RequiredUsage, RevocationDepth, RevocationSources, RevokedLater,
    UnknownStatus, ValidationTime,
};
pub use revocation::{
    CrlFreshness, EngineConfig, EngineStats, EvidenceKind, Readiness, RefreshHandle,
    RevocationEngine, RevocationEvidence, RevocationOutcome, RevocationStatus,
};
pub use validate::{Cause, Check, CheckKind, Outcome, Report, Validator, Verdict};

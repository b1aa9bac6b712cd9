//! [`Validator`]: full validation of one certificate under a [`Policy`] — path to a trust
//! anchor, validity of every path certificate at the validation instant, key usage,
//! roles, identifiers and revocation — producing a [`Report`] that lists every check with
//! pass / fail / unknown and a reason.
//!
//! ```
//! use tanba_pki::{CertPool, ChainCert, CheckKind, Crl, IdPolicy, Policy, ValidationTime, Validator, Verdict};
//! let read = tanba_testdata::read_nca;
//! let mut pool = CertPool::new();
//! pool.add_anchor(ChainCert::from_bytes(&read("ca/nca_rsa_test.crt")).unwrap());
//! let at = time::macros::datetime!(2022-06-01 0:00 UTC);
//! let policy = Policy::builder()
//!     .time(ValidationTime::At(at))
//!     .id_policy(IdPolicy::AcceptTestIds)
//!     .expected_iin("123456789012") // not the certificate's IIN
//!     .build();
//! let mut v = Validator::new(pool, policy);
//! v.add_crl(Crl::from_bytes(&read("crl/nca_rsa_test.crl")).unwrap());
//! let report = v.validate(&read("certs/individual_valid_sign_2004_rsa.cer"), &[]);
//! assert_eq!(report.verdict, Verdict::Invalid);
//! assert!(report.has_problem(CheckKind::Identifier));
//! assert!(!report.has_problem(CheckKind::Revocation));
//! assert!(report.refusal().unwrap().contains("IIN mismatch"));
//! ```

use time::OffsetDateTime;

use crate::chain::{build_path, CertPath, CertPool};
use crate::chain_cert::{key_usage, ChainCert};
use std::sync::Arc;

use crate::crl::Crl;
use crate::ocsp::OcspResponse;
use crate::policy::{
    Policy, RequiredUsage, RevocationDepth, RevocationSources, UnknownStatus, ValidationTime,
};
use crate::revocation::{RevocationEngine, RevocationOutcome};
use crate::KzCertificate;

/// What a check is about. The three groups the KZ refusal "EDS authenticity not
/// confirmed" distinguishes are [`CheckKind::Validity`], [`CheckKind::Revocation`] and
/// [`CheckKind::Identifier`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The certificate could be read.
    Parse,
    /// A path to a trust anchor exists (names, key ids, signatures, CA constraints).
    Path,
    /// Validity period at the validation instant.
    Validity,
    /// Key usage / critical extensions of the end-entity certificate.
    KeyUsage,
    /// Required roles (EKU).
    Role,
    /// IIN / BIN present, well-formed, and equal to the expected ones.
    Identifier,
    /// Revocation status.
    Revocation,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
    /// Could not be decided.
    Unknown,
    /// Not performed (by policy).
    Skipped,
}

/// One check and its result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// What was checked.
    pub kind: CheckKind,
    /// Pass / fail / unknown / skipped.
    pub outcome: Outcome,
    /// Which certificate (subject), when the check is about one.
    pub subject: Option<String>,
    /// Human-readable reason.
    pub detail: String,
    /// Why it did not pass, where more precise than the kind (not yet valid or expired,
    /// revoked or "not issued", status unavailable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// For a revocation check decided by a source: that source's evidence as data
    /// (CRL or OCSP, revocation time and reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<crate::revocation::RevocationEvidence>,
}

/// Why a check did not pass, where its [`CheckKind`] alone does not say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The certificate's validity starts after the validation instant.
    NotYetValid,
    /// The certificate's validity ended before the validation instant.
    Expired,
    /// Revoked at or before the validation instant.
    Revoked,
    /// The OCSP responder says the certificate was never issued.
    NotIssued,
    /// The OCSP responder does not know the certificate (negative: 500/НҚ п.19.7).
    UnknownCertificate,
    /// No source could decide the revocation status (none available, unreachable, past
    /// the deadline, stale or distrusted).
    RevocationUnavailable,
}

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every required check passed.
    Valid,
    /// At least one check failed, or revocation is unknown under hard-fail.
    Invalid,
}

/// The result of a validation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The verdict.
    pub verdict: Verdict,
    /// The instant validated at (RFC 3339).
    #[serde(serialize_with = "ser_time")]
    pub validated_at: OffsetDateTime,
    /// Subject of the end-entity certificate.
    pub subject: String,
    /// Subjects of the path, end entity first (empty when no path was found).
    pub path: Vec<String>,
    /// Whether the policy accepted an unknown revocation status (soft-fail): such a
    /// check is then not one of [`Report::failures`].
    #[serde(skip)]
    pub unknown_revocation_accepted: bool,
    /// Every check performed.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether the verdict is [`Verdict::Valid`].
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }

    /// The checks that failed, and those unknown and counted as failures (all but an
    /// unknown revocation status the policy accepted, soft-fail).
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| match c.outcome {
            Outcome::Fail => true,
            Outcome::Unknown => {
                c.kind != CheckKind::Revocation || !self.unknown_revocation_accepted
            }
            Outcome::Pass | Outcome::Skipped => false,
        })
    }

    /// Whether some check of this kind failed or is unknown.
    pub fn has_problem(&self, kind: CheckKind) -> bool {
        self.failures().any(|c| c.kind == kind)
    }

    /// For an invalid result, the KZ refusal text naming which of validity / revocation /
    /// identifier (or path, key usage, role) failed; `None` when valid.
    pub fn refusal(&self) -> Option<String> {
        if self.is_valid() {
            return None;
        }
        let parts: Vec<String> = self
            .failures()
            .map(|c| format!("{}: {}", kind_name(c.kind), c.detail))
            .collect();
        Some(format!(
            "EDS authenticity not confirmed — {}",
            parts.join("; ")
        ))
    }
}

fn kind_name(k: CheckKind) -> &'static str {
    match k {
        CheckKind::Parse => "certificate",
        CheckKind::Path => "chain",
        CheckKind::Validity => "validity",
        CheckKind::KeyUsage => "key usage",
        CheckKind::Role => "role",
        CheckKind::Identifier => "identifier",
        CheckKind::Revocation => "revocation",
    }
}

/// Validates certificates against a pool of anchors/intermediates, a policy, and the
/// revocation evidence of its [`RevocationEngine`] (CRLs and stored OCSP responses
/// given, or fetched with a [`crate::Fetcher`]).
#[derive(Debug)]
pub struct Validator {
    pool: CertPool,
    policy: Policy,
    revocation: Arc<RevocationEngine>,
    verdicts: Option<std::sync::Mutex<VerdictCache>>,
}

/// Validation reports already computed, keyed by the certificate, the chain candidates,
/// the policy and the validation-time bucket. Emptied when full.
#[derive(Debug)]
struct VerdictCache {
    map: std::collections::HashMap<Vec<u8>, Report>,
    capacity: usize,
}

impl Validator {
    /// A validator with no revocation evidence and no network.
    pub fn new(pool: CertPool, policy: Policy) -> Self {
        Self::with_engine(pool, policy, Arc::new(RevocationEngine::new()))
    }

    /// A validator whose revocation evidence and fetching are `engine`'s (shared with
    /// every other validator holding it).
    pub fn with_engine(pool: CertPool, policy: Policy, engine: Arc<RevocationEngine>) -> Self {
        Validator {
            pool,
            policy,
            revocation: engine,
            verdicts: None,
        }
    }

    /// The revocation engine.
    pub fn revocation(&self) -> &Arc<RevocationEngine> {
        &self.revocation
    }

    /// Remember up to `capacity` reports: a certificate validated again with the same
    /// chain candidates, under the same policy and in the same validation-time bucket
    /// (the exact instant for [`ValidationTime::At`], the minute for
    /// [`ValidationTime::Now`]) gets the report computed the first time. Only used while
    /// the engine cannot fetch, and keyed by the engine's evidence generation (bumped by
    /// every CRL or OCSP response added), so a remembered verdict never outlives a change
    /// of evidence.
    pub fn with_verdict_cache(&mut self, capacity: usize) -> &mut Self {
        self.verdicts = Some(std::sync::Mutex::new(VerdictCache {
            map: std::collections::HashMap::new(),
            capacity,
        }));
        self
    }

    /// Add a CRL (full or delta) as evidence (to the revocation engine, so every
    /// validator sharing it sees it).
    pub fn add_crl(&mut self, crl: Crl) -> &mut Self {
        self.revocation.add_crl(crl);
        self
    }

    /// Add a stored OCSP response as evidence (to the revocation engine).
    pub fn add_ocsp_response(&mut self, r: OcspResponse) -> &mut Self {
        self.revocation.add_ocsp_response(r);
        self
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The pool of anchors and intermediates.
    pub fn pool(&self) -> &CertPool {
        &self.pool
    }

    /// The pool.
    pub fn pool_mut(&mut self) -> &mut CertPool {
        &mut self.pool
    }

    /// Validate one certificate (DER or PEM) under the validator's policy; `extra` are
    /// intermediates that came with it (e.g. from the signed document).
    pub fn validate(&self, cert: &[u8], extra: &[ChainCert]) -> Report {
        self.validate_with(cert, extra, &self.policy)
    }

    /// Validate one certificate under another `policy` (a validation time, key usage or
    /// revocation setting of one request), with this validator's anchors and revocation
    /// evidence — nothing is copied, so one validator serves every request.
    pub fn validate_with(&self, cert: &[u8], extra: &[ChainCert], policy: &Policy) -> Report {
        let Some(cache) = self
            .verdicts
            .as_ref()
            .filter(|_| !self.revocation.is_online())
        else {
            return Run { v: self, policy }.validate(cert, extra);
        };
        let key = verdict_key(cert, extra, policy, self.revocation.generation());
        if let Some(r) = cache.lock().ok().and_then(|c| c.map.get(&key).cloned()) {
            return r;
        }
        let report = Run { v: self, policy }.validate(cert, extra);
        if let Ok(mut c) = cache.lock() {
            if c.map.len() >= c.capacity {
                c.map.clear();
            }
            c.map.insert(key, report.clone());
        }
        report
    }
}

/// The cache key of one validation: SHA-256 of the certificate, the chain candidates and
/// the policy with its time reduced to the bucket.
fn verdict_key(cert: &[u8], extra: &[ChainCert], policy: &Policy, generation: u64) -> Vec<u8> {
    let mut p = policy.clone();
    p.time = match policy.time {
        // a minute of "now" shares one verdict
        ValidationTime::Now => {
            let t = OffsetDateTime::now_utc();
            ValidationTime::At(
                t.replace_second(0)
                    .unwrap_or(t)
                    .replace_nanosecond(0)
                    .unwrap_or(t),
            )
        }
        other => other,
    };
    let mut h = tanba_crypto::DigestAlgorithm::Sha256.hasher();
    h.update(&generation.to_be_bytes());
    h.update(&(cert.len() as u64).to_be_bytes());
    h.update(cert);
    for c in extra {
        h.update(&(c.der().len() as u64).to_be_bytes());
        h.update(c.der());
    }
    h.update(format!("{p:?}").as_bytes());
    h.finalize()
}

/// One validation: the validator's evidence under one policy.
struct Run<'v> {
    v: &'v Validator,
    policy: &'v Policy,
}

impl Run<'_> {
    fn validate(&self, cert: &[u8], extra: &[ChainCert]) -> Report {
        let at = self.policy.time.instant();
        let mut checks = Vec::new();
        let ee = match ChainCert::from_bytes(cert) {
            Ok(c) => c,
            Err(e) => {
                checks.push(Check {
                    kind: CheckKind::Parse,
                    revocation: None,
                    cause: None,
                    outcome: Outcome::Fail,
                    subject: None,
                    detail: e.to_string(),
                });
                return finish(at, String::new(), Vec::new(), checks, self.policy);
            }
        };
        let subject = ee.subject().to_string();
        let time_note = match self.policy.time {
            ValidationTime::Now => "now",
            ValidationTime::At(_) => "the given instant",
            ValidationTime::SigningTime(_) => "the signing time",
        };

        // Path.
        // one deadline for every online request of this validation (AIA, OCSP, CRLs)
        let deadline = std::time::Instant::now() + self.policy.online_deadline;
        let fetched = self.v.revocation.missing_issuers(
            &ee,
            &[self.v.pool.anchors(), self.v.pool.intermediates(), extra],
            deadline,
        );
        let pool_owned;
        let pool = if extra.is_empty() && fetched.is_empty() {
            &self.v.pool
        } else {
            let mut p = self.v.pool.clone();
            for c in extra.iter().chain(&fetched) {
                p.add_intermediate(c.clone());
            }
            pool_owned = p;
            &pool_owned
        };
        let path = match build_path(&ee, pool, self.policy.budget, &self.policy.algorithms) {
            Ok(p) => {
                checks.push(Check {
                    kind: CheckKind::Path,
                    revocation: None,
                    cause: None,
                    outcome: Outcome::Pass,
                    subject: Some(subject.clone()),
                    detail: format!(
                        "{} certificate(s) up to the trust anchor '{}'; every signature verifies{}",
                        p.certs().len(),
                        p.anchor().subject(),
                        fetched
                            .iter()
                            .filter(|f| p.certs().contains(f))
                            .map(|f| format!(
                                "; '{}' fetched from its AIA caIssuers URL",
                                f.subject()
                            ))
                            .collect::<String>()
                    ),
                });
                Some(p)
            }
            Err(e) => {
                checks.push(Check {
                    kind: CheckKind::Path,
                    revocation: None,
                    cause: None,
                    outcome: Outcome::Fail,
                    subject: Some(subject.clone()),
                    detail: e.to_string(),
                });
                None
            }
        };

        // Validity of every certificate of the path (or of the end entity alone).
        let certs: Vec<&ChainCert> = match &path {
            Some(p) => p.certs().iter().collect(),
            None => vec![&ee],
        };
        for c in &certs {
            let (outcome, detail, cause) = if at < c.not_before() {
                (
                    Outcome::Fail,
                    format!(
                        "not yet valid at {} (notBefore {})",
                        ts(at),
                        ts(c.not_before())
                    ),
                    Some(Cause::NotYetValid),
                )
            } else if at > c.not_after() {
                (
                    Outcome::Fail,
                    format!("expired at {} (notAfter {})", ts(at), ts(c.not_after())),
                    Some(Cause::Expired),
                )
            } else {
                (
                    Outcome::Pass,
                    format!(
                        "valid at {time_note} {} ({} – {})",
                        ts(at),
                        ts(c.not_before()),
                        ts(c.not_after())
                    ),
                    None,
                )
            };
            checks.push(Check {
                kind: CheckKind::Validity,
                revocation: None,
                cause,
                outcome,
                subject: Some(c.subject().to_string()),
                detail,
            });
        }

        // Key usage and unknown critical extensions of the end entity.
        self.check_usage(&ee, &mut checks);

        // Roles, identifiers: the Kazakh profile view.
        match KzCertificate::from_der(ee.der()) {
            Ok(kz) => {
                self.check_roles(&kz, &mut checks);
                self.check_identifiers(&kz, &mut checks);
            }
            Err(e) => checks.push(Check {
                kind: CheckKind::Identifier,
                revocation: None,
                cause: None,
                outcome: Outcome::Fail,
                subject: Some(subject.clone()),
                detail: format!("certificate profile: {e}"),
            }),
        }

        // Revocation.
        match (&path, self.policy.sources) {
            (_, RevocationSources::None) => checks.push(Check {
                kind: CheckKind::Revocation,
                revocation: None,
                cause: None,
                outcome: Outcome::Skipped,
                subject: Some(subject.clone()),
                detail: "revocation not checked (disabled by policy)".into(),
            }),
            (None, _) => checks.push(Check {
                kind: CheckKind::Revocation,
                revocation: None,
                cause: None,
                outcome: Outcome::Unknown,
                subject: Some(subject.clone()),
                detail: "revocation not checked: no path to a trust anchor (issuer unknown)".into(),
            }),
            (Some(p), _) => self.check_revocation(p, deadline, &mut checks),
        }

        let path_subjects = path
            .as_ref()
            .map(|p| p.certs().iter().map(|c| c.subject().to_string()).collect())
            .unwrap_or_default();
        finish(at, subject, path_subjects, checks, self.policy)
    }

    fn check_usage(&self, ee: &ChainCert, checks: &mut Vec<Check>) {
        let (bits, name) = match self.policy.usage {
            RequiredUsage::Sign => (
                key_usage::DIGITAL_SIGNATURE | key_usage::NON_REPUDIATION,
                "signing (digitalSignature + nonRepudiation)",
            ),
            RequiredUsage::Auth => (
                key_usage::DIGITAL_SIGNATURE,
                "authentication (digitalSignature)",
            ),
            RequiredUsage::Any => (0, "any"),
        };
        let ok = bits == 0 || ee.key_usage().is_some_and(|k| k & bits == bits);
        checks.push(Check {
            kind: CheckKind::KeyUsage,
            revocation: None,
            cause: None,
            outcome: if ok { Outcome::Pass } else { Outcome::Fail },
            subject: Some(ee.subject().to_string()),
            detail: if ok {
                format!("key usage allows {name}")
            } else {
                format!(
                    "key usage {} does not allow {name}",
                    ee.key_usage()
                        .map_or("(absent)".to_string(), |k| format!("0x{k:03x}"))
                )
            },
        });
        if !ee.unknown_critical_extensions().is_empty() {
            checks.push(Check {
                kind: CheckKind::KeyUsage,
                revocation: None,
                cause: None,
                outcome: Outcome::Fail,
                subject: Some(ee.subject().to_string()),
                detail: format!(
                    "unsupported critical extension(s): {}",
                    ee.unknown_critical_extensions().join(", ")
                ),
            });
        }
    }

    fn check_roles(&self, kz: &KzCertificate, checks: &mut Vec<Check>) {
        if self.policy.roles.is_empty() {
            return;
        }
        let found = self.policy.roles.iter().find(|r| kz.has_role(**r));
        let wanted: Vec<String> = self.policy.roles.iter().map(|r| format!("{r:?}")).collect();
        checks.push(Check {
            kind: CheckKind::Role,
            revocation: None,
            cause: None,
            outcome: if found.is_some() {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            subject: Some(kz.subject_string()),
            detail: match found {
                Some(r) => format!("has role {r:?}"),
                None => format!("has none of the required roles {}", wanted.join(", ")),
            },
        });
    }

    fn check_identifiers(&self, kz: &KzCertificate, checks: &mut Vec<Check>) {
        let subject = Some(kz.subject_string());
        let mut push = |outcome, detail: String| {
            checks.push(Check {
                kind: CheckKind::Identifier,
                revocation: None,
                cause: None,
                outcome,
                subject: subject.clone(),
                detail,
            })
        };
        let idp = self.policy.id_policy;
        if let Some(iin) = kz.iin() {
            match iin.check(idp) {
                Ok(()) => push(
                    Outcome::Pass,
                    format!("IIN {} accepted ({idp:?})", iin.as_str()),
                ),
                Err(e) => push(Outcome::Fail, format!("IIN {}: {e}", iin.as_str())),
            }
        }
        if let Some(bin) = kz.bin() {
            match bin.check(idp) {
                Ok(()) => push(
                    Outcome::Pass,
                    format!("BIN {} accepted ({idp:?})", bin.as_str()),
                ),
                Err(e) => push(Outcome::Fail, format!("BIN {}: {e}", bin.as_str())),
            }
        }
        let expected = crate::expect::ExpectedIdentity {
            iin: self.policy.expected_iin.clone(),
            bin: self.policy.expected_bin.clone(),
        };
        for c in expected.check(Some(kz)) {
            push(
                if c.passed {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                },
                c.detail,
            );
        }
    }

    fn check_revocation(
        &self,
        path: &CertPath,
        deadline: std::time::Instant,
        checks: &mut Vec<Check>,
    ) {
        let n = path.certs().len();
        let last = match self.policy.depth {
            RevocationDepth::EndEntity => 1.min(n - 1),
            RevocationDepth::Chain => n - 1,
        };
        if n == 1 {
            checks.push(Check {
                kind: CheckKind::Revocation,
                revocation: None,
                cause: None,
                outcome: Outcome::Pass,
                subject: Some(path.end_entity().subject().to_string()),
                detail: "the certificate is itself a trust anchor".into(),
            });
        }
        for i in 0..last {
            let cert = &path.certs()[i];
            let issuer = path.issuer_of(i).expect("not the anchor");
            let status = self
                .v
                .revocation
                .status(cert, issuer, self.policy, deadline);
            let (outcome, cause) = match status.outcome {
                RevocationOutcome::Good => (Outcome::Pass, None),
                RevocationOutcome::Revoked => (Outcome::Fail, Some(Cause::Revoked)),
                RevocationOutcome::NotIssued => (Outcome::Fail, Some(Cause::NotIssued)),
                RevocationOutcome::UnknownCertificate => {
                    (Outcome::Fail, Some(Cause::UnknownCertificate))
                }
                RevocationOutcome::Unavailable => {
                    (Outcome::Unknown, Some(Cause::RevocationUnavailable))
                }
            };
            let detail = status.detail;
            checks.push(Check {
                kind: CheckKind::Revocation,
                revocation: status.evidence,
                cause,
                outcome,
                subject: Some(cert.subject().to_string()),
                detail,
            });
        }
    }
}

fn finish(
    at: OffsetDateTime,
    subject: String,
    path: Vec<String>,
    checks: Vec<Check>,
    policy: &Policy,
) -> Report {
    let mut report = Report {
        verdict: Verdict::Valid,
        validated_at: at,
        subject,
        path,
        checks,
        unknown_revocation_accepted: policy.unknown == UnknownStatus::Allow,
    };
    if report.failures().next().is_some() {
        report.verdict = Verdict::Invalid;
    }
    report
}

pub(crate) fn ser_opt_time<S: serde::Serializer>(
    t: &Option<OffsetDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => ser_time(t, s),
        None => s.serialize_none(),
    }
}

fn ser_time<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    let text = t
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(serde::ser::Error::custom)?;
    s.serialize_str(&text)
}

/// RFC 3339 text of an instant (for report details).
pub(crate) fn ts(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

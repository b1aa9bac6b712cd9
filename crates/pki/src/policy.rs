//! [`Policy`]: what a certificate validation requires, as an immutable value built with
//! [`PolicyBuilder`]. Every knob is an enum whose variants say what they mean.

use tanba_crypto::AlgorithmPolicy;
use time::OffsetDateTime;

use crate::budget::Budget;
use crate::ident::IdPolicy;
use crate::roles::Role;

/// The instant at which validity and revocation are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationTime {
    /// The current time (read once when validation starts).
    Now,
    /// A given instant ("as of").
    At(OffsetDateTime),
    /// The signing time proven by a trusted timestamp (the caller verified the token).
    SigningTime(OffsetDateTime),
}

impl ValidationTime {
    /// The instant this resolves to.
    pub fn instant(&self) -> OffsetDateTime {
        match self {
            ValidationTime::Now => OffsetDateTime::now_utc(),
            ValidationTime::At(t) | ValidationTime::SigningTime(t) => *t,
        }
    }
}

/// Which revocation sources are consulted, in which order. The next source is asked
/// only when the previous one could not decide (unknown / unavailable / unverifiable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationSources {
    /// OCSP first, then CRLs (the NCA RK practice).
    OcspThenCrl,
    /// CRLs first, then OCSP.
    CrlThenOcsp,
    /// OCSP only.
    OcspOnly,
    /// CRLs only.
    CrlOnly,
    /// Do not check revocation (reported as skipped).
    None,
}

/// What an undecidable revocation status means for the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownStatus {
    /// Hard-fail: "revocation unknown" makes the certificate unacceptable (KZ rules
    /// 2026: OCSP "unknown" and an expired CRL are negative results).
    Deny,
    /// Soft-fail: report it, but accept the certificate.
    Allow,
}

/// Which certificates of the path get a revocation check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationDepth {
    /// Only the end-entity certificate.
    EndEntity,
    /// The end entity and every intermediate below the trust anchor.
    Chain,
}

/// What a revocation dated *after* the validation instant means (e.g. validating at a
/// signing time proven by a timestamp, with a certificate revoked since).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokedLater {
    /// Accept only benign reasons (superseded, affiliationChanged, cessationOfOperation,
    /// privilegeWithdrawn); any other reason (keyCompromise, cACompromise, hold,
    /// unspecified, …) leaves the status unknown, because the compromise may predate
    /// the revocation (KZ-PKI.md §5.1).
    BenignOnly,
    /// The certificate was not revoked at the instant, whatever the later reason.
    Accept,
}

impl RevokedLater {
    /// Whether a revocation with `reason` after the instant still lets the check pass.
    pub fn accepts(self, reason: crate::crl::RevocationReason) -> bool {
        use crate::crl::RevocationReason::*;
        match self {
            RevokedLater::Accept => true,
            RevokedLater::BenignOnly => matches!(
                reason,
                Superseded | AffiliationChanged | CessationOfOperation | PrivilegeWithdrawn
            ),
        }
    }
}

/// The key usage the end-entity certificate must allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredUsage {
    /// Document signing: digitalSignature and nonRepudiation (KZ SIGN certificates,
    /// GOST-2015 single-key certificates).
    Sign,
    /// Authentication: digitalSignature.
    Auth,
    /// No requirement.
    Any,
}

/// An immutable validation policy. Build it with [`Policy::builder`].
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) time: ValidationTime,
    pub(crate) sources: RevocationSources,
    pub(crate) unknown: UnknownStatus,
    pub(crate) depth: RevocationDepth,
    pub(crate) revoked_later: RevokedLater,
    pub(crate) usage: RequiredUsage,
    pub(crate) roles: Vec<Role>,
    pub(crate) expected_iin: Option<String>,
    pub(crate) expected_bin: Option<String>,
    pub(crate) id_policy: IdPolicy,
    pub(crate) algorithms: AlgorithmPolicy,
    pub(crate) budget: Budget,
    pub(crate) max_response_age: time::Duration,
    pub(crate) online_deadline: std::time::Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::builder().build()
    }
}

impl Policy {
    /// A builder with these defaults:
    ///
    /// - time: [`ValidationTime::Now`];
    /// - revocation: [`RevocationSources::OcspThenCrl`], [`UnknownStatus::Deny`]
    ///   (hard-fail), [`RevocationDepth::EndEntity`], [`RevokedLater::BenignOnly`];
    /// - key usage: [`RequiredUsage::Sign`]; no required roles;
    /// - no expected IIN or BIN; identifiers in the certificate must pass
    ///   [`IdPolicy::ChecksumOnly`] (NCA test identifiers are refused);
    /// - algorithms: [`AlgorithmPolicy::strict`] (no SHA-1);
    /// - path building: [`Budget::default`];
    /// - an OCSP answer or CRL without nextUpdate is usable for 24 hours after its
    ///   thisUpdate;
    /// - online revocation (OCSP, CRL, delta CRL together) gets 10 seconds per
    ///   validation; past that, the status is unavailable.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder {
            p: Policy {
                time: ValidationTime::Now,
                sources: RevocationSources::OcspThenCrl,
                unknown: UnknownStatus::Deny,
                depth: RevocationDepth::EndEntity,
                revoked_later: RevokedLater::BenignOnly,
                usage: RequiredUsage::Sign,
                roles: Vec::new(),
                expected_iin: None,
                expected_bin: None,
                id_policy: IdPolicy::ChecksumOnly,
                algorithms: AlgorithmPolicy::strict(),
                budget: Budget::default(),
                max_response_age: time::Duration::hours(24),
                online_deadline: std::time::Duration::from_secs(10),
            },
        }
    }

    /// A builder starting from this policy (to change a few knobs).
    pub fn to_builder(&self) -> PolicyBuilder {
        PolicyBuilder { p: self.clone() }
    }

    /// The validation time setting.
    pub fn time(&self) -> ValidationTime {
        self.time
    }
    /// Revocation sources.
    pub fn sources(&self) -> RevocationSources {
        self.sources
    }
    /// Unknown-status handling.
    pub fn unknown_status(&self) -> UnknownStatus {
        self.unknown
    }
    /// Required key usage.
    pub fn required_usage(&self) -> RequiredUsage {
        self.usage
    }
    /// Identifier policy.
    pub fn id_policy(&self) -> IdPolicy {
        self.id_policy
    }
    /// Algorithm policy.
    pub fn algorithms(&self) -> &AlgorithmPolicy {
        &self.algorithms
    }
    /// The overall time online revocation checks may take in one validation.
    pub fn online_deadline(&self) -> std::time::Duration {
        self.online_deadline
    }
}

/// Builder for [`Policy`]; see [`Policy::builder`] for the defaults.
#[derive(Debug, Clone)]
pub struct PolicyBuilder {
    p: Policy,
}

impl PolicyBuilder {
    /// When to validate.
    pub fn time(mut self, t: ValidationTime) -> Self {
        self.p.time = t;
        self
    }
    /// Which revocation sources, in which order.
    pub fn revocation_sources(mut self, s: RevocationSources) -> Self {
        self.p.sources = s;
        self
    }
    /// Hard-fail or soft-fail on unknown revocation status.
    pub fn unknown_status(mut self, u: UnknownStatus) -> Self {
        self.p.unknown = u;
        self
    }
    /// Which certificates get a revocation check.
    pub fn revocation_depth(mut self, d: RevocationDepth) -> Self {
        self.p.depth = d;
        self
    }
    /// What a revocation after the validation instant means.
    pub fn revoked_later(mut self, r: RevokedLater) -> Self {
        self.p.revoked_later = r;
        self
    }
    /// Required key usage of the end-entity certificate.
    pub fn required_usage(mut self, u: RequiredUsage) -> Self {
        self.p.usage = u;
        self
    }
    /// Require a role (EKU); may be called several times: **any** of the listed roles
    /// satisfies the requirement.
    pub fn require_any_role(mut self, r: Role) -> Self {
        self.p.roles.push(r);
        self
    }
    /// Require the certificate's IIN to equal this 12-digit value.
    pub fn expected_iin(mut self, iin: impl Into<String>) -> Self {
        self.p.expected_iin = Some(iin.into());
        self
    }
    /// Require the certificate's BIN to equal this 12-digit value.
    pub fn expected_bin(mut self, bin: impl Into<String>) -> Self {
        self.p.expected_bin = Some(bin.into());
        self
    }
    /// How strictly identifiers in the certificate are checked (test identifiers).
    pub fn id_policy(mut self, p: IdPolicy) -> Self {
        self.p.id_policy = p;
        self
    }
    /// Accepted signature algorithms.
    pub fn algorithms(mut self, a: AlgorithmPolicy) -> Self {
        self.p.algorithms = a;
        self
    }
    /// Path-building work limits.
    pub fn budget(mut self, b: Budget) -> Self {
        self.p.budget = b;
        self
    }
    /// How long an OCSP answer / CRL without nextUpdate stays usable after thisUpdate.
    pub fn max_response_age(mut self, d: time::Duration) -> Self {
        self.p.max_response_age = d;
        self
    }
    /// One overall deadline for the online revocation checks of a validation (every
    /// OCSP request, CRL and delta CRL download together). Past it, no request starts,
    /// one under way is cut short, and the status is unavailable (under hard-fail the
    /// certificate is refused).
    pub fn online_deadline(mut self, d: std::time::Duration) -> Self {
        self.p.online_deadline = d;
        self
    }
    /// The immutable policy.
    pub fn build(self) -> Policy {
        self.p
    }
}

//! Path building: from an end-entity certificate up to a trust anchor through
//! intermediates, spending from a [`Budget`].
//!
//! A link `child → issuer` is accepted when the names chain (child's issuer = issuer's
//! subject), the child's AKI equals the issuer's SKI when both are present, the child's
//! signature verifies with the issuer's key (through `tanba_crypto::verify_signature`),
//! and — unless the issuer is a trust anchor — the issuer is a CA (basicConstraints
//! cA = TRUE), its key usage (when present) allows keyCertSign and its pathLenConstraint
//! is respected. Validity periods are not part of path building: the validator checks
//! them for every certificate of the path at the validation instant, so that an expired
//! CA is reported as "expired", not as "no path".

use tanba_crypto::AlgorithmPolicy;

use crate::budget::{Budget, BudgetExceeded};
use crate::chain_cert::{key_usage, ChainCert};
use crate::trust_store::TrustStore;

/// Trust anchors and candidate intermediates.
#[derive(Debug, Clone, Default)]
pub struct CertPool {
    anchors: Vec<ChainCert>,
    intermediates: Vec<ChainCert>,
}

impl CertPool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Build a pool from a [`TrustStore`] (anchors and intermediates). Certificates that
    /// do not parse for validation are skipped and returned as errors.
    pub fn from_trust_store(store: &TrustStore) -> (Self, Vec<String>) {
        let mut pool = CertPool::new();
        let mut errors = Vec::new();
        for c in store.anchors() {
            match ChainCert::from_der(c.der()) {
                Ok(c) => pool.add_anchor(c),
                Err(e) => errors.push(e.to_string()),
            }
        }
        for c in store.intermediates() {
            match ChainCert::from_der(c.der()) {
                Ok(c) => pool.add_intermediate(c),
                Err(e) => errors.push(e.to_string()),
            }
        }
        (pool, errors)
    }

    /// Add a trust anchor.
    pub fn add_anchor(&mut self, cert: ChainCert) {
        if !self.anchors.contains(&cert) {
            self.anchors.push(cert);
        }
    }

    /// Add a candidate intermediate (e.g. from the signed document or a bundle).
    pub fn add_intermediate(&mut self, cert: ChainCert) {
        if !self.intermediates.contains(&cert) && !self.anchors.contains(&cert) {
            self.intermediates.push(cert);
        }
    }

    /// The anchors.
    pub fn anchors(&self) -> &[ChainCert] {
        &self.anchors
    }

    /// The intermediates.
    pub fn intermediates(&self) -> &[ChainCert] {
        &self.intermediates
    }

    /// Whether `cert` is one of the anchors.
    pub fn is_anchor(&self, cert: &ChainCert) -> bool {
        self.anchors.contains(cert)
    }
}

/// A built path: end entity first, trust anchor last.
#[derive(Debug, Clone)]
pub struct CertPath {
    certs: Vec<ChainCert>,
}

impl CertPath {
    /// The certificates, end entity first, trust anchor last.
    pub fn certs(&self) -> &[ChainCert] {
        &self.certs
    }

    /// The end-entity certificate.
    pub fn end_entity(&self) -> &ChainCert {
        &self.certs[0]
    }

    /// The trust anchor.
    pub fn anchor(&self) -> &ChainCert {
        &self.certs[self.certs.len() - 1]
    }

    /// The issuer of `certs()[i]` (`None` for the anchor).
    pub fn issuer_of(&self, i: usize) -> Option<&ChainCert> {
        self.certs.get(i + 1)
    }
}

/// Why no path to a trust anchor was found. When several candidates failed, the error
/// of the candidate that got furthest is reported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// No anchor or intermediate has a subject equal to this certificate's issuer (with a
    /// matching key identifier).
    #[error("no trusted issuer found for '{subject}' (issuer '{issuer}')")]
    UnknownIssuer {
        /// The certificate whose issuer is missing.
        subject: String,
        /// Its issuer name.
        issuer: String,
    },
    /// A candidate issuer's key does not verify the certificate's signature.
    #[error("signature of '{subject}' does not verify with the key of '{issuer}': {detail}")]
    BadSignature {
        /// The certificate.
        subject: String,
        /// The candidate issuer.
        issuer: String,
        /// Why (bad signature, unsupported algorithm, ...).
        detail: String,
    },
    /// A candidate intermediate is not a CA.
    #[error("'{0}' is not a CA certificate (basicConstraints cA is not TRUE)")]
    NotCa(String),
    /// A candidate intermediate's key usage does not allow certificate signing.
    #[error("'{0}' key usage does not allow keyCertSign")]
    CaKeyUsage(String),
    /// A candidate intermediate has critical extensions this crate does not process.
    #[error("'{subject}' has unsupported critical extension(s) {oids}")]
    UnsupportedCriticalExtension {
        /// The intermediate.
        subject: String,
        /// The extension OIDs, comma-separated.
        oids: String,
    },
    /// A pathLenConstraint is exceeded.
    #[error("pathLenConstraint of '{0}' is exceeded")]
    PathLength(String),
    /// Every way up led back to a certificate already in the path.
    #[error("the issuer chain of '{0}' loops")]
    Loop(String),
    /// The budget ran out.
    #[error(transparent)]
    Budget(#[from] BudgetExceeded),
}

impl PathError {
    fn rank(&self) -> u8 {
        match self {
            PathError::UnknownIssuer { .. } => 0,
            PathError::Loop(_) => 1,
            PathError::BadSignature { .. } => 2,
            PathError::NotCa(_)
            | PathError::CaKeyUsage(_)
            | PathError::PathLength(_)
            | PathError::UnsupportedCriticalExtension { .. } => 3,
            PathError::Budget(_) => 4,
        }
    }
}

/// Build a path from `end_entity` to one of the pool's anchors.
///
/// An end-entity certificate that is itself an anchor yields a one-certificate path.
pub fn build_path(
    end_entity: &ChainCert,
    pool: &CertPool,
    budget: Budget,
    algorithms: &AlgorithmPolicy,
) -> Result<CertPath, PathError> {
    if pool.is_anchor(end_entity) {
        return Ok(CertPath {
            certs: vec![end_entity.clone()],
        });
    }
    let mut b = budget;
    let mut path: Vec<&ChainCert> = vec![end_entity];
    let mut best: Option<PathError> = None;
    match extend(&mut path, pool, &mut b, algorithms, &mut best) {
        Ok(true) => Ok(CertPath {
            certs: path.into_iter().cloned().collect(),
        }),
        Ok(false) => Err(best.unwrap_or_else(|| PathError::UnknownIssuer {
            subject: end_entity.subject().to_string(),
            issuer: end_entity.issuer().to_string(),
        })),
        Err(e) => Err(e),
    }
}

fn record(best: &mut Option<PathError>, e: PathError) {
    if best.as_ref().is_none_or(|b| e.rank() >= b.rank()) {
        *best = Some(e);
    }
}

/// Returns Ok(true) when `path` now ends at an anchor; Ok(false) when this branch failed
/// (the reason is in `best`); Err when the budget ran out (aborts the whole search).
fn extend<'a>(
    path: &mut Vec<&'a ChainCert>,
    pool: &'a CertPool,
    budget: &mut Budget,
    algorithms: &AlgorithmPolicy,
    best: &mut Option<PathError>,
) -> Result<bool, PathError> {
    let child = *path.last().expect("path is never empty");
    let candidates = pool
        .anchors
        .iter()
        .map(|c| (c, true))
        .chain(pool.intermediates.iter().map(|c| (c, false)))
        .filter(|(c, _)| child.names_issuer(c));
    let mut any = false;
    for (cand, is_anchor) in candidates {
        any = true;
        budget.consume_build_step()?;
        if path.contains(&cand) {
            record(best, PathError::Loop(child.subject().to_string()));
            continue;
        }
        if path.len() + 1 > budget.max_depth() {
            return Err(BudgetExceeded::Depth(budget.max_depth()).into());
        }
        if !is_anchor {
            if !cand.is_ca() {
                record(best, PathError::NotCa(cand.subject().to_string()));
                continue;
            }
            if !cand.unknown_critical_extensions().is_empty() {
                record(
                    best,
                    PathError::UnsupportedCriticalExtension {
                        subject: cand.subject().to_string(),
                        oids: cand.unknown_critical_extensions().join(", "),
                    },
                );
                continue;
            }
            if !cand.key_usage_allows(key_usage::KEY_CERT_SIGN) {
                record(best, PathError::CaKeyUsage(cand.subject().to_string()));
                continue;
            }
            if let Some((_, Some(max))) = cand.basic_constraints() {
                // Intermediates below `cand`, not counting the end entity or self-issued ones.
                let below = path[1..].iter().filter(|c| !c.is_self_issued()).count();
                if below > max as usize {
                    record(best, PathError::PathLength(cand.subject().to_string()));
                    continue;
                }
            }
        }
        budget.consume_signature()?;
        if let Err(e) = child.verify_signed_by(cand.spki_der(), algorithms) {
            record(
                best,
                PathError::BadSignature {
                    subject: child.subject().to_string(),
                    issuer: cand.subject().to_string(),
                    detail: e.to_string(),
                },
            );
            continue;
        }
        path.push(cand);
        if is_anchor || extend(path, pool, budget, algorithms, best)? {
            return Ok(true);
        }
        path.pop();
    }
    if !any {
        record(
            best,
            PathError::UnknownIssuer {
                subject: child.subject().to_string(),
                issuer: child.issuer().to_string(),
            },
        );
    }
    Ok(false)
}

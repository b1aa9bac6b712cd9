//! [`RevocationEngine`]: the long-lived revocation state every certificate check shares —
//! CRLs indexed once per CRL number, OCSP answers cached for a bounded age, responders
//! tried in order — and the decision of one certificate's status under a [`Policy`].
//!
//! Built once, shared by `Arc` (`Send + Sync`). Given evidence (`--crl`,
//! `--ocsp-response`) is added with [`RevocationEngine::add_crl`] /
//! [`RevocationEngine::add_ocsp_response`]; with a [`Fetcher`] the engine downloads the
//! CRLs a certificate names and asks its OCSP responders, keeping what it got:
//!
//! - one slot per CRL URL holds the last good CRL. A CRL is parsed and indexed once; a
//!   download that brings the same CRL (same number and `thisUpdate`) keeps the existing
//!   index. Concurrent validations that need the same URL wait for one download instead
//!   of starting their own (within their deadline). A failed download is not retried for
//!   [`EngineConfig::retry_after_failure`], and the last good CRL stays in use — but only
//!   while it is usable at the validation time: past its `nextUpdate` the status is
//!   *unavailable*, never good.
//! - verified OCSP answers are kept for [`EngineConfig::ocsp_cache_max_age`] (NCA's
//!   responses carry no `nextUpdate`); the responders of a certificate (its AIA URLs, then
//!   [`EngineConfig::ocsp_responders`]) are tried in order until one gives a verified
//!   answer.
//! - [`RevocationEngine::freshness`] gives per-CRL figures (number, `thisUpdate`,
//!   `nextUpdate`, age, entries, index bytes) and [`RevocationEngine::warm_up`] /
//!   [`RevocationEngine::ready`] the readiness of the configured CRL URLs;
//!   [`RevocationEngine::start_refresh`] refreshes held CRLs in the background before
//!   their `nextUpdate`.
//!
//! ```
//! use std::sync::Arc;
//! use tanba_pki::{ChainCert, Crl, Policy, RevocationEngine, RevocationOutcome, RevocationSources, ValidationTime};
//! // the generated test PKI of testdata/pki
//! let read = |rel: &str| tanba_testdata::read(&tanba_testdata::own(&format!("pki/{rel}")));
//! let ca = ChainCert::from_bytes(&read("certs/ca.pem")).unwrap();
//! let ee = ChainCert::from_bytes(&read("certs/revoked.pem")).unwrap();
//! let engine = Arc::new(RevocationEngine::new());
//! engine.add_crl(Crl::from_bytes(&read("crl/ca.crl")).unwrap().with_source("ca.crl"));
//! let policy = Policy::builder()
//!     .time(ValidationTime::At(time::macros::datetime!(2026-06-01 0:00 UTC)))
//!     .revocation_sources(RevocationSources::CrlOnly)
//!     .build();
//! let deadline = std::time::Instant::now() + policy.online_deadline();
//! let status = engine.status(&ee, &ca, &policy, deadline);
//! assert_eq!(status.outcome, RevocationOutcome::Revoked, "{}", status.detail);
//! assert!(status.detail.contains("CRL #0a"), "the evidence is named: {}", status.detail);
//! assert!(status.detail.contains("from ca.crl"), "{}", status.detail);
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::chain_cert::ChainCert;
use crate::crl::{self, Crl, CrlIssuer, CrlStatus, RevocationReason};
use crate::fetch::{Conditional, FetchError, Fetcher, Validators};
use crate::ocsp::{OcspCheck, OcspRequest, OcspResponse, OcspStatus};
use crate::policy::{Policy, RevocationSources, UnknownStatus};
use crate::validate::ts;

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// How long a verified OCSP answer fetched from a responder is reused (NCA's responses
    /// carry no `nextUpdate`; an answer with one is never used past it).
    pub ocsp_cache_max_age: Duration,
    /// At most this many OCSP answers are kept (the cache is emptied when full).
    pub ocsp_cache_capacity: usize,
    /// Mirrors of OCSP responders, `(prefix, mirror prefix)`: a certificate's AIA URL
    /// starting with the prefix is followed by the same URL on the mirror. The 2026 rules
    /// require NCA to run two responders, `ocsp.pki.gov.kz` and `ocsp1.pki.gov.kz`; a
    /// mirror is per CA by construction (a responder of another CA would answer "unknown",
    /// which is negative).
    pub ocsp_mirrors: Vec<(String, String)>,
    /// OCSP responders asked after the certificate's own AIA URLs and their mirrors, in
    /// order, for every certificate.
    pub ocsp_responders: Vec<String>,
    /// A failed CRL download is not retried before this much time has passed (the last
    /// good CRL, if any, stays in use meanwhile).
    pub retry_after_failure: Duration,
    /// A CRL due for refresh is asked for again at most this often (conditional GET: a
    /// server that has nothing newer answers 304 without the body).
    pub refresh_interval: Duration,
    /// Fetch a missing issuer certificate from the AIA caIssuers URL of the certificate
    /// that needs it (off by default). A fetched certificate is only a candidate: the path
    /// must still reach a trust anchor with every signature verified.
    pub fetch_missing_issuers: bool,
    /// CRL URLs the engine keeps loaded whatever certificates it meets:
    /// [`RevocationEngine::warm_up`] fetches them, [`RevocationEngine::ready`] requires
    /// them.
    pub crl_urls: Vec<String>,
}

impl Default for EngineConfig {
    /// OCSP answers reused for 10 minutes, at most 10,000 of them;
    /// `http://ocsp.pki.gov.kz` mirrored by `http://ocsp1.pki.gov.kz`; no extra
    /// responders; a failed CRL download retried after 30 seconds; no configured CRL URLs.
    fn default() -> Self {
        EngineConfig {
            ocsp_cache_max_age: Duration::from_secs(600),
            ocsp_cache_capacity: 10_000,
            ocsp_mirrors: vec![(
                "http://ocsp.pki.gov.kz".into(),
                "http://ocsp1.pki.gov.kz".into(),
            )],
            ocsp_responders: Vec::new(),
            retry_after_failure: Duration::from_secs(30),
            refresh_interval: Duration::from_secs(300),
            fetch_missing_issuers: false,
            crl_urls: Vec::new(),
        }
    }
}

/// The revocation status of one certificate, in the 2026 rules' terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationOutcome {
    /// Not revoked at the validation time (or revoked only later, for a reason the
    /// policy accepts).
    Good,
    /// Revoked at or before the validation time.
    Revoked,
    /// The OCSP responder says the certificate was never issued.
    NotIssued,
    /// The OCSP responder does not know the certificate: negative (500/НҚ п.19.7), never
    /// "unavailable", so soft-fail does not accept it.
    UnknownCertificate,
    /// No source could decide now (none reachable, past the deadline, a stale or
    /// distrusted CRL or response): try later.
    Unavailable,
}

/// One certificate's revocation status and the evidence it rests on.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RevocationStatus {
    /// The outcome.
    pub outcome: RevocationOutcome,
    /// What decided it, naming the evidence: which CRL (number, `thisUpdate`, source,
    /// delta) or which OCSP responder and `producedAt`; or why nothing could decide.
    pub detail: String,
    /// The same evidence as data: which kind of source decided, and the revocation
    /// time and reason it gave (`None` when nothing decided).
    pub evidence: Option<RevocationEvidence>,
}

/// Which kind of source decided a revocation status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EvidenceKind {
    /// A CRL (full, or full with delta).
    Crl,
    /// An OCSP response.
    Ocsp,
}

/// The decisive evidence of a revocation status, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RevocationEvidence {
    /// CRL or OCSP.
    pub by: EvidenceKind,
    /// When the certificate was revoked, if the source lists it as revoked (also when
    /// revoked only after the validation time).
    #[serde(serialize_with = "crate::validate::ser_opt_time")]
    pub revoked_at: Option<OffsetDateTime>,
    /// The reason the source gave for the revocation.
    pub reason: Option<RevocationReason>,
}

impl RevocationEvidence {
    fn of(by: EvidenceKind) -> Self {
        RevocationEvidence {
            by,
            revoked_at: None,
            reason: None,
        }
    }

    fn revoked(by: EvidenceKind, at: OffsetDateTime, reason: RevocationReason) -> Self {
        RevocationEvidence {
            by,
            revoked_at: Some(at),
            reason: Some(reason),
        }
    }
}

/// Figures of one CRL the engine holds, for readiness and metrics.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CrlFreshness {
    /// The URL or file it came from.
    pub source: String,
    /// The issuer's name.
    pub issuer: String,
    /// Whether it is a delta CRL.
    pub delta: bool,
    /// The CRL number (hex).
    pub number: String,
    /// `thisUpdate` (RFC 3339).
    pub this_update: String,
    /// `nextUpdate` (RFC 3339), if any.
    pub next_update: Option<String>,
    /// Seconds since `thisUpdate`.
    pub age_seconds: i64,
    /// Whether it may be relied on now (not past its `nextUpdate`).
    pub usable_now: bool,
    /// Entries listed.
    pub entries: usize,
    /// Bytes its index holds.
    pub index_bytes: usize,
    /// The last download error for this URL, if the last attempt failed.
    pub last_error: Option<String>,
}

/// Whether every configured CRL URL has a CRL usable now.
#[must_use]
#[derive(Debug, Clone, serde::Serialize)]
pub struct Readiness {
    /// `true` when nothing is missing.
    pub ready: bool,
    /// Configured URLs without a CRL usable now, each with why.
    pub missing: Vec<String>,
    /// Every CRL held.
    pub crls: Vec<CrlFreshness>,
}

/// The long-lived revocation state. See the [module docs](self).
#[derive(Debug, Default)]
pub struct RevocationEngine {
    config: EngineConfig,
    fetcher: Option<Fetcher>,
    given: RwLock<Given>,
    slots: Mutex<HashMap<String, Arc<CrlSlot>>>,
    ocsp_cache: Mutex<HashMap<Vec<u8>, CachedOcsp>>,
    /// AIA caIssuers downloads by URL.
    issuers: Mutex<HashMap<String, IssuerDownload>>,
    /// Bumped whenever given evidence is added.
    generation: std::sync::atomic::AtomicU64,
    /// Counters of the online requests.
    counters: Counters,
}

/// Online request counters (for metrics).
#[derive(Debug, Default)]
struct Counters {
    ocsp_requests: std::sync::atomic::AtomicU64,
    ocsp_failures: std::sync::atomic::AtomicU64,
    ocsp_micros: std::sync::atomic::AtomicU64,
    crl_downloads: std::sync::atomic::AtomicU64,
    crl_failures: std::sync::atomic::AtomicU64,
    crl_micros: std::sync::atomic::AtomicU64,
}

/// What the engine asked of the network since it was made (for metrics): requests,
/// failures (no answer, or an answer that could not be used) and time spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EngineStats {
    /// OCSP requests sent.
    pub ocsp_requests: u64,
    /// Of those, without a usable answer.
    pub ocsp_failures: u64,
    /// Time spent on OCSP requests, in microseconds.
    pub ocsp_micros: u64,
    /// CRL downloads (full and conditional).
    pub crl_downloads: u64,
    /// Of those, failed.
    pub crl_failures: u64,
    /// Time spent on CRL downloads, in microseconds.
    pub crl_micros: u64,
}

impl Counters {
    fn count(&self, ocsp: bool, ok: bool, took: Duration) {
        use std::sync::atomic::Ordering::Relaxed;
        let (n, f, t) = if ocsp {
            (&self.ocsp_requests, &self.ocsp_failures, &self.ocsp_micros)
        } else {
            (&self.crl_downloads, &self.crl_failures, &self.crl_micros)
        };
        n.fetch_add(1, Relaxed);
        if !ok {
            f.fetch_add(1, Relaxed);
        }
        t.fetch_add(took.as_micros().min(u128::from(u64::MAX)) as u64, Relaxed);
    }
}

/// An AIA caIssuers download: the certificate, or when and why it failed.
type IssuerDownload = Result<ChainCert, (Instant, String)>;

/// At most this many issuer certificates are fetched through AIA for one path.
const MAX_AIA_HOPS: usize = 4;

#[derive(Debug, Default)]
struct Given {
    crls: Vec<Arc<Crl>>,
    ocsp: Vec<OcspResponse>,
}

/// One CRL URL: the last good CRL and the download state.
#[derive(Debug, Default)]
struct CrlSlot {
    state: Mutex<SlotState>,
    done: Condvar,
}

#[derive(Debug, Default)]
struct SlotState {
    crl: Option<Arc<Crl>>,
    /// When the held CRL was downloaded (a CRL without `nextUpdate` is fresh for the
    /// fetcher's `default_ttl` after it).
    fetched: Option<Instant>,
    fetching: bool,
    failed_at: Option<Instant>,
    last_error: Option<String>,
    /// The last time a refresh asked the server (whatever it answered).
    checked: Option<Instant>,
    /// The HTTP validators of the held CRL, for conditional refreshes.
    validators: Validators,
}

#[derive(Debug, Clone)]
struct CachedOcsp {
    response: OcspResponse,
    url: String,
    fetched: Instant,
}

/// Why an OCSP response is not relied on (for the problem list).
struct Distrusted(String);

/// What one source said.
enum Decision {
    Good(String, RevocationEvidence),
    Revoked(String, RevocationEvidence),
    NotIssued(String, RevocationEvidence),
    UnknownCertificate(String, RevocationEvidence),
    Unknown(String),
}

impl RevocationEngine {
    /// An engine with no evidence and no network (default settings).
    pub fn new() -> Self {
        Self::default()
    }

    /// An engine with these settings.
    pub fn with_config(config: EngineConfig) -> Self {
        RevocationEngine {
            config,
            ..Default::default()
        }
    }

    /// Fetch CRLs and ask OCSP responders with `fetcher` (a clone shares its connections
    /// and cache folder).
    pub fn with_fetcher(mut self, fetcher: Fetcher) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// The settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Whether the engine may download (it has a fetcher).
    pub fn is_online(&self) -> bool {
        self.fetcher.is_some()
    }

    /// Whether the engine holds no evidence and cannot fetch any.
    pub fn is_empty(&self) -> bool {
        let given = read(&self.given);
        self.fetcher.is_none() && given.crls.is_empty() && given.ocsp.is_empty()
    }

    /// Add a CRL (full or delta) as evidence.
    pub fn add_crl(&self, crl: Crl) {
        write(&self.given).crls.push(Arc::new(crl));
        self.bump();
    }

    /// Add a stored OCSP response as evidence.
    pub fn add_ocsp_response(&self, response: OcspResponse) {
        write(&self.given).ocsp.push(response);
        self.bump();
    }

    fn bump(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// The network requests made so far: OCSP and CRL counts, failures and time.
    pub fn stats(&self) -> EngineStats {
        use std::sync::atomic::Ordering::Relaxed;
        let c = &self.counters;
        EngineStats {
            ocsp_requests: c.ocsp_requests.load(Relaxed),
            ocsp_failures: c.ocsp_failures.load(Relaxed),
            ocsp_micros: c.ocsp_micros.load(Relaxed),
            crl_downloads: c.crl_downloads.load(Relaxed),
            crl_failures: c.crl_failures.load(Relaxed),
            crl_micros: c.crl_micros.load(Relaxed),
        }
    }

    /// A number that changes whenever given evidence is added (what a verdict computed
    /// from the given evidence alone depends on).
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The revocation status of `cert`, issued by `issuer`, at the policy's validation
    /// time, asking the sources in the policy's order until one decides. Every online
    /// request of this call ends by `deadline`.
    pub fn status(
        &self,
        cert: &ChainCert,
        issuer: &ChainCert,
        policy: &Policy,
        deadline: Instant,
    ) -> RevocationStatus {
        let at = policy.time.instant();
        let order: &[bool] = match policy.sources {
            RevocationSources::OcspThenCrl => &[true, false],
            RevocationSources::CrlThenOcsp => &[false, true],
            RevocationSources::OcspOnly => &[true],
            RevocationSources::CrlOnly => &[false],
            RevocationSources::None => &[],
        };
        let mut unknown = Vec::new();
        for &use_ocsp in order {
            let d = if use_ocsp {
                self.by_ocsp(cert, issuer, at, policy, deadline)
            } else {
                self.by_crl(cert, issuer, at, policy, deadline)
            };
            use RevocationOutcome as O;
            match d {
                Decision::Good(d, e) => return status(O::Good, d, Some(e)),
                Decision::Revoked(d, e) => return status(O::Revoked, d, Some(e)),
                Decision::NotIssued(d, e) => return status(O::NotIssued, d, Some(e)),
                Decision::UnknownCertificate(d, e) => {
                    return status(O::UnknownCertificate, d, Some(e))
                }
                Decision::Unknown(d) => unknown.push(d),
            }
        }
        if unknown.is_empty() {
            unknown.push("revocation checking is disabled by the policy".into());
        }
        status(
            RevocationOutcome::Unavailable,
            format!("revocation status unknown: {}", unknown.join("; ")),
            None,
        )
    }

    // ---- CRL ----

    fn by_crl(
        &self,
        cert: &ChainCert,
        issuer: &ChainCert,
        at: OffsetDateTime,
        policy: &Policy,
        deadline: Instant,
    ) -> Decision {
        let mut notes = Vec::new();
        let mut held: Vec<Arc<Crl>> = read(&self.given).crls.clone();
        if self.fetcher.is_some() {
            for url in cert.crl_urls().iter().chain(cert.delta_crl_urls()) {
                let (crl, note) = self.crl_at(url, deadline);
                held.extend(crl);
                notes.extend(note);
            }
        }
        let ci = crl_issuer(issuer);
        let d = crl::decide(
            held.iter().map(|c| &**c),
            cert.serial(),
            &ci,
            at,
            policy.max_response_age,
            &policy.algorithms,
        );
        let evidence = |in_delta| crl_evidence(d.full, d.delta, in_delta);
        match d.status {
            CrlStatus::Good { .. } => Decision::Good(
                format!(
                    "not listed in {} of '{}'",
                    evidence(false),
                    issuer.subject()
                ),
                RevocationEvidence::of(EvidenceKind::Crl),
            ),
            CrlStatus::Revoked {
                revoked_at,
                reason,
                from_delta,
            } => Decision::Revoked(
                format!(
                    "revoked at {}, reason {reason} (per {})",
                    ts(revoked_at),
                    evidence(from_delta)
                ),
                RevocationEvidence::revoked(EvidenceKind::Crl, revoked_at, reason),
            ),
            CrlStatus::RevokedLater {
                revoked_at,
                reason,
                from_delta,
            } => later(
                policy,
                revoked_at,
                reason,
                &evidence(from_delta),
                EvidenceKind::Crl,
            ),
            CrlStatus::Unknown { reason } => {
                notes.push(format!("CRL: {reason}"));
                Decision::Unknown(notes.join("; "))
            }
        }
    }

    /// The CRL of `url`: the held one while fresh now, else a download (one at a time per
    /// URL; others wait for it until `deadline`). On failure, the last good CRL (judged
    /// later by its usability at the validation time) and a note.
    fn crl_at(&self, url: &str, deadline: Instant) -> (Option<Arc<Crl>>, Option<String>) {
        let slot = self.slot(url);
        let now = OffsetDateTime::now_utc();
        let mut st = lock(&slot.state);
        let ttl = self.fetcher.as_ref().map_or(Duration::ZERO, |f| {
            f.config().default_ttl.try_into().unwrap_or(Duration::ZERO)
        });
        loop {
            if let Some(c) = &st.crl {
                let fresh = match c.next_update() {
                    Some(n) => now < n,
                    None => st.fetched.is_some_and(|t| t.elapsed() < ttl),
                };
                if fresh {
                    return (Some(c.clone()), None);
                }
            }
            if !st.fetching {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return (
                    st.crl.clone(),
                    Some(format!(
                        "CRL fetch: {url}: the revocation deadline passed while another validation was downloading it"
                    )),
                );
            }
            st = match slot.done.wait_timeout(st, left) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        if let Some(t) = st.failed_at {
            if t.elapsed() < self.config.retry_after_failure {
                let why = st.last_error.clone().unwrap_or_default();
                return (
                    st.crl.clone(),
                    Some(format!(
                        "CRL fetch: {why} (failed {} s ago; retried after {} s)",
                        t.elapsed().as_secs(),
                        self.config.retry_after_failure.as_secs()
                    )),
                );
            }
        }
        st.fetching = true;
        drop(st);
        let got = self.download(url, Some(deadline));
        let mut st = lock(&slot.state);
        st.fetching = false;
        let note = store(&mut st, got);
        slot.done.notify_all();
        (st.crl.clone(), note)
    }

    fn download(&self, url: &str, deadline: Option<Instant>) -> Result<Crl, FetchError> {
        let Some(f) = &self.fetcher else {
            return Err(FetchError::Offline { url: url.into() });
        };
        let now = OffsetDateTime::now_utc();
        let started = Instant::now();
        let got = match deadline {
            Some(d) => f.crl_before(url, now, d),
            None => f.crl(url, now),
        };
        self.counters.count(false, got.is_ok(), started.elapsed());
        got.map(|(crl, _)| crl.with_source(url))
    }

    fn slot(&self, url: &str) -> Arc<CrlSlot> {
        lock(&self.slots)
            .entry(url.to_string())
            .or_default()
            .clone()
    }

    // ---- OCSP ----

    fn by_ocsp(
        &self,
        cert: &ChainCert,
        issuer: &ChainCert,
        at: OffsetDateTime,
        policy: &Policy,
        deadline: Instant,
    ) -> Decision {
        let mut problems = Vec::new();
        let given: Vec<OcspResponse> = read(&self.given)
            .ocsp
            .iter()
            .filter(|r| r.is_about(issuer, cert.serial()))
            .cloned()
            .collect();
        for r in &given {
            match self.ocsp_answer(r, cert, issuer, at, policy, None, "stored OCSP response") {
                Ok(d) => return d,
                Err(Distrusted(e)) => problems.push(e),
            }
        }
        if let Some(f) = &self.fetcher {
            let req = match OcspRequest::nca(issuer, cert.serial()) {
                Ok(r) => r,
                Err(e) => return Decision::Unknown(format!("OCSP request: {e}")),
            };
            let key = req.cert_id().to_der();
            if let Some(c) = self.cached_ocsp(&key) {
                let from = format!(
                    "OCSP {} (answer kept from {} s ago, producedAt {})",
                    c.url,
                    c.fetched.elapsed().as_secs(),
                    c.response.produced_at().map(ts).unwrap_or_default()
                );
                if let Ok(d) = self.ocsp_answer(&c.response, cert, issuer, at, policy, None, &from)
                {
                    return d;
                }
            }
            for url in self.responders(cert) {
                let started = Instant::now();
                let got = f.ocsp_before(&url, &req, deadline);
                let took = started.elapsed();
                match got {
                    Ok(resp) => {
                        let from = format!(
                            "OCSP {url} (producedAt {})",
                            resp.produced_at().map(ts).unwrap_or_default()
                        );
                        match self.ocsp_answer(&resp, cert, issuer, at, policy, req.nonce(), &from)
                        {
                            Ok(d) => {
                                self.counters.count(true, true, took);
                                self.keep_ocsp(key, resp, url);
                                return d;
                            }
                            Err(Distrusted(e)) => {
                                self.counters.count(true, false, took);
                                problems.push(e)
                            }
                        }
                    }
                    Err(e) => {
                        self.counters.count(true, false, took);
                        problems.push(format!("OCSP: {e}"))
                    }
                }
            }
        }
        if problems.is_empty() {
            problems.push("OCSP: no response available".into());
        }
        Decision::Unknown(problems.join("; "))
    }

    /// The certificate's AIA responders, each followed by its mirrors, then the
    /// configured ones, without repeats.
    fn responders(&self, cert: &ChainCert) -> Vec<String> {
        let mut urls: Vec<String> = Vec::new();
        let mut add = |u: String| {
            if !urls.contains(&u) {
                urls.push(u);
            }
        };
        for u in cert.ocsp_urls() {
            add(u.clone());
            for (from, to) in &self.config.ocsp_mirrors {
                if let Some(rest) = u.strip_prefix(from.as_str()) {
                    add(format!("{to}{rest}"));
                }
            }
        }
        for u in &self.config.ocsp_responders {
            add(u.clone());
        }
        urls
    }

    fn cached_ocsp(&self, key: &[u8]) -> Option<CachedOcsp> {
        let cache = lock(&self.ocsp_cache);
        cache
            .get(key)
            .filter(|c| c.fetched.elapsed() < self.config.ocsp_cache_max_age)
            .cloned()
    }

    fn keep_ocsp(&self, key: Vec<u8>, response: OcspResponse, url: String) {
        if self.config.ocsp_cache_max_age.is_zero() || self.config.ocsp_cache_capacity == 0 {
            return;
        }
        let mut cache = lock(&self.ocsp_cache);
        if cache.len() >= self.config.ocsp_cache_capacity {
            cache.clear();
        }
        cache.insert(
            key,
            CachedOcsp {
                response,
                url,
                fetched: Instant::now(),
            },
        );
    }

    /// Verify one OCSP response and turn it into a decision; `Err` = distrusted (reason).
    /// A delegated responder without ocsp-nocheck gets its own revocation checked
    /// against the CRLs held (RFC 6960 §4.2.2.2.1).
    #[allow(clippy::too_many_arguments)]
    fn ocsp_answer(
        &self,
        resp: &OcspResponse,
        cert: &ChainCert,
        issuer: &ChainCert,
        at: OffsetDateTime,
        policy: &Policy,
        nonce: Option<&[u8]>,
        from: &str,
    ) -> Result<Decision, Distrusted> {
        let opts = OcspCheck {
            at,
            nonce,
            max_age: policy.max_response_age,
            algorithms: policy.algorithms,
        };
        let (status, signer) = resp
            .check_signed(issuer, cert.serial(), &opts)
            .map_err(|e| Distrusted(format!("{from}: {e}")))?;
        if let Some(responder) = signer.filter(|r| !r.ocsp_nocheck()) {
            let mut held = read(&self.given).crls.clone();
            held.extend(
                lock(&self.slots)
                    .values()
                    .filter_map(|s| lock(&s.state).crl.clone()),
            );
            let when = resp.produced_at().unwrap_or(at);
            match crl::status_of(
                held.iter().map(|c| &**c),
                responder.serial(),
                &crl_issuer(issuer),
                when,
                policy.max_response_age,
                &policy.algorithms,
            ) {
                CrlStatus::Good { .. } | CrlStatus::RevokedLater { .. } => {}
                CrlStatus::Revoked { revoked_at, .. } => {
                    return Err(Distrusted(format!(
                        "{from}: the responder certificate '{}' was revoked at {}",
                        responder.subject(),
                        ts(revoked_at)
                    )))
                }
                CrlStatus::Unknown { reason } => {
                    if policy.unknown == UnknownStatus::Deny {
                        return Err(Distrusted(format!(
                            "{from}: the responder certificate '{}' has no ocsp-nocheck and its own revocation status is unknown ({reason})",
                            responder.subject()
                        )));
                    }
                }
            }
        }
        Ok(match status {
            OcspStatus::Good => Decision::Good(
                format!("good per {from}"),
                RevocationEvidence::of(EvidenceKind::Ocsp),
            ),
            OcspStatus::Revoked { revoked_at, reason } => Decision::Revoked(
                format!(
                    "revoked at {}, reason {reason} (per {from})",
                    ts(revoked_at)
                ),
                RevocationEvidence::revoked(EvidenceKind::Ocsp, revoked_at, reason),
            ),
            OcspStatus::RevokedLater { revoked_at, reason } => {
                later(policy, revoked_at, reason, from, EvidenceKind::Ocsp)
            }
            // negative under every policy (500/НҚ п.19.7): never "unavailable"
            OcspStatus::Unknown { reason } => Decision::UnknownCertificate(
                format!("{from}: {reason}"),
                RevocationEvidence::of(EvidenceKind::Ocsp),
            ),
            OcspStatus::NotIssued { reason } => Decision::NotIssued(
                format!("{from}: {reason}"),
                RevocationEvidence::of(EvidenceKind::Ocsp),
            ),
        })
    }

    // ---- AIA ----

    /// Issuer certificates missing from `known` for `cert` and up its chain, fetched
    /// from the caIssuers URLs (at most 4, each at most the fetcher's certificate size
    /// cap, all by `deadline`), when [`EngineConfig::fetch_missing_issuers`] is on.
    /// Downloads are remembered (failures for [`EngineConfig::retry_after_failure`]).
    /// The certificates are candidates only: the caller still builds and verifies the
    /// path to a trust anchor.
    pub fn missing_issuers(
        &self,
        cert: &ChainCert,
        known: &[&[ChainCert]],
        deadline: Instant,
    ) -> Vec<ChainCert> {
        let mut found: Vec<ChainCert> = Vec::new();
        if !self.config.fetch_missing_issuers || self.fetcher.is_none() {
            return found;
        }
        let mut current = cert.clone();
        for _ in 0..MAX_AIA_HOPS {
            if current.is_self_issued() {
                break;
            }
            let has_issuer = known
                .iter()
                .flat_map(|set| set.iter())
                .chain(found.iter())
                .any(|c| c.subject_der() == current.issuer_der());
            if has_issuer {
                break;
            }
            let next = current
                .ca_issuer_urls()
                .iter()
                .find_map(|url| self.issuer_at(url, deadline))
                .filter(|c| c.subject_der() == current.issuer_der());
            match next {
                Some(c) => {
                    found.push(c.clone());
                    current = c;
                }
                None => break,
            }
        }
        found
    }

    fn issuer_at(&self, url: &str, deadline: Instant) -> Option<ChainCert> {
        match lock(&self.issuers).get(url) {
            Some(Ok(c)) => return Some(c.clone()),
            Some(Err((t, _))) if t.elapsed() < self.config.retry_after_failure => return None,
            _ => {}
        }
        let f = self.fetcher.as_ref()?;
        let got = f
            .certificate_before(url, deadline)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                crate::chain_cert::certificates_from_pem_or_der(&bytes)
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .next()
                    .ok_or_else(|| format!("{url}: no certificate"))
                    .and_then(|der| ChainCert::from_der(&der).map_err(|e| e.to_string()))
            });
        let mut issuers = lock(&self.issuers);
        if issuers.len() >= 1024 {
            issuers.clear();
        }
        match got {
            Ok(c) => {
                issuers.insert(url.to_string(), Ok(c.clone()));
                Some(c)
            }
            Err(e) => {
                issuers.insert(url.to_string(), Err((Instant::now(), e)));
                None
            }
        }
    }

    // ---- readiness, figures, refresh ----

    /// Figures of every CRL held (given ones and downloaded ones), at `now`.
    pub fn freshness(&self, now: OffsetDateTime) -> Vec<CrlFreshness> {
        let mut out: Vec<CrlFreshness> = read(&self.given)
            .crls
            .iter()
            .map(|c| figures(c, now, None))
            .collect();
        let slots: Vec<(String, Arc<CrlSlot>)> = lock(&self.slots)
            .iter()
            .map(|(u, s)| (u.clone(), s.clone()))
            .collect();
        for (url, slot) in slots {
            let st = lock(&slot.state);
            match &st.crl {
                Some(c) => out.push(figures(c, now, st.last_error.clone())),
                None => out.push(CrlFreshness {
                    source: url,
                    issuer: String::new(),
                    delta: false,
                    number: String::new(),
                    this_update: String::new(),
                    next_update: None,
                    age_seconds: 0,
                    usable_now: false,
                    entries: 0,
                    index_bytes: 0,
                    last_error: st.last_error.clone(),
                }),
            }
        }
        out
    }

    /// Download every configured CRL URL ([`EngineConfig::crl_urls`]) that has no CRL
    /// fresh now, all by `deadline`, and say whether the engine is ready.
    pub fn warm_up(&self, deadline: Instant) -> Readiness {
        for url in &self.config.crl_urls {
            let _ = self.crl_at(url, deadline);
        }
        self.ready(OffsetDateTime::now_utc())
    }

    /// Whether every configured CRL URL has a CRL usable at `now` (nothing downloaded).
    pub fn ready(&self, now: OffsetDateTime) -> Readiness {
        let mut missing = Vec::new();
        for url in &self.config.crl_urls {
            let slot = self.slot(url);
            let st = lock(&slot.state);
            let usable = st
                .crl
                .as_ref()
                .is_some_and(|c| c.next_update().is_some_and(|n| now <= n));
            if !usable {
                missing.push(match (&st.crl, &st.last_error) {
                    (_, Some(e)) => format!("{url}: {e}"),
                    (Some(c), None) => format!(
                        "{url}: CRL #{} expired at {}",
                        c.number_hex(),
                        c.next_update()
                            .map(ts)
                            .unwrap_or_else(|| "(no nextUpdate)".into())
                    ),
                    (None, None) => format!("{url}: not downloaded yet"),
                });
            }
        }
        Readiness {
            ready: missing.is_empty(),
            missing,
            crls: self.freshness(now),
        }
    }

    /// Ask again for every held CRL whose refresh is due at `now` (see
    /// [`refresh_due`]) and that was not asked for within
    /// [`EngineConfig::refresh_interval`], with a conditional GET; the last good CRL is
    /// kept on failure. Returns how many were asked for.
    pub fn refresh_due_crls(&self, now: OffsetDateTime) -> usize {
        let due: Vec<(String, Arc<CrlSlot>)> = lock(&self.slots)
            .iter()
            .filter(|(_, s)| {
                let st = lock(&s.state);
                !st.fetching
                    && st.crl.as_ref().is_some_and(|c| refresh_due(c, now))
                    && st
                        .failed_at
                        .is_none_or(|t| t.elapsed() >= self.config.retry_after_failure)
                    && st
                        .checked
                        .is_none_or(|t| t.elapsed() >= self.config.refresh_interval)
            })
            .map(|(u, s)| (u.clone(), s.clone()))
            .collect();
        for (url, slot) in &due {
            let held = {
                let mut st = lock(&slot.state);
                st.fetching = true;
                st.validators.clone()
            };
            let started = Instant::now();
            let got = self.download_fresh(url, &held);
            self.counters.count(false, got.is_ok(), started.elapsed());
            let mut st = lock(&slot.state);
            st.fetching = false;
            st.checked = Some(Instant::now());
            match got {
                Ok(None) => {
                    st.failed_at = None;
                    st.last_error = None;
                }
                Ok(Some((crl, validators))) => {
                    st.validators = validators;
                    let _ = store(&mut st, Ok(crl));
                }
                Err(e) => {
                    let _ = store(&mut st, Err(e));
                }
            }
            slot.done.notify_all();
        }
        due.len()
    }

    /// A conditional download that skips a fresh cached copy (a refresh before
    /// `nextUpdate`): `None` when the server says the held copy is current.
    fn download_fresh(
        &self,
        url: &str,
        held: &Validators,
    ) -> Result<Option<(Crl, Validators)>, FetchError> {
        let Some(f) = &self.fetcher else {
            return Err(FetchError::Offline { url: url.into() });
        };
        let (bytes, validators) = match f.get_conditional(url, f.config().max_crl_bytes, held)? {
            Conditional::NotModified => return Ok(None),
            Conditional::Modified { bytes, validators } => (bytes, validators),
        };
        let crl = f.parse_crl(url, &bytes)?;
        if let (Some(cache), Some(next)) = (f.cache(), crl.next_update()) {
            // the in-memory copy is what counts; a cache write failure only costs a
            // download after a restart
            let _ = cache.store(url, &bytes, OffsetDateTime::now_utc(), Some(next));
        }
        Ok(Some((crl.with_source(url), validators)))
    }

    /// Refresh held CRLs in a background thread before their `nextUpdate` (checked every
    /// `every`), and download each configured CRL URL ([`EngineConfig::crl_urls`]) that
    /// has no usable CRL yet (a failed first download is retried after
    /// [`EngineConfig::retry_after_failure`]), until the handle is dropped.
    pub fn start_refresh(self: &Arc<Self>, every: Duration) -> RefreshHandle {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let engine = Arc::downgrade(self);
        let thread = std::thread::spawn(move || loop {
            match stopped.recv_timeout(every) {
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                _ => return,
            }
            let Some(e) = engine.upgrade() else { return };
            e.refresh_due_crls(OffsetDateTime::now_utc());
            if !e.ready(OffsetDateTime::now_utc()).ready {
                let _ = e.warm_up(Instant::now() + every.max(Duration::from_secs(10)));
            }
        });
        RefreshHandle {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

/// The background refresh started by [`RevocationEngine::start_refresh`]; dropping it
/// stops the thread.
#[derive(Debug)]
pub struct RefreshHandle {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for RefreshHandle {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Whether `crl` should be downloaded again at `now`: in the last tenth of its validity
/// window (at least 1 minute, at most 1 hour before `nextUpdate`), moved earlier by a
/// jitter of up to half that margin so that many instances do not ask at once; a CRL
/// without `nextUpdate` never is.
pub fn refresh_due(crl: &Crl, now: OffsetDateTime) -> bool {
    let Some(next) = crl.next_update() else {
        return false;
    };
    let window: time::Duration = next - crl.this_update();
    let margin = (window / 10i32).clamp(time::Duration::minutes(1), time::Duration::hours(1));
    // jitter: a stable fraction per CRL and process, from the CRL number and the clock
    let seed = crl
        .number()
        .unwrap_or(&[])
        .iter()
        .fold(std::process::id() as u64, |h, b| {
            h.wrapping_mul(0x100_0000_01b3) ^ u64::from(*b)
        });
    let jitter = margin * ((seed % 1000) as f64 / 2000.0);
    now >= next - margin - jitter
}

/// Keep a downloaded CRL in the slot: the same CRL (number, kind, `thisUpdate`) keeps
/// the index already built; a failure keeps the last good one. Returns a note on failure.
fn store(st: &mut SlotState, got: Result<Crl, FetchError>) -> Option<String> {
    match got {
        Ok(crl) => {
            let same = st.crl.as_ref().is_some_and(|c| {
                c.number() == crl.number()
                    && c.kind() == crl.kind()
                    && c.this_update() == crl.this_update()
            });
            if !same {
                st.crl = Some(Arc::new(crl));
            }
            st.fetched = Some(Instant::now());
            st.failed_at = None;
            st.last_error = None;
            None
        }
        Err(e) => {
            let e = e.to_string();
            st.failed_at = Some(Instant::now());
            st.last_error = Some(e.clone());
            Some(format!("CRL fetch: {e}"))
        }
    }
}

fn figures(c: &Crl, now: OffsetDateTime, last_error: Option<String>) -> CrlFreshness {
    CrlFreshness {
        source: c.source().unwrap_or("(given)").to_string(),
        issuer: c.issuer().to_string(),
        delta: matches!(c.kind(), crl::CrlKind::Delta { .. }),
        number: c.number_hex(),
        this_update: ts(c.this_update()),
        next_update: c.next_update().map(ts),
        age_seconds: (now - c.this_update()).whole_seconds(),
        usable_now: c.next_update().is_some_and(|n| now <= n),
        entries: c.len(),
        index_bytes: c.index_bytes(),
        last_error,
    }
}

/// "full CRL #n (thisUpdate …, from SOURCE) + delta CRL #m (…)", or — for an entry the
/// delta lists — "delta CRL #m (…) on full CRL #n (…)".
fn crl_evidence(full: Option<&Crl>, delta: Option<&Crl>, listed_in_delta: bool) -> String {
    let one = |c: &Crl| {
        format!(
            "CRL #{} (thisUpdate {}{})",
            c.number_hex(),
            ts(c.this_update()),
            c.source()
                .map(|s| format!(", from {s}"))
                .unwrap_or_default()
        )
    };
    match (full, delta) {
        (Some(f), Some(d)) if listed_in_delta => format!("delta {} on full {}", one(d), one(f)),
        (Some(f), Some(d)) => format!("full {} + delta {}", one(f), one(d)),
        (Some(f), None) => format!("full {}", one(f)),
        _ => "no CRL".into(),
    }
}

fn crl_issuer(issuer: &ChainCert) -> CrlIssuer<'_> {
    CrlIssuer {
        subject_der: issuer.subject_der(),
        ski: issuer.subject_key_id(),
        spki_der: issuer.spki_der(),
    }
}

/// A revocation after the validation instant, judged by the policy's `RevokedLater`.
fn later(
    policy: &Policy,
    revoked_at: OffsetDateTime,
    reason: RevocationReason,
    from: &str,
    by: EvidenceKind,
) -> Decision {
    if policy.revoked_later.accepts(reason) {
        Decision::Good(
            format!(
                "not revoked at the validation instant (revoked later, at {}, reason {reason}, per {from})",
                ts(revoked_at)
            ),
            RevocationEvidence::revoked(by, revoked_at, reason),
        )
    } else {
        Decision::Unknown(format!(
            "revoked after the validation instant (at {}, reason {reason}, per {from}): a {reason} revocation does not show the key was safe at that instant",
            ts(revoked_at)
        ))
    }
}

fn status(
    outcome: RevocationOutcome,
    detail: String,
    evidence: Option<RevocationEvidence>,
) -> RevocationStatus {
    RevocationStatus {
        outcome,
        detail,
        evidence,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_responder_is_followed_by_its_mirror_then_the_configured_ones() {
        let e = RevocationEngine::with_config(EngineConfig {
            ocsp_mirrors: vec![(
                "http://pki.tanba.test/".into(),
                "http://mirror.tanba.test/".into(),
            )],
            ocsp_responders: vec![
                "http://responder.example/".into(),
                "http://pki.tanba.test/ocsp/".into(),
            ],
            ..EngineConfig::default()
        });
        let cert = ChainCert::from_bytes(&tanba_testdata::read(&tanba_testdata::own(
            "pki/certs/individual.pem",
        )))
        .unwrap();
        assert_eq!(
            e.responders(&cert),
            [
                "http://pki.tanba.test/ocsp/",
                "http://mirror.tanba.test/ocsp/",
                "http://responder.example/",
            ]
        );
        let nca = EngineConfig::default().ocsp_mirrors;
        assert_eq!(
            nca,
            [(
                "http://ocsp.pki.gov.kz".to_string(),
                "http://ocsp1.pki.gov.kz".to_string()
            )]
        );
    }
}

//! [`Fetcher`]: HTTP GET of CRLs and certificates, HTTP POST of OCSP requests (`ureq`),
//! with timeouts, size caps, an optional [`Cache`] folder and a fully offline mode.

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::cache::Cache;
use crate::crl::{Crl, CrlError};
use crate::ocsp::{OcspError, OcspRequest, OcspResponse};

/// Whether the network may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkMode {
    /// Fetch (and refresh the cache) over HTTP.
    Online,
    /// Never touch the network: only what the cache holds (fresh or not) is used.
    Offline,
}

/// Fetcher settings.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Online or offline.
    pub mode: NetworkMode,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Largest CRL accepted (bytes).
    pub max_crl_bytes: u64,
    /// Largest OCSP response accepted (bytes).
    pub max_ocsp_bytes: u64,
    /// Largest certificate accepted (bytes).
    pub max_cert_bytes: u64,
    /// Cache folder, if any.
    pub cache_dir: Option<PathBuf>,
    /// How long a cached CRL without nextUpdate stays fresh.
    pub default_ttl: time::Duration,
    /// URL prefix rewrites `(from, to)`, applied before any request (mirrors, tests
    /// against a loopback server). The cache is keyed by the original URL.
    pub rewrites: Vec<(String, String)>,
}

impl Default for FetchConfig {
    /// Online; 5 s connect / 30 s total timeouts; caps of 64 MiB per CRL (production NCA
    /// CRLs are ≈ 21 MB), 1 MiB per OCSP response and per certificate; no cache folder;
    /// CRLs without nextUpdate are cached for 24 h; no URL rewrites.
    fn default() -> Self {
        FetchConfig {
            mode: NetworkMode::Online,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_crl_bytes: 64 << 20,
            max_ocsp_bytes: 1 << 20,
            max_cert_bytes: 1 << 20,
            cache_dir: None,
            default_ttl: time::Duration::hours(24),
            rewrites: Vec::new(),
        }
    }
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Offline mode and nothing cached for the URL.
    #[error("offline and no cached copy of {url}")]
    Offline {
        /// The URL.
        url: String,
    },
    /// The server answered with an HTTP error status.
    #[error("{url}: HTTP status {status}")]
    Http {
        /// The URL.
        url: String,
        /// Status code.
        status: u16,
    },
    /// Connection / DNS / timeout / protocol failure.
    #[error("{url}: {detail}")]
    Transport {
        /// The URL.
        url: String,
        /// What happened.
        detail: String,
    },
    /// The body is larger than the cap.
    #[error("{url}: response larger than the {limit}-byte limit")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// The overall deadline of the validation passed before this request could be made
    /// or answered.
    #[error("{url}: the revocation deadline passed (no answer in time)")]
    Deadline {
        /// The URL.
        url: String,
    },
    /// The body is empty (seen on NCA mirrors).
    #[error("{url}: empty response")]
    Empty {
        /// The URL.
        url: String,
    },
    /// The cache folder could not be used.
    #[error("cache: {0}")]
    Cache(#[from] std::io::Error),
    /// The downloaded CRL is malformed.
    #[error("{url}: {source}")]
    Crl {
        /// The URL.
        url: String,
        /// The parse error.
        source: CrlError,
    },
    /// The OCSP response is malformed.
    #[error("{url}: {source}")]
    Ocsp {
        /// The URL.
        url: String,
        /// The parse error.
        source: OcspError,
    },
}

/// The HTTP validators of a downloaded copy (`ETag`, `Last-Modified`), sent back with a
/// conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
}

/// The answer to [`Fetcher::get_conditional`].
#[derive(Debug)]
pub enum Conditional {
    /// 304: the held copy is current.
    NotModified,
    /// A new body, with its validators.
    Modified {
        /// The body.
        bytes: Vec<u8>,
        /// Its validators.
        validators: Validators,
    },
}

/// Where a fetched object came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Downloaded now.
    Network,
    /// From the cache, still fresh.
    CacheFresh,
    /// From the cache although expired (offline mode).
    CacheStale,
}

/// HTTP client for CRLs, certificates and OCSP. Cloning is cheap and shares the
/// connection pool.
#[derive(Debug, Clone)]
pub struct Fetcher {
    cfg: FetchConfig,
    agent: ureq::Agent,
    cache: Option<Cache>,
}

impl Fetcher {
    /// A fetcher with these settings (creates the cache folder if set).
    pub fn new(cfg: FetchConfig) -> Result<Self, FetchError> {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .redirects(3)
            .build();
        let cache = match &cfg.cache_dir {
            Some(d) => Some(Cache::open(d)?),
            None => None,
        };
        Ok(Fetcher { cfg, agent, cache })
    }

    /// The settings.
    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// The cache, if configured.
    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    fn read_body(url: &str, resp: ureq::Response, limit: u64) -> Result<Vec<u8>, FetchError> {
        if let Some(len) = resp
            .header("Content-Length")
            .and_then(|l| l.trim().parse::<u64>().ok())
        {
            if len > limit {
                return Err(FetchError::TooLarge {
                    url: url.into(),
                    limit,
                });
            }
        }
        let mut body = Vec::new();
        resp.into_reader()
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| FetchError::Transport {
                url: url.into(),
                detail: e.to_string(),
            })?;
        if body.len() as u64 > limit {
            return Err(FetchError::TooLarge {
                url: url.into(),
                limit,
            });
        }
        if body.is_empty() {
            return Err(FetchError::Empty { url: url.into() });
        }
        Ok(body)
    }

    fn map_err(url: &str, e: ureq::Error) -> FetchError {
        match e {
            ureq::Error::Status(status, _) => FetchError::Http {
                url: url.into(),
                status,
            },
            ureq::Error::Transport(t) => FetchError::Transport {
                url: url.into(),
                detail: t.to_string(),
            },
        }
    }

    /// The URL actually requested for `url` (after [`FetchConfig::rewrites`]).
    pub fn effective_url(&self, url: &str) -> String {
        for (from, to) in &self.cfg.rewrites {
            if let Some(rest) = url.strip_prefix(from.as_str()) {
                return format!("{to}{rest}");
            }
        }
        url.to_string()
    }

    /// HTTP GET with a size cap (no cache).
    pub fn get(&self, url: &str, limit: u64) -> Result<Vec<u8>, FetchError> {
        self.get_until(url, limit, None)
    }

    /// A conditional HTTP GET (no cache): with the validators of the copy held, the server
    /// may answer "not modified" (304) instead of sending the body again.
    pub fn get_conditional(
        &self,
        url: &str,
        limit: u64,
        held: &Validators,
    ) -> Result<Conditional, FetchError> {
        if self.cfg.mode == NetworkMode::Offline {
            return Err(FetchError::Offline { url: url.into() });
        }
        let mut req = self
            .agent
            .get(&self.effective_url(url))
            .timeout(self.cfg.timeout);
        if let Some(e) = &held.etag {
            req = req.set("If-None-Match", e);
        }
        if let Some(m) = &held.last_modified {
            req = req.set("If-Modified-Since", m);
        }
        let resp = req.call().map_err(|e| Self::map_err(url, e))?;
        if resp.status() == 304 {
            return Ok(Conditional::NotModified);
        }
        let validators = Validators {
            etag: resp.header("ETag").map(str::to_string),
            last_modified: resp.header("Last-Modified").map(str::to_string),
        };
        let bytes = Self::read_body(url, resp, limit)?;
        Ok(Conditional::Modified { bytes, validators })
    }

    /// The time left before `deadline` for one request: at most [`FetchConfig::timeout`];
    /// `Err` when it has passed.
    fn time_left(&self, url: &str, deadline: Option<Instant>) -> Result<Duration, FetchError> {
        match deadline {
            None => Ok(self.cfg.timeout),
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    Err(FetchError::Deadline { url: url.into() })
                } else {
                    Ok(left.min(self.cfg.timeout))
                }
            }
        }
    }

    /// A transport failure after the deadline passed is reported as the deadline.
    fn past_deadline(url: &str, deadline: Option<Instant>, e: FetchError) -> FetchError {
        match (deadline, &e) {
            (Some(d), FetchError::Transport { .. }) if Instant::now() >= d => {
                FetchError::Deadline { url: url.into() }
            }
            _ => e,
        }
    }

    fn get_until(
        &self,
        url: &str,
        limit: u64,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, FetchError> {
        if self.cfg.mode == NetworkMode::Offline {
            return Err(FetchError::Offline { url: url.into() });
        }
        let timeout = self.time_left(url, deadline)?;
        let target = self.effective_url(url);
        let result = self
            .agent
            .get(&target)
            .timeout(timeout)
            .call()
            .map_err(|e| Self::map_err(url, e))
            .and_then(|resp| Self::read_body(url, resp, limit));
        result.map_err(|e| Self::past_deadline(url, deadline, e))
    }

    /// A CRL from `url`: a fresh cached copy if there is one (fresh = before its
    /// nextUpdate as of `now`), else downloaded (online) and cached, else — offline — the
    /// cached copy even if expired (the CRL's own freshness check then says "stale").
    pub fn crl(&self, url: &str, now: OffsetDateTime) -> Result<(Crl, Origin), FetchError> {
        self.crl_until(url, now, None)
    }

    /// [`Fetcher::crl`] that gives up at `deadline` (the overall deadline of one
    /// validation): a download is cut short when the deadline passes, and none starts
    /// after it ([`FetchError::Deadline`]). The cache is still used.
    pub fn crl_before(
        &self,
        url: &str,
        now: OffsetDateTime,
        deadline: Instant,
    ) -> Result<(Crl, Origin), FetchError> {
        self.crl_until(url, now, Some(deadline))
    }

    fn crl_until(
        &self,
        url: &str,
        now: OffsetDateTime,
        deadline: Option<Instant>,
    ) -> Result<(Crl, Origin), FetchError> {
        let parse = |bytes: &[u8]| self.parse_crl(url, bytes);
        let cached = self.cache.as_ref().and_then(|c| c.load(url));
        if let Some(entry) = &cached {
            if entry.is_fresh(now) {
                if let Ok(crl) = parse(&entry.bytes) {
                    return Ok((crl, Origin::CacheFresh));
                }
            }
        }
        if self.cfg.mode == NetworkMode::Offline {
            return match cached {
                Some(entry) => Ok((parse(&entry.bytes)?, Origin::CacheStale)),
                None => Err(FetchError::Offline { url: url.into() }),
            };
        }
        let bytes = self.get_until(url, self.cfg.max_crl_bytes, deadline)?;
        let crl = parse(&bytes)?;
        if let Some(cache) = &self.cache {
            let expires = crl
                .next_update()
                .unwrap_or_else(|| now + self.cfg.default_ttl);
            cache.store(url, &bytes, now, Some(expires))?;
        }
        Ok((crl, Origin::Network))
    }

    /// A certificate (an AIA caIssuers download) from `url`, at most
    /// [`FetchConfig::max_cert_bytes`], by `deadline`: a cached copy when there is one
    /// (a certificate does not change), else downloaded and cached.
    pub fn certificate_before(&self, url: &str, deadline: Instant) -> Result<Vec<u8>, FetchError> {
        if let Some(entry) = self.cache.as_ref().and_then(|c| c.load(url)) {
            return Ok(entry.bytes);
        }
        let bytes = self.get_until(url, self.cfg.max_cert_bytes, Some(deadline))?;
        if let Some(cache) = &self.cache {
            cache.store(url, &bytes, OffsetDateTime::now_utc(), None)?;
        }
        Ok(bytes)
    }

    /// Parse a CRL downloaded from (or cached for) `url`, reusing the index file the cache
    /// holds for it when it matches these bytes, and storing one when it does not. A cache
    /// write failure only costs indexing again after a restart.
    pub fn parse_crl(&self, url: &str, bytes: &[u8]) -> Result<Crl, FetchError> {
        let stored = self.cache.as_ref().and_then(|c| c.load_index(url));
        let (crl, used) =
            Crl::from_bytes_with_index(bytes, stored.as_deref()).map_err(|source| {
                FetchError::Crl {
                    url: url.into(),
                    source,
                }
            })?;
        if let (Some(cache), false) = (&self.cache, used) {
            let _ = cache.store_index(url, &crl.index_file(bytes));
        }
        Ok(crl)
    }

    /// POST an OCSP request (`application/ocsp-request`) and parse the answer. Never
    /// cached (each request carries its own nonce).
    pub fn ocsp(&self, url: &str, request: &OcspRequest) -> Result<OcspResponse, FetchError> {
        self.ocsp_until(url, request, None)
    }

    /// [`Fetcher::ocsp`] that gives up at `deadline` (the overall deadline of one
    /// validation), as [`Fetcher::crl_before`] does.
    pub fn ocsp_before(
        &self,
        url: &str,
        request: &OcspRequest,
        deadline: Instant,
    ) -> Result<OcspResponse, FetchError> {
        self.ocsp_until(url, request, Some(deadline))
    }

    fn ocsp_until(
        &self,
        url: &str,
        request: &OcspRequest,
        deadline: Option<Instant>,
    ) -> Result<OcspResponse, FetchError> {
        let body = self.post_until(
            url,
            "application/ocsp-request",
            "application/ocsp-response",
            request.to_der(),
            self.cfg.max_ocsp_bytes,
            deadline,
        )?;
        OcspResponse::from_der(&body).map_err(|source| FetchError::Ocsp {
            url: url.into(),
            source,
        })
    }

    /// HTTP POST of `body` as `content_type`, the answer at most `limit` bytes, by
    /// `deadline` (time-stamp requests use it; OCSP too). Never cached.
    pub fn post_before(
        &self,
        url: &str,
        content_type: &str,
        accept: &str,
        body: &[u8],
        limit: u64,
        deadline: Instant,
    ) -> Result<Vec<u8>, FetchError> {
        self.post_until(url, content_type, accept, body, limit, Some(deadline))
    }

    fn post_until(
        &self,
        url: &str,
        content_type: &str,
        accept: &str,
        body: &[u8],
        limit: u64,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, FetchError> {
        if self.cfg.mode == NetworkMode::Offline {
            return Err(FetchError::Offline { url: url.into() });
        }
        let timeout = self.time_left(url, deadline)?;
        let target = self.effective_url(url);
        self.agent
            .post(&target)
            .timeout(timeout)
            .set("Content-Type", content_type)
            .set("Accept", accept)
            .send_bytes(body)
            .map_err(|e| Self::map_err(url, e))
            .and_then(|resp| Self::read_body(url, resp, limit))
            .map_err(|e| Self::past_deadline(url, deadline, e))
    }
}

//! # tanba-server — `tanba serve`
//!
//! An HTTP signature service over the verification core: the NCANode 3.x API
//! (`/xml/*`, `/wsse/*`, `/cms/*`, `/pkcs12/*`, `/x509/*`, `/actuator/health`) that
//! NCANode clients switch to by changing a URL, the native `/v1` API with the core's own
//! report, and the operations endpoints (`/healthz`, `/readyz`, `/metrics`).
//!
//! CPU work (signing, verification, key decryption) runs on tokio's bounded blocking
//! pool, never on the executor; a concurrency limit answers 503 with `Retry-After`;
//! bodies are capped (413); every request has one deadline; connections that send their
//! headers too slowly are closed; SIGTERM drains the requests in flight.
//!
//! ```no_run
//! use std::sync::Arc;
//! use tanba_server::{ServerConfig, Service};
//! use tanba_validate::TrustConfig;
//! # async fn run() -> std::io::Result<()> {
//! let service = Service::new(TrustConfig::default(), ServerConfig::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:14579").await?;
//! tanba_server::serve(listener, Arc::new(service), std::future::pending()).await
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod compat;
mod error;
mod keys;
mod metrics;
mod native;
mod openapi;
mod ops;
mod serve;
mod tls;
mod xml_edit;

use std::sync::Arc;
use std::time::Duration;

pub use error::ApiError;
pub use serve::{listen, router, run, serve, ROUTES};
use tanba_validate::{PolicyName, TrustConfig, Validator};
use time::OffsetDateTime;
pub use tls::{tls_config, TlsError};

/// How the service behaves (listen address and trust come from the caller).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest request body accepted (413 above).
    pub body_limit: usize,
    /// Requests worked on at once; more answer 503 with `Retry-After`.
    pub concurrency: usize,
    /// One deadline per request, from its first byte to its answer (408/503 after).
    pub request_timeout: Duration,
    /// A connection must send its request headers within this time (slowloris).
    pub header_timeout: Duration,
    /// A fixed validation time for every request (tests, forensic use); health shows
    /// it. `None`: now.
    pub at: Option<OffsetDateTime>,
    /// The time-stamp authority for `withTsp` (NCANODE_TSP_URL).
    pub tsa_url: String,
    /// The time a TSA request may take.
    pub tsa_timeout: Duration,
    /// A bearer token the signing endpoints require (`None`: open).
    pub sign_token: Option<String>,
    /// The service's version, shown by health.
    pub version: &'static str,
    /// Terminate TLS with this configuration ([`tls_config`]; `None`: plain HTTP).
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: 32 * 1024 * 1024,
            concurrency: 256,
            request_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            at: None,
            tsa_url: "http://tsp.pki.gov.kz/".into(),
            tsa_timeout: Duration::from_secs(15),
            sign_token: None,
            version: env!("CARGO_PKG_VERSION"),
            tls: None,
        }
    }
}

/// The service: its validators (one per API policy, sharing trust and the revocation
/// engine), its settings and its counters. Built once, shared by every request.
#[derive(Debug)]
pub struct Service {
    /// The NCANode-compatible routes' validator (policy `ncanode-compat`).
    compat: Validator,
    /// The native `/v1` routes' validator (the configured policy; `kz-2026` by default).
    native: Validator,
    config: ServerConfig,
    limiter: Arc<tokio::sync::Semaphore>,
    metrics: metrics::Metrics,
    started: std::time::Instant,
}

impl Service {
    /// A service over `trust` (its policy is the `/v1` routes'; the NCANode routes use
    /// `ncanode-compat` with the same anchors and revocation engine).
    pub fn new(trust: TrustConfig, config: ServerConfig) -> Self {
        let compat = Validator::new(TrustConfig {
            pool: trust.pool.clone(),
            revocation: trust.revocation.clone(),
            tsa_pool: trust.tsa_pool.clone(),
            policy: PolicyName::NcanodeCompat,
            overrides: trust.overrides.clone(),
        });
        Service {
            compat,
            native: Validator::new(trust),
            limiter: Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1))),
            config,
            metrics: metrics::Metrics::default(),
            started: std::time::Instant::now(),
        }
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Keeps the configured CRLs ([`tanba_pki::EngineConfig::crl_urls`]) loaded: downloads
    /// them now in the background, then every `every` refreshes those due and retries
    /// those still missing, until the handle is dropped. `/readyz` answers 200 once every
    /// one is held and usable.
    pub fn keep_crls(&self, every: Duration) -> tanba_pki::RefreshHandle {
        let engine = self.revocation().clone();
        let first = engine.clone();
        std::thread::spawn(move || {
            let r = first.warm_up(std::time::Instant::now() + Duration::from_secs(120));
            for m in &r.missing {
                tracing::warn!(crl = %m, "CRL not ready");
            }
        });
        engine.start_refresh(every)
    }

    /// The revocation engine both validators share.
    pub fn revocation(&self) -> &Arc<tanba_pki::RevocationEngine> {
        self.native.revocation()
    }
}

//! CRL fetching over real HTTP (a std::net server on 127.0.0.1): full + delta CRLs found
//! through the certificates' CDP / FreshestCRL URLs, the cache folder and its
//! nextUpdate-based expiry, offline mode, size caps, HTTP errors.

mod common;
#[path = "support/http.rs"]
mod http;

use common::{at, gen_cert, gen_file};
use http::{Body, Server};
use std::sync::Arc;
use tanba_pki::fetch::{FetchError, Origin};
use tanba_pki::RevocationEngine;
use tanba_pki::{
    CertPool, CheckKind, FetchConfig, Fetcher, NetworkMode, Outcome, Policy, RevocationSources,
    ValidationTime, Validator, Verdict,
};

fn serve_pki() -> Server {
    let s = Server::start();
    s.route("/crl/ca.crl", Body::Bytes(gen_file("crl/ca.crl")));
    s.route(
        "/crl/ca_delta.crl",
        Body::Bytes(gen_file("crl/ca_delta.crl")),
    );
    s
}

fn fetcher(s: &Server, cache: Option<&std::path::Path>, mode: NetworkMode) -> Fetcher {
    Fetcher::new(FetchConfig {
        mode,
        cache_dir: cache.map(|p| p.to_path_buf()),
        rewrites: vec![("http://pki.tanba.test".into(), s.base())],
        ..FetchConfig::default()
    })
    .unwrap()
}

fn pool() -> CertPool {
    let mut p = CertPool::new();
    p.add_anchor(gen_cert("root"));
    p.add_intermediate(gen_cert("ca"));
    p
}

fn june() -> Policy {
    Policy::builder()
        .time(ValidationTime::At(at("2026-06-01T00:00:00Z")))
        .revocation_sources(RevocationSources::CrlOnly)
        .build()
}

#[test]
fn online_validation_fetches_full_and_delta_crls_and_caches_them() {
    let s = serve_pki();
    let cache = tempfile::tempdir().unwrap();
    let f = fetcher(&s, Some(cache.path()), NetworkMode::Online);
    let v = Validator::with_engine(
        pool(),
        june(),
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    // held: certificateHold in the full CRL, removeFromCRL in the delta → valid.
    let r = v.validate(gen_cert("held").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    // delta_revoked: only in the delta → revoked.
    let r = v.validate(gen_cert("delta_revoked").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let c = r
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.detail.contains("delta"), "{}", c.detail);
    // Both CRLs came over HTTP through the URLs in the certificate (CDP, FreshestCRL).
    // (Whether the second validation hit the cache depends on the wall clock against
    // the CRLs' nextUpdate; `cache_expires_at_next_update` pins the instants.)
    assert!(s.hits("/crl/ca.crl") >= 1);
    assert!(s.hits("/crl/ca_delta.crl") >= 1);
    assert!(
        cache.path().read_dir().unwrap().count() >= 4,
        "data + meta files for both URLs"
    );
}

#[test]
fn cache_expires_at_next_update() {
    let s = serve_pki();
    let cache = tempfile::tempdir().unwrap();
    let f = fetcher(&s, Some(cache.path()), NetworkMode::Online);
    let url = "http://pki.tanba.test/crl/ca.crl";
    let (crl, o) = f.crl(url, at("2026-06-01T00:00:00Z")).unwrap();
    assert_eq!(o, Origin::Network);
    assert_eq!(crl.number(), Some(&[10u8][..]));
    assert_eq!(
        f.crl(url, at("2026-08-31T23:59:00Z")).unwrap().1,
        Origin::CacheFresh
    );
    assert_eq!(s.hits("/crl/ca.crl"), 1);
    // After nextUpdate (2026-09-01) the cached copy is refreshed from the network.
    assert_eq!(
        f.crl(url, at("2026-09-02T00:00:00Z")).unwrap().1,
        Origin::Network
    );
    assert_eq!(s.hits("/crl/ca.crl"), 2);
    // The cache file is keyed by URL and holds the CRL bytes.
    let c = f.cache().unwrap();
    assert_eq!(
        std::fs::read(c.data_path(url)).unwrap(),
        gen_file("crl/ca.crl")
    );
}

#[test]
fn offline_mode_uses_only_the_cache() {
    let s = serve_pki();
    let cache = tempfile::tempdir().unwrap();
    let url = "http://pki.tanba.test/crl/ca.crl";
    // Nothing cached yet: offline fails without touching the network.
    let off = fetcher(&s, Some(cache.path()), NetworkMode::Offline);
    assert!(matches!(
        off.crl(url, at("2026-06-01T00:00:00Z")),
        Err(FetchError::Offline { .. })
    ));
    assert_eq!(s.hits("/crl/ca.crl"), 0);
    // Fill the cache online, then read it offline — fresh, and later stale.
    fetcher(&s, Some(cache.path()), NetworkMode::Online)
        .crl(url, at("2026-06-01T00:00:00Z"))
        .unwrap();
    assert_eq!(
        off.crl(url, at("2026-06-02T00:00:00Z")).unwrap().1,
        Origin::CacheFresh
    );
    assert_eq!(
        off.crl(url, at("2026-10-01T00:00:00Z")).unwrap().1,
        Origin::CacheStale
    );
    assert_eq!(s.hits("/crl/ca.crl"), 1);
    // A validator in offline mode at a time after nextUpdate: stale ⇒ unknown ⇒ invalid.
    let v = Validator::with_engine(
        pool(),
        Policy::builder()
            .time(ValidationTime::At(at("2026-10-01T00:00:00Z")))
            .revocation_sources(RevocationSources::CrlOnly)
            .build(),
        Arc::new(RevocationEngine::new().with_fetcher(off.clone())),
    );
    let r = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let c = r
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    assert_eq!(c.outcome, Outcome::Unknown);
}

#[test]
fn a_50_mb_crl_hits_the_size_cap() {
    let s = Server::start();
    s.route(
        "/big-with-length.crl",
        Body::Large {
            n: 50 << 20,
            with_length: true,
        },
    );
    s.route(
        "/big-streamed.crl",
        Body::Large {
            n: 50 << 20,
            with_length: false,
        },
    );
    let f = Fetcher::new(FetchConfig {
        max_crl_bytes: 8 << 20,
        ..FetchConfig::default()
    })
    .unwrap();
    for p in ["/big-with-length.crl", "/big-streamed.crl"] {
        let url = format!("{}{p}", s.base());
        match f.crl(&url, at("2026-06-01T00:00:00Z")) {
            Err(FetchError::TooLarge { limit, .. }) => assert_eq!(limit, 8 << 20),
            other => panic!("{p}: expected TooLarge, got {other:?}"),
        }
    }
    // Under the default 64 MiB cap the 50 MB body is read and refused as malformed DER.
    let f = Fetcher::new(FetchConfig::default()).unwrap();
    let url = format!("{}/big-streamed.crl", s.base());
    assert!(matches!(
        f.crl(&url, at("2026-06-01T00:00:00Z")),
        Err(FetchError::Crl { .. })
    ));
}

#[test]
fn http_errors_and_empty_bodies() {
    let s = Server::start();
    s.route("/empty.crl", Body::Bytes(Vec::new()));
    s.route("/err.crl", Body::Status(503));
    s.route(
        "/garbage.crl",
        Body::Bytes(b"<html>not a crl</html>".to_vec()),
    );
    let f = Fetcher::new(FetchConfig::default()).unwrap();
    let now = at("2026-06-01T00:00:00Z");
    assert!(matches!(
        f.crl(&format!("{}/missing.crl", s.base()), now),
        Err(FetchError::Http { status: 404, .. })
    ));
    assert!(matches!(
        f.crl(&format!("{}/err.crl", s.base()), now),
        Err(FetchError::Http { status: 503, .. })
    ));
    assert!(matches!(
        f.crl(&format!("{}/empty.crl", s.base()), now),
        Err(FetchError::Empty { .. })
    ));
    assert!(matches!(
        f.crl(&format!("{}/garbage.crl", s.base()), now),
        Err(FetchError::Crl { .. })
    ));
    // Nobody listening.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    assert!(matches!(
        f.crl(&format!("http://127.0.0.1:{dead}/x.crl"), now),
        Err(FetchError::Transport { .. })
    ));
}

/// Issue 12, item 8: a responder that accepts and never answers. OCSP, the CRL and the
/// delta CRL share one deadline per validation, so the verdict comes when the deadline
/// passes (not after 30 s per request), and the status is unavailable: refused under
/// hard-fail.
#[test]
fn one_deadline_for_all_online_revocation_requests() {
    let s = Server::start();
    for path in ["/ocsp/", "/crl/ca.crl", "/crl/ca_delta.crl"] {
        s.route(path, Body::Hang);
    }
    // 30 s per request, as by default
    let f = fetcher(&s, None, NetworkMode::Online);
    assert_eq!(f.config().timeout, std::time::Duration::from_secs(30));
    let policy = june()
        .to_builder()
        .revocation_sources(RevocationSources::OcspThenCrl)
        .online_deadline(std::time::Duration::from_millis(1500))
        .build();
    let v = Validator::with_engine(
        pool(),
        policy,
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    let started = std::time::Instant::now();
    let r = v.validate(gen_cert("individual").der(), &[]);
    let took = started.elapsed();
    assert_eq!(r.verdict, Verdict::Invalid);
    let c = r
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    assert_eq!(c.outcome, Outcome::Unknown, "{}", c.detail);
    assert!(c.detail.contains("deadline"), "{}", c.detail);
    // the OCSP request was made and timed out at the deadline; nothing waited 30 s
    assert_eq!(s.hits("/ocsp/"), 1);
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    assert!(
        took >= std::time::Duration::from_millis(1400),
        "took {took:?}"
    );
}

#[test]
fn a_missing_intermediate_is_fetched_from_aia_when_asked() {
    let s = serve_pki();
    let ca_der = gen_cert("ca").der().to_vec();
    s.route("/cert/ca.cer", Body::Bytes(ca_der));
    let root_only = || {
        let mut p = CertPool::new();
        p.add_anchor(gen_cert("root"));
        p
    };
    let engine = |fetch_missing_issuers: bool| {
        Arc::new(
            RevocationEngine::with_config(tanba_pki::EngineConfig {
                fetch_missing_issuers,
                ..Default::default()
            })
            .with_fetcher(fetcher(&s, None, NetworkMode::Online)),
        )
    };
    // off by default: no path
    let v = Validator::with_engine(root_only(), june(), engine(false));
    let r = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.refusal().unwrap().contains("no trusted issuer"), "{r:#?}");
    assert_eq!(s.hits("/cert/ca.cer"), 0);
    // on: fetched once, named in the report, remembered
    let v = Validator::with_engine(root_only(), june(), engine(true));
    for _ in 0..3 {
        let r = v.validate(gen_cert("individual").der(), &[]);
        assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
        let path = r.checks.iter().find(|c| c.kind == CheckKind::Path).unwrap();
        assert!(
            path.detail
                .contains("'C=KZ, CN=TANBA TEST NCA (RSA)' fetched from its AIA"),
            "{}",
            path.detail
        );
    }
    assert_eq!(s.hits("/cert/ca.cer"), 1);
    // a certificate that is not the issuer (here the root itself) is not used
    let s2 = serve_pki();
    s2.route("/cert/ca.cer", Body::Bytes(gen_cert("root").der().to_vec()));
    let v = Validator::with_engine(
        root_only(),
        june(),
        Arc::new(
            RevocationEngine::with_config(tanba_pki::EngineConfig {
                fetch_missing_issuers: true,
                ..Default::default()
            })
            .with_fetcher(fetcher(&s2, None, NetworkMode::Online)),
        ),
    );
    let r = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid, "{r:#?}");
    // an oversized answer is cut at the certificate cap (1 MiB)
    let s3 = serve_pki();
    s3.route(
        "/cert/ca.cer",
        Body::Large {
            n: 4 << 20,
            with_length: false,
        },
    );
    let f = fetcher(&s3, None, NetworkMode::Online);
    let err = f
        .certificate_before(
            "http://pki.tanba.test/cert/ca.cer",
            std::time::Instant::now() + std::time::Duration::from_secs(10),
        )
        .unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
}

//! The revocation engine against real HTTP on loopback: one download serves every
//! validation and thread, hostile CRL servers (empty, truncated, wrong signature, expired,
//! slow drip, never answering) each give a named "unavailable" and never "good", the
//! last good CRL is kept until its nextUpdate and no longer, and a generated CRL of
//! 500,000 entries with a delta on top.
//!
//! The CRLs are generated here, signed by the generated test CA (`testdata/pki`), with
//! thisUpdate / nextUpdate around the real clock, because the engine judges a held CRL's
//! freshness at "now".

mod common;
#[path = "support/crlgen.rs"]
mod crlgen;
#[path = "support/http.rs"]
mod http;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{gen_cert, gen_key_pkcs8};
use http::{Body, Server};
use tanba_pki::{
    ChainCert, EngineConfig, FetchConfig, Fetcher, Policy, RevocationEngine, RevocationOutcome,
    RevocationSources, RevocationStatus, ValidationTime,
};
use time::OffsetDateTime;

const FULL: &str = "/crl/ca.crl";
const DELTA: &str = "/crl/ca_delta.crl";

fn ca() -> ChainCert {
    gen_cert("ca")
}

/// A CRL of the generated CA: `delta_base` makes it a delta.
fn crl(
    number: u64,
    delta_base: Option<u64>,
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
    entries: &[crlgen::Entry],
    signer: &str,
) -> Vec<u8> {
    let ca = ca();
    crlgen::signed_crl(
        &crlgen::CrlSpec {
            issuer_der: ca.subject_der(),
            aki: ca.subject_key_id().unwrap(),
            number,
            delta_base,
            this_update,
            next_update: Some(next_update),
            entries,
        },
        &gen_key_pkcs8(signer),
    )
}

fn entry(serial: &[u8], reason: Option<u8>) -> crlgen::Entry {
    crlgen::Entry {
        serial: serial.to_vec(),
        revoked_at: OffsetDateTime::now_utc() - time::Duration::days(2),
        reason,
    }
}

/// A full CRL valid from an hour ago to tomorrow listing `revoked` (keyCompromise).
fn fresh_full() -> Vec<u8> {
    let now = OffsetDateTime::now_utc();
    crl(
        100,
        None,
        now - time::Duration::hours(1),
        now + time::Duration::days(1),
        &[entry(gen_cert("revoked").serial(), Some(1))],
        "ca",
    )
}

fn fresh_delta() -> Vec<u8> {
    let now = OffsetDateTime::now_utc();
    crl(
        101,
        Some(100),
        now - time::Duration::minutes(10),
        now + time::Duration::days(1),
        &[],
        "ca",
    )
}

fn engine(s: &Server, config: EngineConfig) -> RevocationEngine {
    let fetcher = Fetcher::new(FetchConfig {
        rewrites: vec![("http://pki.tanba.test".into(), s.base())],
        ..FetchConfig::default()
    })
    .unwrap();
    RevocationEngine::with_config(config).with_fetcher(fetcher)
}

fn crl_now(deadline: Duration) -> Policy {
    Policy::builder()
        .time(ValidationTime::Now)
        .revocation_sources(RevocationSources::CrlOnly)
        .online_deadline(deadline)
        .build()
}

fn status(e: &RevocationEngine, cert: &str, policy: &Policy) -> RevocationStatus {
    e.status(
        &gen_cert(cert),
        &ca(),
        policy,
        Instant::now() + policy.online_deadline(),
    )
}

#[test]
fn one_download_serves_every_validation_and_thread() {
    let s = Server::start();
    s.route(FULL, Body::Bytes(fresh_full()));
    s.route(DELTA, Body::Bytes(fresh_delta()));
    let e = Arc::new(engine(&s, EngineConfig::default()));
    let policy = crl_now(Duration::from_secs(10));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (e, policy) = (e.clone(), policy.clone());
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let good = status(&e, "individual", &policy);
                    assert_eq!(good.outcome, RevocationOutcome::Good, "{}", good.detail);
                    let bad = status(&e, "revoked", &policy);
                    assert_eq!(bad.outcome, RevocationOutcome::Revoked, "{}", bad.detail);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        s.hits(FULL),
        1,
        "400 validations on 8 threads, one download"
    );
    assert_eq!(s.hits(DELTA), 1);
    let bad = status(&e, "revoked", &policy);
    assert!(
        bad.detail.contains("keyCompromise")
            && bad.detail.contains("full CRL #64")
            && bad.detail.contains("+ delta CRL #65")
            && bad.detail.contains("from http://pki.tanba.test/crl/ca.crl"),
        "the evidence is named: {}",
        bad.detail
    );
    let figures = e.freshness(OffsetDateTime::now_utc());
    let full = figures
        .iter()
        .find(|f| f.source.ends_with(FULL))
        .expect("the full CRL is held");
    assert_eq!(
        (full.number.as_str(), full.entries, full.delta),
        ("64", 1, false)
    );
    assert!(full.usable_now && full.index_bytes > 0 && full.last_error.is_none());
    assert!(figures.iter().any(|f| f.source.ends_with(DELTA) && f.delta));
}

#[test]
fn hostile_crl_servers_give_a_named_unavailable_never_good() {
    let now = OffsetDateTime::now_utc();
    let full = fresh_full();
    let cases: Vec<(&str, Body, &str)> = vec![
        ("0-byte body", Body::Bytes(Vec::new()), "empty response"),
        (
            "truncated body",
            Body::Bytes(full[..full.len() / 2].to_vec()),
            "malformed CRL",
        ),
        (
            "signed by another key",
            Body::Bytes(crl(
                100,
                None,
                now - time::Duration::hours(1),
                now + time::Duration::days(1),
                &[],
                "root",
            )),
            "signature does not verify",
        ),
        (
            "expired",
            Body::Bytes(crl(
                100,
                None,
                now - time::Duration::days(8),
                now - time::Duration::days(1),
                &[],
                "ca",
            )),
            "stale",
        ),
        ("HTTP 500", Body::Status(500), "HTTP status 500"),
        (
            "slow drip",
            Body::Drip {
                bytes: full.clone(),
                every: Duration::from_millis(100),
            },
            "deadline",
        ),
        ("never answering", Body::Hang, "deadline"),
    ];
    let deadline = Duration::from_millis(1500);
    for (name, body, why) in cases {
        let s = Server::start();
        s.route(FULL, body);
        let e = engine(&s, EngineConfig::default());
        let started = Instant::now();
        let st = status(&e, "individual", &crl_now(deadline));
        let took = started.elapsed();
        assert_eq!(
            st.outcome,
            RevocationOutcome::Unavailable,
            "{name}: {}",
            st.detail
        );
        assert!(
            st.detail.contains(why),
            "{name}: expected {why:?} in {}",
            st.detail
        );
        assert!(
            took < deadline + Duration::from_secs(2),
            "{name}: took {took:?} with a {deadline:?} deadline"
        );
        // the revoked certificate is not "good" either
        let st = status(&e, "revoked", &crl_now(deadline));
        assert_ne!(st.outcome, RevocationOutcome::Good, "{name}: {}", st.detail);
    }
}

#[test]
fn the_last_good_crl_is_kept_until_its_next_update_and_no_longer() {
    let now = OffsetDateTime::now_utc();
    let s = Server::start();
    s.route(
        FULL,
        Body::Bytes(crl(
            100,
            None,
            now - time::Duration::hours(1),
            now + time::Duration::seconds(3),
            &[],
            "ca",
        )),
    );
    let e = engine(&s, EngineConfig::default());
    let policy = crl_now(Duration::from_secs(5));
    assert_eq!(
        status(&e, "individual", &policy).outcome,
        RevocationOutcome::Good
    );
    // The server breaks; a refresh is due (within a minute of nextUpdate) and fails …
    s.route(FULL, Body::Status(500));
    assert_eq!(e.refresh_due_crls(OffsetDateTime::now_utc()), 1);
    assert_eq!(s.hits(FULL), 2);
    let held = e.freshness(OffsetDateTime::now_utc());
    let full = held.iter().find(|f| f.source.ends_with(FULL)).unwrap();
    assert!(full
        .last_error
        .as_deref()
        .unwrap()
        .contains("HTTP status 500"));
    // … the last good CRL still answers until its nextUpdate …
    let st = status(&e, "individual", &policy);
    assert_eq!(st.outcome, RevocationOutcome::Good, "{}", st.detail);
    // … and after it the status is unavailable, naming both reasons.
    std::thread::sleep(Duration::from_millis(3200));
    let st = status(&e, "individual", &policy);
    assert_eq!(st.outcome, RevocationOutcome::Unavailable, "{}", st.detail);
    assert!(
        st.detail.contains("stale") && st.detail.contains("HTTP status 500"),
        "{}",
        st.detail
    );
}

#[test]
fn warm_up_and_readiness_follow_the_configured_crl_urls() {
    let s = Server::start();
    let url = "http://pki.tanba.test/crl/ca.crl".to_string();
    let e = engine(
        &s,
        EngineConfig {
            crl_urls: vec![url.clone()],
            ..EngineConfig::default()
        },
    );
    let r = e.ready(OffsetDateTime::now_utc());
    assert!(!r.ready);
    assert!(
        r.missing[0].contains("not downloaded yet"),
        "{:?}",
        r.missing
    );
    // nothing served yet: the warm-up says why it is not ready
    let r = e.warm_up(Instant::now() + Duration::from_secs(5));
    assert!(!r.ready && r.missing[0].contains("404"), "{:?}", r.missing);
    s.route(FULL, Body::Bytes(fresh_full()));
    // a failed download is retried only after `retry_after_failure`
    let r = e.warm_up(Instant::now() + Duration::from_secs(5));
    assert!(!r.ready);
    let e = engine(
        &s,
        EngineConfig {
            crl_urls: vec![url],
            ..EngineConfig::default()
        },
    );
    let r = e.warm_up(Instant::now() + Duration::from_secs(5));
    assert!(r.ready, "{:?}", r.missing);
    assert_eq!(r.crls.len(), 1);
    assert_eq!(r.crls[0].entries, 1);
}

/// A 20-byte serial derived from `i` (like NCA's 160-bit serials).
fn serial(i: u64) -> Vec<u8> {
    let mut s = vec![0x40u8];
    s.extend_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
    s.extend_from_slice(&i.to_be_bytes());
    s.extend_from_slice(&[0x5a, 0x5a, 0x5a]);
    s
}

#[test]
fn a_500k_entry_crl_with_a_delta_on_top() {
    const N: u64 = 500_000;
    let now = OffsetDateTime::now_utc();
    let revoked_at = now - time::Duration::days(30);
    let mut entries: Vec<crlgen::Entry> = (0..N)
        .map(|i| crlgen::Entry {
            serial: serial(i),
            revoked_at,
            reason: if i % 3 == 0 {
                None
            } else {
                Some((i % 6) as u8)
            },
        })
        .collect();
    // the generated PKI's "revoked" and "held" certificates are among them
    entries.push(entry(gen_cert("revoked").serial(), Some(1)));
    entries.push(entry(gen_cert("held").serial(), Some(6)));
    let full = crl(
        1346,
        None,
        now - time::Duration::hours(2),
        now + time::Duration::days(1),
        &entries,
        "ca",
    );
    // the delta's counter runs separately (like NCA's 57,725 vs 1,346)
    let delta = crl(
        57_725,
        Some(1346),
        now - time::Duration::minutes(5),
        now + time::Duration::hours(12),
        &[
            entry(gen_cert("held").serial(), Some(8)),
            entry(gen_cert("delta_revoked").serial(), Some(4)),
        ],
        "ca",
    );
    let s = Server::start();
    s.route(FULL, Body::Bytes(full.clone()));
    s.route(DELTA, Body::Bytes(delta));
    let e = engine(&s, EngineConfig::default());
    let policy = crl_now(Duration::from_secs(30));
    let st = status(&e, "revoked", &policy);
    assert_eq!(st.outcome, RevocationOutcome::Revoked, "{}", st.detail);
    assert!(st.detail.contains("full CRL #0542"), "{}", st.detail);
    let st = status(&e, "delta_revoked", &policy);
    assert_eq!(st.outcome, RevocationOutcome::Revoked, "{}", st.detail);
    assert!(
        st.detail.contains("per delta CRL #e17d") && st.detail.contains("on full CRL #0542"),
        "{}",
        st.detail
    );
    let st = status(&e, "held", &policy);
    assert_eq!(
        st.outcome,
        RevocationOutcome::Good,
        "removeFromCRL: {}",
        st.detail
    );
    let st = status(&e, "individual", &policy);
    assert_eq!(st.outcome, RevocationOutcome::Good, "{}", st.detail);
    assert_eq!(s.hits(FULL), 1);

    let figures = e.freshness(now);
    let f = figures.iter().find(|f| f.source.ends_with(FULL)).unwrap();
    assert_eq!(f.entries, N as usize + 2);
    assert!(
        f.index_bytes <= 48 * f.entries,
        "{} bytes for {} entries ({} MB CRL)",
        f.index_bytes,
        f.entries,
        full.len() >> 20
    );
    // every listed serial is found, an unlisted one is not
    let parsed = tanba_pki::Crl::from_bytes(&full).unwrap();
    for i in (0..N).step_by(997) {
        let hit = parsed.lookup(&serial(i)).expect("listed");
        assert_eq!(hit.revoked_at, revoked_at.replace_nanosecond(0).unwrap());
    }
    assert!(parsed.lookup(&serial(N + 1)).is_none());
}

#[test]
fn the_index_cache_file_is_used_only_for_the_same_intact_crl() {
    let now = OffsetDateTime::now_utc();
    let entries: Vec<crlgen::Entry> = (0..5000)
        .map(|i| crlgen::Entry {
            serial: serial(i),
            revoked_at: now - time::Duration::days(i as i64 % 90),
            reason: if i % 4 == 0 {
                None
            } else {
                Some((i % 6) as u8)
            },
        })
        .collect();
    let der = crl(
        7,
        None,
        now - time::Duration::hours(1),
        now + time::Duration::days(1),
        &entries,
        "ca",
    );
    let (built, used) = tanba_pki::Crl::from_bytes_with_index(&der, None).unwrap();
    assert!(!used);
    let file = built.index_file(&der);
    let (reused, used) = tanba_pki::Crl::from_bytes_with_index(&der, Some(&file)).unwrap();
    assert!(used, "the file written for these bytes is used");
    for i in 0..5000u64 {
        assert_eq!(
            reused.lookup(&serial(i)),
            built.lookup(&serial(i)),
            "serial {i}"
        );
    }
    assert!(reused.lookup(&serial(5001)).is_none());
    assert_eq!(reused.len(), 5000);

    // Anything else is ignored and the index is built from the CRL: a corrupt byte, a
    // truncated file, another CRL's file, records out of order under a valid checksum.
    let mut flipped = file.clone();
    flipped[100] ^= 1;
    let other = crl(
        8,
        None,
        now - time::Duration::hours(1),
        now + time::Duration::days(1),
        &entries[..10],
        "ca",
    );
    let other_file = tanba_pki::Crl::from_bytes(&other)
        .unwrap()
        .index_file(&other);
    let mut swapped = file[..file.len() - 32].to_vec();
    let (a, b) = (16 + 32 + 16, 16 + 32 + 16 + 29);
    let first: Vec<u8> = swapped[a..b].to_vec();
    let second: Vec<u8> = swapped[b..b + 29].to_vec();
    swapped[a..b].copy_from_slice(&second);
    swapped[b..b + 29].copy_from_slice(&first);
    let sum = tanba_crypto::DigestAlgorithm::Sha256.digest(&swapped);
    swapped.extend_from_slice(&sum);
    for (name, bad) in [
        ("corrupt", flipped),
        ("truncated", file[..file.len() / 2].to_vec()),
        ("another CRL's", other_file),
        ("out of order", swapped),
        ("empty", Vec::new()),
    ] {
        let (c, used) = tanba_pki::Crl::from_bytes_with_index(&der, Some(&bad)).unwrap();
        assert!(!used, "{name} file must not be used");
        assert_eq!(c.len(), 5000, "{name}");
        assert_eq!(c.lookup(&serial(42)), built.lookup(&serial(42)), "{name}");
    }
}

#[test]
fn a_downloaded_crl_leaves_its_index_in_the_cache_folder() {
    let s = Server::start();
    s.route(FULL, Body::Bytes(fresh_full()));
    s.route(DELTA, Body::Bytes(fresh_delta()));
    let dir = tempfile::tempdir().unwrap();
    let make = || {
        let fetcher = Fetcher::new(FetchConfig {
            rewrites: vec![("http://pki.tanba.test".into(), s.base())],
            cache_dir: Some(dir.path().to_path_buf()),
            ..FetchConfig::default()
        })
        .unwrap();
        RevocationEngine::new().with_fetcher(fetcher)
    };
    let policy = crl_now(Duration::from_secs(10));
    assert_eq!(
        status(&make(), "revoked", &policy).outcome,
        RevocationOutcome::Revoked
    );
    let cache = tanba_pki::cache::Cache::open(dir.path()).unwrap();
    let url = "http://pki.tanba.test/crl/ca.crl";
    let index = cache.load_index(url).expect("an index file beside the CRL");
    let bytes = cache.load(url).unwrap().bytes;
    assert!(
        tanba_pki::Crl::from_bytes_with_index(&bytes, Some(&index))
            .unwrap()
            .1
    );
    // a restarted engine answers from the cache folder (no download) with that index
    assert_eq!(
        status(&make(), "revoked", &policy).outcome,
        RevocationOutcome::Revoked
    );
    assert_eq!(s.hits(FULL), 1);
    // a damaged index is ignored, the answer is unchanged, and a good one is written back
    std::fs::write(cache.index_path(url), b"garbage").unwrap();
    assert_eq!(
        status(&make(), "revoked", &policy).outcome,
        RevocationOutcome::Revoked
    );
    let rewritten = cache.load_index(url).unwrap();
    assert!(
        tanba_pki::Crl::from_bytes_with_index(&bytes, Some(&rewritten))
            .unwrap()
            .1
    );
}

#[test]
fn refreshes_are_conditional_and_spaced() {
    let now = OffsetDateTime::now_utc();
    // due for refresh: within a minute of its nextUpdate
    let first = crl(
        100,
        None,
        now - time::Duration::hours(1),
        now + time::Duration::seconds(40),
        &[],
        "ca",
    );
    let s = Server::start();
    s.route(
        FULL,
        Body::Tagged {
            bytes: first.clone(),
            etag: "\"v100\"".into(),
        },
    );
    let e = engine(
        &s,
        EngineConfig {
            refresh_interval: Duration::ZERO,
            ..EngineConfig::default()
        },
    );
    let policy = crl_now(Duration::from_secs(10));
    assert_eq!(
        status(&e, "individual", &policy).outcome,
        RevocationOutcome::Good
    );
    // the first refresh learns the ETag, the next ones get 304 without the body
    assert_eq!(e.refresh_due_crls(OffsetDateTime::now_utc()), 1);
    assert_eq!(e.refresh_due_crls(OffsetDateTime::now_utc()), 1);
    assert_eq!(e.refresh_due_crls(OffsetDateTime::now_utc()), 1);
    assert_eq!(s.hits(&format!("304 {FULL}")), 2);
    // a newer CRL replaces the held one (new number, revoked certificate listed)
    s.route(
        FULL,
        Body::Tagged {
            bytes: crl(
                101,
                None,
                now,
                now + time::Duration::days(1),
                &[entry(gen_cert("revoked").serial(), Some(1))],
                "ca",
            ),
            etag: "\"v101\"".into(),
        },
    );
    assert_eq!(e.refresh_due_crls(OffsetDateTime::now_utc()), 1);
    let st = status(&e, "revoked", &policy);
    assert_eq!(st.outcome, RevocationOutcome::Revoked, "{}", st.detail);
    assert!(st.detail.contains("CRL #65"), "{}", st.detail);
    // not due any more (a day to go): nothing is asked
    let asked = s.hits(FULL);
    assert_eq!(e.refresh_due_crls(OffsetDateTime::now_utc()), 0);
    assert_eq!(s.hits(FULL), asked);
    // with the default interval, a due CRL is not asked for again within 5 minutes
    let spaced = engine(&s, EngineConfig::default());
    s.route(FULL, Body::Bytes(first));
    assert_eq!(
        status(&spaced, "individual", &policy).outcome,
        RevocationOutcome::Good
    );
    assert_eq!(spaced.refresh_due_crls(OffsetDateTime::now_utc()), 1);
    assert_eq!(spaced.refresh_due_crls(OffsetDateTime::now_utc()), 0);
}

#[test]
fn the_background_refresh_runs_until_its_handle_is_dropped() {
    let now = OffsetDateTime::now_utc();
    let s = Server::start();
    s.route(
        FULL,
        Body::Bytes(crl(
            100,
            None,
            now - time::Duration::hours(1),
            now + time::Duration::seconds(50),
            &[],
            "ca",
        )),
    );
    let e = Arc::new(engine(
        &s,
        EngineConfig {
            refresh_interval: Duration::ZERO,
            ..EngineConfig::default()
        },
    ));
    let policy = crl_now(Duration::from_secs(10));
    assert_eq!(
        status(&e, "individual", &policy).outcome,
        RevocationOutcome::Good
    );
    let handle = e.start_refresh(Duration::from_millis(100));
    std::thread::sleep(Duration::from_millis(700));
    drop(handle);
    let asked = s.hits(FULL);
    assert!(asked >= 3, "refreshed in the background: {asked} requests");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.hits(FULL), asked, "stopped with its handle");
}

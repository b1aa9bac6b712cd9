//! The in-process rate the HTTP benchmark compares against: the verification core's
//! `validate_document` / `validate_cms` on the same documents, with the same trust (the NCA
//! test CAs and CRLs, `ncanode-compat`, CRL revocation, a fixed validation time), on
//! THREADS threads for SECONDS seconds. Prints verifications per second.
//!
//! ```sh
//! cargo run --release -p tanba-server --example inprocess -- xml doc.xml 2021-06-01T00:00:00Z 2 5
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tanba_pki::{CertPool, ChainCert, Crl, IdPolicy, RevocationEngine, RevocationSources};
use tanba_validate::{Overrides, PolicyName, Request, TrustConfig, Validator};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 6 {
        eprintln!("usage: inprocess xml|cms DOCUMENT AT THREADS SECONDS");
        std::process::exit(2);
    }
    let kind = a[1].clone();
    let doc = std::fs::read(&a[2]).expect("the document");
    let at = time::OffsetDateTime::parse(&a[3], &time::format_description::well_known::Rfc3339)
        .expect("an RFC 3339 time");
    let threads: usize = a[4].parse().expect("THREADS");
    let seconds: u64 = a[5].parse().expect("SECONDS");

    let mut pool = CertPool::new();
    for ca in [
        "ca/nca_rsa_test.crt",
        "ca/nca_gost_test.crt",
        "ca/nca_gost2015_test.cer",
    ] {
        pool.add_anchor(ChainCert::from_bytes(&tanba_testdata::read_nca(ca)).unwrap());
    }
    let engine = RevocationEngine::new();
    for crl in [
        "crl/nca_rsa_test.crl",
        "crl/nca_gost_test.crl",
        "crl/nca_gost2022_test.crl",
    ] {
        engine.add_crl(Crl::from_bytes(&tanba_testdata::read_nca(crl)).unwrap());
    }
    let v = Arc::new(Validator::new(TrustConfig {
        pool,
        revocation: Arc::new(engine),
        policy: PolicyName::NcanodeCompat,
        overrides: Overrides {
            id_policy: Some(IdPolicy::AcceptTestIds),
            ..Default::default()
        },
        ..Default::default()
    }));
    let request = Arc::new(Request {
        at: Some(at),
        revocation: Some(RevocationSources::CrlOnly),
        ..Default::default()
    });
    let check = |v: &Validator, r: &Request, d: &[u8]| {
        let report = match kind.as_str() {
            "cms" => v.validate_cms(d, tanba_cms::Content::Attached, r),
            _ => v.validate_document(d, r),
        }
        .expect("verifiable");
        assert!(report.is_passed(), "{:?}", report.problems);
    };
    check(&v, &request, &doc); // warm, and the document must pass
    let done = Arc::new(AtomicU64::new(0));
    let stop = Instant::now() + Duration::from_secs(seconds);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (v, request, done, doc, check) = (&v, &request, &done, &doc, &check);
            s.spawn(move || {
                while Instant::now() < stop {
                    check(v, request, doc);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let n = done.load(Ordering::Relaxed);
    println!("{:.0}", n as f64 / seconds as f64);
}

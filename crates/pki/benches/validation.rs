//! Benchmarks: loading a 500 000-entry CRL (≈ 23 MB, the size of NCA RK's production
//! CRLs) and looking serials up in it; validating a 3-certificate RSA chain of the
//! generated test PKI with its full + delta CRLs.
//!
//! ```sh
//! cargo bench -p tanba-pki --bench validation
//! ```

#[path = "../tests/support/crlgen.rs"]
mod crlgen;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tanba_pki::{
    CertPool, ChainCert, Crl, Policy, RevocationSources, ValidationTime, Validator, Verdict,
};
use time::macros::datetime;

const ENTRIES: usize = 500_000;

fn gen(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/pki")
            .join(rel),
    )
    .unwrap()
}

fn pkcs8(name: &str) -> Vec<u8> {
    use base64::Engine as _;
    let pem = String::from_utf8(gen(&format!("keys/{name}.key.pem"))).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// A 20-byte serial derived from `i` (like NCA's 160-bit serials).
fn serial(i: u64) -> Vec<u8> {
    let mut s = vec![0x40u8];
    s.extend_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
    s.extend_from_slice(&i.to_be_bytes());
    s.extend_from_slice(&[0x5a, 0x5a, 0x5a]);
    s
}

fn big_crl() -> Vec<u8> {
    let ca = ChainCert::from_bytes(&gen("certs/ca.pem")).unwrap();
    let entries: Vec<crlgen::Entry> = (0..ENTRIES as u64)
        .map(|i| crlgen::Entry {
            serial: serial(i),
            revoked_at: datetime!(2026-01-01 0:00 UTC),
            reason: if i % 3 == 0 {
                None
            } else {
                Some((i % 6) as u8)
            },
        })
        .collect();
    crlgen::signed_crl(
        &crlgen::CrlSpec {
            issuer_der: ca.subject_der(),
            aki: ca.subject_key_id().unwrap(),
            number: 1000,
            delta_base: None,
            this_update: datetime!(2026-03-01 0:00 UTC),
            next_update: Some(datetime!(2026-09-01 0:00 UTC)),
            entries: &entries,
        },
        &pkcs8("ca"),
    )
}

fn crl_benches(c: &mut Criterion) {
    let der = big_crl();
    eprintln!("generated CRL: {} entries, {} bytes", ENTRIES, der.len());
    if let Ok(p) = std::env::var("TANBA_BENCH_WRITE_CRL") {
        std::fs::write(p, &der).unwrap();
    }
    let mut g = c.benchmark_group("crl_500k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ENTRIES as u64));
    g.bench_function("load (parse + index)", |b| {
        b.iter(|| black_box(Crl::from_bytes(black_box(&der)).unwrap()))
    });
    let index = Crl::from_bytes(&der).unwrap().index_file(&der);
    eprintln!("index file: {} bytes", index.len());
    g.bench_function("load with its index file (a restart)", |b| {
        b.iter(|| {
            let (crl, used) = Crl::from_bytes_with_index(black_box(&der), Some(&index)).unwrap();
            assert!(used);
            black_box(crl)
        })
    });
    let ca = ChainCert::from_bytes(&gen("certs/ca.pem")).unwrap();
    let algorithms = tanba_crypto::AlgorithmPolicy::default();
    g.bench_function("load + verify signature", |b| {
        b.iter(|| {
            let crl = Crl::from_bytes(black_box(&der)).unwrap();
            crl.verify_signature(ca.spki_der(), &algorithms).unwrap();
            black_box(crl)
        })
    });
    g.finish();

    let crl = Crl::from_bytes(&der).unwrap();
    assert_eq!(crl.len(), ENTRIES);
    crl.verify_signature(ca.spki_der(), &algorithms).unwrap();
    eprintln!(
        "index after verification: {} bytes, {:.1} bytes per entry",
        crl.index_bytes(),
        crl.index_bytes() as f64 / ENTRIES as f64
    );
    let present: Vec<Vec<u8>> = (0..1000u64).map(|i| serial(i * 499)).collect();
    let absent: Vec<Vec<u8>> = (0..1000u64).map(|i| serial(ENTRIES as u64 + i)).collect();
    let mut g = c.benchmark_group("crl_500k_lookup");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("1000 present serials", |b| {
        b.iter(|| {
            for s in &present {
                assert!(black_box(crl.lookup(s)).is_some());
            }
        })
    });
    g.bench_function("1000 absent serials", |b| {
        b.iter(|| {
            for s in &absent {
                assert!(black_box(crl.lookup(s)).is_none());
            }
        })
    });
    g.finish();
}

fn chain_bench(c: &mut Criterion) {
    let mut pool = CertPool::new();
    pool.add_anchor(ChainCert::from_bytes(&gen("certs/root.pem")).unwrap());
    pool.add_intermediate(ChainCert::from_bytes(&gen("certs/ca.pem")).unwrap());
    let policy = Policy::builder()
        .time(ValidationTime::At(datetime!(2026-06-01 0:00 UTC)))
        .revocation_sources(RevocationSources::CrlOnly)
        .build();
    let mut v = Validator::new(pool, policy);
    v.add_crl(Crl::from_bytes(&gen("crl/ca.crl")).unwrap());
    v.add_crl(Crl::from_bytes(&gen("crl/ca_delta.crl")).unwrap());
    let leaf = ChainCert::from_bytes(&gen("certs/individual.pem")).unwrap();
    let der = leaf.der().to_vec();
    assert_eq!(v.validate(&der, &[]).verdict, Verdict::Valid);
    let mut g = c.benchmark_group("validate");
    g.bench_function("3-cert RSA chain + full/delta CRL", |b| {
        b.iter_batched(
            || der.clone(),
            |d| {
                let r = v.validate(black_box(&d), &[]);
                assert_eq!(r.verdict, Verdict::Valid);
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, crl_benches, chain_bench);
criterion_main!(benches);

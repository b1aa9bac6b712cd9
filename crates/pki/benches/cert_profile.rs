//! Certificate-profile costs: parsing a real NCA certificate into a `KzCertificate` (all
//! fields, IIN/BIN, roles, URLs) compared with a bare x509-parser parse of the same DER (the
//! floor), the JSON summary, and the IIN/BIN checksum.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tanba_pki::{Iin, KzCertificate};
use x509_parser::prelude::FromDer as _;

fn der(rel: &str) -> Vec<u8> {
    KzCertificate::from_pem_or_der(&tanba_testdata::read_nca(rel)).unwrap()[0]
        .der()
        .to_vec()
}

fn bench(c: &mut Criterion) {
    let leaf = der("certs/ceo_valid_sign_2004_gost.cer");
    let ca = der("ca/nca_rsa_test.crt");
    let mut g = c.benchmark_group("cert_profile");
    g.bench_function("x509_parser_only/leaf", |b| {
        b.iter(|| x509_parser::certificate::X509Certificate::from_der(black_box(&leaf)).unwrap())
    });
    g.bench_function("kz_certificate/leaf", |b| {
        b.iter(|| KzCertificate::from_der(black_box(&leaf)).unwrap())
    });
    g.bench_function("kz_certificate/rsa4096_ca", |b| {
        b.iter(|| KzCertificate::from_der(black_box(&ca)).unwrap())
    });
    let cert = KzCertificate::from_der(&leaf).unwrap();
    g.bench_function("summary_json/leaf", |b| {
        b.iter(|| serde_json::to_vec(&black_box(&cert).summary()).unwrap())
    });
    g.bench_function("iin_parse_and_checksum", |b| {
        b.iter(|| {
            Iin::parse(black_box("830717350867"))
                .unwrap()
                .checksum_valid()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

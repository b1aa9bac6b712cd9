//! Criterion (issue 13): `Validator::validate_document` on a 4 KB SmartBridge envelope
//! with the WS-Security transport signature (NCA RSA-2048 test key): with full signer
//! validation (chain + CRL, warm: the validator built once) against the signature-only
//! path measured in the same run. Target: ≥ 70 % of the signature-only throughput.
//!
//! `cargo bench -p tanba-validate`

use criterion::{criterion_group, criterion_main, Criterion};
use tanba_pki::{CertPool, ChainCert, Crl, IdPolicy, RevocationSources};
use tanba_validate::{Overrides, Request, TrustConfig, Validator};
use tanba_wss::{Data, SendMessage, Sender, SoapVersion};

fn envelope() -> Vec<u8> {
    let mut rows = String::new();
    for i in 0..3 {
        rows.push_str(&format!(
            "<person><iin>{:012}</iin><name>Тест</name></person>",
            123456789000u64 + i
        ));
    }
    let env = SendMessage::new("GBDFL_UniversalServiceSync", Sender::new("tanba-bench"))
        .with_message_id("0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10")
        .with_data(Data::inline_document(format!("<r>{rows}</r>").as_bytes()).unwrap())
        .to_xml(SoapVersion::Soap11)
        .unwrap();
    let name = "individual_valid_sign_rsa_2004.p12";
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    let signer = tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap()
    .signer(&tanba_keys::KeySelector::Single)
    .unwrap();
    tanba_wss::sign(env.as_bytes(), &signer, &tanba_wss::SignOptions::new()).unwrap()
}

fn bench(c: &mut Criterion) {
    let env = envelope();
    eprintln!("envelope: {} bytes", env.len());
    let mut pool = CertPool::new();
    pool.add_anchor(
        ChainCert::from_bytes(&tanba_testdata::read_nca("ca/nca_rsa_test.crt")).unwrap(),
    );
    let full = Validator::new(TrustConfig {
        pool,
        revocation: {
            let engine = tanba_pki::RevocationEngine::new();
            engine.add_crl(
                Crl::from_bytes(&tanba_testdata::read_nca("crl/nca_rsa_test.crl")).unwrap(),
            );
            std::sync::Arc::new(engine)
        },
        overrides: Overrides {
            revocation: Some(RevocationSources::CrlOnly),
            id_policy: Some(IdPolicy::AcceptTestIds),
            ..Default::default()
        },
        ..Default::default()
    });
    let signature_only = Validator::new(TrustConfig::default());
    let at = time::macros::datetime!(2021-06-01 0:00 UTC);
    let checked = Request {
        at: Some(at),
        ..Request::default()
    };
    let unchecked = Request {
        at: Some(at),
        skip_certificates: true,
        ..Request::default()
    };
    let r = full.validate_document(&env, &checked).unwrap();
    assert!(r.is_passed(), "{:?}", r.problems);
    assert!(signature_only
        .validate_document(&env, &unchecked)
        .unwrap()
        .is_passed());

    let mut g = c.benchmark_group("validate-4k-envelope");
    g.bench_function("signature only", |b| {
        b.iter(|| signature_only.validate_document(&env, &unchecked).unwrap())
    });
    g.bench_function("full (chain + CRL, warm)", |b| {
        b.iter(|| full.validate_document(&env, &checked).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

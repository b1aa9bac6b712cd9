//! Throughput of the licensing documents: JSON → validated Application → XML, parsing it
//! back, and a holder-side licence verification (XMLDSig + certificate path + CRL + the
//! issuing-body policy) on the generated test PKI.

use criterion::{criterion_group, criterion_main, Criterion};
use tanba_egov::{
    sign_result, verify_result, Application, BuildContext, CertChecker, ResultDocument,
    ResultVerifyOptions,
};
use tanba_keys::{KeySelector, Keystore};

fn pki(rel: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(&format!("pki/{rel}")))
}

fn bench(c: &mut Criterion) {
    let json = tanba_testdata::read(&tanba_testdata::own("examples/import-licence.json"));
    let ctx = BuildContext {
        id: "APP-1".parse().unwrap(),
        now: "2026-05-20T10:00:00+05:00".parse().unwrap(),
        attachments_dir: None,
    };
    c.bench_function("application: JSON -> validated -> XML", |b| {
        b.iter(|| Application::from_json(&json, &ctx).unwrap().to_xml())
    });
    let xml = Application::from_json(&json, &ctx).unwrap().to_xml();
    c.bench_function("application: XML -> parsed and validated", |b| {
        b.iter(|| Application::from_xml(&xml).unwrap())
    });

    let mut checker = CertChecker::new();
    checker.add_trust(&pki("certs/root.pem")).unwrap();
    checker.add_trust(&pki("certs/ca.pem")).unwrap();
    checker.add_crl(&pki("crl/ca.crl")).unwrap();
    checker.add_crl(&pki("crl/ca_delta.crl")).unwrap();
    let mut certs = pki("certs/employee.pem");
    certs.extend_from_slice(&pki("certs/ca.pem"));
    let signer = Keystore::from_pkcs8(&pki("keys/employee.key.pem"), None, &certs)
        .unwrap()
        .signer(&KeySelector::Single)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&tanba_testdata::read(
        &tanba_testdata::own("examples/licence-result.json"),
    ))
    .unwrap();
    v["issuing_body"]["bin"] = "050440000012".into();
    v["issued_at"] = "2026-05-25T15:20:00+05:00".into();
    let r = ResultDocument::from_json(
        &serde_json::to_vec(&v).unwrap(),
        "2026-05-25T15:20:00+05:00".parse().unwrap(),
    )
    .unwrap();
    let licence = sign_result(&r.to_xml(), &signer, &checker).unwrap().xml;
    let opts = ResultVerifyOptions::default();
    c.bench_function(
        "licence: verify (signature, chain, CRL + delta, issuing body)",
        |b| b.iter(|| assert!(verify_result(&licence, &checker, &opts).unwrap().valid)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! `tanba application build` / `sign` / `countersign` / `verify` with the test PKI keys:
//! field-naming errors (exit 2), refusals that write nothing (exit 1), both signers reported.

mod common;

use common::{assert_exit, pki, run, tanba};
use std::path::PathBuf;

fn checks() -> Vec<String> {
    [
        "--trust",
        &pki("certs/root.pem"),
        "--trust",
        &pki("certs/ca.pem"),
        "--crl",
        &pki("crl/ca.crl"),
        "--crl",
        &pki("crl/ca_delta.crl"),
        "--at",
        "2026-06-01T00:00:00Z",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn key(name: &str) -> Vec<String> {
    vec![
        "--key".into(),
        pki(&format!("keys/{name}.key.pem")),
        "--cert".into(),
        pki(&format!("certs/{name}.pem")),
    ]
}

fn build(dir: &std::path::Path, applicant: serde_json::Value) -> PathBuf {
    let mut v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tanba_testdata::own("examples/import-licence.json")).unwrap(),
    )
    .unwrap();
    v["applicant"] = applicant;
    let json = dir.join("form.json");
    std::fs::write(&json, serde_json::to_vec(&v).unwrap()).unwrap();
    let app = dir.join("app.xml");
    let out = tanba(&[
        "application",
        "build",
        json.to_str().unwrap(),
        "--id",
        "APP-T-1",
        "--out",
        app.to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    app
}

#[test]
fn build_names_the_bad_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tanba_testdata::own("examples/import-licence.json")).unwrap(),
    )
    .unwrap();
    v["form"]["contract"]["date"] = "2026/02/15".into();
    let json = dir.path().join("bad.json");
    std::fs::write(&json, serde_json::to_vec(&v).unwrap()).unwrap();
    let out_file = dir.path().join("app.xml");
    let out = tanba(&[
        "application",
        "build",
        json.to_str().unwrap(),
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("form.contract.date: expected DD.MM.YYYY"),
        "{err}"
    );
    assert!(!out_file.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp files left"
    );
}

#[test]
fn sign_countersign_verify() {
    let dir = tempfile::tempdir().unwrap();
    let app = build(
        dir.path(),
        serde_json::json!({"kind": "individual-entrepreneur", "id": {"iin": "900101300007"}, "name": "ЖК ИВАНОВ ИВАН"}),
    );
    let signed = dir.path().join("signed.xml");
    let mut a = vec![
        "application".into(),
        "sign".into(),
        app.to_str().unwrap().into(),
    ];
    a.extend(key("individual"));
    a.extend(checks());
    a.extend(["--out".into(), signed.to_str().unwrap().into()]);
    let out = run(a);
    assert_exit(&out, 0);

    let certified = dir.path().join("certified.xml");
    let mut a = vec![
        "application".into(),
        "countersign".into(),
        signed.to_str().unwrap().into(),
    ];
    a.extend(key("employee"));
    a.extend(checks());
    a.extend([
        "--operator-bin".into(),
        "050440000012".into(),
        "--out".into(),
        certified.to_str().unwrap().into(),
    ]);
    let out = run(a);
    assert_exit(&out, 0);

    let mut a = vec![
        "application".into(),
        "verify".into(),
        certified.to_str().unwrap().into(),
        "--json".into(),
    ];
    a.extend(checks());
    let out = run(a);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signers"][0]["role"], "applicant");
    assert_eq!(v["signers"][1]["role"], "operator");
    let codes: Vec<&str> = v["signers"][1]["signer"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["legal_entity", "employee"]);
}

#[test]
fn refusals_exit_1_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = build(
        dir.path(),
        serde_json::json!({"kind": "individual", "id": {"iin": "123456789011"}, "name": "ТЕСТОВ ТЕСТ"}),
    );
    for (signer, want) in [
        ("individual", "identifier: IIN mismatch"),
        ("wrong_ku", "key usage:"),
        ("revoked", "revocation:"),
        ("expired", "validity:"),
    ] {
        let signed = dir.path().join(format!("signed-{signer}.xml"));
        let mut a = vec![
            "application".into(),
            "sign".into(),
            app.to_str().unwrap().into(),
        ];
        a.extend(key(signer));
        a.extend(checks());
        a.extend(["--out".into(), signed.to_str().unwrap().into()]);
        let out = run(a);
        assert_eq!(out.status.code(), Some(1), "{signer}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("authenticity of the EDS not confirmed"),
            "{err}"
        );
        assert!(err.contains(want), "{signer}: {err}");
        assert!(
            !signed.exists(),
            "{signer}: output written despite the refusal"
        );
    }
}

#[test]
fn submit_wraps_the_signed_application_in_a_transport_signed_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let app = build(
        dir.path(),
        serde_json::json!({"kind": "individual-entrepreneur", "id": {"iin": "900101300007"}, "name": "ЖК ИВАНОВ ИВАН"}),
    );
    // An unsigned application is refused.
    let mut a: Vec<String> = vec![
        "application".into(),
        "submit".into(),
        app.to_str().unwrap().into(),
        "--service-id".into(),
        "ELICENSE_APPLICATION_SYNC".into(),
        "--sender-id".into(),
        "portal".into(),
    ];
    a.extend(key("head"));
    assert_eq!(run(a.clone()).status.code(), Some(2));

    let signed = dir.path().join("signed.xml");
    let mut s = vec![
        "application".into(),
        "sign".into(),
        app.to_str().unwrap().into(),
    ];
    s.extend(key("individual"));
    s.extend(checks());
    s.extend(["--out".into(), signed.to_str().unwrap().into()]);
    assert_eq!(run(s).status.code(), Some(0));
    a[2] = signed.to_str().unwrap().into();
    let env = dir.path().join("envelope.xml");
    a.extend(["--out".into(), env.to_str().unwrap().into()]);
    let o = run(a);
    assert_exit(&o, 0);

    let mut c = tanba_egov::CertChecker::new().at(time::macros::datetime!(2026-06-01 00:00 UTC));
    c.add_trust(&std::fs::read(pki("certs/root.pem")).unwrap())
        .unwrap();
    c.add_trust(&std::fs::read(pki("certs/ca.pem")).unwrap())
        .unwrap();
    c.add_crl(&std::fs::read(pki("crl/ca.crl")).unwrap())
        .unwrap();
    c.add_crl(&std::fs::read(pki("crl/ca_delta.crl")).unwrap())
        .unwrap();
    let v = tanba_egov::verify_submission(&std::fs::read(&env).unwrap(), &c).unwrap();
    assert!(v.valid, "{:?}", v.failures);
    assert_eq!(
        v.transport.signer.unwrap().bin.as_deref(),
        Some("050440000012")
    );
    assert_eq!(
        v.application.signers[0].signer.iin.as_deref(),
        Some("900101300007")
    );
}

//! `tanba result build` / `sign` (the provider side) and the result verified with
//! `tanba licence verify`: refusals write nothing; JSON errors name the field.

mod common;

use common::{assert_exit, pki, tanba};
use std::process::Output;

fn write_json(dir: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tanba_testdata::own("examples/licence-result.json")).unwrap(),
    )
    .unwrap();
    v["issuing_body"]["bin"] = "050440000012".into();
    v["issued_at"] = "2026-05-25T15:20:00+05:00".into();
    edit(&mut v);
    let p = dir.join("result.json");
    std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
    p.to_str().unwrap().to_owned()
}

fn sign(xml: &str, who: &str, out: &str) -> Output {
    let (k, c) = (
        pki(&format!("keys/{who}.key.pem")),
        pki(&format!("certs/{who}.pem")),
    );
    let (root, ca, crl, delta) = (
        pki("certs/root.pem"),
        pki("certs/ca.pem"),
        pki("crl/ca.crl"),
        pki("crl/ca_delta.crl"),
    );
    tanba(&[
        "result", "sign", xml, "--key", &k, "--cert", &c, "--trust", &root, "--trust", &ca,
        "--crl", &crl, "--crl", &delta, "--out", out,
    ])
}

#[test]
fn provider_builds_signs_and_the_holder_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let json = write_json(dir.path(), |_| {});
    let xml = dir.path().join("licence.xml");
    let o = tanba(&["result", "build", &json, "--out", xml.to_str().unwrap()]);
    assert_exit(&o, 0);
    let signed = dir.path().join("licence.signed.xml");
    let o = sign(xml.to_str().unwrap(), "employee", signed.to_str().unwrap());
    assert_exit(&o, 0);
    let (root, ca, crl, delta) = (
        pki("certs/root.pem"),
        pki("certs/ca.pem"),
        pki("crl/ca.crl"),
        pki("crl/ca_delta.crl"),
    );
    let o = tanba(&[
        "licence",
        "verify",
        signed.to_str().unwrap(),
        "--trust",
        &root,
        "--trust",
        &ca,
        "--crl",
        &crl,
        "--crl",
        &delta,
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["result"]["kind"], "licence");
    assert_eq!(v["signer"]["iin"], "791028302728");
    assert!(v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "revocation" && c["ok"] == true));
}

#[test]
fn provider_refusals_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Another issuing body than the signer's organisation.
    let json = write_json(dir.path(), |v| {
        v["issuing_body"]["bin"] = "990340005977".into()
    });
    let xml = dir.path().join("licence.xml");
    assert_eq!(
        tanba(&["result", "build", &json, "--out", xml.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let signed = dir.path().join("signed.xml");
    let o = sign(xml.to_str().unwrap(), "employee", signed.to_str().unwrap());
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("authenticity of the EDS not confirmed") && err.contains("BIN mismatch"),
        "{err}"
    );
    assert!(!signed.exists());
    // A revoked key (revoked 2026-02-01, before the issue time).
    let json = write_json(dir.path(), |_| {});
    assert_eq!(
        tanba(&["result", "build", &json, "--out", xml.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let o = sign(xml.to_str().unwrap(), "revoked", signed.to_str().unwrap());
    assert_eq!(o.status.code(), Some(1));
    assert!(!signed.exists());
}

#[test]
fn build_errors_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let json = write_json(dir.path(), |v| {
        v["kind"] = "refusal".into();
        v.as_object_mut().unwrap().remove("validity");
        v["decision"] = serde_json::json!({});
    });
    let o = tanba(&["result", "build", &json]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("decision.text: a refusal states its grounds")
    );
    let json = write_json(dir.path(), |v| v["validity"]["until"] = "2026-12-31".into());
    let o = tanba(&["result", "build", &json]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("validity.until: expected DD.MM.YYYY"));
    // A refusal with grounds builds.
    let json = write_json(dir.path(), |v| {
        v["kind"] = "refusal".into();
        v.as_object_mut().unwrap().remove("validity");
        v["decision"] = serde_json::json!({"text": "Ұсынылған құжаттар толық емес"});
    });
    let o = tanba(&["result", "build", &json]);
    assert_exit(&o, 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("<Kind>refusal</Kind>"));
}

//! Shared helpers: the generated KZ-profile test PKI (`testdata/pki`) and example forms.
#![allow(dead_code)]

use tanba_crypto::KeySigner;
use tanba_egov::{Application, BuildContext, CertChecker, ResultDocument, Timestamp};
use tanba_keys::{KeySelector, Keystore};

/// "As of" 2026-06-01: inside every leaf's validity and the CRLs' window.
pub const AS_OF: &str = "2026-06-01T00:00:00Z";

pub fn pki(rel: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(&format!("pki/{rel}")))
}

/// A signer for a test-PKI identity (`individual`, `head`, `employee`, `revoked`, …).
pub fn signer(name: &str) -> KeySigner {
    let key = pki(&format!("keys/{name}.key.pem"));
    let mut certs = pki(&format!("certs/{name}.pem"));
    certs.extend_from_slice(&pki("certs/ca.pem"));
    Keystore::from_pkcs8(&key, None, &certs)
        .unwrap()
        .signer(&KeySelector::Single)
        .unwrap()
}

/// Trust = test root (+ CA as intermediate), evidence = full and delta CRL, as of AS_OF.
pub fn checker() -> CertChecker {
    let mut c = CertChecker::new().at(time::OffsetDateTime::parse(
        AS_OF,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap());
    c.add_trust(&pki("certs/root.pem")).unwrap();
    c.add_trust(&pki("certs/ca.pem")).unwrap();
    c.add_crl(&pki("crl/ca.crl")).unwrap();
    c.add_crl(&pki("crl/ca_delta.crl")).unwrap();
    c
}

pub fn example_json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&tanba_testdata::read(&tanba_testdata::own(&format!(
        "examples/{name}"
    ))))
    .unwrap()
}

pub fn ctx() -> BuildContext<'static> {
    BuildContext {
        id: "APP-2026-0001".parse().unwrap(),
        now: "2026-05-20T10:00:00+05:00".parse::<Timestamp>().unwrap(),
        attachments_dir: None,
    }
}

/// The import-licence example with the applicant replaced.
pub fn import_app(applicant: serde_json::Value) -> Application {
    let mut v = example_json("import-licence.json");
    v["applicant"] = applicant;
    Application::from_json(&serde_json::to_vec(&v).unwrap(), &ctx()).unwrap()
}

/// The individual entrepreneur ИВАНОВ ИВАН (IIN of `individual.pem`).
pub fn ivanov() -> serde_json::Value {
    serde_json::json!({"kind": "individual-entrepreneur", "id": {"iin": "900101300007"}, "name": "ЖК ИВАНОВ ИВАН"})
}

/// The legal entity of `head.pem` / `employee.pem`.
pub fn tanba_llp() -> serde_json::Value {
    serde_json::json!({"kind": "legal-entity", "id": {"bin": "050440000012"}, "name": "ТОО \"ТАНБА ТЕСТ\""})
}

/// A licence issued by the test organisation (BIN 050440000012) on 2026-05-25.
pub fn licence(issuing_bin: &str, holder_iin: &str) -> ResultDocument {
    let mut v = example_json("licence-result.json");
    v["issuing_body"]["bin"] = issuing_bin.into();
    v["holder"] = serde_json::json!({"id": {"iin": holder_iin}, "name": "ЖК ИВАНОВ ИВАН"});
    v["issued_at"] = "2026-05-25T15:20:00+05:00".into();
    ResultDocument::from_json(
        &serde_json::to_vec(&v).unwrap(),
        "2026-05-25T15:20:00+05:00".parse().unwrap(),
    )
    .unwrap()
}

//! The licensing flow as a library user writes it, on the generated test PKI
//! (`testdata/pki`): an applicant signs an application after the pre-sign checks, the
//! provider issues and signs a licence, a third party verifies it.
//!
//! `cargo run -p tanba-egov --example licence_flow`

use std::path::Path;

use tanba_egov::{
    sign_application, sign_result, verify_result, Application, BuildContext, CertChecker, Decision,
    Holder, IssuingBody, ResultDocument, ResultKind, ResultVerifyOptions, Timestamp,
};
use tanba_keys::{KeySelector, Keystore};

fn read(rel: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    std::fs::read(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn signer(name: &str) -> tanba_crypto::KeySigner {
    let mut certs = read(&format!("pki/certs/{name}.pem"));
    certs.extend_from_slice(&read("pki/certs/ca.pem"));
    Keystore::from_pkcs8(&read(&format!("pki/keys/{name}.key.pem")), None, &certs)
        .and_then(|k| k.signer(&KeySelector::Single))
        .expect("test key")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Trust the test root (+ its CA), with the CRLs as revocation evidence.
    let mut checker = CertChecker::new();
    checker.add_trust(&read("pki/certs/root.pem"))?;
    checker.add_trust(&read("pki/certs/ca.pem"))?;
    checker.add_crl(&read("pki/crl/ca.crl"))?;
    checker.add_crl(&read("pki/crl/ca_delta.crl"))?;
    let applicant_checker = checker
        .clone()
        .at(time::macros::datetime!(2026-05-20 10:00 +05:00));

    // 1. The applicant: JSON form -> application -> pre-sign checks -> signature.
    let mut form: serde_json::Value =
        serde_json::from_slice(&read("examples/import-licence.json"))?;
    form["applicant"] = serde_json::json!({"kind": "individual-entrepreneur", "id": {"iin": "900101300007"}, "name": "ЖК ИВАНОВ ИВАН"});
    let ctx = BuildContext {
        id: "APP-EXAMPLE-1".parse()?,
        now: "2026-05-20T10:00:00+05:00".parse()?,
        attachments_dir: None,
    };
    let app = Application::from_json(&serde_json::to_vec(&form)?, &ctx)?;
    let signed = sign_application(
        &app.to_xml(),
        &signer("individual"),
        &applicant_checker,
        None,
    )?;
    println!(
        "application {} signed by {}",
        app.id,
        signed.signer.describe()
    );

    // 2. The provider issues a licence, signed by an employee of the issuing body.
    let issued_at: Timestamp = "2026-05-25T15:20:00+05:00".parse()?;
    let licence = ResultDocument {
        kind: ResultKind::Licence,
        number: "KZ26VEI00000001".parse()?,
        issue_date: "25.05.2026".parse()?,
        issued_at,
        validity: None,
        holder: Holder {
            id: app.applicant.id.clone(),
            name: app.applicant.name.clone(),
        },
        issuing_body: IssuingBody {
            name: "ТОО \"ТАНБА ТЕСТ\"".parse()?,
            bin: "050440000012".parse()?,
        },
        service_code: app.service.code.clone(),
        application_id: app.id.clone(),
        decision: Decision {
            text: Some("Лицензия берілді".parse()?),
            sub_types: Vec::new(),
        },
    };
    let licence_xml = sign_result(&licence.to_xml(), &signer("employee"), &checker)?.xml;

    // 3. Anyone verifies it (the certificate is judged at the issue time it claims).
    let report = verify_result(&licence_xml, &checker, &ResultVerifyOptions::default())?;
    for c in &report.checks {
        println!(
            "[{}] {}: {}",
            if c.ok { "ok" } else { "FAILED" },
            c.name,
            c.detail
        );
    }
    println!("licence valid: {}", report.valid);
    Ok(())
}

//! Applicant signing, operator countersignature and their verification with the generated
//! KZ-profile test PKI: every pre-sign check and its refusal.

mod common;

use common::*;
use tanba_egov::{
    countersign_application, sign_application, verify_application, EgovError, SignerRole,
};

fn refusal(e: EgovError) -> String {
    match e {
        EgovError::EdsNotConfirmed { .. } => e.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn individual_entrepreneur_signs_and_the_signature_verifies() {
    let app = import_app(ivanov());
    let signed = sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap();
    assert_eq!(signed.signer.iin.as_deref(), Some("900101300007"));
    assert!(signed.report.is_valid());
    let v = verify_application(&signed.xml, &checker(), None).unwrap();
    assert!(v.valid, "{:?}", v.failures);
    assert_eq!(v.signers.len(), 1);
    assert_eq!(v.signers[0].role, SignerRole::Applicant);
    assert_eq!(v.application.as_ref(), Some(&app));
    // xmlsec1, an independent verifier, accepts the signature with the test chain.
    xmlsec_verify(&signed.xml).unwrap();
}

fn xmlsec_verify(xml: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("signed.xml");
    std::fs::write(&f, xml).unwrap();
    let out = std::process::Command::new("xmlsec1")
        .args([
            "--verify",
            "--enabled-reference-uris",
            "empty,same-doc",
            "--verification-time",
            "2026-06-01 00:00:00",
        ])
        .arg("--trusted-pem")
        .arg(tanba_testdata::own("pki/certs/root.pem"))
        .arg("--untrusted-pem")
        .arg(tanba_testdata::own("pki/certs/ca.pem"))
        .arg(&f)
        .output()
        .unwrap_or_else(|e| panic!("xmlsec1 is required for this test: {e}"));
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn iin_mismatch_is_refused() {
    let app = import_app(
        serde_json::json!({"kind": "individual", "id": {"iin": "123456789011"}, "name": "ТЕСТОВ ТЕСТ"}),
    );
    let e = refusal(
        sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap_err(),
    );
    assert!(e.starts_with("authenticity of the EDS not confirmed: identifier: IIN mismatch: expected 123456789011, certificate has 900101300007"), "{e}");
}

#[test]
fn legal_entity_head_signs_but_bin_mismatch_and_plain_employee_are_refused() {
    let app = import_app(tanba_llp());
    let signed = sign_application(&app.to_xml(), &signer("head"), &checker(), None).unwrap();
    assert_eq!(signed.signer.bin.as_deref(), Some("050440000012"));
    assert!(
        verify_application(&signed.xml, &checker(), None)
            .unwrap()
            .valid
    );

    let other = import_app(
        serde_json::json!({"kind": "legal-entity", "id": {"bin": "990340005977"}, "name": "ТОО \"БАСҚА\""}),
    );
    let e =
        refusal(sign_application(&other.to_xml(), &signer("head"), &checker(), None).unwrap_err());
    assert!(
        e.contains("identifier: BIN mismatch: expected 990340005977, certificate has 050440000012"),
        "{e}"
    );

    // Same BIN, but an employee has no right to sign for the organisation.
    let e = refusal(
        sign_application(&app.to_xml(), &signer("employee"), &checker(), None).unwrap_err(),
    );
    assert!(e.contains("role: has none of the required roles"), "{e}");

    // An individual's certificate (no BIN at all) cannot sign for a legal entity.
    let e = refusal(
        sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap_err(),
    );
    assert!(e.contains("the certificate has no BIN"), "{e}");
}

#[test]
fn auth_key_revoked_and_expired_signers_are_refused() {
    let app = import_app(ivanov());
    let e = refusal(
        sign_application(&app.to_xml(), &signer("wrong_ku"), &checker(), None).unwrap_err(),
    );
    assert!(e.contains("key usage:"), "{e}");
    let e =
        refusal(sign_application(&app.to_xml(), &signer("revoked"), &checker(), None).unwrap_err());
    assert!(e.contains("revocation:"), "{e}");
    let e =
        refusal(sign_application(&app.to_xml(), &signer("expired"), &checker(), None).unwrap_err());
    assert!(e.contains("validity: expired"), "{e}");
}

#[test]
fn without_revocation_evidence_signing_is_refused_under_hard_fail() {
    let mut c = tanba_egov::CertChecker::new().at(time::macros::datetime!(2026-06-01 00:00 UTC));
    c.add_trust(&pki("certs/root.pem")).unwrap();
    c.add_trust(&pki("certs/ca.pem")).unwrap();
    let app = import_app(ivanov());
    let e = refusal(sign_application(&app.to_xml(), &signer("individual"), &c, None).unwrap_err());
    assert!(e.contains("revocation:"), "{e}");
    // Explicitly switched off, it signs (and the report says revocation was skipped).
    let s = sign_application(
        &app.to_xml(),
        &signer("individual"),
        &c.without_revocation(),
        None,
    )
    .unwrap();
    assert!(s
        .report
        .checks
        .iter()
        .any(|c| c.detail.contains("revocation not checked")));
}

#[test]
fn operator_countersignature_reports_both_signers() {
    let app = import_app(ivanov());
    let signed = sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap();
    let counter = countersign_application(
        &signed.xml,
        &signer("employee"),
        &checker(),
        Some("050440000012"),
    )
    .unwrap();
    let v = verify_application(&counter.xml, &checker(), None).unwrap();
    assert!(v.valid, "{:?}", v.failures);
    assert_eq!(v.signers.len(), 2);
    assert_eq!(v.signers[0].role, SignerRole::Applicant);
    assert_eq!(v.signers[0].signer.iin.as_deref(), Some("900101300007"));
    assert_eq!(v.signers[1].role, SignerRole::Operator);
    assert_eq!(v.signers[1].signer.bin.as_deref(), Some("050440000012"));
    assert!(
        v.signers[1]
            .signer
            .roles
            .iter()
            .any(|r| r.code == "employee"),
        "{:?}",
        v.signers[1].signer.roles
    );

    // An individual is not an operator.
    let e = refusal(
        countersign_application(&signed.xml, &signer("individual"), &checker(), None).unwrap_err(),
    );
    assert!(e.contains("role:"), "{e}");
    // Nothing to countersign.
    assert!(matches!(
        countersign_application(&app.to_xml(), &signer("employee"), &checker(), None),
        Err(EgovError::State(_))
    ));
    // Signing twice as the applicant is refused.
    assert!(matches!(
        sign_application(&signed.xml, &signer("individual"), &checker(), None),
        Err(EgovError::State(_))
    ));
}

#[test]
fn altered_attachment_blocks_signing_and_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("contract.pdf"),
        b"%PDF-1.4\n% tanba example scan\n",
    )
    .unwrap();
    let app = import_app(ivanov());
    let signed = sign_application(
        &app.to_xml(),
        &signer("individual"),
        &checker(),
        Some(dir.path()),
    )
    .unwrap();
    assert!(
        verify_application(&signed.xml, &checker(), Some(dir.path()))
            .unwrap()
            .valid
    );

    std::fs::write(
        dir.path().join("contract.pdf"),
        b"%PDF-1.4\n% tanba example scaN\n",
    )
    .unwrap();
    let v = verify_application(&signed.xml, &checker(), Some(dir.path())).unwrap();
    assert!(!v.valid);
    assert!(
        v.failures
            .iter()
            .any(|f| f.starts_with("attachment contract.pdf: altered")),
        "{:?}",
        v.failures
    );
    match sign_application(
        &app.to_xml(),
        &signer("individual"),
        &checker(),
        Some(dir.path()),
    ) {
        Err(EgovError::Attachments { problems }) => {
            assert!(problems[0].starts_with("contract.pdf: altered"))
        }
        other => panic!("{other:?}"),
    }
    std::fs::remove_file(dir.path().join("contract.pdf")).unwrap();
    let v = verify_application(&signed.xml, &checker(), Some(dir.path())).unwrap();
    assert!(
        v.failures
            .iter()
            .any(|f| f == "attachment contract.pdf: missing"),
        "{:?}",
        v.failures
    );
}

#[test]
fn tampered_application_fails_verification() {
    let app = import_app(ivanov());
    let signed = sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap();
    let s = String::from_utf8(signed.xml).unwrap();
    let tampered = s.replace("<Value>125000.00</Value>", "<Value>12500.00</Value>");
    assert_ne!(s, tampered);
    match verify_application(tampered.as_bytes(), &checker(), None) {
        Ok(v) => {
            assert!(!v.valid);
            assert!(v.application.is_none(), "no data from a broken signature");
        }
        Err(EgovError::Signature(_)) => {}
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn a_representative_signs_with_their_own_certificate() {
    let mut v = example_json("qualification-conformity.json");
    v["representative"]["iin"] = "900101300007".into();
    let app = tanba_egov::Application::from_json(&serde_json::to_vec(&v).unwrap(), &ctx()).unwrap();
    // The applicant is another person (IIN 123456789012); the representative holding the
    // notarial power of attorney signs.
    let signed = sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap();
    assert_eq!(signed.signer.iin.as_deref(), Some("900101300007"));
    assert!(
        verify_application(&signed.xml, &checker(), None)
            .unwrap()
            .valid
    );
    // Someone else's certificate is refused.
    v["representative"]["iin"] = "791028302728".into();
    let app = tanba_egov::Application::from_json(&serde_json::to_vec(&v).unwrap(), &ctx()).unwrap();
    let e = refusal(
        sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap_err(),
    );
    assert!(e.contains("IIN mismatch: expected 791028302728"), "{e}");
}

/// A first-head role without the legal-entity marker EKU does not sign for an organisation.
#[test]
fn signing_role_without_the_legal_entity_marker_is_refused() {
    let odd = issue_leaf(
        "АХМЕТОВА АЙГУЛЬ",
        "051231600017",
        Some(("ТОО \"ТАНБА ТЕСТ\"", "050440000012")),
        &[FIRST_HEAD],
        2,
    );
    let app = import_app(tanba_llp());
    let e = refusal(sign_application(&app.to_xml(), &odd, &checker(), None).unwrap_err());
    assert!(e.contains("legal-entity marker"), "{e}");
    let proper = issue_leaf(
        "АХМЕТОВА АЙГУЛЬ",
        "051231600017",
        Some(("ТОО \"ТАНБА ТЕСТ\"", "050440000012")),
        &[LEGAL_ENTITY, FIRST_HEAD],
        3,
    );
    sign_application(&app.to_xml(), &proper, &checker(), None).unwrap();
}

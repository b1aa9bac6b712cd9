//! Issuing and verifying a licence with the generated test PKI: the provider signs as an
//! employee of the issuing body; a third party verifies; every named failure.

mod common;

use common::*;
use tanba_egov::{
    sign_result, verify_result, EgovError, ResultVerification, ResultVerifyOptions, TaxId,
};

const BODY_BIN: &str = "050440000012";

fn failed(v: &ResultVerification) -> Vec<String> {
    v.failures().map(|c| c.name.clone()).collect()
}

fn issued() -> Vec<u8> {
    let r = licence(BODY_BIN, "900101300007");
    sign_result(&r.to_xml(), &signer("employee"), &checker())
        .unwrap()
        .xml
}

#[test]
fn licence_signed_by_an_employee_of_the_issuing_body_verifies() {
    let xml = issued();
    let v = verify_result(&xml, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert!(v.valid, "{:?}", v.checks);
    let names: Vec<&str> = v.checks.iter().map(|c| c.name.as_str()).collect();
    for want in [
        "signature",
        "signed-content",
        "document",
        "chain",
        "validity",
        "revocation",
        "key-usage",
        "issuing-body",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let r = v.result.unwrap();
    assert_eq!(r.number.as_str(), "KZ26VEI00012345");
    assert_eq!(v.signer.unwrap().iin.as_deref(), Some("791028302728"));

    let holder = ResultVerifyOptions {
        expected_holder: Some(TaxId::Iin("900101300007".parse().unwrap())),
    };
    assert!(verify_result(&xml, &checker(), &holder).unwrap().valid);
    let other = ResultVerifyOptions {
        expected_holder: Some(TaxId::Iin("123456789011".parse().unwrap())),
    };
    let v = verify_result(&xml, &checker(), &other).unwrap();
    assert_eq!(failed(&v), ["holder"]);
}

#[test]
fn altered_licence_number_fails_and_reports_no_data() {
    let xml = String::from_utf8(issued()).unwrap();
    let tampered = xml.replace("KZ26VEI00012345", "KZ26VEI00012346");
    let v = verify_result(
        tampered.as_bytes(),
        &checker(),
        &ResultVerifyOptions::default(),
    )
    .unwrap();
    assert!(!v.valid);
    assert_eq!(failed(&v), ["signature"]);
    assert!(
        v.result.is_none(),
        "data of an unsigned document must not be reported"
    );
}

#[test]
fn licence_signed_by_an_employee_of_another_body_fails() {
    // The provider side refuses to sign for a body the signer does not belong to ...
    let r = licence("990340005977", "900101300007");
    match sign_result(&r.to_xml(), &signer("employee"), &checker()) {
        Err(EgovError::EdsNotConfirmed { failed }) => assert!(
            failed.iter().any(|f| f.contains("BIN mismatch")),
            "{failed:?}"
        ),
        other => panic!("{other:?}"),
    }
    // ... and a document signed anyway (straight through the XMLDSig layer) fails the
    // holder-side check by name.
    let forged = tanba_dsig::sign(
        &r.to_xml(),
        &signer("employee"),
        &tanba_dsig::SignOptions::default(),
    )
    .unwrap();
    let v = verify_result(&forged, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert_eq!(failed(&v), ["issuing-body"]);
    assert!(v.checks.iter().any(|c| c.name == "issuing-body"
        && c.detail
            .contains("differs from the issuing body's BIN 990340005977")));

    // An individual (no organisation) signing for the body fails the same check.
    let r = licence(BODY_BIN, "900101300007");
    let forged = tanba_dsig::sign(
        &r.to_xml(),
        &signer("individual"),
        &tanba_dsig::SignOptions::default(),
    )
    .unwrap();
    let v = verify_result(&forged, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert!(failed(&v).contains(&"issuing-body".to_string()));
}

#[test]
fn certificate_is_judged_at_the_issue_time_the_document_claims() {
    // No fixed "as of": the checker uses the document's IssuedAt (2026-05-25), when the
    // CRLs are current.
    let mut c = tanba_egov::CertChecker::new();
    c.add_trust(&pki("certs/root.pem")).unwrap();
    c.add_trust(&pki("certs/ca.pem")).unwrap();
    c.add_crl(&pki("crl/ca.crl")).unwrap();
    c.add_crl(&pki("crl/ca_delta.crl")).unwrap();
    let v = verify_result(&issued(), &c, &ResultVerifyOptions::default()).unwrap();
    assert!(v.valid, "{:?}", v.checks);
    assert_eq!(
        v.certificate.unwrap().validated_at,
        time::macros::datetime!(2026-05-25 15:20 +05:00)
    );
}

#[test]
fn revoked_and_expired_issuers_fail_by_name() {
    let r = licence(BODY_BIN, "900101300007");
    // These signers are individuals, so "issuing-body" fails too; what matters here is
    // that the certificate problem itself is named.
    let forged = tanba_dsig::sign(
        &r.to_xml(),
        &signer("revoked"),
        &tanba_dsig::SignOptions::default(),
    )
    .unwrap();
    let v = verify_result(&forged, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert!(
        failed(&v).contains(&"revocation".to_string()),
        "{:?}",
        v.checks
    );
    let forged = tanba_dsig::sign(
        &r.to_xml(),
        &signer("expired"),
        &tanba_dsig::SignOptions::default(),
    )
    .unwrap();
    let v = verify_result(&forged, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert!(
        failed(&v).contains(&"validity".to_string()),
        "{:?}",
        v.checks
    );
    let forged = tanba_dsig::sign(
        &r.to_xml(),
        &signer("wrong_ku"),
        &tanba_dsig::SignOptions::default(),
    )
    .unwrap();
    let v = verify_result(&forged, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert!(
        failed(&v).contains(&"key-usage".to_string()),
        "{:?}",
        v.checks
    );
}

#[test]
fn untrusted_issuer_fails_the_chain() {
    let mut c = tanba_egov::CertChecker::new().without_revocation();
    c.add_trust(&pki("certs/ocsp.pem")).ok();
    let v = verify_result(&issued(), &c, &ResultVerifyOptions::default()).unwrap();
    assert!(failed(&v).contains(&"chain".to_string()), "{:?}", v.checks);
}

/// A licence signed by an independent implementation (xmlsec1, enveloped RSA-SHA256 with
/// the employee's key) verifies with tanba; the same file altered does not.
#[test]
fn licence_signed_by_xmlsec1_verifies() {
    let r = licence(BODY_BIN, "900101300007");
    let xml = String::from_utf8(r.to_xml()).unwrap();
    let template = xml.replace(
        "</Result>",
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>\
         <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
         <ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
         <ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"/></ds:Transforms>\
         <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>\
         <ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></Result>",
    );
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("template.xml");
    std::fs::write(&t, template).unwrap();
    let key = tanba_testdata::own("pki/keys/employee.key.pem");
    let cert = tanba_testdata::own("pki/certs/employee.pem");
    let out = std::process::Command::new("xmlsec1")
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(format!("{},{}", key.display(), cert.display()))
        .arg(&t)
        .output()
        .unwrap_or_else(|e| panic!("xmlsec1 is required for this test: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = out.stdout;
    let v = verify_result(&signed, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert!(v.valid, "{:?}", v.checks);
    assert_eq!(v.result.unwrap(), r);
    let altered = String::from_utf8(signed)
        .unwrap()
        .replace("ЖК ИВАНОВ ИВАН", "ЖК ИВАНОВ ИВАНН");
    let v = verify_result(
        altered.as_bytes(),
        &checker(),
        &ResultVerifyOptions::default(),
    )
    .unwrap();
    assert!(!v.valid);
    assert!(v.result.is_none());
}

/// A real employee certificate of another organisation (BIN 990340005977), issued by the
/// same test CA: the provider side refuses, and a licence signed anyway fails by name.
#[test]
fn employee_of_another_organisation_is_not_the_issuing_body() {
    let other = issue_leaf(
        "СЕРІКОВ СЕРІК",
        "870412300416",
        Some(("ТОО \"БАСҚА\"", "990340005977")),
        &[LEGAL_ENTITY, EMPLOYEE],
        1,
    );
    let r = licence(BODY_BIN, "900101300007");
    match sign_result(&r.to_xml(), &other, &checker()) {
        Err(EgovError::EdsNotConfirmed { failed }) => {
            assert!(
                failed.iter().any(|f| f
                    .contains("BIN mismatch: expected 050440000012, certificate has 990340005977")),
                "{failed:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    let forged =
        tanba_dsig::sign(&r.to_xml(), &other, &tanba_dsig::SignOptions::default()).unwrap();
    let v = verify_result(&forged, &checker(), &ResultVerifyOptions::default()).unwrap();
    assert_eq!(failed(&v), ["issuing-body"], "{:?}", v.checks);
    // Its own body's licence, it may sign.
    let own = licence("990340005977", "900101300007");
    let signed = sign_result(&own.to_xml(), &other, &checker()).unwrap();
    assert!(
        verify_result(&signed.xml, &checker(), &ResultVerifyOptions::default())
            .unwrap()
            .valid
    );
}

/// A checker built over a verification-core validator (what the CLI's shared flags make)
/// gives the same verdicts, applies the validator's overrides, sends added evidence to the
/// validator's revocation engine and refuses trust of its own.
#[test]
fn a_checker_over_a_core_validator_uses_its_trust_engine_and_overrides() {
    use std::sync::Arc;
    use tanba_pki::{CertPool, ChainCert, RevocationEngine, UnknownStatus};
    let xml = issued();
    let pool = || {
        let mut p = CertPool::new();
        p.add_anchor(ChainCert::from_bytes(&pki("certs/root.pem")).unwrap());
        p.add_intermediate(ChainCert::from_bytes(&pki("certs/ca.pem")).unwrap());
        p
    };
    let as_of =
        time::OffsetDateTime::parse(AS_OF, &time::format_description::well_known::Rfc3339).unwrap();
    let validator = |engine: RevocationEngine, soft_fail: bool| {
        Arc::new(tanba_validate::Validator::new(
            tanba_validate::TrustConfig {
                pool: pool(),
                revocation: Arc::new(engine),
                overrides: tanba_validate::Overrides {
                    unknown_status: soft_fail.then_some(UnknownStatus::Allow),
                    ..Default::default()
                },
                ..Default::default()
            },
        ))
    };
    // no evidence, hard-fail: the revocation check fails
    let mut c = tanba_egov::CertChecker::from_validator(validator(RevocationEngine::new(), false))
        .at(as_of);
    let v = verify_result(&xml, &c, &ResultVerifyOptions::default()).unwrap();
    assert_eq!(failed(&v), ["revocation"], "{:?}", v.checks);
    // the CRLs added through the checker reach the validator's engine
    c.add_crl(&pki("crl/ca.crl")).unwrap();
    c.add_crl(&pki("crl/ca_delta.crl")).unwrap();
    let v = verify_result(&xml, &c, &ResultVerifyOptions::default()).unwrap();
    assert!(v.valid, "{:?}", v.checks);
    // trust comes from the validator only
    assert!(matches!(
        c.add_trust(&pki("certs/root.pem")),
        Err(EgovError::Invalid { .. })
    ));
    // the validator's soft-fail override applies
    let soft =
        tanba_egov::CertChecker::from_validator(validator(RevocationEngine::new(), true)).at(as_of);
    let v = verify_result(&xml, &soft, &ResultVerifyOptions::default()).unwrap();
    assert!(
        v.valid,
        "soft-fail accepts the unknown status: {:?}",
        v.checks
    );
}

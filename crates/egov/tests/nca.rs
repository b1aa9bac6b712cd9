//! The applicant flow with the real NCA RK test keys (../shared/testdata/nca), validated
//! "as of" moments inside their validity, with the real CRLs as revocation evidence.

mod common;

use tanba_crypto::KeySigner;
use tanba_egov::{sign_application, verify_application, Application, CertChecker, EgovError};
use tanba_keys::{KeyPurpose, KeySelector, Keystore, Password};
use time::macros::datetime;

fn nca_signer(file: &str) -> KeySigner {
    let p12 = tanba_testdata::read_nca(&format!("keys/{file}"));
    let store =
        Keystore::open_pkcs12(&p12, &Password::new(tanba_testdata::nca_password(file))).unwrap();
    store
        .signer(&KeySelector::Single)
        .or_else(|_| store.signer(&KeySelector::Purpose(KeyPurpose::Sign)))
        .unwrap()
}

/// The NCA test CAs as anchors (their roots are not published), test identifiers allowed.
fn nca_checker(at: time::OffsetDateTime, crl: Option<&str>) -> CertChecker {
    let mut c = CertChecker::new().at(at).accept_test_identifiers();
    for ca in [
        "ca/nca_rsa_test.crt",
        "ca/nca_gost_test.crt",
        "ca/nca_gost2015_test.cer",
    ] {
        c.add_anchor(&tanba_testdata::read_nca(ca)).unwrap();
    }
    match crl {
        Some(f) => {
            c.add_crl(&tanba_testdata::read_nca(&format!("crl/{f}")))
                .unwrap();
            c
        }
        None => c.without_revocation(),
    }
}

fn app(applicant: serde_json::Value) -> Application {
    common::import_app(applicant)
}

fn individual(iin: &str) -> serde_json::Value {
    serde_json::json!({"kind": "individual", "id": {"iin": iin}, "name": "ТЕСТОВ ТЕСТ"})
}

fn refusal(r: Result<tanba_egov::Signed, EgovError>) -> String {
    match r {
        Err(e @ EgovError::EdsNotConfirmed { .. }) => e.to_string(),
        Err(other) => panic!("expected a refusal, got {other:?}"),
        Ok(_) => panic!("expected a refusal, got a signature"),
    }
}

#[test]
fn gost_2015_individual_signs_with_crl_evidence_and_verifies() {
    // Valid 2022-07-28 … 2023-07-28; the 2022 GOST CRL covers 2022-07-27 … 2023-01-23.
    let c = nca_checker(
        datetime!(2022-12-01 00:00 UTC),
        Some("nca_gost2022_test.crl"),
    );
    let a = app(individual("123456789012"));
    let signed = sign_application(
        &a.to_xml(),
        &nca_signer("individual_valid_gost_2015.p12"),
        &c,
        None,
    )
    .unwrap();
    assert!(String::from_utf8_lossy(&signed.xml).contains("gostr34102015-gostr34112015-512"));
    let v = verify_application(&signed.xml, &c, None).unwrap();
    assert!(v.valid, "{:?}", v.failures);
    assert_eq!(v.signers[0].signer.iin.as_deref(), Some("123456789012"));
}

#[test]
fn rsa_individual_signs_as_of_its_validity() {
    // Valid 2021-01-18 … 2022-01-18; no revocation evidence from that time exists.
    let c = nca_checker(datetime!(2021-06-01 00:00 UTC), None);
    let a = app(individual("123456789011"));
    let signed = sign_application(
        &a.to_xml(),
        &nca_signer("individual_valid_sign_rsa_2004.p12"),
        &c,
        None,
    )
    .unwrap();
    assert!(verify_application(&signed.xml, &c, None).unwrap().valid);
    // The same key after its expiry.
    let late = nca_checker(datetime!(2022-06-01 00:00 UTC), None);
    let e = refusal(sign_application(
        &a.to_xml(),
        &nca_signer("individual_valid_sign_rsa_2004.p12"),
        &late,
        None,
    ));
    assert!(e.contains("validity: expired"), "{e}");
}

#[test]
fn iin_mismatch_with_a_real_key() {
    let c = nca_checker(
        datetime!(2022-12-01 00:00 UTC),
        Some("nca_gost2022_test.crl"),
    );
    let a = app(individual("123456789011"));
    let e = refusal(sign_application(
        &a.to_xml(),
        &nca_signer("individual_valid_gost_2015.p12"),
        &c,
        None,
    ));
    assert!(
        e.contains("IIN mismatch: expected 123456789011, certificate has 123456789012"),
        "{e}"
    );
}

#[test]
fn revoked_signers_are_refused_on_the_real_crls() {
    let a = app(individual("123456789011"));
    let c = nca_checker(datetime!(2022-06-01 00:00 UTC), Some("nca_rsa_test.crl"));
    let e = refusal(sign_application(
        &a.to_xml(),
        &nca_signer("individual_sign_revoked_rsa_2004.p12"),
        &c,
        None,
    ));
    assert!(
        e.contains("revocation:") && e.to_lowercase().contains("revoked"),
        "{e}"
    );

    let le = app(
        serde_json::json!({"kind": "legal-entity", "id": {"bin": "123456789021"}, "name": "АО \"ТЕСТ\""}),
    );
    let c = nca_checker(
        datetime!(2022-12-01 00:00 UTC),
        Some("nca_gost2022_test.crl"),
    );
    let e = refusal(sign_application(
        &le.to_xml(),
        &nca_signer("ceo_revoked_gost_2015.p12"),
        &c,
        None,
    ));
    assert!(e.contains("revocation:"), "{e}");
}

#[test]
fn auth_key_is_refused_for_signing() {
    let a = app(individual("123456789011"));
    let c = nca_checker(datetime!(2022-06-01 00:00 UTC), None);
    let e = refusal(sign_application(
        &a.to_xml(),
        &nca_signer("individual_auth_revoked_rsa_2004.p12"),
        &c,
        None,
    ));
    assert!(e.contains("key usage:"), "{e}");
}

#[test]
fn bin_mismatch_with_the_real_ceo_key() {
    let c = nca_checker(datetime!(2022-12-01 00:00 UTC), None);
    let own = app(
        serde_json::json!({"kind": "legal-entity", "id": {"bin": "123456789021"}, "name": "АО \"ТЕСТ\""}),
    );
    // The first head of АО "ТЕСТ" may sign for it (revocation switched off here) ...
    sign_application(
        &own.to_xml(),
        &nca_signer("ceo_revoked_gost_2015.p12"),
        &c,
        None,
    )
    .unwrap();
    // ... but not for another organisation.
    let other = app(
        serde_json::json!({"kind": "legal-entity", "id": {"bin": "123456789022"}, "name": "ТОО \"БАСҚА\""}),
    );
    let e = refusal(sign_application(
        &other.to_xml(),
        &nca_signer("ceo_revoked_gost_2015.p12"),
        &c,
        None,
    ));
    assert!(
        e.contains("BIN mismatch: expected 123456789022, certificate has 123456789021"),
        "{e}"
    );
}

/// A licence "issued" by АО "ТЕСТ" (BIN 123456789021) and signed with the real GOST 2015
/// key of its first head — whose certificate NCA revoked on 2022-07-27.
fn nca_licence(issuing_bin: &str, issued_at: &str) -> Vec<u8> {
    let mut v = common::example_json("licence-result.json");
    v["issuing_body"]["bin"] = issuing_bin.into();
    v["issued_at"] = issued_at.into();
    let r = tanba_egov::ResultDocument::from_json(
        &serde_json::to_vec(&v).unwrap(),
        issued_at.parse().unwrap(),
    )
    .unwrap();
    // Straight through the XMLDSig layer: the provider-side check would refuse this key.
    tanba_dsig::sign(
        &r.to_xml(),
        &nca_signer("ceo_revoked_gost_2015.p12"),
        &tanba_dsig::SignOptions::default(),
    )
    .unwrap()
}

fn failed_checks(v: &tanba_egov::ResultVerification) -> Vec<String> {
    v.failures().map(|c| c.name.clone()).collect()
}

#[test]
fn licence_signed_by_a_revoked_nca_key_fails_on_the_real_crl_and_ocsp() {
    let xml = nca_licence("123456789021", "2022-09-01T12:00:00+06:00");
    // The real 2022 GOST CRL, at the issue time the document claims.
    let mut c = CertChecker::new().accept_test_identifiers();
    c.add_anchor(&tanba_testdata::read_nca("ca/nca_gost2015_test.cer"))
        .unwrap();
    c.add_crl(&tanba_testdata::read_nca("crl/nca_gost2022_test.crl"))
        .unwrap();
    let v = tanba_egov::verify_result(&xml, &c, &Default::default()).unwrap();
    assert_eq!(failed_checks(&v), ["revocation"], "{:?}", v.checks);
    assert_eq!(
        v.signer.as_ref().unwrap().bin.as_deref(),
        Some("123456789021")
    );
    // The real OCSP response (revoked, certificateHold) says the same.
    let mut c = CertChecker::new().accept_test_identifiers();
    c.add_anchor(&tanba_testdata::read_nca("ca/nca_gost2015_test.cer"))
        .unwrap();
    c.add_ocsp_response(&tanba_testdata::read_nca(
        "ocsp/ocsp_response_ceo_2015_revoked.bin",
    ))
    .unwrap();
    let v = tanba_egov::verify_result(&xml, &c, &Default::default()).unwrap();
    assert!(
        failed_checks(&v).contains(&"revocation".to_string()),
        "{:?}",
        v.checks
    );
}

#[test]
fn real_nca_key_of_another_body_fails_the_issuing_body_check() {
    let xml = nca_licence("990340005977", "2022-09-01T12:00:00+06:00");
    let c = nca_checker(datetime!(2022-12-01 00:00 UTC), None);
    let v = tanba_egov::verify_result(&xml, &c, &Default::default()).unwrap();
    assert_eq!(failed_checks(&v), ["issuing-body"], "{:?}", v.checks);
    // Tampered: no data reported.
    let t = String::from_utf8(xml)
        .unwrap()
        .replace("KZ26VEI00012345", "KZ26VEI00099999");
    let v = tanba_egov::verify_result(t.as_bytes(), &c, &Default::default()).unwrap();
    assert_eq!(failed_checks(&v), ["signature"]);
    assert!(v.result.is_none());
}

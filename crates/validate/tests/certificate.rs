//! A bare certificate through the core (`Validator::validate_certificate_report`): the
//! same report shape as a document — format `certificate`, one signer entry with the
//! identity and the certificate checks — with the ETSI indication the checks give. Real
//! NCA RK test certificates and OCSP responses, and the generated test PKI's CRLs.

use std::sync::Arc;

use tanba_pki::{CertPool, ChainCert, Crl, OcspResponse, RevocationEngine};
use tanba_validate::{
    CheckOutcome, DocumentFormat, Failed, Indication, Layer, Overrides, TrustConfig, Undetermined,
    Validator,
};
use time::macros::datetime;

fn own(rel: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(&format!("pki/{rel}")))
}

/// The certificate of the NCA test key `individual_valid_sign_rsa_2004.p12` (valid
/// 2021; the OCSP response of the test data speaks of it).
fn nca_cert() -> Vec<u8> {
    let name = "individual_valid_sign_rsa_2004.p12";
    let store = tanba_keys::Keystore::open_pkcs12(
        &tanba_testdata::read_nca(&format!("keys/{name}")),
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap();
    store.entries()[0].certificate().unwrap().der().to_vec()
}

fn nca_validator() -> Validator {
    let mut pool = CertPool::new();
    pool.add_anchor(
        ChainCert::from_bytes(&tanba_testdata::read_nca("ca/nca_rsa_test.crt")).unwrap(),
    );
    let engine = RevocationEngine::new();
    engine.add_ocsp_response(
        OcspResponse::from_der(&tanba_testdata::read_nca(
            "ocsp/ocsp_response_individual_sign_2004.bin",
        ))
        .unwrap(),
    );
    Validator::new(TrustConfig {
        pool,
        revocation: Arc::new(engine),
        overrides: Overrides {
            id_policy: Some(tanba_pki::IdPolicy::AcceptTestIds),
            ..Default::default()
        },
        ..Default::default()
    })
}

#[test]
fn a_valid_nca_certificate_is_total_passed_with_its_identity() {
    let v = nca_validator();
    let cert = nca_cert();
    let policy = v.certificate_policy(Layer::Document, Some(datetime!(2021-06-01 0:00 UTC)));
    let r = v.validate_certificate_report(&cert, &[], &policy);
    assert!(r.is_passed(), "{:?}", r.problems);
    assert_eq!(r.format, DocumentFormat::Certificate);
    assert_eq!(r.validation_time, "2021-06-01T00:00:00Z");
    assert_eq!(r.signers.len(), 1);
    let s = &r.signers[0];
    assert_eq!(
        s.identity.as_ref().unwrap().iin.as_deref(),
        Some("123456789011")
    );
    let names: Vec<&str> = s.checks.iter().map(|c| c.name).collect();
    for want in [
        "certificate_chain",
        "certificate_validity",
        "certificate_key_usage",
        "certificate_revocation",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(s.checks.iter().all(|c| c.outcome == CheckOutcome::Passed));
    // the JSON carries the stable names
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["indication"], "total_passed");
    assert_eq!(j["format"], "certificate");
    assert_eq!(j["signers"][0]["certificate"]["verdict"], "valid");
}

#[test]
fn refused_certificates_get_the_indication_of_their_first_decisive_problem() {
    let v = nca_validator();
    let cert = nca_cert();
    // before its validity: proven not yet valid
    let early = v.certificate_policy(Layer::Document, Some(datetime!(2001-01-01 0:00 UTC)));
    let r = v.validate_certificate_report(&cert, &[], &early);
    assert_eq!(r.indication, Indication::TotalFailed(Failed::NotYetValid));
    assert!(
        r.problems
            .iter()
            .any(|p| p.starts_with("certificate validity")),
        "{:?}",
        r.problems
    );
    // an issuer nobody trusts
    let nobody = Validator::new(TrustConfig::default());
    let r = nobody.validate_certificate_report(
        &cert,
        &[],
        &nobody.certificate_policy(Layer::Document, Some(datetime!(2021-06-01 0:00 UTC))),
    );
    assert_eq!(
        r.indication,
        Indication::Indeterminate(Undetermined::NoCertificateChainFound)
    );
    // not a certificate at all
    let r = v.validate_certificate_report(b"not a certificate", &[], &early);
    assert_eq!(
        r.indication,
        Indication::Indeterminate(Undetermined::CertificateChainGeneralFailure)
    );
    assert!(r.signers[0].identity.is_none());
}

#[test]
fn a_revoked_certificate_is_total_failed_revoked_naming_the_crl() {
    let mut pool = CertPool::new();
    pool.add_anchor(ChainCert::from_bytes(&own("certs/root.pem")).unwrap());
    pool.add_intermediate(ChainCert::from_bytes(&own("certs/ca.pem")).unwrap());
    let engine = RevocationEngine::new();
    engine.add_crl(
        Crl::from_bytes(&own("crl/ca.crl"))
            .unwrap()
            .with_source("ca.crl"),
    );
    let v = Validator::new(TrustConfig {
        pool,
        revocation: Arc::new(engine),
        ..Default::default()
    });
    let policy = v
        .certificate_policy(Layer::Document, Some(datetime!(2026-06-01 0:00 UTC)))
        .to_builder()
        .revocation_sources(tanba_pki::RevocationSources::CrlOnly)
        .build();
    let r = v.validate_certificate_report(&own("certs/revoked.pem"), &[], &policy);
    assert_eq!(r.indication, Indication::TotalFailed(Failed::Revoked));
    let rev = r.signers[0]
        .checks
        .iter()
        .find(|c| c.name == "certificate_revocation")
        .unwrap();
    assert_eq!(rev.outcome, CheckOutcome::Failed);
    assert!(
        rev.reason.contains("keyCompromise") && rev.reason.contains("from ca.crl"),
        "{}",
        rev.reason
    );
    let r = v.validate_certificate_report(&own("certs/individual.pem"), &[], &policy);
    assert!(r.is_passed(), "{:?}", r.problems);
}

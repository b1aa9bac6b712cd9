//! Real Kalkan CAdES-T samples through the core (`testdata/cms/`, MIT-licensed sources
//! named in its README): a verified time stamp's genTime becomes the signer's validation
//! time, a TSA is judged on its own trust, and what cannot be trusted is named.

use std::sync::Arc;

use tanba_pki::{IdPolicy, RevocationSources};
use tanba_validate::{
    CheckOutcome, DocumentFormat, Indication, Overrides, Request, TrustConfig, Undetermined,
    Validator,
};

fn sample(name: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(&format!("cms/{name}")))
}

/// Signers judged against the embedded NCA test set, TSAs against the default (the NCA
/// production and test sets); no revocation (no evidence for 2023 on hand).
fn validator() -> Validator {
    Validator::new(TrustConfig {
        pool: tanba_pki::trust_sets::TrustSet::NcaTest.pool().unwrap(),
        revocation: Arc::new(tanba_pki::RevocationEngine::new()),
        overrides: Overrides {
            revocation: Some(RevocationSources::None),
            id_policy: Some(IdPolicy::AcceptTestIds),
            ..Default::default()
        },
        ..Default::default()
    })
}

#[test]
fn s5_a_production_tsa_proves_the_signing_time_of_an_expired_test_certificate() {
    let r = validator()
        .validate_cms(
            &sample("s5_gost2015_cades_t_production_tsa.der"),
            tanba_cms::Content::Attached,
            &Request::default(),
        )
        .unwrap();
    assert!(r.is_passed(), "{:?}", r.problems);
    assert_eq!(r.format, DocumentFormat::Cms);
    let s = &r.signers[0];
    assert_eq!(
        s.level,
        Some("cms-t"),
        "Kalkan Java's three attributes: not CAdES"
    );
    // the signer's certificate (2023-03-27 – 2024-03-26) is judged at genTime, not now
    assert_eq!(s.validation_time.as_deref(), Some("2023-10-11T09:31:16Z"));
    let ts = s
        .checks
        .iter()
        .find(|c| c.name == "signature_time_stamp")
        .unwrap();
    assert_eq!(ts.outcome, CheckOutcome::Passed);
    assert!(
        ts.reason
            .contains("not of the signer's CA (reported, not enforced)"),
        "{}",
        ts.reason
    );
    assert_eq!(
        s.time_stamp.as_ref().unwrap().policy,
        tanba_cms::tsp::policy::GOST_2004
    );
}

#[test]
fn s6_an_untrusted_tsa_proves_nothing_and_is_named() {
    let cms = sample("s6_gost2015_cades_t_test_tsa.der");
    // signatures and identities only: the token's own facts hold (level T)
    let r = validator()
        .validate_cms(
            &cms,
            tanba_cms::Content::Attached,
            &Request {
                skip_certificates: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(r.is_passed(), "{:?}", r.problems);
    assert_eq!(r.signers[0].level, Some("cms-t"));
    // judged: the test TSA's CA is not trusted, so the time is not proven
    let r = validator()
        .validate_cms(&cms, tanba_cms::Content::Attached, &Request::default())
        .unwrap();
    assert_eq!(
        r.indication,
        Indication::Indeterminate(Undetermined::SigConstraintsFailure)
    );
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("signature time stamp") && p.contains("not trusted at genTime")),
        "{:?}",
        r.problems
    );
}

//! Full validation (`Validator`) of the real NCA RK test certificates: chain to the test
//! CA, validity at an instant, key usage, identifiers, revocation from the real CRLs and
//! OCSP responses. Expected outcomes come from KZ-PKI.md §4 / the testdata README (checked
//! there with openssl), not from this crate.

mod common;

use common::{at, nca_cert, p12_cert};
use tanba_pki::{
    CertPool, CheckKind, Crl, IdPolicy, OcspResponse, Outcome, Policy, Report, RequiredUsage,
    RevocationSources, Role, UnknownStatus, ValidationTime, Validator, Verdict,
};

fn rsa_pool() -> CertPool {
    let mut pool = CertPool::new();
    pool.add_anchor(nca_cert("ca/nca_rsa_test.crt"));
    pool
}

fn base(when: &str) -> tanba_pki::PolicyBuilder {
    Policy::builder()
        .time(ValidationTime::At(at(when)))
        .id_policy(IdPolicy::AcceptTestIds)
}

fn with_rsa_evidence(policy: Policy) -> Validator {
    let mut v = Validator::new(rsa_pool(), policy);
    v.add_crl(Crl::from_bytes(&tanba_testdata::read_nca("crl/nca_rsa_test.crl")).unwrap());
    v.add_ocsp_response(
        OcspResponse::from_der(&tanba_testdata::read_nca(
            "ocsp/ocsp_response_individual_sign_2004.bin",
        ))
        .unwrap(),
    );
    v
}

fn outcome(r: &Report, kind: CheckKind) -> Vec<Outcome> {
    r.checks
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.outcome)
        .collect()
}

#[test]
fn valid_rsa_sign_cert_is_valid_inside_its_validity() {
    let v = with_rsa_evidence(base("2022-06-01T00:00:00Z").build());
    let r = v.validate(
        nca_cert("certs/individual_valid_sign_2004_rsa.cer").der(),
        &[],
    );
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    assert_eq!(r.path.len(), 2);
    assert_eq!(outcome(&r, CheckKind::Revocation), vec![Outcome::Pass]);
    assert_eq!(
        outcome(&r, CheckKind::Validity),
        vec![Outcome::Pass, Outcome::Pass]
    );
    assert!(r.refusal().is_none());
}

#[test]
fn valid_rsa_cert_expired_after_its_validity() {
    let v = with_rsa_evidence(base("2023-02-01T00:00:00Z").build());
    let r = v.validate(
        nca_cert("certs/individual_valid_sign_2004_rsa.cer").der(),
        &[],
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.checks.iter().any(|c| c.kind == CheckKind::Validity
        && c.outcome == Outcome::Fail
        && c.detail.contains("expired")));
    // The only CRL is stale by then: revocation is unknown, not good.
    assert_eq!(outcome(&r, CheckKind::Revocation), vec![Outcome::Unknown]);
    let refusal = r.refusal().unwrap();
    assert!(
        refusal.contains("validity") && refusal.contains("revocation"),
        "{refusal}"
    );
}

#[test]
fn revoked_rsa_keys_are_refused_for_revocation() {
    for f in [
        "individual_sign_revoked_rsa_2004.p12",
        "individual_auth_revoked_rsa_2004.p12",
    ] {
        let v = with_rsa_evidence(
            base("2022-06-01T00:00:00Z")
                .required_usage(RequiredUsage::Any)
                .build(),
        );
        let r = v.validate(p12_cert(f).der(), &[]);
        assert_eq!(r.verdict, Verdict::Invalid, "{f}");
        let rev: Vec<_> = r
            .checks
            .iter()
            .filter(|c| c.kind == CheckKind::Revocation)
            .collect();
        assert_eq!(rev.len(), 1);
        assert_eq!(rev[0].outcome, Outcome::Fail);
        assert!(rev[0].detail.contains("superseded"), "{}", rev[0].detail);
        assert!(r.refusal().unwrap().contains("revocation"));
        assert!(!r.has_problem(CheckKind::Validity));
        assert!(!r.has_problem(CheckKind::Identifier));
    }
}

#[test]
fn valid_key_is_good_per_the_real_ocsp_response() {
    // individual_valid_sign_rsa_2004: valid 2021-01-18 … 2022-01-18; the stored OCSP
    // answer (2022-09-02) says good.
    let policy = base("2021-06-01T00:00:00Z")
        .revocation_sources(RevocationSources::OcspOnly)
        .build();
    let v = with_rsa_evidence(policy);
    let r = v.validate(p12_cert("individual_valid_sign_rsa_2004.p12").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    let rev = r
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    assert!(rev.detail.contains("OCSP"), "{}", rev.detail);
}

#[test]
fn auth_cert_fails_sign_usage_but_passes_auth() {
    let cert = nca_cert("certs/individual_valid_sign_2004_rsa_auth.cer");
    let r = with_rsa_evidence(base("2022-06-01T00:00:00Z").build()).validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(outcome(&r, CheckKind::KeyUsage), vec![Outcome::Fail]);
    let r = with_rsa_evidence(
        base("2022-06-01T00:00:00Z")
            .required_usage(RequiredUsage::Auth)
            .build(),
    )
    .validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
}

#[test]
fn identifiers_must_match_and_pass_the_policy() {
    let cert = nca_cert("certs/individual_valid_sign_2004_rsa.cer");
    // The right IIN.
    let r = with_rsa_evidence(
        base("2022-06-01T00:00:00Z")
            .expected_iin("123456789011")
            .build(),
    )
    .validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    // A wrong IIN: the identifier reason, and only it.
    let r = with_rsa_evidence(
        base("2022-06-01T00:00:00Z")
            .expected_iin("123456789012")
            .build(),
    )
    .validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let refusal = r.refusal().unwrap();
    assert!(
        refusal.contains("identifier") && refusal.contains("mismatch"),
        "{refusal}"
    );
    assert!(
        !refusal.contains("validity:") && !refusal.contains("revocation:"),
        "{refusal}"
    );
    // An individual certificate has no BIN.
    let r = with_rsa_evidence(
        base("2022-06-01T00:00:00Z")
            .expected_bin("123456789021")
            .build(),
    )
    .validate(cert.der(), &[]);
    assert!(r.has_problem(CheckKind::Identifier));
    // Without the test-identifier switch the NCA test IIN fails the checksum.
    let policy = Policy::builder()
        .time(ValidationTime::At(at("2022-06-01T00:00:00Z")))
        .build();
    let r = with_rsa_evidence(policy).validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(outcome(&r, CheckKind::Identifier), vec![Outcome::Fail]);
}

#[test]
fn required_role() {
    let cert = nca_cert("certs/individual_valid_sign_2004_rsa.cer");
    let r = with_rsa_evidence(
        base("2022-06-01T00:00:00Z")
            .require_any_role(Role::Individual)
            .build(),
    )
    .validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid);
    let r = with_rsa_evidence(
        base("2022-06-01T00:00:00Z")
            .require_any_role(Role::FirstHead)
            .build(),
    )
    .validate(cert.der(), &[]);
    assert_eq!(outcome(&r, CheckKind::Role), vec![Outcome::Fail]);
}

#[test]
fn hard_fail_and_soft_fail_without_revocation_evidence() {
    let cert = nca_cert("certs/individual_valid_sign_2004_rsa.cer");
    let r =
        Validator::new(rsa_pool(), base("2022-06-01T00:00:00Z").build()).validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(outcome(&r, CheckKind::Revocation), vec![Outcome::Unknown]);
    let r = Validator::new(
        rsa_pool(),
        base("2022-06-01T00:00:00Z")
            .unknown_status(UnknownStatus::Allow)
            .build(),
    )
    .validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(outcome(&r, CheckKind::Revocation), vec![Outcome::Unknown]);
    let r = Validator::new(
        rsa_pool(),
        base("2022-06-01T00:00:00Z")
            .revocation_sources(RevocationSources::None)
            .build(),
    )
    .validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(outcome(&r, CheckKind::Revocation), vec![Outcome::Skipped]);
}

#[test]
fn untrusted_issuer_has_no_path() {
    let mut pool = CertPool::new();
    pool.add_anchor(nca_cert("ca/nca_gost2015_test.cer"));
    let r = Validator::new(pool, base("2022-06-01T00:00:00Z").build()).validate(
        nca_cert("certs/individual_valid_sign_2004_rsa.cer").der(),
        &[],
    );
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(outcome(&r, CheckKind::Path), vec![Outcome::Fail]);
    assert!(r.path.is_empty());
}

#[test]
fn pool_from_the_trust_store_folder() {
    let mut store = tanba_pki::TrustStore::new();
    store
        .add_path(tanba_testdata::nca("ca"), tanba_pki::TrustRole::Anchor)
        .unwrap();
    let (pool, errors) = CertPool::from_trust_store(&store);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(pool.anchors().len(), 3);
    let mut v = Validator::new(pool, base("2022-06-01T00:00:00Z").build());
    v.add_crl(Crl::from_bytes(&tanba_testdata::read_nca("crl/nca_rsa_test.crl")).unwrap());
    let r = v.validate(
        nca_cert("certs/individual_valid_sign_2004_rsa.cer").der(),
        &[],
    );
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
}

#[test]
fn garbage_certificate_is_a_parse_failure() {
    let r = Validator::new(rsa_pool(), base("2022-06-01T00:00:00Z").build())
        .validate(b"\x30\x03\x02\x01", &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(outcome(&r, CheckKind::Parse), vec![Outcome::Fail]);
}

#[test]
fn signing_time_is_the_validation_instant() {
    // A signature made (per a trusted timestamp) while the certificate was valid is judged
    // at that time, even though the certificate expired long ago.
    let policy = Policy::builder()
        .time(ValidationTime::SigningTime(at("2022-06-01T00:00:00Z")))
        .id_policy(IdPolicy::AcceptTestIds)
        .build();
    let r = with_rsa_evidence(policy).validate(
        nca_cert("certs/individual_valid_sign_2004_rsa.cer").der(),
        &[],
    );
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    assert!(r
        .checks
        .iter()
        .any(|c| c.kind == CheckKind::Validity && c.detail.contains("signing time")));
    // "Now" (years later) the same certificate is expired and its CRL stale.
    let r = with_rsa_evidence(Policy::builder().id_policy(IdPolicy::AcceptTestIds).build())
        .validate(
            nca_cert("certs/individual_valid_sign_2004_rsa.cer").der(),
            &[],
        );
    assert!(r.has_problem(CheckKind::Validity) && r.has_problem(CheckKind::Revocation));
}

#[test]
fn policy_defaults_are_the_safe_ones() {
    let p = Policy::default();
    assert_eq!(p.time(), ValidationTime::Now);
    assert_eq!(p.sources(), RevocationSources::OcspThenCrl);
    assert_eq!(p.unknown_status(), UnknownStatus::Deny);
    assert_eq!(p.required_usage(), RequiredUsage::Sign);
    assert_eq!(p.id_policy(), IdPolicy::ChecksumOnly);
    assert!(!p.algorithms().legacy_allowed());
}

#[test]
fn revoked_after_the_signing_time_for_a_benign_reason_is_accepted() {
    // individual_sign_revoked_rsa_2004: revoked 2022-01-18 04:40:24, superseded (benign).
    // Signed (per a timestamp) a minute earlier: the default policy accepts it.
    let cert = p12_cert("individual_sign_revoked_rsa_2004.p12");
    let policy = Policy::builder()
        .time(ValidationTime::SigningTime(at("2022-01-18T04:39:40Z")))
        .id_policy(IdPolicy::AcceptTestIds)
        .revocation_sources(RevocationSources::CrlOnly)
        .build();
    let r = with_rsa_evidence(policy).validate(cert.der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    let c = r
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    assert!(
        c.detail.contains("revoked later") && c.detail.contains("superseded"),
        "{}",
        c.detail
    );
}

/// The verdict cache answers a repeated validation with the same report, and never one
/// of another instant, policy or certificate.
#[test]
fn the_verdict_cache_keys_on_certificate_policy_and_instant() {
    let leaf = p12_cert("individual_valid_sign_rsa_2004.p12");
    let revoked = p12_cert("individual_sign_revoked_rsa_2004.p12");
    let mut cached = with_rsa_evidence(base("2021-06-01T00:00:00Z").build());
    cached.with_verdict_cache(16);
    let plain = with_rsa_evidence(base("2021-06-01T00:00:00Z").build());
    let policies = [
        base("2021-06-01T00:00:00Z").build(),
        base("2023-06-01T00:00:00Z").build(),
        base("2021-06-01T00:00:00Z")
            .required_usage(RequiredUsage::Auth)
            .build(),
    ];
    for _ in 0..2 {
        for p in &policies {
            for c in [&leaf, &revoked] {
                let a = cached.validate_with(c.der(), &[], p);
                let b = plain.validate_with(c.der(), &[], p);
                assert_eq!(a.verdict, b.verdict, "{p:?}");
                assert_eq!(a.validated_at, b.validated_at);
                assert_eq!(a.refusal(), b.refusal());
            }
        }
    }
    assert_eq!(
        cached.validate_with(leaf.der(), &[], &policies[0]).verdict,
        Verdict::Valid
    );
    assert_eq!(
        cached
            .validate_with(revoked.der(), &[], &policies[0])
            .verdict,
        Verdict::Invalid
    );
    assert_eq!(
        cached.validate_with(leaf.der(), &[], &policies[1]).verdict,
        Verdict::Invalid,
        "expired in 2023: not the 2021 verdict"
    );
}

//! The real NCA RK GOST chains (GOST 34.310-2004 and GOST R 34.10-2015-512): CRL and OCSP
//! signatures, revoked keys found revoked, valid ones good inside their validity, the
//! 1970 "not issued" OCSP answer read as unknown — all through tanba-crypto's GOST
//! verification. Expected statuses: KZ-PKI.md §4 / the testdata README.

mod common;

use common::{at, nca_cert, p12_cert};
use tanba_crypto::AlgorithmPolicy;
use tanba_pki::ocsp::{OcspCheck, OcspResponse, OcspStatus};
use tanba_pki::{
    CertPool, CheckKind, Crl, IdPolicy, Outcome, Policy, RevocationReason, RevocationSources,
    ValidationTime, Validator, Verdict,
};

fn crl(name: &str) -> Crl {
    Crl::from_bytes(&tanba_testdata::read_nca(&format!("crl/{name}"))).unwrap()
}

fn ocsp(name: &str) -> OcspResponse {
    OcspResponse::from_der(&tanba_testdata::read_nca(&format!("ocsp/{name}"))).unwrap()
}

fn opts(when: &str) -> OcspCheck<'static> {
    OcspCheck {
        at: at(when),
        nonce: None,
        max_age: time::Duration::days(1),
        algorithms: AlgorithmPolicy::strict(),
    }
}

#[test]
fn gost_crl_signatures_verify_against_their_cas() {
    let strict = AlgorithmPolicy::strict();
    crl("nca_gost_test.crl")
        .verify_signature(nca_cert("ca/nca_gost_test.crt").spki_der(), &strict)
        .unwrap();
    crl("nca_gost2022_test.crl")
        .verify_signature(nca_cert("ca/nca_gost2015_test.cer").spki_der(), &strict)
        .unwrap();
    // Tampered: one bit of a listed serial (inside the signed part) changed.
    let mut der = tanba_testdata::read_nca("crl/nca_gost2022_test.crl");
    let serial = hex::decode("3A90343E720594C5").unwrap();
    let pos = der.windows(8).position(|w| w == serial.as_slice()).unwrap();
    der[pos + 7] ^= 0x01;
    let t = Crl::from_bytes(&der).unwrap();
    assert!(t
        .verify_signature(nca_cert("ca/nca_gost2015_test.cer").spki_der(), &strict)
        .is_err());
}

fn validator(
    ca: &str,
    crl_name: &str,
    ocsp_name: Option<&str>,
    when: &str,
    src: RevocationSources,
) -> Validator {
    let mut pool = CertPool::new();
    pool.add_anchor(nca_cert(ca));
    let policy = Policy::builder()
        .time(ValidationTime::At(at(when)))
        .id_policy(IdPolicy::AcceptTestIds)
        .revocation_sources(src)
        .build();
    let mut v = Validator::new(pool, policy);
    v.add_crl(crl(crl_name));
    if let Some(o) = ocsp_name {
        v.add_ocsp_response(ocsp(o));
    }
    v
}

fn revocation(r: &tanba_pki::Report) -> (Outcome, String) {
    let c = r
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    (c.outcome, c.detail.clone())
}

#[test]
fn gost_2004_ceo_certificates() {
    // Valid CEO cert: good in the GOST CRL (its CDP names the RSA CRL — KZ-PKI.md §1.6).
    let v = validator(
        "ca/nca_gost_test.crt",
        "nca_gost_test.crl",
        None,
        "2022-06-01T00:00:00Z",
        RevocationSources::CrlOnly,
    );
    let r = v.validate(nca_cert("certs/ceo_valid_sign_2004_gost.cer").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    // Revoked CEO key: revoked per CRL (superseded) …
    let ceo = p12_cert("ceo_sign_revoked_gost_2004.p12");
    let r = v.validate(ceo.der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Fail);
    assert!(d.contains("superseded"), "{d}");
    // … and per the real OCSP response (delegated GOST-2004 responder).
    let gost_ca = nca_cert("ca/nca_gost_test.crt");
    assert_eq!(
        ocsp("ocsp_response_ceo_sign_2004_revoked.bin")
            .check(&gost_ca, ceo.serial(), &opts("2022-06-01T00:00:00Z"))
            .unwrap(),
        OcspStatus::Revoked {
            revoked_at: at("2022-01-18T06:30:55Z"),
            reason: RevocationReason::Superseded
        }
    );
    // Expired after its validity.
    let v = validator(
        "ca/nca_gost_test.crt",
        "nca_gost_test.crl",
        None,
        "2023-02-01T00:00:00Z",
        RevocationSources::CrlOnly,
    );
    let r = v.validate(nca_cert("certs/ceo_valid_sign_2004_gost.cer").der(), &[]);
    assert!(r.has_problem(CheckKind::Validity));
}

#[test]
fn gost_2015_certificates() {
    let ca = nca_cert("ca/nca_gost2015_test.cer");
    // Valid 2015 key: good per CRL at 2022-12-01.
    let v = validator(
        "ca/nca_gost2015_test.cer",
        "nca_gost2022_test.crl",
        None,
        "2022-12-01T00:00:00Z",
        RevocationSources::CrlOnly,
    );
    let ind = p12_cert("individual_valid_gost_2015.p12");
    let r = v.validate(ind.der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    // Its real OCSP answer (produced 2022-09-02, no nextUpdate) is the RFC 6960 "not
    // issued" encoding: unknown, never good. OCSP checks use an instant just before it.
    match ocsp("ocsp_response_individual_2015.bin")
        .check(&ca, ind.serial(), &opts("2022-09-01T00:00:00Z"))
        .unwrap()
    {
        OcspStatus::NotIssued { reason } => assert!(reason.contains("not issued"), "{reason}"),
        other => panic!("expected not issued, got {other:?}"),
    }
    // OCSP-only with that answer: "not issued" is negative, under hard-fail and soft-fail.
    let v = validator(
        "ca/nca_gost2015_test.cer",
        "nca_gost2022_test.crl",
        Some("ocsp_response_individual_2015.bin"),
        "2022-09-01T00:00:00Z",
        RevocationSources::OcspOnly,
    );
    let r = v.validate(ind.der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Fail, "{d}");
    assert!(d.contains("not issued"), "{d}");
    // Revoked CEO 2015: certificateHold in the CRL and in OCSP.
    let ceo = p12_cert("ceo_revoked_gost_2015.p12");
    let v = validator(
        "ca/nca_gost2015_test.cer",
        "nca_gost2022_test.crl",
        Some("ocsp_response_ceo_2015_revoked.bin"),
        "2022-09-01T00:00:00Z",
        RevocationSources::OcspThenCrl,
    );
    let r = v.validate(ceo.der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Fail);
    assert!(d.contains("certificateHold") && d.contains("OCSP"), "{d}");
    let v = validator(
        "ca/nca_gost2015_test.cer",
        "nca_gost2022_test.crl",
        None,
        "2022-12-01T00:00:00Z",
        RevocationSources::CrlOnly,
    );
    let (o, d) = revocation(&v.validate(ceo.der(), &[]));
    assert_eq!(o, Outcome::Fail);
    assert!(d.contains("certificateHold"), "{d}");
}

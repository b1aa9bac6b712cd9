//! The real NCA RK test OCSP responses (`../shared/testdata/nca/ocsp/`), checked against
//! `openssl ocsp` (the independent peer) and KZ-PKI.md §4.2.

mod common;

use std::process::Command;

use common::{at, nca_cert, p12_cert, unhex};
use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm};
use tanba_pki::crl::RevocationReason;
use tanba_pki::ocsp::{
    interpret, CertId, OcspCheck, OcspError, OcspRequest, OcspResponse, OcspStatus, RawCertStatus,
    ResponderId, ResponseStatus,
};

fn resp(name: &str) -> OcspResponse {
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

/// `openssl ocsp -respin FILE -CAfile CA -partial_chain -attime 1662137639` (KZ-PKI.md §4.2).
fn openssl_verifies(resp_path: &std::path::Path) -> bool {
    let out = Command::new("openssl")
        .args(["ocsp", "-respin"])
        .arg(resp_path)
        .arg("-CAfile")
        .arg(tanba_testdata::nca("ca/nca_rsa_test.crt"))
        .args(["-partial_chain", "-attime", "1662137639"])
        .output()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.contains("Response verify OK")
}

#[test]
fn rsa_response_is_good_and_verifies_like_openssl() {
    let path = tanba_testdata::nca("ocsp/ocsp_response_individual_sign_2004.bin");
    assert!(
        openssl_verifies(&path),
        "the peer must accept the real response"
    );
    let r = resp("ocsp_response_individual_sign_2004.bin");
    assert_eq!(r.status(), ResponseStatus::Successful);
    assert_eq!(r.produced_at(), Some(at("2022-09-02T16:53:59Z")));
    assert_eq!(r.nonce(), Some(&unhex("B5E5C9B552CBCAC4")[..]));
    assert!(matches!(r.responder_id(), Some(ResponderId::ByName(_))));
    assert_eq!(r.certificates().len(), 1);
    let ca = nca_cert("ca/nca_rsa_test.crt");
    let leaf = p12_cert("individual_valid_sign_rsa_2004.p12");
    // Delegated responder with id-kp-OCSPSigning and ocsp-nocheck.
    let signer = r
        .verify_signer(&ca, &AlgorithmPolicy::strict())
        .unwrap()
        .expect("delegated responder");
    assert!(signer.ocsp_nocheck());
    assert_eq!(
        r.check(&ca, leaf.serial(), &opts("2021-06-01T00:00:00Z"))
            .unwrap(),
        OcspStatus::Good
    );
    // The echoed nonce is compared when one was sent.
    let sent = unhex("B5E5C9B552CBCAC4");
    let mut o = opts("2021-06-01T00:00:00Z");
    o.nonce = Some(&sent);
    assert_eq!(r.check(&ca, leaf.serial(), &o).unwrap(), OcspStatus::Good);
    let wrong = unhex("0000000000000001");
    o.nonce = Some(&wrong);
    assert!(matches!(
        r.check(&ca, leaf.serial(), &o),
        Err(OcspError::NonceMismatch { .. })
    ));
}

#[test]
fn rsa_response_does_not_answer_for_other_certificates() {
    let r = resp("ocsp_response_individual_sign_2004.bin");
    let ca = nca_cert("ca/nca_rsa_test.crt");
    let other = nca_cert("certs/individual_valid_sign_2004_rsa.cer");
    assert!(matches!(
        r.check(&ca, other.serial(), &opts("2022-06-01T00:00:00Z")),
        Err(OcspError::NoMatchingResponse(_))
    ));
}

#[test]
fn no_next_update_means_max_age_applies() {
    let r = resp("ocsp_response_individual_sign_2004.bin");
    let ca = nca_cert("ca/nca_rsa_test.crt");
    let leaf = p12_cert("individual_valid_sign_rsa_2004.p12");
    // thisUpdate 2022-09-02T16:53:59Z, no nextUpdate, max age one day.
    assert_eq!(
        r.check(&ca, leaf.serial(), &opts("2022-09-03T16:00:00Z"))
            .unwrap(),
        OcspStatus::Good
    );
    assert!(matches!(
        r.check(&ca, leaf.serial(), &opts("2022-09-10T00:00:00Z")),
        Err(OcspError::Stale(_))
    ));
}

#[test]
fn tampered_rsa_response_fails_here_and_in_openssl() {
    let mut der = tanba_testdata::read_nca("ocsp/ocsp_response_individual_sign_2004.bin");
    // Flip one bit of the 'good' response's serial number inside tbsResponseData.
    let serial = unhex("4279390A141F5353");
    let pos = der.windows(8).position(|w| w == serial.as_slice()).unwrap();
    der[pos + 7] ^= 0x01;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tampered.bin");
    std::fs::write(&p, &der).unwrap();
    assert!(
        !openssl_verifies(&p),
        "the peer must reject the tampered response"
    );
    let r = OcspResponse::from_der(&der).unwrap();
    let ca = nca_cert("ca/nca_rsa_test.crt");
    assert!(matches!(
        r.verify_signer(&ca, &AlgorithmPolicy::strict()),
        Err(OcspError::BadSignature(_))
    ));
}

#[test]
fn wrong_issuer_is_not_authorised() {
    let r = resp("ocsp_response_individual_sign_2004.bin");
    let gost_ca = nca_cert("ca/nca_gost2015_test.cer");
    assert!(matches!(
        r.verify_signer(&gost_ca, &AlgorithmPolicy::strict()),
        Err(OcspError::SignerNotAuthorised(_))
    ));
}

#[test]
fn gost_responses_parse_to_the_statuses_openssl_prints() {
    // ceo 2004: revoked 2022-01-18 06:30:55, superseded.
    let r = resp("ocsp_response_ceo_sign_2004_revoked.bin");
    let s = &r.responses()[0];
    assert_eq!(
        s.cert_id.serial,
        p12_cert("ceo_sign_revoked_gost_2004.p12").serial()
    );
    assert_eq!(s.cert_id.hash, DigestAlgorithm::Sha256);
    assert_eq!(
        s.status,
        RawCertStatus::Revoked {
            time: at("2022-01-18T06:30:55Z"),
            reason: Some(RevocationReason::Superseded)
        }
    );
    assert!(s.next_update.is_none());
    assert_eq!(
        interpret(s, r.extended_revoke(), at("2022-06-01T00:00:00Z")),
        OcspStatus::Revoked {
            revoked_at: at("2022-01-18T06:30:55Z"),
            reason: RevocationReason::Superseded
        }
    );
    // ceo 2015: revoked 2022-07-27 10:25:30, certificateHold.
    let r = resp("ocsp_response_ceo_2015_revoked.bin");
    let s = &r.responses()[0];
    assert_eq!(
        s.cert_id.serial,
        p12_cert("ceo_revoked_gost_2015.p12").serial()
    );
    assert_eq!(
        interpret(s, r.extended_revoke(), at("2022-12-01T00:00:00Z")),
        OcspStatus::Revoked {
            revoked_at: at("2022-07-27T10:25:30Z"),
            reason: RevocationReason::CertificateHold
        }
    );
}

#[test]
fn the_1970_not_issued_answer_is_not_issued() {
    let r = resp("ocsp_response_individual_2015.bin");
    assert!(r.extended_revoke());
    let s = &r.responses()[0];
    assert_eq!(
        s.cert_id.serial,
        p12_cert("individual_valid_gost_2015.p12").serial()
    );
    assert_eq!(
        s.status,
        RawCertStatus::Revoked {
            time: at("1970-01-01T00:00:00Z"),
            reason: Some(RevocationReason::CertificateHold)
        }
    );
    match interpret(s, r.extended_revoke(), at("2022-12-01T00:00:00Z")) {
        OcspStatus::NotIssued { reason } => assert!(reason.contains("not issued"), "{reason}"),
        other => panic!("must be not issued, got {other:?}"),
    }
}

#[test]
fn request_matches_the_certid_of_the_real_response() {
    // The SHA-256 CertID we compute for (RSA CA, leaf serial) is byte-equal to the one
    // the NCA responder put in its answer.
    let ca = nca_cert("ca/nca_rsa_test.crt");
    let leaf = p12_cert("individual_valid_sign_rsa_2004.p12");
    let id = CertId::new(DigestAlgorithm::Sha256, &ca, leaf.serial()).unwrap();
    let r = resp("ocsp_response_individual_sign_2004.bin");
    assert_eq!(r.responses()[0].cert_id, id);
    let req = OcspRequest::nca(&ca, leaf.serial()).unwrap();
    assert_eq!(req.nonce().unwrap().len(), 8);
    // openssl parses our request and shows the same CertID and the nonce.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("req.der");
    std::fs::write(&p, req.to_der()).unwrap();
    let out = Command::new("openssl")
        .args(["ocsp", "-reqin"])
        .arg(&p)
        .arg("-req_text")
        .output()
        .expect("the `openssl` tool is required by this test");
    let text = String::from_utf8_lossy(&out.stdout).to_uppercase();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("SHA256"), "{text}");
    assert!(text.contains(&hex::encode_upper(leaf.serial())), "{text}");
    assert!(
        text.contains(&hex::encode_upper(&id.issuer_key_hash)),
        "{text}"
    );
    assert!(
        text.contains(&hex::encode_upper(req.nonce().unwrap())),
        "{text}"
    );
}

#[test]
fn hostile_ocsp_bytes_are_errors() {
    let der = tanba_testdata::read_nca("ocsp/ocsp_response_individual_sign_2004.bin");
    for cut in [0, 1, 3, 10, 100, der.len() / 2, der.len() - 1] {
        assert!(
            matches!(
                OcspResponse::from_der(&der[..cut]),
                Err(OcspError::Malformed(_))
            ),
            "truncated at {cut}"
        );
    }
    assert!(
        OcspResponse::from_der(b"\x30\x03\x0a\x01\x01")
            .unwrap()
            .status()
            == ResponseStatus::MalformedRequest
    );
    assert!(OcspResponse::from_der(b"not der").is_err());
    assert!(OcspResponse::from_der(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
}

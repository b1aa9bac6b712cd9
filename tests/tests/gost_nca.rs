//! GOST signatures on the real NCA RK test artifacts, verified end to end through
//! `tanba_crypto::verify_signature` (which calls tanba-gost): the 2015/512 end-entity
//! certificates (taken from the p12 files with tanba-keys) against the 2015 test CA, the 2015
//! CRL, the 2015 OCSP responses (signed by the responder certificate embedded in each
//! response, which is itself checked against the CA), and the same for the GOST 34.310-2004
//! family. Each is also checked to fail with one bit flipped in the signature and in the
//! signed bytes. x509-parser (an independent DER parser) pulls out tbs / signature / SPKI.

use tanba_crypto::{
    verify_signature, AlgorithmPolicy, CryptoError, SignatureAlgorithm, SignatureEncoding,
};
use tanba_keys::{KeySelector, Keystore, Password};
use tanba_tests::der::{children, tlv};
use x509_parser::prelude::*;

/// One signed object: the signed bytes, the signature algorithm OID and the signature.
struct Signed {
    what: String,
    tbs: Vec<u8>,
    alg_oid: String,
    signature: Vec<u8>,
}

fn der_of(file: &str) -> Vec<u8> {
    let raw = tanba_testdata::read_nca(file);
    if raw.starts_with(b"-----BEGIN") {
        let (_, pem) = x509_parser::pem::parse_x509_pem(&raw)
            .unwrap_or_else(|e| panic!("{file}: bad PEM: {e}"));
        pem.contents
    } else {
        raw
    }
}

fn cert_signed(what: &str, der: &[u8]) -> Signed {
    let (_, cert) = X509Certificate::from_der(der).unwrap_or_else(|e| panic!("{what}: {e}"));
    Signed {
        what: what.into(),
        tbs: cert.tbs_certificate.as_ref().to_vec(),
        alg_oid: cert.signature_algorithm.algorithm.to_id_string(),
        signature: cert.signature_value.data.to_vec(),
    }
}

fn spki_of(what: &str, der: &[u8]) -> Vec<u8> {
    let (_, cert) = X509Certificate::from_der(der).unwrap_or_else(|e| panic!("{what}: {e}"));
    cert.public_key().raw.to_vec()
}

fn crl_signed(file: &str) -> Signed {
    let der = der_of(file);
    let (_, crl) =
        CertificateRevocationList::from_der(&der).unwrap_or_else(|e| panic!("{file}: {e}"));
    Signed {
        what: file.into(),
        tbs: crl.tbs_cert_list.as_ref().to_vec(),
        alg_oid: crl.signature_algorithm.algorithm.to_id_string(),
        signature: crl.signature_value.data.to_vec(),
    }
}

/// OCSPResponse → BasicOCSPResponse: the signed tbsResponseData, the signature, and the
/// certificates embedded in the response (the delegated responder first).
fn ocsp_signed(file: &str) -> (Signed, Vec<Vec<u8>>) {
    let der = tanba_testdata::read_nca(file);
    let (_, _, resp) = tlv(&der);
    let top = children(resp);
    assert_eq!(top[0].2, [0], "{file}: responseStatus is not successful");
    let (_, _, bytes_seq) = tlv(top[1].2); // [0] EXPLICIT ResponseBytes
    let rb = children(bytes_seq);
    let basic_der = rb[1].2; // OCTET STRING contents
    let (_, _, basic) = tlv(basic_der);
    let parts = children(basic);
    let tbs = parts[0].1.to_vec();
    let alg = children(parts[1].2);
    let (_, oid) = x509_parser::der_parser::der::parse_der_oid(alg[0].1).unwrap();
    let alg_oid = oid.as_oid_val().unwrap().to_id_string();
    let signature = parts[2].2[1..].to_vec(); // BIT STRING: skip the unused-bits byte
    let certs = if parts.len() > 3 {
        let (_, _, seq) = tlv(parts[3].2);
        children(seq).iter().map(|c| c.1.to_vec()).collect()
    } else {
        Vec::new()
    };
    (
        Signed {
            what: file.into(),
            tbs,
            alg_oid,
            signature,
        },
        certs,
    )
}

/// Verify through tanba-crypto; then flip one bit in the signature and one in the signed
/// bytes and expect a rejection each time.
fn check(signed: &Signed, issuer_spki: &[u8], expected: SignatureAlgorithm) {
    let alg = SignatureAlgorithm::from_oid(&signed.alg_oid).unwrap();
    assert_eq!(alg, expected, "{}: signature algorithm", signed.what);
    let policy = AlgorithmPolicy::strict();
    verify_signature(
        alg,
        issuer_spki,
        &signed.tbs,
        &signed.signature,
        SignatureEncoding::X509,
        &policy,
    )
    .unwrap_or_else(|e| panic!("{}: the real signature must verify: {e}", signed.what));

    let mut sig = signed.signature.clone();
    sig[17] ^= 0x01;
    let err = verify_signature(
        alg,
        issuer_spki,
        &signed.tbs,
        &sig,
        SignatureEncoding::X509,
        &policy,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            CryptoError::BadSignature | CryptoError::MalformedSignature(_)
        ),
        "{}: flipped signature bit: {err:?}",
        signed.what
    );
    let mut tbs = signed.tbs.clone();
    let mid = tbs.len() / 2;
    tbs[mid] ^= 0x10;
    assert_eq!(
        verify_signature(
            alg,
            issuer_spki,
            &tbs,
            &signed.signature,
            SignatureEncoding::X509,
            &policy
        ),
        Err(CryptoError::BadSignature),
        "{}: flipped signed-data bit",
        signed.what
    );
}

fn p12_certificate(file: &str) -> Vec<u8> {
    let data = tanba_testdata::read_nca(&format!("keys/{file}"));
    let store = Keystore::open_pkcs12(
        &data,
        &Password::new(tanba_testdata::nca_password(file).to_string()),
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    let entry = store.select(&KeySelector::Single).unwrap();
    entry
        .certificate()
        .expect("the p12 holds the key's certificate")
        .der()
        .to_vec()
}

#[test]
fn gost2015_end_entity_certificates_verify_with_the_ca_key() {
    let ca = der_of("ca/nca_gost2015_test.cer");
    let ca_spki = spki_of("2015 CA", &ca);
    for p12 in [
        "individual_valid_gost_2015.p12",
        "ceo_revoked_gost_2015.p12",
    ] {
        let cert = p12_certificate(p12);
        check(
            &cert_signed(p12, &cert),
            &ca_spki,
            SignatureAlgorithm::Gost2015_512,
        );
    }
}

#[test]
fn gost2015_crl_verifies_with_the_ca_key() {
    let ca_spki = spki_of("2015 CA", &der_of("ca/nca_gost2015_test.cer"));
    check(
        &crl_signed("crl/nca_gost2022_test.crl"),
        &ca_spki,
        SignatureAlgorithm::Gost2015_512,
    );
}

#[test]
fn gost2015_ocsp_responses_verify_with_their_responder_and_the_responder_with_the_ca() {
    let ca_spki = spki_of("2015 CA", &der_of("ca/nca_gost2015_test.cer"));
    for file in [
        "ocsp/ocsp_response_individual_2015.bin",
        "ocsp/ocsp_response_ceo_2015_revoked.bin",
    ] {
        let (signed, certs) = ocsp_signed(file);
        assert!(
            !certs.is_empty(),
            "{file}: no embedded responder certificate"
        );
        let responder = &certs[0];
        check(
            &signed,
            &spki_of(file, responder),
            SignatureAlgorithm::Gost2015_512,
        );
        check(
            &cert_signed(&format!("{file} responder certificate"), responder),
            &ca_spki,
            SignatureAlgorithm::Gost2015_512,
        );
    }
}

#[test]
fn gost2004_certificate_crl_and_ocsp_verify() {
    let ca = der_of("ca/nca_gost_test.crt");
    let ca_spki = spki_of("2004 CA", &ca);
    let ee = der_of("certs/ceo_valid_sign_2004_gost.cer");
    check(
        &cert_signed("certs/ceo_valid_sign_2004_gost.cer", &ee),
        &ca_spki,
        SignatureAlgorithm::Gost2004,
    );
    let p12_cert = p12_certificate("ceo_sign_revoked_gost_2004.p12");
    check(
        &cert_signed("ceo_sign_revoked_gost_2004.p12", &p12_cert),
        &ca_spki,
        SignatureAlgorithm::Gost2004,
    );
    check(
        &crl_signed("crl/nca_gost_test.crl"),
        &ca_spki,
        SignatureAlgorithm::Gost2004,
    );
    let file = "ocsp/ocsp_response_ceo_sign_2004_revoked.bin";
    let (signed, certs) = ocsp_signed(file);
    assert!(
        !certs.is_empty(),
        "{file}: no embedded responder certificate"
    );
    check(
        &signed,
        &spki_of(file, &certs[0]),
        SignatureAlgorithm::Gost2004,
    );
    check(
        &cert_signed(&format!("{file} responder certificate"), &certs[0]),
        &ca_spki,
        SignatureAlgorithm::Gost2004,
    );
}

#[test]
fn a_gost_signature_does_not_verify_under_the_wrong_family_or_key() {
    let ca2015 = spki_of("2015 CA", &der_of("ca/nca_gost2015_test.cer"));
    let ca2004 = spki_of("2004 CA", &der_of("ca/nca_gost_test.crt"));
    let crl = crl_signed("crl/nca_gost2022_test.crl");
    let policy = AlgorithmPolicy::strict();
    // the 2015 CRL with the 2004 CA key: a key-kind mismatch, never a success
    assert!(matches!(
        verify_signature(
            SignatureAlgorithm::Gost2015_512,
            &ca2004,
            &crl.tbs,
            &crl.signature,
            SignatureEncoding::X509,
            &policy
        ),
        Err(CryptoError::KeyMismatch { .. })
    ));
    // the 2015 CRL with another 2015 key (the OCSP responder's)
    let (_, certs) = ocsp_signed("ocsp/ocsp_response_individual_2015.bin");
    let responder = spki_of("responder", &certs[0]);
    assert_ne!(responder, ca2015);
    assert_eq!(
        verify_signature(
            SignatureAlgorithm::Gost2015_512,
            &responder,
            &crl.tbs,
            &crl.signature,
            SignatureEncoding::X509,
            &policy
        ),
        Err(CryptoError::BadSignature)
    );
}

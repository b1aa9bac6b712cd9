//! `verify_document` through its public API: format recognition, every layer, identity
//! expectations without certificates, certificate validation with the NCA RK test PKI,
//! and the errors that are never a pass.

use tanba_pki::{CertPool, ChainCert, ExpectedIdentity, OcspResponse, RequiredUsage, Verdict};
use tanba_validate::{
    verify_document, CertificateValidation, CheckOutcome, DocumentError, DocumentFormat,
    DocumentOptions, Failed, Indication, Layer, Overrides, Request, Scope, SignedKind, TrustConfig,
    Undetermined, Validator,
};

fn signer() -> tanba_crypto::KeySigner {
    let name = "individual_valid_sign_rsa_2004.p12";
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap()
    .signer(&tanba_keys::KeySelector::Single)
    .unwrap()
}

const ENV: &[u8] = b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body><x:Order xmlns:x=\"urn:x\"><x:Amount>100</x:Amount></x:Order></soap:Body></soap:Envelope>";

fn transport_signed() -> String {
    String::from_utf8(tanba_wss::sign(ENV, &signer(), &tanba_wss::SignOptions::new()).unwrap())
        .unwrap()
}

#[test]
fn a_wrapped_security_header_is_judged_by_the_profile_and_refused() {
    let signed = transport_signed();
    let r = verify_document(signed.as_bytes(), &DocumentOptions::default()).unwrap();
    assert!(r.is_passed(), "{:?}", r.problems);
    assert_eq!(r.format, DocumentFormat::Wss);
    assert_eq!(r.signers.len(), 1);
    assert_eq!(r.signers[0].layer, Layer::Transport);
    assert_eq!(
        r.signers[0].element.as_ref().unwrap().path,
        "/Envelope[1]/Header[1]/Security[1]/Signature[1]"
    );
    let body = r.signers[0].signed.as_ref().unwrap();
    assert_eq!(body.part, Some("body"));
    assert_eq!(body.element.as_ref().unwrap().path, "/Envelope[1]/Body[1]");
    assert_eq!(r.signers[0].algorithm.as_ref().unwrap().name, "rsa-sha256");

    let wrapped = signed
        .replacen("<wsse:Security", "<x:W xmlns:x=\"urn:x\"><wsse:Security", 1)
        .replacen("</wsse:Security>", "</wsse:Security></x:W>", 1);
    let r = verify_document(wrapped.as_bytes(), &DocumentOptions::default()).unwrap();
    assert_eq!(r.indication, Indication::TotalFailed(Failed::FormatFailure));
    assert_eq!(r.format, DocumentFormat::Wss);
    assert!(!r.signers[0].signature_verified());
    assert!(r.problems[0].contains("transport"), "{:?}", r.problems);
}

#[test]
fn a_payload_document_is_verified_on_its_own() {
    let app = tanba_dsig::sign(
        b"<app><iin>123456789011</iin></app>",
        &signer(),
        &Default::default(),
    )
    .unwrap();
    for data in [
        tanba_wss::Data::inline_document(&app).unwrap(),
        tanba_wss::Data::escaped_document(&app).unwrap(),
    ] {
        let env = tanba_wss::SendMessage::new("S", tanba_wss::Sender::new("portal"))
            .with_data(data)
            .to_xml(tanba_wss::SoapVersion::Soap11)
            .unwrap();
        let r = verify_document(env.as_bytes(), &DocumentOptions::default()).unwrap();
        assert!(r.is_passed(), "{:?}", r.problems);
        assert_eq!(r.format, DocumentFormat::Soap);
        assert!(r.notes[0].contains("no transport signature"));
        let p = &r.signers[0];
        assert_eq!(p.layer, Layer::Inner);
        assert!(p
            .payload
            .as_ref()
            .unwrap()
            .path
            .ends_with("/requestData[1]/data[1]"));
        assert_eq!(p.references[0].kind, SignedKind::Document);
        assert_eq!(p.references[0].excluded[0].path, "/app[1]/Signature[1]");
        assert!(p.references[0].digest.is_some());
    }
}

#[test]
fn identity_expectations_hold_without_certificate_validation() {
    let signed = transport_signed();
    let opts = |iin: &str| DocumentOptions {
        expected: ExpectedIdentity {
            iin: Some(iin.into()),
            bin: None,
        },
        ..DocumentOptions::default()
    };
    let expected = |r: &tanba_validate::DocumentReport| {
        r.signers[0]
            .checks
            .iter()
            .find(|c| c.name == "expected_iin")
            .cloned()
            .unwrap()
    };
    let r = verify_document(signed.as_bytes(), &opts("123456789011")).unwrap();
    assert!(r.is_passed());
    assert_eq!(
        r.certificate_validation,
        CertificateValidation::NotPerformed
    );
    assert_eq!(expected(&r).outcome, CheckOutcome::Passed);
    let cert = r.signers[0]
        .checks
        .iter()
        .find(|c| c.name == "certificate")
        .unwrap();
    assert_eq!(cert.outcome, CheckOutcome::NotChecked);
    let r = verify_document(signed.as_bytes(), &opts("123456789099")).unwrap();
    assert_eq!(
        r.indication,
        Indication::Indeterminate(Undetermined::SigConstraintsFailure)
    );
    assert_eq!(expected(&r).outcome, CheckOutcome::Failed);
    assert!(expected(&r).reason.contains("certificate has 123456789011"));
}

#[test]
fn certificates_are_judged_with_the_validators_given() {
    let signed = transport_signed();
    let mut pool = CertPool::new();
    pool.add_anchor(
        ChainCert::from_bytes(&tanba_testdata::read_nca("ca/nca_rsa_test.crt")).unwrap(),
    );
    // built once, asked at three instants
    let validator = Validator::new(TrustConfig {
        pool,
        revocation: {
            let engine = tanba_pki::RevocationEngine::new();
            engine.add_ocsp_response(
                OcspResponse::from_der(&tanba_testdata::read_nca(
                    "ocsp/ocsp_response_individual_sign_2004.bin",
                ))
                .unwrap(),
            );
            std::sync::Arc::new(engine)
        },
        overrides: Overrides {
            id_policy: Some(tanba_pki::IdPolicy::AcceptTestIds),
            ..Default::default()
        },
        ..Default::default()
    });
    for (at, want) in [
        ("2021-06-01T00:00:00Z", Indication::TotalPassed),
        (
            "2030-01-01T00:00:00Z",
            Indication::Indeterminate(Undetermined::OutOfBoundsNoPoe),
        ),
        (
            "2000-01-01T00:00:00Z",
            Indication::TotalFailed(Failed::NotYetValid),
        ),
    ] {
        let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .unwrap();
        let request = Request {
            at: Some(t),
            ..Request::default()
        };
        // the message has no Timestamp, so the time judges only the certificate
        let r = validator
            .validate_document(signed.as_bytes(), &request)
            .unwrap();
        assert_eq!(r.indication, want, "{at}: {:?}", r.problems);
        assert_eq!(r.certificate_validation, CertificateValidation::Performed);
        assert_eq!(r.validation_time, at);
        let c = r.signers[0].certificate.as_ref().unwrap();
        assert_eq!(c.verdict == Verdict::Valid, want.is_passed());
        let validity = r.signers[0]
            .checks
            .iter()
            .find(|c| c.name == "certificate_validity")
            .unwrap();
        assert_eq!(validity.outcome == CheckOutcome::Passed, want.is_passed());
        assert!(validity.rule.contains("500/НҚ"));
    }
    // the low-level entry without certificates verifies the same signature
    let t = time::macros::datetime!(2021-06-01 0:00 UTC);
    let policy = validator.certificate_policy(Layer::Transport, Some(t));
    let r = verify_document(
        signed.as_bytes(),
        &DocumentOptions {
            at: Some(t),
            ..DocumentOptions::default()
        },
    )
    .unwrap();
    assert!(r.is_passed());
    assert_eq!(
        policy.required_usage(),
        RequiredUsage::Any,
        "the transport signer's policy accepts any key usage"
    );
}

#[test]
fn nothing_to_verify_and_hostile_work_are_errors() {
    assert!(matches!(
        verify_document(ENV, &DocumentOptions::default()),
        Err(DocumentError::NoSignature)
    ));
    assert!(matches!(
        verify_document(b"<a><b>", &DocumentOptions::default()),
        Err(DocumentError::Xml(_))
    ));
    let transport_only = DocumentOptions {
        scope: Scope::TransportOnly,
        ..DocumentOptions::default()
    };
    assert!(matches!(
        verify_document(b"<a/>", &transport_only),
        Err(DocumentError::NotAnEnvelope(_))
    ));
    let signed = String::from_utf8(
        tanba_dsig::sign(b"<a><b>1</b></a>", &signer(), &Default::default()).unwrap(),
    )
    .unwrap();
    let a = signed.find("<ds:Signature").unwrap();
    let b = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let many = format!(
        "{}{}{}",
        &signed[..a],
        signed[a..b].repeat(17),
        &signed[b..]
    );
    match verify_document(many.as_bytes(), &DocumentOptions::default()) {
        Err(DocumentError::WorkLimit(w)) => assert!(w.to_string().contains("17")),
        other => panic!("expected a work limit, got {other:?}"),
    }
}

/// The signature budget counts every layer: an envelope carrying many signed documents as
/// escaped strings cannot multiply the work by the number of `data` elements.
#[test]
fn the_signature_budget_counts_payload_documents() {
    let app = tanba_dsig::sign(b"<app/>", &signer(), &Default::default()).unwrap();
    let one = tanba_wss::SendMessage::new("S", tanba_wss::Sender::new("portal"))
        .with_data(tanba_wss::Data::escaped_document(&app).unwrap())
        .to_xml(tanba_wss::SoapVersion::Soap11)
        .unwrap();
    assert!(verify_document(one.as_bytes(), &DocumentOptions::default())
        .unwrap()
        .is_passed());
    // 20 data elements, one signed document each
    let a = one.find("<data").unwrap();
    let b = one.find("</data>").unwrap() + "</data>".len();
    let many = format!("{}{}{}", &one[..a], one[a..b].repeat(20), &one[b..]);
    match verify_document(many.as_bytes(), &DocumentOptions::default()) {
        Err(DocumentError::WorkLimit(w)) => {
            assert!(w.to_string().contains("17 ds:Signature"), "{w}")
        }
        other => panic!("expected a work limit, got {other:?}"),
    }
}

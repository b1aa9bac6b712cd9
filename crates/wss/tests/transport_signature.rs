//! The WS-Security transport signature: sign with the NCA RSA test key, verify with ours
//! and with xmlsec1; verify what xmlsec1 signed; tampering and wrapping are rejected.

mod common;

use common::*;
use tanba_crypto::{SignatureAlgorithm, Signer};
use tanba_wss::{
    sign, verify, KeyInfoForm, SignOptions, SignedPart, SoapVersion, TokenReference, VerifyOptions,
    WssError,
};
use time::macros::datetime;
use time::Duration;

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

fn signed(opts: &SignOptions) -> (String, Vec<u8>) {
    let s = rsa_signer();
    let xml = sign(request(SoapVersion::Soap11).as_bytes(), &s, opts).unwrap();
    (String::from_utf8(xml).unwrap(), leaf_cert(&s))
}

fn verify_str(xml: &str) -> Result<tanba_wss::VerifiedEnvelope, WssError> {
    verify(xml.as_bytes(), &VerifyOptions::default())
}

#[test]
fn rsa_keyidentifier_profile_signs_and_verifies() {
    let (xml, cert) = signed(&SignOptions::new());
    // The reference shape (SMARTBRIDGE.md §6.2, §9.2): compact, ds/wsse/wsu prefixes.
    assert!(!xml.contains('\n'), "output must be compact");
    assert!(xml.contains("<soap:Header><wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\""));
    assert!(xml.contains(" soap:mustUnderstand=\"1\"><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">"));
    assert!(xml.contains(
        "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\">"
    ));
    assert!(xml.contains("<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\">"));
    assert!(xml.contains("<wsse:KeyIdentifier EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\" ValueType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3\">MII"));
    assert!(xml.contains("<soap:Body xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" wsu:Id=\"id-"));
    assert!(!xml.contains("Timestamp") && !xml.contains("BinarySecurityToken"));
    assert_eq!(xml.matches("<ds:Reference ").count(), 1);

    let v = verify_str(&xml).unwrap();
    assert_eq!(v.signer_certificate, cert);
    assert_eq!(v.token, TokenReference::KeyIdentifier);
    assert_eq!(v.signature_algorithm, SignatureAlgorithm::RsaPkcs1Sha256);
    assert!(
        matches!(v.signed_parts.as_slice(), [SignedPart::Body { id }] if id.starts_with("id-"))
    );
    assert!(v.timestamp.is_none());
    // The verified SignedInfo is what exclusive C14N gives: only xmlns:ds rendered.
    let si = String::from_utf8(v.signed_info.clone()).unwrap();
    assert!(si.starts_with(
        "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:CanonicalizationMethod"
    ));
    assert!(v.body_source().contains("<iin>123456789011</iin>"));
    // the request, read from the verified tree
    let m = v.send_message().unwrap();
    assert_eq!(m.info.service_id, "GBDFL_UniversalServiceSync");
    assert_eq!(
        m,
        tanba_wss::SendMessage::parse(request(SoapVersion::Soap11).as_bytes()).unwrap()
    );
    assert!(v.send_message_response().is_err());
    assert_eq!(v.message::<tanba_wss::SendMessage>().unwrap(), m);
    assert!(v.message::<tanba_wss::AsyncSendMessage>().is_err());

    // Everything outside the Header and the Body start tag is unchanged.
    let original = request(SoapVersion::Soap11);
    let body_content = &original[original.find("<sb:SendMessage").unwrap()..];
    assert!(xml.ends_with(body_content));
}

#[test]
fn our_envelopes_verify_with_xmlsec1() {
    for (opts, label) in [
        (SignOptions::new(), "KeyIdentifier"),
        (
            SignOptions::new().with_key_info(KeyInfoForm::BinarySecurityToken),
            "BinarySecurityToken",
        ),
        (
            SignOptions::new().with_timestamp(Duration::minutes(5)),
            "Timestamp",
        ),
    ] {
        let (xml, cert) = signed(&opts);
        let (ok, out) = xmlsec1_verify(xml.as_bytes(), &cert, SOAP11);
        assert!(ok && out.contains("OK"), "{label}: xmlsec1 refused: {out}");
        // and a tampered copy is refused by xmlsec1 too (the check is not vacuous)
        let bad = xml.replace("123456789011", "123456789012");
        let (ok, out) = xmlsec1_verify(bad.as_bytes(), &cert, SOAP11);
        assert!(!ok, "{label}: xmlsec1 accepted a tampered envelope: {out}");
    }
}

#[test]
fn soap12_envelopes_sign_and_verify() {
    let s = rsa_signer();
    let xml = sign(
        request(SoapVersion::Soap12).as_bytes(),
        &s,
        &SignOptions::new(),
    )
    .unwrap();
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    assert_eq!(v.version, SoapVersion::Soap12);
    let (ok, out) = xmlsec1_verify(&xml, &leaf_cert(&s), SOAP12);
    assert!(ok, "xmlsec1: {out}");
}

#[test]
fn binary_security_token_form() {
    let (xml, cert) = signed(&SignOptions::new().with_key_info(KeyInfoForm::BinarySecurityToken));
    assert!(xml.contains("<wsse:BinarySecurityToken EncodingType="));
    assert!(xml.contains("<wsse:Reference URI=\"#X509-"));
    let v = verify_str(&xml).unwrap();
    assert!(
        matches!(v.token, TokenReference::BinarySecurityToken { ref id } if id.starts_with("X509-"))
    );
    assert_eq!(v.signer_certificate, cert);
}

#[test]
fn timestamp_is_signed_and_its_window_enforced() {
    let t0 = datetime!(2026-11-22 12:00:00 UTC);
    let opts = SignOptions {
        now: Some(t0),
        ..SignOptions::new().with_timestamp(Duration::minutes(5))
    };
    let (xml, _) = signed(&opts);
    assert!(xml.contains("<wsu:Created>2026-11-22T12:00:00.000Z</wsu:Created><wsu:Expires>2026-11-22T12:05:00.000Z</wsu:Expires>"));
    let at = |t| VerifyOptions {
        at: Some(t),
        clock_skew: Duration::seconds(30),
        ..Default::default()
    };
    let v = verify(xml.as_bytes(), &at(t0 + Duration::minutes(1))).unwrap();
    assert_eq!(v.signed_parts.len(), 2);
    assert!(matches!(v.signed_parts[1], SignedPart::Timestamp { .. }));
    assert_eq!(v.timestamp.unwrap().created, t0);

    // replayed after expiry
    let e = verify(xml.as_bytes(), &at(t0 + Duration::minutes(10))).unwrap_err();
    assert!(
        matches!(e, WssError::Timestamp(ref m) if m.contains("expired") && m.contains("replayed")),
        "{e}"
    );
    // inside the skew: still fine
    verify(
        xml.as_bytes(),
        &at(t0 + Duration::minutes(5) + Duration::seconds(20)),
    )
    .unwrap();
    // created in the future
    let e = verify(xml.as_bytes(), &at(t0 - Duration::minutes(2))).unwrap_err();
    assert!(
        matches!(e, WssError::Timestamp(ref m) if m.contains("future")),
        "{e}"
    );
    // too old for a max age
    let e = verify(
        xml.as_bytes(),
        &VerifyOptions {
            max_timestamp_age: Some(Duration::seconds(10)),
            ..at(t0 + Duration::minutes(2))
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, WssError::Timestamp(ref m) if m.contains("older")),
        "{e}"
    );
    // an altered Timestamp (pushing Expires out) breaks its digest
    let bad = xml.replace("2026-11-22T12:05:00.000Z", "2026-11-23T12:05:00.000Z");
    let e = verify(bad.as_bytes(), &at(t0 + Duration::minutes(10))).unwrap_err();
    assert!(
        matches!(e, WssError::DigestMismatch { ref part, .. } if part == "the Timestamp"),
        "{e}"
    );
}

#[test]
fn timestamp_can_be_required() {
    let (xml, _) = signed(&SignOptions::new());
    let e = verify(
        xml.as_bytes(),
        &VerifyOptions {
            require_timestamp: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, WssError::RequiredPartNotSigned(ref m) if m.contains("Timestamp")),
        "{e}"
    );
}

#[test]
fn empty_template_signatures_are_stripped_before_signing() {
    let env = request(SoapVersion::Soap11).replace(
        "<soap:Header/>",
        "<soap:Header><wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\"><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/><ds:SignatureValue/></ds:Signature></wsse:Security></soap:Header>",
    );
    let s = rsa_signer();
    let xml = String::from_utf8(sign(env.as_bytes(), &s, &SignOptions::new()).unwrap()).unwrap();
    assert_eq!(xml.matches("<ds:Signature ").count(), 1);
    assert_eq!(xml.matches("<wsse:Security ").count(), 1);
    verify_str(&xml).unwrap();
    // a real signature already present: refused, not doubled
    let e = sign(xml.as_bytes(), &s, &SignOptions::new()).unwrap_err();
    assert!(
        matches!(e, WssError::Sign(ref m) if m.contains("already")),
        "{e}"
    );
}

#[test]
fn envelopes_without_header_or_with_other_headers_and_prefixes() {
    let s = rsa_signer();
    // no Header at all; default-namespace envelope
    let env = "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><Body><p:x xmlns:p=\"urn:p\">1</p:x></Body></Envelope>";
    let xml = String::from_utf8(sign(env.as_bytes(), &s, &SignOptions::new()).unwrap()).unwrap();
    assert!(xml.contains("<Header><wsse:Security"));
    assert!(xml.contains(
        "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" soap:mustUnderstand=\"1\""
    ));
    verify_str(&xml).unwrap();
    let (ok, out) = xmlsec1_verify(xml.as_bytes(), &leaf_cert(&s), SOAP11);
    assert!(ok, "{out}");
    // an existing header block stays first; SOAP-ENV prefix used for mustUnderstand
    let env = "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Header><a:To xmlns:a=\"urn:a\">x</a:To></SOAP-ENV:Header><SOAP-ENV:Body><x/></SOAP-ENV:Body></SOAP-ENV:Envelope>";
    let xml = String::from_utf8(sign(env.as_bytes(), &s, &SignOptions::new()).unwrap()).unwrap();
    assert!(xml.contains("<a:To xmlns:a=\"urn:a\">x</a:To><wsse:Security"));
    assert!(xml.contains("SOAP-ENV:mustUnderstand=\"1\""));
    verify_str(&xml).unwrap();
    // a required header that is not signed
    let e = verify(
        xml.as_bytes(),
        &VerifyOptions {
            required_headers: vec![("urn:a".into(), "To".into())],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, WssError::RequiredPartNotSigned(ref m) if m.contains("a:To")),
        "{e}"
    );
}

#[test]
fn not_an_envelope_or_ambiguous_is_refused_for_signing() {
    let s = rsa_signer();
    for (bad, what) in [
        ("<a/>", "root"),
        ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/><soap:Body/></soap:Envelope>", "Body"),
        ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>", "XML"),
    ] {
        let e = sign(bad.as_bytes(), &s, &SignOptions::new()).unwrap_err();
        assert!(e.to_string().contains(what), "{what}: {e}");
    }
}

#[test]
fn gost_2015_512_signs_with_the_pkigovkz_uris_and_verifies() {
    let signer = keystore(GOST2015_P12)
        .signer(&tanba_keys::KeySelector::Single)
        .unwrap();
    assert_eq!(signer.algorithm(), SignatureAlgorithm::Gost2015_512);
    let xml = sign(
        request(SoapVersion::Soap11).as_bytes(),
        &signer,
        &SignOptions::new(),
    )
    .unwrap();
    let s = String::from_utf8(xml.clone()).unwrap();
    assert!(s.contains("<ds:SignatureMethod Algorithm=\"urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512\">"));
    assert!(s.contains("<ds:DigestMethod Algorithm=\"urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512\">"));
    // Streebog-512 digest = 88 base64 characters, signature r||s = 128 bytes = 172 characters
    let dv = &s[s.find("<ds:DigestValue>").unwrap() + 16..s.find("</ds:DigestValue>").unwrap()];
    assert_eq!(dv.len(), 88);
    let sv =
        &s[s.find("<ds:SignatureValue>").unwrap() + 19..s.find("</ds:SignatureValue>").unwrap()];
    assert_eq!(sv.len(), 172);
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    assert_eq!(v.signature_algorithm, SignatureAlgorithm::Gost2015_512);
    assert_eq!(v.signer_certificate, leaf_cert(&signer));
    // tampering is detected with GOST too
    let bad = s.replace("123456789011", "123456789012");
    assert!(matches!(
        verify(bad.as_bytes(), &VerifyOptions::default()),
        Err(WssError::DigestMismatch { .. })
    ));
    let at = s.find("<ds:SignatureValue>").unwrap() + 25;
    let mut b = xml.clone();
    b[at] = if b[at] == b'A' { b'B' } else { b'A' };
    assert!(matches!(
        verify(&b, &VerifyOptions::default()),
        Err(WssError::BadSignatureValue(_))
    ));
}

#[test]
fn signed_responses_and_faults_read_from_the_verified_body() {
    let s = rsa_signer();
    let resp = tanba_wss::SendMessageResponse {
        info: tanba_wss::ResponseInfo {
            message_id: "r-1".into(),
            correlation_id: None,
            response_date: datetime!(2026-11-22 10:00:00 +5),
            status: tanba_wss::Status {
                code: "Success".into(),
                message: "ОК".into(),
            },
            session_id: None,
        },
        data: Some(tanba_wss::Data::String("<ok/>".into())),
    };
    let xml = sign(
        resp.to_xml(SoapVersion::Soap11).unwrap().as_bytes(),
        &s,
        &SignOptions::new(),
    )
    .unwrap();
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    assert_eq!(v.send_message_response().unwrap(), resp);
    // a signed gateway fault is a typed error after verification
    let fault = tanba_wss::SoapFault {
        version: SoapVersion::Soap11,
        code: "soap:Server".into(),
        reason: "down".into(),
        actor: None,
        gateway: None,
        detail_text: None,
    };
    let xml = sign(fault.to_envelope().as_bytes(), &s, &SignOptions::new()).unwrap();
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    assert!(
        matches!(v.send_message_response(), Err(tanba_wss::EnvelopeError::Fault(f)) if f.reason == "down")
    );
}

#[test]
fn digest_matches_the_reference_canonical_body_of_smartbridge_md_6_5() {
    // SMARTBRIDGE.md §6.5: the Envelope declares an unused xmlns:x, `data` declares
    // xmlns:cs used only inside xsi:type; exclusive C14N renders soap and wsu on Body,
    // drops x and cs, expands empty elements. The expected canonical text is the
    // document's, with the wsu URI written out; its SHA-256 is computed here with ring,
    // independently of tanba-xml.
    const WSU: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    let env = format!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:x=\"urn:x\"><soap:Header/><soap:Body xmlns:wsu=\"{WSU}\" wsu:Id=\"id-1\"><sb:SendMessage xmlns:sb=\"http://bip.bee.kz/SyncChannel/v10/Types\"><request><requestData><data xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cs=\"http://message.persistence.interactive.nat\" xsi:type=\"cs:Request\"><iin>1</iin><empty/></data></requestData></request></sb:SendMessage></soap:Body></soap:Envelope>"
    );
    let expected_c14n = format!(
        "<soap:Body xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:wsu=\"{WSU}\" wsu:Id=\"id-1\"><sb:SendMessage xmlns:sb=\"http://bip.bee.kz/SyncChannel/v10/Types\"><request><requestData><data xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"cs:Request\"><iin>1</iin><empty></empty></data></requestData></request></sb:SendMessage></soap:Body>"
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, expected_c14n.as_bytes());
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest);
    let xml = String::from_utf8(sign(env.as_bytes(), &rsa_signer(), &SignOptions::new()).unwrap())
        .unwrap();
    assert!(
        xml.contains("<ds:Reference URI=\"#id-1\">"),
        "the existing wsu:Id is reused"
    );
    assert!(
        xml.contains(&format!("<ds:DigestValue>{b64}</ds:DigestValue>")),
        "{xml}"
    );
    let v = verify(xml.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(matches!(v.signed_parts.as_slice(), [SignedPart::Body { id }] if id == "id-1"));
}

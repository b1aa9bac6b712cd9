//! Envelopes signed by xmlsec1 verify with tanba-wss; tampering and every signature-wrapping
//! variant of `xmlsec-corpus/xsw/MANIFEST.tsv` that applies to WS-Security (rebuilt as SOAP
//! envelopes) is rejected with a reason naming the attack.

mod common;

use base64::Engine as _;
use common::*;
use tanba_wss::{
    sign, verify, SignOptions, SignedPart, SoapVersion, TokenReference, VerifyOptions,
    WrappingAttack, WssError,
};

const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

fn v(xml: &str) -> Result<tanba_wss::VerifiedEnvelope, WssError> {
    verify(xml.as_bytes(), &VerifyOptions::default())
}

/// A SmartBridge-shaped template for xmlsec1, pretty-printed as a Java stack would, with
/// `refs` = (id) references and the given KeyInfo content.
fn template(refs: &[&str], key_info: &str, header_extra: &str) -> String {
    let mut r = String::new();
    for id in refs {
        r.push_str(&format!(
            r##"
          <ds:Reference URI="#{id}">
            <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
            <ds:DigestValue/>
          </ds:Reference>"##
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="{SOAP}">
  <soap:Header>{header_extra}
    <wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" soap:mustUnderstand="1">
      <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:SignedInfo>
          <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
          <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>{r}
        </ds:SignedInfo>
        <ds:SignatureValue/>
        <ds:KeyInfo>{key_info}</ds:KeyInfo>
      </ds:Signature>
    </wsse:Security>
  </soap:Header>
  <soap:Body xmlns:wsu="{WSU}" wsu:Id="id-body">
    <sb:SendMessage xmlns:sb="http://bip.bee.kz/SyncChannel/v10/Types"><request><requestInfo><messageId>1</messageId><serviceId>S</serviceId><messageDate>2026-11-22T10:00:00.000+05:00</messageDate><sender><senderId>x</senderId></sender></requestInfo><requestData><data>Тест &amp; данные</data></requestData></request></sb:SendMessage>
  </soap:Body>
</soap:Envelope>
"#
    )
}

fn cert_b64() -> String {
    base64::engine::general_purpose::STANDARD.encode(leaf_cert(&rsa_signer()))
}

fn key_identifier() -> String {
    format!(
        r#"<wsse:SecurityTokenReference><wsse:KeyIdentifier EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3">{}</wsse:KeyIdentifier></wsse:SecurityTokenReference>"#,
        cert_b64()
    )
}

const BODY_ID: &str = "http://schemas.xmlsoap.org/soap/envelope/:Body";

#[test]
fn xmlsec1_signed_keyidentifier_envelope_verifies() {
    let xml = xmlsec1_sign(&template(&["id-body"], &key_identifier(), ""), &[BODY_ID]);
    assert!(xml.contains("<ds:SignatureValue>") && !xml.contains("<ds:SignatureValue/>"));
    let r = v(&xml).unwrap();
    assert_eq!(r.token, TokenReference::KeyIdentifier);
    assert_eq!(r.signer_certificate, leaf_cert(&rsa_signer()));
    // the same envelope with its Body text altered
    let bad = xml.replace("Тест &amp; данные", "Тест &amp; данныe");
    assert!(
        matches!(v(&bad), Err(WssError::DigestMismatch { ref part, .. }) if part == "the Body")
    );
}

#[test]
fn xmlsec1_signed_x509data_and_issuer_serial_envelopes_verify() {
    let xml = xmlsec1_sign(
        &template(
            &["id-body"],
            "<ds:X509Data><ds:X509Certificate/></ds:X509Data>",
            "",
        ),
        &[BODY_ID],
    );
    assert_eq!(v(&xml).unwrap().token, TokenReference::X509Certificate);

    // WSS4J / SmartBridge responses: IssuerSerial, resolved against a pinned certificate
    let xml = xmlsec1_sign(
        &template(
            &["id-body"],
            "<ds:X509Data><ds:X509IssuerSerial/></ds:X509Data>",
            "",
        ),
        &[BODY_ID],
    );
    let e = v(&xml).unwrap_err();
    assert!(
        matches!(e, WssError::Token(ref m) if m.contains("pinned")),
        "{e}"
    );
    let pinned = |certs: Vec<Vec<u8>>| VerifyOptions {
        pinned_certificates: certs,
        ..Default::default()
    };
    let other = tanba_pem_cert("certs/individual_valid_sign_2004_rsa_auth.cer");
    assert!(verify(xml.as_bytes(), &pinned(vec![other.clone()])).is_err());
    let r = verify(
        xml.as_bytes(),
        &pinned(vec![other, leaf_cert(&rsa_signer())]),
    )
    .unwrap();
    assert!(
        matches!(r.token, TokenReference::IssuerSerial { ref serial, .. } if serial == "379496749873264604728628715165317934645180131281")
    );
}

fn tanba_pem_cert(rel: &str) -> Vec<u8> {
    let pem = String::from_utf8(tanba_testdata::read_nca(rel)).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

#[test]
fn signed_required_header_and_its_modification() {
    let hdr = format!(
        r#"<a:To xmlns:a="urn:addressing" xmlns:wsu="{WSU}" wsu:Id="id-to">urn:receiver</a:To>"#
    );
    let xml = xmlsec1_sign(
        &template(&["id-body", "id-to"], &key_identifier(), &hdr),
        &[BODY_ID, "urn:addressing:To"],
    );
    let req = VerifyOptions {
        required_headers: vec![("urn:addressing".into(), "To".into())],
        ..Default::default()
    };
    let r = verify(xml.as_bytes(), &req).unwrap();
    assert!(matches!(&r.signed_parts[1], SignedPart::Header { local, .. } if local == "To"));
    let bad = xml.replace(">urn:receiver<", ">urn:attacker<");
    let e = verify(bad.as_bytes(), &req).unwrap_err();
    assert!(
        matches!(e, WssError::DigestMismatch { ref part, .. } if part == "header To"),
        "{e}"
    );
}

/// Our signed envelope (RSA, KeyIdentifier) as text, and its Body Id.
fn ours() -> (String, String) {
    let xml = String::from_utf8(
        sign(
            request(SoapVersion::Soap11).as_bytes(),
            &rsa_signer(),
            &SignOptions::new(),
        )
        .unwrap(),
    )
    .unwrap();
    let i = xml.find("wsu:Id=\"id-").unwrap() + 8;
    let id = xml[i..i + xml[i..].find('"').unwrap()].to_owned();
    (xml, id)
}

fn body_range(xml: &str) -> (usize, usize) {
    let s = xml.find("<soap:Body").unwrap();
    let e = xml.find("</soap:Body>").unwrap() + "</soap:Body>".len();
    (s, e)
}

fn forged_body() -> String {
    "<soap:Body><sb:SendMessage xmlns:sb=\"http://bip.bee.kz/SyncChannel/v10/Types\">FORGED</sb:SendMessage></soap:Body>".into()
}

fn wrapping(e: WssError) -> WrappingAttack {
    match e {
        WssError::Wrapping(w) => w,
        other => panic!("expected a wrapping rejection, got: {other}"),
    }
}

#[test]
fn modified_body_text_is_rejected() {
    let (xml, _) = ours();
    let bad = xml.replace("<iin>123456789011</iin>", "<iin>999999999999</iin>");
    assert!(
        matches!(v(&bad), Err(WssError::DigestMismatch { ref part, .. }) if part == "the Body")
    );
}

#[test]
fn xsw_signed_body_moved_into_header() {
    // MANIFEST: ruby-saml/derived/invalids/signature_wrapping_attack.xml — the signed element
    // moved into another part, a forged one in its place re-using the Id.
    let (xml, id) = ours();
    let (s, e) = body_range(&xml);
    let genuine = xml[s..e].to_owned();
    let forged =
        format!("<soap:Body xmlns:wsu=\"{WSU}\" wsu:Id=\"{id}\"><x>FORGED</x></soap:Body>");
    let mut bad = format!("{}{}{}", &xml[..s], forged, &xml[e..]);
    bad = bad.replacen(
        "</soap:Header>",
        &format!("<w:Wrapper xmlns:w=\"urn:w\">{genuine}</w:Wrapper></soap:Header>"),
        1,
    );
    let w = wrapping(v(&bad).unwrap_err());
    assert_eq!(w, WrappingAttack::BodyInHeader);
    assert!(w.to_string().contains("Body moved into the header"));
}

#[test]
fn xsw_second_body() {
    // MANIFEST: response_assertion_wrapped.xml, multiple_assertions.xml,
    // response_with_doubled_signed_assertion.xml — a forged sibling next to the signed one.
    let (xml, _) = ours();
    let (s, _) = body_range(&xml);
    for (bad, label) in [
        (
            format!("{}{}{}", &xml[..s], forged_body(), &xml[s..]),
            "before",
        ),
        (
            xml.replace(
                "</soap:Envelope>",
                &format!("{}</soap:Envelope>", forged_body()),
            ),
            "after",
        ),
    ] {
        let w = wrapping(v(&bad).unwrap_err());
        assert_eq!(w, WrappingAttack::DuplicateBody { count: 2 }, "{label}");
        assert!(w.to_string().contains("duplicated Body"));
    }
}

#[test]
fn xsw_id_collision() {
    // MANIFEST: xml-crypto/test/static/valid_saml_signature_wrapping.xml — a second element
    // re-uses the signed Id.
    let (xml, id) = ours();
    let bad = xml.replacen(
        "<soap:Header>",
        &format!("<soap:Header><a:Extra xmlns:a=\"urn:a\" xmlns:wsu=\"{WSU}\" wsu:Id=\"{id}\">x</a:Extra>"),
        1,
    );
    let w = wrapping(v(&bad).unwrap_err());
    assert_eq!(w, WrappingAttack::IdCollision { id: id.clone() });
    assert!(w.to_string().contains("Id collision"));
    // the same with a plain Id attribute inside the Body payload
    let bad = xml.replace("<iin>", &format!("<iin Id=\"{id}\">"));
    assert_eq!(
        wrapping(v(&bad).unwrap_err()),
        WrappingAttack::IdCollision { id }
    );
}

#[test]
fn xsw_body_id_mismatch_and_unsigned_body() {
    // MANIFEST: ruby-saml/derived/response_wrapped.xml — the signature covers some other
    // element; the Body that is processed is not signed.
    let (xml, id) = ours();
    let (s, e) = body_range(&xml);
    let genuine_content = {
        let b = &xml[s..e];
        b[b.find('>').unwrap() + 1..b.len() - "</soap:Body>".len()].to_owned()
    };
    let bad = format!(
        "{}<soap:Body xmlns:wsu=\"{WSU}\" wsu:Id=\"id-forged\"><x>FORGED</x></soap:Body>{}",
        &xml[..s],
        &xml[e..]
    )
    .replacen(
        "<soap:Header>",
        &format!("<soap:Header><w:Old xmlns:w=\"urn:w\" xmlns:wsu=\"{WSU}\" wsu:Id=\"{id}\">{genuine_content}</w:Old>"),
        1,
    );
    let w = wrapping(v(&bad).unwrap_err());
    assert!(
        matches!(w, WrappingAttack::BodyIdMismatch { ref referenced, .. } if *referenced == id),
        "{w}"
    );
    assert!(w.to_string().contains("Body Id mismatch"));

    // A Body without any Id that the signature could cover
    let bad = xml.replace(&format!(" wsu:Id=\"{id}\""), "");
    let e = v(&bad).unwrap_err();
    assert!(matches!(e, WssError::UnsignedBody), "{e}");
}

#[test]
fn xsw_signed_element_concealed_inside_the_body() {
    // MANIFEST: response_with_concealed_signed_assertion.xml — the signed element hidden
    // inside a foreign element; the visible one is unsigned.
    let (xml, id) = ours();
    let bad = xml
        .replace(&format!(" wsu:Id=\"{id}\""), " wsu:Id=\"id-visible\"")
        .replace(
            "<requestData>",
            &format!("<requestData><foo xmlns:wsu=\"{WSU}\" wsu:Id=\"{id}\"/>"),
        );
    let w = wrapping(v(&bad).unwrap_err());
    assert!(
        matches!(w, WrappingAttack::SignedElementElsewhere { .. }),
        "{w}"
    );
    assert!(w.to_string().contains("signed element elsewhere"));
}

#[test]
fn extra_signatures_and_signed_info_elements() {
    let (xml, _) = ours();
    let sig_start = xml.find("<ds:Signature ").unwrap();
    let sig_end = xml.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &xml[sig_start..sig_end];
    // MANIFEST: multiple_signed.xml — two ds:Signature (also NCANode's P12 template case)
    let bad = xml.replacen(sig, &format!("{sig}{sig}"), 1);
    assert!(matches!(
        wrapping(v(&bad).unwrap_err()),
        WrappingAttack::Duplicated { count: 2, .. }
    ));
    // MANIFEST: saml_multiple_signed_info_nodes.xml — two direct-child SignedInfo
    let si_s = xml.find("<ds:SignedInfo>").unwrap();
    let si_e = xml.find("</ds:SignedInfo>").unwrap() + "</ds:SignedInfo>".len();
    let si = &xml[si_s..si_e];
    let bad = xml.replacen(si, &format!("{si}{si}"), 1);
    assert!(matches!(
        wrapping(v(&bad).unwrap_err()),
        WrappingAttack::Duplicated {
            what: "ds:SignedInfo",
            count: 2
        }
    ));
    // MANIFEST: saml_wrapped_signed_info_node.xml — a SignedInfo wrapped in a foreign
    // element inside ds:Signature must be ignored: still valid
    let ok = xml.replacen(
        "</ds:KeyInfo></ds:Signature>",
        "</ds:KeyInfo><W><ds:SignedInfo><ds:Reference URI=\"#nothing\"/></ds:SignedInfo></W></ds:Signature>",
        1,
    );
    v(&ok).unwrap();
    // MANIFEST: invalid_saml_no_signed_info.xml
    let bad = xml.replacen(si, "", 1);
    assert!(matches!(v(&bad), Err(WssError::Structure(ref m)) if m.contains("SignedInfo")));
    // MANIFEST: invalid_signature_position.xml / response_invalid_signed_element.xml — the
    // Signature outside the Security header
    let moved = sig.replacen(
        "<ds:Signature ",
        &format!("<ds:Signature xmlns:wsse=\"{WSSE}\" "),
        1,
    );
    let bad =
        xml.replacen(sig, "", 1)
            .replacen("<soap:Header>", &format!("<soap:Header>{moved}"), 1);
    assert!(matches!(v(&bad), Err(WssError::NotSigned)));
    // MANIFEST: no_signature.xml — unsigned envelope
    let e = v(&request(SoapVersion::Soap11)).unwrap_err();
    assert!(
        matches!(e, WssError::SecurityHeader(ref m) if m.contains("no wsse:Security")),
        "{e}"
    );
    // two Security headers
    let sec_s = xml.find("<wsse:Security ").unwrap();
    let sec_e = xml.find("</wsse:Security>").unwrap() + "</wsse:Security>".len();
    let sec = &xml[sec_s..sec_e];
    let bad = xml.replacen(sec, &format!("{sec}{sec}"), 1);
    assert!(matches!(
        wrapping(v(&bad).unwrap_err()),
        WrappingAttack::Duplicated {
            what: "wsse:Security headers",
            ..
        }
    ));
}

#[test]
fn algorithm_substitution_and_unknown_algorithms() {
    let (xml, id) = ours();
    // MANIFEST: valid_saml_withcomments.xml — CanonicalizationMethod swapped to #WithComments
    let bad = xml.replacen(
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">",
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#WithComments\">",
        1,
    );
    assert!(
        matches!(v(&bad), Err(WssError::Algorithm(_))),
        "{:?}",
        v(&bad).err()
    );
    // MANIFEST: signature-bad-c14n-algo / -sig-algo / -transform-algo, HMAC truncation rows
    for (from, to) in [
        (
            "xml-exc-c14n#\"></ds:CanonicalizationMethod>",
            "unknown#\"></ds:CanonicalizationMethod>",
        ),
        ("xmldsig-more#rsa-sha256", "xmldsig-more#unknown"),
        ("xmldsig-more#rsa-sha256", "xmldsig#hmac-sha1"),
        (
            "xml-exc-c14n#\"></ds:Transform>",
            "unknown#\"></ds:Transform>",
        ),
        (
            "xml-exc-c14n#\"></ds:Transform>",
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature\"></ds:Transform>",
        ),
        ("xmlenc#sha256", "xmldsig#sha1"),
    ] {
        let bad = xml.replacen(from, to, 1);
        assert_ne!(bad, xml, "{from}");
        let e = v(&bad).unwrap_err();
        assert!(matches!(e, WssError::Algorithm(_)), "{to}: {e}");
    }
    // inclusive C14N is not the WS-Security profile
    let bad = xml.replacen(
        "http://www.w3.org/2001/10/xml-exc-c14n#\"></ds:Transform>",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"></ds:Transform>",
        1,
    );
    assert!(matches!(v(&bad), Err(WssError::Algorithm(ref m)) if m.contains("exclusive")));
    // MANIFEST: id_with_quotes.xml — an Id with quotes resolves to nothing (no XPath)
    let bad = xml.replacen(&format!("URI=\"#{id}\""), "URI=\"#t&apos;t\"", 1);
    assert!(v(&bad).is_err());
    // whole-document references are not the profile
    let bad = xml.replacen(&format!("URI=\"#{id}\""), "URI=\"\"", 1);
    assert!(matches!(v(&bad), Err(WssError::Structure(ref m)) if m.contains("whole document")));
}

#[test]
fn digest_comment_injection_cdata_and_text_comments() {
    let (xml, _) = ours();
    // MANIFEST: valid_saml_with_digest_comment.xml — the DigestValue is read from text only;
    // moving the real value into a comment leaves a wrong value → rejected
    let dv_s = xml.find("<ds:DigestValue>").unwrap() + "<ds:DigestValue>".len();
    let dv_e = xml.find("</ds:DigestValue>").unwrap();
    let real = xml[dv_s..dv_e].to_owned();
    let bad = format!(
        "{}<!--{real}-->AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA={}",
        &xml[..dv_s],
        &xml[dv_e..]
    );
    assert!(matches!(v(&bad), Err(WssError::BadSignatureValue(_))));
    // MANIFEST: response_node_text_attack3.xml — CDATA appended to signed text
    let bad = xml.replace(
        "<iin>123456789011</iin>",
        "<iin>123456789011<![CDATA[0]]></iin>",
    );
    assert!(matches!(v(&bad), Err(WssError::DigestMismatch { .. })));
    // MANIFEST: response_node_text_attack2.xml — a comment inside signed text does not
    // change exclusive C14N without comments: the signature stays valid (readers must use
    // the whole text content)
    let ok = xml.replace(
        "<iin>123456789011</iin>",
        "<iin>123456<!-- x -->789011</iin>",
    );
    let r = v(&ok).unwrap();
    let doc = r.document();
    let iin = doc
        .descendants(r.body)
        .find(|&n| doc.is_element(n) && doc.name(n).local == "iin")
        .unwrap();
    assert_eq!(doc.text_content(iin), "123456789011");
}

#[test]
fn entity_expansion_and_dtd_are_refused() {
    // MANIFEST: ruby-saml/test/responses/attackxee.xml
    let (xml, _) = ours();
    let bad = format!("<!DOCTYPE soap:Envelope [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>{}", xml.replace("123456789011", "&b;"));
    let e = v(&bad).unwrap_err();
    assert!(
        matches!(e, WssError::Envelope(tanba_wss::EnvelopeError::Xml(_))),
        "{e}"
    );
}

#[test]
fn signature_value_tampering_key_substitution_and_must_understand() {
    let (xml, _) = ours();
    // a different certificate in KeyIdentifier
    let other = base64::engine::general_purpose::STANDARD.encode(tanba_pem_cert(
        "certs/individual_valid_sign_2004_rsa_auth.cer",
    ));
    let ki_s = xml.find("X509v3\">").unwrap() + "X509v3\">".len();
    let ki_e = xml.find("</wsse:KeyIdentifier>").unwrap();
    let bad = format!("{}{other}{}", &xml[..ki_s], &xml[ki_e..]);
    assert!(matches!(v(&bad), Err(WssError::BadSignatureValue(_))));
    // a flipped SignatureValue byte
    let sv_s = xml.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let mut bytes = xml.clone().into_bytes();
    bytes[sv_s + 10] = if bytes[sv_s + 10] == b'A' { b'B' } else { b'A' };
    assert!(matches!(
        verify(&bytes, &VerifyOptions::default()),
        Err(WssError::BadSignatureValue(_))
    ));
    // garbage base64
    let bad = xml.replacen("<ds:SignatureValue>", "<ds:SignatureValue>*", 1);
    assert!(matches!(v(&bad), Err(WssError::Base64(ref m)) if m.contains("SignatureValue")));
    // mustUnderstand removed (the header is not covered, so only the policy can catch it)
    let bad = xml.replacen(" soap:mustUnderstand=\"1\"", "", 1);
    let e = v(&bad).unwrap_err();
    assert!(
        matches!(e, WssError::SecurityHeader(ref m) if m.contains("mustUnderstand")),
        "{e}"
    );
    verify(
        bad.as_bytes(),
        &VerifyOptions {
            require_must_understand: false,
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn every_applicable_manifest_row_is_covered() {
    // The rows rebuilt above as WS-Security envelopes; the HMAC rows are covered by the
    // "hmac-sha1" substitution, encrypted_new_attack does not apply (no XML encryption).
    let manifest = String::from_utf8(tanba_testdata::read(&tanba_testdata::corpus(
        "xsw/MANIFEST.tsv",
    )))
    .unwrap();
    let covered = [
        "signature_wrapping_attack.xml",
        "response_wrapped.xml",
        "response_assertion_wrapped.xml",
        "multiple_assertions.xml",
        "multiple_signed.xml",
        "response_invalid_signed_element.xml",
        "invalid_signature_position.xml",
        "response_with_concealed_signed_assertion.xml",
        "response_with_doubled_signed_assertion.xml",
        "response_node_text_attack2.xml",
        "response_node_text_attack3.xml",
        "attackxee.xml",
        "no_signature.xml",
        "valid_saml_signature_wrapping.xml",
        "saml_wrapped_signed_info_node.xml",
        "saml_multiple_signed_info_nodes.xml",
        "invalid_saml_no_signed_info.xml",
        "valid_saml_with_digest_comment.xml",
        "id_with_quotes.xml",
        "valid_saml_withcomments.xml",
        "signature-bad-c14n-algo.xml",
        "signature-bad-sig-algo.xml",
        "signature-bad-transform-algo.xml",
        "trunclen-0-attack.xml",
        "trunclen-8-attack.xml",
        "truncated40.xml",
    ];
    let not_applicable = [
        "encrypted_new_attack.xml",
        "response_node_text_attack.xml",
        "signature-enveloping-hmac-sha1-40.xml",
        "signature-hmac-sha1-40-c14n-comments-detached.xml",
        "signature-good.xml",
    ];
    let rows: Vec<&str> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    for name in covered.iter().chain(&not_applicable) {
        assert!(
            rows.iter().any(|r| r.ends_with(name)),
            "{name} is not in MANIFEST.tsv"
        );
    }
    for r in &rows {
        assert!(
            covered
                .iter()
                .chain(&not_applicable)
                .any(|n| r.ends_with(n)),
            "MANIFEST row {r} is neither covered nor marked not applicable"
        );
    }
}

#[test]
fn wss4j_style_inclusive_namespaces_and_signed_token_verify() {
    // WSS4J >= 2.0 adds ec:InclusiveNamespaces PrefixList under both the
    // CanonicalizationMethod and the Transform (SMARTBRIDGE.md P8) and may sign its
    // BinarySecurityToken; xmlsec1 signs such a template here.
    let ec = r#"<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="x"/>"#;
    let bst = format!(
        r#"<wsse:BinarySecurityToken xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" wsu:Id="X509-1">{}</wsse:BinarySecurityToken>"#,
        cert_b64()
    );
    let key_info = r##"<wsse:SecurityTokenReference><wsse:Reference URI="#X509-1" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"/></wsse:SecurityTokenReference>"##;
    let t = template(&["id-body", "X509-1"], key_info, "")
        .replace(
            r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
            &format!(r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">{ec}</ds:CanonicalizationMethod>"#),
        )
        .replace(
            r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
            &format!(r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">{ec}</ds:Transform>"#),
        )
        .replacen("<ds:Signature ", &format!("{bst}<ds:Signature "), 1)
        .replacen(
            &format!("<soap:Envelope xmlns:soap=\"{SOAP}\">"),
            &format!("<soap:Envelope xmlns:soap=\"{SOAP}\" xmlns:x=\"urn:x\">"),
            1,
        );
    let xml = xmlsec1_sign(
        &t,
        &[
            BODY_ID,
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd:BinarySecurityToken",
        ],
    );
    let r = v(&xml).unwrap();
    assert!(matches!(r.token, TokenReference::BinarySecurityToken { ref id } if id == "X509-1"));
    assert!(matches!(&r.signed_parts[1], SignedPart::SecurityToken { id } if id == "X509-1"));
    // The Envelope declares xmlns:x, used nowhere: only a verifier that honours the
    // PrefixList renders it on Body and SignedInfo and gets xmlsec1's digest and signature.
    assert!(xml.contains("xmlns:x=\"urn:x\""));
    assert!(String::from_utf8_lossy(&r.signed_info).starts_with(
        "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:x=\"urn:x\">"
    ));
}

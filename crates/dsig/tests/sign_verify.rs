//! Sign with tanba, verify with tanba and with xmlsec1; xmlsec1-made signatures verified by
//! tanba; multi-signer peeling; negative cases (tampering, wrong certificate, removed
//! reference, moved signature, wrapping).

mod common;

use common::{nca_rsa_key, openssl_key, xmlsec1_sign, xmlsec1_verify};
use tanba_dsig::{sign, verify, CheckMode, DsigError, SignOptions, SignedNode, VerifyOptions};

const DOC: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<application xmlns=\"urn:tanba:test\" xmlns:x=\"urn:x\">\n  <applicant iin=\"123456789011\">Тестов Тест</applicant>\n  <!-- a comment is not signed content -->\n  <x:amount currency=\"KZT\">1000</x:amount>\n</application>\n";

fn verify_ok(xml: &[u8]) -> tanba_dsig::VerifiedDocument {
    let r = verify(xml, &VerifyOptions::default()).expect("document parses and has a signature");
    for s in &r.signatures {
        if let Err(e) = &s.result {
            panic!(
                "signature #{} invalid: {e}\n{}",
                s.index,
                String::from_utf8_lossy(xml)
            );
        }
    }
    r
}

fn is_invalid(xml: &[u8]) -> bool {
    match verify(xml, &VerifyOptions::default()) {
        Err(_) => true,
        Ok(r) => !r.all_valid(),
    }
}

#[test]
fn enveloped_rsa_kalkan_profile_round_trip() {
    let key = openssl_key("rsa:2048");
    let signed = sign(DOC.as_bytes(), &key.signer, &SignOptions::default()).unwrap();
    let text = String::from_utf8(signed.clone()).unwrap();
    // the original text is untouched around the spliced signature
    let sig_at = text.find("<ds:Signature ").unwrap();
    assert_eq!(&text[..sig_at], &DOC[..DOC.find("</application>").unwrap()]);
    assert!(text[sig_at..].ends_with("</ds:Signature></application>\n"));
    assert!(text.contains("<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\n<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"/>"));
    assert!(text.contains("&#13;\n"), "Kalkan base64 layout");

    let r = verify_ok(&signed);
    assert_eq!(r.signatures.len(), 1);
    let v = r.signatures[0].result.as_ref().unwrap();
    assert_eq!(v.signer_certificate_der(), Some(key.cert_der.as_slice()));
    assert_eq!(v.mode, CheckMode::Standard);
    let reference = &v.references[0];
    assert_eq!(reference.signed_node, SignedNode::Document);
    assert_eq!(reference.excluded, vec![v.signature_element]);
    // digested = C14N of the document without the comment and without the signature
    // (written by hand from the C14N 1.0 rules)
    let expected = "<application xmlns=\"urn:tanba:test\" xmlns:x=\"urn:x\">\n  <applicant iin=\"123456789011\">Тестов Тест</applicant>\n  \n  <x:amount currency=\"KZT\">1000</x:amount>\n</application>";
    assert_eq!(
        String::from_utf8(reference.digested.clone().unwrap()).unwrap(),
        expected
    );
    // xmlsec1 agrees
    let (ok, err) = xmlsec1_verify(
        &signed,
        &["--pubkey-cert-pem", key.cert_pem.to_str().unwrap()],
    );
    assert!(ok, "xmlsec1 rejected our enveloped RSA signature: {err}");
}

#[test]
fn nca_test_key_signs_kalkan_declaration_and_xmlsec1_verifies() {
    let key = nca_rsa_key();
    let doc = b"<request><iin>123456789011</iin></request>";
    let signed = sign(doc, &key.signer, &SignOptions::default()).unwrap();
    assert!(signed.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"));
    let r = verify_ok(&signed);
    let v = r.signatures[0].result.as_ref().unwrap();
    assert_eq!(
        v.signature_algorithm,
        tanba_crypto::SignatureAlgorithm::RsaPkcs1Sha256
    );
    assert_eq!(v.certificates, vec![key.cert_der.clone()]);
    let (ok, err) = xmlsec1_verify(
        &signed,
        &["--pubkey-cert-pem", key.cert_pem.to_str().unwrap()],
    );
    assert!(ok, "xmlsec1: {err}");
}

#[test]
fn enveloped_ecdsa_verifies_with_xmlsec1() {
    let key = openssl_key("ec");
    let signed = sign(DOC.as_bytes(), &key.signer, &SignOptions::compact()).unwrap();
    assert!(!String::from_utf8_lossy(&signed).contains("&#13;"));
    verify_ok(&signed);
    let (ok, err) = xmlsec1_verify(
        &signed,
        &["--pubkey-cert-pem", key.cert_pem.to_str().unwrap()],
    );
    assert!(ok, "xmlsec1 rejected our ECDSA signature: {err}");
}

const BY_ID_DOC: &str = "<root xmlns:p=\"urn:p\"><header>not signed</header><data Id=\"doc-1\"><p:item>42</p:item><!--c--></data></root>";

#[test]
fn by_id_signature_kalkan_profile_and_xmlsec1() {
    let key = openssl_key("rsa:2048");
    let signed = sign(
        BY_ID_DOC.as_bytes(),
        &key.signer,
        &SignOptions::by_id("doc-1"),
    )
    .unwrap();
    let text = String::from_utf8(signed.clone()).unwrap();
    assert!(text.contains(
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
    ));
    assert!(text.contains("<ds:Reference URI=\"#doc-1\">"));
    // the signature is the last child of the signed element's parent
    assert!(text.ends_with("</ds:Signature></root>"));
    let r = verify_ok(&signed);
    let v = r.signatures[0].result.as_ref().unwrap();
    let doc = r.document();
    let data = doc.find_by_id("doc-1").unwrap().unwrap();
    assert_eq!(v.references[0].signed_node, SignedNode::Element(data));
    // inclusive C14N of the subtree: inherited xmlns:p, no comment
    assert_eq!(
        v.references[0].digested.as_deref().unwrap(),
        b"<data xmlns:p=\"urn:p\" Id=\"doc-1\"><p:item>42</p:item></data>"
    );
    let header = doc.find_element("", "header").unwrap();
    assert!(
        !r.is_signed(header),
        "content outside the referenced element is not covered"
    );
    assert!(r.is_signed(data));
    let (ok, err) = xmlsec1_verify(
        &signed,
        &[
            "--pubkey-cert-pem",
            key.cert_pem.to_str().unwrap(),
            "--id-attr:Id",
            "data",
        ],
    );
    assert!(ok, "xmlsec1 rejected our by-Id signature: {err}");
}

#[test]
fn xmlsec1_made_signatures_verify_with_tanba() {
    for kind in ["rsa:2048", "ec"] {
        let key = openssl_key(kind);
        let (sm, dm) = if kind == "ec" {
            (
                "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
                "http://www.w3.org/2001/04/xmlenc#sha256",
            )
        } else {
            (
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "http://www.w3.org/2001/04/xmlenc#sha256",
            )
        };
        let template = format!(
            "<doc xmlns=\"urn:d\"><v>1</v><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"{sm}\"/><ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{dm}\"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></doc>"
        );
        let signed = xmlsec1_sign(template.as_bytes(), &key, &[]);
        let r = verify_ok(&signed);
        let v = r.signatures[0].result.as_ref().unwrap();
        assert_eq!(
            v.signer_certificate_der(),
            Some(key.cert_der.as_slice()),
            "{kind}"
        );
        // and a tampered copy is refused
        let tampered = String::from_utf8(signed)
            .unwrap()
            .replace("<v>1</v>", "<v>2</v>");
        assert!(is_invalid(tampered.as_bytes()), "{kind}");
    }
}

#[test]
fn two_signers_peeling_order_as_kalkan() {
    let first = openssl_key("rsa:2048");
    let second = openssl_key("ec");
    let once = sign(DOC.as_bytes(), &first.signer, &SignOptions::default()).unwrap();
    let twice = sign(&once, &second.signer, &SignOptions::default()).unwrap();
    let text = String::from_utf8(twice.clone()).unwrap();
    // the new signature is appended after the first one, as the last child
    assert_eq!(text.matches("<ds:Signature ").count(), 2);
    assert!(
        text.ends_with("</ds:Signature></ds:Signature></application>\n")
            || text.contains("</ds:Signature><ds:Signature ")
    );
    let r = verify_ok(&twice);
    let a = r.signatures[0].result.as_ref().unwrap();
    let b = r.signatures[1].result.as_ref().unwrap();
    assert_eq!(a.mode, CheckMode::Peeled { removed: vec![1] });
    assert_eq!(b.mode, CheckMode::Standard);
    assert_eq!((a.signing_order, b.signing_order), (0, 1));
    assert_eq!(a.signer_certificate_der(), Some(first.cert_der.as_slice()));
    assert_eq!(b.signer_certificate_der(), Some(second.cert_der.as_slice()));
    // the later signature covers the earlier one; the content is covered by both
    assert!(r.is_signed(a.signature_element));
    let signers: Vec<usize> = r
        .signers_of(a.signature_element)
        .iter()
        .map(|v| v.index)
        .collect();
    assert_eq!(signers, vec![1]);
    let root = r.document().root_element();
    let both: Vec<usize> = r.signers_of(root).iter().map(|v| v.index).collect();
    assert_eq!(both, vec![0, 1]);
    // KALKAN-COMPAT.md: a standard verifier fails on the earlier signature (xmlsec1 checks
    // the first ds:Signature it finds)
    let (ok, _) = xmlsec1_verify(
        &twice,
        &["--pubkey-cert-pem", first.cert_pem.to_str().unwrap()],
    );
    assert!(
        !ok,
        "xmlsec1 unexpectedly verified the earlier signature without peeling"
    );
    // removing the second signature makes the first one verify with xmlsec1 too
    let start = text.rfind("<ds:Signature ").unwrap();
    let end = text.rfind("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let peeled = format!("{}{}", &text[..start], &text[end..]);
    let (ok, err) = xmlsec1_verify(
        peeled.as_bytes(),
        &["--pubkey-cert-pem", first.cert_pem.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    // tampering with the first signature breaks the second (it covers it)
    let t = text.replacen("<ds:DigestValue>", "<ds:DigestValue> ", 1);
    let r = verify(t.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(r.signatures[1].result.is_err());
}

#[test]
fn wrong_certificate_in_keyinfo_is_refused() {
    let key = openssl_key("rsa:2048");
    let other = openssl_key("rsa:2048");
    let signed =
        String::from_utf8(sign(DOC.as_bytes(), &key.signer, &SignOptions::compact()).unwrap())
            .unwrap();
    use base64::Engine as _;
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let swapped = signed.replace(&b64(&key.cert_der), &b64(&other.cert_der));
    assert_ne!(swapped, signed);
    let r = verify(swapped.as_bytes(), &VerifyOptions::default()).unwrap();
    assert_eq!(
        r.signatures[0].result.as_ref().unwrap_err(),
        &DsigError::BadSignatureValue { signature: 0 }
    );
}

#[test]
fn removed_reference_and_missing_parts_are_refused() {
    let key = openssl_key("rsa:2048");
    let signed =
        String::from_utf8(sign(DOC.as_bytes(), &key.signer, &SignOptions::default()).unwrap())
            .unwrap();
    let s = signed.find("<ds:Reference ").unwrap();
    let e = signed.find("</ds:Reference>").unwrap() + "</ds:Reference>\n".len();
    let no_ref = format!("{}{}", &signed[..s], &signed[e..]);
    let r = verify(no_ref.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(matches!(
        r.signatures[0].result,
        Err(DsigError::Structure { .. })
    ));
    // no signature at all
    assert_eq!(
        verify(DOC.as_bytes(), &VerifyOptions::default()).unwrap_err(),
        DsigError::NoSignature
    );
}

#[test]
fn by_id_signature_moved_into_the_signed_element_is_invalid() {
    let key = openssl_key("rsa:2048");
    let signed = String::from_utf8(
        sign(
            BY_ID_DOC.as_bytes(),
            &key.signer,
            &SignOptions::by_id("doc-1"),
        )
        .unwrap(),
    )
    .unwrap();
    let s = signed.find("<ds:Signature ").unwrap();
    let e = signed.rfind("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &signed[s..e];
    let without = format!("{}{}", &signed[..s], &signed[e..]);
    let moved = without.replace("<!--c--></data>", &format!("<!--c-->{sig}</data>"));
    assert!(is_invalid(moved.as_bytes()));
}

#[test]
fn wrapping_attempts_are_rejected_or_excluded_from_the_signed_set() {
    let key = openssl_key("rsa:2048");
    let signed = String::from_utf8(
        sign(
            BY_ID_DOC.as_bytes(),
            &key.signer,
            &SignOptions::by_id("doc-1"),
        )
        .unwrap(),
    )
    .unwrap();
    // 1. a second element with the same Id: rejected
    let dup = signed.replace(
        "<header>not signed</header>",
        "<data Id=\"doc-1\"><p:item>1000000</p:item></data>",
    );
    let r = verify(dup.as_bytes(), &VerifyOptions::default()).unwrap();
    assert_eq!(
        r.signatures[0].result.as_ref().unwrap_err(),
        &DsigError::DuplicateId { id: "doc-1".into() }
    );
    // 2. the signed element moved under a new parent, an unsigned copy where it was:
    //    valid, but the report points at the moved element only
    let original = "<data Id=\"doc-1\"><p:item>42</p:item><!--c--></data>";
    let wrapped = signed.replace(
        original,
        &format!("<data><p:item>1000000</p:item></data><wrapper>{original}</wrapper>"),
    );
    let r = verify(wrapped.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(r.all_valid(), "{:?}", r.signatures[0].result);
    let doc = r.document();
    let datas: Vec<_> = doc
        .descendants(tanba_xml::NodeId::DOCUMENT)
        .filter(|&n| doc.is_element(n) && doc.name(n).is("", "data"))
        .collect();
    assert_eq!(datas.len(), 2);
    assert!(
        !r.is_signed(datas[0]),
        "the attacker's unsigned copy must not be reported as signed"
    );
    assert!(r.is_signed(datas[1]));
    // 3. an unsigned copy of the payload placed first, where a naive reader looks
    let naive = signed.replace("<header>", "<data><p:item>999</p:item></data><header>");
    let r = verify(naive.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(r.all_valid());
    let doc = r.document();
    let first = doc.find_element("", "data").unwrap();
    assert!(!r.is_signed(first));
    // 4. enveloped whole-document signature: any added copy invalidates it
    let env =
        String::from_utf8(sign(DOC.as_bytes(), &key.signer, &SignOptions::default()).unwrap())
            .unwrap();
    let added = env.replace("<application xmlns=\"urn:tanba:test\" xmlns:x=\"urn:x\">", "<application xmlns=\"urn:tanba:test\" xmlns:x=\"urn:x\"><x:amount currency=\"KZT\">9</x:amount>");
    assert!(is_invalid(added.as_bytes()));
}

mod tamper {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    struct Fixture {
        signed: Vec<u8>,
        /// byte ranges that are signed: the document content before the signature, and SignedInfo
        ranges: Vec<std::ops::Range<usize>>,
    }

    fn fixture() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let key = openssl_key("rsa:2048");
            let signed = sign(DOC.as_bytes(), &key.signer, &SignOptions::default()).unwrap();
            let t = String::from_utf8(signed.clone()).unwrap();
            let root = t.find("<application").unwrap();
            let sig = t.find("<ds:Signature").unwrap();
            // comment content is not signed: leave it out (its delimiters stay in)
            let c_s = t.find("<!--").unwrap() + 4;
            let c_e = t.find("-->").unwrap();
            let si_s = t.find("<ds:SignedInfo>").unwrap();
            let si_e = t.find("</ds:SignedInfo>").unwrap() + "</ds:SignedInfo>".len();
            let end = t.rfind("</application>").unwrap() + "</application>".len();
            Fixture {
                signed,
                ranges: vec![
                    root..c_s,
                    c_e..sig,
                    si_s..si_e,
                    (end - "</application>".len())..end,
                ],
            }
        })
    }

    fn alter(b: u8) -> u8 {
        match b {
            b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => b + 1,
            b'z' => b'a',
            b'Z' => b'A',
            b'9' => b'0',
            _ => b'Q',
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn any_altered_signed_byte_invalidates(which in 0usize..4, frac in 0.0f64..1.0) {
            let f = fixture();
            let r = f.ranges[which].clone();
            let pos = r.start + ((r.len() as f64 * frac) as usize).min(r.len() - 1);
            let mut doc = f.signed.clone();
            // keep UTF-8 intact: alter the first byte of a character only for ASCII
            prop_assume!(doc[pos].is_ascii());
            doc[pos] = alter(doc[pos]);
            prop_assert!(is_invalid(&doc), "altering byte {} ({:?}) went unnoticed", pos, f.signed[pos] as char);
        }
    }

    #[test]
    fn every_ascii_byte_of_signed_info_altered_is_invalid() {
        let f = fixture();
        for pos in f.ranges[2].clone() {
            let mut doc = f.signed.clone();
            doc[pos] = alter(doc[pos]);
            assert!(
                is_invalid(&doc),
                "altering SignedInfo byte {pos} went unnoticed"
            );
        }
    }
}

/// Opens an NCA RK test keystore through tanba-keys.
fn nca_signer(name: &str) -> tanba_crypto::KeySigner {
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    let store = tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    store
        .signer(&tanba_keys::KeySelector::Single)
        .or_else(|_| {
            store.signer(&tanba_keys::KeySelector::Purpose(
                tanba_keys::KeyPurpose::Sign,
            ))
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn nca_rsa_key_through_tanba_keys() {
    use tanba_crypto::Signer as _;
    let signer = nca_signer("individual_valid_sign_rsa_2004.p12");
    let signed = sign(DOC.as_bytes(), &signer, &SignOptions::default()).unwrap();
    let r = verify_ok(&signed);
    let v = r.signatures[0].result.as_ref().unwrap();
    assert_eq!(
        v.signer_certificate_der(),
        Some(signer.certificate_chain()[0].as_slice())
    );
}

#[test]
fn gost_2015_kalkan_profile_sign_and_verify() {
    use tanba_crypto::Signer as _;
    let signer = nca_signer("individual_valid_gost_2015.p12");
    assert_eq!(
        signer.algorithm(),
        tanba_crypto::SignatureAlgorithm::Gost2015_512
    );
    let signed = sign(DOC.as_bytes(), &signer, &SignOptions::default()).unwrap();
    let text = String::from_utf8(signed.clone()).unwrap();
    // GOST.md §8: the pkigovkz URIs
    assert!(text.contains("<ds:SignatureMethod Algorithm=\"urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512\"/>"));
    assert!(text.contains("<ds:DigestMethod Algorithm=\"urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512\"/>"));
    let r = verify_ok(&signed);
    let v = r.signatures[0].result.as_ref().unwrap();
    // DigestValue = Streebog-512 of the canonical bytes, RustCrypto byte order (GOST.md §8)
    let digested = v.references[0].digested.as_ref().unwrap();
    assert_eq!(
        v.references[0].digest_value,
        tanba_crypto::DigestAlgorithm::Streebog512.digest(digested)
    );
    assert_eq!(v.references[0].digest_value.len(), 64);
    // a second signer with RSA on top (Kalkan's RSA-then-GOST order, reversed here)
    let rsa = nca_signer("individual_valid_sign_rsa_2004.p12");
    let twice = sign(&signed, &rsa, &SignOptions::default()).unwrap();
    let r = verify_ok(&twice);
    let order: Vec<_> = r
        .valid_in_signing_order()
        .iter()
        .map(|v| v.signature_algorithm)
        .collect();
    assert_eq!(
        order,
        vec![
            tanba_crypto::SignatureAlgorithm::Gost2015_512,
            tanba_crypto::SignatureAlgorithm::RsaPkcs1Sha256
        ]
    );
    // tampered signed content
    let t = String::from_utf8(signed).unwrap().replace("1000", "1001");
    assert!(is_invalid(t.as_bytes()));
}

#[test]
fn signed_info_context_namespaces_and_xml_attributes() {
    // SignedInfo inherits the default namespace, prefixes and xml:* attributes of its
    // ancestors under inclusive C14N: a signature made in such a context verifies with
    // tanba and with xmlsec1
    let key = openssl_key("rsa:2048");
    // (libxml2 writes a namespace URI containing `&` unescaped in canonical form, unlike the
    // C14N spec and tanba-xml; the interop document avoids that character)
    let doc = "<r:root xmlns:r=\"urn:r\" xmlns=\"urn:default\" xml:lang=\"kk\" xml:space=\"preserve\"><box xmlns:q=\"urn:q\" xml:lang=\"ru\"><q:data Id=\"d1\">мәтін</q:data></box></r:root>";
    let amp = doc.replace("urn:default", "urn:default&amp;x");
    for opts in [SignOptions::default(), SignOptions::by_id("d1")] {
        verify_ok(&sign(amp.as_bytes(), &key.signer, &opts).unwrap());
        let signed = sign(doc.as_bytes(), &key.signer, &opts).unwrap();
        verify_ok(&signed);
        let mut args = vec!["--pubkey-cert-pem", key.cert_pem.to_str().unwrap()];
        if opts.target != tanba_dsig::SignTarget::WholeDocument {
            args.extend(["--id-attr:Id", "urn:q:data"]);
        }
        let (ok, err) = xmlsec1_verify(&signed, &args);
        assert!(
            ok,
            "{:?}: {err}\n{}",
            opts.target,
            String::from_utf8_lossy(&signed)
        );
    }
}

#[test]
fn unknown_algorithms_in_signed_info_are_refused_by_name() {
    let key = openssl_key("rsa:2048");
    let signed = String::from_utf8(
        sign(
            BY_ID_DOC.as_bytes(),
            &key.signer,
            &SignOptions::by_id("doc-1"),
        )
        .unwrap(),
    )
    .unwrap();
    let cases = [
        (
            "http://www.w3.org/2001/10/xml-exc-c14n#\"/>\n<ds:SignatureMethod",
            "http://www.apache.org/bad-c14n-algo\"/>\n<ds:SignatureMethod",
            tanba_dsig::AlgorithmRole::Canonicalization,
            "http://www.apache.org/bad-c14n-algo",
        ),
        (
            "<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>",
            tanba_dsig::AlgorithmRole::Transform,
            "http://www.w3.org/TR/1999/REC-xslt-19991116",
        ),
        (
            "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>",
            "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#md5\"/>",
            tanba_dsig::AlgorithmRole::Digest,
            "http://www.w3.org/2001/04/xmldsig-more#md5",
        ),
        (
            "xmldsig-more#rsa-sha256",
            "xmldsig-more#hmac-sha256",
            tanba_dsig::AlgorithmRole::Signature,
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
        ),
    ];
    for (from, to, role, uri) in cases {
        assert!(signed.contains(from), "{from}");
        let doc = signed.replacen(from, to, 1);
        let r = verify(doc.as_bytes(), &VerifyOptions::default()).unwrap();
        assert_eq!(
            r.signatures[0].result.as_ref().unwrap_err(),
            &DsigError::UnsupportedAlgorithm {
                role,
                uri: uri.to_owned()
            }
        );
    }
    // SHA-1 only with the legacy switch
    let sha1 = signed.replacen(
        "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>",
        "<ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>",
        1,
    );
    let r = verify(sha1.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(matches!(
        r.signatures[0].result,
        Err(DsigError::LegacyAlgorithmRefused { .. })
    ));
    let legacy = VerifyOptions {
        allow_legacy: true,
        ..VerifyOptions::default()
    };
    let r = verify(sha1.as_bytes(), &legacy).unwrap();
    // accepted as an algorithm, and then invalid: SignedInfo was altered
    assert!(matches!(
        r.signatures[0].result,
        Err(DsigError::BadSignatureValue { .. })
    ));
}

#[test]
fn dtd_declared_id_is_signable_by_reference() {
    // NCANode signs by reference when a DOCTYPE declares the Id (KALKAN-COMPAT.md)
    let key = openssl_key("rsa:2048");
    let doc = "<!DOCTYPE r [<!ATTLIST b key ID #IMPLIED>]><r><a>out</a><b key=\"k1\">in</b></r>";
    let signed = sign(doc.as_bytes(), &key.signer, &SignOptions::by_id("k1")).unwrap();
    let r = verify_ok(&signed);
    let v = r.signatures[0].result.as_ref().unwrap();
    assert_eq!(
        v.references[0].digested.as_deref().unwrap(),
        b"<b key=\"k1\">in</b>"
    );
    let (ok, err) = xmlsec1_verify(
        &signed,
        &["--pubkey-cert-pem", key.cert_pem.to_str().unwrap()],
    );
    assert!(ok, "xmlsec1 (DTD ID): {err}");
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Truncated, spliced or random input: a typed result, never a panic.
        #[test]
        fn verify_never_panics(cut in 0usize..2000, junk in proptest::collection::vec(any::<u8>(), 0..40), at in 0usize..2000) {
            static SIGNED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
            let signed = SIGNED.get_or_init(|| {
                let key = openssl_key("ec");
                sign(BY_ID_DOC.as_bytes(), &key.signer, &SignOptions::by_id("doc-1")).unwrap()
            });
            let mut doc = signed[..cut.min(signed.len())].to_vec();
            let at = at.min(doc.len());
            doc.splice(at..at, junk.iter().copied());
            let _ = verify(&doc, &VerifyOptions::default());
            let _ = tanba_dsig::reference_digest_input(&doc, 0, 0);
        }
    }
}

#[test]
fn canonicalization_transforms_and_placement_options() {
    use tanba_dsig::{C14nMethod, Placement, Transform};
    let key = openssl_key("rsa:2048");
    // exclusive C14N everywhere, with an InclusiveNamespaces prefix list, placed inside
    // the element with Id "slot"
    let doc = "<root xmlns:p=\"urn:p\"><p:data>x</p:data><slot Id=\"slot\"/></root>";
    let opts = SignOptions {
        c14n: Some(C14nMethod::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec!["p".into()],
        }),
        transforms: Some(vec![
            Transform::Enveloped,
            Transform::C14n(C14nMethod::Exclusive {
                with_comments: false,
                inclusive_prefixes: vec![],
            }),
        ]),
        placement: Placement::InsideId("slot".into()),
        ..SignOptions::compact()
    };
    let signed = String::from_utf8(sign(doc.as_bytes(), &key.signer, &opts).unwrap()).unwrap();
    assert!(
        signed.contains("<slot Id=\"slot\"><ds:Signature "),
        "{signed}"
    );
    assert!(signed.contains("PrefixList=\"p\""));
    let r = verify_ok(signed.as_bytes());
    let v = r.signatures[0].result.as_ref().unwrap();
    assert!(v.canonicalization.is_exclusive());
    assert_eq!(v.canonicalization.inclusive_prefixes(), ["p".to_string()]);
    let (ok, err) = xmlsec1_verify(
        signed.as_bytes(),
        &["--pubkey-cert-pem", key.cert_pem.to_str().unwrap()],
    );
    assert!(ok, "xmlsec1: {err}");
    // a whole-document signature without the enveloped transform is refused
    let bad = SignOptions {
        transforms: Some(vec![Transform::C14n(C14nMethod::Inclusive {
            with_comments: false,
        })]),
        ..SignOptions::default()
    };
    assert!(matches!(
        sign(doc.as_bytes(), &key.signer, &bad),
        Err(DsigError::Sign(_))
    ));
    // by-Id of the document element cannot be placed in its parent
    assert!(matches!(
        sign(b"<a Id=\"a\"/>", &key.signer, &SignOptions::by_id("a")),
        Err(DsigError::Sign(_))
    ));
    // self-closing parent is rewritten into start + end tags
    let signed = sign(b"<a/>", &key.signer, &SignOptions::compact()).unwrap();
    assert!(String::from_utf8_lossy(&signed).ends_with("</ds:Signature></a>"));
    verify_ok(&signed);
}

#[test]
fn ws_security_key_identifier_and_binary_security_token() {
    use base64::Engine as _;
    let key = openssl_key("rsa:2048");
    let signed = String::from_utf8(
        sign(
            BY_ID_DOC.as_bytes(),
            &key.signer,
            &SignOptions {
                target: tanba_dsig::SignTarget::Id("doc-1".into()),
                ..SignOptions::compact()
            },
        )
        .unwrap(),
    )
    .unwrap();
    let s = signed.find("<ds:KeyInfo>").unwrap();
    let e = signed.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&key.cert_der);
    let wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    let x509v3 =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
    // KeyIdentifier (SMARTBRIDGE.md §6.2, what NCANode and the reference client write)
    let ki = format!("<ds:KeyInfo><wsse:SecurityTokenReference xmlns:wsse=\"{wsse}\"><wsse:KeyIdentifier EncodingType=\"x\" ValueType=\"{x509v3}\">{b64}</wsse:KeyIdentifier></wsse:SecurityTokenReference></ds:KeyInfo>");
    let doc = format!("{}{ki}{}", &signed[..s], &signed[e..]);
    let r = verify_ok(doc.as_bytes());
    assert_eq!(
        r.signatures[0]
            .result
            .as_ref()
            .unwrap()
            .signer_certificate_der(),
        Some(key.cert_der.as_slice())
    );
    // Reference to a BinarySecurityToken elsewhere in the document
    let ki = format!("<ds:KeyInfo><wsse:SecurityTokenReference xmlns:wsse=\"{wsse}\"><wsse:Reference URI=\"#tok\" ValueType=\"{x509v3}\"/></wsse:SecurityTokenReference></ds:KeyInfo>");
    let doc = format!("{}{ki}{}", &signed[..s], &signed[e..]).replace(
        "<header>",
        &format!("<wsse:BinarySecurityToken xmlns:wsse=\"{wsse}\" Id=\"tok\" ValueType=\"{x509v3}\">{b64}</wsse:BinarySecurityToken><header>"),
    );
    verify_ok(doc.as_bytes());
    // another ValueType is not taken as a certificate
    let doc = format!(
        "{}{}{}",
        &signed[..s],
        ki.replace("#X509v3", "#Other"),
        &signed[e..]
    );
    let r = verify(doc.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(matches!(
        r.signatures[0].result,
        Err(DsigError::NoKey { .. })
    ));
}

#[test]
fn gost_2004_legacy_key_uses_the_kalkan_uris() {
    use tanba_crypto::Signer as _;
    let signer = nca_signer("ceo_sign_revoked_gost_2004.p12");
    assert_eq!(
        signer.algorithm(),
        tanba_crypto::SignatureAlgorithm::Gost2004
    );
    let signed = sign(DOC.as_bytes(), &signer, &SignOptions::default()).unwrap();
    let text = String::from_utf8(signed.clone()).unwrap();
    // KALKAN-COMPAT.md: GOST 2004 URIs
    assert!(
        text.contains("Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#gost34310-gost34311\"")
    );
    assert!(text.contains("Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#gost34311\""));
    let r = verify_ok(&signed);
    let v = r.signatures[0].result.as_ref().unwrap();
    assert_eq!(
        v.references[0].digest_value,
        tanba_crypto::DigestAlgorithm::Gost34311.digest(v.references[0].digested.as_ref().unwrap())
    );
    assert!(is_invalid(text.replace("1000", "1001").as_bytes()));
}

/// Issue 12, item 4: with the Base64 transform allowed, the report names only the decoded
/// character data: the element, its attributes and any child element are not signed.
#[test]
fn base64_transform_is_refused_by_default_and_reports_only_the_text() {
    let key = tanba_testdata::own("pki/keys/individual.key.pem");
    let template = "<Doc><Data Id=\"d\" kind=\"invoice\">SGVsbG8sIHdvcmxk</Data><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><Reference URI=\"#d\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#base64\"/></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><KeyValue/></KeyInfo></Signature></Doc>";
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t.xml");
    std::fs::write(&t, template).unwrap();
    let out = common::run(
        "xmlsec1",
        &[
            "--sign",
            "--id-attr:Id",
            "Data",
            "--privkey-pem",
            key.to_str().unwrap(),
            t.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // an attribute changed and a child injected after signing
    let xml = String::from_utf8(out.stdout)
        .unwrap()
        .replace("kind=\"invoice\"", "kind=\"refund\"")
        .replace("SGVsbG8sIHdvcmxk<", "SGVsbG8sIHdvcmxk<Injected/><");

    let r = verify(xml.as_bytes(), &VerifyOptions::default()).unwrap();
    assert!(matches!(
        r.signatures[0].result,
        Err(DsigError::Base64TransformRefused {
            signature: 0,
            reference: 0
        })
    ));

    let allow = VerifyOptions {
        allow_base64_transform: true,
        ..VerifyOptions::default()
    };
    let r = verify(xml.as_bytes(), &allow).unwrap();
    assert!(r.all_valid());
    let v = r.signatures[0].result.as_ref().unwrap();
    let doc = r.document();
    let data = doc.find_element("", "Data").unwrap();
    let injected = doc.find_element("", "Injected").unwrap();
    assert_eq!(v.references[0].signed_node, SignedNode::DecodedText(data));
    assert_eq!(
        v.references[0].digested.as_deref(),
        Some(&b"Hello, world"[..])
    );
    assert!(!r.is_signed(data), "the element is not signed");
    assert!(!r.is_signed(injected), "an injected child is not signed");
    let text = doc.children(data).next().unwrap();
    assert!(r.is_signed(text), "its text is");
}

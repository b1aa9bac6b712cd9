//! Property: changing any one character of signed content (Body text and attribute
//! values, SignedInfo, SignatureValue) makes verification fail.

mod common;

use common::*;
use proptest::prelude::*;
use tanba_wss::{sign, verify, SignOptions, SoapVersion, VerifyOptions, WssError};

fn signed() -> String {
    String::from_utf8(
        sign(
            request(SoapVersion::Soap11).as_bytes(),
            &rsa_signer(),
            &SignOptions::new(),
        )
        .unwrap(),
    )
    .unwrap()
}

/// Byte offsets of ASCII alphanumeric characters between `from` and `to` markers, outside
/// the `xmlns:cs="…"` declaration (see `unused_namespace_declarations_are_not_covered`).
fn positions(xml: &str, from: &str, to: &str) -> Vec<usize> {
    let s = xml.find(from).unwrap();
    let e = xml.find(to).unwrap();
    let cs = xml.find(" xmlns:cs=\"").unwrap();
    let cs_end = cs + 11 + xml[cs + 11..].find('"').unwrap();
    (s..e)
        .filter(|&i| xml.as_bytes()[i].is_ascii_alphanumeric() && !(cs..cs_end).contains(&i))
        .collect()
}

fn flip(xml: &str, at: usize) -> String {
    let mut b = xml.as_bytes().to_vec();
    b[at] = match b[at] {
        b'0'..=b'8' | b'a'..=b'y' | b'A'..=b'Y' => b[at] + 1,
        b'9' => b'0',
        b'z' => b'a',
        _ => b'A',
    };
    String::from_utf8(b).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_changed_character_in_the_body_content_is_detected(pick in any::<prop::sample::Index>()) {
        let xml = signed();
        // inside the Body payload (after the Body start tag)
        let pos = positions(&xml, "<sb:SendMessage", "</soap:Body>");
        let at = pos[pick.index(pos.len())];
        let bad = flip(&xml, at);
        let r = verify(bad.as_bytes(), &VerifyOptions::default());
        // either a digest mismatch or (for a changed name) malformed XML / structure
        prop_assert!(r.is_err(), "accepted a change at {}", at);
    }

    #[test]
    fn any_changed_character_in_signed_info_or_signature_value_is_detected(pick in any::<prop::sample::Index>()) {
        let xml = signed();
        let pos = positions(&xml, "<ds:SignedInfo>", "</ds:SignatureValue>");
        let at = pos[pick.index(pos.len())];
        let bad = flip(&xml, at);
        prop_assert!(verify(bad.as_bytes(), &VerifyOptions::default()).is_err(), "accepted a change at {}", at);
    }
}

#[test]
fn a_text_change_is_reported_as_a_body_digest_mismatch() {
    let xml = signed();
    let at = xml.find("<iin>").unwrap() + 5;
    let e = verify(flip(&xml, at).as_bytes(), &VerifyOptions::default()).unwrap_err();
    assert!(
        matches!(e, WssError::DigestMismatch { ref part, .. } if part == "the Body"),
        "{e}"
    );
}

#[test]
fn unused_namespace_declarations_are_not_covered() {
    // Exclusive C14N renders only visibly used namespaces: the `cs` prefix appears only
    // inside the xsi:type *value*, so its declaration is not signed (SMARTBRIDGE.md P7,
    // §6.5). This pins that known property of the SmartBridge profile: a changed type
    // namespace still verifies, so receivers must not trust xsi:type namespaces.
    let xml = signed();
    let bad = xml.replace(
        "xmlns:cs=\"http://message.persistence.interactive.nat\"",
        "xmlns:cs=\"urn:attacker\"",
    );
    assert_ne!(bad, xml);
    verify(bad.as_bytes(), &VerifyOptions::default()).unwrap();
}

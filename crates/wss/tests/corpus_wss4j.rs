//! A real WSS4J-produced WS-Security envelope from the public corpus
//! (`xml-crypto/test/static/valid_signature_with_unused_prefixes.xml`, confirmed valid by
//! xmlsec1 in `dsig/MANIFEST.tsv`): RSA-SHA1 over the Body, four WS-Addressing headers and
//! the Timestamp, InclusiveNamespaces PrefixLists, KeyIdentifier token, no mustUnderstand.

use tanba_crypto::SignatureAlgorithm;
use tanba_wss::{verify, SignedPart, TokenReference, VerifyOptions, WssError};
use time::macros::datetime;

const FILE: &str = "xml-crypto/test/static/valid_signature_with_unused_prefixes.xml";
const WSA: &str = "http://www.w3.org/2005/08/addressing";

fn envelope() -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::corpus(FILE))
}

fn legacy_at(t: time::OffsetDateTime) -> VerifyOptions {
    VerifyOptions {
        at: Some(t),
        allow_legacy: true,
        require_must_understand: false,
        ..Default::default()
    }
}

#[test]
fn wss4j_envelope_verifies_with_the_legacy_switch_inside_its_timestamp_window() {
    let opts = VerifyOptions {
        required_headers: vec![(WSA.into(), "To".into()), (WSA.into(), "Action".into())],
        ..legacy_at(datetime!(2019-03-18 18:00 UTC))
    };
    let v = verify(&envelope(), &opts).unwrap();
    assert_eq!(v.signature_algorithm, SignatureAlgorithm::RsaPkcs1Sha1);
    assert_eq!(v.token, TokenReference::KeyIdentifier);
    assert!(v
        .signed_parts
        .iter()
        .any(|p| matches!(p, SignedPart::Body { id } if id == "id-9")));
    assert!(v
        .signed_parts
        .iter()
        .any(|p| matches!(p, SignedPart::Timestamp { id } if id == "TS-8")));
    let headers: Vec<&str> = v
        .signed_parts
        .iter()
        .filter_map(|p| match p {
            SignedPart::Header { local, .. } => Some(local.as_str()),
            _ => None,
        })
        .collect();
    for h in ["To", "MessageID", "From", "Action"] {
        assert!(headers.contains(&h), "{h} not reported signed: {headers:?}");
    }
    assert_eq!(
        v.timestamp.unwrap().expires,
        Some(datetime!(2019-03-19 04:27:47.984 UTC))
    );
}

#[test]
fn the_same_envelope_is_refused_by_default_policy_replay_and_tampering() {
    let env = envelope();
    // SHA-1 without the legacy switch
    let e = verify(
        &env,
        &VerifyOptions {
            at: Some(datetime!(2019-03-18 18:00 UTC)),
            require_must_understand: false,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, WssError::Algorithm(_)), "{e}");
    // mustUnderstand required by default
    let e = verify(
        &env,
        &VerifyOptions {
            allow_legacy: true,
            at: Some(datetime!(2019-03-18 18:00 UTC)),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, WssError::SecurityHeader(ref m) if m.contains("mustUnderstand")),
        "{e}"
    );
    // replayed today: the Timestamp expired in 2019
    let e = verify(
        &env,
        &VerifyOptions {
            at: None,
            ..legacy_at(datetime!(2019-03-18 18:00 UTC))
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, WssError::Timestamp(ref m) if m.contains("replayed")),
        "{e}"
    );
    // a signed header altered
    let text = String::from_utf8(env).unwrap();
    let bad = text.replace(">test</wsa:To>", ">evil</wsa:To>");
    assert_ne!(bad, text);
    let e = verify(bad.as_bytes(), &legacy_at(datetime!(2019-03-18 18:00 UTC))).unwrap_err();
    assert!(
        matches!(e, WssError::DigestMismatch { ref part, .. } if part == "header To"),
        "{e}"
    );
    // the Body altered
    let bad = text.replace(">testMessage<", ">testMessagE<");
    let e = verify(bad.as_bytes(), &legacy_at(datetime!(2019-03-18 18:00 UTC))).unwrap_err();
    assert!(
        matches!(e, WssError::DigestMismatch { ref part, .. } if part == "the Body"),
        "{e}"
    );
}

//! Mutation property test (issue 12): signed documents — a Kalkan enveloped signature, a
//! by-Id signature, a WS-Security envelope — with one to three random byte edits. Whenever
//! the verification core still answers "valid", what a consumer reads from the elements
//! the report says were signed (names, attributes, text) is exactly what was signed.

use proptest::prelude::*;
use tanba_validate::{verify_document, DocumentOptions, DocumentReport, SignedKind};
use tanba_xml::{Document, NodeId, ParseOptions};

const DS: &str = "http://www.w3.org/2000/09/xmldsig#";

fn signer() -> tanba_crypto::KeySigner {
    let name = "individual_valid_sign_rsa_2004.p12";
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    let store = tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap();
    store.signer(&tanba_keys::KeySelector::Single).unwrap()
}

struct Samples {
    enveloped: Vec<u8>,
    by_id: Vec<u8>,
    wss: Vec<u8>,
}

fn samples() -> &'static Samples {
    static S: std::sync::OnceLock<Samples> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let s = signer();
        let enveloped = tanba_dsig::sign(
            b"<Order xmlns:p=\"urn:p\"><Amount cur=\"KZT\">100</Amount><Payee p:bin=\"123456789021\">ACME</Payee></Order>",
            &s,
            &Default::default(),
        )
        .unwrap();
        let by_id = tanba_dsig::sign(
            b"<Doc><Order Id=\"o1\"><Amount>100</Amount><Payee>ACME</Payee></Order><Note>unsigned</Note></Doc>",
            &s,
            &tanba_dsig::SignOptions {
                target: tanba_dsig::SignTarget::Id("o1".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let env = b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body><x:Order xmlns:x=\"urn:x\"><x:Amount>100</x:Amount><x:Payee>ACME</x:Payee></x:Order></soap:Body></soap:Envelope>";
        let wss = tanba_wss::sign(env, &s, &tanba_wss::SignOptions::new()).unwrap();
        Samples {
            enveloped,
            by_id,
            wss,
        }
    })
}

/// What a consumer reads from `el`: expanded names, attributes and text of the subtree,
/// `ds:Signature` subtrees left out.
fn content(doc: &Document, el: NodeId, out: &mut String) {
    if doc.is_element(el) {
        let n = doc.name(el);
        if n.is(DS, "Signature") {
            return;
        }
        out.push_str(&format!("<{{{}}}{}", n.namespace, n.local));
        let mut attrs: Vec<String> = doc
            .attributes(el)
            .map(|a| format!(" {{{}}}{}={:?}", a.name.namespace, a.name.local, a.value))
            .collect();
        attrs.sort();
        out.push_str(&attrs.concat());
        out.push('>');
        for c in doc.children(el) {
            content(doc, c, out);
        }
        out.push_str("</>");
    } else if matches!(
        doc.kind(el),
        tanba_xml::NodeKind::Text | tanba_xml::NodeKind::CData
    ) {
        out.push_str(doc.node_text(el));
    }
}

/// For every signature and reference of a valid report: what a consumer reads from the
/// element the report names (found by its byte range in `xml`), or from the document
/// element for a whole-document reference.
fn signed_content(xml: &[u8], report: &DocumentReport) -> Vec<String> {
    let doc = Document::parse(xml, &ParseOptions::default()).unwrap();
    let mut out = Vec::new();
    for s in &report.signers {
        if s.transport.is_some() {
            // the transport signature covers the envelope's Body
            assert!(s.references.iter().any(|p| p.part == Some("body")));
            let body = doc
                .child_elements(doc.root_element())
                .find(|&c| doc.name(c).local == "Body")
                .unwrap();
            let mut c = String::new();
            content(&doc, body, &mut c);
            out.push(c);
        }
        for r in s.references.iter().filter(|r| r.part.is_none()) {
            let el = match (r.kind, &r.element) {
                (SignedKind::Document, _) => doc.root_element(),
                (_, Some(loc)) => doc
                    .descendants(doc.root_element())
                    .find(|&n| {
                        doc.is_element(n)
                            && doc.range(n).start == loc.byte_range[0]
                            && doc.range(n).end == loc.byte_range[1]
                    })
                    .expect("the reported byte range is an element"),
                (_, None) => panic!("an element reference without a location"),
            };
            let mut c = String::new();
            content(&doc, el, &mut c);
            out.push(c);
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
}

/// Bytes that matter to XML and to the signed values.
const ALPHABET: &[u8] = b"<>/=\"' \n&#;:xsdIa0189AZ";

fn edit() -> impl Strategy<Value = Edit> {
    let b = prop::sample::select(ALPHABET);
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, m)| Edit::Flip(i, m)),
        (any::<usize>(), b.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), b).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(mut d: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        if d.is_empty() {
            break;
        }
        match *e {
            Edit::Flip(i, m) => {
                let i = i % d.len();
                d[i] ^= m;
            }
            Edit::Insert(i, c) => {
                let i = i % (d.len() + 1);
                d.insert(i, c);
            }
            Edit::Delete(i) => {
                let i = i % d.len();
                d.remove(i);
            }
            Edit::Replace(i, c) => {
                let i = i % d.len();
                d[i] = c;
            }
        }
    }
    d
}

fn check(original: &[u8], edits: &[Edit]) -> Result<(), TestCaseError> {
    let opts = DocumentOptions::default();
    let before = verify_document(original, &opts).unwrap();
    prop_assert!(before.is_passed(), "{:?}", before.problems);
    let want = signed_content(original, &before);
    let mutated = apply(original.to_vec(), edits);
    if let Ok(after) = verify_document(&mutated, &opts) {
        if after.is_passed() {
            let got = signed_content(&mutated, &after);
            prop_assert_eq!(got, want, "valid after {:?}", edits);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn enveloped_mutations_never_pass_with_changed_content(edits in prop::collection::vec(edit(), 1..=3)) {
        check(&samples().enveloped, &edits)?;
    }

    #[test]
    fn by_id_mutations_never_pass_with_changed_content(edits in prop::collection::vec(edit(), 1..=3)) {
        check(&samples().by_id, &edits)?;
    }

    #[test]
    fn wss_mutations_never_pass_with_changed_content(edits in prop::collection::vec(edit(), 1..=3)) {
        check(&samples().wss, &edits)?;
    }
}

/// The property holds for edits known to keep the signature valid (outside the signed
/// content: whitespace in the base64 of SignatureValue, the unsigned Note) — so the test
/// does compare content, not only verdicts.
#[test]
fn harmless_edits_keep_the_verdict_and_the_content() {
    let s = samples();
    let text = String::from_utf8(s.by_id.clone()).unwrap();
    let edited = text.replace("<Note>unsigned</Note>", "<Note>changed</Note>");
    assert_ne!(edited, text);
    let r = verify_document(edited.as_bytes(), &DocumentOptions::default()).unwrap();
    assert!(r.is_passed());
    let original = verify_document(&s.by_id, &DocumentOptions::default()).unwrap();
    assert_eq!(
        signed_content(edited.as_bytes(), &r),
        signed_content(&s.by_id, &original)
    );
    // and a signed value changed is caught
    let changed = text.replace("<Amount>100<", "<Amount>900<");
    let r = verify_document(changed.as_bytes(), &DocumentOptions::default()).unwrap();
    assert!(!r.is_passed());
}

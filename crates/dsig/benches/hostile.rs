//! Criterion benchmark (issue 12, item 7): how long verification takes to refuse the
//! hostile documents of the audit — each must be refused (or verified) in ≤ 100 ms.
//!
//! * 1,000 copies of one genuine Kalkan signature (3.5 MB): 15.7 s before the work budget;
//! * 10,000 `URI=""` References over a 1 MB document: 25.7 s before;
//! * 30 valid whole-document References (re-signed with the key, as a throw-away key
//!   would) over a 1 MB document: within the counts, refused by the canonicalization
//!   ceiling of (2 × signatures + 1) × the document size;
//! * for scale, the genuine 1 MB document with its one signature, verified.
//!
//! `cargo bench -p tanba-dsig --bench hostile`

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use tanba_crypto::{SignatureEncoding, Signer};
use tanba_dsig::{sign, verify, DsigError, SignOptions, VerifyOptions, WorkLimit};
use tanba_xml::c14n::{canonicalize_to_vec, C14nOptions, NodeSet};
use tanba_xml::{Document, ParseOptions};

fn signer() -> tanba_crypto::KeySigner {
    let name = "individual_valid_sign_rsa_2004.p12";
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    let store = tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .expect("open the NCA test keystore");
    store
        .signer(&tanba_keys::KeySelector::Single)
        .expect("signer")
}

fn cut(s: &str, open: &str, close: &str) -> (usize, usize) {
    let a = s.find(open).unwrap();
    let b = s[a..].find(close).unwrap() + a + close.len();
    (a, b)
}

/// A document of about `size` bytes, signed once (Kalkan profile, whole document).
fn signed_document(size: usize, signer: &tanba_crypto::KeySigner) -> String {
    let mut s = String::from("<Order>");
    let mut i = 0;
    while s.len() < size {
        s.push_str(&format!(
            "<Item n=\"{i}\"><Amount>{}</Amount></Item>",
            i * 37
        ));
        i += 1;
    }
    s.push_str("</Order>");
    String::from_utf8(sign(s.as_bytes(), signer, &SignOptions::default()).unwrap()).unwrap()
}

/// `signed` with its Reference repeated `n` times and SignedInfo signed again, so that
/// the signature value is valid and every reference digests the whole document.
fn with_valid_references(signed: &str, n: usize, signer: &tanba_crypto::KeySigner) -> String {
    let (a, b) = cut(signed, "<ds:Reference", "</ds:Reference>");
    let mut s = format!("{}{}{}", &signed[..a], signed[a..b].repeat(n), &signed[b..]);
    let doc = Document::parse(s.as_bytes(), &ParseOptions::default()).unwrap();
    let si = doc
        .find_element("http://www.w3.org/2000/09/xmldsig#", "SignedInfo")
        .unwrap();
    let c14n = canonicalize_to_vec(&doc, &C14nOptions::inclusive(), &NodeSet::subtree(si)).unwrap();
    let value = signer.sign(&c14n, SignatureEncoding::XmlDsig).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(value);
    let (va, vb) = cut(&s, "<ds:SignatureValue>", "</ds:SignatureValue>");
    s.replace_range(
        va..vb,
        &format!("<ds:SignatureValue>{b64}</ds:SignatureValue>"),
    );
    s
}

fn hostile(c: &mut Criterion) {
    let signer = signer();
    let opts = VerifyOptions {
        discard_digested_bytes: true,
        ..VerifyOptions::default()
    };

    // 1,000 copies of one genuine signature
    let small = signed_document(500, &signer);
    let (a, b) = cut(&small, "<ds:Signature", "</ds:Signature>");
    let copies = format!("{}{}{}", &small[..a], small[a..b].repeat(1000), &small[b..]);
    assert!(matches!(
        verify(copies.as_bytes(), &opts),
        Err(DsigError::WorkLimit(WorkLimit::Signatures {
            found: 1000,
            ..
        }))
    ));

    // 10,000 references over 1 MB
    let big = signed_document(1 << 20, &signer);
    let (ra, rb) = cut(&big, "<ds:Reference", "</ds:Reference>");
    let many = format!("{}{}{}", &big[..ra], big[ra..rb].repeat(10_000), &big[rb..]);
    assert!(matches!(
        verify(many.as_bytes(), &opts),
        Err(DsigError::WorkLimit(WorkLimit::References {
            found: 10_000,
            ..
        }))
    ));

    // 30 valid whole-document references over 1 MB
    let thirty = with_valid_references(&big, 30, &signer);
    assert!(matches!(
        verify(thirty.as_bytes(), &opts),
        Err(DsigError::WorkLimit(WorkLimit::CanonicalBytes { .. }))
    ));
    // (the genuine document, one whole-document reference, fits: (1 + 1) x its size)
    assert!(verify(big.as_bytes(), &opts).unwrap().all_valid());

    eprintln!(
        "sizes: {} copies = {} bytes; 10,000 refs = {} bytes; 30 refs = {} bytes",
        1000,
        copies.len(),
        many.len(),
        thirty.len()
    );
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10);
    g.bench_function("1000 signature copies (3.5 MB): refused", |b| {
        b.iter(|| verify(copies.as_bytes(), &opts).unwrap_err())
    });
    g.bench_function("10000 whole-document references (1 MB): refused", |b| {
        b.iter(|| verify(many.as_bytes(), &opts).unwrap_err())
    });
    g.bench_function("30 valid whole-document references (1 MB): refused", |b| {
        b.iter(|| verify(thirty.as_bytes(), &opts).unwrap_err())
    });
    g.bench_function("genuine 1 MB document: verified", |b| {
        b.iter(|| assert!(verify(big.as_bytes(), &opts).unwrap().all_valid()))
    });
    g.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);

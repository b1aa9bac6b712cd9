//! Criterion benchmarks (issue 5): verify and sign a ~4 KB enveloped RSA-2048 document,
//! the RSA + SHA-256 bound for comparison, and verify a 50 MB enveloped document.
//!
//! Key: the NCA RK RSA test key `nca/keys/individual_valid_sign_rsa_2004.p12` (RSA-2048).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tanba_crypto::{verify_signature, AlgorithmPolicy, SignatureEncoding, Signer};
use tanba_dsig::{sign, verify, verify_vec, SignOptions, VerifyOptions};

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

/// A business document of about `size` bytes (Cyrillic text, attributes, nesting).
fn document(size: usize) -> Vec<u8> {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<application xmlns=\"urn:kz:licensing:application\" xmlns:x=\"urn:x\">\n");
    let mut i = 0;
    while s.len() < size {
        s.push_str(&format!(
            "  <x:item n=\"{i}\" kind=\"строка\"><name>Заявитель {i} ТОО «Тест»</name><amount currency=\"KZT\">{}</amount></x:item>\n",
            i * 37
        ));
        i += 1;
    }
    s.push_str("</application>\n");
    s.into_bytes()
}

fn small(c: &mut Criterion) {
    let signer = signer();
    let doc = document(700);
    let signed = sign(&doc, &signer, &SignOptions::default()).unwrap();
    eprintln!(
        "4 KB case: unsigned {} bytes, signed {} bytes",
        doc.len(),
        signed.len()
    );
    let opts = VerifyOptions::default();
    assert!(verify(&signed, &opts).unwrap().all_valid());

    let mut g = c.benchmark_group("dsig-4k");
    g.bench_function("verify (enveloped RSA-2048)", |b| {
        b.iter(|| verify(&signed, &opts).unwrap())
    });
    g.bench_function("sign (enveloped RSA-2048)", |b| {
        b.iter(|| sign(&doc, &signer, &SignOptions::default()).unwrap())
    });
    // the bound: one RSA-2048 verify / sign and SHA-256 over the same bytes
    let spki = {
        use x509_parser::prelude::FromDer as _;
        let der = signer.certificate_chain()[0].clone();
        let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).unwrap();
        cert.public_key().raw.to_vec()
    };
    let msg = vec![0x5au8; 600];
    let sig = signer.sign(&msg, SignatureEncoding::XmlDsig).unwrap();
    let alg = signer.algorithm();
    g.bench_function("bound: RSA-2048 verify", |b| {
        b.iter(|| {
            verify_signature(
                alg,
                &spki,
                &msg,
                &sig,
                SignatureEncoding::XmlDsig,
                &AlgorithmPolicy::strict(),
            )
            .unwrap()
        })
    });
    g.bench_function("bound: RSA-2048 sign", |b| {
        b.iter(|| signer.sign(&msg, SignatureEncoding::XmlDsig).unwrap())
    });
    g.bench_function("bound: SHA-256 of the document", |b| {
        b.iter(|| tanba_crypto::DigestAlgorithm::Sha256.digest(&signed))
    });
    g.finish();
}

fn large(c: &mut Criterion) {
    let signer = signer();
    let doc = document(50 * 1024 * 1024);
    let signed = sign(&doc, &signer, &SignOptions::default()).unwrap();
    let opts = VerifyOptions {
        discard_digested_bytes: true,
        ..VerifyOptions::default()
    };
    let mut g = c.benchmark_group("dsig-50m");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(signed.len() as u64));
    g.bench_function(
        "verify_vec (enveloped RSA-2048, digested bytes discarded)",
        |b| {
            b.iter_batched(
                || signed.clone(),
                |v| assert!(verify_vec(v, &opts).unwrap().all_valid()),
                BatchSize::PerIteration,
            )
        },
    );
    // for attribution: the tanba-xml parse alone, and SHA-256 alone
    g.bench_function("part: tanba-xml parse_vec", |b| {
        b.iter_batched(
            || signed.clone(),
            |v| tanba_xml::Document::parse_vec(v, &Default::default()).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("part: SHA-256", |b| {
        b.iter(|| tanba_crypto::DigestAlgorithm::Sha256.digest(&signed))
    });
    g.finish();
}

criterion_group!(benches, small, large);
criterion_main!(benches);

//! CMS sign / verify of a 1 KB content with one RSA-2048 signer (the generated test PKI)
//! and one GOST 2015-512 signer (an NCA RK test key), each beside the raw signature (and,
//! for verification, the raw signature check plus hashing the content) measured in the
//! same run — the issue's targets are sign ≤ 1.1× and verify ≤ 1.2× of those.
//!
//! ```sh
//! cargo bench -p tanba-cms --bench cms
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tanba_cms::{read, sign, verify, Content, Limits, SignOptions, ToSign};
use tanba_crypto::{verify_signature, AlgorithmPolicy, KeySigner, SignatureEncoding, Signer};

fn rsa() -> KeySigner {
    let own = |rel: &str| tanba_testdata::read(&tanba_testdata::own(&format!("pki/{rel}")));
    tanba_keys::Keystore::from_pkcs8(
        &own("keys/individual.key.pem"),
        None,
        &own("certs/individual.pem"),
    )
    .unwrap()
    .signer(&tanba_keys::KeySelector::Single)
    .unwrap()
}

fn gost() -> KeySigner {
    let name = "individual_valid_gost_2015.p12";
    tanba_keys::Keystore::open_pkcs12(
        &tanba_testdata::read_nca(&format!("keys/{name}")),
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap()
    .signer(&tanba_keys::KeySelector::Single)
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let content = vec![b'a'; 1024];
    for (label, signer) in [("rsa2048", rsa()), ("gost2015_512", gost())] {
        let opts = SignOptions::default();
        let cms = sign(ToSign::Content(&content), &signer, &opts).unwrap();
        let parsed = read(&cms, &Limits::default()).unwrap();
        let si = &parsed.signers[0];
        let attrs = si.signed_attrs_for_signature().unwrap();
        let cert = tanba_pki::ChainCert::from_der(&parsed.certificates[0]).unwrap();
        let alg = signer.algorithm();
        let policy = AlgorithmPolicy::default();
        let mut g = c.benchmark_group(format!("cms_{label}"));
        g.bench_function("raw signature of the 1 KB content", |b| {
            b.iter(|| {
                black_box(
                    signer
                        .sign(black_box(&content), SignatureEncoding::X509)
                        .unwrap(),
                )
            })
        });
        g.bench_function("cms sign (1 KB)", |b| {
            b.iter(|| {
                black_box(sign(ToSign::Content(black_box(&content)), &signer, &opts).unwrap())
            })
        });
        g.bench_function("raw signature check + content hash", |b| {
            b.iter(|| {
                black_box(alg.digest().digest(black_box(&content)));
                verify_signature(
                    alg,
                    cert.spki_der(),
                    black_box(&attrs),
                    &si.signature,
                    SignatureEncoding::X509,
                    &policy,
                )
                .unwrap()
            })
        });
        g.bench_function("cms read only", |b| {
            b.iter(|| black_box(read(black_box(&cms), &Limits::default()).unwrap()))
        });
        g.bench_function("cms verify only (parsed)", |b| {
            b.iter(|| {
                let v = verify(black_box(&parsed), Content::Attached, &[], &policy).unwrap();
                assert!(v.all_verified());
            })
        });
        g.bench_function("cms read + verify (1 KB)", |b| {
            b.iter(|| {
                let p = read(black_box(&cms), &Limits::default()).unwrap();
                let v = verify(&p, Content::Attached, &[], &policy).unwrap();
                assert!(v.all_verified());
            })
        });
        g.finish();
    }
}

criterion_group!(cms_benches, benches);
criterion_main!(cms_benches);

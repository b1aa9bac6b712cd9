//! RSA-2048 PKCS#1 v1.5 / SHA-256 sign and verify: through the registry
//! (`KeySigner::sign`, `verify_signature` with a SubjectPublicKeyInfo) versus `ring` called
//! directly with an already-parsed key. Target: registry overhead ≤ 5 %.
//! Key: the real NCA RK RSA-2048 test key (../shared/testdata/nca/keys).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ring::signature::{self, KeyPair, RsaKeyPair, UnparsedPublicKey};
use tanba_crypto::{
    signer_from_pkcs8, verify_signature, AlgorithmPolicy, SignatureAlgorithm, SignatureEncoding,
    Signer,
};

fn nca_rsa() -> (Vec<u8>, Vec<u8>) {
    let name = "individual_valid_sign_rsa_2004.p12";
    let data = tanba_testdata::read_nca(&format!("keys/{name}"));
    let ks = tanba_keys::Keystore::open_pkcs12(
        &data,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .expect("open the NCA RSA test key");
    let e = &ks.entries()[0];
    (
        e.key().pkcs8_der().to_vec(),
        e.certificate().expect("certificate").spki_der().to_vec(),
    )
}

fn bench(c: &mut Criterion) {
    let (pkcs8, spki) = nca_rsa();
    let msg = vec![0x5au8; 1024];
    let rng = ring::rand::SystemRandom::new();

    let signer = signer_from_pkcs8(&pkcs8, Vec::new()).unwrap();
    let ring_kp = RsaKeyPair::from_pkcs8(&pkcs8).unwrap();
    let ring_pub = ring_kp.public_key().as_ref().to_vec();

    let mut g = c.benchmark_group("rsa2048_sha256_sign");
    g.bench_function("registry", |b| {
        b.iter(|| {
            signer
                .sign(black_box(&msg), SignatureEncoding::X509)
                .unwrap()
        })
    });
    g.bench_function("ring", |b| {
        b.iter(|| {
            let mut sig = vec![0u8; ring_kp.public().modulus_len()];
            ring_kp
                .sign(
                    &signature::RSA_PKCS1_SHA256,
                    &rng,
                    black_box(&msg),
                    &mut sig,
                )
                .unwrap();
            sig
        })
    });
    g.finish();

    let sig = signer.sign(&msg, SignatureEncoding::X509).unwrap();
    let policy = AlgorithmPolicy::default();
    let mut g = c.benchmark_group("rsa2048_sha256_verify");
    g.bench_function("registry", |b| {
        b.iter(|| {
            verify_signature(
                SignatureAlgorithm::RsaPkcs1Sha256,
                black_box(&spki),
                black_box(&msg),
                black_box(&sig),
                SignatureEncoding::X509,
                &policy,
            )
            .unwrap()
        })
    });
    g.bench_function("ring", |b| {
        b.iter(|| {
            UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, black_box(&ring_pub))
                .verify(black_box(&msg), black_box(&sig))
                .unwrap()
        })
    });
    g.finish();

    // What the registry adds on top of ring's verify, measured alone (more stable than the
    // difference of two noisy ~30 µs timings): decoding the SubjectPublicKeyInfo.
    let mut g = c.benchmark_group("rsa2048_registry_extra_work");
    g.bench_function("spki_decode", |b| {
        b.iter(|| tanba_crypto::PublicKeyInfo::from_der(black_box(&spki)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

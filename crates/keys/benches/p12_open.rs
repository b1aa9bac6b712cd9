//! Time to open a PKCS#12 keystore: the real NCA RK files (legacy PBE, 1024 iterations:
//! MAC + 3DES key bag + RC2-40 certificate bag, then key decoding and certificate parsing),
//! RSA and GOST, plus the cost of a wrong password (MAC + probing decryptions).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tanba_keys::{Keystore, Password};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("p12_open");
    for name in [
        "individual_valid_sign_rsa_2004.p12",
        "individual_valid_gost_2015.p12",
    ] {
        let data = tanba_testdata::read_nca(&format!("keys/{name}"));
        let pw = Password::new(tanba_testdata::nca_password(name));
        g.bench_function(name, |b| {
            b.iter(|| Keystore::open_pkcs12(black_box(&data), &pw).unwrap())
        });
    }
    let data = tanba_testdata::read_nca("keys/individual_valid_sign_rsa_2004.p12");
    let wrong = Password::new("wrong");
    g.bench_function("wrong_password_rsa", |b| {
        b.iter(|| Keystore::open_pkcs12(black_box(&data), &wrong).unwrap_err())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

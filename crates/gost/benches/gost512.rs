//! Sign / verify throughput for GOST 34.10-2015 512-bit (tc26 paramSetA), and the OpenSSL
//! GOST engine (Debian libengine-gost-openssl) measured in the same run.
//!
//! 1. Criterion: `gost512_sign` (`SigningKey::sign_digest`, nonce from the OS RNG) and
//!    `gost512_verify` (`VerifyingKey::verify_digest`) on a 64-byte digest.
//! 2. Peer comparison (only under `cargo bench`): `openssl_gost_speed.c` is compiled with
//!    `cc … -lcrypto` and does the same work through the engine — `EVP_PKEY_sign` /
//!    `EVP_PKEY_verify` on a 64-byte digest with a paramSetA key, in a timed loop inside one
//!    process (no process start-up in the numbers). Tanba and the engine then run in
//!    alternation for several rounds (the machine is shared, so alternation keeps the load
//!    comparable) and the medians and ratios are printed. A missing compiler, OpenSSL
//!    headers or engine fails the bench with a message.
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};
use tanba_gost::{ParamSet, SigningKey, VerifyingKey};

fn fixture() -> (SigningKey, VerifyingKey, [u8; 64], Vec<u8>) {
    let key = SigningKey::generate(ParamSet::Tc26_512A).unwrap();
    let vk = key.verifying_key();
    let digest: [u8; 64] = core::array::from_fn(|i| (i * 37 + 11) as u8);
    let sig = key.sign_digest(&digest).unwrap();
    (key, vk, digest, sig)
}

fn criterion_benches(c: &mut Criterion) {
    let (key, vk, digest, sig) = fixture();
    c.bench_function("gost512_sign", |b| {
        b.iter(|| key.sign_digest(black_box(&digest)).unwrap())
    });
    c.bench_function("gost512_verify", |b| {
        b.iter(|| {
            vk.verify_digest(black_box(&digest), black_box(&sig))
                .unwrap()
        })
    });
}

fn per_second(mut op: impl FnMut(), secs: f64) -> f64 {
    let start = Instant::now();
    let limit = Duration::from_secs_f64(secs);
    let mut n = 0u64;
    while start.elapsed() < limit {
        op();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn peer_comparison() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/openssl_gost_speed.c");
    let dir = std::env::temp_dir().join(format!("tanba-gost-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("openssl_gost_speed");
    let out = Command::new("cc")
        .args(["-O2", "-Wno-deprecated-declarations", "-o"])
        .arg(&exe)
        .arg(src)
        .arg("-lcrypto")
        .output()
        .expect("cannot run `cc`: the peer comparison needs a C compiler and libssl-dev");
    assert!(
        out.status.success(),
        "compiling the OpenSSL peer failed (needs libssl-dev):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (key, vk, digest, sig) = fixture();
    let secs = 1.5;
    let (mut ts, mut tv, mut os, mut ov) = (vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        ts.push(per_second(
            || drop(black_box(key.sign_digest(&digest).unwrap())),
            secs,
        ));
        tv.push(per_second(
            || vk.verify_digest(&digest, &sig).unwrap(),
            secs,
        ));
        let run = Command::new(&exe).arg(secs.to_string()).output().unwrap();
        let text = String::from_utf8_lossy(&run.stdout).to_string();
        assert!(
            run.status.success(),
            "the OpenSSL GOST engine peer failed (is libengine-gost-openssl installed?): {}{}",
            text,
            String::from_utf8_lossy(&run.stderr)
        );
        let field = |name: &str| -> f64 {
            text.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("unexpected peer output: {text}"))
        };
        os.push(field("sign_per_s="));
        ov.push(field("verify_per_s="));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (ts, tv, os, ov) = (median(ts), median(tv), median(os), median(ov));
    println!("\nGOST 34.10-2015 512 paramSetA, 64-byte digest, median of 5 alternating rounds:");
    println!(
        "  sign:   tanba {ts:8.0}/s   openssl gost engine {os:8.0}/s   tanba/engine = {:.2}",
        ts / os
    );
    println!(
        "  verify: tanba {tv:8.0}/s   openssl gost engine {ov:8.0}/s   tanba/engine = {:.2}",
        tv / ov
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c);
    c.final_summary();
    if std::env::args().any(|a| a == "--bench") {
        peer_comparison();
    }
}

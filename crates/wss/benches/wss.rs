//! Criterion: sign and verify a 4 KB SyncChannel SendMessage envelope with the NCA RSA-2048
//! and GOST 2015-512 test keys; one raw signature over a SignedInfo-sized message as the
//! baseline for "sign within 10% of one signature".

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tanba_crypto::{SignatureEncoding, Signer};
use tanba_keys::{KeySelector, Keystore, Password};
use tanba_wss::{sign, verify, Data, SendMessage, Sender, SignOptions, SoapVersion, VerifyOptions};

/// An unsigned SendMessage envelope of at least `size` bytes (GBD FL style inline data).
fn envelope(size: usize) -> String {
    let mut rows = String::new();
    let mut i = 0;
    loop {
        let env = SendMessage::new("GBDFL_UniversalServiceSync", Sender::new("tanba-bench"))
            .with_message_id("0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10")
            .with_data(
                Data::inline_document(
                    format!("<r><senderCode>TEST</senderCode>{rows}</r>").as_bytes(),
                )
                .unwrap(),
            )
            .to_xml(SoapVersion::Soap11)
            .unwrap();
        // the unsigned envelope is `size` bytes; the transport signature (with the
        // certificate) adds about 3.9 KB
        if env.len() >= size {
            return env;
        }
        rows.push_str(&format!(
            "<person><iin>{:012}</iin><name>Тест</name></person>",
            123456789000u64 + i
        ));
        i += 1;
    }
}

/// A signer whose "signature" costs nothing: `sign` with it measures tanba-wss's own work
/// (parsing, splicing, canonicalization, digest, base64) without the public-key operation.
struct NullSigner {
    alg: tanba_crypto::SignatureAlgorithm,
    chain: Vec<Vec<u8>>,
    len: usize,
}

impl Signer for NullSigner {
    fn algorithm(&self) -> tanba_crypto::SignatureAlgorithm {
        self.alg
    }
    fn sign(&self, _m: &[u8], _e: SignatureEncoding) -> Result<Vec<u8>, tanba_crypto::CryptoError> {
        Ok(vec![0x5a; self.len])
    }
    fn certificate_chain(&self) -> &[Vec<u8>] {
        &self.chain
    }
}

fn bench(c: &mut Criterion) {
    let p12 = tanba_testdata::read_nca("keys/individual_valid_sign_rsa_2004.p12");
    let signer = Keystore::open_pkcs12(&p12, &Password::new("Qwerty12"))
        .unwrap()
        .signer(&KeySelector::Single)
        .unwrap();
    let env = envelope(4096);
    let signed = sign(env.as_bytes(), &signer, &SignOptions::new()).unwrap();
    println!("signed envelope: {} bytes", signed.len());
    let opts = VerifyOptions::default();
    verify(&signed, &opts).unwrap();

    let mut g = c.benchmark_group("wss_rsa2048_4kb");
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("sign", signed.len()), |b| {
        b.iter(|| sign(env.as_bytes(), &signer, &SignOptions::new()).unwrap())
    });
    let null = NullSigner {
        alg: signer.algorithm(),
        chain: signer.certificate_chain().to_vec(),
        len: 256,
    };
    g.bench_function(
        BenchmarkId::new("sign_overhead_without_rsa", signed.len()),
        |b| b.iter(|| sign(env.as_bytes(), &null, &SignOptions::new()).unwrap()),
    );
    g.bench_function(BenchmarkId::new("raw_rsa2048_signature", 800), |b| {
        let msg = vec![b'x'; 800];
        b.iter(|| signer.sign(&msg, SignatureEncoding::XmlDsig).unwrap())
    });
    g.bench_function(BenchmarkId::new("verify", signed.len()), |b| {
        b.iter(|| verify(&signed, &opts).unwrap())
    });
    g.finish();

    // GOST 34.10-2015 (512) with Streebog-512, the key NCA RK issues today.
    let p12 = tanba_testdata::read_nca("keys/individual_valid_gost_2015.p12");
    let gost = Keystore::open_pkcs12(&p12, &Password::new("Aa123456"))
        .unwrap()
        .signer(&KeySelector::Single)
        .unwrap();
    let signed = sign(env.as_bytes(), &gost, &SignOptions::new()).unwrap();
    verify(&signed, &opts).unwrap();
    let mut g = c.benchmark_group("wss_gost2015_512_4kb");
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("sign", signed.len()), |b| {
        b.iter(|| sign(env.as_bytes(), &gost, &SignOptions::new()).unwrap())
    });
    let null = NullSigner {
        alg: gost.algorithm(),
        chain: gost.certificate_chain().to_vec(),
        len: 128,
    };
    g.bench_function(
        BenchmarkId::new("sign_overhead_without_gost", signed.len()),
        |b| b.iter(|| sign(env.as_bytes(), &null, &SignOptions::new()).unwrap()),
    );
    g.bench_function(BenchmarkId::new("raw_gost_signature", 800), |b| {
        let msg = vec![b'x'; 800];
        b.iter(|| gost.sign(&msg, SignatureEncoding::XmlDsig).unwrap())
    });
    g.bench_function(BenchmarkId::new("verify", signed.len()), |b| {
        b.iter(|| verify(&signed, &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

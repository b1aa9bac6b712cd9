//! Interoperability with an independent GOST implementation: Debian's OpenSSL GOST engine
//! (`libengine-gost-openssl`, installed by .ci/run). A missing openssl or engine fails the
//! test with a clear message.
//!
//! For GOST R 34.10-2012 512-bit paramSetA (what NCA RK issues), and also 256-bit tc26
//! paramSetA and CryptoPro-A, with fresh engine-generated keys:
//! * the engine's PKCS#8 key loads into tanba-crypto and derives the same public key as
//!   the engine's SPKI;
//! * tanba signs → the engine verifies (`openssl dgst -verify`), and rejects a flipped bit;
//! * the engine signs → tanba verifies (`verify_signature`), and rejects an altered message.
//!
//! The engine uses the RFC 4491 layout `s_BE ‖ r_BE`; tanba the NCA RK layout `r_LE ‖ s_LE`:
//! the byte reversal of each other (GOST.md §0, §6).

use std::path::Path;
use std::process::Command;

use tanba_crypto::{
    signer_from_pkcs8, verify_signature, AlgorithmPolicy, CryptoError, PrivateKey,
    SignatureAlgorithm, SignatureEncoding, Signer,
};
use tanba_gost::reverse_signature_layout;
use x509_parser::prelude::*;

/// Run `openssl` with the GOST engine; returns (success, stdout + stderr).
fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `openssl` ({e}): install openssl and libengine-gost-openssl (.ci/run does)")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn openssl_ok(args: &[&str]) -> String {
    let (ok, text) = openssl(args);
    assert!(
        ok,
        "`openssl {}` failed (is libengine-gost-openssl installed?):\n{text}",
        args.join(" ")
    );
    text
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

struct Case {
    algorithm: &'static str,
    paramset: &'static str,
    md: &'static str,
    alg: SignatureAlgorithm,
    curve_oid: &'static str,
}

const CASES: &[Case] = &[
    Case {
        algorithm: "gost2012_512",
        paramset: "A",
        md: "-md_gost12_512",
        alg: SignatureAlgorithm::Gost2015_512,
        curve_oid: "1.2.643.7.1.2.1.2.1",
    },
    Case {
        algorithm: "gost2012_256",
        paramset: "TCA",
        md: "-md_gost12_256",
        alg: SignatureAlgorithm::Gost2015_256,
        curve_oid: "1.2.643.7.1.2.1.1.1",
    },
    Case {
        algorithm: "gost2012_256",
        paramset: "A",
        md: "-md_gost12_256",
        alg: SignatureAlgorithm::Gost2015_256,
        curve_oid: "1.2.643.2.2.35.1",
    },
];

fn run_case(case: &Case, round: usize) {
    let dir = tempfile::tempdir().unwrap();
    let key_pem = dir.path().join("key.pem");
    let key_der = dir.path().join("key.der");
    let pub_pem = dir.path().join("pub.pem");
    let pub_der = dir.path().join("pub.der");
    let msg_path = dir.path().join("msg.bin");
    let sig_path = dir.path().join("sig.rfc");
    let pkeyopt = format!("paramset:{}", case.paramset);
    openssl_ok(&[
        "genpkey",
        "-engine",
        "gost",
        "-algorithm",
        case.algorithm,
        "-pkeyopt",
        &pkeyopt,
        "-out",
        p(&key_pem),
    ]);
    openssl_ok(&[
        "pkey",
        "-engine",
        "gost",
        "-in",
        p(&key_pem),
        "-outform",
        "DER",
        "-out",
        p(&key_der),
    ]);
    openssl_ok(&[
        "pkey",
        "-engine",
        "gost",
        "-in",
        p(&key_pem),
        "-pubout",
        "-out",
        p(&pub_pem),
    ]);
    openssl_ok(&[
        "pkey",
        "-engine",
        "gost",
        "-in",
        p(&key_pem),
        "-pubout",
        "-outform",
        "DER",
        "-out",
        p(&pub_der),
    ]);
    let pkcs8 = std::fs::read(&key_der).unwrap();
    let spki = std::fs::read(&pub_der).unwrap();
    let what = format!(
        "{} paramset {} round {round}",
        case.algorithm, case.paramset
    );

    // The engine's curve OID is the one we expect, and d·G agrees with the engine's key.
    let (_, info) = SubjectPublicKeyInfo::from_der(&spki).unwrap();
    let params = info
        .algorithm
        .parameters
        .as_ref()
        .expect("GOST key parameters");
    let (_, first) = x509_parser::der_parser::der::parse_der_oid(params.data).unwrap();
    let curve = first.as_oid_val().unwrap().to_id_string();
    assert_eq!(curve, case.curve_oid, "{what}");
    let key = PrivateKey::from_pkcs8_der(&pkcs8).unwrap();
    assert_eq!(
        key.public_key_bits().unwrap(),
        info.subject_public_key.data.to_vec(),
        "{what}: our d·G differs from the engine's public key"
    );

    // tanba signs, the engine verifies.
    let msg = format!(
        "tanba <-> openssl gost engine, {what}, {}",
        "x".repeat(round * 37)
    )
    .into_bytes();
    std::fs::write(&msg_path, &msg).unwrap();
    let signer = signer_from_pkcs8(&pkcs8, Vec::new()).unwrap();
    assert_eq!(signer.algorithm(), case.alg);
    let ours = signer.sign(&msg, SignatureEncoding::X509).unwrap();
    std::fs::write(&sig_path, reverse_signature_layout(&ours)).unwrap();
    let verify_args = [
        "dgst",
        "-engine",
        "gost",
        case.md,
        "-verify",
        p(&pub_pem),
        "-signature",
        p(&sig_path),
        p(&msg_path),
    ];
    let text = openssl_ok(&verify_args);
    assert!(
        text.contains("Verified OK"),
        "{what}: engine output: {text}"
    );
    let mut flipped = ours.clone();
    flipped[5] ^= 0x20;
    std::fs::write(&sig_path, reverse_signature_layout(&flipped)).unwrap();
    let (ok, text) = openssl(&verify_args);
    assert!(
        !ok && !text.contains("Verified OK"),
        "{what}: the engine accepted a flipped bit: {text}"
    );

    // The engine signs, tanba verifies.
    openssl_ok(&[
        "dgst",
        "-engine",
        "gost",
        case.md,
        "-sign",
        p(&key_pem),
        "-out",
        p(&sig_path),
        p(&msg_path),
    ]);
    let theirs = reverse_signature_layout(&std::fs::read(&sig_path).unwrap());
    let policy = AlgorithmPolicy::strict();
    verify_signature(
        case.alg,
        &spki,
        &msg,
        &theirs,
        SignatureEncoding::X509,
        &policy,
    )
    .unwrap_or_else(|e| panic!("{what}: the engine's signature must verify: {e}"));
    let mut altered = msg.clone();
    altered[3] ^= 1;
    assert_eq!(
        verify_signature(
            case.alg,
            &spki,
            &altered,
            &theirs,
            SignatureEncoding::X509,
            &policy
        ),
        Err(CryptoError::BadSignature),
        "{what}"
    );
    // The engine's signature in its own layout is not a valid KZ signature.
    let raw = std::fs::read(&sig_path).unwrap();
    assert!(verify_signature(
        case.alg,
        &spki,
        &msg,
        &raw,
        SignatureEncoding::X509,
        &policy
    )
    .is_err());
}

#[test]
fn gost2012_512_param_set_a_both_directions() {
    for round in 0..4 {
        run_case(&CASES[0], round);
    }
}

#[test]
fn gost2012_256_tc26_param_set_a_both_directions() {
    for round in 0..2 {
        run_case(&CASES[1], round);
    }
}

#[test]
fn gost2012_256_cryptopro_a_both_directions() {
    for round in 0..2 {
        run_case(&CASES[2], round);
    }
}

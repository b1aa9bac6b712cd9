//! tanba-crypto against OpenSSL as the independent peer: keys and signatures made by the
//! `openssl` command verify with `verify_signature`, ours verify with `openssl dgst -verify`,
//! and every negative case fails with its own error.

use std::path::Path;
use std::process::Command;

use tanba_crypto::{
    signer_from_pkcs8, verify_signature, AlgorithmPolicy, CryptoError, SignatureAlgorithm,
    SignatureEncoding, Signer,
};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command is needed for this test (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Generate a key with openssl; returns (pkcs8 DER, SPKI DER).
fn openssl_key(dir: &Path, name: &str, genpkey: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let pem = format!("{name}.pem");
    let der = format!("{name}.p8.der");
    let spki = format!("{name}.spki.der");
    let mut args = vec!["genpkey"];
    args.extend_from_slice(genpkey);
    args.extend_from_slice(&["-out", &pem]);
    openssl(dir, &args);
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", &pem, "-outform", "DER", "-out", &der,
        ],
    );
    openssl(
        dir,
        &[
            "pkey", "-in", &pem, "-pubout", "-outform", "DER", "-out", &spki,
        ],
    );
    let pub_pem = format!("{name}.pub.pem");
    openssl(dir, &["pkey", "-in", &pem, "-pubout", "-out", &pub_pem]);
    (
        std::fs::read(dir.join(der)).unwrap(),
        std::fs::read(dir.join(spki)).unwrap(),
    )
}

const MSG: &[u8] = "Өтініш: import licence №42 — signed by tanba".as_bytes();

#[test]
fn ecdsa_signatures_made_by_openssl_verify_for_every_curve_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("msg"), MSG).unwrap();
    let cases = [
        ("P-256", "sha256", SignatureAlgorithm::EcdsaSha256),
        ("P-256", "sha384", SignatureAlgorithm::EcdsaSha384),
        ("P-256", "sha512", SignatureAlgorithm::EcdsaSha512),
        ("P-384", "sha384", SignatureAlgorithm::EcdsaSha384),
        ("P-384", "sha512", SignatureAlgorithm::EcdsaSha512),
        ("P-521", "sha512", SignatureAlgorithm::EcdsaSha512),
        ("P-521", "sha384", SignatureAlgorithm::EcdsaSha384),
        ("P-521", "sha256", SignatureAlgorithm::EcdsaSha256),
    ];
    for (curve, md, alg) in cases {
        let name = format!("{curve}-{md}");
        let (_, spki) = openssl_key(
            dir.path(),
            &name,
            &[
                "-algorithm",
                "EC",
                "-pkeyopt",
                &format!("ec_paramgen_curve:{curve}"),
            ],
        );
        let sig_file = format!("{name}.sig");
        openssl(
            dir.path(),
            &[
                "dgst",
                &format!("-{md}"),
                "-sign",
                &format!("{name}.pem"),
                "-out",
                &sig_file,
                "msg",
            ],
        );
        let der_sig = std::fs::read(dir.path().join(&sig_file)).unwrap();
        let policy = AlgorithmPolicy::strict();
        verify_signature(alg, &spki, MSG, &der_sig, SignatureEncoding::X509, &policy)
            .unwrap_or_else(|e| panic!("{name}: openssl DER signature: {e}"));
        // the same signature in the XMLDSig layout r || s
        let field = match curve {
            "P-256" => 32,
            "P-384" => 48,
            _ => 66,
        };
        let raw = tanba_crypto::ecdsa_der_to_raw(&der_sig, field).unwrap();
        verify_signature(alg, &spki, MSG, &raw, SignatureEncoding::XmlDsig, &policy)
            .unwrap_or_else(|e| panic!("{name}: raw signature: {e}"));
        // altered message, altered signature, wrong hash
        assert_eq!(
            verify_signature(
                alg,
                &spki,
                b"other",
                &raw,
                SignatureEncoding::XmlDsig,
                &policy
            ),
            Err(CryptoError::BadSignature),
            "{name}"
        );
        let mut bad = raw.clone();
        bad[field - 1] ^= 1;
        assert!(
            verify_signature(alg, &spki, MSG, &bad, SignatureEncoding::XmlDsig, &policy).is_err(),
            "{name}"
        );
    }
}

#[test]
fn our_rsa_and_ecdsa_signatures_verify_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("msg"), MSG).unwrap();
    for (name, genpkey, md) in [
        (
            "rsa",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"][..],
            "sha256",
        ),
        (
            "p256",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
            "sha256",
        ),
        (
            "p384",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"][..],
            "sha384",
        ),
    ] {
        let (pkcs8, spki) = openssl_key(dir.path(), name, genpkey);
        assert!(dir.path().join(format!("{name}.pub.pem")).is_file());
        let signer = signer_from_pkcs8(&pkcs8, vec![]).unwrap();
        let sig = signer.sign(MSG, SignatureEncoding::X509).unwrap();
        std::fs::write(dir.path().join(format!("{name}.sig")), &sig).unwrap();
        openssl(
            dir.path(),
            &[
                "dgst",
                &format!("-{md}"),
                "-verify",
                &format!("{name}.pub.pem"),
                "-signature",
                &format!("{name}.sig"),
                "msg",
            ],
        );
        // and with ourselves, in both encodings
        let policy = AlgorithmPolicy::strict();
        verify_signature(
            signer.algorithm(),
            &spki,
            MSG,
            &sig,
            SignatureEncoding::X509,
            &policy,
        )
        .unwrap();
        let xml_sig = signer.sign(MSG, SignatureEncoding::XmlDsig).unwrap();
        verify_signature(
            signer.algorithm(),
            &spki,
            MSG,
            &xml_sig,
            SignatureEncoding::XmlDsig,
            &policy,
        )
        .unwrap();
    }
}

#[test]
fn policy_and_mismatch_errors_are_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let (pkcs8, spki) = openssl_key(
        dir.path(),
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    let (_, ec_spki) = openssl_key(
        dir.path(),
        "ec",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    let (_, small_spki) = openssl_key(
        dir.path(),
        "rsa1024",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    );
    let signer = signer_from_pkcs8(&pkcs8, vec![]).unwrap();
    let sig = signer.sign(MSG, SignatureEncoding::X509).unwrap();
    let strict = AlgorithmPolicy::strict();
    // SHA-1 refused without the legacy switch, before any key work
    assert_eq!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha1,
            &spki,
            MSG,
            &sig,
            SignatureEncoding::X509,
            &strict
        ),
        Err(CryptoError::LegacySignatureRefused(
            SignatureAlgorithm::RsaPkcs1Sha1
        ))
    );
    // with the switch it is a plain bad signature (the value was made with SHA-256)
    assert_eq!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha1,
            &spki,
            MSG,
            &sig,
            SignatureEncoding::X509,
            &AlgorithmPolicy::allow_legacy()
        ),
        Err(CryptoError::BadSignature)
    );
    // an EC key for an RSA algorithm
    assert!(matches!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &ec_spki,
            MSG,
            &sig,
            SignatureEncoding::X509,
            &strict
        ),
        Err(CryptoError::KeyMismatch { .. })
    ));
    // RSA-1024 with SHA-2 is a legacy key: refused without the switch, with its own error
    assert_eq!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &small_spki,
            MSG,
            &sig,
            SignatureEncoding::X509,
            &strict
        ),
        Err(CryptoError::LegacyKeySizeRefused {
            bits: 1024,
            alg: SignatureAlgorithm::RsaPkcs1Sha256
        })
    );
    // garbage SPKI
    assert!(matches!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha256,
            b"\x30\x03\x02\x01",
            MSG,
            &sig,
            SignatureEncoding::X509,
            &strict
        ),
        Err(CryptoError::Der { .. })
    ));
    // signing with SHA-1 is refused outright
    let key = tanba_crypto::PrivateKey::from_pkcs8_der(&pkcs8).unwrap();
    assert!(matches!(
        tanba_crypto::KeySigner::with_algorithm(key, SignatureAlgorithm::RsaPkcs1Sha1, vec![]),
        Err(CryptoError::Unsupported { .. })
    ));
}

/// Sign `MSG` with openssl (`openssl dgst -<md> -sign`), returning the signature.
fn openssl_sign(dir: &Path, key: &str, md: &str) -> Vec<u8> {
    std::fs::write(dir.join("msg"), MSG).unwrap();
    let out = format!("{key}-{md}.sig");
    openssl(
        dir,
        &[
            "dgst",
            &format!("-{md}"),
            "-sign",
            &format!("{key}.pem"),
            "-out",
            &out,
            "msg",
        ],
    );
    std::fs::read(dir.join(out)).unwrap()
}

#[test]
fn rsa_1024_with_sha2_verifies_only_with_the_legacy_switch() {
    let dir = tempfile::tempdir().unwrap();
    let (_, spki) = openssl_key(
        dir.path(),
        "rsa1024",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    );
    let strict = AlgorithmPolicy::strict();
    let legacy = AlgorithmPolicy::allow_legacy();
    for (md, alg) in [
        ("sha256", SignatureAlgorithm::RsaPkcs1Sha256),
        ("sha512", SignatureAlgorithm::RsaPkcs1Sha512),
    ] {
        let sig = openssl_sign(dir.path(), "rsa1024", md);
        verify_signature(alg, &spki, MSG, &sig, SignatureEncoding::X509, &legacy)
            .unwrap_or_else(|e| panic!("RSA-1024 {md} with the legacy switch: {e}"));
        assert_eq!(
            verify_signature(alg, &spki, MSG, &sig, SignatureEncoding::X509, &strict),
            Err(CryptoError::LegacyKeySizeRefused { bits: 1024, alg }),
            "{md}"
        );
        // the switch does not weaken the check itself
        assert_eq!(
            verify_signature(alg, &spki, b"other", &sig, SignatureEncoding::X509, &legacy),
            Err(CryptoError::BadSignature),
            "{md}"
        );
        let mut bad = sig.clone();
        bad[60] ^= 0x01;
        assert_eq!(
            verify_signature(alg, &spki, MSG, &bad, SignatureEncoding::X509, &legacy),
            Err(CryptoError::BadSignature),
            "{md}"
        );
    }
    // ring has no 1024-bit PKCS#1 SHA-384 verifier: refused by name, never "valid"
    let sig384 = openssl_sign(dir.path(), "rsa1024", "sha384");
    assert!(matches!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha384,
            &spki,
            MSG,
            &sig384,
            SignatureEncoding::X509,
            &legacy
        ),
        Err(CryptoError::Unsupported {
            alg: SignatureAlgorithm::RsaPkcs1Sha384,
            ..
        })
    ));
    // under 1024 bits: refused even with the switch
    let (_, tiny) = openssl_key(
        dir.path(),
        "rsa512",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"],
    );
    let sig512 = openssl_sign(dir.path(), "rsa512", "sha256");
    assert!(matches!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &tiny,
            MSG,
            &sig512,
            SignatureEncoding::X509,
            &legacy
        ),
        Err(CryptoError::InvalidPublicKey(m)) if m.contains("RSA-512")
    ));
}

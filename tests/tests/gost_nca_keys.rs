//! Signing with the real NCA RK GOST private keys: tanba-keys opens the p12 files, the GOST
//! scalar goes through tanba-crypto into tanba-gost, and the signature must verify with the
//! public key of the certificate in the same p12 (and fail for an altered message or another
//! certificate's key). Also: the public key derived from the private scalar equals the
//! certificate's key byte for byte.

use tanba_crypto::{
    verify_signature, AlgorithmPolicy, CryptoError, SignatureAlgorithm, SignatureEncoding, Signer,
};
use tanba_keys::{KeySelector, Keystore, Password};

struct Loaded {
    store: Keystore,
}

fn open(file: &str) -> Loaded {
    let data = tanba_testdata::read_nca(&format!("keys/{file}"));
    let store = Keystore::open_pkcs12(
        &data,
        &Password::new(tanba_testdata::nca_password(file).to_string()),
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    Loaded { store }
}

fn sign_and_verify(file: &str, expected: SignatureAlgorithm) {
    let loaded = open(file);
    let entry = loaded.store.select(&KeySelector::Single).unwrap();
    let cert = entry.certificate().expect("certificate in the p12");
    // public key from the private scalar == the certificate's key
    assert_eq!(
        entry.key().public_key_bits().unwrap(),
        cert.public_key_bits(),
        "{file}: d·G must equal the certificate public key"
    );
    let signer = entry.signer().unwrap();
    assert_eq!(signer.algorithm(), expected);
    let policy = AlgorithmPolicy::strict();
    for encoding in [SignatureEncoding::X509, SignatureEncoding::XmlDsig] {
        let msg = format!("tanba GOST signing test with {file} ({encoding:?})").into_bytes();
        let sig = signer.sign(&msg, encoding).unwrap();
        assert_eq!(
            sig.len(),
            if expected == SignatureAlgorithm::Gost2004 {
                64
            } else {
                128
            }
        );
        verify_signature(expected, cert.spki_der(), &msg, &sig, encoding, &policy)
            .unwrap_or_else(|e| panic!("{file}: own signature must verify: {e}"));
        // a fresh nonce every time
        assert_ne!(sig, signer.sign(&msg, encoding).unwrap());
        let mut altered = msg.clone();
        altered[0] ^= 1;
        assert_eq!(
            verify_signature(expected, cert.spki_der(), &altered, &sig, encoding, &policy),
            Err(CryptoError::BadSignature)
        );
    }
}

#[test]
fn sign_with_the_nca_2015_keys() {
    sign_and_verify(
        "individual_valid_gost_2015.p12",
        SignatureAlgorithm::Gost2015_512,
    );
    sign_and_verify(
        "ceo_revoked_gost_2015.p12",
        SignatureAlgorithm::Gost2015_512,
    );
}

#[test]
fn sign_with_the_nca_2004_key() {
    sign_and_verify(
        "ceo_sign_revoked_gost_2004.p12",
        SignatureAlgorithm::Gost2004,
    );
}

#[test]
fn a_signature_does_not_verify_with_another_certificate() {
    let a = open("individual_valid_gost_2015.p12");
    let b = open("ceo_revoked_gost_2015.p12");
    let signer = a.store.signer(&KeySelector::Single).unwrap();
    let other = b.store.select(&KeySelector::Single).unwrap();
    let msg = b"signed by the individual, checked with the CEO key";
    let sig = signer.sign(msg, SignatureEncoding::X509).unwrap();
    assert_eq!(
        verify_signature(
            SignatureAlgorithm::Gost2015_512,
            other.certificate().unwrap().spki_der(),
            msg,
            &sig,
            SignatureEncoding::X509,
            &AlgorithmPolicy::strict()
        ),
        Err(CryptoError::BadSignature)
    );
}

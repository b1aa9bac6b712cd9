//! Real Kalkan-made CMS and NCA TSA tokens (`testdata/cms/`, from NCANode's MIT-licensed
//! examples; see its README): the base verdict (structure, messageDigest, signature) of
//! each, its named quirk, an independent peer where one can read the key (OpenSSL, RSA),
//! and tampered twins that fail by name.

use std::process::Command;

use tanba_cms::tsp::{signature_time_stamp, signature_value, verify_token, Stamped};
use tanba_cms::{read, verify, Content, FactOutcome, Limits, TimeStampToken, Verified};
use tanba_crypto::{AlgorithmPolicy, SignatureAlgorithm};

fn sample(name: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(&format!("cms/{name}")))
}

fn facts(cms: &[u8]) -> Verified {
    let parsed = read(cms, &Limits::default()).unwrap();
    verify(&parsed, Content::Attached, &[], &AlgorithmPolicy::default()).unwrap()
}

fn outcome(v: &Verified, name: &str) -> FactOutcome {
    v.signers[0]
        .facts
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", v.signers[0].facts))
        .outcome
}

#[test]
fn s9_and_s10_rsa_verify_here_and_with_openssl() {
    for name in ["s9_rsa_attached.der", "s10_rsa_attached.der"] {
        let cms = sample(name);
        let parsed = read(&cms, &Limits::default()).unwrap();
        assert_eq!(parsed.content(), Some(&b"asdasd"[..]), "{name}");
        assert_eq!(
            parsed.certificates.len(),
            1,
            "{name}: the signer certificate only"
        );
        let v = facts(&cms);
        assert!(v.all_verified(), "{name}: {:?}", v.signers[0].facts);
        assert_eq!(
            v.signers[0].signature_algorithm,
            Some(SignatureAlgorithm::RsaPkcs1Sha256)
        );
        assert!(
            !v.signers[0].signing_certificate_attribute,
            "{name}: Kalkan Java writes three signed attributes only"
        );
        let path = tanba_testdata::own(&format!("cms/{name}"));
        let o = Command::new("openssl")
            .args([
                "cms",
                "-verify",
                "-noverify",
                "-binary",
                "-inform",
                "DER",
                "-in",
            ])
            .arg(&path)
            .output()
            .expect("the `openssl` tool is required by this test");
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.stdout, b"asdasd");
    }
}

/// Replace the first occurrence of `what`.
fn patched(cms: &[u8], what: &[u8], with: &[u8]) -> Vec<u8> {
    let at = cms
        .windows(what.len())
        .position(|w| w == what)
        .expect("pattern present");
    let mut out = cms.to_vec();
    out[at..at + with.len()].copy_from_slice(with);
    out
}

#[test]
fn tampered_twins_of_a_real_sample_fail_by_name() {
    let cms = sample("s9_rsa_attached.der");
    let parsed = read(&cms, &Limits::default()).unwrap();
    // a content byte
    let v = facts(&patched(&cms, b"asdasd", b"asdasD"));
    assert_eq!(outcome(&v, "message_digest"), FactOutcome::Failed);
    // a signedAttrs byte (inside the signingTime)
    let st = parsed.signers[0].signed(tanba_cms::oid::SIGNING_TIME)[0].to_vec();
    let mut st2 = st.clone();
    st2[4] ^= 1;
    let v = facts(&patched(&cms, &st, &st2));
    assert_eq!(outcome(&v, "signature"), FactOutcome::Failed);
    // a signature byte
    let sig = parsed.signers[0].signature.clone();
    let mut sig2 = sig.clone();
    sig2[100] ^= 0x01;
    let v = facts(&patched(&cms, &sig, &sig2));
    assert_eq!(outcome(&v, "signature"), FactOutcome::Failed);
    // the certificate swapped for another person's (S8's): the sid finds none
    let other = read(
        &sample("s8_gost2004_cades_t_unbound.der"),
        &Limits::default(),
    )
    .unwrap();
    let mut swapped = parsed.clone();
    swapped.certificates = other.certificates.clone();
    let v = verify(
        &swapped,
        Content::Attached,
        &[],
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert_eq!(outcome(&v, "signature"), FactOutcome::NotCheckable);
}

#[test]
fn s8_gost2004_cades_t_whose_time_stamp_covers_the_content() {
    let cms = sample("s8_gost2004_cades_t_unbound.der");
    let parsed = read(&cms, &Limits::default()).unwrap();
    let v = facts(&cms);
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    assert_eq!(
        v.signers[0].signature_algorithm,
        Some(SignatureAlgorithm::Gost2004)
    );
    assert!(v.signers[0].has_signature_time_stamp);
    let token = signature_time_stamp(&parsed.signers[0]).unwrap().unwrap();
    assert_eq!(token.info.policy, tanba_cms::tsp::policy::GOST_2004);
    // over the signature value, as CAdES-T requires: not bound (the named quirk) …
    let f = verify_token(
        &token,
        Stamped::Data(signature_value(&parsed.signers[0])),
        None,
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    let imprint = f.facts.iter().find(|x| x.name == "imprint").unwrap();
    assert_eq!(imprint.outcome, FactOutcome::Failed);
    assert!(imprint.detail.contains("not bound"), "{}", imprint.detail);
    // … but the token itself is genuine, over the content
    let f = verify_token(
        &token,
        Stamped::Data(b"asdasd"),
        None,
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert!(f.is_verified(), "{:?}", f.facts);
}

#[test]
fn t2_production_tsa_tokens_verify() {
    for name in ["t2_tsa_token_a.der", "t2_tsa_token_b.der"] {
        let token = TimeStampToken::from_der(&sample(name)).unwrap();
        assert_eq!(
            token.info.policy,
            tanba_cms::tsp::policy::GOST_2004,
            "{name}"
        );
        let f = verify_token(
            &token,
            Stamped::Data(b"asdasd"),
            None,
            &AlgorithmPolicy::default(),
        )
        .unwrap();
        assert!(f.is_verified(), "{name}: {:?}", f.facts);
        let f = verify_token(
            &token,
            Stamped::Data(b"asdasD"),
            None,
            &AlgorithmPolicy::default(),
        )
        .unwrap();
        assert!(!f.is_verified(), "{name}: other data");
    }
}

#[test]
fn s7_gost2015_cades_t_and_its_test_tsa_token() {
    let cms = sample("s7_gost2015_cades_t_test_tsa.der");
    let parsed = read(&cms, &Limits::default()).unwrap();
    let v = facts(&cms);
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    assert_eq!(
        v.signers[0].signature_algorithm,
        Some(SignatureAlgorithm::Gost2015_512)
    );
    let token = signature_time_stamp(&parsed.signers[0]).unwrap().unwrap();
    let f = verify_token(
        &token,
        Stamped::Data(signature_value(&parsed.signers[0])),
        None,
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert!(
        f.is_verified(),
        "GOST 34.311 imprint over the signature value: {:?}",
        f.facts
    );
}

#[test]
fn s11_signing_certificate_v2_and_an_apple_sha1_token() {
    // bare base64, as NCALayer's createCAdESFromBase64 returns a CMS
    let cms = sample("s11_rsa_scv2_apple_tsa.b64");
    let parsed = read(&cms, &Limits::default()).unwrap();
    assert_eq!(parsed.content(), Some(&b"simple data"[..]));
    let v = facts(&cms);
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    assert!(v.signers[0].signing_certificate_attribute);
    assert_eq!(outcome(&v, "signing_certificate"), FactOutcome::Passed);
    // its token is Apple's, signed over SHA-1 attributes: refused by default; under the
    // legacy switch its own signature holds but its imprint is over neither the signature
    // value nor the content — not bound, and named so
    let token = signature_time_stamp(&parsed.signers[0]).unwrap().unwrap();
    let stamped = Stamped::Data(signature_value(&parsed.signers[0]));
    let strict = verify_token(&token, stamped, None, &AlgorithmPolicy::default()).unwrap();
    assert!(!strict.is_verified());
    let legacy = verify_token(&token, stamped, None, &AlgorithmPolicy::allow_legacy()).unwrap();
    let by_name = |n: &str| legacy.facts.iter().find(|f| f.name == n).unwrap().outcome;
    assert_eq!(by_name("imprint"), FactOutcome::Failed);
    assert_ne!(
        by_name("tsa_signature"),
        FactOutcome::Passed,
        "{:?}",
        legacy.facts
    );
    assert!(!legacy.is_verified());
}

#[test]
fn t3_a_production_rsa_tsa_token_from_its_attribute() {
    use tanba_pki::der::{single, Reader};
    let attr = sample("t3_rsa_tsa_token_attribute.der");
    // Attribute { id-aa-signatureTimeStampToken, SET { token } }
    let a = single(&attr, 0x30, "Attribute").unwrap();
    let mut r = Reader::inside(&a);
    r.any().unwrap();
    let set = r.any().unwrap();
    let token_der = Reader::inside(&set).any().unwrap().raw.to_vec();
    let token = TimeStampToken::from_der(&token_der).unwrap();
    assert_eq!(token.info.policy, tanba_cms::tsp::policy::RSA);
    assert_eq!(token.info.imprint_algorithm, "2.16.840.1.101.3.4.2.1");
    let f = verify_token(
        &token,
        Stamped::Digest {
            algorithm: tanba_crypto::DigestAlgorithm::Sha256,
            value: &token.info.imprint.clone(),
        },
        token.info.nonce.as_deref(),
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert!(f.is_verified(), "{:?}", f.facts);
}

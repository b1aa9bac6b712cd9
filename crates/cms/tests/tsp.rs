//! Time stamps: the real NCA test TSA response and token; `openssl ts -reply` as an
//! independent TSA for tanba's requests (and `openssl ts -verify` for its answers); CAdES-T
//! over a SignerInfo's signature value.

use std::process::Command;

use tanba_cms::tsp::{
    add_signature_time_stamp, signature_time_stamp, signature_value, verify_token, Stamped,
};
use tanba_cms::{read, sign, verify, Content, FactOutcome, Limits, SignOptions, ToSign};
use tanba_cms::{TimeStampRequest, TimeStampToken};
use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm};

#[path = "support/tsa.rs"]
mod tsa;
use tsa::OpensslTsa;

fn outcome(facts: &[tanba_cms::Fact], name: &str) -> FactOutcome {
    facts
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name} in {facts:?}"))
        .outcome
}

#[test]
fn the_real_nca_test_token_and_response() {
    let token = TimeStampToken::from_der(&tanba_testdata::read_nca("tsp/tsp_token.bin")).unwrap();
    let from_response =
        TimeStampToken::from_response(&tanba_testdata::read_nca("tsp/tsp_response.bin")).unwrap();
    assert_eq!(
        token.info, from_response.info,
        "the token is the response's tail"
    );
    assert_eq!(token.info.policy, tanba_cms::tsp::policy::GOST_2004);
    assert_eq!(
        token.info.gen_time,
        time::macros::datetime!(2022-09-18 13:20:14 UTC)
    );
    assert_eq!(
        token.info.imprint_algorithm, "1.3.14.3.2.26",
        "a SHA-1 imprint"
    );
    // SHA-1 imprints are legacy: refused by default …
    let f = verify_token(
        &token,
        Stamped::Data(b"?"),
        None,
        &AlgorithmPolicy::strict(),
    )
    .unwrap();
    assert_eq!(outcome(&f.facts, "imprint"), FactOutcome::Failed);
    // … and with the legacy switch the TSA's GOST signature and EKU hold, while data that
    // is not the stamped one is named as such
    let f = verify_token(
        &token,
        Stamped::Data(b"not the stamped data"),
        None,
        &AlgorithmPolicy::allow_legacy(),
    )
    .unwrap();
    assert_eq!(outcome(&f.facts, "tsa_signature"), FactOutcome::Passed);
    assert_eq!(outcome(&f.facts, "tsa_eku"), FactOutcome::Passed);
    assert_eq!(outcome(&f.facts, "imprint"), FactOutcome::Failed);
    // its own imprint, given as the digest, binds
    let f = verify_token(
        &token,
        Stamped::Digest {
            algorithm: DigestAlgorithm::Sha1,
            value: &token.info.imprint.clone(),
        },
        token.info.nonce.as_deref(),
        &AlgorithmPolicy::allow_legacy(),
    )
    .unwrap();
    assert!(f.is_verified(), "{:?}", f.facts);
    // a refusal status
    assert!(TimeStampToken::from_response(&[0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]).is_err());
}

fn rsa_signer() -> tanba_crypto::KeySigner {
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

#[test]
fn cades_t_with_openssl_as_the_tsa() {
    let tsa = OpensslTsa::new();
    let content = b"contract #7";
    let cms = sign(
        ToSign::Content(content),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    let parsed = read(&cms, &Limits::default()).unwrap();
    // the request: SHA-256 of the SignerInfo's signature value, the RSA policy, a nonce
    let sig = signature_value(&parsed.signers[0]).to_vec();
    let request = TimeStampRequest::new(
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha256.digest(&sig),
        Some(tanba_cms::tsp::policy::RSA),
        Some(TimeStampRequest::random_nonce()),
    );
    let response = tsa.reply(request.to_der());
    assert!(
        tsa.accepts(request.to_der(), &response),
        "openssl ts -verify accepts the answer to tanba's request"
    );
    let token = TimeStampToken::from_response(&response).unwrap();
    assert_eq!(token.info.policy, tanba_cms::tsp::policy::RSA);
    let facts = verify_token(
        &token,
        Stamped::Data(&sig),
        request.nonce(),
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert!(facts.is_verified(), "{:?}", facts.facts);
    // a replayed answer (another nonce) and other data are named
    let other = verify_token(
        &token,
        Stamped::Data(b"other"),
        Some(&[1, 2, 3, 4]),
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert_eq!(outcome(&other.facts, "imprint"), FactOutcome::Failed);
    assert_eq!(outcome(&other.facts, "nonce"), FactOutcome::Failed);

    // CAdES-T: the token in the signer's unsigned attributes; the signature is untouched
    let token_der = {
        // the token is the response's second element
        let top = tanba_pki::der::single(&response, 0x30, "resp").unwrap();
        let mut r = tanba_pki::der::Reader::inside(&top);
        r.any().unwrap();
        r.any().unwrap().raw.to_vec()
    };
    let stamped = add_signature_time_stamp(&parsed, 0, &token_der).unwrap();
    let back = read(&stamped, &Limits::default()).unwrap();
    assert_eq!(back.signers[0].signature, parsed.signers[0].signature);
    let v = verify(&back, Content::Attached, &[], &AlgorithmPolicy::default()).unwrap();
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    assert!(v.signers[0].has_signature_time_stamp);
    let t = signature_time_stamp(&back.signers[0]).unwrap().unwrap();
    let f = verify_token(
        &t,
        Stamped::Data(signature_value(&back.signers[0])),
        None,
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert!(f.is_verified(), "{:?}", f.facts);
    // a second stamp on the same signer is refused
    assert!(add_signature_time_stamp(&back, 0, &token_der).is_err());
    // openssl still verifies the CMS (unsigned attributes are outside the signature)
    let f = tsa.path("stamped.p7s");
    std::fs::write(&f, &stamped).unwrap();
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
        .arg(&f)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.stdout, content);
}

//! Raw signatures (format `raw`, eGov Mobile's SIGN_BYTES_ARRAY): a signature made by
//! openssl with the real NCA test RSA key, judged with the NCA test CA at a time inside
//! the certificate's validity.

use std::process::Command;
use std::sync::Arc;

use tanba_pki::{CertPool, ChainCert, Crl, ExpectedIdentity, IdPolicy, RevocationEngine};
use tanba_validate::{
    CheckOutcome, DocumentFormat, Failed, Indication, Overrides, Request, TrustConfig, Validator,
};

const KEY: &str = "individual_valid_sign_rsa_2004.p12";

fn openssl(args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .output()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The certificate (PEM) and an openssl signature (SHA-256 / RSA PKCS#1 v1.5) over `data`.
fn signed_by_openssl(data: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let p12 = tanba_testdata::shared_testdata().join("nca/keys").join(KEY);
    let pass = format!("pass:{}", tanba_testdata::nca_password(KEY));
    let (key, cert, file, sig) = (
        dir.path().join("k.pem"),
        dir.path().join("c.pem"),
        dir.path().join("d.bin"),
        dir.path().join("d.sig"),
    );
    let p = |x: &std::path::Path| x.to_str().unwrap().to_string();
    openssl(&[
        "pkcs12",
        "-legacy",
        "-in",
        &p(&p12),
        "-passin",
        &pass,
        "-nocerts",
        "-nodes",
        "-out",
        &p(&key),
    ]);
    openssl(&[
        "pkcs12",
        "-legacy",
        "-in",
        &p(&p12),
        "-passin",
        &pass,
        "-nokeys",
        "-clcerts",
        "-out",
        &p(&cert),
    ]);
    std::fs::write(&file, data).unwrap();
    openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        &p(&key),
        "-out",
        &p(&sig),
        &p(&file),
    ]);
    (std::fs::read(cert).unwrap(), std::fs::read(sig).unwrap())
}

fn validator() -> Validator {
    let mut pool = CertPool::new();
    pool.add_anchor(
        ChainCert::from_bytes(&tanba_testdata::read_nca("ca/nca_rsa_test.crt")).unwrap(),
    );
    let engine = RevocationEngine::new();
    engine.add_crl(Crl::from_bytes(&tanba_testdata::read_nca("crl/nca_rsa_test.crl")).unwrap());
    Validator::new(TrustConfig {
        pool,
        revocation: Arc::new(engine),
        overrides: Overrides {
            id_policy: Some(IdPolicy::AcceptTestIds),
            ..Default::default()
        },
        ..Default::default()
    })
}

fn at() -> Request {
    Request {
        at: Some(time::macros::datetime!(2021-06-01 0:00 UTC)),
        revocation: Some(tanba_pki::RevocationSources::CrlOnly),
        ..Default::default()
    }
}

#[test]
fn an_openssl_signature_with_the_nca_test_key_passes_and_names_its_signer() {
    let data = "eGov Mobile: подписываемые данные".as_bytes();
    let (cert, sig) = signed_by_openssl(data);
    let report = validator().validate_raw(&cert, &sig, data, &at());
    assert_eq!(report.format, DocumentFormat::Raw);
    assert!(report.is_passed(), "{:?}", report.problems);
    let s = &report.signers[0];
    assert_eq!(s.checks[0].name, "signature");
    assert_eq!(s.checks[0].outcome, CheckOutcome::Passed);
    assert_eq!(s.algorithm.as_ref().unwrap().name, "rsa-sha256");
    assert_eq!(
        s.identity.as_ref().unwrap().iin.as_deref(),
        Some("123456789011")
    );
    assert_eq!(s.signed.as_ref().unwrap().size, Some(data.len() as u64));
    assert!(s
        .checks
        .iter()
        .any(|c| c.name == "certificate_revocation" && c.outcome == CheckOutcome::Passed));
}

#[test]
fn other_bytes_another_signer_or_a_wrong_identity_never_pass() {
    let data = b"the signed bytes";
    let (cert, sig) = signed_by_openssl(data);
    let v = validator();

    let report = v.validate_raw(&cert, &sig, b"the signed bytez", &at());
    assert_eq!(
        report.indication,
        Indication::TotalFailed(Failed::SigCryptoFailure)
    );
    assert_eq!(report.signers[0].checks[0].outcome, CheckOutcome::Failed);

    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert!(!v.validate_raw(&cert, &bad, data, &at()).is_passed());

    let expect_other = Request {
        expected: ExpectedIdentity {
            iin: Some("123456789012".into()),
            bin: None,
        },
        ..at()
    };
    let report = v.validate_raw(&cert, &sig, data, &expect_other);
    assert!(!report.is_passed());
    assert!(report.signers[0]
        .checks
        .iter()
        .any(|c| c.name == "expected_iin" && c.outcome == CheckOutcome::Failed));

    // outside the certificate's validity (2021-01-18 … 2022-01-18)
    let late = Request {
        at: Some(time::macros::datetime!(2022-06-01 0:00 UTC)),
        ..at()
    };
    assert!(!v.validate_raw(&cert, &sig, data, &late).is_passed());

    // not a certificate at all
    let report = v.validate_raw(b"not a certificate", &sig, data, &at());
    assert!(!report.is_passed());
}

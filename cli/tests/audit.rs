//! Regression tests for the security audit (issue 12), against the `tanba` binary. Each
//! test rebuilds the attack the audit described, from the real NCA RK test keys, and
//! checks the verdict and the exit code. SECURITY.md names these tests.

mod common;

use common::{nca, tanba_io};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The DER certificate of an NCA RK test key.
fn p12_certificate(name: &str) -> Vec<u8> {
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    let store = tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .expect("open the test key");
    store.entries()[0]
        .certificate()
        .expect("a certificate")
        .der()
        .to_vec()
}

/// Item 6: an OCSP answer saying "not issued" (RFC 6960 §2.2 extended-revoke encoding) is
/// negative under every policy, `--soft-fail` included. The NCA test responder really
/// answered this way for the GOST 2015 test key.
#[test]
fn ocsp_not_issued_is_refused_even_with_soft_fail() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("individual_2015.cer");
    std::fs::write(&cert, p12_certificate("individual_valid_gost_2015.p12")).unwrap();
    let (ca, ocsp) = (
        nca("ca/nca_gost2015_test.cer"),
        nca("ocsp/ocsp_response_individual_2015.bin"),
    );
    for extra in [&[][..], &["--soft-fail"][..]] {
        let mut args = vec![
            "cert",
            "check",
            cert.to_str().unwrap(),
            "--trust",
            &ca,
            "--ocsp-response",
            &ocsp,
            "--at",
            "2022-09-01T00:00:00Z",
            "--allow-test-identifiers",
        ];
        args.extend_from_slice(extra);
        let o = tanba_io(&args, &[], None);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("not issued"),
            "{extra:?}: {}",
            stderr(&o)
        );
    }
}

//! `tanba cert info` end to end on the real NCA certificates: human report, `--json`,
//! stdin (PEM and DER), bundles with `--index`, a certificate with an unknown critical
//! extension (made by `openssl req`, an independent tool), and the exit-2 paths.

mod common;

use common::nca;
use std::process::{Command, Output};

fn tanba(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::tanba_io(args, &[], stdin)
}

fn ok_stdout(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok_stdout(out)).expect("one JSON object")
}

/// The value printed after `Label:` in the human report.
fn field<'a>(report: &'a str, label: &str) -> &'a str {
    report
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{label}:")))
        .unwrap_or_else(|| panic!("no {label:?} line in\n{report}"))
        .trim()
}

#[test]
fn human_report_ceo_gost_2004() {
    let r = ok_stdout(&tanba(
        &["cert", "info", &nca("certs/ceo_valid_sign_2004_gost.cer")],
        None,
    ));
    assert_eq!(field(&r, "  Common name"), "ТЕСТОВ ТЕСТ");
    assert_eq!(field(&r, "  Patronymic"), "ТЕСТОВИЧ");
    assert_eq!(field(&r, "  Organization"), "АО \"ТЕСТ\"");
    let iin = field(&r, "IIN");
    assert!(
        iin.starts_with("123456789011 — checksum FAILED (control digit should be 3)"),
        "{iin}"
    );
    assert!(iin.contains("NCA test identifier"), "{iin}");
    assert!(
        field(&r, "BIN").starts_with("123456789021 — checksum FAILED (control digit should be 5)")
    );
    assert_eq!(field(&r, "Subject type"), "legal_entity");
    assert_eq!(
        field(&r, "Roles"),
        "legal_entity (1.2.398.3.3.4.1.2), first_head (1.2.398.3.3.4.1.2.1)"
    );
    assert_eq!(
        field(&r, "Key usage"),
        "digitalSignature, nonRepudiation — SIGN"
    );
    assert_eq!(
        field(&r, "Validity"),
        "2022-01-18T04:45:35Z .. 2023-01-18T04:45:35Z (expired)"
    );
    assert_eq!(field(&r, "Issuer"), "C=KZ, CN=ҰКО 3.0 (GOST TEST)");
    assert_eq!(
        field(&r, "Serial"),
        "6CBD4560A33A58C0B07C3363C9AE0674A0838E58"
    );
    assert_eq!(
        field(&r, "CRL"),
        "http://test.pki.gov.kz/crl/nca_rsa_test.crl"
    );
    assert_eq!(
        field(&r, "Delta CRL"),
        "http://test.pki.gov.kz/crl/nca_d_rsa_test.crl"
    );
    assert_eq!(field(&r, "OCSP"), "http://test.pki.gov.kz/ocsp/");
    assert_eq!(field(&r, "Unknown critical"), "none");
}

#[test]
fn human_report_auth_certificate() {
    let r = ok_stdout(&tanba(
        &[
            "cert",
            "info",
            &nca("certs/individual_valid_sign_2004_rsa_auth.cer"),
        ],
        None,
    ));
    assert_eq!(
        field(&r, "Key usage"),
        "digitalSignature, keyEncipherment — AUTH"
    );
    assert_eq!(field(&r, "Subject type"), "individual");
    assert_eq!(field(&r, "Public key"), "RSA-2048");
    assert!(!r.contains("\nBIN:"), "no BIN for an individual");
}

#[test]
fn json_report() {
    let v = json(&tanba(
        &[
            "cert",
            "info",
            "--json",
            &nca("certs/ceo_valid_sign_2004_gost.cer"),
        ],
        None,
    ));
    assert_eq!(v["subject_fields"]["given_name"], "ТЕСТОВИЧ");
    assert_eq!(v["iin"]["value"], "123456789011");
    assert_eq!(v["iin"]["checksum_valid"], false);
    assert_eq!(v["bin"]["value"], "123456789021");
    assert_eq!(v["bin"]["checksum_valid"], false);
    assert_eq!(v["subject_type"], "legal_entity");
    assert_eq!(v["roles"][1]["code"], "first_head");
    assert_eq!(v["key_usage_class"], "sign");
    assert_eq!(v["issuer"], "C=KZ, CN=ҰКО 3.0 (GOST TEST)");
    assert_eq!(v["ocsp_urls"][0], "http://test.pki.gov.kz/ocsp/");
    assert_eq!(v["unknown_critical_extensions"], serde_json::json!([]));
    assert_eq!(v["input_certificates"], 1);
    assert_eq!(v["index"], 1);
    // Every documented top-level field is present.
    for k in [
        "subject",
        "subject_fields",
        "subject_attributes",
        "iin",
        "bin",
        "subject_type",
        "roles",
        "issuer",
        "serial",
        "not_before",
        "not_after",
        "key",
        "signature_algorithm_oid",
        "key_usage",
        "key_usage_class",
        "extended_key_usage",
        "policies",
        "crl_urls",
        "delta_crl_urls",
        "ocsp_urls",
        "ca_issuer_urls",
        "subject_key_id",
        "authority_key_id",
        "authority_cert_issuer",
        "authority_cert_serial",
        "is_ca",
        "path_len",
        "ocsp_nocheck",
        "extensions",
        "unknown_critical_extensions",
        "sha256_fingerprint",
        "notes",
    ] {
        assert!(v.get(k).is_some(), "missing JSON field {k}");
    }
}

#[test]
fn stdin_der_and_pem() {
    let der = std::fs::read(nca("ca/nca_gost2015_test.cer")).unwrap();
    let v = json(&tanba(&["cert", "info", "--json", "-"], Some(&der)));
    assert_eq!(
        v["subject_fields"]["common_name"],
        "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022"
    );
    assert_eq!(v["is_ca"], true);
    assert_eq!(
        v["key_usage"],
        serde_json::json!(["keyCertSign", "cRLSign"])
    );
    let pem = std::fs::read(nca("ca/nca_rsa_test.crt")).unwrap();
    let r = ok_stdout(&tanba(&["cert", "info", "-"], Some(&pem)));
    assert_eq!(field(&r, "Public key"), "RSA-4096");
    assert_eq!(field(&r, "CA"), "yes");
}

#[test]
fn bundle_index() {
    let mut pem = std::fs::read(nca("ca/nca_rsa_test.crt")).unwrap();
    pem.extend(std::fs::read(nca("ca/nca_gost_test.crt")).unwrap());
    let v = json(&tanba(
        &["cert", "info", "--json", "--index", "2", "-"],
        Some(&pem),
    ));
    assert_eq!(v["subject"], "C=KZ, CN=ҰКО 3.0 (GOST TEST)");
    assert_eq!(v["input_certificates"], 2);
    assert_eq!(v["index"], 2);
    let r = ok_stdout(&tanba(&["cert", "info", "-"], Some(&pem)));
    assert!(r.starts_with("Certificate 1 of 2 in the input"), "{r}");
    let out = tanba(&["cert", "info", "--index", "3", "-"], Some(&pem));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out of range"));
}

#[test]
fn unknown_critical_extension_is_reported() {
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            "/CN=probe/serialNumber=IIN900101300007",
            "-addext",
            "1.2.3.4.5=critical,DER:05:00",
            "-keyout",
            "/dev/null",
            "-days",
            "1",
        ])
        .output()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = ok_stdout(&tanba(&["cert", "info", "-"], Some(&out.stdout)));
    assert!(
        field(&r, "Unknown critical").starts_with("1.2.3.4.5 — WARNING"),
        "{r}"
    );
    assert_eq!(
        field(&r, "IIN"),
        "900101300007 — checksum OK; born 1990-01-01, male (informative)"
    );
    let v = json(&tanba(&["cert", "info", "--json", "-"], Some(&out.stdout)));
    assert_eq!(
        v["unknown_critical_extensions"],
        serde_json::json!(["1.2.3.4.5"])
    );
    assert_eq!(v["iin"]["checksum_valid"], true);
}

#[test]
fn garbage_and_missing_exit_2() {
    let out = tanba(
        &["cert", "info", "-"],
        Some(b"definitely not a certificate"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("<stdin>") && err.contains("not a certificate"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // Truncated DER.
    let der = std::fs::read(nca("ca/nca_gost2015_test.cer")).unwrap();
    let out = tanba(
        &["cert", "info", "--json", "-"],
        Some(&der[..der.len() / 2]),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid DER X.509 certificate"));

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.cer");
    let out = tanba(&["cert", "info", missing.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.cer"));

    let out = tanba(&["cert", "info"], None);
    assert_eq!(out.status.code(), Some(2), "usage error");
}

#[test]
fn help_has_example_and_json_fields() {
    let out = tanba(&["cert", "info", "--help"], None);
    let h = ok_stdout(&out);
    assert!(h.contains("tanba cert info ceo.cer"), "{h}");
    assert!(h.contains("JSON fields"), "{h}");
    assert!(h.contains("unknown_critical_extensions"), "{h}");
}

#[test]
fn responder_certificate_from_openssl_ocsp_text() {
    // `openssl ocsp -resp_text` prints the response as text with the responder certificate
    // as a PEM block in the middle: the text around it is ignored.
    let out = Command::new("openssl")
        .args(["ocsp", "-noverify", "-resp_text", "-respin"])
        .arg(nca("ocsp/ocsp_response_individual_2015.bin"))
        .output()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = ok_stdout(&tanba(&["cert", "info", "-"], Some(&out.stdout)));
    assert_eq!(
        field(&r, "Subject"),
        "CN=OCSP RESPONDER, C=KZ, O=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) 2022"
    );
    assert_eq!(field(&r, "Key store"), "PKCS#12 file (1.2.398.3.3.5.1.1)");
    assert_eq!(field(&r, "OCSP no-check"), "yes");
    assert_eq!(field(&r, "Key usage"), "digitalSignature — other");
    assert!(!r.contains("\nIIN:") && !r.contains("\nBIN:"));
}

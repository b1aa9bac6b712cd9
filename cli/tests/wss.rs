//! `tanba wss sign` / `tanba wss verify` end to end with the NCA RK RSA test key: the
//! signed envelope verifies with xmlsec1, the signer certificate is validated as of its
//! validity period, tampering and wrapping exit 1, input errors exit 2.

mod common;

use common::{nca, tanba_io as tanba};
use std::process::Command;

const UNSIGNED: &str = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body><sb:SendMessage xmlns:sb=\"http://bip.bee.kz/SyncChannel/v10/Types\"><request><requestInfo><messageId>1</messageId><serviceId>S</serviceId><messageDate>2021-06-01T10:00:00.000+06:00</messageDate><sender><senderId>l</senderId></sender></requestInfo><requestData><data><iin>123456789011</iin></data></requestData></request></sb:SendMessage></soap:Body></soap:Envelope>";

fn signed(dir: &std::path::Path, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join("signed.xml");
    let key = nca("keys/individual_valid_sign_rsa_2004.p12");
    let out_s = out.display().to_string();
    let mut args = vec![
        "wss",
        "sign",
        "-",
        "--key",
        &key,
        "--password-env",
        "PW",
        "--out",
        &out_s,
    ];
    args.extend_from_slice(extra);
    let o = tanba(&args, &[("PW", "Qwerty12")], Some(UNSIGNED.as_bytes()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn validation<'a>(ca: &'a str, ocsp: &'a str) -> Vec<&'a str> {
    vec![
        "--trust",
        ca,
        "--ocsp-response",
        ocsp,
        "--at",
        "2021-06-01T00:00:00Z",
        "--allow-test-identifiers",
    ]
}

#[test]
fn sign_verify_with_certificate_validation_and_xmlsec1() {
    let dir = tempfile::tempdir().unwrap();
    let f = signed(dir.path(), &[]);
    let (ca, ocsp) = (
        nca("ca/nca_rsa_test.crt"),
        nca("ocsp/ocsp_response_individual_sign_2004.bin"),
    );
    let mut args = vec!["wss", "verify", f.to_str().unwrap(), "--json"];
    args.extend(validation(&ca, &ocsp));
    let o = tanba(&args, &[], None);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["indication"], "total_passed");
    assert_eq!(j["signers"].as_array().unwrap().len(), 1);
    let t = &j["signers"][0];
    assert_eq!(t["layer"], "transport");
    assert_eq!(t["transport"]["token"], "KeyIdentifier");
    assert_eq!(t["references"][0]["part"], "body");
    assert_eq!(t["identity"]["iin"], "123456789011");
    assert_eq!(t["certificate"]["verdict"], "valid");

    // xmlsec1 agrees (independent verifier, certificate given, wsu:Id registered on Body)
    let pem = dir.path().join("c.pem");
    let o = Command::new("openssl")
        .args([
            "pkcs12",
            "-legacy",
            "-nokeys",
            "-clcerts",
            "-passin",
            "pass:Qwerty12",
            "-in",
        ])
        .arg(nca("keys/individual_valid_sign_rsa_2004.p12"))
        .arg("-out")
        .arg(&pem)
        .output()
        .expect("openssl is required (CI installs it)");
    assert!(o.status.success());
    let o = Command::new("xmlsec1")
        .args([
            "verify",
            "--id-attr:Id",
            "http://schemas.xmlsoap.org/soap/envelope/:Body",
            "--pubkey-cert-pem",
        ])
        .arg(&pem)
        .arg(&f)
        .output()
        .expect("xmlsec1 is required (CI installs it)");
    assert!(
        o.status.success(),
        "xmlsec1: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    // the same certificate as of a moment after it expired: exit 1, named in the report
    let mut args = vec!["wss", "verify", f.to_str().unwrap()];
    let mut v = validation(&ca, &ocsp);
    v[5] = "2023-06-01T00:00:00Z";
    args.extend(v);
    let o = tanba(&args, &[], None);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("[FAILED] certificate validity"), "{out}");
    // expired without proof of existence before: undecided, not proven wrong
    assert!(
        out.contains("verdict: INDETERMINATE (out_of_bounds_no_poe)"),
        "{out}"
    );
}

#[test]
fn tampering_wrapping_and_timestamps_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let f = signed(dir.path(), &["--timestamp", "300", "--bst"]);
    let xml = std::fs::read_to_string(&f).unwrap();
    assert!(xml.contains("<wsu:Timestamp") && xml.contains("<wsse:BinarySecurityToken"));
    let run = |doc: &str, extra: &[&str]| {
        let p = dir.path().join("x.xml");
        std::fs::write(&p, doc).unwrap();
        let mut a = vec!["wss", "verify", p.to_str().unwrap(), "--no-cert-check"];
        a.extend_from_slice(extra);
        tanba(&a, &[], None)
    };
    // fresh: fine (and the report says the certificate was not checked)
    let o = run(&xml, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("certificate: not checked"));
    // replayed an hour later
    let later = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let o = run(&xml, &["--at", &later]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("replayed"));
    // modified Body
    let o = run(&xml.replace("123456789011", "123456789012"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("digest mismatch"));
    // second Body
    let o = run(
        &xml.replace(
            "</soap:Envelope>",
            "<soap:Body><x/></soap:Body></soap:Envelope>",
        ),
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("duplicated Body"));
    // unsigned envelope: exit 1 (no transport signature), not an input error
    let o = run(UNSIGNED, &[]);
    assert_eq!(o.status.code(), Some(1));
    // not an envelope / malformed: exit 2
    let o = run("<a/>", &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = run("<soap:Envelope", &[]);
    assert_eq!(o.status.code(), Some(2));
    // required header missing
    let o = run(&xml, &["--require-header", "{urn:a}To"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&xml, &["--require-header", "To"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn sign_input_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.xml");
    let key = nca("keys/individual_valid_sign_rsa_2004.p12");
    // wrong password
    let o = tanba(
        &[
            "wss",
            "sign",
            "-",
            "--key",
            &key,
            "--password-env",
            "PW",
            "--out",
            out.to_str().unwrap(),
        ],
        &[("PW", "wrong")],
        Some(UNSIGNED.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    // not an envelope
    let o = tanba(
        &["wss", "sign", "-", "--key", &key, "--password-env", "PW"],
        &[("PW", "Qwerty12")],
        Some(b"<a/>"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a SOAP envelope"));
}

//! `tanba sign` / `tanba verify` end to end with the NCA RK test key: exit codes, output
//! files, JSON fields, tampering, wrong password, expectations on the signer.

mod common;

use common::{assert_exit, tanba_io as tanba};

const P12: &str = "keys/individual_valid_sign_rsa_2004.p12";

fn key() -> (String, String) {
    let path = tanba_testdata::nca(P12).display().to_string();
    (
        path,
        tanba_testdata::nca_password("individual_valid_sign_rsa_2004.p12").to_owned(),
    )
}

#[test]
fn sign_then_verify_with_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.xml");
    let out = dir.path().join("signed.xml");
    std::fs::write(
        &doc,
        "<application><iin>123456789011</iin><item Id=\"i1\">x</item></application>",
    )
    .unwrap();
    let (p12, pw) = key();
    let o = tanba(
        &[
            "sign",
            doc.to_str().unwrap(),
            "--key",
            &p12,
            "--password-env",
            "TANBA_TEST_PW",
            "--out",
            out.to_str().unwrap(),
        ],
        &[("TANBA_TEST_PW", &pw)],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty());
    let signed = std::fs::read(&out).unwrap();
    assert!(signed.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"));

    let o = tanba(
        &[
            "verify",
            out.to_str().unwrap(),
            "--json",
            "--expect-iin",
            "123456789011",
            "--no-cert-check",
        ],
        &[],
        None,
    );
    assert_exit(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["indication"], "total_passed");
    assert_eq!(v["certificate_validation"], "not-performed");
    assert!(v["signers"][0]["certificate"].is_null());
    assert_eq!(v["signers"][0]["identity"]["iin"], "123456789011");
    assert_eq!(v["signers"][0]["references"][0]["kind"], "document");
    assert_eq!(
        v["signers"][0]["algorithm"]["id"],
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    );

    // a second signer: two signatures, in signing order, the first one peeled
    let o = tanba(
        &["sign", "-", "--key", &p12, "--password-env", "PW"],
        &[("PW", &pw)],
        Some(&signed),
    );
    assert!(o.status.success());
    let o2 = tanba(
        &["verify", "-", "--json", "--no-cert-check"],
        &[],
        Some(&o.stdout),
    );
    let v: serde_json::Value = serde_json::from_slice(&o2.stdout).unwrap();
    assert_eq!(v["signers"].as_array().unwrap().len(), 2);
    assert_eq!(v["signers"][0]["mode"], "peeled");
    assert_eq!(v["signers"][1]["signing_order"], 1);

    // expectation on the signer fails -> exit 1
    let o = tanba(
        &[
            "verify",
            out.to_str().unwrap(),
            "--expect-bin",
            "123456789012",
            "--no-cert-check",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("BIN"));
}

#[test]
fn by_id_signing_and_tampering() {
    let (p12, pw) = key();
    let doc = b"<r><head>h</head><body Id=\"b1\">pay 100</body></r>";
    let o = tanba(
        &[
            "sign",
            "-",
            "--key",
            &p12,
            "--password-env",
            "PW",
            "--id",
            "b1",
        ],
        &[("PW", &pw)],
        Some(doc),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("<ds:Reference URI=\"#b1\">"));
    let ok = tanba(
        &["verify", "-", "--no-cert-check"],
        &[],
        Some(text.as_bytes()),
    );
    assert_eq!(ok.status.code(), Some(0));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        out.contains("signed (#b1): element <body> /r[1]/body[1] at ") && out.contains("(Id b1)"),
        "{out}"
    );
    let tampered = text.replace("pay 100", "pay 900");
    let bad = tanba(
        &["verify", "-", "--no-cert-check"],
        &[],
        Some(tampered.as_bytes()),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("digest mismatch"));
}

#[test]
fn input_errors_exit_2_and_leave_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never.xml");
    let (p12, _) = key();
    // wrong password
    let o = tanba(
        &[
            "sign",
            "-",
            "--key",
            &p12,
            "--password-env",
            "PW",
            "--out",
            out.to_str().unwrap(),
        ],
        &[("PW", "not-the-password")],
        Some(b"<a/>"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("password"));
    assert!(!out.exists());
    // no such Id
    let (_, pw) = key();
    let o = tanba(
        &[
            "sign",
            "-",
            "--key",
            &p12,
            "--password-env",
            "PW",
            "--id",
            "nope",
            "--out",
            out.to_str().unwrap(),
        ],
        &[("PW", &pw)],
        Some(b"<a/>"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope"));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // malformed XML and unsigned documents
    let o = tanba(
        &["verify", "-", "--no-cert-check"],
        &[],
        Some(b"<a><b></a>"),
    );
    assert_eq!(o.status.code(), Some(2));
    let o = tanba(&["verify", "-", "--no-cert-check"], &[], Some(b"<a/>"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no ds:Signature"));
}

#[test]
fn signer_certificate_is_validated_with_tanba_pki() {
    let nca = |rel: &str| tanba_testdata::nca(rel).display().to_string();
    let (p12, pw) = key();
    let o = tanba(
        &["sign", "-", "--key", &p12, "--password-env", "PW"],
        &[("PW", &pw)],
        Some(b"<doc>x</doc>"),
    );
    assert!(o.status.success());
    let signed = o.stdout;
    let anchor = nca("ca/nca_rsa_test.crt");
    let crl = nca("crl/nca_rsa_test.crl");
    // trusted, not revoked (CRL), inside the validity period
    let ok = tanba(
        &[
            "verify",
            "-",
            "--json",
            "--trust",
            &anchor,
            "--crl",
            &crl,
            "--at",
            "2021-06-01T00:00:00Z",
            "--allow-test-identifiers",
        ],
        &[],
        Some(&signed),
    );
    assert_exit(&ok, 0);
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["certificate_validation"], "performed");
    assert_eq!(v["signers"][0]["certificate"]["verdict"], "valid");
    // now: the test certificate has expired -> exit 1 naming it
    let expired = tanba(
        &[
            "verify",
            "-",
            "--trust",
            &anchor,
            "--no-revocation",
            "--allow-test-identifiers",
        ],
        &[],
        Some(&signed),
    );
    assert_eq!(expired.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&expired.stderr).contains("expired"));
    // no trust given: the embedded production set, where a test certificate has no
    // chain -> exit 1, and the reason names the chain
    let prod = tanba(
        &["verify", "-", "--cache-dir", "/nonexistent-tanba-cache"],
        &[],
        Some(&signed),
    );
    assert_eq!(prod.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&prod.stderr).contains("chain"));
    // nothing trusted at all -> usage error, exit 2
    let none = tanba(&["verify", "-", "--trust-set", "none"], &[], Some(&signed));
    assert_eq!(none.status.code(), Some(2));
    // a revoked signer (CRL) -> exit 1
    let revoked = tanba_testdata::nca("keys/individual_sign_revoked_rsa_2004.p12")
        .display()
        .to_string();
    let o = tanba(
        &["sign", "-", "--key", &revoked, "--password-env", "PW"],
        &[("PW", &pw)],
        Some(b"<doc>x</doc>"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = tanba(
        &[
            "verify",
            "-",
            "--trust",
            &anchor,
            "--crl",
            &crl,
            "--at",
            "2022-06-01T00:00:00Z",
            "--allow-test-identifiers",
        ],
        &[],
        Some(&o.stdout),
    );
    assert_exit(&r, 1);
    assert!(String::from_utf8_lossy(&r.stderr)
        .to_lowercase()
        .contains("revoked"));
}

#[test]
fn verify_reads_a_ws_security_transport_signature() {
    let (p12, pw) = key();
    let env = b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body><x:req xmlns:x=\"urn:x\">1</x:req></soap:Body></soap:Envelope>";
    let o = tanba(
        &["wss", "sign", "-", "--key", &p12, "--password-env", "PW"],
        &[("PW", &pw)],
        Some(env),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = tanba(
        &["verify", "-", "--json", "--no-cert-check"],
        &[],
        Some(&o.stdout),
    );
    assert_exit(&v, 0);
    // recognised as WS-Security: reported as a transport signature over the Body
    let j: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(j["indication"], "total_passed");
    assert_eq!(j["format"], "wss");
    let t = &j["signers"][0];
    assert_eq!(t["layer"], "transport");
    assert_eq!(t["references"][0]["part"], "body");
    assert_eq!(t["identity"]["iin"], "123456789011");
    assert!(t["certificate"].is_null());
    assert_eq!(j["certificate_validation"], "not-performed");

    // --expect-iin is applied to the transport signer (the envelope carries no other)
    let v = tanba(
        &[
            "verify",
            "-",
            "--expect-iin",
            "123456789099",
            "--trust",
            tanba_testdata::nca("ca/nca_rsa_test.crt").to_str().unwrap(),
            "--at",
            "2021-06-01T00:00:00Z",
            "--no-revocation",
            "--allow-test-identifiers",
        ],
        &[],
        Some(&o.stdout),
    );
    assert_exit(&v, 1);

    // a wrapping attempt (a copy of the Body placed in the header) is refused by the
    // WS-Security rules, which a plain XMLDSig check would not apply
    let signed = String::from_utf8(o.stdout.clone()).unwrap();
    let wrapped = signed.replacen(
        "</soap:Header>",
        "<soap:Body><x:req xmlns:x=\"urn:x\">2</x:req></soap:Body></soap:Header>",
        1,
    );
    assert_ne!(wrapped, signed);
    let v = tanba(
        &["verify", "-", "--no-cert-check"],
        &[],
        Some(wrapped.as_bytes()),
    );
    assert_exit(&v, 1);
    assert!(
        String::from_utf8_lossy(&v.stderr).contains("Body"),
        "{}",
        String::from_utf8_lossy(&v.stderr)
    );
}

#[test]
fn a_bare_key_from_key_info_is_reported_and_never_trusted() {
    // XMLDSig 1.1 interop file whose only key is a DEREncodedKeyValue (no certificate)
    let file = tanba_testdata::corpus(
        "xmlsec/tests/aleksey-xmldsig-01/enveloping-sha256-ec-prime256v1-der-encoded-key-value.xml",
    );
    let file = file.to_str().unwrap();
    let v = tanba(&["verify", file, "--json", "--no-cert-check"], &[], None);
    assert_exit(&v, 0);
    let j: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(j["signers"][0]["key_source"], "der_encoded_key_value");
    assert!(j["signers"][0]["identity"].is_null());
    // with certificate validation asked for, a signature without a certificate fails
    let v = tanba(
        &[
            "verify",
            file,
            "--trust",
            tanba_testdata::nca("ca/nca_rsa_test.crt").to_str().unwrap(),
            "--no-revocation",
        ],
        &[],
        None,
    );
    assert_exit(&v, 1);
    assert!(
        String::from_utf8_lossy(&v.stderr).contains("no certificate"),
        "{}",
        String::from_utf8_lossy(&v.stderr)
    );
}

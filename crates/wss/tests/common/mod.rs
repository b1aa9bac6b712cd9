//! Shared helpers: the NCA test keys, envelopes, and the external peers (xmlsec1, openssl).
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use tanba_crypto::{KeySigner, Signer};
use tanba_keys::{KeySelector, Keystore, Password};
use tanba_wss::{Data, Secret, SendMessage, Sender, SoapVersion};
use time::macros::datetime;

pub const RSA_P12: &str = "keys/individual_valid_sign_rsa_2004.p12";
pub const GOST2015_P12: &str = "keys/individual_valid_gost_2015.p12";

pub fn keystore(rel: &str) -> Keystore {
    let name = Path::new(rel).file_name().unwrap().to_str().unwrap();
    Keystore::open_pkcs12(
        &tanba_testdata::read_nca(rel),
        &Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap_or_else(|e| panic!("cannot open {rel}: {e}"))
}

pub fn rsa_signer() -> KeySigner {
    keystore(RSA_P12).signer(&KeySelector::Single).unwrap()
}

pub fn leaf_cert(signer: &dyn Signer) -> Vec<u8> {
    signer.certificate_chain()[0].clone()
}

/// A GBD FL style request envelope (compact, SOAP 1.1).
pub fn request(version: SoapVersion) -> String {
    SendMessage::new(
        "GBDFL_UniversalServiceSync",
        Sender::with_password("tanba-test", Secret::new("pw")),
    )
    .with_message_id("0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10")
    .with_message_date(datetime!(2026-11-22 10:15:30.123 +5))
    .with_data(
        Data::typed_document(
            "<r><messageId>1</messageId><senderCode>TEST</senderCode><iin>123456789011</iin><name>Тест &amp; Co</name></r>".as_bytes(),
            "cs",
            "http://message.persistence.interactive.nat",
            "Request",
        )
        .unwrap(),
    )
    .to_xml(version)
    .unwrap()
}

pub fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap());
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}

/// Runs a peer tool; a missing tool fails the test with a clear message.
pub fn run(cmd: &mut Command) -> (bool, String) {
    let prog = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {prog}: {e} — install it (the CI installs xmlsec1 and openssl via apt)")
    });
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `xmlsec1 verify` of a WS-Security envelope with the certificate given.
pub fn xmlsec1_verify(xml: &[u8], cert_der: &[u8], soap_ns: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("env.xml");
    let c = dir.path().join("cert.pem");
    std::fs::write(&f, xml).unwrap();
    std::fs::write(&c, pem(cert_der)).unwrap();
    run(Command::new("xmlsec1")
        .arg("verify")
        .arg("--id-attr:Id")
        .arg(format!("{soap_ns}:Body"))
        .arg("--id-attr:Id")
        .arg("http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp")
        .arg("--id-attr:Id")
        .arg("http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd:BinarySecurityToken")
        .arg("--pubkey-cert-pem")
        .arg(&c)
        .arg(&f))
}

/// The RSA test key and certificate as PEM files (extracted with openssl, an independent
/// PKCS#12 reader), in `dir`.
pub fn rsa_pem_files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let p12 = tanba_testdata::nca(RSA_P12);
    let key = dir.join("key.pem");
    let cert = dir.join("cert.pem");
    for (args, out) in [
        (vec!["-nodes", "-nocerts"], &key),
        (vec!["-nokeys", "-clcerts"], &cert),
    ] {
        let (ok, msg) = run(Command::new("openssl")
            .args(["pkcs12", "-legacy", "-in"])
            .arg(&p12)
            .args(["-passin", "pass:Qwerty12"])
            .args(args)
            .arg("-out")
            .arg(out));
        assert!(ok, "openssl pkcs12: {msg}");
    }
    (key, cert)
}

/// Signs a template with `xmlsec1 sign` (the independent implementation), registering
/// `Id` attributes on the given `ns:local` nodes.
pub fn xmlsec1_sign(template: &str, id_nodes: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = rsa_pem_files(dir.path());
    let t = dir.path().join("t.xml");
    let o = dir.path().join("o.xml");
    std::fs::write(&t, template).unwrap();
    let mut cmd = Command::new("xmlsec1");
    cmd.arg("sign");
    for n in id_nodes {
        cmd.arg("--id-attr:Id").arg(n);
    }
    cmd.arg("--privkey-pem")
        .arg(format!("{},{}", key.display(), cert.display()))
        .arg("--output")
        .arg(&o)
        .arg(&t);
    let (ok, msg) = run(&mut cmd);
    assert!(ok, "xmlsec1 sign: {msg}");
    std::fs::read_to_string(&o).unwrap()
}

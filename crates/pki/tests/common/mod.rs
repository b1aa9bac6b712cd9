//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::process::Command;

use tanba_pki::chain_cert::ChainCert;
use time::OffsetDateTime;

/// Parse an RFC 3339 instant.
pub fn at(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
}

/// A certificate from `../shared/testdata/nca/` (PEM or DER).
pub fn nca_cert(rel: &str) -> ChainCert {
    ChainCert::from_bytes(&tanba_testdata::read_nca(rel)).unwrap()
}

/// The end-entity certificate inside an NCA test PKCS#12, extracted by the `openssl`
/// command-line tool (an independent peer; tanba-keys is tested on its own).
pub fn p12_cert(file_name: &str) -> ChainCert {
    let path = tanba_testdata::nca(&format!("keys/{file_name}"));
    let pass = tanba_testdata::nca_password(file_name);
    let out = Command::new("openssl")
        .args(["pkcs12", "-legacy", "-nokeys", "-clcerts", "-passin"])
        .arg(format!("pass:{pass}"))
        .arg("-in")
        .arg(&path)
        .output()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl pkcs12 failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    ChainCert::from_bytes(&out.stdout).unwrap()
}

/// Hex to bytes.
pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// A certificate of the generated test PKI (`testdata/pki/certs/NAME.pem`).
pub fn gen_cert(name: &str) -> ChainCert {
    ChainCert::from_bytes(&tanba_testdata::read(&tanba_testdata::own(&format!(
        "pki/certs/{name}.pem"
    ))))
    .unwrap()
}

/// A file of the generated test PKI.
pub fn gen_file(rel: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(&format!("pki/{rel}")))
}

/// The PKCS#8 DER of a generated key (`testdata/pki/keys/NAME.key.pem`).
pub fn gen_key_pkcs8(name: &str) -> Vec<u8> {
    let pem = String::from_utf8(gen_file(&format!("keys/{name}.key.pem"))).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64_decode(&b64)
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

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

//! A throw-away RFC 3161 TSA for tests: `openssl ts -reply` with a generated RSA key
//! and a self-signed certificate carrying the critical timeStamping EKU. Shared by the
//! tanba-cms, tanba-validate and CLI tests (`#[path = …] mod tsa;`).
#![allow(dead_code)]

use std::process::Command;

/// A throw-away TSA for `openssl ts -reply`: an RSA key and a self-signed certificate
/// with the critical timeStamping EKU, and its configuration.
pub struct OpensslTsa {
    dir: tempfile::TempDir,
}

impl OpensslTsa {
    pub fn new() -> OpensslTsa {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let o = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
            ])
            .args(["-subj", "/C=KZ/CN=TANBA TEST TSA"])
            .args(["-addext", "extendedKeyUsage=critical,timeStamping"])
            .arg("-keyout")
            .arg(d.join("tsa.key"))
            .arg("-out")
            .arg(d.join("tsa.pem"))
            .output()
            .expect("the `openssl` tool is required by this test (apt-get install openssl)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::write(d.join("serial"), "01\n").unwrap();
        std::fs::write(
            d.join("tsa.cnf"),
            format!(
                "[tsa]\ndefault_tsa = tsa_config1\n[tsa_config1]\nserial = {0}/serial\n\
                 crypto_device = builtin\nsigner_cert = {0}/tsa.pem\nsigner_key = {0}/tsa.key\n\
                 signer_digest = sha256\ndefault_policy = 1.2.398.3.3.2.6.2\n\
                 other_policies = 1.2.398.3.3.2.6.1, 1.2.398.3.3.2.6.4\n\
                 digests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\n\
                 tsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
                d.display()
            ),
        )
        .unwrap();
        OpensslTsa { dir }
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// `openssl ts -reply` to a DER request: the DER response.
    pub fn reply(&self, request: &[u8]) -> Vec<u8> {
        std::fs::write(self.path("req.der"), request).unwrap();
        let o = Command::new("openssl")
            .args(["ts", "-reply", "-config"])
            .arg(self.path("tsa.cnf"))
            .arg("-queryfile")
            .arg(self.path("req.der"))
            .arg("-out")
            .arg(self.path("resp.der"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(self.path("resp.der")).unwrap()
    }

    /// `openssl ts -verify` of a response against the request.
    pub fn accepts(&self, request: &[u8], response: &[u8]) -> bool {
        std::fs::write(self.path("q.der"), request).unwrap();
        std::fs::write(self.path("r.der"), response).unwrap();
        Command::new("openssl")
            .args(["ts", "-verify", "-queryfile"])
            .arg(self.path("q.der"))
            .arg("-in")
            .arg(self.path("r.der"))
            .arg("-CAfile")
            .arg(self.path("tsa.pem"))
            .output()
            .unwrap()
            .status
            .success()
    }
}

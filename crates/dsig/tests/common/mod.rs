//! Shared helpers for the tanba-dsig integration tests: keys made by openssl, the NCA RK
//! test key extracted with openssl, and running xmlsec1. A missing tool fails the test
//! with a message naming it (never a silent skip).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tanba_crypto::{signer_from_pkcs8, KeySigner};

/// Runs a tool; panics with a clear message when it is not installed.
pub fn run(tool: &str, args: &[&str], cwd: Option<&Path>) -> Output {
    let mut c = Command::new(tool);
    c.args(args);
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    c.output().unwrap_or_else(|e| {
        panic!(
            "`{tool}` could not be run ({e}); it is required by this test (installed by .ci/run)"
        )
    })
}

fn run_ok(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = run(tool, args, None);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A key pair with its certificate, in files (for xmlsec1) and as a tanba signer.
pub struct TestKey {
    pub dir: tempfile::TempDir,
    pub key_pem: PathBuf,
    pub cert_pem: PathBuf,
    pub cert_der: Vec<u8>,
    pub signer: KeySigner,
}

fn finish(dir: tempfile::TempDir, key_pem: PathBuf, cert_pem: PathBuf) -> TestKey {
    let p8 = run_ok(
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            key_pem.to_str().unwrap(),
            "-outform",
            "DER",
        ],
    );
    let cert_der = run_ok(
        "openssl",
        &["x509", "-in", cert_pem.to_str().unwrap(), "-outform", "DER"],
    );
    let signer = signer_from_pkcs8(&p8, vec![cert_der.clone()]).expect("signer from openssl key");
    TestKey {
        dir,
        key_pem,
        cert_pem,
        cert_der,
        signer,
    }
}

/// A fresh self-signed key made by openssl: `"rsa:2048"` or `"ec"` (P-256).
pub fn openssl_key(kind: &str) -> TestKey {
    let dir = tempfile::tempdir().unwrap();
    let key_pem = dir.path().join("key.pem");
    let cert_pem = dir.path().join("cert.pem");
    let mut args = vec![
        "req",
        "-x509",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=tanba-dsig test",
    ];
    if kind == "ec" {
        args.extend(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    } else {
        args.extend(["-newkey", kind]);
    }
    args.extend([
        "-keyout",
        key_pem.to_str().unwrap(),
        "-out",
        cert_pem.to_str().unwrap(),
    ]);
    run_ok("openssl", &args);
    finish(dir, key_pem, cert_pem)
}

/// The NCA RK test key `nca/keys/individual_valid_sign_rsa_2004.p12`, taken out of its
/// PKCS#12 by openssl (`-legacy`: 3DES / RC2-40, as Kalkan writes it).
pub fn nca_rsa_key() -> TestKey {
    let name = "individual_valid_sign_rsa_2004.p12";
    let p12 = tanba_testdata::nca(&format!("keys/{name}"));
    let pass = format!("pass:{}", tanba_testdata::nca_password(name));
    let dir = tempfile::tempdir().unwrap();
    let key_pem = dir.path().join("key.pem");
    let cert_pem = dir.path().join("cert.pem");
    let p12s = p12.to_str().unwrap();
    run_ok(
        "openssl",
        &[
            "pkcs12",
            "-legacy",
            "-in",
            p12s,
            "-passin",
            &pass,
            "-nocerts",
            "-nodes",
            "-out",
            key_pem.to_str().unwrap(),
        ],
    );
    run_ok(
        "openssl",
        &[
            "pkcs12",
            "-legacy",
            "-in",
            p12s,
            "-passin",
            &pass,
            "-clcerts",
            "-nokeys",
            "-out",
            cert_pem.to_str().unwrap(),
        ],
    );
    finish(dir, key_pem, cert_pem)
}

/// `xmlsec1 --verify` of `xml` (written to a temp file) with extra arguments; returns
/// (verified, stderr).
pub fn xmlsec1_verify(xml: &[u8], args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("doc.xml");
    std::fs::write(&f, xml).unwrap();
    let mut all = vec!["--verify"];
    all.extend_from_slice(args);
    all.push(f.to_str().unwrap());
    let out = run("xmlsec1", &all, None);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `xmlsec1 --sign` of a template with a PEM key + certificate; returns the signed bytes.
pub fn xmlsec1_sign(template: &[u8], key: &TestKey, args: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tmpl.xml");
    let o = dir.path().join("out.xml");
    std::fs::write(&f, template).unwrap();
    let keyspec = format!("{},{}", key.key_pem.display(), key.cert_pem.display());
    let mut all = vec![
        "--sign",
        "--privkey-pem",
        &keyspec,
        "--output",
        o.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    all.push(f.to_str().unwrap());
    let out = run("xmlsec1", &all, None);
    assert!(
        out.status.success(),
        "xmlsec1 --sign failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(o).unwrap()
}

/// A TSV manifest: header names and rows as maps.
pub fn read_manifest(rel: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(tanba_testdata::corpus(rel))
        .unwrap_or_else(|e| panic!("cannot read manifest {rel}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("manifest header").split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

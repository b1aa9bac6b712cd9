//! `tanba cert check` and `tanba trust update` end to end: the real NCA RK test
//! certificates / CRLs / OCSP responses, the generated test PKI fetched `--online` from a
//! loopback HTTP server, and a trust update against that server. Exit codes per CLI.md.

mod common;
#[path = "../../crates/pki/tests/support/http.rs"]
mod http;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{nca, pki};

/// `tanba` with no revocation cache: the tests see every fetch.
/// `tanba args` with a cache folder of this test process's own (never the user's, and
/// nothing kept from an earlier run: downloads made by one test run do not answer the next).
fn tanba(args: &[&str]) -> Output {
    static CACHE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| tempfile::tempdir().expect("a temporary cache folder"));
    common::command()
        .args(args)
        .env_remove("TANBA_CACHE_DIR")
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .expect("run tanba")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

/// The end-entity certificate of an NCA test PKCS#12, extracted by openssl (the peer).
fn p12_cert(dir: &Path, file: &str) -> String {
    let out = Command::new("openssl")
        .args(["pkcs12", "-legacy", "-nokeys", "-clcerts", "-passin"])
        .arg(format!("pass:{}", tanba_testdata::nca_password(file)))
        .arg("-in")
        .arg(tanba_testdata::nca(&format!("keys/{file}")))
        .output()
        .expect("the `openssl` tool is required by this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p: PathBuf = dir.join(format!("{file}.pem"));
    std::fs::write(&p, &out.stdout).unwrap();
    p.to_str().unwrap().to_string()
}

const AT_2004: &str = "2022-06-01T00:00:00Z";

fn rsa_args<'a>(cert: &'a str, ca: &'a str, crl: &'a str) -> Vec<&'a str> {
    vec![
        "cert", "check", cert, "--trust", ca, "--crl", crl, "--at", AT_2004,
    ]
}

#[test]
fn valid_nca_rsa_certificate() {
    let (cert, ca, crl) = (
        nca("certs/individual_valid_sign_2004_rsa.cer"),
        nca("ca/nca_rsa_test.crt"),
        nca("crl/nca_rsa_test.crl"),
    );
    let mut a = rsa_args(&cert, &ca, &crl);
    a.extend([
        "--allow-test-identifiers",
        "--iin",
        "123456789011",
        "--json",
    ]);
    let o = tanba(&a);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // the one report shape, with format "certificate"
    let j = json(&o);
    assert_eq!(j["indication"], "total_passed");
    assert_eq!(j["format"], "certificate");
    assert!(j["problems"].as_array().unwrap().is_empty());
    let signer = &j["signers"][0];
    assert_eq!(signer["identity"]["iin"], "123456789011");
    assert_eq!(signer["certificate"]["verdict"], "valid");
    assert_eq!(signer["certificate"]["path"].as_array().unwrap().len(), 2);
    assert!(signer["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "certificate_revocation" && c["outcome"] == "passed"));
    // Human output.
    let mut a = rsa_args(&cert, &ca, &crl);
    a.push("--allow-test-identifiers");
    let o = tanba(&a);
    assert_eq!(code(&o), 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("certificate: TOTAL_PASSED"), "{out}");
    assert!(out.ends_with("verdict: TOTAL_PASSED\n"), "{out}");
}

#[test]
fn wrong_iin_and_test_identifiers_exit_1_with_the_identifier_reason() {
    let (cert, ca, crl) = (
        nca("certs/individual_valid_sign_2004_rsa.cer"),
        nca("ca/nca_rsa_test.crt"),
        nca("crl/nca_rsa_test.crl"),
    );
    let mut a = rsa_args(&cert, &ca, &crl);
    a.extend(["--allow-test-identifiers", "--iin", "123456789012"]);
    let o = tanba(&a);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("identifier: IIN mismatch"),
        "{}",
        stderr(&o)
    );
    // Without --allow-test-identifiers the NCA test IIN fails the checksum.
    let o = tanba(&rsa_args(&cert, &ca, &crl));
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("identifier"), "{}", stderr(&o));
}

#[test]
fn revoked_nca_keys_exit_1_for_revocation() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, crl) = (nca("ca/nca_rsa_test.crt"), nca("crl/nca_rsa_test.crl"));
    let cert = p12_cert(dir.path(), "individual_sign_revoked_rsa_2004.p12");
    let mut a = rsa_args(&cert, &ca, &crl);
    a.push("--allow-test-identifiers");
    let o = tanba(&a);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("revocation: revoked") && e.contains("superseded"),
        "{e}"
    );
}

#[test]
fn stored_ocsp_response() {
    let dir = tempfile::tempdir().unwrap();
    let cert = p12_cert(dir.path(), "individual_valid_sign_rsa_2004.p12");
    let (ca, resp) = (
        nca("ca/nca_rsa_test.crt"),
        nca("ocsp/ocsp_response_individual_sign_2004.bin"),
    );
    let o = tanba(&[
        "cert",
        "check",
        &cert,
        "--trust",
        &ca,
        "--ocsp-response",
        &resp,
        "--revocation",
        "ocsp",
        "--at",
        "2021-06-01T00:00:00Z",
        "--allow-test-identifiers",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    let rev = j["signers"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "certificate_revocation")
        .unwrap()
        .clone();
    assert!(rev["reason"].as_str().unwrap().contains("OCSP"), "{rev}");
}

#[test]
fn hard_fail_soft_fail_and_no_revocation() {
    let (cert, ca) = (
        nca("certs/individual_valid_sign_2004_rsa.cer"),
        nca("ca/nca_rsa_test.crt"),
    );
    let base = [
        "cert",
        "check",
        &cert,
        "--trust",
        &ca,
        "--at",
        AT_2004,
        "--allow-test-identifiers",
    ];
    let o = tanba(&base);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("revocation"), "{}", stderr(&o));
    let mut a = base.to_vec();
    a.push("--soft-fail");
    assert_eq!(code(&tanba(&a)), 0);
    let mut a = base.to_vec();
    a.extend(["--no-revocation", "--json"]);
    let o = tanba(&a);
    assert_eq!(code(&o), 0);
    assert!(json(&o)["signers"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "certificate_revocation" && c["outcome"] == "not_checked"));
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.cer");
    std::fs::write(&junk, b"not a certificate").unwrap();
    let ca = nca("ca/nca_rsa_test.crt");
    let cert = nca("certs/individual_valid_sign_2004_rsa.cer");
    let o = tanba(&["cert", "check", junk.to_str().unwrap(), "--trust", &ca]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("junk.cer"), "{}", stderr(&o));
    let o = tanba(&["cert", "check", &cert, "--trust", &ca, "--at", "yesterday"]);
    assert_eq!(code(&o), 2);
    let o = tanba(&[
        "cert",
        "check",
        &cert,
        "--trust",
        &ca,
        "--crl",
        junk.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    // Trust set unknown.
    let o = tanba(&["cert", "check", &cert, "--trust-set", "nca-dev"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("nca-prod, nca-test or none"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn online_crl_fetching_from_a_loopback_server() {
    let s = http::Server::start();
    s.route(
        "/crl/ca.crl",
        http::Body::Bytes(std::fs::read(pki("crl/ca.crl")).unwrap()),
    );
    s.route(
        "/crl/ca_delta.crl",
        http::Body::Bytes(std::fs::read(pki("crl/ca_delta.crl")).unwrap()),
    );
    let cache = tempfile::tempdir().unwrap();
    let rewrite = format!("http://pki.tanba.test={}", s.base());
    let (root, ca) = (pki("certs/root.pem"), pki("certs/ca.pem"));
    let run = |name: &str| {
        let cert = pki(&format!("certs/{name}.pem"));
        tanba(&[
            "cert",
            "check",
            &cert,
            "--trust",
            &root,
            "--intermediate",
            &ca,
            "--online",
            "--revocation",
            "crl",
            "--rewrite-url",
            &rewrite,
            "--cache-dir",
            cache.path().to_str().unwrap(),
            "--at",
            "2026-06-01T00:00:00Z",
        ])
    };
    let o = run("held");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run("delta_revoked");
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("superseded"), "{}", stderr(&o));
    assert!(s.hits("/crl/ca.crl") >= 1 && s.hits("/crl/ca_delta.crl") >= 1);
    assert!(cache.path().join("crl").is_dir());
    // without --intermediate: the CA certificate comes from the AIA caIssuers URL when
    // --fetch-intermediates asks for it, and the report says so
    s.route("/cert/ca.cer", http::Body::Bytes(der_of(&ca)));
    let aia_cache = tempfile::tempdir().unwrap();
    let args = |fetch: bool| {
        let mut a = vec![
            "cert".to_string(),
            "check".into(),
            pki("certs/individual.pem"),
            "--trust".into(),
            root.clone(),
            "--online".into(),
            "--revocation".into(),
            "crl".into(),
            "--rewrite-url".into(),
            rewrite.clone(),
            "--at".into(),
            "2026-06-01T00:00:00Z".into(),
            "--cache-dir".into(),
            aia_cache.path().to_str().unwrap().to_string(),
            "--json".into(),
        ];
        if fetch {
            a.push("--fetch-intermediates".into());
        }
        a
    };
    fn refs(a: &[String]) -> Vec<&str> {
        a.iter().map(String::as_str).collect()
    }
    let o = tanba(&refs(&args(false)));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let o = tanba(&refs(&args(true)));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("fetched from its AIA caIssuers URL"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(s.hits("/cert/ca.cer"), 1);
}

fn sha256_by_openssl(pem: &str) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in", pem])
        .output()
        .expect("the `openssl` tool is required by this test");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .replace(':', "")
}

fn der_of(pem: &str) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in", pem])
        .output()
        .expect("openssl");
    out.stdout
}

/// The published NCA RK files, served by a loopback server under their published names.
fn serve_nca_prod() -> http::Server {
    let s = http::Server::start();
    for name in [
        "root_gost_2022",
        "nca_gost_2022",
        "root_rsa_2020",
        "nca_rsa_2022",
        "root_gost",
        "nca_gost",
        "root_rsa",
        "nca_rsa",
    ] {
        let pem = tanba_testdata::shared_testdata().join(format!("nca-prod/{name}.cer"));
        s.route(
            &format!("/{name}.cer"),
            http::Body::Bytes(der_of(pem.to_str().unwrap())),
        );
    }
    s
}

#[test]
fn trust_update_stores_only_what_chains_to_a_pinned_root_and_trust_list_shows_it() {
    let s = serve_nca_prod();
    let cache = tempfile::tempdir().unwrap();
    let cd = cache.path().to_str().unwrap();
    // --base-url maps the built-in list onto the server
    let o = tanba(&[
        "trust",
        "update",
        "--cache-dir",
        cd,
        "--base-url",
        &s.base(),
        "--json",
    ]);
    // the previous generation expired in 2025: refused now (it stays embedded, pinned)
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    let stored: Vec<&str> = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["stored_at"].is_null())
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        stored,
        [
            "root_gost_2022",
            "nca_gost_2022",
            "root_rsa_2020",
            "nca_rsa_2022"
        ],
        "{j}"
    );
    for e in j["entries"].as_array().unwrap() {
        assert!(
            !e["pinned"].is_null(),
            "every published file is pinned: {e}"
        );
    }
    // the fingerprints printed are openssl's
    let root = tanba_testdata::shared_testdata().join("nca-prod/root_rsa_2020.cer");
    let printed = j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "root_rsa_2020")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(printed, sha256_by_openssl(root.to_str().unwrap()));
    // the downloaded copies confirm the single-source pins
    let o = tanba(&["trust", "list", "--cache-dir", cd, "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let l = json(&o);
    let prod = &l["sets"][0];
    assert_eq!(prod["name"], "nca-prod");
    let conf = |name: &str| {
        prod["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["confirmation"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(conf("root_gost_2022"), "confirmed");
    assert_eq!(conf("root_gost_2020"), "single-source");
    assert_eq!(conf("root_rsa"), "two-sources");
    assert_eq!(l["sets"][1]["name"], "nca-test");
    // without a store nothing is confirmed, and the human form says so
    let empty = tempfile::tempdir().unwrap();
    let o = tanba(&[
        "trust",
        "list",
        "--cache-dir",
        empty.path().to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("single-source, not confirmed against pki.gov.kz"),
        "{text}"
    );
}

#[test]
fn trust_update_refuses_an_unpinned_root_and_a_ca_that_does_not_chain() {
    let s = http::Server::start();
    s.route(
        "/root.cer",
        http::Body::Bytes(der_of(&pki("certs/root.pem"))),
    );
    s.route(
        "/ca.cer",
        http::Body::Bytes(std::fs::read(pki("certs/ca.pem")).unwrap()),
    );
    let cache = tempfile::tempdir().unwrap();
    let pair = format!("{0}/root.cer,{0}/ca.cer", s.base());
    let o = tanba(&[
        "trust",
        "update",
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--pair",
        &pair,
    ]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("not one of the NCA RK roots this build pins"),
        "{out}"
    );
    assert!(!cache.path().join("trust/anchors/root.cer").exists());
    assert!(!cache.path().join("trust/intermediates/ca.cer").exists());
    // a pinned root with a CA it did not sign
    let s = serve_nca_prod();
    s.route(
        "/ca.cer",
        http::Body::Bytes(std::fs::read(nca("ca/nca_rsa_test.crt")).unwrap()),
    );
    let pair = format!("{0}/root_rsa_2020.cer,{0}/ca.cer", s.base());
    let o = tanba(&[
        "trust",
        "update",
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--pair",
        &pair,
    ]);
    assert_eq!(code(&o), 1);
    assert!(String::from_utf8_lossy(&o.stdout).contains("do not match the root"));
    assert!(!cache.path().join("trust/intermediates/ca.cer").exists());
}

#[test]
fn the_embedded_sets_are_the_default_trust() {
    let cert = nca("certs/individual_valid_sign_2004_rsa.cer");
    let empty = tempfile::tempdir().unwrap();
    let cd = empty.path().to_str().unwrap();
    let base = [
        "cert",
        "check",
        &cert,
        "--cache-dir",
        cd,
        "--at",
        AT_2004,
        "--no-revocation",
        "--allow-test-identifiers",
    ];
    // by default the production set: a test certificate has no path, and the message
    // names the flag that fixes it
    let o = tanba(&base);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("chain"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "hint: the certificate was issued by an NCA test CA: add --trust-set nca-test"
        ),
        "{}",
        stderr(&o)
    );
    let o = tanba(&[
        "cert",
        "check",
        &cert,
        "--trust-set",
        "nca-test",
        "--at",
        AT_2004,
        "--no-revocation",
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("hint: NCA test certificates carry identifiers that fail the national checksum: add --allow-test-identifiers"),
        "{}",
        stderr(&o)
    );
    // the embedded test set: valid, without any --trust file
    let mut a = base.to_vec();
    a.extend(["--trust-set", "nca-test"]);
    let o = tanba(&a);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // none: nothing trusted
    let mut a = base.to_vec();
    a.extend(["--trust-set", "none"]);
    let o = tanba(&a);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no trust anchors"), "{}", stderr(&o));
}

#[test]
fn online_ocsp_against_a_live_openssl_responder() {
    use std::io::BufRead;
    let mut child = Command::new("openssl")
        .args(["ocsp", "-index", &pki("ocsp/index.txt"), "-port", "0"])
        .args([
            "-rsigner",
            &pki("certs/ocsp.pem"),
            "-rkey",
            &pki("keys/ocsp.key.pem"),
        ])
        .args(["-CA", &pki("certs/ca.pem")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the `openssl` tool is required by this test");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|a| a.rsplit(':').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    let rewrite = format!("http://pki.tanba.test/ocsp/=http://127.0.0.1:{port}/");
    let (root, ca) = (pki("certs/root.pem"), pki("certs/ca.pem"));
    let run = |name: &str| {
        let cert = pki(&format!("certs/{name}.pem"));
        tanba(&[
            "cert",
            "check",
            &cert,
            "--trust",
            &root,
            "--intermediate",
            &ca,
            "--online",
            "--revocation",
            "ocsp",
            "--rewrite-url",
            &rewrite,
            "--json",
        ])
    };
    let good = run("individual");
    let revoked = run("revoked");
    // the certificate's responder is down (a closed port); --ocsp-responder is asked next
    let failover = tanba(&[
        "cert",
        "check",
        &pki("certs/individual.pem"),
        "--trust",
        &root,
        "--intermediate",
        &ca,
        "--online",
        "--revocation",
        "ocsp",
        "--rewrite-url",
        "http://pki.tanba.test/ocsp/=http://127.0.0.1:1/",
        "--ocsp-responder",
        &format!("http://127.0.0.1:{port}/"),
        "--json",
    ]);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(code(&good), 0, "{}", stderr(&good));
    assert_eq!(json(&good)["indication"], "total_passed");
    assert_eq!(code(&failover), 0, "{}", stderr(&failover));
    assert!(
        String::from_utf8_lossy(&failover.stdout)
            .contains(&format!("good per OCSP http://127.0.0.1:{port}/")),
        "{}",
        String::from_utf8_lossy(&failover.stdout)
    );
    assert_eq!(code(&revoked), 1);
    assert!(
        stderr(&revoked).contains("keyCompromise"),
        "{}",
        stderr(&revoked)
    );
    // Responder gone: unknown → hard-fail (exit 1).
    let down = run("individual");
    assert_eq!(code(&down), 1);
    assert!(stderr(&down).contains("revocation"), "{}", stderr(&down));
}

#[test]
fn gost_2015_certificate_with_the_real_crl() {
    let dir = tempfile::tempdir().unwrap();
    let cert = p12_cert(dir.path(), "ceo_revoked_gost_2015.p12");
    let (ca, crl) = (
        nca("ca/nca_gost2015_test.cer"),
        nca("crl/nca_gost2022_test.crl"),
    );
    let o = tanba(&[
        "cert",
        "check",
        &cert,
        "--trust",
        &ca,
        "--crl",
        &crl,
        "--at",
        "2022-12-01T00:00:00Z",
        "--allow-test-identifiers",
        "--bin",
        "123456789021",
    ]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("certificateHold") && !e.contains("identifier"),
        "{e}"
    );
    let cert = p12_cert(dir.path(), "individual_valid_gost_2015.p12");
    let o = tanba(&[
        "cert",
        "check",
        &cert,
        "--trust",
        &ca,
        "--crl",
        &crl,
        "--at",
        "2022-12-01T00:00:00Z",
        "--allow-test-identifiers",
        "--iin",
        "123456789012",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn required_role() {
    let (root, ca, crl, delta) = (
        pki("certs/root.pem"),
        pki("certs/ca.pem"),
        pki("crl/ca.crl"),
        pki("crl/ca_delta.crl"),
    );
    let run = |name: &str, roles: &[&str]| {
        let cert = pki(&format!("certs/{name}.pem"));
        let mut a = vec![
            "cert",
            "check",
            &cert,
            "--trust",
            &root,
            "--intermediate",
            &ca,
            "--crl",
            &crl,
            "--crl",
            &delta,
            "--at",
            "2026-06-01T00:00:00Z",
        ];
        for r in roles {
            a.extend(["--role", r]);
        }
        tanba(&a)
    };
    assert_eq!(code(&run("head", &["first_head", "signatory"])), 0);
    let o = run("employee", &["first_head", "signatory"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("role"), "{}", stderr(&o));
    assert_eq!(code(&run("head", &["1.2.398.3.3.4.1.2.1"])), 0);
    assert_eq!(code(&run("head", &["no_such_role"])), 2);
}

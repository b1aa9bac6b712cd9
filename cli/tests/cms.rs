//! `tanba cms`: sign / add-signer / verify / extract with the real NCA RK test keys,
//! through the verification core (format "cms"), checked by `openssl cms -verify` where
//! OpenSSL can read the key (RSA).

mod common;
#[path = "../../crates/pki/tests/support/http.rs"]
mod http;
#[path = "../../crates/cms/tests/support/tsa.rs"]
mod tsa;

use common::{assert_exit, nca, nca_rsa_validation, sign_with_nca_key, tanba_io};

const RSA: &str = "individual_valid_sign_rsa_2004.p12";
const GOST: &str = "individual_valid_gost_2015.p12";
const CONTENT: &[u8] = "Өтініш №42: 100 KZT".as_bytes();

fn verify(cms: &[u8], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["cms", "verify", "-"];
    args.extend_from_slice(extra);
    tanba_io(&args, &[], Some(cms))
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn sign_and_verify_with_the_nca_rsa_key_and_full_validation() {
    let cms = sign_with_nca_key(&["cms", "sign"], RSA, CONTENT, &[]);
    let checked = nca_rsa_validation();
    let mut args = strs(&checked);
    args.extend(["--expect-iin", "123456789011", "--json"]);
    let o = verify(&cms, &args);
    assert_exit(&o, 0);
    let j = json(&o);
    assert_eq!(j["format"], "cms");
    assert_eq!(j["indication"], "total_passed");
    let s = &j["signers"][0];
    assert_eq!(s["algorithm"]["name"], "rsa-sha256");
    assert_eq!(s["identity"]["iin"], "123456789011");
    assert_eq!(
        s["level"], "B",
        "signingCertificateV2 by default: CAdES-BES"
    );
    let names: Vec<&str> = s["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for want in [
        "message_digest",
        "signature",
        "signing_certificate",
        "signing_time",
        "expected_iin",
        "certificate_chain",
        "certificate_revocation",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    // the claimed signing time is reported, not used: the validation time is --at
    assert_eq!(j["validation_time"], "2021-06-01T00:00:00Z");
    // another IIN expected: refused
    let mut args = strs(&checked);
    args.extend(["--expect-iin", "123456789099"]);
    assert_exit(&verify(&cms, &args), 1);
    // openssl (an independent peer) verifies the signature and extracts the content
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("sig.p7s");
    std::fs::write(&f, &cms).unwrap();
    let o = std::process::Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-noverify",
            "-binary",
            "-inform",
            "DER",
            "-in",
        ])
        .arg(&f)
        .output()
        .expect("openssl");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.stdout, CONTENT);
    // extract
    let o = tanba_io(&["cms", "extract", "-"], &[], Some(&cms));
    assert_exit(&o, 0);
    assert_eq!(o.stdout, CONTENT);
}

#[test]
fn tampered_detached_and_hash_only() {
    let cms = sign_with_nca_key(&["cms", "sign"], GOST, CONTENT, &["--encoding", "pem"]);
    assert!(cms.starts_with(b"-----BEGIN CMS-----"));
    let o = verify(&cms, &["--no-cert-check", "--json"]);
    assert_exit(&o, 0);
    assert_eq!(
        json(&o)["signers"][0]["algorithm"]["name"],
        "gost34102015-512"
    );
    // the content inside, altered: hash failure (DER form, one byte of the content)
    let der = sign_with_nca_key(&["cms", "sign"], GOST, CONTENT, &[]);
    let at = der.windows(4).position(|w| w == b"100 ").unwrap();
    let mut bad = der.clone();
    bad[at] = b'9';
    let o = verify(&bad, &["--no-cert-check", "--json"]);
    assert_exit(&o, 1);
    let j = json(&o);
    assert_eq!(j["indication"], "total_failed");
    assert_eq!(j["sub_indication"], "hash_failure");
    // detached: the data is needed
    let det = sign_with_nca_key(&["cms", "sign"], GOST, CONTENT, &["--detached"]);
    let o = verify(&det, &["--no-cert-check", "--json"]);
    assert_exit(&o, 2);
    assert_eq!(json(&o)["error"]["kind"], "malformed_cms");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.txt");
    std::fs::write(&data, CONTENT).unwrap();
    let data = data.to_str().unwrap();
    assert_exit(&verify(&det, &["--no-cert-check", "--data", data]), 0);
    let other = dir.path().join("other.txt");
    std::fs::write(&other, b"other").unwrap();
    assert_exit(
        &verify(
            &det,
            &["--no-cert-check", "--data", other.to_str().unwrap()],
        ),
        1,
    );
    // hash only: the caller has just the Streebog-512 digest
    let digest = format!(
        "streebog512:{}",
        hex::encode(tanba_crypto::DigestAlgorithm::Streebog512.digest(CONTENT))
    );
    let path = nca(&format!("keys/{GOST}"));
    let o = tanba_io(
        &[
            "cms",
            "sign",
            "--digest",
            &digest,
            "--key",
            &path,
            "--password-env",
            "PW",
        ],
        &[("PW", tanba_testdata::nca_password(GOST))],
        None,
    );
    assert_exit(&o, 0);
    let hashed = o.stdout;
    assert_exit(
        &verify(&hashed, &["--no-cert-check", "--digest", &digest]),
        0,
    );
    assert_exit(&verify(&hashed, &["--no-cert-check", "--data", data]), 0);
    // a digest of the wrong algorithm for the key is refused before signing
    let sha = format!(
        "sha256:{}",
        hex::encode(tanba_crypto::DigestAlgorithm::Sha256.digest(CONTENT))
    );
    let o = tanba_io(
        &[
            "cms",
            "sign",
            "--digest",
            &sha,
            "--key",
            &path,
            "--password-env",
            "PW",
        ],
        &[("PW", tanba_testdata::nca_password(GOST))],
        None,
    );
    assert_exit(&o, 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the key signs with"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_second_signer_is_added_and_both_are_judged() {
    let first = sign_with_nca_key(&["cms", "sign"], RSA, CONTENT, &["--encoding", "base64"]);
    let both = sign_with_nca_key(&["cms", "add-signer"], GOST, &first, &[]);
    let o = verify(&both, &["--no-cert-check", "--json"]);
    assert_exit(&o, 0);
    let j = json(&o);
    let algs: Vec<&str> = j["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["algorithm"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(algs.len(), 2);
    assert!(algs.contains(&"rsa-sha256") && algs.contains(&"gost34102015-512"));
    // full validation with only the RSA trust: the GOST signer is not trusted, so the
    // CMS does not pass, and the report says which signer
    let checked = nca_rsa_validation();
    let o = verify(&both, &strs(&checked));
    assert_exit(&o, 1);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("signer #"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn unreadable_input_exits_2_naming_the_problem() {
    for (input, why) in [
        (&b"not a cms"[..], "not a CMS"),
        (
            &b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"[..],
            "expected CMS",
        ),
    ] {
        let o = verify(input, &["--no-cert-check"]);
        assert_exit(&o, 2);
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(why),
            "{why}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn cades_t_from_a_loopback_tsa_sets_the_validation_time() {
    let tsa = std::sync::Arc::new(tsa::OpensslTsa::new());
    let server = http::Server::start();
    let t = tsa.clone();
    server.route(
        "/tsp/",
        http::Body::Handler(std::sync::Arc::new(move |req: &[u8]| t.reply(req))),
    );
    let url = format!("{}/tsp/", server.base());
    let cms = sign_with_nca_key(&["cms", "sign"], RSA, CONTENT, &["--tsa", &url]);
    assert_eq!(server.hits("/tsp/"), 1);
    let tsa_cert = tsa.path("tsa.pem");
    // trust: the NCA RSA test CA for the signer, the throw-away TSA's certificate for
    // TSAs; the time stamp (now) is after the test key's validity, so the signer's
    // certificate is judged at genTime and found expired — genTime is the time used
    let o = verify(
        &cms,
        &[
            "--trust",
            &nca("ca/nca_rsa_test.crt"),
            "--tsa-trust",
            tsa_cert.to_str().unwrap(),
            "--no-revocation",
            "--allow-test-identifiers",
            "--at",
            "2021-06-01T00:00:00Z",
            "--json",
        ],
    );
    let j = json(&o);
    let s = &j["signers"][0];
    assert!(s["time_stamp"]["gen_time"].is_string(), "{s}");
    assert_eq!(s["level"], "T");
    assert_eq!(s["validation_time"], s["time_stamp"]["gen_time"]);
    assert!(
        s["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "signature_time_stamp" && c["outcome"] == "passed"),
        "{s}"
    );
    assert_exit(&o, 1);
    assert_eq!(j["sub_indication"], "out_of_bounds_no_poe", "{j}");
    // the TSA's certificate trusted only as a signer anchor (--trust), not as a TSA
    // (the default TSA trust is the NCA sets): the time stamp is not accepted
    let o = verify(
        &cms,
        &[
            "--trust",
            &nca("ca/nca_rsa_test.crt"),
            "--trust",
            tsa_cert.to_str().unwrap(),
            "--no-revocation",
            "--allow-test-identifiers",
            "--json",
        ],
    );
    assert_exit(&o, 1);
    let j = json(&o);
    assert!(
        j["signers"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "signature_time_stamp"
                && c["outcome"] == "failed"
                && c["reason"].as_str().unwrap().contains("not trusted")),
        "{j}"
    );
    // signatures and identities only: the token's own facts hold
    let o = verify(&cms, &["--no-cert-check", "--json"]);
    assert_exit(&o, 0);
    // a TSA that is down: signing fails (exit 1), nothing is written
    drop(server);
    let path = nca(&format!("keys/{RSA}"));
    let o = tanba_io(
        &[
            "cms",
            "sign",
            "-",
            "--key",
            &path,
            "--password-env",
            "PW",
            "--tsa",
            &url,
            "--tsa-deadline",
            "2",
        ],
        &[("PW", tanba_testdata::nca_password(RSA))],
        Some(CONTENT),
    );
    assert_exit(&o, 1);
    assert!(o.stdout.is_empty());
}

#[test]
fn tsp_stamp_and_verify() {
    let tsa = std::sync::Arc::new(tsa::OpensslTsa::new());
    let server = http::Server::start();
    let t = tsa.clone();
    server.route(
        "/tsp/",
        http::Body::Handler(std::sync::Arc::new(move |req: &[u8]| t.reply(req))),
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("contract.txt");
    std::fs::write(&data, CONTENT).unwrap();
    let token = dir.path().join("contract.tsr");
    let o = tanba_io(
        &[
            "tsp",
            "stamp",
            data.to_str().unwrap(),
            "--tsa",
            &format!("{}/tsp/", server.base()),
            "--out",
            token.to_str().unwrap(),
        ],
        &[],
        None,
    );
    assert_exit(&o, 0);
    let (token, data) = (token.to_str().unwrap(), data.to_str().unwrap());
    let tsa_cert = tsa.path("tsa.pem");
    let trusted = [
        "--tsa-trust",
        tsa_cert.to_str().unwrap(),
        "--no-revocation",
        "--json",
    ];
    let mut args = vec!["tsp", "verify", token, "--data", data];
    args.extend(trusted);
    let o = tanba_io(&args, &[], None);
    assert_exit(&o, 0);
    let j = json(&o);
    assert_eq!(j["format"], "time_stamp");
    assert_eq!(j["validation_time_source"], "time_stamp");
    assert_eq!(j["signers"][0]["time_stamp"]["policy"], "1.2.398.3.3.2.6.2");
    // other data: the token does not stamp it
    let mut args = vec!["tsp", "verify", token, "--data", "Cargo.toml"];
    args.extend(trusted);
    let o = tanba_io(&args, &[], None);
    assert_exit(&o, 1);
    assert_eq!(json(&o)["sub_indication"], "hash_failure");
    // the TSA not trusted (the default nca-prod set)
    let o = tanba_io(
        &["tsp", "verify", token, "--data", data, "--no-revocation"],
        &[],
        None,
    );
    assert_exit(&o, 1);
    // the real NCA test token: its own imprint (SHA-1: legacy), the TSA not judged
    let real = nca("tsp/tsp_token.bin");
    let imprint = "sha1:1465dad126d32bf7aa5d3b95a5c7c331cdff34df";
    let o = tanba_io(
        &[
            "tsp",
            "verify",
            &real,
            "--digest",
            imprint,
            "--no-cert-check",
        ],
        &[],
        None,
    );
    assert_exit(&o, 1); // SHA-1 refused without --allow-legacy
    let o = tanba_io(
        &[
            "tsp",
            "verify",
            &real,
            "--digest",
            imprint,
            "--no-cert-check",
            "--allow-legacy",
            "--json",
        ],
        &[],
        None,
    );
    assert_exit(&o, 0);
    assert_eq!(
        json(&o)["signers"][0]["time_stamp"]["gen_time"],
        "2022-09-18T13:20:14Z"
    );
}

//! The verification report's JSON against its committed schema
//! (`crates/validate/schema/report.schema.json`), checked by an independent validator
//! (Python's `jsonschema`, draft 2020-12) for every shape `tanba verify --json` and
//! `tanba wss verify --json` print: passed, failed and indeterminate reports of every
//! format, with and without certificate validation, and the error object. Reports of the
//! real NCA RK artifacts are also compared with golden files (`cli/tests/golden/`;
//! `TANBA_BLESS=1` rewrites them after a deliberate change).

mod common;

use common::{nca, tanba_io};

const RSA: &str = "individual_valid_sign_rsa_2004.p12";
const GOST: &str = "individual_valid_gost_2015.p12";
const AT: &str = "2022-12-01T00:00:00Z";

fn run(args: &[&str], key: &str, stdin: &[u8]) -> std::process::Output {
    tanba_io(
        args,
        &[("PW", tanba_testdata::nca_password(key))],
        Some(stdin),
    )
}

fn sign(doc: &[u8], key: &str) -> Vec<u8> {
    common::sign_with_nca_key(&["sign"], key, doc, &[])
}

fn wss_sign(env: &[u8]) -> Vec<u8> {
    common::sign_with_nca_key(&["wss", "sign"], RSA, env, &[])
}

/// `tanba verify - --json` plus `extra`; the JSON printed (whatever the exit code).
fn verify_json(doc: &[u8], extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["verify", "-", "--json"];
    args.extend_from_slice(extra);
    let o = run(&args, RSA, doc);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn rsa_checked() -> Vec<String> {
    common::nca_rsa_validation()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Every report (and error) shape, labelled.
fn reports() -> Vec<(&'static str, serde_json::Value)> {
    let order = b"<Order><Amount>5</Amount></Order>";
    let rsa = sign(order, RSA);
    let gost = sign(order, GOST);
    let checked = rsa_checked();
    let env = b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body><x:Order xmlns:x=\"urn:x\">5</x:Order></soap:Body></soap:Envelope>";
    let submission = {
        let o = run(
            &[
                "envelope",
                "--data",
                "-",
                "--service-id",
                "S",
                "--sender-id",
                "portal",
            ],
            RSA,
            &rsa,
        );
        assert!(o.status.success());
        o.stdout
    };
    let altered = String::from_utf8(rsa.clone())
        .unwrap()
        .replace("<Amount>5<", "<Amount>9<");
    let gost_checked = [
        "--trust",
        &nca("ca/nca_gost2015_test.cer"),
        "--crl",
        &nca("crl/nca_gost2022_test.crl"),
        "--revocation",
        "crl",
        "--at",
        AT,
        "--allow-test-identifiers",
    ]
    .map(str::to_owned);
    let gost_not_issued = [
        "--trust",
        &nca("ca/nca_gost2015_test.cer"),
        "--ocsp-response",
        &nca("ocsp/ocsp_response_individual_2015.bin"),
        "--revocation",
        "ocsp",
        "--at",
        "2022-09-01T00:00:00Z",
        "--allow-test-identifiers",
    ]
    .map(str::to_owned);
    let mut out = vec![
        ("rsa-enveloped-checked", verify_json(&rsa, &strs(&checked))),
        ("gost2015-enveloped-crl", verify_json(&gost, &strs(&gost_checked))),
        ("gost2015-ocsp-not-issued", verify_json(&gost, &strs(&gost_not_issued))),
        (
            "rsa-expected-iin-mismatch",
            verify_json(&rsa, &["--no-cert-check", "--expect-iin", "123456789099", "--at", AT]),
        ),
        ("altered", verify_json(altered.as_bytes(), &["--no-cert-check", "--at", AT])),
        ("wss", verify_json(&wss_sign(env), &strs(&checked))),
        ("submission", verify_json(&wss_sign(&submission), &strs(&checked))),
        ("soap", verify_json(&submission, &["--no-cert-check"])),
        (
            "bare-key",
            verify_json(
                &std::fs::read(tanba_testdata::corpus(
                    "xmlsec/tests/aleksey-xmldsig-01/enveloping-sha256-ec-prime256v1-der-encoded-key-value.xml",
                ))
                .unwrap(),
                &strs(&checked),
            ),
        ),
        ("error-malformed", verify_json(b"<a><b>", &["--no-cert-check"])),
        ("error-no-signature", verify_json(order, &["--no-cert-check"])),
    ];
    let o = run(
        &["wss", "verify", "-", "--json", "--no-cert-check"],
        RSA,
        b"<a/>",
    );
    out.push((
        "error-not-an-envelope",
        serde_json::from_slice(&o.stdout).unwrap(),
    ));
    // `cms verify --json`: the same report, format "cms" (checked, and altered)
    let cms = common::sign_with_nca_key(&["cms", "sign"], RSA, b"pay 100", &[]);
    let mut args = vec!["cms", "verify", "-", "--json"];
    args.extend(strs(&checked));
    out.push((
        "cms-rsa-checked",
        serde_json::from_slice(&run(&args, RSA, &cms).stdout).unwrap(),
    ));
    let at = cms.windows(3).position(|w| w == b"100").unwrap();
    let mut altered_cms = cms.clone();
    altered_cms[at] = b'9';
    out.push((
        "cms-altered",
        serde_json::from_slice(
            &run(
                &["cms", "verify", "-", "--json", "--no-cert-check"],
                RSA,
                &altered_cms,
            )
            .stdout,
        )
        .unwrap(),
    ));
    // `tsp verify --json`: format "time_stamp", the real NCA test token
    let o = run(
        &[
            "tsp",
            "verify",
            &nca("tsp/tsp_token.bin"),
            "--digest",
            "sha1:1465dad126d32bf7aa5d3b95a5c7c331cdff34df",
            "--allow-legacy",
            "--no-cert-check",
            "--json",
        ],
        RSA,
        b"",
    );
    out.push(("time-stamp-nca", serde_json::from_slice(&o.stdout).unwrap()));
    // `cert check --json` prints the same report, format "certificate": a valid and a
    // revoked certificate of the generated test PKI
    let pki = |rel: &str| {
        tanba_testdata::own(&format!("pki/{rel}"))
            .to_string_lossy()
            .into_owned()
    };
    for (label, cert) in [
        ("certificate-valid", "certs/individual.pem"),
        ("certificate-revoked", "certs/revoked.pem"),
    ] {
        let o = run(
            &[
                "cert",
                "check",
                &pki(cert),
                "--trust",
                &pki("certs/root.pem"),
                "--intermediate",
                &pki("certs/ca.pem"),
                "--crl",
                &pki("crl/ca.crl"),
                "--at",
                "2026-06-01T00:00:00Z",
                "--json",
            ],
            RSA,
            b"",
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["format"], "certificate", "{v}");
        out.push((label, v));
    }
    out
}

#[test]
fn every_report_shape_matches_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let reports = reports();
    let mut files = Vec::new();
    for (label, v) in &reports {
        let f = dir.path().join(format!("{label}.json"));
        std::fs::write(&f, serde_json::to_vec_pretty(v).unwrap()).unwrap();
        files.push(f.display().to_string());
    }
    // the shapes really are the ones named
    let by = |l: &str| &reports.iter().find(|(x, _)| *x == l).unwrap().1;
    assert_eq!(by("rsa-enveloped-checked")["indication"], "total_passed");
    assert_eq!(by("gost2015-enveloped-crl")["indication"], "total_passed");
    assert_eq!(
        by("gost2015-enveloped-crl")["signers"][0]["algorithm"]["name"],
        "gost34102015-512"
    );
    assert_eq!(by("gost2015-ocsp-not-issued")["sub_indication"], "revoked");
    assert_eq!(
        by("rsa-expected-iin-mismatch")["sub_indication"],
        "sig_constraints_failure"
    );
    assert_eq!(by("altered")["sub_indication"], "hash_failure");
    assert_eq!(by("wss")["format"], "wss");
    assert_eq!(by("submission")["format"], "submission");
    assert_eq!(by("soap")["format"], "soap");
    assert_eq!(
        by("bare-key")["sub_indication"],
        "no_signing_certificate_found"
    );
    assert_eq!(by("error-malformed")["error"]["kind"], "malformed_xml");
    assert_eq!(by("error-no-signature")["error"]["kind"], "no_signature");
    assert_eq!(
        by("error-not-an-envelope")["error"]["kind"],
        "not_an_envelope"
    );

    let schema = tanba_testdata::workspace_root().join("crates/validate/schema/report.schema.json");
    let script = "\
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(f))):
        bad += 1
        print(f, '/'.join(map(str, e.absolute_path)), e.message[:300])
sys.exit(1 if bad else 0)
";
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&schema)
        .args(&files)
        .output()
        .expect("python3 with jsonschema (scripts/test installs it)");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The reports of the real NCA RK test keys are stable: compared with golden files.
#[test]
fn golden_reports_of_the_nca_test_keys() {
    let order = b"<Order><Amount>5</Amount></Order>";
    let checked = rsa_checked();
    let cases = [
        (
            "rsa-enveloped-checked",
            verify_json(&sign(order, RSA), &strs(&checked)),
        ),
        (
            "gost2015-enveloped-no-cert-check",
            verify_json(&sign(order, GOST), &["--no-cert-check", "--at", AT]),
        ),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for (label, mut v) in cases {
        // the file name is the caller's; nothing else varies between runs
        v.as_object_mut().unwrap().remove("file");
        let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
        let path = dir.join(format!("{label}.json"));
        if std::env::var_os("TANBA_BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with TANBA_BLESS=1 to write it)",
                path.display()
            )
        });
        assert_eq!(
            text, want,
            "{label}: the report changed (TANBA_BLESS=1 to accept)"
        );
    }
}

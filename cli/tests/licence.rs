//! `tanba licence verify` on a folder (summary, JSON lines) and the holder check, on
//! documents produced by `tanba demo`.

mod common;

use common::tanba;

#[test]
fn folder_mode_reports_each_document_and_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    assert_eq!(
        tanba(&["demo", "--out", demo.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let inbox = tmp.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let good = std::fs::read_to_string(demo.join("licence.xml")).unwrap();
    std::fs::write(inbox.join("a-good.xml"), &good).unwrap();
    std::fs::write(
        inbox.join("b-altered.xml"),
        good.replace("31.12.2026", "31.12.2027"),
    )
    .unwrap();
    std::fs::write(inbox.join("c-garbage.xml"), "<not-closed>").unwrap();
    std::fs::write(inbox.join("notes.txt"), "ignored").unwrap();
    let trust = demo.join("trust.pem");
    let report = tmp.path().join("report.jsonl");
    let out = tanba(&[
        "licence",
        "verify",
        inbox.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
        "--no-revocation",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("valid                         1"), "{table}");
    assert!(table.contains("invalid                       2"), "{table}");
    assert!(table.contains("signature"), "{table}");
    assert!(table.contains("malformed"), "{table}");
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[0]["result"]["number"], "KZ26VEI00012345");
    assert_eq!(lines[1]["valid"], false);
    assert!(
        lines[1]["result"].is_null(),
        "no data from an altered document"
    );
    assert_eq!(lines[2]["valid"], false);

    // --json prints the same lines on stdout.
    let out = tanba(&[
        "licence",
        "verify",
        inbox.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
        "--no-revocation",
        "--json",
    ]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

#[test]
fn holder_check_and_missing_trust() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    assert_eq!(
        tanba(&["demo", "--out", demo.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let lic = demo.join("licence.xml");
    let trust = demo.join("trust.pem");
    let base = [
        "licence",
        "verify",
        lic.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
        "--no-revocation",
    ];
    let mut ok = base.to_vec();
    ok.extend(["--holder-iin", "900101300007"]);
    assert_eq!(tanba(&ok).status.code(), Some(0));
    let mut bad = base.to_vec();
    bad.extend(["--holder-bin", "050440000012", "--json"]);
    let out = tanba(&bad);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["holder"]);
    // Revocation on by default: with no evidence it is unknown, and that fails (hard-fail).
    let out = tanba(&[
        "licence",
        "verify",
        lic.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("[FAILED] revocation"));
    // Without --trust the embedded nca-prod set is in force (as for every verifying
    // command): the demo's test PKI does not chain to it.
    let out = tanba(&["licence", "verify", lic.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("[FAILED] chain: no trusted issuer"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // --trust-set none and no --trust: nothing is trusted, a usage error
    assert_eq!(
        tanba(&[
            "licence",
            "verify",
            lic.to_str().unwrap(),
            "--trust-set",
            "none"
        ])
        .status
        .code(),
        Some(2)
    );
}

//! `tanba demo --out DIR` end to end: every step succeeds, the files it leaves verify with
//! `tanba licence verify … --no-revocation` (exit 0), and changing any signed character
//! of the licence makes that command exit 1; the application validates against the
//! schema with xmllint and the envelope's transport signature verifies with
//! `tanba application verify` / the library.

mod common;

use common::{assert_exit, tanba};
use std::path::Path;
use std::process::{Command, Output};

fn run_demo(dir: &Path) {
    let out = tanba(&["demo", "--out", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in 1..=8 {
        assert!(
            stdout.contains(&format!("\n{step}. ")) || stdout.starts_with("1. "),
            "step {step} missing:\n{stdout}"
        );
    }
    assert!(stdout.contains("demo: every step succeeded"));
    for f in [
        "application.xml",
        "envelope.xml",
        "licence.xml",
        "trust.pem",
    ] {
        assert!(dir.join(f).is_file(), "{f} not written");
    }
}

fn verify_licence(dir: &Path, licence: &Path) -> Output {
    tanba(&[
        "licence",
        "verify",
        licence.to_str().unwrap(),
        "--trust",
        dir.join("trust.pem").to_str().unwrap(),
        "--no-revocation",
    ])
}

#[test]
fn demo_output_verifies_and_any_signed_change_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    run_demo(dir);
    let licence = dir.join("licence.xml");
    let out = verify_licence(dir, &licence);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Change one character in every text node of the signed content (before the
    // signature): each change must make verification fail with exit 1.
    let text = std::fs::read_to_string(&licence).unwrap();
    let sig = text.find("<ds:Signature").expect("enveloped signature");
    let root = text.find("<Result").unwrap();
    let mut positions = Vec::new();
    let bytes = text.as_bytes();
    let mut i = root;
    while i < sig {
        if bytes[i] == b'>' && i + 1 < sig && bytes[i + 1] != b'<' {
            positions.push(i + 1);
        }
        i += 1;
    }
    assert_eq!(positions.len(), 14, "the 14 leaf values of the licence");
    let altered = dir.join("altered.xml");
    for p in positions {
        let c = text[p..].chars().next().unwrap();
        let replacement = if c.is_ascii_digit() {
            if c == '9' {
                '0'
            } else {
                ((c as u8) + 1) as char
            }
        } else if c == 'X' {
            'Y'
        } else {
            'X'
        };
        let mut t = text.clone();
        t.replace_range(p..p + c.len_utf8(), &replacement.to_string());
        std::fs::write(&altered, &t).unwrap();
        let out = verify_licence(dir, &altered);
        assert_eq!(
            out.status.code(),
            Some(1),
            "change at byte {p} ({c:?} -> {replacement:?}) not detected:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // The namespace of the signed root is signed too.
    std::fs::write(
        &altered,
        text.replacen("urn:tanba:egov:1", "urn:tanba:egov:2", 1),
    )
    .unwrap();
    assert_ne!(verify_licence(dir, &altered).status.code(), Some(0));
}

#[test]
fn demo_documents_follow_the_schema_and_verify_with_their_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    run_demo(dir);
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/egov/schema/egov.xsd");
    for f in ["application.xml", "licence.xml"] {
        let out = Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&schema)
            .arg(dir.join(f))
            .output()
            .unwrap_or_else(|e| panic!("xmllint is required (apt-get install libxml2-utils): {e}"));
        assert!(
            out.status.success(),
            "{f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = tanba(&[
        "application",
        "verify",
        dir.join("application.xml").to_str().unwrap(),
        "--trust",
        dir.join("trust.pem").to_str().unwrap(),
        "--no-revocation",
        "--json",
    ]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["signers"][0]["role"], "applicant");
    assert_eq!(v["signers"][0]["signer"]["iin"], "900101300007");
    assert_eq!(v["application"]["id"], "APP-DEMO-2026-0001");
}

//! `tanba verify` on folders and several files: one shared validator on every core, a
//! (JSON) line per document as it is ready, a summary naming what did not pass, folders
//! walked recursively, non-XML files reported as skipped, the highest exit code.

mod common;

use common::tanba_io;

const KEY: &str = "individual_valid_sign_rsa_2004.p12";

fn sign(doc: &[u8]) -> Vec<u8> {
    common::sign_with_nca_key(&["sign"], KEY, doc, &[])
}

/// inbox/a-good.xml, inbox/b-altered.xml, inbox/sub/c-good.xml, inbox/sub/d-unsigned.xml,
/// inbox/notes.txt
fn inbox(dir: &std::path::Path, with_unsigned: bool) -> std::path::PathBuf {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(inbox.join("sub")).unwrap();
    let good = sign(b"<Order><Amount>5</Amount></Order>");
    let altered = String::from_utf8(good.clone())
        .unwrap()
        .replace("<Amount>5<", "<Amount>9<");
    std::fs::write(inbox.join("a-good.xml"), &good).unwrap();
    std::fs::write(inbox.join("b-altered.xml"), altered).unwrap();
    std::fs::write(inbox.join("sub/c-good.xml"), &good).unwrap();
    if with_unsigned {
        std::fs::write(inbox.join("sub/d-unsigned.xml"), "<Order/>").unwrap();
    }
    std::fs::write(inbox.join("notes.txt"), "not a document").unwrap();
    inbox
}

#[test]
fn a_folder_is_walked_and_every_document_reported() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path(), true);
    let o = tanba_io(
        &[
            "verify",
            inbox.to_str().unwrap(),
            "--no-cert-check",
            "--json",
            "--jobs",
            "2",
        ],
        &[],
        None,
    );
    // an unsigned document is an input error: the highest code wins
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let file = |v: &serde_json::Value| {
        v["file"]
            .as_str()
            .or(v["error"]["file"].as_str())
            .unwrap()
            .to_owned()
    };
    let names: Vec<String> = lines.iter().map(file).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names[0].ends_with("a-good.xml") && names[3].ends_with("d-unsigned.xml"));
    assert_eq!(lines[0]["indication"], "total_passed");
    assert_eq!(lines[1]["sub_indication"], "hash_failure");
    assert_eq!(lines[2]["indication"], "total_passed");
    assert_eq!(lines[3]["error"]["kind"], "no_signature");
    let summary = String::from_utf8_lossy(&o.stderr);
    assert!(
        summary.contains("b-altered.xml (TOTAL_FAILED (hash_failure))"),
        "{summary}"
    );
    assert!(
        summary.contains("d-unsigned.xml (no_signature)"),
        "{summary}"
    );
    assert!(
        summary.contains("skipped (not *.xml)") && summary.contains("notes.txt"),
        "{summary}"
    );
    assert!(!summary.contains("a-good.xml ("), "{summary}");
}

#[test]
fn several_files_in_human_form_and_exit_1_for_a_failed_one() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path(), false);
    let a = inbox.join("a-good.xml");
    let b = inbox.join("b-altered.xml");
    let o = tanba_io(
        &[
            "verify",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--no-cert-check",
            "--order",
            "completion",
        ],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("a-good.xml: TOTAL_PASSED"), "{out}");
    assert!(
        out.contains("b-altered.xml: TOTAL_FAILED (hash_failure): "),
        "{out}"
    );
    assert!(out.contains("2 document(s):"), "{out}");
    assert!(out.contains("did not pass:\n  "), "{out}");
    // only good documents: exit 0
    let o = tanba_io(
        &[
            "verify",
            a.to_str().unwrap(),
            inbox.join("sub").to_str().unwrap(),
            "--no-cert-check",
        ],
        &[],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn a_reader_that_stops_early_gets_no_panic() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path(), false);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tanba"))
        .args([
            "verify",
            inbox.to_str().unwrap(),
            "--no-cert-check",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // `| head -0`
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
}

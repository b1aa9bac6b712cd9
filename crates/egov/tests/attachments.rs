//! Attachments: digests computed by us equal those of `sha256sum` (recorded in the example
//! JSON), and re-verification reports missing and altered files.

use std::path::Path;

use tanba_egov::{verify_attachments, Application, AttachmentStatus, BuildContext};

const CONTENT: &[u8] = b"%PDF-1.4\n% tanba example scan\n";

fn example() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/examples/import-licence.json"),
    )
    .unwrap()
}

fn ctx(dir: Option<&Path>) -> BuildContext<'_> {
    BuildContext {
        id: "APP-1".parse().unwrap(),
        now: "2026-03-01T10:00:00+05:00".parse().unwrap(),
        attachments_dir: dir,
    }
}

#[test]
fn hashing_the_directory_matches_sha256sum() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("contract.pdf"), CONTENT).unwrap();
    // The JSON records size and digest as computed by coreutils sha256sum; building with
    // the directory re-hashes and insists they agree.
    let app = Application::from_json(&example(), &ctx(Some(dir.path()))).unwrap();
    assert_eq!(app.attachments[0].size, 30);
    assert_eq!(
        app.attachments[0].sha256.to_string(),
        "27500e817be709490ff228460ed0feec4e0ebaa0ff72bac5538615adf8f72c3b"
    );
    let checks = verify_attachments(&app.attachments, dir.path());
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].status, AttachmentStatus::Ok);
}

#[test]
fn building_refuses_a_file_that_differs_from_the_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("contract.pdf"),
        b"%PDF-1.4\n% tanba example scaN\n",
    )
    .unwrap();
    let e = Application::from_json(&example(), &ctx(Some(dir.path()))).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("attachments[0].sha256: the file's digest is"),
        "{e}"
    );
    let empty = tempfile::tempdir().unwrap();
    let e = Application::from_json(&example(), &ctx(Some(empty.path()))).unwrap_err();
    assert!(e.to_string().contains("contract.pdf"), "{e}");
}

#[test]
fn missing_and_altered_attachments_are_reported() {
    let app = Application::from_json(&example(), &ctx(None)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let checks = verify_attachments(&app.attachments, dir.path());
    assert_eq!(checks[0].status, AttachmentStatus::Missing);

    let mut altered = CONTENT.to_vec();
    altered[12] ^= 1;
    std::fs::write(dir.path().join("contract.pdf"), &altered).unwrap();
    let checks = verify_attachments(&app.attachments, dir.path());
    match &checks[0].status {
        AttachmentStatus::Altered { size, sha256 } => {
            assert_eq!(*size, 30);
            assert_ne!(
                sha256,
                "27500e817be709490ff228460ed0feec4e0ebaa0ff72bac5538615adf8f72c3b"
            );
        }
        other => panic!("{other:?}"),
    }
    // Same digest prefix, one byte longer: the size alone gives it away.
    let mut longer = CONTENT.to_vec();
    longer.push(b'\n');
    std::fs::write(dir.path().join("contract.pdf"), &longer).unwrap();
    assert!(matches!(
        verify_attachments(&app.attachments, dir.path())[0].status,
        AttachmentStatus::Altered { size: 31, .. }
    ));
}

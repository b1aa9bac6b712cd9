//! Trust store loading from the real NCA test CAs: files, folders, bundles, lookups by
//! subject and SKI, and errors that name the bad file.

use tanba_pki::{KzCertificate, PkiError, TrustRole, TrustStore};

fn leaf(rel: &str) -> KzCertificate {
    KzCertificate::from_pem_or_der(&tanba_testdata::read_nca(rel))
        .unwrap()
        .remove(0)
}

#[test]
fn load_nca_ca_folder() {
    let mut store = TrustStore::new();
    let added = store
        .add_dir(tanba_testdata::nca("ca"), TrustRole::Anchor)
        .unwrap();
    assert_eq!(added, 3);
    assert_eq!(store.anchors().len(), 3);
    assert!(store.intermediates().is_empty());
    // Loading again adds nothing.
    assert_eq!(
        store
            .add_dir(tanba_testdata::nca("ca"), TrustRole::Anchor)
            .unwrap(),
        0
    );
    assert_eq!(store.len(), 3);

    for (leaf_file, ca_cn) in [
        (
            "certs/individual_valid_sign_2004_rsa.cer",
            "ҰКО 3.0 (RSA TEST)",
        ),
        (
            "certs/individual_valid_sign_2004_rsa_auth.cer",
            "ҰКО 3.0 (RSA TEST)",
        ),
        ("certs/ceo_valid_sign_2004_gost.cer", "ҰКО 3.0 (GOST TEST)"),
    ] {
        let l = leaf(leaf_file);
        let by_name = store.find_by_subject(l.issuer());
        assert_eq!(by_name.len(), 1, "{leaf_file}");
        assert_eq!(by_name[0].common_name(), Some(ca_cn));
        let kid = l.authority_key_id().unwrap().key_id.clone().unwrap();
        let by_ski = store.find_by_ski(&kid);
        assert_eq!(by_ski.len(), 1);
        assert_eq!(by_ski[0], by_name[0]);
        assert_eq!(store.issuer_candidates(&l), by_name);
        assert!(store.is_anchor(by_name[0]));
        assert!(!store.is_anchor(&l));
    }
    assert!(store.find_by_ski(&[1, 2, 3]).is_empty());
}

#[test]
fn anchors_and_intermediates_are_separate() {
    let mut store = TrustStore::new();
    store
        .add_file(
            tanba_testdata::nca("ca/nca_rsa_test.crt"),
            TrustRole::Anchor,
        )
        .unwrap();
    store
        .add_file(
            tanba_testdata::nca("ca/nca_gost2015_test.cer"),
            TrustRole::Intermediate,
        )
        .unwrap();
    assert_eq!(store.anchors().len(), 1);
    assert_eq!(store.intermediates().len(), 1);
    let g = &store.intermediates()[0];
    assert!(!store.is_anchor(g));
    assert_eq!(store.find_by_subject(g.subject()), vec![g]);
    let roles: Vec<TrustRole> = store.iter().map(|(r, _)| r).collect();
    assert_eq!(roles, [TrustRole::Anchor, TrustRole::Intermediate]);
}

#[test]
fn bundle_file_and_folder_rules() {
    let dir = tempfile::tempdir().unwrap();
    // A PEM bundle of two CAs, a DER CA, and a file that is not a certificate but has an
    // unrelated extension (ignored).
    let mut bundle = tanba_testdata::read_nca("ca/nca_rsa_test.crt");
    bundle.extend(tanba_testdata::read_nca("ca/nca_gost_test.crt"));
    std::fs::write(dir.path().join("bundle.PEM"), &bundle).unwrap();
    std::fs::write(
        dir.path().join("gost2015.der"),
        tanba_testdata::read_nca("ca/nca_gost2015_test.cer"),
    )
    .unwrap();
    std::fs::write(dir.path().join("README.txt"), "not a certificate").unwrap();
    let mut store = TrustStore::new();
    assert_eq!(
        store.add_dir(dir.path(), TrustRole::Intermediate).unwrap(),
        3
    );
    assert_eq!(store.intermediates().len(), 3);

    // A broken certificate file is an error naming it.
    let bad = dir.path().join("broken.crt");
    std::fs::write(&bad, b"garbage").unwrap();
    let e = TrustStore::new()
        .add_dir(dir.path(), TrustRole::Anchor)
        .unwrap_err();
    match &e {
        PkiError::InFile { path, .. } => assert_eq!(path, &bad),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("broken.crt"), "{e}");

    // Missing file / folder.
    let e = TrustStore::new()
        .add_path(dir.path().join("missing.pem"), TrustRole::Anchor)
        .unwrap_err();
    assert!(matches!(e, PkiError::Io { .. }), "{e:?}");
    let e = TrustStore::new()
        .add_dir(dir.path().join("nope"), TrustRole::Anchor)
        .unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
}

//! tanba-dsig GOST 2015/512 XMLDSig (Kalkan profile, GOST.md §8) checked by an independent
//! GOST implementation: Debian's OpenSSL GOST engine. The NCA RK test key signs a document;
//! the engine recomputes the DigestValue (Streebog-512 of the canonical reference bytes)
//! and verifies the SignatureValue over the canonical SignedInfo with the signer's public
//! key, re-wrapped to the Russian OIDs by the team's `kz2ru.py` research script. A missing
//! tool fails the test with a message naming it.

use std::path::Path;
use std::process::Command;

use tanba_dsig::{sign, verify, SignOptions, VerifyOptions};

fn run(tool: &str, args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install it (openssl + libengine-gost-openssl, python3; .ci/run does)")
    });
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn gost_2015_xmldsig_verified_by_the_openssl_gost_engine() {
    let name = "individual_valid_gost_2015.p12";
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    let store = tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap();
    let signer = store
        .signer(&tanba_keys::KeySelector::Single)
        .or_else(|_| {
            store.signer(&tanba_keys::KeySelector::Purpose(
                tanba_keys::KeyPurpose::Sign,
            ))
        })
        .unwrap();
    let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><заявка xmlns=\"urn:kz:test\"><иин>123456789011</иин><!-- c --></заявка>";
    let signed = sign(doc.as_bytes(), &signer, &SignOptions::default()).unwrap();
    let report = verify(&signed, &VerifyOptions::default()).unwrap();
    let v = report.signatures[0].result.as_ref().unwrap();
    assert_eq!(
        v.signature_algorithm,
        tanba_crypto::SignatureAlgorithm::Gost2015_512
    );

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // DigestValue = Streebog-512 (engine) of the digested bytes
    let digested = d.join("digested.bin");
    std::fs::write(&digested, v.references[0].digested.as_ref().unwrap()).unwrap();
    let (ok, out, err) = run(
        "openssl",
        &[
            "dgst",
            "-engine",
            "gost",
            "-md_gost12_512",
            "-binary",
            p(&digested),
        ],
    );
    assert!(ok, "openssl dgst: {err}");
    assert_eq!(
        out, v.references[0].digest_value,
        "DigestValue differs from the engine's Streebog-512"
    );

    // SignatureValue verified by the engine (RFC layout = KZ layout reversed)
    let text = String::from_utf8(signed.clone()).unwrap();
    let s = text.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let e = text.find("</ds:SignatureValue>").unwrap();
    let value =
        tanba_dsig::base64::decode_lenient(&text[s..e].replace("&#13;", "\r"), "SignatureValue")
            .unwrap();
    assert_eq!(value.len(), 128);
    let cert = d.join("signer.der");
    std::fs::write(&cert, v.signer_certificate_der().unwrap()).unwrap();
    let out_dir = d.join("ru");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/docs/tools/gost/kz2ru.py");
    let (ok, _, err) = run(
        "python3",
        &[p(&script), p(&cert), p(&cert), "cert", p(&out_dir)],
    );
    assert!(ok, "kz2ru.py: {err}");
    let pubkey = out_dir.join("issuer_pub.pem");
    let si = d.join("signed_info.bin");
    std::fs::write(&si, &v.signed_info).unwrap();
    let sig = d.join("sig.rfc");
    std::fs::write(&sig, value.iter().rev().copied().collect::<Vec<u8>>()).unwrap();
    let verify_args = |data: &Path| {
        run(
            "openssl",
            &[
                "dgst",
                "-engine",
                "gost",
                "-md_gost12_512",
                "-verify",
                p(&pubkey),
                "-signature",
                p(&sig),
                p(data),
            ],
        )
    };
    let (ok, out, err) = verify_args(&si);
    assert!(
        ok,
        "the engine rejected tanba's GOST XMLDSig: {}{err}",
        String::from_utf8_lossy(&out)
    );
    // and rejects it over altered SignedInfo bytes
    let mut altered = v.signed_info.clone();
    altered[10] ^= 1;
    let bad = d.join("altered.bin");
    std::fs::write(&bad, altered).unwrap();
    let (ok, _, _) = verify_args(&bad);
    assert!(!ok, "the engine accepted an altered SignedInfo");
}

/// tanba-cms GOST 2015/512 CMS (Kalkan profile, KZ-CMS.md §5) checked by the same
/// engine: messageDigest = Streebog-512 of the content, and the SignerInfo's signature
/// (r ‖ s little-endian, reversed to the RFC layout) over the re-tagged signed
/// attributes, with the signer's key re-wrapped by `kz2ru.py`.
#[test]
fn gost_2015_cms_verified_by_the_openssl_gost_engine() {
    let name = "individual_valid_gost_2015.p12";
    let store = tanba_keys::Keystore::open_pkcs12(
        &tanba_testdata::read_nca(&format!("keys/{name}")),
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap();
    let signer = store.signer(&tanba_keys::KeySelector::Single).unwrap();
    let content = "Өтініш №42".as_bytes();
    let cms = tanba_cms::sign(
        tanba_cms::ToSign::Content(content),
        &signer,
        &tanba_cms::SignOptions::default(),
    )
    .unwrap();
    let parsed = tanba_cms::read(&cms, &tanba_cms::Limits::default()).unwrap();
    let si = &parsed.signers[0];
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // messageDigest = the engine's Streebog-512 of the content
    let data = d.join("content.bin");
    std::fs::write(&data, content).unwrap();
    let (ok, md, err) = run(
        "openssl",
        &[
            "dgst",
            "-engine",
            "gost",
            "-md_gost12_512",
            "-binary",
            p(&data),
        ],
    );
    assert!(ok, "openssl dgst: {err}");
    let attr = si.signed(tanba_cms::oid::MESSAGE_DIGEST)[0];
    assert_eq!(
        &attr[2..],
        md.as_slice(),
        "messageDigest differs from the engine's"
    );
    // the signature over the signed attributes (SET-tagged), by the engine
    let cert = d.join("signer.der");
    std::fs::write(&cert, &parsed.certificates[0]).unwrap();
    let out_dir = d.join("ru");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/docs/tools/gost/kz2ru.py");
    let (ok, _, err) = run(
        "python3",
        &[p(&script), p(&cert), p(&cert), "cert", p(&out_dir)],
    );
    assert!(ok, "kz2ru.py: {err}");
    let attrs = d.join("signed_attrs.bin");
    std::fs::write(&attrs, si.signed_attrs_for_signature().unwrap()).unwrap();
    let sig = d.join("sig.rfc");
    std::fs::write(
        &sig,
        si.signature.iter().rev().copied().collect::<Vec<u8>>(),
    )
    .unwrap();
    let verify_with = |file: &Path| {
        run(
            "openssl",
            &[
                "dgst",
                "-engine",
                "gost",
                "-md_gost12_512",
                "-verify",
                p(&out_dir.join("issuer_pub.pem")),
                "-signature",
                p(&sig),
                p(file),
            ],
        )
    };
    let (ok, out, err) = verify_with(&attrs);
    assert!(
        ok,
        "the engine rejected tanba's GOST CMS: {}{err}",
        String::from_utf8_lossy(&out)
    );
    let mut altered = si.signed_attrs_for_signature().unwrap();
    altered[20] ^= 1;
    let bad = d.join("altered.bin");
    std::fs::write(&bad, altered).unwrap();
    assert!(
        !verify_with(&bad).0,
        "the engine accepted altered signed attributes"
    );
}

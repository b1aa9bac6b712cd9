//! tanba-cms against real artifacts and an independent peer:
//! - the real NCA test TSA token (`../shared/testdata/nca/tsp/tsp_token.bin`, a GOST-2004
//!   SignedData over a TSTInfo) verifies;
//! - RSA CMS made by tanba verifies with `openssl cms -verify` (attached and detached), and
//!   `openssl cms -sign` output verifies with tanba;
//! - GOST 2015-512 CMS with a real NCA test key round-trips, in Kalkan's layout;
//! - tampered twins (content, signedAttrs, signature, swapped certificate) fail by name;
//! - hostile structures get a typed error.

use std::path::{Path, PathBuf};
use std::process::Command;

use tanba_cms::{
    read, sign, verify, CmsError, Content, FactOutcome, Limits, SignOptions, ToSign, Verified,
};
use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm, KeySigner};

fn own(rel: &str) -> PathBuf {
    tanba_testdata::own(&format!("pki/{rel}"))
}

fn rsa_signer() -> KeySigner {
    let key = tanba_testdata::read(&own("keys/individual.key.pem"));
    let cert = tanba_testdata::read(&own("certs/individual.pem"));
    tanba_keys::Keystore::from_pkcs8(&key, None, &cert)
        .unwrap()
        .signer(&tanba_keys::KeySelector::Single)
        .unwrap()
}

fn nca_signer(name: &str) -> KeySigner {
    tanba_keys::Keystore::open_pkcs12(
        &tanba_testdata::read_nca(&format!("keys/{name}")),
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap()
    .signer(&tanba_keys::KeySelector::Single)
    .unwrap()
}

fn check(cms: &[u8], content: Content<'_>) -> Verified {
    let parsed = read(cms, &Limits::default()).unwrap();
    verify(&parsed, content, &[], &AlgorithmPolicy::default()).unwrap()
}

fn outcome(v: &Verified, name: &str) -> FactOutcome {
    v.signers[0]
        .facts
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name} fact in {:?}", v.signers[0].facts))
        .outcome
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn the_real_nca_tsa_token_verifies() {
    let token = tanba_testdata::read_nca("tsp/tsp_token.bin");
    let parsed = read(&token, &Limits::default()).unwrap();
    assert_eq!(parsed.content_type, tanba_cms::oid::TST_INFO);
    assert_eq!(parsed.version, 3);
    assert_eq!(
        parsed.certificates.len(),
        1,
        "certReq: the TSA certificate only"
    );
    let v = verify(&parsed, Content::Attached, &[], &AlgorithmPolicy::default()).unwrap();
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    let s = &v.signers[0];
    assert_eq!(
        s.signature_algorithm,
        Some(tanba_crypto::SignatureAlgorithm::Gost2004)
    );
    assert_eq!(s.digest_algorithm, Some(DigestAlgorithm::Gost34311));
    assert!(
        s.signing_certificate_attribute,
        "RFC 3161 requires ESSCertID"
    );
    assert_eq!(outcome(&v, "signing_certificate"), FactOutcome::Passed);
    // one altered byte of the TSTInfo: the messageDigest no longer matches
    let mut bad = token.clone();
    let at = token
        .windows(4)
        .position(|w| w == [0x30, 0x5f, 0x02, 0x01])
        .unwrap();
    bad[at + 20] ^= 1;
    let v = check(&bad, Content::Attached);
    assert_eq!(outcome(&v, "message_digest"), FactOutcome::Failed);
    assert!(!v.all_verified());
}

#[test]
fn rsa_cms_by_tanba_verifies_with_openssl_attached_and_detached() {
    let dir = tempfile::tempdir().unwrap();
    let content = b"<application id=\"42\">\xd0\x9a\xd0\x97</application>";
    let chain = format!(
        "{}{}",
        std::fs::read_to_string(own("certs/ca.pem")).unwrap(),
        std::fs::read_to_string(own("certs/root.pem")).unwrap()
    );
    let ca = write(dir.path(), "chain.pem", chain.as_bytes());
    let data = write(dir.path(), "data.bin", content);
    for detached in [false, true] {
        for scv2 in [true, false] {
            let cms = sign(
                ToSign::Content(content),
                &rsa_signer(),
                &SignOptions {
                    detached,
                    signing_certificate_v2: scv2,
                    ..Default::default()
                },
            )
            .unwrap();
            let f = write(dir.path(), "sig.p7s", &cms);
            let mut args = vec![
                "cms", "-verify", "-inform", "DER", "-in", &f, "-CAfile", &ca, "-purpose", "any",
                "-binary",
            ];
            if detached {
                args.extend(["-content", &data]);
            }
            let o = openssl(&args);
            assert!(
                o.status.success(),
                "detached {detached}, scv2 {scv2}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(o.stdout, content, "openssl extracts the signed content");
            // and tanba itself
            let v = check(
                &cms,
                if detached {
                    Content::Detached(content)
                } else {
                    Content::Attached
                },
            );
            assert!(v.all_verified(), "{:?}", v.signers[0].facts);
            assert_eq!(v.signers[0].signing_certificate_attribute, scv2);
        }
    }
}

#[test]
fn openssl_cms_sign_output_verifies_with_tanba() {
    let dir = tempfile::tempdir().unwrap();
    let content = b"signed by openssl";
    let data = write(dir.path(), "data.bin", content);
    let out = dir.path().join("sig.der");
    let o = openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-md",
        "sha256",
        "-in",
        &data,
        "-signer",
        own("certs/individual.pem").to_str().unwrap(),
        "-inkey",
        own("keys/individual.key.pem").to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cms = std::fs::read(&out).unwrap();
    let v = check(&cms, Content::Attached);
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    // -keyid: the signer named by its subject key identifier instead of issuer + serial
    let keyid = dir.path().join("keyid.der");
    let o = openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-keyid",
        "-md",
        "sha256",
        "-in",
        &data,
        "-signer",
        own("certs/individual.pem").to_str().unwrap(),
        "-inkey",
        own("keys/individual.key.pem").to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        keyid.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let keyid = std::fs::read(&keyid).unwrap();
    let parsed = read(&keyid, &Limits::default()).unwrap();
    assert!(matches!(
        parsed.signers[0].sid,
        tanba_cms::SignerId::SubjectKeyId(_)
    ));
    let v = check(&keyid, Content::Attached);
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    // the same as PEM (`-----BEGIN CMS-----`) and as bare base64
    let pem = dir.path().join("sig.pem");
    let o = openssl(&[
        "cms",
        "-cmsout",
        "-inform",
        "DER",
        "-in",
        out.to_str().unwrap(),
        "-outform",
        "PEM",
        "-out",
        pem.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pem = std::fs::read(&pem).unwrap();
    assert!(pem.starts_with(b"-----BEGIN CMS-----"));
    assert!(check(&pem, Content::Attached).all_verified());
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&cms);
    assert!(check(b64.as_bytes(), Content::Attached).all_verified());
}

#[test]
fn gost_2004_cms_with_a_real_nca_key() {
    // the key's certificate is revoked, which does not matter to the signature itself
    let signer = nca_signer("ceo_sign_revoked_gost_2004.p12");
    let content = b"GOST 34.310-2004";
    let cms = sign(ToSign::Content(content), &signer, &SignOptions::default()).unwrap();
    let parsed = read(&cms, &Limits::default()).unwrap();
    let si = &parsed.signers[0];
    assert_eq!(si.signature_oid, "1.2.398.3.10.1.1.1.2");
    assert_eq!(si.digest_oid, "1.2.398.3.10.1.3.1", "GOST 34.311-95");
    assert_eq!(si.signature.len(), 64);
    let v = verify(&parsed, Content::Attached, &[], &AlgorithmPolicy::default()).unwrap();
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    // hash-only with the GOST 34.311 digest
    let digest = DigestAlgorithm::Gost34311.digest(content);
    let cms = sign(ToSign::Digest(&digest), &signer, &SignOptions::default()).unwrap();
    assert!(check(&cms, Content::Detached(content)).all_verified());
}

#[test]
fn gost_2015_cms_with_a_real_nca_key_in_kalkans_layout() {
    let signer = nca_signer("individual_valid_gost_2015.p12");
    let content = "Өтініш №42".as_bytes();
    let cms = sign(ToSign::Content(content), &signer, &SignOptions::default()).unwrap();
    let parsed = read(&cms, &Limits::default()).unwrap();
    let si = &parsed.signers[0];
    assert_eq!(si.signature_oid, "1.2.398.3.10.1.1.2.3.2");
    assert_eq!(si.digest_oid, "1.2.398.3.10.1.3.3");
    assert_eq!(si.signature.len(), 128, "r ‖ s, 64 bytes each");
    // signed attributes DER-sorted: for Streebog-512, signingCertificateV2 (30 37)
    // sorts before messageDigest (30 4F) (KZ-CMS.md §3)
    let oids: Vec<&str> = si.signed_attrs.iter().map(|a| a.oid.as_str()).collect();
    assert_eq!(
        oids,
        [
            tanba_cms::oid::CONTENT_TYPE,
            tanba_cms::oid::SIGNING_TIME,
            tanba_cms::oid::SIGNING_CERTIFICATE_V2,
            tanba_cms::oid::MESSAGE_DIGEST
        ]
    );
    let v = verify(&parsed, Content::Attached, &[], &AlgorithmPolicy::default()).unwrap();
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    // hash-only: the caller gives the Streebog-512 digest; the CMS is detached
    let digest = DigestAlgorithm::Streebog512.digest(content);
    let cms = sign(ToSign::Digest(&digest), &signer, &SignOptions::default()).unwrap();
    let parsed = read(&cms, &Limits::default()).unwrap();
    assert!(parsed.is_detached());
    let v = verify(
        &parsed,
        Content::Digest {
            algorithm: DigestAlgorithm::Streebog512,
            value: &digest,
        },
        &[],
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    assert!(v.signers[0].claimed_signing_time.is_some());
    // a digest of another algorithm cannot check this signer
    let sha = DigestAlgorithm::Sha256.digest(content);
    let v = verify(
        &parsed,
        Content::Digest {
            algorithm: DigestAlgorithm::Sha256,
            value: &sha,
        },
        &[],
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert_eq!(outcome(&v, "message_digest"), FactOutcome::NotCheckable);
    // a wrong-size digest is refused when signing
    assert!(matches!(
        sign(ToSign::Digest(&sha), &signer, &SignOptions::default()),
        Err(CmsError::Structure(_))
    ));
}

/// Replace the first occurrence of `what` in `cms`.
fn patched(cms: &[u8], what: &[u8], with: &[u8]) -> Vec<u8> {
    let at = cms
        .windows(what.len())
        .position(|w| w == what)
        .expect("pattern present");
    let mut out = cms.to_vec();
    out[at..at + with.len()].copy_from_slice(with);
    out
}

#[test]
fn tampered_twins_fail_by_name() {
    let content = b"pay 100 KZT";
    let cms = sign(
        ToSign::Content(content),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    assert!(check(&cms, Content::Attached).all_verified());
    // content byte
    let v = check(&patched(&cms, b"pay 100", b"pay 900"), Content::Attached);
    assert_eq!(outcome(&v, "message_digest"), FactOutcome::Failed);
    assert_eq!(
        outcome(&v, "signature"),
        FactOutcome::Passed,
        "the attributes are intact"
    );
    // detached content that differs from the attached one
    let v = check(&cms, Content::Detached(b"pay 900 KZT"));
    assert_eq!(outcome(&v, "message_digest"), FactOutcome::Failed);
    // a signedAttrs byte (the signingTime's year)
    let parsed = read(&cms, &Limits::default()).unwrap();
    let st = parsed.signers[0].signed(tanba_cms::oid::SIGNING_TIME)[0].to_vec();
    let mut st2 = st.clone();
    st2[3] ^= 1;
    let v = check(&patched(&cms, &st, &st2), Content::Attached);
    assert_eq!(outcome(&v, "signature"), FactOutcome::Failed);
    // a signature byte
    let sig = parsed.signers[0].signature.clone();
    let mut sig2 = sig.clone();
    sig2[10] ^= 0x40;
    let v = check(&patched(&cms, &sig, &sig2), Content::Attached);
    assert_eq!(outcome(&v, "signature"), FactOutcome::Failed);
    // the certificate in the bag swapped for another of the same CA: the sid finds none,
    // so nothing is verified
    let mut swapped = read(&cms, &Limits::default()).unwrap();
    swapped.certificates =
        vec![
            tanba_pki::ChainCert::from_bytes(&tanba_testdata::read(&own("certs/head.pem")))
                .unwrap()
                .der()
                .to_vec(),
        ];
    let v = verify(
        &swapped,
        Content::Attached,
        &[],
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert_eq!(outcome(&v, "signature"), FactOutcome::NotCheckable);
    assert!(!v.all_verified());
    // no certificate in the bag (Kalkan C without KC_WITH_CERT): one given out of band
    // is used, and signingCertificateV2 binds it
    let mut bare = read(&cms, &Limits::default()).unwrap();
    bare.certificates.clear();
    let v = verify(&bare, Content::Attached, &[], &AlgorithmPolicy::default()).unwrap();
    assert_eq!(outcome(&v, "signature"), FactOutcome::NotCheckable);
    let v = verify(
        &bare,
        Content::Attached,
        &[parsed.certificates[0].clone()],
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    assert!(v.all_verified(), "{:?}", v.signers[0].facts);
    assert_eq!(outcome(&v, "signing_certificate"), FactOutcome::Passed);
}

#[test]
fn hostile_structures_get_typed_errors() {
    let cms = sign(
        ToSign::Content(b"x"),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    // not a SignedData
    let mut other = cms.clone();
    let sd = tanba_pki::der::oid_from_str(tanba_cms::oid::SIGNED_DATA);
    let data = tanba_pki::der::oid_from_str(tanba_cms::oid::DATA);
    let at = other
        .windows(sd.len())
        .position(|w| w == sd.as_slice())
        .unwrap();
    other[at..at + data.len()].copy_from_slice(&data);
    assert!(matches!(
        read(&other, &Limits::default()),
        Err(CmsError::NotSignedData(_))
    ));
    // indefinite length (BER)
    let mut ber = cms.clone();
    ber[1] = 0x80;
    assert!(matches!(
        read(&ber, &Limits::default()),
        Err(CmsError::Malformed(_))
    ));
    // truncated, garbage, wrong PEM label
    assert!(read(&cms[..cms.len() - 3], &Limits::default()).is_err());
    assert!(matches!(
        read(b"hello", &Limits::default()),
        Err(CmsError::Encoding(_))
    ));
    assert!(matches!(
        read(
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            &Limits::default()
        ),
        Err(CmsError::Encoding(_))
    ));
    // DER whose last byte looks like white space is taken whole (a signature's last
    // byte is often 0x20 or 0x0a)
    assert_eq!(
        tanba_cms::decode_input(&[0x30, 0x02, 0x0a, 0x20]).unwrap(),
        [0x30, 0x02, 0x0a, 0x20]
    );
    // more than the limits allow
    let tight = Limits {
        max_signers: 0,
        ..Limits::default()
    };
    assert!(matches!(
        read(&cms, &tight),
        Err(CmsError::TooMany { max: 0, .. })
    ));
    let tight = Limits {
        max_attributes: 2,
        ..Limits::default()
    };
    assert!(matches!(
        read(&cms, &tight),
        Err(CmsError::TooMany {
            what: "attributes",
            ..
        })
    ));
    // a duplicate signed attribute: contentType's OID written over signingTime's
    let st = tanba_pki::der::oid_from_str(tanba_cms::oid::SIGNING_TIME);
    let ct = tanba_pki::der::oid_from_str(tanba_cms::oid::CONTENT_TYPE);
    let dup = patched(&cms, &st, &ct);
    assert!(matches!(
        read(&dup, &Limits::default()),
        Err(CmsError::Structure(_))
    ));
    // a detached CMS checked without content
    let det = sign(
        ToSign::Content(b"x"),
        &rsa_signer(),
        &SignOptions {
            detached: true,
            ..Default::default()
        },
    )
    .unwrap();
    let parsed = read(&det, &Limits::default()).unwrap();
    assert!(matches!(
        verify(&parsed, Content::Attached, &[], &AlgorithmPolicy::default()),
        Err(CmsError::ContentMissing)
    ));
}

#[test]
fn a_signer_is_added_without_altering_the_first() {
    let content = "Келісімшарт №7".as_bytes();
    let first = sign(
        ToSign::Content(content),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    let parsed = read(&first, &Limits::default()).unwrap();
    let gost = nca_signer("individual_valid_gost_2015.p12");
    let both = tanba_cms::add_signer(&parsed, None, &gost, &SignOptions::default()).unwrap();
    let two = read(&both, &Limits::default()).unwrap();
    assert_eq!(two.signers.len(), 2);
    assert_eq!(two.certificates.len(), 2);
    assert_eq!(two.digest_oids.len(), 2, "SHA-256 and Streebog-512");
    assert!(
        two.signers.iter().any(|s| s.der == parsed.signers[0].der),
        "the first SignerInfo is kept byte for byte"
    );
    let v = verify(&two, Content::Attached, &[], &AlgorithmPolicy::default()).unwrap();
    assert!(v.all_verified(), "{:?}", v.signers);
    // detached: the content must be given, and it must be the signed one
    let det = sign(
        ToSign::Content(content),
        &rsa_signer(),
        &SignOptions {
            detached: true,
            ..Default::default()
        },
    )
    .unwrap();
    let det = read(&det, &Limits::default()).unwrap();
    assert!(matches!(
        tanba_cms::add_signer(&det, None, &gost, &SignOptions::default()),
        Err(CmsError::ContentMissing)
    ));
    let added = tanba_cms::add_signer(
        &det,
        Some(content),
        &gost,
        &SignOptions {
            detached: true,
            ..Default::default()
        },
    )
    .unwrap();
    let v = check(&added, Content::Detached(content));
    assert!(v.all_verified(), "{:?}", v.signers);
    assert!(matches!(
        tanba_cms::add_signer(&parsed, Some(b"other"), &gost, &SignOptions::default()),
        Err(CmsError::Structure(_))
    ));
}

/// The parts of a CMS ContentInfo's SignedData, as raw TLVs, for crafting hostile twins.
fn signed_data_parts(cms: &[u8]) -> Vec<Vec<u8>> {
    use tanba_pki::der::{single, Reader};
    let ci = single(cms, 0x30, "ContentInfo").unwrap();
    let mut r = Reader::inside(&ci);
    r.any().unwrap();
    let explicit = r.any().unwrap();
    let sd = single(explicit.value, 0x30, "SignedData").unwrap();
    let mut sr = Reader::inside(&sd);
    let mut parts = Vec::new();
    while !sr.is_empty() {
        parts.push(sr.any().unwrap().raw.to_vec());
    }
    parts
}

fn rebuild(parts: &[Vec<u8>]) -> Vec<u8> {
    use tanba_pki::der::{oid_from_str, write};
    let sd = write(0x30, &parts.concat());
    write(
        0x30,
        &[
            write(0x06, &oid_from_str(tanba_cms::oid::SIGNED_DATA)),
            write(0xa0, &sd),
        ]
        .concat(),
    )
}

#[test]
fn hostile_sizes_are_refused_quickly() {
    let cms = sign(
        ToSign::Content(b"x"),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    let parts = signed_data_parts(&cms);
    // parts: version, digestAlgorithms, encapContentInfo, [0] certificates, signerInfos
    let signer_info = {
        let set = tanba_pki::der::single(&parts[4], 0x31, "signerInfos").unwrap();
        set.value.to_vec()
    };
    let cert_bag = tanba_pki::der::single(&parts[3], 0xa0, "certificates")
        .unwrap()
        .value
        .to_vec();
    // 10,000 SignerInfos
    let mut many = parts.clone();
    many[4] = tanba_pki::der::write(0x31, &signer_info.repeat(10_000));
    let started = std::time::Instant::now();
    assert!(matches!(
        read(&rebuild(&many), &Limits::default()),
        Err(CmsError::TooMany {
            what: "signers",
            ..
        })
    ));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // 1,000 certificates
    let mut bag = parts.clone();
    bag[3] = tanba_pki::der::write(0xa0, &cert_bag.repeat(1000));
    assert!(matches!(
        read(&rebuild(&bag), &Limits::default()),
        Err(CmsError::TooMany {
            what: "certificates",
            ..
        })
    ));
    // the rebuilt original still reads and verifies (the crafting itself is sound)
    assert!(check(&rebuild(&parts), Content::Attached).all_verified());
}

#[test]
fn a_missing_message_digest_and_nested_content_are_named() {
    let cms = sign(
        ToSign::Content(b"x"),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    // messageDigest (1.2.840.113549.1.9.4) renamed countersignature (….9.6): no digest
    let md = tanba_pki::der::oid_from_str(tanba_cms::oid::MESSAGE_DIGEST);
    let cs = tanba_pki::der::oid_from_str("1.2.840.113549.1.9.6");
    let v = check(&patched(&cms, &md, &cs), Content::Attached);
    let f = v.signers[0]
        .facts
        .iter()
        .find(|f| f.name == "message_digest")
        .unwrap();
    assert_eq!(f.outcome, FactOutcome::Failed);
    assert!(
        f.detail.contains("without exactly one messageDigest"),
        "{}",
        f.detail
    );
    assert!(!v.all_verified());
    // a SignedData carried as the content of another is only bytes to the outer one
    let outer = sign(
        ToSign::Content(&cms),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    let parsed = read(&outer, &Limits::default()).unwrap();
    assert_eq!(parsed.content(), Some(cms.as_slice()));
    assert!(check(&outer, Content::Attached).all_verified());
    // deeply nested DER as content is not walked
    let mut deep = vec![0x05, 0x00];
    for _ in 0..10_000 {
        deep = tanba_pki::der::write(0x30, &deep);
    }
    let outer = sign(
        ToSign::Content(&deep),
        &rsa_signer(),
        &SignOptions::default(),
    )
    .unwrap();
    assert!(check(&outer, Content::Attached).all_verified());
}

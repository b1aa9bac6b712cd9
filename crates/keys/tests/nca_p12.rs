//! The real NCA RK test keystores (../shared/testdata/nca/keys): every file opens with its
//! password and yields the key the README describes; damaged, altered and hostile variants
//! of them each fail with their own error.

use tanba_crypto::{KeyAlgorithm, KeyKind, SignatureEncoding, Signer};
use tanba_keys::{CertificateMatch, KeyError, KeyPurpose, KeySelector, Keystore, Limits, Password};

const FILES: &[&str] = &[
    "individual_valid_sign_rsa_2004.p12",
    "individual_sign_revoked_rsa_2004.p12",
    "individual_auth_revoked_rsa_2004.p12",
    "ceo_sign_revoked_gost_2004.p12",
    "individual_valid_gost_2015.p12",
    "ceo_revoked_gost_2015.p12",
];

fn read(name: &str) -> Vec<u8> {
    tanba_testdata::read_nca(&format!("keys/{name}"))
}

fn open(name: &str) -> Result<Keystore, KeyError> {
    Keystore::open_pkcs12(
        &read(name),
        &Password::new(tanba_testdata::nca_password(name)),
    )
}

#[test]
fn every_nca_file_opens_and_holds_the_documented_key() {
    for name in FILES {
        let ks = open(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ks.entries().len(), 1, "{name}");
        let e = &ks.entries()[0];
        // Key algorithm as the README's table says.
        let kind = e.key_algorithm().kind();
        if name.contains("rsa") {
            assert_eq!(
                e.key_algorithm(),
                &KeyAlgorithm::Rsa { bits: 2048 },
                "{name}"
            );
        } else if name.contains("gost_2015") {
            assert_eq!(kind, KeyKind::Gost2015_512, "{name}");
        } else {
            assert_eq!(kind, KeyKind::Gost2004, "{name}");
        }
        // Kalkan files carry a localKeyId on both bags; the friendlyName is its hex.
        assert_eq!(e.matched_by(), Some(CertificateMatch::LocalKeyId), "{name}");
        let id = hex::encode(e.local_key_id().unwrap());
        assert_eq!(e.alias(), id, "{name}");
        let cert = e.certificate().expect("certificate");
        assert_eq!(cert.subject_attribute("2.5.4.6"), Some("KZ"));
        // The expected purpose: the AUTH file is AUTH, every other NCA file is SIGN
        // (2015 single-key certificates classify as SIGN, KZ-PKI.md §1.2).
        let expected = if name.contains("auth") {
            KeyPurpose::Auth
        } else {
            KeyPurpose::Sign
        };
        assert_eq!(e.purpose(), expected, "{name}");
        assert_eq!(ks.certificates().len(), 1, "{name}");
    }
}

#[test]
fn gost_keys_carry_their_parameter_sets() {
    // GOST.md §3: 2015 key = OID 1.2.398.3.10.1.1.2.2 with params (…2.2.1, 1.2.398.3.10.1.3.3);
    // 2004 key = OID 1.2.398.3.10.1.1.1.1 with params (…1.1.1.1.1, …3.1.1.0).
    let ks = open("individual_valid_gost_2015.p12").unwrap();
    match ks.entries()[0].key_algorithm() {
        KeyAlgorithm::Gost {
            kind,
            param_set,
            digest_param,
        } => {
            assert_eq!(*kind, KeyKind::Gost2015_512);
            assert_eq!(param_set.as_deref(), Some("1.2.398.3.10.1.1.2.2.1"));
            assert_eq!(digest_param.as_deref(), Some("1.2.398.3.10.1.3.3"));
        }
        other => panic!("not GOST: {other:?}"),
    }
    // GOST.md §3 gives the start of the stored LE scalar: 19FB4CA4…694C5AF8.
    let scalar = ks.entries()[0].key().gost_scalar_le().unwrap();
    assert_eq!(scalar.len(), 64);
    assert_eq!(hex::encode_upper(&scalar[..4]), "19FB4CA4");
    assert_eq!(hex::encode_upper(&scalar[60..]), "694C5AF8");

    let ks = open("ceo_sign_revoked_gost_2004.p12").unwrap();
    match ks.entries()[0].key_algorithm() {
        KeyAlgorithm::Gost {
            kind, param_set, ..
        } => {
            assert_eq!(*kind, KeyKind::Gost2004);
            assert_eq!(param_set.as_deref(), Some("1.2.398.3.10.1.1.1.1.1"));
        }
        other => panic!("not GOST: {other:?}"),
    }
}

#[test]
fn gost_keys_sign_and_their_certificates_verify() {
    for name in [
        "individual_valid_gost_2015.p12",
        "ceo_revoked_gost_2015.p12",
        "ceo_sign_revoked_gost_2004.p12",
    ] {
        let ks = open(name).unwrap();
        let entry = &ks.entries()[0];
        let cert = entry.certificate().unwrap();
        // The public key derived from the private scalar (tanba-gost) is the certificate's.
        assert_eq!(
            entry.key().public_key_bits().unwrap(),
            cert.public_key_bits(),
            "{name}"
        );
        let signer = ks.signer(&KeySelector::Single).unwrap();
        assert_eq!(signer.certificate_chain().len(), 1);
        let policy = tanba_crypto::AlgorithmPolicy::default();
        for encoding in [SignatureEncoding::XmlDsig, SignatureEncoding::X509] {
            let sig = signer
                .sign(b"tanba", encoding)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            tanba_crypto::verify_signature(
                signer.algorithm(),
                cert.spki_der(),
                b"tanba",
                &sig,
                encoding,
                &policy,
            )
            .unwrap_or_else(|e| panic!("{name}: GOST signature does not verify: {e}"));
            assert_eq!(
                tanba_crypto::verify_signature(
                    signer.algorithm(),
                    cert.spki_der(),
                    b"tanbA",
                    &sig,
                    encoding,
                    &policy,
                ),
                Err(tanba_crypto::CryptoError::BadSignature),
                "{name}"
            );
        }
    }
}

#[test]
fn wrong_password_is_its_own_error() {
    for name in FILES {
        let err =
            Keystore::open_pkcs12(&read(name), &Password::new("not-the-password")).unwrap_err();
        assert_eq!(err, KeyError::WrongPassword, "{name}");
    }
    // The other set's password (both are real NCA passwords).
    let err = Keystore::open_pkcs12(
        &read("individual_valid_sign_rsa_2004.p12"),
        &Password::new("Aa123456"),
    )
    .unwrap_err();
    assert_eq!(err, KeyError::WrongPassword);
}

#[test]
fn truncated_file_is_reported_as_truncated() {
    let data = read("individual_valid_sign_rsa_2004.p12");
    for cut in [1, 4, 100, data.len() / 2, data.len() - 1] {
        let err = Keystore::open_pkcs12(&data[..cut], &Password::new("Qwerty12")).unwrap_err();
        assert!(
            matches!(err, KeyError::Truncated { .. }),
            "cut at {cut}: {err:?}"
        );
    }
    let err = Keystore::open_pkcs12(&[], &Password::new("Qwerty12")).unwrap_err();
    assert!(matches!(err, KeyError::Truncated { .. }), "{err:?}");
}

#[test]
fn garbage_is_malformed() {
    let err =
        Keystore::open_pkcs12(b"this is not a PKCS#12 file", &Password::new("x")).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
    // Right structure, wrong version.
    let mut data = read("individual_valid_sign_rsa_2004.p12");
    assert_eq!(&data[4..7], &[0x02, 0x01, 0x03], "PFX version INTEGER 3");
    data[6] = 4;
    let err = Keystore::open_pkcs12(&data, &Password::new("Qwerty12")).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
}

/// The MacData of the NCA files ends the file: `04 14 <digest> 04 14 <salt> 02 02 04 00`.
fn mac_digest_range(data: &[u8]) -> std::ops::Range<usize> {
    let n = data.len();
    assert_eq!(&data[n - 4..], &[0x02, 0x02, 0x04, 0x00], "iterations 1024");
    assert_eq!(&data[n - 26..n - 24], &[0x04, 0x14], "salt OCTET STRING");
    assert_eq!(&data[n - 48..n - 46], &[0x04, 0x14], "digest OCTET STRING");
    n - 46..n - 26
}

#[test]
fn flipped_mac_byte_is_an_integrity_failure_not_a_wrong_password() {
    for name in FILES {
        let mut data = read(name);
        let r = mac_digest_range(&data);
        data[r.end - 1] ^= 0x01;
        let pw = Password::new(tanba_testdata::nca_password(name));
        assert_eq!(
            Keystore::open_pkcs12(&data, &pw).unwrap_err(),
            KeyError::MacMismatch,
            "{name}"
        );
        // ... and with a wrong password it is still "wrong password".
        assert_eq!(
            Keystore::open_pkcs12(&data, &Password::new("nope")).unwrap_err(),
            KeyError::WrongPassword,
            "{name}"
        );
    }
}

#[test]
fn flipped_content_byte_is_an_integrity_failure() {
    let name = "individual_valid_sign_rsa_2004.p12";
    let mut data = read(name);
    // A byte inside the encrypted certificate bag (in the second half of the file).
    let at = data.len() - 200;
    data[at] ^= 0x80;
    let err = Keystore::open_pkcs12(&data, &Password::new("Qwerty12")).unwrap_err();
    assert_eq!(err, KeyError::MacMismatch);
}

/// The NCA file with its MAC iteration count rewritten to 2^31 - 1 (lengths re-encoded).
fn with_huge_mac_iterations(name: &str) -> Vec<u8> {
    let data = read(name);
    let n = data.len();
    mac_digest_range(&data);
    // Outer SEQUENCE: 30 82 LL LL; MacData SEQUENCE: 30 3D just before the DigestInfo.
    assert_eq!(&data[..2], &[0x30, 0x82]);
    let outer_len = usize::from(data[2]) << 8 | usize::from(data[3]);
    assert_eq!(outer_len + 4, n);
    let mac_start = n - 63;
    assert_eq!(
        &data[mac_start..mac_start + 2],
        &[0x30, 0x3d],
        "MacData header"
    );
    let mut out = Vec::with_capacity(n + 2);
    let new_outer = outer_len + 2;
    out.extend_from_slice(&[0x30, 0x82, (new_outer >> 8) as u8, new_outer as u8]);
    out.extend_from_slice(&data[4..mac_start]);
    out.extend_from_slice(&[0x30, 0x3f]);
    out.extend_from_slice(&data[mac_start + 2..n - 4]);
    out.extend_from_slice(&[0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]);
    out
}

#[test]
fn huge_iteration_count_is_refused_before_any_work() {
    let data = with_huge_mac_iterations("individual_valid_sign_rsa_2004.p12");
    let err = Keystore::open_pkcs12(&data, &Password::new("Qwerty12")).unwrap_err();
    assert_eq!(
        err,
        KeyError::IterationLimit {
            what: "PKCS#12 MAC",
            requested: 0x7fff_ffff,
            limit: Limits::default().max_iterations,
        }
    );
}

#[test]
fn iteration_caps_are_configurable() {
    let data = read("individual_valid_sign_rsa_2004.p12");
    let pw = Password::new("Qwerty12");
    // The file uses 1024 iterations everywhere.
    let tight = Limits {
        max_iterations: 1000,
        ..Limits::default()
    };
    assert!(matches!(
        Keystore::open_pkcs12_with_limits(&data, &pw, &tight),
        Err(KeyError::IterationLimit {
            requested: 1024,
            limit: 1000,
            ..
        })
    ));
    // MAC (1) + key bag (key + IV: 2) + certificate bag (2) = 5 derivations of 1024.
    let budget = Limits {
        max_total_iterations: 4 * 1024,
        ..Limits::default()
    };
    assert!(matches!(
        Keystore::open_pkcs12_with_limits(&data, &pw, &budget),
        Err(KeyError::IterationLimit { limit: 4096, .. })
    ));
    let enough = Limits {
        max_total_iterations: 5 * 1024,
        ..Limits::default()
    };
    assert!(Keystore::open_pkcs12_with_limits(&data, &pw, &enough).is_ok());
}

#[test]
fn rsa_signer_signs_and_the_certificate_verifies_it() {
    let ks = open("individual_valid_sign_rsa_2004.p12").unwrap();
    let signer = ks.signer(&KeySelector::Purpose(KeyPurpose::Sign)).unwrap();
    assert_eq!(
        signer.algorithm(),
        tanba_crypto::SignatureAlgorithm::RsaPkcs1Sha256
    );
    let sig = signer.sign(b"payload", SignatureEncoding::XmlDsig).unwrap();
    let cert = ks.entries()[0].certificate().unwrap();
    let policy = tanba_crypto::AlgorithmPolicy::default();
    tanba_crypto::verify_signature(
        signer.algorithm(),
        cert.spki_der(),
        b"payload",
        &sig,
        SignatureEncoding::XmlDsig,
        &policy,
    )
    .unwrap();
    assert_eq!(
        tanba_crypto::verify_signature(
            signer.algorithm(),
            cert.spki_der(),
            b"payloaD",
            &sig,
            SignatureEncoding::XmlDsig,
            &policy
        ),
        Err(tanba_crypto::CryptoError::BadSignature)
    );
    // The AUTH file has no SIGN key.
    let auth = open("individual_auth_revoked_rsa_2004.p12").unwrap();
    assert!(matches!(
        auth.signer(&KeySelector::Purpose(KeyPurpose::Sign)),
        Err(KeyError::NoKeyForPurpose { .. })
    ));
}

#[test]
fn debug_output_never_shows_secrets() {
    let ks = open("individual_valid_sign_rsa_2004.p12").unwrap();
    let dbg = format!("{ks:?}");
    let pkcs8 = ks.entries()[0].key().pkcs8_der();
    // No run of the key's bytes (as Debug would print a Vec<u8>) appears.
    let needle = format!("{:?}", &pkcs8[pkcs8.len() - 16..]);
    let needle = needle.trim_matches(|c| c == '[' || c == ']');
    assert!(!dbg.contains(needle));
    assert!(dbg.contains("redacted"));
    assert!(!format!("{:?}", Password::new("Qwerty12")).contains("Qwerty12"));
}

#[test]
fn bag_count_is_capped() {
    // Each NCA file holds two bags (key + certificate).
    let data = read("individual_valid_sign_rsa_2004.p12");
    let pw = Password::new("Qwerty12");
    let one = Limits {
        max_bags: 1,
        ..Limits::default()
    };
    assert_eq!(
        Keystore::open_pkcs12_with_limits(&data, &pw, &one).unwrap_err(),
        KeyError::TooManyBags { limit: 1 }
    );
    let two = Limits {
        max_bags: 2,
        ..Limits::default()
    };
    assert!(Keystore::open_pkcs12_with_limits(&data, &pw, &two).is_ok());
}

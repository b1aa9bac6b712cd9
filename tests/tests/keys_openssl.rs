//! tanba-keys against OpenSSL as the independent oracle: the real NCA RK keystores read the
//! same as `openssl pkcs12 -legacy` shows them; signatures cross-verify both ways; keys
//! round-trip through OpenSSL-3-written modern PKCS#12 and through (encrypted) PKCS#8.
//! OpenSSL must be installed (.ci/run installs it); a missing binary fails the test.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tanba_crypto::{
    verify_signature, AlgorithmPolicy, CryptoError, SignatureAlgorithm, SignatureEncoding, Signer,
};
use tanba_keys::{KeyError, KeySelector, Keystore, Limits, Password};

const NCA_FILES: &[&str] = &[
    "individual_valid_sign_rsa_2004.p12",
    "individual_sign_revoked_rsa_2004.p12",
    "individual_auth_revoked_rsa_2004.p12",
    "ceo_sign_revoked_gost_2004.p12",
    "individual_valid_gost_2015.p12",
    "ceo_revoked_gost_2015.p12",
];
const PW_VAR: &str = "TANBA_KEYS_TEST_PW";

/// Run openssl; the password (if any) travels in an environment variable, never in argv.
fn openssl(args: &[&str], password: Option<&str>, stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new("openssl");
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = password {
        cmd.env(PW_VAR, p);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("cannot run `openssl` ({e}): install OpenSSL 3 (apt-get install openssl); this test needs it as the oracle")
    });
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Like [`openssl`] but fails the test on a non-zero exit.
fn openssl_ok(args: &[&str], password: Option<&str>, stdin: Option<&[u8]>) -> Vec<u8> {
    let out = openssl(args, password, stdin);
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn nca_path(name: &str) -> String {
    tanba_testdata::nca(&format!("keys/{name}"))
        .to_str()
        .unwrap()
        .to_string()
}

fn nca_password(name: &str) -> &'static str {
    tanba_testdata::nca_password(name)
}

fn open_nca(name: &str) -> Keystore {
    let data = tanba_testdata::read_nca(&format!("keys/{name}"));
    Keystore::open_pkcs12(&data, &Password::new(nca_password(name)))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `openssl x509 -nameopt utf8,sep_multiline,oid` block → (OID, value) pairs.
fn parse_multiline_name(text: &str, label: &str) -> Vec<(String, String)> {
    let mut lines = text.lines().skip_while(|l| *l != format!("{label}="));
    assert!(
        lines.next().is_some(),
        "no {label}= in openssl output:\n{text}"
    );
    lines
        .take_while(|l| l.starts_with("    "))
        .map(|l| {
            let (k, v) = l.trim_start().split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn every_nca_keystore_reads_as_openssl_shows_it() {
    for name in NCA_FILES {
        let pw = nca_password(name);
        let pem = openssl_ok(
            &[
                "pkcs12",
                "-legacy",
                "-in",
                &nca_path(name),
                "-passin",
                &format!("env:{PW_VAR}"),
                "-nokeys",
            ],
            Some(pw),
            None,
        );
        let text = String::from_utf8(openssl_ok(
            &[
                "x509",
                "-noout",
                "-subject",
                "-serial",
                "-issuer",
                "-nameopt",
                "utf8,sep_multiline,oid",
            ],
            None,
            Some(&pem),
        ))
        .unwrap();
        let der = openssl_ok(&["x509", "-outform", "DER"], None, Some(&pem));

        let ks = open_nca(name);
        let cert = ks.entries()[0].certificate().unwrap();
        assert_eq!(cert.der(), der.as_slice(), "{name}: certificate bytes");
        let subject = parse_multiline_name(&text, "subject");
        let issuer = parse_multiline_name(&text, "issuer");
        assert!(!subject.is_empty() && !issuer.is_empty(), "{name}");
        assert_eq!(
            cert.subject_attributes(),
            subject.as_slice(),
            "{name}: subject"
        );
        assert_eq!(
            cert.issuer_attributes(),
            issuer.as_slice(),
            "{name}: issuer"
        );
        let serial = text
            .lines()
            .find_map(|l| l.strip_prefix("serial="))
            .unwrap();
        assert_eq!(cert.serial_hex(), serial, "{name}: serial");
        // The identity: SERIALNUMBER = IIN + 12 digits, as openssl printed it.
        let iin = subject.iter().find(|(k, _)| k == "2.5.4.5").unwrap();
        assert!(
            iin.1.starts_with("IIN") && iin.1.len() == 15,
            "{name}: {iin:?}"
        );
        assert_eq!(cert.subject_attribute("2.5.4.5"), Some(iin.1.as_str()));
    }
}

#[test]
fn every_nca_keystore_matches_openssl_local_key_id() {
    for name in NCA_FILES {
        let info = String::from_utf8(openssl_ok(
            &[
                "pkcs12",
                "-legacy",
                "-in",
                &nca_path(name),
                "-passin",
                &format!("env:{PW_VAR}"),
                "-nokeys",
                "-info",
            ],
            Some(nca_password(name)),
            None,
        ))
        .unwrap();
        let id = info
            .lines()
            .find_map(|l| l.trim().strip_prefix("localKeyID: "))
            .unwrap()
            .replace(' ', "");
        let ks = open_nca(name);
        assert_eq!(
            hex::encode_upper(ks.entries()[0].local_key_id().unwrap()),
            id,
            "{name}"
        );
    }
}

/// The certificate's public key as PEM (openssl's own extraction).
fn public_key_pem(cert_der: &[u8]) -> Vec<u8> {
    openssl_ok(
        &["x509", "-inform", "DER", "-noout", "-pubkey"],
        None,
        Some(cert_der),
    )
}

#[test]
fn tanba_rsa_signature_verifies_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let ks = open_nca("individual_valid_sign_rsa_2004.p12");
    let signer = ks.signer(&KeySelector::Single).unwrap();
    assert_eq!(signer.algorithm(), SignatureAlgorithm::RsaPkcs1Sha256);
    let msg = b"<doc>tanba signs, openssl verifies</doc>";
    let sig = signer.sign(msg, SignatureEncoding::X509).unwrap();
    let pubkey = write(
        dir.path(),
        "pub.pem",
        &public_key_pem(ks.entries()[0].certificate().unwrap().der()),
    );
    let sig_path = write(dir.path(), "sig.bin", &sig);
    let out = openssl(
        &[
            "dgst",
            "-sha256",
            "-verify",
            &pubkey,
            "-signature",
            &sig_path,
        ],
        None,
        Some(msg),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Verified OK");
    // openssl rejects it for another message.
    let out = openssl(
        &[
            "dgst",
            "-sha256",
            "-verify",
            &pubkey,
            "-signature",
            &sig_path,
        ],
        None,
        Some(b"other"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Verification failure"));
}

#[test]
fn openssl_rsa_signature_verifies_with_tanba() {
    let dir = tempfile::tempdir().unwrap();
    let name = "individual_valid_sign_rsa_2004.p12";
    let key_pem = openssl_ok(
        &[
            "pkcs12",
            "-legacy",
            "-in",
            &nca_path(name),
            "-passin",
            &format!("env:{PW_VAR}"),
            "-nocerts",
            "-nodes",
        ],
        Some(nca_password(name)),
        None,
    );
    let key = write(dir.path(), "key.pem", &key_pem);
    let msg = b"openssl signs, tanba verifies";
    let sig = openssl_ok(&["dgst", "-sha256", "-sign", &key], None, Some(msg));
    let ks = open_nca(name);
    let spki = ks.entries()[0].certificate().unwrap().spki_der();
    let policy = AlgorithmPolicy::default();
    verify_signature(
        SignatureAlgorithm::RsaPkcs1Sha256,
        spki,
        msg,
        &sig,
        SignatureEncoding::X509,
        &policy,
    )
    .unwrap();
    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert_eq!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha256,
            spki,
            msg,
            &bad,
            SignatureEncoding::X509,
            &policy
        ),
        Err(CryptoError::BadSignature)
    );
    // The AUTH certificate's key did not make this signature.
    let auth = open_nca("individual_auth_revoked_rsa_2004.p12");
    assert_eq!(
        verify_signature(
            SignatureAlgorithm::RsaPkcs1Sha256,
            auth.entries()[0].certificate().unwrap().spki_der(),
            msg,
            &sig,
            SignatureEncoding::X509,
            &policy
        ),
        Err(CryptoError::BadSignature)
    );
}

/// Key and certificate of an NCA RSA file as PEM files, extracted by openssl.
fn extract_rsa(dir: &Path) -> (String, String) {
    let name = "individual_valid_sign_rsa_2004.p12";
    let args = |what: &str| {
        vec![
            "pkcs12".to_string(),
            "-legacy".into(),
            "-in".into(),
            nca_path(name),
            "-passin".into(),
            format!("env:{PW_VAR}"),
            what.into(),
            "-nodes".into(),
        ]
    };
    let run = |what: &str| {
        let a = args(what);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        openssl_ok(&a, Some(nca_password(name)), None)
    };
    (
        write(dir, "key.pem", &run("-nocerts")),
        write(dir, "cert.pem", &run("-nokeys")),
    )
}

/// Sign with tanba, verify with openssl against the certificate's key.
fn assert_openssl_verifies(ks: &Keystore, digest: &str) {
    let signer = ks.signer(&KeySelector::Single).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let msg = b"round trip";
    let sig = signer.sign(msg, SignatureEncoding::X509).unwrap();
    let pubkey = write(
        dir.path(),
        "pub.pem",
        &public_key_pem(&signer.certificate_chain()[0]),
    );
    let sig_path = write(dir.path(), "sig.bin", &sig);
    let out = openssl(
        &["dgst", digest, "-verify", &pubkey, "-signature", &sig_path],
        None,
        Some(msg),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Verified OK",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn modern_openssl3_pkcs12_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = extract_rsa(dir.path());
    let p12 = dir.path().join("modern.p12");
    let p12 = p12.to_str().unwrap();
    let pw = "Нов-пароль 42"; // non-ASCII: PBKDF2 takes UTF-8, the PKCS#12 MAC KDF a BMPString
    openssl_ok(
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &key,
            "-in",
            &cert,
            "-name",
            "tanba-test",
            "-out",
            p12,
            "-passout",
            &format!("env:{PW_VAR}"),
        ],
        Some(pw),
        None,
    );
    // Make sure the file really is the modern layout this test claims to cover.
    let info = String::from_utf8_lossy(
        &openssl(
            &[
                "pkcs12",
                "-in",
                p12,
                "-passin",
                &format!("env:{PW_VAR}"),
                "-info",
                "-noout",
            ],
            Some(pw),
            None,
        )
        .stderr,
    )
    .to_string();
    assert!(info.contains("MAC: sha256"), "{info}");
    assert!(info.contains("PBES2, PBKDF2, AES-256-CBC"), "{info}");
    assert!(info.contains("hmacWithSHA256"), "{info}");

    let data = std::fs::read(p12).unwrap();
    let ks = Keystore::open_pkcs12(&data, &Password::new(pw)).unwrap();
    assert_eq!(ks.entries().len(), 1);
    let e = &ks.entries()[0];
    assert_eq!(e.alias(), "tanba-test");
    assert!(ks.select(&KeySelector::Alias("tanba-test".into())).is_ok());
    let nca = open_nca("individual_valid_sign_rsa_2004.p12");
    assert_eq!(
        e.certificate().unwrap().der(),
        nca.entries()[0].certificate().unwrap().der()
    );
    assert_eq!(
        e.key().public_key_bits().unwrap(),
        nca.entries()[0].key().public_key_bits().unwrap()
    );
    assert_openssl_verifies(&ks, "-sha256");

    // The same negative cases as for the legacy files.
    assert_eq!(
        Keystore::open_pkcs12(&data, &Password::new("Qwerty12")).unwrap_err(),
        KeyError::WrongPassword
    );
    let mut altered = data.clone();
    let n = altered.len();
    // MacData ends the file: ... 04 20 <32-byte HMAC-SHA256> 04 08 <salt> 02 02 08 00
    assert_eq!(&altered[n - 4..], &[0x02, 0x02, 0x08, 0x00]);
    assert_eq!(&altered[n - 14..n - 12], &[0x04, 0x08]);
    assert_eq!(&altered[n - 48..n - 46], &[0x04, 0x20]);
    altered[n - 15] ^= 1;
    assert_eq!(
        Keystore::open_pkcs12(&altered, &Password::new(pw)).unwrap_err(),
        KeyError::MacMismatch
    );
    assert!(matches!(
        Keystore::open_pkcs12(&data[..n - 30], &Password::new(pw)).unwrap_err(),
        KeyError::Truncated { .. }
    ));
}

#[test]
fn modern_pkcs12_with_too_many_iterations_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = extract_rsa(dir.path());
    let p12 = dir.path().join("slow.p12");
    let p12 = p12.to_str().unwrap();
    let iter = (Limits::default().max_iterations + 1).to_string();
    openssl_ok(
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &key,
            "-in",
            &cert,
            "-iter",
            &iter,
            "-out",
            p12,
            "-passout",
            &format!("env:{PW_VAR}"),
        ],
        Some("pw"),
        None,
    );
    let err =
        Keystore::open_pkcs12(&std::fs::read(p12).unwrap(), &Password::new("pw")).unwrap_err();
    assert!(
        matches!(err, KeyError::IterationLimit { requested, limit, .. } if requested == limit + 1),
        "{err:?}"
    );
}

#[test]
fn ecdsa_p256_key_through_modern_pkcs12() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("ec.pem");
    let key = key.to_str().unwrap();
    let cert = dir.path().join("ec.crt");
    let cert = cert.to_str().unwrap();
    openssl_ok(
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            key,
        ],
        None,
        None,
    );
    openssl_ok(
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            key,
            "-subj",
            "/CN=tanba ec test",
            "-days",
            "1",
            "-addext",
            "keyUsage=critical,digitalSignature,nonRepudiation",
            "-out",
            cert,
        ],
        None,
        None,
    );
    let p12 = dir.path().join("ec.p12");
    let p12 = p12.to_str().unwrap();
    openssl_ok(
        &[
            "pkcs12",
            "-export",
            "-inkey",
            key,
            "-in",
            cert,
            "-out",
            p12,
            "-passout",
            &format!("env:{PW_VAR}"),
        ],
        Some("ec-pass"),
        None,
    );
    let ks =
        Keystore::open_pkcs12(&std::fs::read(p12).unwrap(), &Password::new("ec-pass")).unwrap();
    let e = &ks.entries()[0];
    assert_eq!(
        e.key_algorithm(),
        &tanba_crypto::KeyAlgorithm::Ec { curve: "P-256" }
    );
    assert_eq!(e.purpose(), tanba_keys::KeyPurpose::Sign);
    assert_eq!(e.certificate().unwrap().subject(), "CN=tanba ec test");
    assert_openssl_verifies(&ks, "-sha256");

    // The same key as SEC1 "EC PRIVATE KEY" PEM with the certificate as PEM.
    let sec1 = openssl_ok(&["ec", "-in", key], None, None);
    assert!(String::from_utf8_lossy(&sec1).contains("BEGIN EC PRIVATE KEY"));
    let loose = Keystore::from_pkcs8(&sec1, None, &std::fs::read(cert).unwrap()).unwrap();
    assert_eq!(
        loose.entries()[0].key().public_key_bits().unwrap(),
        e.key().public_key_bits().unwrap()
    );
    assert_eq!(
        loose.entries()[0].matched_by(),
        Some(tanba_keys::CertificateMatch::PublicKey)
    );
}

#[test]
fn pkcs8_forms_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = extract_rsa(dir.path());
    let cert_pem = std::fs::read(&cert).unwrap();
    let cert_der = openssl_ok(&["x509", "-in", &cert, "-outform", "DER"], None, None);
    let pw = Password::new("pkcs8-pass");
    let pass = Some("pkcs8-pass");
    let penv = format!("env:{PW_VAR}");
    let forms: Vec<(&str, Vec<u8>, bool)> = vec![
        (
            "plain PEM",
            openssl_ok(&["pkcs8", "-topk8", "-nocrypt", "-in", &key], None, None),
            false,
        ),
        (
            "plain DER",
            openssl_ok(
                &[
                    "pkcs8", "-topk8", "-nocrypt", "-in", &key, "-outform", "DER",
                ],
                None,
                None,
            ),
            false,
        ),
        (
            "PKCS#1 PEM",
            openssl_ok(&["rsa", "-in", &key, "-traditional"], None, None),
            false,
        ),
        (
            "PBES2 AES-256 PEM",
            openssl_ok(
                &[
                    "pkcs8",
                    "-topk8",
                    "-v2",
                    "aes-256-cbc",
                    "-in",
                    &key,
                    "-passout",
                    &penv,
                ],
                pass,
                None,
            ),
            true,
        ),
        (
            "PBES2 AES-128 SHA-1 PRF DER",
            openssl_ok(
                &[
                    "pkcs8",
                    "-topk8",
                    "-v2",
                    "aes-128-cbc",
                    "-v2prf",
                    "hmacWithSHA1",
                    "-in",
                    &key,
                    "-outform",
                    "DER",
                    "-passout",
                    &penv,
                ],
                pass,
                None,
            ),
            true,
        ),
        (
            "PBES2 DES-EDE3 PEM",
            openssl_ok(
                &[
                    "pkcs8", "-topk8", "-v2", "des3", "-in", &key, "-passout", &penv,
                ],
                pass,
                None,
            ),
            true,
        ),
        (
            "PKCS#12 PBE 3DES PEM",
            openssl_ok(
                &[
                    "pkcs8",
                    "-topk8",
                    "-v1",
                    "PBE-SHA1-3DES",
                    "-in",
                    &key,
                    "-passout",
                    &penv,
                ],
                pass,
                None,
            ),
            true,
        ),
    ];
    let nca = open_nca("individual_valid_sign_rsa_2004.p12");
    let expected_public = nca.entries()[0].key().public_key_bits().unwrap();
    for (label, bytes, encrypted) in &forms {
        for certs in [&cert_pem, &cert_der] {
            let ks = Keystore::from_pkcs8(bytes, Some(&pw), certs)
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            let e = &ks.entries()[0];
            assert_eq!(
                e.key().public_key_bits().unwrap(),
                expected_public,
                "{label}"
            );
            assert_eq!(
                e.matched_by(),
                Some(tanba_keys::CertificateMatch::PublicKey),
                "{label}"
            );
            assert_eq!(e.chain().len(), 1, "{label}");
        }
        if *encrypted {
            assert_eq!(
                Keystore::from_pkcs8(bytes, Some(&Password::new("wrong")), &cert_pem).unwrap_err(),
                KeyError::WrongPassword,
                "{label}"
            );
            assert!(
                matches!(
                    Keystore::from_pkcs8(bytes, None, &cert_pem),
                    Err(KeyError::PasswordRequired { .. })
                ),
                "{label}"
            );
        }
    }
    // scrypt-protected PKCS#8: refused by name (its cost parameters are not capped here).
    let scrypt = openssl_ok(
        &["pkcs8", "-topk8", "-scrypt", "-in", &key, "-passout", &penv],
        pass,
        None,
    );
    match Keystore::from_pkcs8(&scrypt, Some(&pw), &cert_pem) {
        Err(KeyError::UnsupportedAlgorithm { oid, .. }) => {
            assert_eq!(oid, "1.3.6.1.4.1.11591.4.11", "the scrypt OID")
        }
        other => panic!("scrypt key: {other:?}"),
    }
    // A key alone (no certificate) still signs; the chain is empty.
    let ks = Keystore::from_pkcs8(&forms[0].1, None, &[]).unwrap();
    assert!(ks
        .signer(&KeySelector::Single)
        .unwrap()
        .certificate_chain()
        .is_empty());
    // A certificate that is not the key's: loaded, but not paired.
    let auth = open_nca("individual_auth_revoked_rsa_2004.p12");
    let other = auth.entries()[0].certificate().unwrap().der().to_vec();
    let ks = Keystore::from_pkcs8(&forms[0].1, None, &other).unwrap();
    assert!(ks.entries()[0].certificate().is_none());
    assert_eq!(ks.certificates().len(), 1);
}

/// Less common layouts OpenSSL can write: a CA certificate beside the leaf (chain order),
/// no MAC at all, an unencrypted key bag, and the legacy algorithms written by OpenSSL 3.
#[test]
fn openssl_pkcs12_variants() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = extract_rsa(dir.path());
    let ca = tanba_testdata::nca("ca/nca_rsa_test.crt");
    let ca = ca.to_str().unwrap();
    let ca_der = openssl_ok(&["x509", "-in", ca, "-outform", "DER"], None, None);
    let penv = format!("env:{PW_VAR}");
    let export = |file: &str, extra: &[&str], pw: &str| -> Vec<u8> {
        let out = dir.path().join(file);
        let out = out.to_str().unwrap();
        let mut args = vec![
            "pkcs12", "-export", "-inkey", &key, "-in", &cert, "-out", out, "-passout", &penv,
        ];
        args.extend_from_slice(extra);
        openssl_ok(&args, Some(pw), None);
        std::fs::read(out).unwrap()
    };

    // Leaf + issuing CA: the chain is leaf first, then the CA.
    let data = export("chain.p12", &["-certfile", ca], "pw");
    let ks = Keystore::open_pkcs12(&data, &Password::new("pw")).unwrap();
    assert_eq!(ks.certificates().len(), 2);
    let chain = ks.entries()[0].chain();
    assert_eq!(chain.len(), 2);
    assert!(chain[0].subject().contains("SERIALNUMBER=IIN123456789011"));
    assert_eq!(chain[1].der(), ca_der.as_slice());
    let signer = ks.signer(&KeySelector::Single).unwrap();
    assert_eq!(signer.certificate_chain()[1], ca_der);

    // No MAC: the right password opens it, a wrong one is still "wrong password".
    let data = export("nomac.p12", &["-nomac"], "pw");
    let info = String::from_utf8_lossy(
        &openssl(
            &[
                "pkcs12",
                "-in",
                dir.path().join("nomac.p12").to_str().unwrap(),
                "-passin",
                &penv,
                "-info",
                "-noout",
            ],
            Some("pw"),
            None,
        )
        .stderr,
    )
    .to_string();
    assert!(!info.contains("MAC: sha"), "{info}");
    // refused by default (issue 12, item 13): nothing shows the file was not altered
    assert_eq!(
        Keystore::open_pkcs12(&data, &Password::new("pw")).unwrap_err(),
        KeyError::NoMac
    );
    let allow = tanba_keys::Pkcs12Options {
        allow_missing_mac: true,
        ..Default::default()
    };
    let ks = Keystore::open_pkcs12_with(&data, &Password::new("pw"), &allow).unwrap();
    assert_eq!(ks.integrity(), tanba_keys::Integrity::None);
    assert_eq!(
        Keystore::open_pkcs12_with(&data, &Password::new("nope"), &allow).unwrap_err(),
        KeyError::WrongPassword
    );

    // Key and certificates not encrypted at all (keyBag), MAC still present.
    let data = export("plain.p12", &["-keypbe", "NONE", "-certpbe", "NONE"], "pw");
    let ks = Keystore::open_pkcs12(&data, &Password::new("pw")).unwrap();
    assert_eq!(ks.integrity(), tanba_keys::Integrity::Mac);
    assert_eq!(ks.entries()[0].chain().len(), 1);
    assert_eq!(
        Keystore::open_pkcs12(&data, &Password::new("nope")).unwrap_err(),
        KeyError::WrongPassword
    );

    // OpenSSL 3 -legacy: the NCA algorithms, written by another implementation.
    let data = export("legacy.p12", &["-legacy"], "pw");
    let ks = Keystore::open_pkcs12(&data, &Password::new("pw")).unwrap();
    assert_openssl_verifies(&ks, "-sha256");

    // The empty password (OpenSSL writes the MAC over the two-zero-byte BMPString).
    let data = export("empty.p12", &[], "");
    assert!(Keystore::open_pkcs12(&data, &Password::new("")).is_ok());
    assert_eq!(
        Keystore::open_pkcs12(&data, &Password::new("x")).unwrap_err(),
        KeyError::WrongPassword
    );
}

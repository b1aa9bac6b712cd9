//! Every certificate of `../shared/testdata/nca/` parses with the NCA profile; the parsed
//! facts are compared with `openssl x509` output (an independent parser) and asserted
//! against the facts recorded in KZ-PKI.md §1 and §4.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use tanba_pki::{IdPolicy, KeyUsageClass, KzCertificate, Role, SubjectType};

const EMAIL_PROTECTION: &str = "1.3.6.1.5.5.7.3.4";
const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
const OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
const TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";

/// Run `openssl ARGS` with `input` on stdin; stdout as UTF-8.
fn openssl(args: &[&str], input: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A named certificate source: (label, PEM/DER bytes as produced by the source).
fn sources() -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for f in [
        "certs/ceo_valid_sign_2004_gost.cer",
        "certs/individual_valid_sign_2004_rsa.cer",
        "certs/individual_valid_sign_2004_rsa_auth.cer",
        "ca/nca_rsa_test.crt",
        "ca/nca_gost_test.crt",
        "ca/nca_gost2015_test.cer",
    ] {
        v.push((f.to_owned(), tanba_testdata::read_nca(f)));
    }
    for f in P12 {
        v.push((format!("keys/{f}"), p12_pem(f)));
    }
    for f in OCSP {
        v.push((format!("ocsp/{f}"), ocsp_pem(f)));
    }
    let tsp = tanba_testdata::nca("tsp/tsp_token.bin");
    let pem = openssl(
        &[
            "pkcs7",
            "-inform",
            "DER",
            "-print_certs",
            "-in",
            tsp.to_str().unwrap(),
        ],
        b"",
    );
    v.push(("tsp/tsp_token.bin".to_owned(), pem.into_bytes()));
    v
}

const P12: [&str; 6] = [
    "individual_valid_sign_rsa_2004.p12",
    "individual_sign_revoked_rsa_2004.p12",
    "individual_auth_revoked_rsa_2004.p12",
    "ceo_sign_revoked_gost_2004.p12",
    "individual_valid_gost_2015.p12",
    "ceo_revoked_gost_2015.p12",
];

const OCSP: [&str; 4] = [
    "ocsp_response_individual_sign_2004.bin",
    "ocsp_response_ceo_sign_2004_revoked.bin",
    "ocsp_response_ceo_2015_revoked.bin",
    "ocsp_response_individual_2015.bin",
];

/// The certificate of an NCA test PKCS#12, extracted by openssl (output includes
/// "Bag Attributes" text around the PEM block, which the parser must tolerate).
fn p12_pem(file: &str) -> Vec<u8> {
    let path = tanba_testdata::nca(&format!("keys/{file}"));
    let pass = format!("pass:{}", tanba_testdata::nca_password(file));
    openssl(
        &[
            "pkcs12",
            "-legacy",
            "-nokeys",
            "-passin",
            &pass,
            "-in",
            path.to_str().unwrap(),
        ],
        b"",
    )
    .into_bytes()
}

/// The responder certificate embedded in an OCSP response (printed as PEM by openssl).
fn ocsp_pem(file: &str) -> Vec<u8> {
    let path = tanba_testdata::nca(&format!("ocsp/{file}"));
    let text = openssl(
        &[
            "ocsp",
            "-respin",
            path.to_str().unwrap(),
            "-noverify",
            "-resp_text",
        ],
        b"",
    );
    let start = text
        .find("-----BEGIN CERTIFICATE-----")
        .expect("responder cert in response");
    let end = text.find("-----END CERTIFICATE-----").unwrap() + 25;
    text.as_bytes()[start..end].to_vec()
}

fn one(label: &str, bytes: &[u8]) -> KzCertificate {
    let mut certs =
        KzCertificate::from_pem_or_der(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(certs.len(), 1, "{label}: expected one certificate");
    certs.remove(0)
}

fn by_label(label: &str) -> KzCertificate {
    let (l, b) = sources().into_iter().find(|(l, _)| l == label).unwrap();
    one(&l, &b)
}

/// One extension block of `openssl x509 -text`: header line, critical flag, body lines.
struct Block {
    header: String,
    critical: bool,
    body: Vec<String>,
}

/// The extension blocks of `openssl x509 -text`.
fn ext_blocks(text: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.trim() == "X509v3 extensions:" {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if line.starts_with("    Signature Algorithm") {
            break;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 12 {
            let h = line.trim();
            let critical = h.ends_with("critical");
            let header = h
                .trim_end_matches("critical")
                .trim()
                .trim_end_matches(':')
                .to_owned();
            blocks.push(Block {
                header,
                critical,
                body: Vec::new(),
            });
        } else if indent > 12 {
            blocks.last_mut().unwrap().body.push(line.trim().to_owned());
        }
    }
    blocks
}

fn block<'a>(blocks: &'a [Block], header: &str) -> Option<&'a Block> {
    blocks.iter().find(|b| b.header == header)
}

fn uris(b: Option<&Block>) -> Vec<String> {
    b.map(|b| {
        b.body
            .iter()
            .filter_map(|l| l.strip_prefix("URI:").map(str::to_owned))
            .collect()
    })
    .unwrap_or_default()
}

fn ossl_hex(s: &str) -> String {
    s.replace(':', "").to_uppercase()
}

fn ku_name(openssl_name: &str) -> &'static str {
    match openssl_name {
        "Digital Signature" => "digitalSignature",
        "Non Repudiation" => "nonRepudiation",
        "Key Encipherment" => "keyEncipherment",
        "Data Encipherment" => "dataEncipherment",
        "Key Agreement" => "keyAgreement",
        "Certificate Sign" => "keyCertSign",
        "CRL Sign" => "cRLSign",
        "Encipher Only" => "encipherOnly",
        "Decipher Only" => "decipherOnly",
        other => panic!("unknown openssl key usage {other:?}"),
    }
}

fn eku_oid(openssl_name: &str) -> String {
    match openssl_name {
        "E-mail Protection" => EMAIL_PROTECTION.into(),
        "TLS Web Client Authentication" => CLIENT_AUTH.into(),
        "TLS Web Server Authentication" => "1.3.6.1.5.5.7.3.1".into(),
        "Code Signing" => "1.3.6.1.5.5.7.3.3".into(),
        "Time Stamping" => TIME_STAMPING.into(),
        "OCSP Signing" => OCSP_SIGNING.into(),
        other => {
            assert!(
                other.chars().all(|c| c.is_ascii_digit() || c == '.'),
                "{other:?}"
            );
            other.into()
        }
    }
}

/// `openssl x509 -subject/-issuer -nameopt utf8,sep_multiline,oid` → (oid, value) pairs.
fn ossl_name(der: &[u8], which: &str) -> Vec<(String, String)> {
    let out = openssl(
        &[
            "x509",
            "-inform",
            "DER",
            "-noout",
            which,
            "-nameopt",
            "utf8,sep_multiline,oid",
        ],
        der,
    );
    out.lines()
        .skip(1)
        .map(|l| {
            let (k, v) = l.trim().split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

fn ossl_date(s: &str) -> time::OffsetDateTime {
    // "Jan 18 04:45:35 2022 GMT"
    let fmt = time::macros::format_description!(
        "[month repr:short] [day padding:space] [hour]:[minute]:[second] [year] GMT"
    );
    time::PrimitiveDateTime::parse(s, fmt).unwrap().assume_utc()
}

#[test]
fn every_nca_certificate_matches_openssl() {
    let all = sources();
    assert_eq!(
        all.len(),
        17,
        "6 files + 6 keystores + 4 OCSP responders + 1 TSA"
    );
    for (label, bytes) in &all {
        let c = one(label, bytes);
        let der = c.der();
        let field = |opt: &str| -> String {
            let out = openssl(&["x509", "-inform", "DER", "-noout", opt], der);
            out.trim().split_once('=').unwrap().1.to_owned()
        };
        // serial, validity, fingerprint
        assert_eq!(c.serial_hex(), field("-serial"), "{label}");
        assert_eq!(c.not_before(), ossl_date(&field("-startdate")), "{label}");
        assert_eq!(c.not_after(), ossl_date(&field("-enddate")), "{label}");
        let fp = openssl(
            &[
                "x509",
                "-inform",
                "DER",
                "-noout",
                "-fingerprint",
                "-sha256",
            ],
            der,
        );
        assert_eq!(
            hex::encode_upper(c.sha256_fingerprint()),
            ossl_hex(fp.trim().split_once('=').unwrap().1),
            "{label}"
        );
        // names, attribute by attribute, by OID
        let mine = |n: &tanba_pki::DistinguishedName| -> Vec<(String, String)> {
            n.attributes()
                .iter()
                .map(|a| (a.oid.clone(), a.value.clone()))
                .collect()
        };
        assert_eq!(
            mine(c.subject()),
            ossl_name(der, "-subject"),
            "{label} subject"
        );
        assert_eq!(
            mine(c.issuer()),
            ossl_name(der, "-issuer"),
            "{label} issuer"
        );

        // extensions
        let text = openssl(&["x509", "-inform", "DER", "-noout", "-text"], der);
        let blocks = ext_blocks(&text);
        assert_eq!(
            blocks.len(),
            c.extensions().len(),
            "{label}: extension count"
        );
        for (b, e) in blocks.iter().zip(c.extensions()) {
            assert_eq!(
                b.critical, e.critical,
                "{label}: critical flag of {}",
                e.oid
            );
        }
        let ku: Option<Vec<&str>> = block(&blocks, "X509v3 Key Usage")
            .map(|b| b.body[0].split(", ").map(ku_name).collect());
        assert_eq!(c.key_usage().map(|k| k.names()), ku, "{label}: keyUsage");
        let eku: Option<Vec<String>> = block(&blocks, "X509v3 Extended Key Usage")
            .map(|b| b.body[0].split(", ").map(eku_oid).collect());
        assert_eq!(
            c.extended_key_usage().map(<[String]>::to_vec),
            eku,
            "{label}: EKU"
        );
        assert_eq!(
            c.crl_urls(),
            uris(block(&blocks, "X509v3 CRL Distribution Points")),
            "{label}"
        );
        assert_eq!(
            c.delta_crl_urls(),
            uris(block(&blocks, "X509v3 Freshest CRL")),
            "{label}"
        );
        let aia = block(&blocks, "Authority Information Access");
        let aia_uris = |prefix: &str| -> Vec<String> {
            aia.map(|b| {
                b.body
                    .iter()
                    .filter_map(|l| l.strip_prefix(prefix).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
        };
        assert_eq!(c.ocsp_urls(), aia_uris("OCSP - URI:"), "{label}");
        assert_eq!(c.ca_issuer_urls(), aia_uris("CA Issuers - URI:"), "{label}");
        let ski = block(&blocks, "X509v3 Subject Key Identifier").map(|b| ossl_hex(&b.body[0]));
        assert_eq!(
            c.subject_key_id().map(hex::encode_upper),
            ski,
            "{label}: SKI"
        );
        if let Some(b) = block(&blocks, "X509v3 Authority Key Identifier") {
            let aki = c.authority_key_id().expect("AKI");
            let kid = b
                .body
                .iter()
                .find(|l| !l.starts_with("DirName:") && !l.starts_with("serial:"));
            let kid = kid.map(|l| ossl_hex(l.trim_start_matches("keyid:")));
            assert_eq!(
                aki.key_id.as_deref().map(hex::encode_upper),
                kid,
                "{label}: AKI"
            );
            let serial = b
                .body
                .iter()
                .find_map(|l| l.strip_prefix("serial:"))
                .map(ossl_hex);
            assert_eq!(
                aki.serial.as_deref().map(hex::encode_upper),
                serial,
                "{label}: AKI serial"
            );
            assert_eq!(
                aki.issuer.len(),
                b.body.iter().filter(|l| l.starts_with("DirName:")).count(),
                "{label}: AKI issuer"
            );
        } else {
            assert!(c.authority_key_id().is_none(), "{label}");
        }
        let bc =
            block(&blocks, "X509v3 Basic Constraints").map(|b| b.body[0].starts_with("CA:TRUE"));
        assert_eq!(
            c.basic_constraints().map(|b| b.ca),
            bc,
            "{label}: basicConstraints"
        );
        let policies: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Policy: ").map(str::to_owned))
            .collect();
        let mine_p: Vec<String> = c.policies().iter().map(|p| p.oid.clone()).collect();
        assert_eq!(mine_p, policies, "{label}: policies");
        for p in c.policies() {
            // Kept as encoded: the GOST-2022 CA's IA5String is " http://pki.gov.kz/cps"
            // (leading space; openssl asn1parse shows it, openssl -text trims it).
            let cps: Vec<&str> = p.cps_uris.iter().map(|u| u.trim()).collect();
            assert_eq!(cps, ["http://pki.gov.kz/cps"], "{label}");
        }
        let ossl_sig = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Signature Algorithm: "))
            .unwrap();
        let names = [("sha256WithRSAEncryption", "1.2.840.113549.1.1.11")];
        let expected_sig = names
            .iter()
            .find(|(n, _)| *n == ossl_sig)
            .map_or(ossl_sig, |(_, o)| *o);
        assert_eq!(c.signature_algorithm_oid(), expected_sig, "{label}");

        // All real certificates: serial 20 bytes, nothing unknown and critical.
        assert_eq!(
            c.serial_hex().len(),
            40,
            "{label}: 20-byte serial (KZ-PKI.md §1.5)"
        );
        assert!(c.unknown_critical_extensions().is_empty(), "{label}");
        // tbs + signature are consistent with the DER.
        assert!(c.der().windows(c.tbs_der().len()).any(|w| w == c.tbs_der()));
        assert!(c.der().ends_with(c.signature_value()));
    }
}

#[test]
fn ceo_2004_gost_certificate() {
    for label in [
        "certs/ceo_valid_sign_2004_gost.cer",
        "keys/ceo_sign_revoked_gost_2004.p12",
    ] {
        let c = by_label(label);
        assert_eq!(c.common_name(), Some("ТЕСТОВ ТЕСТ"));
        assert_eq!(c.surname(), Some("ТЕСТОВ"));
        assert_eq!(
            c.given_name(),
            Some("ТЕСТОВИЧ"),
            "patronymic from GIVENNAME"
        );
        assert_eq!(c.organization(), Some("АО \"ТЕСТ\""));
        assert_eq!(c.country(), Some("KZ"));
        assert_eq!(c.bin().unwrap().as_str(), "123456789021");
        assert_eq!(c.iin().unwrap().as_str(), "123456789011");
        assert_eq!(c.roles(), &[Role::LegalEntity, Role::FirstHead]);
        assert!(c.roles().iter().any(Role::can_sign_for_organization));
        assert_eq!(c.subject_type(), SubjectType::LegalEntity);
        assert_eq!(c.key_usage_class(), KeyUsageClass::Sign);
        assert_eq!(c.key_description(), "GOST 34.310-2004");
        assert_eq!(c.signature_algorithm_oid(), "1.2.398.3.10.1.1.1.2");
        assert_eq!(c.policies()[0].oid, "1.2.398.3.3.2.1", "LE signing policy");
        // KZ-PKI.md §1.6 anomaly: the GOST CEO cert points at the RSA CRL.
        assert_eq!(
            c.crl_urls(),
            ["http://test.pki.gov.kz/crl/nca_rsa_test.crl"]
        );
        assert_eq!(
            c.delta_crl_urls(),
            ["http://test.pki.gov.kz/crl/nca_d_rsa_test.crl"]
        );
        assert_eq!(c.ocsp_urls(), ["http://test.pki.gov.kz/ocsp/"]);
        assert_eq!(
            c.ca_issuer_urls(),
            ["http://test.pki.gov.kz/cert/nca_rsa_test.cer"]
        );
        assert_eq!(c.issuer_string(), "C=KZ, CN=ҰКО 3.0 (GOST TEST)");
        assert_eq!(
            c.subject_string(),
            "CN=ТЕСТОВ ТЕСТ, SURNAME=ТЕСТОВ, SERIALNUMBER=IIN123456789011, C=KZ, O=АО \"ТЕСТ\", OU=BIN123456789021, GIVENNAME=ТЕСТОВИЧ"
        );
        // Test identifiers: rejected unless the policy allows them.
        assert!(c.bin().unwrap().check(IdPolicy::Strict).is_err());
        assert!(c.bin().unwrap().check(IdPolicy::ChecksumOnly).is_err());
        assert!(c.bin().unwrap().check(IdPolicy::AcceptTestIds).is_ok());
        assert!(c.subject_notes().is_empty());
    }
}

#[test]
fn individual_2004_rsa_sign_and_auth() {
    let sign = by_label("certs/individual_valid_sign_2004_rsa.cer");
    assert_eq!(sign.roles(), &[Role::Individual]);
    assert_eq!(sign.subject_type(), SubjectType::Individual);
    assert_eq!(sign.key_usage_class(), KeyUsageClass::Sign);
    assert_eq!(
        sign.extended_key_usage().unwrap(),
        [EMAIL_PROTECTION, "1.2.398.3.3.4.1.1"]
    );
    assert_eq!(sign.policies()[0].oid, "1.2.398.3.3.2.3");
    assert!(sign.bin().is_none() && sign.organization().is_none());
    assert_eq!(sign.iin().unwrap().as_str(), "123456789011");
    assert_eq!(sign.key_description(), "RSA-2048");
    assert_eq!(
        sign.serial_hex().get(..8),
        Some("41E45CC8"),
        "KZ-PKI.md §4.1"
    );
    let p12 = by_label("keys/individual_valid_sign_rsa_2004.p12");
    assert_eq!(
        p12.serial_hex().get(..8),
        Some("4279390A"),
        "KZ-PKI.md §4.2"
    );
    assert_eq!(p12.key_usage_class(), KeyUsageClass::Sign);

    let auth = by_label("certs/individual_valid_sign_2004_rsa_auth.cer");
    assert_eq!(auth.key_usage_class(), KeyUsageClass::Auth);
    assert!(auth.has_eku(CLIENT_AUTH));
    assert_eq!(auth.policies()[0].oid, "1.2.398.3.3.2.4");
    assert_eq!(auth.roles(), &[Role::Individual]);

    let revoked_auth = by_label("keys/individual_auth_revoked_rsa_2004.p12");
    assert_eq!(revoked_auth.key_usage_class(), KeyUsageClass::Auth);
    assert_eq!(
        revoked_auth.serial_hex().get(..8),
        Some("1AB11253"),
        "KZ-PKI.md §4.1"
    );
    let revoked_sign = by_label("keys/individual_sign_revoked_rsa_2004.p12");
    assert_eq!(revoked_sign.key_usage_class(), KeyUsageClass::Sign);
    assert_eq!(revoked_sign.serial_hex().get(..8), Some("46757A21"));
}

#[test]
fn gost_2015_certificates_are_sign_with_key_encipherment() {
    for (label, serial, iin, roles, stype) in [
        (
            "keys/individual_valid_gost_2015.p12",
            "0FF06211",
            "123456789012",
            vec![Role::Individual],
            SubjectType::Individual,
        ),
        (
            "keys/ceo_revoked_gost_2015.p12",
            "3A90343E",
            "123456789011",
            vec![Role::LegalEntity, Role::FirstHead],
            SubjectType::LegalEntity,
        ),
    ] {
        let c = by_label(label);
        let ku = c.key_usage().unwrap();
        assert_eq!(
            ku.names(),
            ["digitalSignature", "nonRepudiation", "keyEncipherment"]
        );
        assert_eq!(c.key_usage_class(), KeyUsageClass::Sign, "{label}");
        assert_eq!(c.serial_hex().get(..8), Some(serial));
        assert_eq!(c.iin().unwrap().as_str(), iin);
        assert_eq!(c.roles(), roles.as_slice());
        assert_eq!(c.subject_type(), stype);
        assert_eq!(c.key_description(), "GOST 34.10-2015 512-bit");
        assert_eq!(c.signature_algorithm_oid(), "1.2.398.3.10.1.1.2.3.2");
        assert_eq!(c.policies()[0].oid, "1.2.398.3.3.2");
        assert_eq!(
            c.crl_urls(),
            ["http://test.pki.gov.kz/crl/nca_gost2022_test.crl"]
        );
        assert_eq!(
            c.delta_crl_urls(),
            ["http://test.pki.gov.kz/crl/nca_gost2022_d_test.crl"]
        );
        assert_eq!(
            c.ca_issuer_urls(),
            ["http://test.pki.gov.kz/cert/nca_gost2022_test.cer"]
        );
        let ks = c
            .extensions()
            .iter()
            .find(|e| e.oid == "1.2.398.3.3.5")
            .unwrap();
        assert!(!ks.critical, "key-store extension is non-critical");
        assert_eq!(ks.name, Some("kzKeyStoreType"));
        assert_eq!(c.key_store_oid(), Some("1.2.398.3.3.5.1.1"));
        assert_eq!(c.key_store_name(), Some("PKCS#12 file"));
        assert_eq!(
            c.issuer_string(),
            "CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022, C=KZ"
        );
    }
    let ceo = by_label("keys/ceo_revoked_gost_2015.p12");
    assert_eq!(ceo.bin().unwrap().as_str(), "123456789021");
}

#[test]
fn issuing_cas() {
    let expect = [
        (
            "ca/nca_rsa_test.crt",
            "C=KZ, CN=ҰКО 3.0 (RSA TEST)",
            "RSA-4096",
        ),
        (
            "ca/nca_gost_test.crt",
            "C=KZ, CN=ҰКО 3.0 (GOST TEST)",
            "GOST 34.310-2004",
        ),
        (
            "ca/nca_gost2015_test.cer",
            "CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022, C=KZ",
            "GOST 34.10-2015 512-bit",
        ),
    ];
    for (label, subject, key) in expect {
        let c = by_label(label);
        assert_eq!(c.subject_string(), subject);
        assert_eq!(c.key_description(), key);
        assert!(c.is_ca());
        assert_eq!(c.basic_constraints().unwrap().path_len, None, "no pathLen");
        assert_eq!(c.key_usage().unwrap().names(), ["keyCertSign", "cRLSign"]);
        assert!(c.extended_key_usage().is_none(), "CAs have no EKU");
        assert_eq!(c.key_usage_class(), KeyUsageClass::Other);
        assert!(c.roles().is_empty());
        assert_eq!(c.subject_type(), SubjectType::Unknown);
        assert!(c.iin().is_none() && c.bin().is_none());
        assert!(!c.is_self_issued());
    }
    // CA AKIs carry issuer + serial (KZ-PKI.md §1.5).
    let gost = by_label("ca/nca_gost2015_test.cer");
    assert_eq!(gost.policies()[0].cps_uris, [" http://pki.gov.kz/cps"]);
    let rsa = by_label("ca/nca_rsa_test.crt");
    let aki = rsa.authority_key_id().unwrap();
    assert_eq!(aki.issuer, ["CN=НЕГІЗГІ КО TEST (RSA), C=KZ"]);
    assert!(aki.serial.is_some());
    // The leaf's AKI equals the CA's SKI.
    let leaf = by_label("certs/individual_valid_sign_2004_rsa.cer");
    assert_eq!(
        leaf.authority_key_id().unwrap().key_id.as_deref(),
        rsa.subject_key_id()
    );
    assert!(leaf.issuer().matches(rsa.subject()));
    assert_eq!(rsa.not_before().date().to_string(), "2019-03-15");
}

#[test]
fn ocsp_responders_and_tsa() {
    for f in [
        "ocsp_response_individual_sign_2004.bin",
        "ocsp_response_ceo_sign_2004_revoked.bin",
    ] {
        let c = by_label(&format!("ocsp/{f}"));
        assert!(c.has_eku(OCSP_SIGNING));
        assert!(c.has_ocsp_nocheck());
        assert!(c.key_usage().is_none(), "2004 responders have no keyUsage");
        assert_eq!(c.iin().unwrap().as_str(), "123456789011");
        assert_eq!(c.bin().unwrap().as_str(), "123456789021");
        assert_eq!(
            c.common_name(),
            Some("СЕРВИС ПРОВЕРКИ ОНЛАЙН СТАТУСА СЕРТИФИКАТА")
        );
        // Production URLs inside test responders (KZ-PKI.md §1.6).
        assert!(
            c.ocsp_urls().iter().any(|u| u == "http://ocsp.pki.gov.kz"),
            "{:?}",
            c.ocsp_urls()
        );
    }
    for f in [
        "ocsp_response_ceo_2015_revoked.bin",
        "ocsp_response_individual_2015.bin",
    ] {
        let c = by_label(&format!("ocsp/{f}"));
        assert_eq!(
            c.subject_string(),
            "CN=OCSP RESPONDER, C=KZ, O=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) 2022"
        );
        assert!(c.iin().is_none() && c.bin().is_none(), "no IIN/BIN");
        assert!(c.has_ocsp_nocheck());
        assert_eq!(c.key_usage().unwrap().names(), ["digitalSignature"]);
        assert!(c.crl_urls().is_empty() && c.ocsp_urls().is_empty());
        assert_eq!(c.key_usage_class(), KeyUsageClass::Other);
    }
    let tsa = by_label("tsp/tsp_token.bin");
    assert_eq!(tsa.common_name(), Some("СЕРВИС МЕТКИ ВРЕМЕНИ"));
    assert_eq!(tsa.extended_key_usage().unwrap(), [TIME_STAMPING]);
    let eku = tsa
        .extensions()
        .iter()
        .find(|e| e.oid == "2.5.29.37")
        .unwrap();
    assert!(
        eku.critical,
        "TSA EKU is critical (KZ-PKI.md §4.3) and understood"
    );
    assert!(tsa.unknown_critical_extensions().is_empty());
}

#[test]
fn summary_json_has_stable_fields() {
    let c = by_label("certs/ceo_valid_sign_2004_gost.cer");
    let v = serde_json::to_value(c.summary()).unwrap();
    assert_eq!(v["subject_fields"]["common_name"], "ТЕСТОВ ТЕСТ");
    assert_eq!(v["subject_fields"]["given_name"], "ТЕСТОВИЧ");
    assert_eq!(v["iin"]["value"], "123456789011");
    assert_eq!(v["iin"]["checksum_valid"], false);
    assert_eq!(v["iin"]["expected_control_digit"], 3);
    assert_eq!(v["iin"]["nca_test_identifier"], true);
    assert_eq!(v["bin"]["value"], "123456789021");
    assert_eq!(v["bin"]["expected_control_digit"], 5);
    assert_eq!(v["subject_type"], "legal_entity");
    let roles: BTreeSet<&str> = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(roles, BTreeSet::from(["legal_entity", "first_head"]));
    assert_eq!(v["key_usage_class"], "sign");
    assert_eq!(
        v["key_usage"],
        serde_json::json!(["digitalSignature", "nonRepudiation"])
    );
    assert_eq!(v["not_before"], "2022-01-18T04:45:35Z");
    assert_eq!(v["serial"], "6CBD4560A33A58C0B07C3363C9AE0674A0838E58");
    assert_eq!(
        v["crl_urls"][0],
        "http://test.pki.gov.kz/crl/nca_rsa_test.crl"
    );
    assert_eq!(v["unknown_critical_extensions"], serde_json::json!([]));
    assert_eq!(v["key"]["description"], "GOST 34.310-2004");
    assert_eq!(
        v["sha256_fingerprint"],
        "1C7652E8C6080208DA8EE0FDA6CBCFC49C696220F68531BB529A0F4A0E883E73"
    );
}

//! Malformed and unusual inputs: garbage, truncation, bit flips, trailing data, broken PEM,
//! bundles, and generated certificates (rcgen) with unknown critical extensions, unusual
//! string types and edge-case subjects.

use rcgen::{
    CertificateParams, CustomExtension, DnType, DnValue, ExtendedKeyUsagePurpose, KeyPair,
    KeyUsagePurpose,
};
use tanba_pki::{KzCertificate, PkiError, Role, SubjectType};

fn rsa_der() -> Vec<u8> {
    let pem = tanba_testdata::read_nca("ca/nca_rsa_test.crt");
    KzCertificate::from_pem_or_der(&pem).unwrap()[0]
        .der()
        .to_vec()
}

#[test]
fn garbage_is_a_typed_error() {
    for input in [
        &b"hello world, not a certificate"[..],
        &[0x30, 0x03, 0x02, 0x01, 0x01],
        &[0x30],
        &[0x04, 0x02, 0xde, 0xad],
        &[0xff; 64],
    ] {
        let e = KzCertificate::from_pem_or_der(input).unwrap_err();
        assert!(
            matches!(e, PkiError::Der { .. } | PkiError::Unrecognized { .. }),
            "{input:?}: {e:?}"
        );
        assert!(KzCertificate::from_der(input).is_err());
    }
    for empty in [&b""[..], b"  \n\t "] {
        let e = KzCertificate::from_pem_or_der(empty).unwrap_err();
        assert!(matches!(e, PkiError::NoCertificate { .. }), "{e:?}");
        assert!(e.to_string().contains("empty"), "{e}");
    }
}

#[test]
fn every_truncation_is_rejected() {
    let der = rsa_der();
    for len in 0..der.len() {
        let r = KzCertificate::from_der(&der[..len]);
        assert!(r.is_err(), "prefix of {len} bytes accepted");
    }
    assert!(KzCertificate::from_der(&der).is_ok());
}

#[test]
fn bit_flips_never_panic() {
    let der = rsa_der();
    let mut x: u32 = 12345;
    let mut rejected = 0;
    for _ in 0..3000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let mut m = der.clone();
        let i = (x as usize) % m.len();
        m[i] ^= 1 << (x % 8);
        match KzCertificate::from_der(&m) {
            Ok(c) => assert_eq!(c.der(), &m[..]),
            Err(e) => {
                rejected += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(
        rejected > 100,
        "structure flips must be caught ({rejected})"
    );
}

#[test]
fn trailing_bytes_after_der() {
    let mut der = rsa_der();
    der.extend_from_slice(&[0, 0, 0]);
    match KzCertificate::from_der(&der) {
        Err(PkiError::TrailingData { extra, .. }) => assert_eq!(extra, 3),
        other => panic!("{other:?}"),
    }
    // In bundle mode the trailing bytes are a broken second certificate.
    let e = KzCertificate::from_pem_or_der(&der).unwrap_err();
    assert!(e.to_string().contains("DER certificate #2"), "{e}");
}

#[test]
fn bundles() {
    // Concatenated DER.
    let a = rsa_der();
    let b = tanba_testdata::read_nca("ca/nca_gost2015_test.cer");
    let cat = [a.clone(), b.clone()].concat();
    let certs = KzCertificate::from_pem_or_der(&cat).unwrap();
    assert_eq!(certs.len(), 2);
    assert_eq!(certs[0].der(), &a[..]);
    assert_eq!(certs[1].der(), &b[..]);
    // PEM bundle with text around and a private-key block that is skipped.
    let mut pem = b"Bag Attributes\n    friendlyName: x\n".to_vec();
    pem.extend(tanba_testdata::read_nca("ca/nca_rsa_test.crt"));
    pem.extend(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    pem.extend(tanba_testdata::read_nca("ca/nca_gost_test.crt"));
    let certs = KzCertificate::from_pem_or_der(&pem).unwrap();
    assert_eq!(certs.len(), 2);
    // CRLF line endings (Windows tools, NCA downloads).
    let crlf = String::from_utf8(tanba_testdata::read_nca("ca/nca_rsa_test.crt"))
        .unwrap()
        .replace('\n', "\r\n");
    let certs = KzCertificate::from_pem_or_der(crlf.as_bytes()).unwrap();
    assert_eq!(certs[0].der(), &a[..]);
    // Bare base64 of a DER certificate.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&b);
    let certs = KzCertificate::from_pem_or_der(b64.as_bytes()).unwrap();
    assert_eq!(certs[0].der(), &b[..]);
}

#[test]
fn broken_pem() {
    let cases: [(&str, &str); 5] = [
        (
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            "invalid base64",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nMIIB\n",
            "no matching -----END CERTIFICATE-----",
        ),
        (
            "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
            "empty CERTIFICATE block",
        ),
        (
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "no CERTIFICATE block",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n",
            "not a valid DER",
        ),
    ];
    for (input, want) in cases {
        let e = KzCertificate::from_pem_or_der(input.as_bytes()).unwrap_err();
        assert!(e.to_string().contains(want), "{input:?}: got {e}");
    }
    // The second block of a bundle is broken: the error says which one.
    let mut pem = tanba_testdata::read_nca("ca/nca_rsa_test.crt");
    pem.extend(b"-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");
    let e = KzCertificate::from_pem_or_der(&pem).unwrap_err();
    assert!(
        e.to_string().contains("certificate #2 of the PEM bundle"),
        "{e}"
    );
}

fn kz_params() -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, "ТЕСТОВ ТЕСТ");
    p.distinguished_name
        .push(DnType::CustomDnType(vec![2, 5, 4, 4]), "ТЕСТОВ");
    p.distinguished_name.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString("IIN900101300007".try_into().unwrap()),
    );
    p.distinguished_name.push(DnType::CountryName, "KZ");
    p.distinguished_name
        .push(DnType::OrganizationName, "ТОО \"Пример, Ltd\"");
    p.distinguished_name
        .push(DnType::OrganizationalUnitName, "BIN940140000385");
    p.distinguished_name
        .push(DnType::CustomDnType(vec![2, 5, 4, 42]), "ТЕСТОВИЧ");
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::EmailProtection,
        ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 1, 2]),
        ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 1, 2, 2]),
        ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 1, 2, 6, 71]),
        ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 3, 2, 1]),
    ];
    p
}

fn build(p: &CertificateParams) -> Vec<u8> {
    let key = KeyPair::generate().unwrap();
    p.self_signed(&key).unwrap().der().to_vec()
}

#[test]
fn generated_kz_profile_certificate() {
    let c = KzCertificate::from_der(&build(&kz_params())).unwrap();
    assert_eq!(c.iin().unwrap().as_str(), "900101300007");
    assert!(c.iin().unwrap().checksum_valid());
    assert_eq!(c.bin().unwrap().as_str(), "940140000385");
    assert!(c.bin().unwrap().checksum_valid());
    assert_eq!(c.organization(), Some("ТОО \"Пример, Ltd\""));
    assert!(
        c.subject_string().contains("O=ТОО \"Пример\\, Ltd\""),
        "comma escaped: {}",
        c.subject_string()
    );
    assert_eq!(
        c.roles(),
        &[
            Role::LegalEntity,
            Role::Signatory,
            Role::InformationSystem(Some(71)),
            Role::IdentificationDigitalId
        ]
    );
    assert_eq!(c.subject_type(), SubjectType::LegalEntity);
    assert!(c.unknown_critical_extensions().is_empty());
    assert_eq!(c.key_description(), "ECDSA P-256");
    assert!(c.is_self_issued());
}

#[test]
fn unknown_critical_extension_is_reported() {
    let mut p = kz_params();
    let mut crit = CustomExtension::from_oid_content(&[1, 2, 3, 4, 5], vec![0x05, 0x00]);
    crit.set_criticality(true);
    p.custom_extensions.push(crit);
    // A non-critical unknown extension is not reported.
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[1, 2, 3, 4, 6],
        vec![0x05, 0x00],
    ));
    let c = KzCertificate::from_der(&build(&p)).unwrap();
    assert_eq!(c.unknown_critical_extensions(), ["1.2.3.4.5"]);
    let listed: Vec<(&str, bool)> = c
        .extensions()
        .iter()
        .filter(|e| e.name.is_none())
        .map(|e| (e.oid.as_str(), e.critical))
        .collect();
    assert_eq!(listed, [("1.2.3.4.5", true), ("1.2.3.4.6", false)]);
    let json = serde_json::to_value(c.summary()).unwrap();
    assert_eq!(
        json["unknown_critical_extensions"],
        serde_json::json!(["1.2.3.4.5"])
    );
}

#[test]
fn odd_subjects() {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(
        DnType::CommonName,
        DnValue::BmpString("ҰЛТТЫҚ".try_into().unwrap()),
    );
    p.distinguished_name.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString("IIN12345".try_into().unwrap()),
    );
    p.distinguished_name.push(
        DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
        DnValue::Ia5String("test@example.kz".try_into().unwrap()),
    );
    p.distinguished_name.push(DnType::LocalityName, "АЛМАТЫ");
    p.distinguished_name
        .push(DnType::StateOrProvinceName, "АЛМАТЫ");
    let c = KzCertificate::from_der(&build(&p)).unwrap();
    assert_eq!(c.common_name(), Some("ҰЛТТЫҚ"), "BMPString decoded");
    assert!(c.iin().is_none(), "malformed IIN is not an IIN");
    assert_eq!(c.subject_notes().len(), 1);
    assert!(
        c.subject_notes()[0].contains("IIN12345"),
        "{:?}",
        c.subject_notes()
    );
    assert_eq!(c.email(), Some("test@example.kz"));
    assert_eq!(c.locality(), Some("АЛМАТЫ"));
    assert_eq!(c.state(), Some("АЛМАТЫ"));
    assert_eq!(c.subject_type(), SubjectType::Unknown);
    assert_eq!(c.key_usage_class(), tanba_pki::KeyUsageClass::Other);
    // BIN in SERIALNUMBER counts as BIN.
    let mut p = CertificateParams::default();
    p.distinguished_name.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString("BIN940140000385".try_into().unwrap()),
    );
    let c = KzCertificate::from_der(&build(&p)).unwrap();
    assert_eq!(c.bin().unwrap().as_str(), "940140000385");
    assert!(c.iin().is_none());
}

#[test]
fn duplicate_extension_is_rejected() {
    let mut p = kz_params();
    // keyUsage again, as a custom extension (rcgen also writes its own).
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[2, 5, 29, 15],
        vec![0x03, 0x02, 0x06, 0xc0],
    ));
    let e = KzCertificate::from_der(&build(&p)).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("2.5.29.15") || msg.to_lowercase().contains("duplicate"),
        "{msg}"
    );
}

#[test]
fn malformed_known_extension_is_rejected() {
    let mut p = kz_params();
    p.key_usages.clear();
    p.extended_key_usages.clear();
    // An EKU whose value is not a SEQUENCE OF OID.
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[2, 5, 29, 37],
        vec![0x04, 0x01, 0x00],
    ));
    let e = KzCertificate::from_der(&build(&p)).unwrap_err();
    assert!(e.to_string().contains("2.5.29.37"), "{e}");
}

#[test]
fn key_store_extension() {
    let mut p = kz_params();
    // SEQUENCE { OID 1.2.398.3.3.5.2.2 } = Kaztoken
    let oid = [0x06, 0x08, 0x2a, 0x83, 0x0e, 0x03, 0x03, 0x05, 0x02, 0x02];
    let mut value = vec![0x30, oid.len() as u8];
    value.extend_from_slice(&oid);
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[1, 2, 398, 3, 3, 5],
        value,
    ));
    let c = KzCertificate::from_der(&build(&p)).unwrap();
    assert_eq!(c.key_store_oid(), Some("1.2.398.3.3.5.2.2"));
    assert_eq!(c.key_store_name(), Some("Kaztoken"));

    // Malformed and non-critical: noted, not fatal.
    let mut p = kz_params();
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[1, 2, 398, 3, 3, 5],
        vec![0x04, 0x00],
    ));
    let c = KzCertificate::from_der(&build(&p)).unwrap();
    assert!(c.key_store_oid().is_none());
    assert!(
        c.subject_notes()[0].contains("key-store type"),
        "{:?}",
        c.subject_notes()
    );
}

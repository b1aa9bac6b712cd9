//! Shared helpers: the generated KZ-profile test PKI (`testdata/pki`) and example forms.
#![allow(dead_code)]

use tanba_crypto::KeySigner;
use tanba_egov::{Application, BuildContext, CertChecker, ResultDocument, Timestamp};
use tanba_keys::{KeySelector, Keystore};

/// "As of" 2026-06-01: inside every leaf's validity and the CRLs' window.
pub const AS_OF: &str = "2026-06-01T00:00:00Z";

pub fn pki(rel: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(&format!("pki/{rel}")))
}

/// A signer for a test-PKI identity (`individual`, `head`, `employee`, `revoked`, …).
pub fn signer(name: &str) -> KeySigner {
    let key = pki(&format!("keys/{name}.key.pem"));
    let mut certs = pki(&format!("certs/{name}.pem"));
    certs.extend_from_slice(&pki("certs/ca.pem"));
    Keystore::from_pkcs8(&key, None, &certs)
        .unwrap()
        .signer(&KeySelector::Single)
        .unwrap()
}

/// Trust = test root (+ CA as intermediate), evidence = full and delta CRL, as of AS_OF.
pub fn checker() -> CertChecker {
    let mut c = CertChecker::new().at(time::OffsetDateTime::parse(
        AS_OF,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap());
    c.add_trust(&pki("certs/root.pem")).unwrap();
    c.add_trust(&pki("certs/ca.pem")).unwrap();
    c.add_crl(&pki("crl/ca.crl")).unwrap();
    c.add_crl(&pki("crl/ca_delta.crl")).unwrap();
    c
}

pub fn example_json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&tanba_testdata::read(&tanba_testdata::own(&format!(
        "examples/{name}"
    ))))
    .unwrap()
}

pub fn ctx() -> BuildContext<'static> {
    BuildContext {
        id: "APP-2026-0001".parse().unwrap(),
        now: "2026-05-20T10:00:00+05:00".parse::<Timestamp>().unwrap(),
        attachments_dir: None,
    }
}

/// The import-licence example with the applicant replaced.
pub fn import_app(applicant: serde_json::Value) -> Application {
    let mut v = example_json("import-licence.json");
    v["applicant"] = applicant;
    Application::from_json(&serde_json::to_vec(&v).unwrap(), &ctx()).unwrap()
}

/// The individual entrepreneur ИВАНОВ ИВАН (IIN of `individual.pem`).
pub fn ivanov() -> serde_json::Value {
    serde_json::json!({"kind": "individual-entrepreneur", "id": {"iin": "900101300007"}, "name": "ЖК ИВАНОВ ИВАН"})
}

/// The legal entity of `head.pem` / `employee.pem`.
pub fn tanba_llp() -> serde_json::Value {
    serde_json::json!({"kind": "legal-entity", "id": {"bin": "050440000012"}, "name": "ТОО \"ТАНБА ТЕСТ\""})
}

/// A licence issued by the test organisation (BIN 050440000012) on 2026-05-25.
pub fn licence(issuing_bin: &str, holder_iin: &str) -> ResultDocument {
    let mut v = example_json("licence-result.json");
    v["issuing_body"]["bin"] = issuing_bin.into();
    v["holder"] = serde_json::json!({"id": {"iin": holder_iin}, "name": "ЖК ИВАНОВ ИВАН"});
    v["issued_at"] = "2026-05-25T15:20:00+05:00".into();
    ResultDocument::from_json(
        &serde_json::to_vec(&v).unwrap(),
        "2026-05-25T15:20:00+05:00".parse().unwrap(),
    )
    .unwrap()
}

/// A KZ-profile leaf issued on the fly by the test CA (`testdata/pki/keys/ca.key.pem`):
/// `org` = (organisation, BIN), `roles` = EKU OIDs under 1.2.398.3.3.4 (as arcs). SIGN key
/// usage, valid 2025-06-01 … 2035-06-01, ECDSA P-256 key.
pub fn issue_leaf(
    cn: &str,
    iin: &str,
    org: Option<(&str, &str)>,
    roles: &[&[u64]],
    serial: u8,
) -> KeySigner {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa,
        Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
    };
    // The issuing CA's name and key identifier exactly as crates/pki/examples/gen_test_pki.rs
    // made them (C=KZ PrintableString, CN UTF8String, SHA-256 key identifiers).
    let ca_key = KeyPair::from_pem(&String::from_utf8(pki("keys/ca.key.pem")).unwrap()).unwrap();
    let mut ca = CertificateParams::default();
    let mut ca_dn = DistinguishedName::new();
    ca_dn.push(
        DnType::CountryName,
        DnValue::PrintableString("KZ".try_into().unwrap()),
    );
    ca_dn.push(
        DnType::CommonName,
        DnValue::Utf8String("TANBA TEST NCA (RSA)".into()),
    );
    ca.distinguished_name = ca_dn;
    ca.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.key_identifier_method = rcgen::KeyIdMethod::Sha256;
    let issuer = Issuer::from_params(&ca, &ca_key);
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, DnValue::Utf8String(cn.into()));
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        DnValue::PrintableString(format!("IIN{iin}").try_into().unwrap()),
    );
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("KZ".try_into().unwrap()),
    );
    if let Some((o, bin)) = org {
        dn.push(DnType::OrganizationName, DnValue::Utf8String(o.into()));
        dn.push(
            DnType::OrganizationalUnitName,
            DnValue::Utf8String(format!("BIN{bin}")),
        );
    }
    p.distinguished_name = dn;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    p.extended_key_usages = std::iter::once(ExtendedKeyUsagePurpose::EmailProtection)
        .chain(
            roles
                .iter()
                .map(|r| ExtendedKeyUsagePurpose::Other(r.to_vec())),
        )
        .collect();
    p.serial_number = Some(SerialNumber::from_slice(&[
        0x4b, 0x5a, 0x45, 0x47, 0x4f, 0x56, 0, serial,
    ]));
    p.not_before = time::macros::datetime!(2025-06-01 0:00 UTC);
    p.not_after = time::macros::datetime!(2035-06-01 0:00 UTC);
    p.use_authority_key_identifier_extension = true;
    p.key_identifier_method = rcgen::KeyIdMethod::Sha256;
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, &issuer).unwrap();
    let mut chain = cert.pem().into_bytes();
    chain.extend_from_slice(&pki("certs/ca.pem"));
    Keystore::from_pkcs8(key.serialize_pem().as_bytes(), None, &chain)
        .unwrap()
        .signer(&KeySelector::Single)
        .unwrap()
}

/// EKU arcs of the KZ roles.
pub const LEGAL_ENTITY: &[u64] = &[1, 2, 398, 3, 3, 4, 1, 2];
/// First head.
pub const FIRST_HEAD: &[u64] = &[1, 2, 398, 3, 3, 4, 1, 2, 1];
/// Employee.
pub const EMPLOYEE: &[u64] = &[1, 2, 398, 3, 3, 4, 1, 2, 5];

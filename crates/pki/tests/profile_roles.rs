//! The EKU role table (KZ-PKI.md §1.3) and the SIGN/AUTH key-usage classification (§1.2).

use std::collections::HashSet;

use tanba_pki::{
    roles_from_eku, subject_type_from_roles, KeyUsage, KeyUsageClass, Role, SubjectType,
};

/// (OID, role, code) — every row of the KZ-PKI.md §1.3 table.
const TABLE: &[(&str, Role, &str)] = &[
    ("1.2.398.3.3.4.1.1", Role::Individual, "individual"),
    (
        "1.2.398.3.3.4.1.1.1",
        Role::IndividualInformationSystem,
        "individual_information_system",
    ),
    ("1.2.398.3.3.4.1.2", Role::LegalEntity, "legal_entity"),
    ("1.2.398.3.3.4.1.2.1", Role::FirstHead, "first_head"),
    ("1.2.398.3.3.4.1.2.2", Role::Signatory, "signatory"),
    (
        "1.2.398.3.3.4.1.2.3",
        Role::FinancialSignatory,
        "financial_signatory",
    ),
    ("1.2.398.3.3.4.1.2.4", Role::Hr, "hr"),
    ("1.2.398.3.3.4.1.2.5", Role::Employee, "employee"),
    (
        "1.2.398.3.3.4.1.2.6",
        Role::InformationSystem(None),
        "information_system",
    ),
    (
        "1.2.398.3.3.4.1.2.6.71",
        Role::InformationSystem(Some(71)),
        "information_system",
    ),
    (
        "1.2.398.3.3.4.1.2.6.7",
        Role::InformationSystem(Some(7)),
        "information_system",
    ),
    ("1.2.398.3.3.4.2", Role::NcaPrivileges, "nca_privileges"),
    (
        "1.2.398.3.3.4.2.1",
        Role::NcaAdministrator,
        "nca_administrator",
    ),
    ("1.2.398.3.3.4.2.2", Role::NcaManager, "nca_manager"),
    ("1.2.398.3.3.4.2.3", Role::NcaOperator, "nca_operator"),
    ("1.2.398.3.3.4.3", Role::Identification, "identification"),
    (
        "1.2.398.3.3.4.3.1",
        Role::IdentificationInPerson,
        "identification_in_person",
    ),
    (
        "1.2.398.3.3.4.3.2",
        Role::IdentificationRemote,
        "identification_remote",
    ),
    (
        "1.2.398.3.3.4.3.2.1",
        Role::IdentificationDigitalId,
        "identification_digital_id",
    ),
    (
        "1.2.398.3.3.4.3.2.2",
        Role::IdentificationAiPlatform,
        "identification_ai_platform",
    ),
    (
        "1.2.398.5.19.1.2.2.1",
        Role::TreasuryClient,
        "treasury_client",
    ),
];

#[test]
fn role_table_round_trips() {
    for (oid, role, code) in TABLE {
        assert_eq!(Role::from_oid(oid), Some(*role), "{oid}");
        assert_eq!(oid.parse::<Role>(), Ok(*role));
        if !matches!(role, Role::InformationSystem(Some(_))) {
            assert_eq!(Role::from_code(code), Some(*role), "{code}");
            assert_eq!(code.parse::<Role>(), Ok(*role));
        }
        assert_eq!(role.oid(), *oid, "{role:?}");
        assert_eq!(role.code(), *code);
        assert!(!role.official_name().is_empty());
    }
    let codes: HashSet<&str> = TABLE
        .iter()
        .filter(|(_, r, _)| !matches!(r, Role::InformationSystem(Some(_))))
        .map(|(_, r, _)| r.code())
        .collect();
    assert_eq!(codes.len(), TABLE.len() - 2, "codes are unique");
}

#[test]
fn unknown_codes() {
    assert_eq!(Role::from_code("ceo"), None);
    let e = "ceo".parse::<Role>().unwrap_err();
    assert!(e.to_string().contains("unknown role \"ceo\""), "{e}");
}

#[test]
fn non_role_oids() {
    for oid in [
        "1.2.398.3.3.4",         // the arc itself
        "1.2.398.3.3.4.1",       // "user type" arc
        "1.2.398.3.3.4.1.2.60",  // not under .6
        "1.2.398.3.3.4.1.2.6.",  // malformed
        "1.2.398.3.3.4.1.2.6.x", // malformed
        "1.2.398.3.3.2.1",       // a policy OID, not a role (KZ-PKI.md §1.3)
        "1.3.6.1.5.5.7.3.4",     // emailProtection
        "",
    ] {
        assert_eq!(Role::from_oid(oid), None, "{oid:?}");
    }
    // Deeper registered IS arcs are classified by prefix.
    assert_eq!(
        Role::from_oid("1.2.398.3.3.4.1.2.6.71.3"),
        Some(Role::InformationSystem(Some(71)))
    );
    // An arc too large for u32 still counts as an information system.
    assert_eq!(
        Role::from_oid("1.2.398.3.3.4.1.2.6.99999999999"),
        Some(Role::InformationSystem(None))
    );
}

#[test]
fn subject_types() {
    let t = |oids: &[&str]| subject_type_from_roles(&roles_from_eku(oids));
    assert_eq!(
        t(&["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.1"]),
        SubjectType::Individual
    );
    assert_eq!(t(&["1.2.398.3.3.4.1.1.1"]), SubjectType::Individual);
    assert_eq!(
        t(&["1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.5"]),
        SubjectType::LegalEntity
    );
    assert_eq!(t(&["1.2.398.3.3.4.1.2.6.71"]), SubjectType::LegalEntity);
    assert_eq!(t(&["1.3.6.1.5.5.7.3.9"]), SubjectType::Unknown);
    assert_eq!(t(&[]), SubjectType::Unknown);
    // Duplicates collapse; order is the table order.
    assert_eq!(
        roles_from_eku([
            "1.2.398.3.3.4.1.2.1",
            "1.2.398.3.3.4.1.2",
            "1.2.398.3.3.4.1.2.1"
        ]),
        [Role::LegalEntity, Role::FirstHead]
    );
}

#[test]
fn signing_roles() {
    let signers: Vec<Role> = TABLE
        .iter()
        .map(|(_, r, _)| *r)
        .filter(Role::can_sign_for_organization)
        .collect();
    assert_eq!(
        signers,
        [Role::FirstHead, Role::Signatory, Role::FinancialSignatory],
        "HR and employee confer no signing right (KZ-PKI.md §5.1)"
    );
}

#[test]
fn key_usage_classification() {
    const DS: u16 = KeyUsage::DIGITAL_SIGNATURE;
    const NR: u16 = KeyUsage::NON_REPUDIATION;
    const KE: u16 = KeyUsage::KEY_ENCIPHERMENT;
    const KA: u16 = KeyUsage::KEY_AGREEMENT;
    for (bits, class) in [
        (DS | NR, KeyUsageClass::Sign),      // 2004 SIGN certs
        (DS | KE, KeyUsageClass::Auth),      // 2004 AUTH certs
        (DS | NR | KE, KeyUsageClass::Sign), // GOST-2015 single cert (2022 keys)
        (DS | NR | KA, KeyUsageClass::Sign), // GOST-2015 single cert (2023+ keys)
        (DS, KeyUsageClass::Other),          // GOST-2022 OCSP responder
        (NR, KeyUsageClass::Other),
        (KE, KeyUsageClass::Other),
        (
            KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN,
            KeyUsageClass::Other,
        ),
        (0, KeyUsageClass::Other),
    ] {
        assert_eq!(KeyUsage::from_bits(bits).class(), class, "bits {bits:#b}");
    }
    assert_eq!(KeyUsageClass::Sign.to_string(), "SIGN");
    assert_eq!(KeyUsageClass::Auth.to_string(), "AUTH");
    assert!(KeyUsage::from_bits(NR).permits_signing());
    assert!(!KeyUsage::from_bits(KE).permits_signing());
    assert_eq!(
        KeyUsage::from_bits(0x1ff).names().len(),
        9,
        "all nine RFC 5280 bits are named"
    );
}

//! Generates the test PKI under `testdata/pki/` (workspace root) with the Kazakh
//! certificate profile: root, issuing CA, OCSP responder, individual, legal-entity head,
//! employee, revoked, held-then-released, delta-revoked, expired and wrong-key-usage
//! certificates; full + delta + root CRLs; the `openssl ocsp` index.
//!
//! ```sh
//! cargo run -p tanba-pki --example gen_test_pki
//! ```
//!
//! RSA keys are created once with `openssl genpkey` and kept in `testdata/pki/keys/`;
//! re-running with the keys present reproduces every certificate and CRL byte for byte
//! (fixed serials, dates, names; RSA PKCS#1 v1.5 signatures are deterministic).

#[path = "../tests/support/crlgen.rs"]
mod crlgen;

use std::path::{Path, PathBuf};
use std::process::Command;

use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, CustomExtension, DistinguishedName,
    DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    SerialNumber,
};
use time::macros::datetime;
use time::OffsetDateTime;

/// Base URL written into the certificates (tests rewrite it to a loopback server).
const BASE: &str = "http://pki.tanba.test/";

fn out_dir() -> PathBuf {
    tanba_testdata::workspace_root()
        .join("testdata")
        .join("pki")
}

fn key(dir: &Path, name: &str) -> KeyPair {
    let path = dir.join("keys").join(format!("{name}.key.pem"));
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let st = Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
            ])
            .arg(&path)
            .status()
            .expect("openssl is needed to create the RSA keys");
        assert!(st.success(), "openssl genpkey failed");
    }
    KeyPair::from_pem(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
    assert!(v.len() < 0x10000);
    let mut o = vec![tag];
    if v.len() < 0x80 {
        o.push(v.len() as u8);
    } else if v.len() < 0x100 {
        o.extend([0x81, v.len() as u8]);
    } else {
        o.extend([0x82, (v.len() >> 8) as u8, v.len() as u8]);
    }
    o.extend_from_slice(v);
    o
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut t = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            t.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        t.reverse();
        body.extend(t);
    };
    push(arcs[0] * 40 + arcs[1]);
    for a in &arcs[2..] {
        push(*a);
    }
    tlv(0x06, &body)
}

fn aia(ocsp: &str, ca_issuers: &str) -> CustomExtension {
    let d1 = tlv(
        0x30,
        &[
            oid(&[1, 3, 6, 1, 5, 5, 7, 48, 1]),
            tlv(0x86, ocsp.as_bytes()),
        ]
        .concat(),
    );
    let d2 = tlv(
        0x30,
        &[
            oid(&[1, 3, 6, 1, 5, 5, 7, 48, 2]),
            tlv(0x86, ca_issuers.as_bytes()),
        ]
        .concat(),
    );
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], tlv(0x30, &[d1, d2].concat()))
}

fn freshest_crl(url: &str) -> CustomExtension {
    let dp = tlv(0x30, &tlv(0xa0, &tlv(0xa0, &tlv(0x86, url.as_bytes()))));
    CustomExtension::from_oid_content(&[2, 5, 29, 46], tlv(0x30, &dp))
}

fn policy(arcs: &[u64]) -> CustomExtension {
    CustomExtension::from_oid_content(&[2, 5, 29, 32], tlv(0x30, &tlv(0x30, &oid(arcs))))
}

fn ocsp_nocheck() -> CustomExtension {
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 48, 1, 5], vec![0x05, 0x00])
}

fn utf8(s: &str) -> DnValue {
    DnValue::Utf8String(s.to_string())
}

fn printable(s: &str) -> DnValue {
    DnValue::PrintableString(s.try_into().unwrap())
}

struct Person<'a> {
    cn: &'a str,
    surname: &'a str,
    patronymic: &'a str,
    iin: &'a str,
    org: Option<(&'a str, &'a str)>,
}

fn person_dn(p: &Person<'_>) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, utf8(p.cn));
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), utf8(p.surname));
    dn.push(
        DnType::CustomDnType(vec![2, 5, 4, 5]),
        printable(&format!("IIN{}", p.iin)),
    );
    dn.push(DnType::CountryName, printable("KZ"));
    if let Some((o, bin)) = p.org {
        dn.push(DnType::OrganizationName, utf8(o));
        dn.push(DnType::OrganizationalUnitName, utf8(&format!("BIN{bin}")));
    }
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), utf8(p.patronymic));
    dn
}

fn ca_params(
    cn: &str,
    serial: u8,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, printable("KZ"));
    dn.push(DnType::CommonName, utf8(cn));
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.serial_number = Some(SerialNumber::from_slice(&serial_bytes(serial)));
    p.not_before = not_before;
    p.not_after = not_after;
    p.use_authority_key_identifier_extension = true;
    p.key_identifier_method = KeyIdMethod::Sha256;
    p
}

fn serial_bytes(n: u8) -> Vec<u8> {
    // 16 bytes, positive, "KZ" prefix for readability.
    let mut s = vec![0x4b, 0x5a, 0x54, 0x41, 0x4e, 0x42, 0x41, 0x00];
    s.extend([0, 0, 0, 0, 0, 0, 0, n]);
    s
}

struct Leaf<'a> {
    file: &'a str,
    serial: u8,
    person: Person<'a>,
    roles: &'a [&'a [u64]],
    usages: Vec<KeyUsagePurpose>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

fn leaf_params(l: &Leaf<'_>) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = person_dn(&l.person);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = l.usages.clone();
    let mut eku = vec![ExtendedKeyUsagePurpose::EmailProtection];
    for r in l.roles {
        eku.push(ExtendedKeyUsagePurpose::Other(r.to_vec()));
    }
    p.extended_key_usages = eku;
    p.serial_number = Some(SerialNumber::from_slice(&serial_bytes(l.serial)));
    p.not_before = l.not_before;
    p.not_after = l.not_after;
    p.use_authority_key_identifier_extension = true;
    p.key_identifier_method = KeyIdMethod::Sha256;
    p.crl_distribution_points = vec![CrlDistributionPoint {
        uris: vec![format!("{BASE}crl/ca.crl")],
    }];
    let individual = l.person.org.is_none();
    p.custom_extensions = vec![
        aia(&format!("{BASE}ocsp/"), &format!("{BASE}cert/ca.cer")),
        freshest_crl(&format!("{BASE}crl/ca_delta.crl")),
        policy(if individual {
            &[1, 2, 398, 3, 3, 2, 3]
        } else {
            &[1, 2, 398, 3, 3, 2, 1]
        }),
    ];
    p
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    println!("wrote {}", p.display());
}

fn main() {
    let dir = out_dir();
    std::fs::create_dir_all(&dir).unwrap();

    // Root and issuing CA.
    let root_key = key(&dir, "root");
    let root_params = ca_params(
        "TANBA TEST ROOT (RSA)",
        1,
        datetime!(2025-01-01 0:00 UTC),
        datetime!(2045-01-01 0:00 UTC),
    );
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::from_params(&root_params, &root_key);

    let ca_key = key(&dir, "ca");
    let mut ca_p = ca_params(
        "TANBA TEST NCA (RSA)",
        2,
        datetime!(2025-01-01 0:00 UTC),
        datetime!(2040-01-01 0:00 UTC),
    );
    ca_p.crl_distribution_points = vec![CrlDistributionPoint {
        uris: vec![format!("{BASE}crl/root.crl")],
    }];
    let ca = ca_p.signed_by(&ca_key, &root_issuer).unwrap();
    let ca_issuer = Issuer::from_params(&ca_p, &ca_key);

    // Delegated OCSP responder (EKU OCSPSigning + ocsp-nocheck), as NCA's.
    let ocsp_key = key(&dir, "ocsp");
    let mut op = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, utf8("OCSP RESPONDER"));
    dn.push(DnType::CountryName, printable("KZ"));
    dn.push(DnType::OrganizationName, utf8("TANBA TEST"));
    op.distinguished_name = dn;
    op.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    op.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
    op.serial_number = Some(SerialNumber::from_slice(&serial_bytes(3)));
    op.not_before = datetime!(2025-01-01 0:00 UTC);
    op.not_after = datetime!(2035-01-01 0:00 UTC);
    op.use_authority_key_identifier_extension = true;
    op.key_identifier_method = KeyIdMethod::Sha256;
    op.custom_extensions = vec![ocsp_nocheck()];
    let ocsp = op.signed_by(&ocsp_key, &ca_issuer).unwrap();

    let sign = || {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ]
    };
    let nb = datetime!(2025-06-01 0:00 UTC);
    let na = datetime!(2035-06-01 0:00 UTC);
    let ivanov = |iin| Person {
        cn: "ИВАНОВ ИВАН",
        surname: "ИВАНОВ",
        patronymic: "ИВАНОВИЧ",
        iin,
        org: None,
    };
    const INDIVIDUAL: &[u64] = &[1, 2, 398, 3, 3, 4, 1, 1];
    const LEGAL: &[u64] = &[1, 2, 398, 3, 3, 4, 1, 2];
    const FIRST_HEAD: &[u64] = &[1, 2, 398, 3, 3, 4, 1, 2, 1];
    const EMPLOYEE: &[u64] = &[1, 2, 398, 3, 3, 4, 1, 2, 5];
    let org = Some(("ТОО \"ТАНБА ТЕСТ\"", "050440000012"));
    let leaves = [
        Leaf {
            file: "individual",
            serial: 0x10,
            person: ivanov("900101300007"),
            roles: &[INDIVIDUAL],
            usages: sign(),
            not_before: nb,
            not_after: na,
        },
        Leaf {
            file: "head",
            serial: 0x11,
            person: Person {
                cn: "АХМЕТОВА АЙГУЛЬ",
                surname: "АХМЕТОВА",
                patronymic: "СЕРИКОВНА",
                iin: "051231600017",
                org,
            },
            roles: &[LEGAL, FIRST_HEAD],
            usages: sign(),
            not_before: nb,
            not_after: na,
        },
        Leaf {
            file: "employee",
            serial: 0x12,
            person: Person {
                cn: "ПЕТРОВ ПЕТР",
                surname: "ПЕТРОВ",
                patronymic: "ПЕТРОВИЧ",
                iin: "791028302728",
                org,
            },
            roles: &[LEGAL, EMPLOYEE],
            usages: sign(),
            not_before: nb,
            not_after: na,
        },
        Leaf {
            file: "revoked",
            serial: 0x13,
            person: ivanov("900101300007"),
            roles: &[INDIVIDUAL],
            usages: sign(),
            not_before: nb,
            not_after: na,
        },
        Leaf {
            file: "held",
            serial: 0x14,
            person: ivanov("900101300007"),
            roles: &[INDIVIDUAL],
            usages: sign(),
            not_before: nb,
            not_after: na,
        },
        Leaf {
            file: "delta_revoked",
            serial: 0x15,
            person: ivanov("900101300007"),
            roles: &[INDIVIDUAL],
            usages: sign(),
            not_before: nb,
            not_after: na,
        },
        Leaf {
            file: "expired",
            serial: 0x16,
            person: ivanov("900101300007"),
            roles: &[INDIVIDUAL],
            usages: sign(),
            not_before: datetime!(2024-01-01 0:00 UTC),
            not_after: datetime!(2025-01-01 0:00 UTC),
        },
        Leaf {
            file: "wrong_ku",
            serial: 0x17,
            person: ivanov("900101300007"),
            roles: &[INDIVIDUAL],
            usages: vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyEncipherment,
            ],
            not_before: nb,
            not_after: na,
        },
    ];

    write(&dir, "certs/root.pem", root.pem().as_bytes());
    write(&dir, "certs/ca.pem", ca.pem().as_bytes());
    write(&dir, "certs/ocsp.pem", ocsp.pem().as_bytes());
    let mut index = String::new();
    let idx_time = |t: OffsetDateTime| {
        format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            t.year() % 100,
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    };
    for l in &leaves {
        let k = key(&dir, l.file);
        let c = leaf_params(l).signed_by(&k, &ca_issuer).unwrap();
        write(&dir, &format!("certs/{}.pem", l.file), c.pem().as_bytes());
        let parsed = tanba_pki::ChainCert::from_der(c.der()).unwrap();
        let subject = format!("/CN={}", l.file);
        let serial = hex::encode_upper(parsed.serial());
        let expiry = idx_time(l.not_after);
        // openssl ocsp index: status, expiry, revocation[,reason], serial, file, name.
        let line = match l.file {
            "revoked" => format!(
                "R\t{expiry}\t{},keyCompromise\t{serial}\tunknown\t{subject}\n",
                idx_time(datetime!(2026-02-01 0:00 UTC))
            ),
            "delta_revoked" => format!(
                "R\t{expiry}\t{},superseded\t{serial}\tunknown\t{subject}\n",
                idx_time(datetime!(2026-04-01 0:00 UTC))
            ),
            _ => format!("V\t{expiry}\t\t{serial}\tunknown\t{subject}\n"),
        };
        index.push_str(&line);
    }
    write(&dir, "ocsp/index.txt", index.as_bytes());
    write(&dir, "ocsp/index.txt.attr", b"unique_subject = no\n");

    // CRLs.
    let ca_cc = tanba_pki::ChainCert::from_der(ca.der()).unwrap();
    let root_cc = tanba_pki::ChainCert::from_der(root.der()).unwrap();
    let ca_pkcs8 = ca_key.serialize_der();
    let root_pkcs8 = root_key.serialize_der();
    let e = |s: u8, t: OffsetDateTime, r: u8| crlgen::Entry {
        serial: serial_bytes(s),
        revoked_at: t,
        reason: Some(r),
    };
    let full_entries = [
        e(0x13, datetime!(2026-02-01 0:00 UTC), 1), // revoked: keyCompromise
        e(0x14, datetime!(2026-02-01 0:00 UTC), 6), // held: certificateHold
    ];
    let full = crlgen::signed_crl(
        &crlgen::CrlSpec {
            issuer_der: ca_cc.subject_der(),
            aki: ca_cc.subject_key_id().unwrap(),
            number: 10,
            delta_base: None,
            this_update: datetime!(2026-03-01 0:00 UTC),
            next_update: Some(datetime!(2026-09-01 0:00 UTC)),
            entries: &full_entries,
        },
        &ca_pkcs8,
    );
    write(&dir, "crl/ca.crl", &full);
    let delta_entries = [
        e(0x14, datetime!(2026-05-01 0:00 UTC), 8), // held: removeFromCRL
        e(0x15, datetime!(2026-04-01 0:00 UTC), 4), // delta_revoked: superseded
    ];
    let delta = crlgen::signed_crl(
        &crlgen::CrlSpec {
            issuer_der: ca_cc.subject_der(),
            aki: ca_cc.subject_key_id().unwrap(),
            number: 11,
            delta_base: Some(10),
            this_update: datetime!(2026-05-01 0:00 UTC),
            next_update: Some(datetime!(2026-09-01 0:00 UTC)),
            entries: &delta_entries,
        },
        &ca_pkcs8,
    );
    write(&dir, "crl/ca_delta.crl", &delta);
    let root_crl = crlgen::signed_crl(
        &crlgen::CrlSpec {
            issuer_der: root_cc.subject_der(),
            aki: root_cc.subject_key_id().unwrap(),
            number: 1,
            delta_base: None,
            this_update: datetime!(2026-01-01 0:00 UTC),
            next_update: Some(datetime!(2027-01-01 0:00 UTC)),
            entries: &[],
        },
        &root_pkcs8,
    );
    write(&dir, "crl/root.crl", &root_crl);
}

//! The real NCA RK test CRLs (`../shared/testdata/nca/crl/`): parsing, signature, lookup of
//! the revoked test keys, freshness, and CRL selection by issuer (not by CDP).
//! Expected values come from `openssl crl -text` / KZ-PKI.md §4.1, not from this crate.

mod common;

use common::{at, nca_cert, p12_cert, unhex};
use tanba_crypto::AlgorithmPolicy;
use tanba_pki::crl::{Crl, CrlError, CrlIssuer, CrlKind, CrlSet, CrlStatus, RevocationReason};

fn crl(name: &str) -> Crl {
    Crl::from_bytes(&tanba_testdata::read_nca(&format!("crl/{name}"))).unwrap()
}

const MAX_AGE: time::Duration = time::Duration::days(1);

#[test]
fn rsa_crl_header_matches_openssl() {
    let c = crl("nca_rsa_test.crl");
    assert_eq!(c.len(), 126);
    assert_eq!(c.number(), Some(&[9u8][..]));
    assert_eq!(c.kind(), &CrlKind::Full);
    assert_eq!(c.this_update(), at("2022-03-29T04:18:29Z"));
    assert_eq!(c.next_update(), Some(at("2022-09-25T04:18:29Z")));
    assert!(c.issuer().contains("RSA TEST"), "{}", c.issuer());
    let ca = nca_cert("ca/nca_rsa_test.crt");
    assert_eq!(c.authority_key_id(), ca.subject_key_id());
}

#[test]
fn rsa_crl_signature_verifies_against_its_ca_only() {
    let c = crl("nca_rsa_test.crl");
    let ca = nca_cert("ca/nca_rsa_test.crt");
    c.verify_signature(ca.spki_der(), &AlgorithmPolicy::strict())
        .unwrap();
    // Any other key fails.
    let leaf = nca_cert("certs/individual_valid_sign_2004_rsa.cer");
    assert!(matches!(
        c.verify_signature(leaf.spki_der(), &AlgorithmPolicy::strict()),
        Err(CrlError::BadSignature(_))
    ));
    // A tampered signature fails.
    let mut der = tanba_testdata::read_nca("crl/nca_rsa_test.crl");
    let n = der.len();
    der[n - 10] ^= 0x01;
    let t = Crl::from_bytes(&der).unwrap();
    assert!(t
        .verify_signature(ca.spki_der(), &AlgorithmPolicy::strict())
        .is_err());
    // A tampered entry (a byte inside the TBS) fails.
    let mut der = tanba_testdata::read_nca("crl/nca_rsa_test.crl");
    let pos = der
        .windows(4)
        .position(|w| w == unhex("46757A21").as_slice())
        .unwrap();
    der[pos] = 0x47;
    let t = Crl::from_bytes(&der).unwrap();
    assert!(t
        .verify_signature(ca.spki_der(), &AlgorithmPolicy::strict())
        .is_err());
}

fn rsa_set() -> (CrlSet, tanba_pki::chain_cert::ChainCert) {
    let mut set = CrlSet::new();
    set.push(crl("nca_rsa_test.crl"));
    set.push(crl("nca_gost_test.crl"));
    set.push(crl("nca_gost2022_test.crl"));
    (set, nca_cert("ca/nca_rsa_test.crt"))
}

fn status(
    set: &CrlSet,
    ca: &tanba_pki::chain_cert::ChainCert,
    serial: &[u8],
    when: &str,
) -> CrlStatus {
    let issuer = CrlIssuer {
        subject_der: ca.subject_der(),
        ski: ca.subject_key_id(),
        spki_der: ca.spki_der(),
    };
    set.status(
        serial,
        &issuer,
        at(when),
        MAX_AGE,
        &AlgorithmPolicy::strict(),
    )
}

#[test]
fn revoked_rsa_keys_are_revoked_in_the_real_crl() {
    let (set, ca) = rsa_set();
    let sign = p12_cert("individual_sign_revoked_rsa_2004.p12");
    assert_eq!(
        status(&set, &ca, sign.serial(), "2022-06-01T00:00:00Z"),
        CrlStatus::Revoked {
            revoked_at: at("2022-01-18T04:40:24Z"),
            reason: RevocationReason::Superseded,
            from_delta: false
        }
    );
    let auth = p12_cert("individual_auth_revoked_rsa_2004.p12");
    assert_eq!(
        status(&set, &ca, auth.serial(), "2022-06-01T00:00:00Z"),
        CrlStatus::Revoked {
            revoked_at: at("2022-01-18T04:41:12Z"),
            reason: RevocationReason::Superseded,
            from_delta: false
        }
    );
    // Before the revocation date it was not revoked yet: reported as "revoked later".
    assert_eq!(
        status(&set, &ca, sign.serial(), "2022-01-18T04:40:00Z"),
        CrlStatus::RevokedLater {
            revoked_at: at("2022-01-18T04:40:24Z"),
            reason: RevocationReason::Superseded,
            from_delta: false
        }
    );
}

#[test]
fn valid_rsa_certs_are_good_and_stale_crl_is_unknown() {
    let (set, ca) = rsa_set();
    for f in [
        "certs/individual_valid_sign_2004_rsa.cer",
        "certs/individual_valid_sign_2004_rsa_auth.cer",
    ] {
        let c = nca_cert(f);
        assert_eq!(
            status(&set, &ca, c.serial(), "2022-06-01T00:00:00Z"),
            CrlStatus::Good {
                crl_number: Some(vec![9]),
                delta_applied: false
            },
            "{f}"
        );
        // After nextUpdate (2022-09-25) the CRL no longer proves anything.
        assert!(matches!(
            status(&set, &ca, c.serial(), "2022-12-01T00:00:00Z"),
            CrlStatus::Unknown { reason } if reason.contains("stale")
        ));
    }
    let v = p12_cert("individual_valid_sign_rsa_2004.p12");
    assert!(matches!(
        status(&set, &ca, v.serial(), "2021-06-01T00:00:00Z"),
        CrlStatus::Good { .. }
    ));
}

#[test]
fn crl_is_chosen_by_issuer_not_by_distribution_point() {
    // KZ-PKI.md §1.6: the GOST-2004 CEO certificate names the RSA CRL.
    let ceo = p12_cert("ceo_sign_revoked_gost_2004.p12");
    assert!(
        ceo.crl_urls()
            .iter()
            .any(|u| u.ends_with("nca_rsa_test.crl")),
        "{:?}",
        ceo.crl_urls()
    );
    let gost_ca = nca_cert("ca/nca_gost_test.crt");
    assert!(ceo.names_issuer(&gost_ca));
    let rsa_crl = crl("nca_rsa_test.crl");
    let gost_crl = crl("nca_gost_test.crl");
    assert!(!rsa_crl.issued_by(gost_ca.subject_der(), gost_ca.subject_key_id()));
    assert!(gost_crl.issued_by(gost_ca.subject_der(), gost_ca.subject_key_id()));
    assert!(rsa_crl.lookup(ceo.serial()).is_none());
    let e = gost_crl.lookup(ceo.serial()).unwrap();
    assert_eq!(e.revoked_at, at("2022-01-18T04:47:37Z"));
    assert_eq!(e.reason, Some(RevocationReason::Superseded));
}

#[test]
fn gost_crls_parse_and_list_the_revoked_gost_keys() {
    let c = crl("nca_gost_test.crl");
    assert_eq!(c.len(), 31);
    assert_eq!(c.number(), Some(&[7u8][..]));
    let c22 = crl("nca_gost2022_test.crl");
    assert_eq!(c22.len(), 6);
    assert_eq!(c22.number(), Some(&[4u8][..]));
    assert_eq!(c22.next_update(), Some(at("2023-01-23T11:26:06Z")));
    let ceo15 = p12_cert("ceo_revoked_gost_2015.p12");
    let e = c22.lookup(ceo15.serial()).unwrap();
    assert_eq!(e.revoked_at, at("2022-07-27T10:25:30Z"));
    assert_eq!(e.reason, Some(RevocationReason::CertificateHold));
    let valid15 = p12_cert("individual_valid_gost_2015.p12");
    assert!(c22.lookup(valid15.serial()).is_none());
    let ca22 = nca_cert("ca/nca_gost2015_test.cer");
    assert!(c22.issued_by(ca22.subject_der(), ca22.subject_key_id()));
    assert!(ceo15.names_issuer(&ca22));
}

#[test]
fn lookup_ignores_leading_zero_bytes() {
    let c = crl("nca_rsa_test.crl");
    let mut s = vec![0u8];
    s.extend(unhex("46757A2158A604189C40FB1FCDAB1143F83F32DB"));
    assert!(c.lookup(&s).is_some());
    assert!(c
        .lookup(&unhex("46757A2158A604189C40FB1FCDAB1143F83F32DC"))
        .is_none());
}

#[test]
fn hostile_crl_bytes_are_errors() {
    let der = tanba_testdata::read_nca("crl/nca_rsa_test.crl");
    for cut in [0, 1, 2, 10, 100, der.len() / 2, der.len() - 1] {
        assert!(
            matches!(Crl::from_bytes(&der[..cut]), Err(CrlError::Malformed(_))),
            "truncated at {cut}"
        );
    }
    assert!(Crl::from_bytes(b"garbage, not DER at all").is_err());
    let mut trailing = der.clone();
    trailing.push(0);
    assert!(
        matches!(Crl::from_bytes(&trailing), Err(CrlError::Malformed(m)) if m.contains("trailing"))
    );
    // A certificate is not a CRL.
    assert!(Crl::from_bytes(nca_cert("ca/nca_rsa_test.crt").der()).is_err());
}

#[test]
fn entry_index_agrees_with_x509_parser_on_every_real_crl() {
    use x509_parser::prelude::FromDer;
    for name in [
        "nca_rsa_test.crl",
        "nca_gost_test.crl",
        "nca_gost2022_test.crl",
    ] {
        let der = tanba_testdata::read_nca(&format!("crl/{name}"));
        let (_, oracle) =
            x509_parser::revocation_list::CertificateRevocationList::from_der(&der).unwrap();
        let ours = Crl::from_bytes(&der).unwrap();
        let mut n = 0;
        for rc in oracle.iter_revoked_certificates() {
            n += 1;
            let e = ours
                .lookup(rc.raw_serial())
                .unwrap_or_else(|| panic!("{name}: missing {}", rc.raw_serial_as_string()));
            assert_eq!(
                e.revoked_at.unix_timestamp(),
                rc.revocation_date.timestamp(),
                "{name}"
            );
            assert_eq!(
                e.reason.map(|r| r.code()),
                rc.reason_code().map(|(_, c)| c.0),
                "{name}"
            );
        }
        assert_eq!(ours.len(), n, "{name}");
        assert_eq!(
            ours.this_update().unix_timestamp(),
            oracle.last_update().timestamp()
        );
    }
}

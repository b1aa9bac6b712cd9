//! Validation of the generated test PKI (`testdata/pki/`, see its README): full + delta
//! CRLs (removeFromCRL, delta-only revocation), expiry, wrong key usage, roles,
//! identifiers, and hostile path-building inputs (loops, too-long chains, budget).

mod common;

use common::{at, gen_cert, gen_file, gen_key_pkcs8};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tanba_crypto::AlgorithmPolicy;
use tanba_pki::{
    build_path, Budget, CertPool, ChainCert, CheckKind, Crl, IdPolicy, Outcome, PathError, Policy,
    RequiredUsage, RevocationDepth, RevocationSources, RevokedLater, Role, ValidationTime,
    Validator, Verdict,
};

fn pool() -> CertPool {
    let mut p = CertPool::new();
    p.add_anchor(gen_cert("root"));
    p.add_intermediate(gen_cert("ca"));
    p
}

fn validator(policy: Policy, with_delta: bool) -> Validator {
    let mut v = Validator::new(pool(), policy);
    v.add_crl(Crl::from_bytes(&gen_file("crl/ca.crl")).unwrap());
    if with_delta {
        v.add_crl(Crl::from_bytes(&gen_file("crl/ca_delta.crl")).unwrap());
    }
    v
}

fn june() -> tanba_pki::PolicyBuilder {
    Policy::builder()
        .time(ValidationTime::At(at("2026-06-01T00:00:00Z")))
        .revocation_sources(RevocationSources::CrlOnly)
}

fn revocation(r: &tanba_pki::Report) -> (Outcome, String) {
    let c = r
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    (c.outcome, c.detail.clone())
}

#[test]
fn valid_certificates_are_valid_with_a_three_certificate_path() {
    for name in ["individual", "head", "employee"] {
        let r = validator(june().build(), true).validate(gen_cert(name).der(), &[]);
        assert_eq!(r.verdict, Verdict::Valid, "{name}: {r:#?}");
        assert_eq!(r.path.len(), 3, "{name}");
        let (o, d) = revocation(&r);
        assert_eq!(o, Outcome::Pass);
        assert!(d.contains("delta"), "{d}");
    }
}

#[test]
fn revoked_in_the_full_crl() {
    let r = validator(june().build(), true).validate(gen_cert("revoked").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Fail);
    assert!(d.contains("keyCompromise") && d.contains("full"), "{d}");
    // Validated at an instant before the revocation date: keyCompromise is not a benign
    // reason, so by default the status stays unknown (the compromise may predate it) …
    let early = june().time(ValidationTime::At(at("2026-01-15T00:00:00Z")));
    let r = validator(early.clone().build(), true).validate(gen_cert("revoked").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Unknown);
    assert!(
        d.contains("after the validation instant") && d.contains("keyCompromise"),
        "{d}"
    );
    // … and with RevokedLater::Accept the certificate was simply not revoked yet. (The
    // CRL's thisUpdate, 2026-03-01, is after the instant: it is authoritative about it.)
    let r = validator(early.revoked_later(RevokedLater::Accept).build(), true)
        .validate(gen_cert("revoked").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
}

#[test]
fn certificate_hold_released_by_remove_from_crl_in_the_delta() {
    // Full CRL only: on hold = revoked (certificateHold).
    let r = validator(june().build(), false).validate(gen_cert("held").der(), &[]);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Fail);
    assert!(d.contains("certificateHold"), "{d}");
    // With the delta: removeFromCRL releases it.
    let r = validator(june().build(), true).validate(gen_cert("held").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
}

#[test]
fn a_remembered_verdict_does_not_outlive_new_evidence() {
    let mut v = validator(june().build(), false);
    v.with_verdict_cache(16);
    let cert = gen_cert("delta_revoked");
    assert_eq!(v.validate(cert.der(), &[]).verdict, Verdict::Valid);
    assert_eq!(v.validate(cert.der(), &[]).verdict, Verdict::Valid);
    // the delta CRL arrives (added to the shared engine): the verdict is computed again
    v.revocation()
        .add_crl(Crl::from_bytes(&gen_file("crl/ca_delta.crl")).unwrap());
    assert_eq!(v.validate(cert.der(), &[]).verdict, Verdict::Invalid);
}

#[test]
fn revoked_only_in_the_delta_crl() {
    let r = validator(june().build(), false).validate(gen_cert("delta_revoked").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid);
    let r = validator(june().build(), true).validate(gen_cert("delta_revoked").der(), &[]);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Fail);
    assert!(d.contains("superseded") && d.contains("delta"), "{d}");
}

#[test]
fn stale_crls_make_revocation_unknown() {
    let p = june()
        .time(ValidationTime::At(at("2026-10-01T00:00:00Z")))
        .build();
    let r = validator(p, true).validate(gen_cert("individual").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Unknown);
    assert!(d.contains("stale"), "{d}");
}

#[test]
fn delta_with_a_newer_base_than_the_full_crl_is_not_applied() {
    // A delta saying "base 12" cannot update full CRL #10.
    let ca = gen_cert("ca");
    let entries = [common_entry(0x10)];
    let delta = support::signed_crl(
        &support::CrlSpec {
            issuer_der: ca.subject_der(),
            aki: ca.subject_key_id().unwrap(),
            number: 13,
            delta_base: Some(12),
            this_update: at("2026-05-01T00:00:00Z"),
            next_update: Some(at("2026-09-01T00:00:00Z")),
            entries: &entries,
        },
        &gen_key_pkcs8("ca"),
    );
    let mut v = validator(june().build(), false);
    v.add_crl(Crl::from_bytes(&delta).unwrap());
    let r = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
}

#[path = "support/crlgen.rs"]
mod support;

fn common_entry(serial_last: u8) -> support::Entry {
    let mut s = vec![
        0x4b, 0x5a, 0x54, 0x41, 0x4e, 0x42, 0x41, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    s.push(serial_last);
    support::Entry {
        serial: s,
        revoked_at: at("2026-04-15T00:00:00Z"),
        reason: Some(1),
    }
}

#[test]
fn crl_signed_by_another_key_is_not_used() {
    // Same issuer name and AKI as the CA, signed with the root's key.
    let ca = gen_cert("ca");
    let entries = [common_entry(0x10)];
    let forged = support::signed_crl(
        &support::CrlSpec {
            issuer_der: ca.subject_der(),
            aki: ca.subject_key_id().unwrap(),
            number: 99,
            delta_base: None,
            this_update: at("2026-05-01T00:00:00Z"),
            next_update: Some(at("2026-09-01T00:00:00Z")),
            entries: &entries,
        },
        &gen_key_pkcs8("root"),
    );
    let mut v = Validator::new(pool(), june().build());
    v.add_crl(Crl::from_bytes(&forged).unwrap());
    let r = v.validate(gen_cert("individual").der(), &[]);
    let (o, d) = revocation(&r);
    assert_eq!(o, Outcome::Unknown, "{d}");
    assert!(d.contains("signature"), "{d}");
}

#[test]
fn expired_and_wrong_key_usage() {
    let r = validator(june().build(), true).validate(gen_cert("expired").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.checks.iter().any(|c| c.kind == CheckKind::Validity
        && c.outcome == Outcome::Fail
        && c.detail.contains("expired")));
    let r = validator(june().build(), true).validate(gen_cert("wrong_ku").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.has_problem(CheckKind::KeyUsage));
    assert!(!r.has_problem(CheckKind::Revocation));
    let r = validator(june().required_usage(RequiredUsage::Auth).build(), true)
        .validate(gen_cert("wrong_ku").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid);
}

#[test]
fn roles_and_identifiers_of_the_legal_entity() {
    let signer = june()
        .require_any_role(Role::FirstHead)
        .require_any_role(Role::Signatory)
        .expected_bin("050440000012");
    let r = validator(signer.clone().expected_iin("051231600017").build(), true)
        .validate(gen_cert("head").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    // The employee has no signing role.
    let r = validator(signer.clone().build(), true).validate(gen_cert("employee").der(), &[]);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.has_problem(CheckKind::Role));
    assert!(!r.has_problem(CheckKind::Identifier));
    // A wrong BIN is an identifier failure.
    let r = validator(june().expected_bin("050441000018").build(), true)
        .validate(gen_cert("head").der(), &[]);
    assert!(r.has_problem(CheckKind::Identifier));
    assert!(r.refusal().unwrap().contains("BIN mismatch"));
    // Real checksums pass the strict identifier policy too.
    let r = validator(june().id_policy(IdPolicy::Strict).build(), true)
        .validate(gen_cert("individual").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
}

#[test]
fn chain_revocation_depth_uses_the_root_crl() {
    let p = june().revocation_depth(RevocationDepth::Chain).build();
    let mut v = validator(p.clone(), true);
    let r = v.validate(gen_cert("individual").der(), &[]);
    // No root CRL given: the CA's status is unknown → hard-fail.
    assert_eq!(r.verdict, Verdict::Invalid);
    v.add_crl(Crl::from_bytes(&gen_file("crl/root.crl")).unwrap());
    let r = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    assert_eq!(
        r.checks
            .iter()
            .filter(|c| c.kind == CheckKind::Revocation)
            .count(),
        2
    );
}

#[test]
fn intermediate_from_the_document_completes_the_path() {
    let mut anchors = CertPool::new();
    anchors.add_anchor(gen_cert("root"));
    let mut v = Validator::new(
        anchors,
        june().revocation_sources(RevocationSources::None).build(),
    );
    let r = v.validate(gen_cert("individual").der(), &[]);
    assert!(r.has_problem(CheckKind::Path));
    let r = v.validate(gen_cert("individual").der(), &[gen_cert("ca")]);
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    v.pool_mut().add_intermediate(gen_cert("ca"));
    assert!(v.validate(gen_cert("individual").der(), &[]).is_valid());
}

// ---- hostile path building ----

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

#[test]
fn too_long_chain_exhausts_the_depth_budget() {
    // root → ca1 → … → ca10 → leaf: 12 certificates, budget depth 8.
    let root_key = KeyPair::generate().unwrap();
    let root_p = ca_params("root");
    let root = root_p.self_signed(&root_key).unwrap();
    let mut pool = CertPool::new();
    pool.add_anchor(ChainCert::from_der(root.der()).unwrap());
    let mut keys = vec![root_key];
    let mut params = vec![root_p];
    for i in 1..=10 {
        let k = KeyPair::generate().unwrap();
        let p = ca_params(&format!("ca{i}"));
        let c = {
            let issuer = Issuer::from_params(params.last().unwrap(), keys.last().unwrap());
            p.signed_by(&k, &issuer).unwrap()
        };
        pool.add_intermediate(ChainCert::from_der(c.der()).unwrap());
        keys.push(k);
        params.push(p);
    }
    let lk = KeyPair::generate().unwrap();
    let mut lp = CertificateParams::default();
    lp.distinguished_name.push(DnType::CommonName, "leaf");
    let leaf = {
        let issuer = Issuer::from_params(params.last().unwrap(), keys.last().unwrap());
        lp.signed_by(&lk, &issuer).unwrap()
    };
    let leaf = ChainCert::from_der(leaf.der()).unwrap();
    let err = build_path(&leaf, &pool, Budget::default(), &AlgorithmPolicy::strict()).unwrap_err();
    assert!(
        matches!(
            err,
            PathError::Budget(tanba_pki::budget::BudgetExceeded::Depth(8))
        ),
        "{err}"
    );
    // With a deeper budget it builds (ECDSA P-256 keys: rcgen's default).
    let ok = build_path(
        &leaf,
        &pool,
        Budget::new(64, 256, 16),
        &AlgorithmPolicy::strict(),
    )
    .unwrap();
    assert_eq!(ok.certs().len(), 12);
}

#[test]
fn path_loops_terminate() {
    // Two CAs that certify each other (same names, cross-signed) and no anchor.
    let ka = KeyPair::generate().unwrap();
    let kb = KeyPair::generate().unwrap();
    let pa = ca_params("A");
    let pb = ca_params("B");
    let a_by_b = pa.signed_by(&ka, &Issuer::from_params(&pb, &kb)).unwrap();
    let b_by_a = pb.signed_by(&kb, &Issuer::from_params(&pa, &ka)).unwrap();
    let mut lp = CertificateParams::default();
    lp.distinguished_name.push(DnType::CommonName, "leaf");
    let lk = KeyPair::generate().unwrap();
    let leaf = lp.signed_by(&lk, &Issuer::from_params(&pa, &ka)).unwrap();
    let mut pool = CertPool::new();
    pool.add_intermediate(ChainCert::from_der(a_by_b.der()).unwrap());
    pool.add_intermediate(ChainCert::from_der(b_by_a.der()).unwrap());
    // An unrelated anchor.
    pool.add_anchor(gen_cert("root"));
    let leaf = ChainCert::from_der(leaf.der()).unwrap();
    let err = build_path(&leaf, &pool, Budget::default(), &AlgorithmPolicy::strict()).unwrap_err();
    assert!(
        matches!(err, PathError::Loop(_) | PathError::UnknownIssuer { .. }),
        "{err}"
    );
}

#[test]
fn many_same_name_candidates_exhaust_the_signature_budget() {
    // 100 CAs with the issuer's name but other keys: each costs a signature check.
    let real_key = KeyPair::generate().unwrap();
    let real = ca_params("Same Name");
    let mut pool = CertPool::new();
    for _ in 0..100 {
        let k = KeyPair::generate().unwrap();
        let mut p = ca_params("Same Name");
        p.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(vec![1, 2, 3]);
        pool.add_anchor(ChainCert::from_der(p.self_signed(&k).unwrap().der()).unwrap());
    }
    let mut lp = CertificateParams::default();
    lp.distinguished_name.push(DnType::CommonName, "leaf");
    lp.use_authority_key_identifier_extension = false;
    let lk = KeyPair::generate().unwrap();
    let leaf = lp
        .signed_by(&lk, &Issuer::from_params(&real, &real_key))
        .unwrap();
    let leaf = ChainCert::from_der(leaf.der()).unwrap();
    let err = build_path(&leaf, &pool, Budget::default(), &AlgorithmPolicy::strict()).unwrap_err();
    assert_eq!(
        err,
        PathError::Budget(tanba_pki::budget::BudgetExceeded::Signatures)
    );
}

#[test]
fn non_ca_intermediate_is_refused() {
    // root → "intermediate" without basicConstraints cA → leaf.
    let rk = KeyPair::generate().unwrap();
    let rp = ca_params("root");
    let root = rp.self_signed(&rk).unwrap();
    let ik = KeyPair::generate().unwrap();
    let mut ip = CertificateParams::default();
    ip.distinguished_name.push(DnType::CommonName, "not a CA");
    ip.is_ca = IsCa::ExplicitNoCa;
    let inter = ip.signed_by(&ik, &Issuer::from_params(&rp, &rk)).unwrap();
    let mut lp = CertificateParams::default();
    lp.distinguished_name
        .push(DnType::CommonName, "leaf of a leaf");
    let lk = KeyPair::generate().unwrap();
    let leaf = lp.signed_by(&lk, &Issuer::from_params(&ip, &ik)).unwrap();
    let mut p = CertPool::new();
    p.add_anchor(ChainCert::from_der(root.der()).unwrap());
    p.add_intermediate(ChainCert::from_der(inter.der()).unwrap());
    let leaf = ChainCert::from_der(leaf.der()).unwrap();
    let err = build_path(&leaf, &p, Budget::default(), &AlgorithmPolicy::strict()).unwrap_err();
    assert!(matches!(err, PathError::NotCa(_)), "{err}");
}

#[test]
fn truncated_and_garbage_certificates() {
    let der = gen_cert("individual").der().to_vec();
    for cut in [0, 1, 5, 100, der.len() - 1] {
        assert!(ChainCert::from_der(&der[..cut]).is_err(), "cut {cut}");
    }
    assert!(ChainCert::from_bytes(
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    )
    .is_err());
    assert!(ChainCert::from_bytes(b"\x00\x01\x02").is_err());
}

#[test]
fn over_long_serials_are_indexed_too() {
    // RFC 5280 caps serials at 20 octets; a CRL may still list longer ones.
    let ca = gen_cert("ca");
    let long: Vec<u8> = (1..=25).collect();
    let entries = [
        support::Entry {
            serial: long.clone(),
            revoked_at: at("2026-04-15T00:00:00Z"),
            reason: None,
        },
        common_entry(0x10),
    ];
    let der = support::signed_crl(
        &support::CrlSpec {
            issuer_der: ca.subject_der(),
            aki: ca.subject_key_id().unwrap(),
            number: 77,
            delta_base: None,
            this_update: at("2026-05-01T00:00:00Z"),
            next_update: None,
            entries: &entries,
        },
        &gen_key_pkcs8("ca"),
    );
    let crl = Crl::from_bytes(&der).unwrap();
    assert_eq!(crl.len(), 2);
    assert!(crl.lookup(&long).is_some());
    assert!(crl.lookup(&long[..24]).is_none());
    assert_eq!(
        crl.lookup(&entries[1].serial).unwrap().reason,
        Some(tanba_pki::RevocationReason::KeyCompromise)
    );
    // No nextUpdate: usable for the policy's max age after thisUpdate only.
    assert!(crl.is_usable_at(at("2026-05-01T12:00:00Z"), time::Duration::days(1)));
    assert!(!crl.is_usable_at(at("2026-05-03T00:00:00Z"), time::Duration::days(1)));
}

#[test]
fn intermediate_with_an_unknown_critical_extension_is_refused() {
    let rk = KeyPair::generate().unwrap();
    let rp = ca_params("root");
    let root = rp.self_signed(&rk).unwrap();
    let ik = KeyPair::generate().unwrap();
    let mut ip = ca_params("odd CA");
    let mut ext =
        rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![0x05, 0x00]);
    ext.set_criticality(true);
    ip.custom_extensions = vec![ext];
    let inter = ip.signed_by(&ik, &Issuer::from_params(&rp, &rk)).unwrap();
    let mut lp = CertificateParams::default();
    lp.distinguished_name.push(DnType::CommonName, "leaf");
    let lk = KeyPair::generate().unwrap();
    let leaf = lp.signed_by(&lk, &Issuer::from_params(&ip, &ik)).unwrap();
    let mut p = CertPool::new();
    p.add_anchor(ChainCert::from_der(root.der()).unwrap());
    p.add_intermediate(ChainCert::from_der(inter.der()).unwrap());
    let leaf = ChainCert::from_der(leaf.der()).unwrap();
    let err = build_path(&leaf, &p, Budget::default(), &AlgorithmPolicy::strict()).unwrap_err();
    assert!(
        matches!(&err, PathError::UnsupportedCriticalExtension { oids, .. } if oids == "1.3.6.1.4.1.99999.1"),
        "{err}"
    );
}

//! The embedded trust sets: every pin agrees with the SHA-256 the shared material's README
//! records (an independent statement of the same bytes), every issuing CA chains to its
//! root in the set with its signature verified (RSA, GOST-2015, GOST-2004), and the NCA
//! test keys validate against `nca-test` without any other trust given.

mod common;

use common::{at, p12_cert};
use tanba_pki::trust_sets::{Confirmation, TrustSet};
use tanba_pki::{
    build_path, Budget, IdPolicy, Policy, RevocationSources, TrustRole, ValidationTime, Validator,
    Verdict,
};

/// SHA-256 values by file name from `../shared/testdata/nca-prod/README.md`.
fn readme_pins() -> std::collections::HashMap<String, String> {
    let text =
        std::fs::read_to_string(tanba_testdata::shared_testdata().join("nca-prod/README.md"))
            .expect("the shared nca-prod README");
    let mut out = std::collections::HashMap::new();
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(file), Some(sha)) = (cells.get(1), cells.get(7)) else {
            continue;
        };
        if file.ends_with(".cer") && sha.len() == 64 {
            out.insert(file.to_string(), sha.to_string());
        }
    }
    out
}

#[test]
fn pins_agree_with_the_recorded_fingerprints_and_the_shared_files() {
    let readme = readme_pins();
    assert!(readme.len() >= 12, "{readme:?}");
    for set in [TrustSet::NcaProd, TrustSet::NcaTest] {
        for p in set.certificates() {
            let c = p.certificate().unwrap_or_else(|e| panic!("{e}"));
            // the embedded bytes are the shared file's bytes
            let file =
                if p.confirmation == Confirmation::TestMaterial && !p.name.starts_with("root") {
                    tanba_testdata::nca(&format!(
                        "ca/{}",
                        match p.name {
                            "nca_gost2022_test" => "nca_gost2015_test.cer",
                            "nca_gost_test" => "nca_gost_test.crt",
                            _ => "nca_rsa_test.crt",
                        }
                    ))
                } else {
                    tanba_testdata::shared_testdata().join(format!("nca-prod/{}.cer", p.name))
                };
            let shared = tanba_pki::ChainCert::from_bytes(&std::fs::read(&file).unwrap()).unwrap();
            assert_eq!(shared.der(), c.der(), "{}", p.name);
            // and the pin is the README's value where the README records one
            if let Some(want) = readme.get(&format!("{}.cer", p.name)) {
                assert_eq!(p.sha256, want, "{}", p.name);
            } else {
                assert_eq!(p.confirmation, Confirmation::TestMaterial, "{}", p.name);
            }
            assert_eq!(
                c.is_self_issued(),
                p.role == TrustRole::Anchor,
                "{}",
                p.name
            );
        }
    }
    assert!(TrustSet::None.pool().unwrap().anchors().is_empty());
}

#[test]
fn every_issuing_ca_chains_to_its_root_in_the_set() {
    for set in [TrustSet::NcaProd, TrustSet::NcaTest] {
        let pool = set.pool().unwrap();
        for p in set
            .certificates()
            .iter()
            .filter(|p| p.role == TrustRole::Intermediate)
        {
            let c = p.certificate().unwrap();
            let path = build_path(
                &c,
                &pool,
                Budget::default(),
                &tanba_crypto::AlgorithmPolicy::strict(),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", p.name));
            assert_eq!(path.certs().len(), 2, "{}: CA + root", p.name);
            assert!(path.anchor().is_self_issued());
        }
    }
    // the old and new roots share a CN: the 2018 CAs chain to the 2015 roots only
    let pool = TrustSet::NcaProd.pool().unwrap();
    let nca_rsa = TrustSet::NcaProd
        .certificates()
        .iter()
        .find(|p| p.name == "nca_rsa")
        .unwrap()
        .certificate()
        .unwrap();
    let path = build_path(
        &nca_rsa,
        &pool,
        Budget::default(),
        &tanba_crypto::AlgorithmPolicy::strict(),
    )
    .unwrap();
    assert!(path.anchor().not_after() < at("2026-01-01T00:00:00Z"));
}

#[test]
fn the_nca_test_keys_validate_against_the_embedded_test_set_alone() {
    for (key, when) in [
        ("individual_valid_sign_rsa_2004.p12", "2021-06-01T00:00:00Z"),
        ("individual_valid_gost_2015.p12", "2022-12-01T00:00:00Z"),
    ] {
        let cert = p12_cert(key);
        let policy = Policy::builder()
            .time(ValidationTime::At(at(when)))
            .revocation_sources(RevocationSources::None)
            .id_policy(IdPolicy::AcceptTestIds)
            .build();
        let test = Validator::new(TrustSet::NcaTest.pool().unwrap(), policy.clone());
        let r = test.validate(cert.der(), &[]);
        assert_eq!(r.verdict, Verdict::Valid, "{key}: {r:#?}");
        assert_eq!(r.path.len(), 3, "leaf, test CA, test root");
        // production trust does not accept test certificates
        let prod = Validator::new(TrustSet::NcaProd.pool().unwrap(), policy);
        assert_eq!(prod.validate(cert.der(), &[]).verdict, Verdict::Invalid);
    }
}

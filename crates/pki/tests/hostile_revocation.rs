//! Hostile revocation inputs: mutated real NCA CRLs and OCSP responses (bit flips,
//! truncation, inserted bytes) and random bytes never panic; a mutated CRL or response
//! that still parses never verifies against the CA when the change hit the signed part.

mod common;

use common::nca_cert;
use proptest::prelude::*;
use tanba_crypto::AlgorithmPolicy;
use tanba_pki::ocsp::OcspResponse;
use tanba_pki::Crl;

fn rsa_crl() -> Vec<u8> {
    tanba_testdata::read_nca("crl/nca_rsa_test.crl")
}

fn rsa_ocsp() -> Vec<u8> {
    tanba_testdata::read_nca("ocsp/ocsp_response_individual_sign_2004.bin")
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, u8),
}

fn apply(mut d: Vec<u8>, m: &Mutation) -> Vec<u8> {
    match *m {
        Mutation::Flip(i, b) => {
            let i = i % d.len();
            d[i] ^= b.max(1);
        }
        Mutation::Truncate(n) => d.truncate(n % d.len()),
        Mutation::Insert(i, b) => {
            let i = i % d.len();
            d.insert(i, b);
        }
    }
    d
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_crl_never_panics_and_never_verifies(m in mutation()) {
        let original = rsa_crl();
        let d = apply(original.clone(), &m);
        prop_assume!(d != original);
        if let Ok(c) = Crl::from_bytes(&d) {
            let ca = nca_cert("ca/nca_rsa_test.crt");
            // Any change of a DER byte changes either the TBS or the signature.
            prop_assert!(c.verify_signature(ca.spki_der(), &AlgorithmPolicy::strict()).is_err());
        }
    }

    #[test]
    fn mutated_ocsp_never_panics_and_never_verifies(m in mutation()) {
        let original = rsa_ocsp();
        let d = apply(original.clone(), &m);
        prop_assume!(d != original);
        if let Ok(r) = OcspResponse::from_der(&d) {
            let ca = nca_cert("ca/nca_rsa_test.crt");
            prop_assert!(r.verify_signer(&ca, &AlgorithmPolicy::strict()).is_err());
        }
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Crl::from_bytes(&data);
        let _ = OcspResponse::from_der(&data);
        let _ = tanba_pki::ChainCert::from_bytes(&data);
    }
}

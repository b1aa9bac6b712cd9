//! Hostile and damaged input: whatever bytes come in, loading returns a typed error and
//! never panics; and no change to a real NCA keystore goes unnoticed (every byte of the
//! file is covered by the MAC or checked structurally).

use proptest::prelude::*;
use tanba_keys::{Keystore, Password};

const FILES: &[&str] = &[
    "individual_valid_sign_rsa_2004.p12",
    "individual_auth_revoked_rsa_2004.p12",
    "ceo_sign_revoked_gost_2004.p12",
    "individual_valid_gost_2015.p12",
];

fn nca(i: usize) -> (Vec<u8>, Password) {
    let name = FILES[i % FILES.len()];
    (
        tanba_testdata::read_nca(&format!("keys/{name}")),
        Password::new(tanba_testdata::nca_password(name)),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Flip 1..4 bytes anywhere in a real file: it must not open.
    #[test]
    fn any_change_to_a_real_keystore_is_detected(
        file in 0usize..FILES.len(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
    ) {
        let (mut data, pw) = nca(file);
        for (at, mask) in &flips {
            let i = at.index(data.len());
            data[i] ^= mask;
        }
        // Two flips at the same place may cancel out.
        let (orig, _) = nca(file);
        prop_assume!(data != orig);
        prop_assert!(Keystore::open_pkcs12(&data, &pw).is_err());
    }

    /// Truncation at any point is an error.
    #[test]
    fn any_truncation_is_an_error(file in 0usize..FILES.len(), cut in any::<prop::sample::Index>()) {
        let (data, pw) = nca(file);
        let n = cut.index(data.len());
        prop_assert!(Keystore::open_pkcs12(&data[..n], &pw).is_err());
    }

    /// Arbitrary bytes (and arbitrary bytes behind a plausible PFX header) never panic.
    #[test]
    fn random_input_never_panics(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        header in any::<bool>(),
    ) {
        let mut data = Vec::new();
        if header {
            data.extend_from_slice(&[0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80]);
        }
        data.extend_from_slice(&body);
        let _ = Keystore::open_pkcs12(&data, &Password::new("x"));
        let _ = Keystore::from_pkcs8(&data, Some(&Password::new("x")), &body);
    }
}

//! Loose private keys: PKCS#8 DER/PEM, encrypted PKCS#8, PKCS#1, SEC1, with arbitrary
//! certificate bytes beside them: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_keys::{Keystore, Limits, Password};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_iterations: 4096,
        max_total_iterations: 20_000,
        ..Limits::default()
    };
    // split: the first part is the key, the rest the certificates
    let cut = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    let (key, certs) = data.split_at(cut);
    let pw = Password::new("pw");
    let _ = Keystore::from_pkcs8_with_limits(key, None, certs, &limits);
    let _ = Keystore::from_pkcs8_with_limits(key, Some(&pw), certs, &limits);
    let _ = tanba_crypto::signer_from_pkcs8(key, vec![certs.to_vec()]);
});

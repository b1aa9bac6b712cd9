//! Trust-store bundles: PEM/DER files with any number of certificates, as `--trust` and
//! `trust update` read them, and the certificate pool built from them. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_pki::{CertPool, TrustRole, TrustStore};

fuzz_target!(|data: &[u8]| {
    let _ = tanba_pki::chain_cert::certificates_from_pem_or_der(data);
    let mut store = TrustStore::new();
    if store.add_pem_or_der(data, TrustRole::Anchor).is_ok() {
        let (pool, _errors) = CertPool::from_trust_store(&store);
        let _ = pool;
        for (_, c) in store.iter() {
            let _ = store.issuer_candidates(c);
            let _ = store.is_anchor(c);
        }
    }
});

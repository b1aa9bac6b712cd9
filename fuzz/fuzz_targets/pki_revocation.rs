//! Fuzz the tanba-pki parsers of hostile revocation data: CRLs (DER/PEM), OCSP
//! responses, and certificates as read for path building. None may panic; a parsed CRL
//! must answer lookups.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(crl) = tanba_pki::Crl::from_bytes(data) {
        let _ = crl.lookup(&[1, 2, 3]);
        let _ = crl.len();
    }
    if let Ok(resp) = tanba_pki::OcspResponse::from_der(data) {
        let _ = resp.responses().len();
        let _ = resp.nonce();
        for c in resp.certificates() {
            let _ = tanba_pki::ChainCert::from_der(c);
        }
    }
    let _ = tanba_pki::ChainCert::from_bytes(data);
});

//! `tanba_dsig::verify` on arbitrary bytes, with the default budget and with the Base64
//! transform and legacy algorithms allowed: never a panic, and a document reported valid
//! has at least one signature, every one of them valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_dsig::{verify, VerifyOptions};

fuzz_target!(|data: &[u8]| {
    for opts in [
        VerifyOptions::default(),
        VerifyOptions {
            allow_legacy: true,
            allow_base64_transform: true,
            ..VerifyOptions::default()
        },
    ] {
        if let Ok(r) = verify(data, &opts) {
            if r.all_valid() {
                assert!(!r.signatures.is_empty());
                assert!(r.first_error().is_none());
            }
            let doc = r.document();
            for n in doc.descendants(doc.root_element()).take(64) {
                let _ = r.is_signed(n);
            }
        }
    }
});

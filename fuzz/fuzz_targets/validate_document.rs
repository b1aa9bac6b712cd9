//! The verification core's format recognition and layer walk on arbitrary bytes: never a
//! panic, and a valid verdict always has at least one signature, each of which passes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_validate::{verify_document, verify_document_vec, DocumentOptions, Scope};

fuzz_target!(|data: &[u8]| {
    for scope in [Scope::EveryLayer, Scope::TransportOnly] {
        let opts = DocumentOptions {
            scope,
            expected: tanba_pki::ExpectedIdentity {
                iin: Some("123456789011".into()),
                bin: None,
            },
            ..DocumentOptions::default()
        };
        let a = verify_document(data, &opts);
        if let Ok(r) = &a {
            if r.is_passed() {
                assert!(!r.signers.is_empty());
                assert!(r.signers.iter().all(|s| s.is_passed()));
                assert!(r.problems.is_empty());
            }
        }
        let b = verify_document_vec(data.to_vec(), &opts);
        assert_eq!(
            a.as_ref().map(|r| r.indication).ok(),
            b.as_ref().map(|r| r.indication).ok(),
            "the in-place and copying entries must agree"
        );
    }
});

//! Opening arbitrary bytes as a PKCS#12 keystore, with and without MAC, under tight
//! work limits: never a panic, never more work than the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_keys::{Keystore, Limits, Password, Pkcs12Options};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_iterations: 4096,
        max_total_iterations: 20_000,
        ..Limits::default()
    };
    for allow_missing_mac in [false, true] {
        let opts = Pkcs12Options {
            limits,
            allow_missing_mac,
        };
        for pw in ["Qwerty12", ""] {
            if let Ok(ks) = Keystore::open_pkcs12_with(data, &Password::new(pw), &opts) {
                let _ = ks.integrity();
                for e in ks.entries() {
                    let _ = e.alias();
                    let _ = e.purpose();
                    let _ = e.chain().len();
                }
            }
        }
    }
});

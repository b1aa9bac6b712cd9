//! Certificates as the Kazakh profile reads them: subject fields, IIN/BIN with their
//! checks, roles, key usage, the JSON summary, the signer identity and the expected
//! identity comparison; identifiers parsed from text. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_pki::{Bin, ExpectedIdentity, IdPolicy, Iin, KzCertificate, SignerInfo};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = KzCertificate::from_der(data) {
        let _ = c.summary();
        let _ = c.subject_string();
        let _ = c.roles();
        if let Some(i) = c.iin() {
            let _ = i.check(IdPolicy::ChecksumOnly);
        }
        if let Some(b) = c.bin() {
            let _ = b.check(IdPolicy::AcceptTestIds);
        }
        let _ = SignerInfo::from_cert(&c).describe();
        let want = ExpectedIdentity {
            iin: Some("123456789011".into()),
            bin: Some("123456789021".into()),
        };
        let _ = want.check(Some(&c));
    }
    let _ = tanba_pki::ChainCert::from_bytes(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Iin::parse(s);
        let _ = Bin::parse(s);
        let _ = tanba_pki::ident::split_prefixed(s);
    }
});

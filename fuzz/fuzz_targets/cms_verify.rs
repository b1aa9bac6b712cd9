//! Fuzz tanba-cms: reading a CMS (DER, PEM, base64) within the limits and checking every
//! SignerInfo attached, detached and by digest. Nothing may panic; a checked CMS always
//! reports one fact list per signer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_cms::{read, verify, Content, Limits};
use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm};

fuzz_target!(|data: &[u8]| {
    let Ok(cms) = read(data, &Limits::default()) else {
        return;
    };
    let policy = AlgorithmPolicy::default();
    let digest = DigestAlgorithm::Sha256.digest(b"content");
    for content in [
        Content::Attached,
        Content::Detached(b"content"),
        Content::Digest {
            algorithm: DigestAlgorithm::Sha256,
            value: &digest,
        },
    ] {
        if let Ok(v) = verify(&cms, content, &[], &policy) {
            assert_eq!(v.signers.len(), cms.signers.len());
            let _ = v.all_verified();
        }
    }
});

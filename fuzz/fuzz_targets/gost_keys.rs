//! GOST public keys and signatures from bytes: points for every parameter set (on the
//! curve or not), verification of arbitrary signatures, and keys and signatures reaching
//! tanba-crypto through a SubjectPublicKeyInfo. Never a panic; nothing verifies by
//! accident.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_crypto::{verify_signature, AlgorithmPolicy, SignatureAlgorithm, SignatureEncoding};
use tanba_gost::{ParamSet, VerifyingKey};

fuzz_target!(|data: &[u8]| {
    for ps in ParamSet::ALL {
        let n = ps.size();
        if data.len() >= 2 * n {
            if let Ok(k) = VerifyingKey::from_xy_le(ps, &data[..2 * n]) {
                let rest = &data[2 * n..];
                let digest = [0x5Au8; 64];
                let _ = k.verify_digest(&digest[..n], rest);
            }
        }
    }
    let _ = tanba_crypto::PublicKeyInfo::from_der(data);
    for alg in [
        SignatureAlgorithm::Gost2015_512,
        SignatureAlgorithm::Gost2015_256,
        SignatureAlgorithm::Gost2004,
    ] {
        let _ = verify_signature(
            alg,
            data,
            b"message",
            &[0u8; 128],
            SignatureEncoding::XmlDsig,
            &AlgorithmPolicy::strict(),
        );
    }
});

//! Hash vectors from GOST-VECTORS.md (RFC 6986 Streebog in memory order, GOST R 34.11-94 with
//! the test S-box = GOST 34.311-95 as NCA RK uses it) through tanba-crypto's
//! `DigestAlgorithm`, which is what feeds tanba-gost; and property tests of sign / verify
//! through tanba-crypto's GOST path.

use proptest::prelude::*;
use tanba_crypto::DigestAlgorithm;
use tanba_gost::{GostError, ParamSet, SigningKey};

fn h(alg: DigestAlgorithm, msg: &[u8]) -> String {
    hex::encode(alg.digest(msg))
}

const M1: &[u8] = b"012345678901234567890123456789012345678901234567890123456789012";

fn m2() -> Vec<u8> {
    hex::decode("d1e520e2e5f2f0e82c20d1f2f0e8e1eee6e820e2edf3f6e82c20e2e5fef2fa20f120eceef0ff20f1f2f0e5ebe0ece820ede020f5f0e0e1f0fbff20efebfaeafb20c8e3eef0e5e2fb").unwrap()
}

fn carry() -> Vec<u8> {
    let mut m = vec![0xeeu8; 64];
    m.push(0x16);
    m.extend(std::iter::repeat_n(0x11u8, 62));
    m.push(0x16);
    m
}

#[test]
fn streebog_512_vectors() {
    use DigestAlgorithm::Streebog512 as S;
    assert_eq!(h(S, M1), "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48");
    assert_eq!(h(S, &m2()), "1e88e62226bfca6f9994f1f2d51569e0daf8475a3b0fe61a5300eee46d961376035fe83549ada2b8620fcd7c496ce5b33f0cb9dddc2b6460143b03dabac9fb28");
    assert_eq!(h(S, b""), "8e945da209aa869f0455928529bcae4679e9873ab707b55315f56ceb98bef0a7362f715528356ee83cda5f2aac4c6ad2ba3a715c1bcd81cb8e9f90bf4c1c1a8a");
    assert_eq!(h(S, &carry()), "8b06f41e59907d9636e892caf5942fcdfb71fa31169a5e70f0edb873664df41c2cce6e06dc6755d15a61cdeb92bd607cc4aaca6732bf3568a23a210dd520fd41");
}

#[test]
fn streebog_256_vectors() {
    use DigestAlgorithm::Streebog256 as S;
    assert_eq!(
        h(S, M1),
        "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"
    );
    assert_eq!(
        h(S, &m2()),
        "9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50"
    );
    assert_eq!(
        h(S, b""),
        "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb"
    );
    assert_eq!(
        h(S, &carry()),
        "81bb632fa31fcc38b4c379a662dbc58b9bed83f50d3a1b2ce7271ab02d25babb"
    );
}

#[test]
fn gost34311_test_sbox_vectors() {
    use DigestAlgorithm::Gost34311 as G;
    assert_eq!(
        h(G, b""),
        "ce85b99cc46752fffee35cab9a7b0278abb4c2d2055cff685af4912c49490f8d"
    );
    assert_eq!(
        h(G, b"This is message, length=32 bytes"),
        "b1c466d37519b82e8319819ff32595e047a28cb6f83eff1c6916a815a637fffa"
    );
    assert_eq!(
        h(G, b"Suppose the original message has length = 50 bytes"),
        "471aba57a60a770d3a76130635c1fbea4ef14de51f78b4ae57dd893b62f55208"
    );
    assert_eq!(
        h(G, b"abc"),
        "f3134348c44fb1b2a277729e2285ebb5cb5e0f29c975bc753b70497c06a4d51d"
    );
    assert_eq!(
        h(G, b"The quick brown fox jumps over the lazy dog"),
        "77b7fa410c9ac58a25f49bca7d0468c9296529315eaca76bd1a10f376d1f4294"
    );
    assert_eq!(
        h(G, &[b'U'; 128]),
        "53a3a3ed25180cef0c1d85a074273e551c25660a87062a52d926a9e8fe5733a4"
    );
}

fn param_set() -> impl Strategy<Value = (ParamSet, DigestAlgorithm)> {
    prop_oneof![
        Just((ParamSet::Tc26_512A, DigestAlgorithm::Streebog512)),
        Just((ParamSet::Tc26_256A, DigestAlgorithm::Streebog256)),
        Just((ParamSet::CryptoProA, DigestAlgorithm::Gost34311)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Round trip on random messages; another key, an altered message and an altered
    /// signature are all rejected.
    #[test]
    fn sign_verify_round_trip(
        (ps, dg) in param_set(),
        msg in proptest::collection::vec(any::<u8>(), 0..300),
        flip in any::<usize>(),
    ) {
        let key = SigningKey::generate(ps).unwrap();
        let vk = key.verifying_key();
        let digest = dg.digest(&msg);
        let sig = key.sign_digest(&digest).unwrap();
        prop_assert_eq!(vk.verify_digest(&digest, &sig), Ok(()));

        let other = SigningKey::generate(ps).unwrap().verifying_key();
        prop_assert_eq!(other.verify_digest(&digest, &sig), Err(GostError::BadSignature));

        let mut altered = msg.clone();
        altered.push(0x5a);
        let d2 = dg.digest(&altered);
        prop_assert_eq!(vk.verify_digest(&d2, &sig), Err(GostError::BadSignature));

        let mut bad = sig.clone();
        let bit = flip % (bad.len() * 8);
        bad[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(vk.verify_digest(&digest, &bad).is_err());
    }
}

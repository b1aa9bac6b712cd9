//! Unit tests: the standard's worked examples and internal consistency.

use crate::hazmat::sign_digest_with_nonce;
use crate::{GostError, ParamSet, SigningKey, VerifyingKey};

fn be_hex_to_le(h: &str) -> Vec<u8> {
    let mut v = hex::decode(h).unwrap();
    v.reverse();
    v
}

/// GOST R 34.10-2012 Appendix A example 1 / 2: the standard gives `e` as an integer; as the
/// digest is read little-endian, the digest bytes are `e` written little-endian.
#[allow(clippy::too_many_arguments)]
fn worked_example(ps: ParamSet, d: &str, qx: &str, qy: &str, e: &str, k: &str, r: &str, s: &str) {
    let key = SigningKey::from_le_bytes(ps, &be_hex_to_le(d)).unwrap();
    let mut xy = be_hex_to_le(qx);
    xy.extend(be_hex_to_le(qy));
    assert_eq!(key.verifying_key().to_xy_le(), xy.as_slice(), "Q = dG");
    let digest = be_hex_to_le(e);
    let sig = sign_digest_with_nonce(&key, &digest, &be_hex_to_le(k)).unwrap();
    let mut expected = be_hex_to_le(r);
    expected.extend(be_hex_to_le(s));
    assert_eq!(hex::encode(&sig), hex::encode(&expected), "(r, s)");
    let vk = VerifyingKey::from_xy_le(ps, &xy).unwrap();
    vk.verify_digest(&digest, &sig).unwrap();
    let mut bad = sig.clone();
    bad[3] ^= 1;
    assert_eq!(
        vk.verify_digest(&digest, &bad),
        Err(GostError::BadSignature)
    );
}

#[test]
fn standard_example_1_256() {
    worked_example(
        ParamSet::Test256,
        "7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28",
        "7F2B49E270DB6D90D8595BEC458B50C58585BA1D4E9B788F6689DBD8E56FD80B",
        "26F1B489D6701DD185C8413A977B3CBBAF64D1C593D26627DFFB101A87FF77DA",
        "2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5",
        "77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3",
        "41AA28D2F1AB148280CD9ED56FEDA41974053554A42767B83AD043FD39DC0493",
        "01456C64BA4642A1653C235A98A60249BCD6D3F746B631DF928014F6C5BF9C40",
    );
}

#[test]
fn standard_example_2_512() {
    worked_example(
        ParamSet::Test512,
        "0BA6048AADAE241BA40936D47756D7C93091A0E8514669700EE7508E508B102072E8123B2200A0563322DAD2827E2714A2636B7BFD18AADFC62967821FA18DD4",
        "115DC5BC96760C7B48598D8AB9E740D4C4A85A65BE33C1815B5C320C854621DD5A515856D13314AF69BC5B924C8B4DDFF75C45415C1D9DD9DD33612CD530EFE1",
        "37C7C90CD40B0F5621DC3AC1B751CFA0E2634FA0503B3D52639F5D7FB72AFD61EA199441D943FFE7F0C70A2759A3CDB84C114E1F9339FDF27F35ECA93677BEEC",
        "3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C5917184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C",
        "0359E7F4B1410FEACC570456C6801496946312120B39D019D455986E364F365886748ED7A44B3E794434006011842286212273A6D14CF70EA3AF71BB1AE679F1",
        "2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD35492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36",
        "1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A",
    );
}

fn streebog512(msg: &[u8]) -> Vec<u8> {
    use streebog::Digest;
    streebog::Streebog512::digest(msg).to_vec()
}

fn gost94_test(msg: &[u8]) -> Vec<u8> {
    use gost94::Digest;
    gost94::Gost94Test::digest(msg).to_vec()
}

/// GOST-VECTORS.md "Signing vector 2015": the real NCA test key, a fixed k, checked there by
/// the Python recipe and the OpenSSL GOST engine.
#[test]
fn nca_signing_vector_2015() {
    let d = be_hex_to_le("F85A4C6955A2575CBA88F7A0B7917731B6974E93088D91B2E04CBFCE8505CE8EA8473A9285F08D909610FB11A13BA196AAC83FD2A5C71EFABE1AB8C3A44CFB19");
    let key = SigningKey::from_le_bytes(ParamSet::Tc26_512A, &d).unwrap();
    let digest = streebog512(b"NCA RK GOST 34.10-2015 512 test message");
    let k = be_hex_to_le("1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F809");
    let sig = sign_digest_with_nonce(&key, &digest, &k).unwrap();
    assert_eq!(
        hex::encode_upper(&sig),
        "46CC1B50BF37B7F0F6F791151F7E9641564834212A44D90F15CCFDBCFE50013F1DC5FF5E2BFC123CBE5C0FDBCBCA5785029AD5EEDA4CFB868D124E68B4CD9D22AAD53CE7694C39DECD85D172FB9C1784F31AB3637DC0B953B2D287D9F4568329169C75A502D42F816A0FA519E4A16652B7F0AE9083AEF3C686984EA66586890E"
    );
    key.verifying_key().verify_digest(&digest, &sig).unwrap();
}

/// GOST-VECTORS.md "Signing vector 2004" (CryptoPro-A, GOST 34.311-95 test S-box).
#[test]
fn nca_signing_vector_2004() {
    let d = be_hex_to_le("C91348CF9CFE5666CA3ABD1C1A894FCEF5C9A4A4E199AA9B4D597E21A096E3F5");
    let key = SigningKey::from_le_bytes(ParamSet::CryptoProA, &d).unwrap();
    let digest = gost94_test(b"NCA RK GOST 34.310-2004 test message");
    let k = be_hex_to_le("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");
    let sig = sign_digest_with_nonce(&key, &digest, &k).unwrap();
    assert_eq!(
        hex::encode_upper(&sig),
        "F8E8E5725D5E71FBCE8FF8C5C7D6EB18613DC100D0B168FF7F419ED2DFDBC52723D5AE2ABDBA173E1DF570906D41D55AEB58F71D23626BA113305F1987DE2832"
    );
    key.verifying_key().verify_digest(&digest, &sig).unwrap();
}

/// GOST-VECTORS.md: the CA public key and the signature on the 2015 user certificate, over
/// the published Streebog-512 of its TBS.
#[test]
fn nca_certificate_signature_vector_2015() {
    let pk = hex::decode("B83A7DFC48FECC4F2DA0E1DE12EC2BC7FD3FB3CC163739E95DB517E48314A3645118125C6F7762798F52E2AFE8DA8FF1F947193155FA0A4688CE29DD73D16DD137B20D2143C49AA075D1DA1EA1A1F3373B27200052472011C3B2B33931CA9F824B955609CFFC59D49339841B7FEC0B467D73B531DBB52C9EE75F795BD510186B").unwrap();
    let digest = hex::decode("b5cb4f207edacdbbe60e29488d2e535bf58880157ee2e950472eb232e2e41cb6047b4765b005edc3f78c5c843f0b1f605b6976f5158f8ed2681c7d0e81fa0708").unwrap();
    let sig = hex::decode("34D82F0B83BE28BE0E225299E60D4837903D670E1C1930250CCD1991A92E66A596771166111CB21DFCDEBBA5E60CB7DC75A0448D081076A42FBFF0E83485CF5F3D6315CEA330F63E7967660D80E027923AA1F56C3F12EC47F57255425CB3D662BBE3A13865038687833239D6A91AB41A60165B54DF5C2B17291F27DEDCA56C79").unwrap();
    let vk = VerifyingKey::from_xy_le(ParamSet::Tc26_512A, &pk).unwrap();
    vk.verify_digest(&digest, &sig).unwrap();
    let mut d2 = digest.clone();
    d2[0] ^= 0x80;
    assert_eq!(vk.verify_digest(&d2, &sig), Err(GostError::BadSignature));
}

/// The private keys of the NCA p12 files give the certificates' public keys (GOST.md §3).
#[test]
fn nca_private_keys_give_their_public_keys() {
    let d = be_hex_to_le("F85A4C6955A2575CBA88F7A0B7917731B6974E93088D91B2E04CBFCE8505CE8EA8473A9285F08D909610FB11A13BA196AAC83FD2A5C71EFABE1AB8C3A44CFB19");
    // stored form: the PKCS#8 inner OCTET STRING is d little-endian
    assert_eq!(hex::encode_upper(&d), "19FB4CA4C3B81ABEFA1EC7A5D23FC8AA96A13BA111FB1096908DF085923A47A88ECE0585CEBF4CE0B2918D08934E97B6317791B7A0F788BA5C57A255694C5AF8");
    let key = SigningKey::from_le_bytes(ParamSet::Tc26_512A, &d).unwrap();
    let vk = key.verifying_key();
    assert!(VerifyingKey::from_xy_le(ParamSet::Tc26_512A, vk.to_xy_le()).is_ok());
}

#[test]
fn rejects_malformed_inputs() {
    let q512 = be_hex_to_le("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275");
    assert_eq!(
        SigningKey::from_le_bytes(ParamSet::Tc26_512A, &q512).unwrap_err(),
        GostError::InvalidPrivateKey
    );
    assert_eq!(
        SigningKey::from_le_bytes(ParamSet::Tc26_512A, &[0u8; 64]).unwrap_err(),
        GostError::InvalidPrivateKey
    );
    assert!(matches!(
        SigningKey::from_le_bytes(ParamSet::Tc26_512A, &[1u8; 32]),
        Err(GostError::InvalidLength {
            what: "private key",
            expected: 64,
            got: 32
        })
    ));
    assert_eq!(
        ParamSet::from_oid("1.2.3.4").unwrap_err(),
        GostError::UnknownParamSet("1.2.3.4".into())
    );
    let key = SigningKey::generate(ParamSet::Tc26_512A).unwrap();
    let vk = key.verifying_key();
    let digest = [7u8; 64];
    let sig = key.sign_digest(&digest).unwrap();
    // r = 0, s = q, r = q
    let mut zero_r = sig.clone();
    zero_r[..64].fill(0);
    assert!(matches!(
        vk.verify_digest(&digest, &zero_r),
        Err(GostError::MalformedSignature(_))
    ));
    let mut s_q = sig.clone();
    s_q[64..].copy_from_slice(&q512);
    assert!(matches!(
        vk.verify_digest(&digest, &s_q),
        Err(GostError::MalformedSignature(_))
    ));
    let mut r_q = sig.clone();
    r_q[..64].copy_from_slice(&q512);
    assert!(matches!(
        vk.verify_digest(&digest, &r_q),
        Err(GostError::MalformedSignature(_))
    ));
    assert!(matches!(
        vk.verify_digest(&digest, &sig[..127]),
        Err(GostError::InvalidLength {
            what: "signature",
            ..
        })
    ));
    assert!(matches!(
        vk.verify_digest(&digest[..32], &sig),
        Err(GostError::InvalidLength { what: "digest", .. })
    ));
    // a point off the curve
    let mut off = vk.to_xy_le().to_vec();
    off[70] ^= 1;
    assert!(matches!(
        VerifyingKey::from_xy_le(ParamSet::Tc26_512A, &off),
        Err(GostError::InvalidPublicKey(_))
    ));
    // x ≥ p
    let mut big = vec![0xffu8; 128];
    big[64..].copy_from_slice(&vk.to_xy_le()[64..]);
    assert!(matches!(
        VerifyingKey::from_xy_le(ParamSet::Tc26_512A, &big),
        Err(GostError::InvalidPublicKey(_))
    ));
    // a nonce outside 1..q
    assert!(matches!(
        sign_digest_with_nonce(&key, &digest, &[0u8; 64]),
        Err(GostError::BadNonce(_))
    ));
}

#[test]
fn debug_hides_the_private_scalar() {
    let d = [0x11u8; 32];
    let key = SigningKey::from_le_bytes(ParamSet::CryptoProA, &d).unwrap();
    let dbg = format!("{key:?}");
    assert!(dbg.contains("redacted"));
    assert!(!dbg.contains("11, 17") && !dbg.contains("1111"));
}

#[test]
fn round_trip_every_param_set() {
    for ps in ParamSet::ALL {
        let key = SigningKey::generate(ps).unwrap();
        let vk = key.verifying_key();
        let digest = vec![0xa5u8; ps.size()];
        let sig = key.sign_digest(&digest).unwrap();
        vk.verify_digest(&digest, &sig).unwrap();
        let other = SigningKey::generate(ps).unwrap().verifying_key();
        assert_eq!(
            other.verify_digest(&digest, &sig),
            Err(GostError::BadSignature),
            "{ps}"
        );
        // e = 0 mod q is replaced by 1: an all-zero digest still signs and verifies
        let zero = vec![0u8; ps.size()];
        let sig0 = key.sign_digest(&zero).unwrap();
        vk.verify_digest(&zero, &sig0).unwrap();
    }
}

mod field_oracle {
    //! The field arithmetic against crypto-bigint's Montgomery residues (an independent
    //! implementation), for every modulus the curves use.
    use crate::curve::{CurveConsts, CRYPTOPRO_A, TC26_256_A, TC26_512_A, TEST_256, TEST_512};
    use crate::field::Modulus;
    use crate::limbs::from_be_hex;
    use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
    use crypto_bigint::{Uint, U256, U512};
    use proptest::prelude::*;

    fn check<const N: usize>(m_hex: &str, a: [u64; N], b: [u64; N]) {
        let m_limbs: [u64; N] = from_be_hex(m_hex);
        let md = Modulus::new(m_limbs);
        let m = Uint::<N>::from_words(m_limbs);
        let params = DynResidueParams::new(&m);
        let nz = crypto_bigint::NonZero::new(m).unwrap();
        let (a, b) = (
            Uint::<N>::from_words(a).rem(&nz),
            Uint::<N>::from_words(b).rem(&nz),
        );
        let (ra, rb) = (DynResidue::new(&a, params), DynResidue::new(&b, params));
        let (fa, fb) = (md.to_repr(&a.to_words()), md.to_repr(&b.to_words()));
        assert_eq!(
            md.to_uint(&md.mul(&fa, &fb)),
            ra.mul(&rb).retrieve().to_words(),
            "mul"
        );
        assert_eq!(
            md.to_uint(&md.add(&fa, &fb)),
            ra.add(&rb).retrieve().to_words(),
            "add"
        );
        assert_eq!(
            md.to_uint(&md.sub(&fa, &fb)),
            ra.sub(&rb).retrieve().to_words(),
            "sub"
        );
        if a != Uint::ZERO {
            let (inv, ok) = ra.invert();
            assert!(bool::from(ok));
            assert_eq!(
                md.to_uint(&md.invert(&fa)),
                inv.retrieve().to_words(),
                "invert"
            );
        }
    }

    fn moduli(c: &CurveConsts) -> [&'static str; 2] {
        [c.p, c.q]
    }

    proptest! {
        #[test]
        fn field_ops_match_crypto_bigint_512(a in any::<[u64; 8]>(), b in any::<[u64; 8]>()) {
            for m in moduli(&TC26_512_A).into_iter().chain(moduli(&TEST_512)) {
                check::<8>(m, a, b);
            }
            let _ = U512::ZERO;
        }

        #[test]
        fn field_ops_match_crypto_bigint_256(a in any::<[u64; 4]>(), b in any::<[u64; 4]>()) {
            for c in [&CRYPTOPRO_A, &TC26_256_A, &TEST_256] {
                for m in moduli(c) {
                    check::<4>(m, a, b);
                }
            }
            let _ = U256::ZERO;
        }

        /// Edge values: all-ones limbs, m − 1, small numbers.
        #[test]
        fn field_edges(small in 0u64..1000) {
            let p512: [u64; 8] = from_be_hex(TC26_512_A.p);
            let mut pm1 = p512;
            pm1[0] -= 1;
            check::<8>(TC26_512_A.p, pm1, pm1);
            check::<8>(TC26_512_A.p, [u64::MAX; 8], [small, 0, 0, 0, 0, 0, 0, 0]);
            let p256: [u64; 4] = from_be_hex(CRYPTOPRO_A.p);
            let mut pm1 = p256;
            pm1[0] -= 1;
            check::<4>(CRYPTOPRO_A.p, pm1, [u64::MAX; 4]);
        }
    }
}

#[test]
fn vartime_inversion_matches_fermat() {
    let c = crate::curve::tc26_512_a();
    for f in [&c.fp, &c.fq] {
        let mut x = c.g.y;
        for _ in 0..50 {
            x = f.add(&f.sqr(&x), &f.one());
            assert_eq!(f.invert_vartime(&x), f.invert(&x));
            assert_eq!(f.mul(&x, &f.invert_vartime(&x)), f.one());
        }
    }
    let c = crate::curve::tc26_256_a();
    let x = c.fq.to_repr(&[5, 0, 0, 0]);
    assert_eq!(c.fq.invert_vartime(&x), c.fq.invert(&x));
}

/// tc26-256-A has cofactor 4: a point of small order (made by clearing the q part of a
/// random curve point) is on the curve but must be refused as a public key; real keys pass.
#[test]
fn tc26_256a_rejects_points_outside_the_subgroup() {
    use crate::limbs;
    let c = crate::curve::tc26_256_a();
    let f = &c.fp;
    // (p + 1) / 4, for square roots (p ≡ 3 mod 4)
    let p = *f.modulus();
    let (p1, _) = limbs::add(&p, &[1, 0, 0, 0]);
    let exp = [
        (p1[0] >> 2) | (p1[1] << 62),
        (p1[1] >> 2) | (p1[2] << 62),
        (p1[2] >> 2) | (p1[3] << 62),
        p1[3] >> 2,
    ];
    let pow = |base: &[u64; 4]| {
        let mut acc = f.one();
        for i in (0..256).rev() {
            acc = f.sqr(&acc);
            if (exp[i / 64] >> (i % 64)) & 1 == 1 {
                acc = f.mul(&acc, base);
            }
        }
        acc
    };
    let mut found = 0;
    for x0 in 1u64..200 {
        let x = f.to_repr(&[x0, 0, 0, 0]);
        let rhs = f.add(&f.add(&f.mul(&f.sqr(&x), &x), &c.mul_a(&x)), &c.b);
        let y = pow(&rhs);
        if f.sqr(&y) != rhs {
            continue;
        }
        let small = crate::mul::mul_vartime(c, &c.q, &crate::point::Affine { x, y });
        if small.is_identity() {
            continue;
        }
        // normalise and encode the small-order point
        let zi = f.invert(&small.z);
        let ax = f.mul(&small.x, &f.sqr(&zi));
        let ay = f.mul(&small.y, &f.mul(&f.sqr(&zi), &zi));
        let mut xy = limbs::to_le_bytes(&f.to_uint(&ax), 32);
        xy.extend(limbs::to_le_bytes(&f.to_uint(&ay), 32));
        assert!(c.is_on_curve(&crate::point::Affine { x: ax, y: ay }));
        assert_eq!(
            VerifyingKey::from_xy_le(ParamSet::Tc26_256A, &xy).unwrap_err(),
            GostError::InvalidPublicKey("the point is not in the prime-order subgroup")
        );
        found += 1;
        if found == 3 {
            break;
        }
    }
    assert_eq!(found, 3, "no small-order points found");
    let key = SigningKey::generate(ParamSet::Tc26_256A).unwrap();
    assert!(VerifyingKey::from_xy_le(ParamSet::Tc26_256A, key.verifying_key().to_xy_le()).is_ok());
}

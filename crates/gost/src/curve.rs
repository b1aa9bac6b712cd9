//! Curve parameters and their lazily built runtime form (field moduli, precomputed tables).

use std::sync::OnceLock;

use crate::field::{Fe, Modulus};
use crate::limbs::{self, from_be_hex};
use crate::point::{batch_to_affine, Affine, Jac};

/// Published curve constants (big-endian hex), from GOST-VECTORS.md / RFC 4357 / TC26.
pub(crate) struct CurveConsts {
    pub(crate) p: &'static str,
    pub(crate) a: &'static str,
    pub(crate) b: &'static str,
    pub(crate) q: &'static str,
    pub(crate) gx: &'static str,
    pub(crate) gy: &'static str,
    /// `#E / q` (1 for the prime-order curves).
    pub(crate) cofactor: u64,
}

/// id-tc26-gost-3410-12-512-paramSetA (= KZ 1.2.398.3.10.1.1.2.2.1).
pub(crate) const TC26_512_A: CurveConsts = CurveConsts {
    p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
    a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC4",
    b: "E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760",
    q: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275",
    gx: "03",
    gy: "7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4",
    cofactor: 1,
};

/// id-GostR3410-2001-CryptoPro-A-ParamSet (= KZ 1.2.398.3.10.1.1.1.1.1).
pub(crate) const CRYPTOPRO_A: CurveConsts = CurveConsts {
    p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
    a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD94",
    b: "A6",
    q: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF6C611070995AD10045841B09B761B893",
    gx: "01",
    gy: "8D91E471E0989CDA27DF505A453F2B7635294F2DDF23E3B122ACC99C9E9F1E14",
    cofactor: 1,
};

/// id-tc26-gost-3410-2012-256-paramSetA (Weierstrass form; cofactor 4, `q` is the subgroup order).
pub(crate) const TC26_256_A: CurveConsts = CurveConsts {
    p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
    a: "C2173F1513981673AF4892C23035A27CE25E2013BF95AA33B22C656F277E7335",
    b: "295F9BAE7428ED9CCC20E7C359A9D41A22FCCD9108E17BF7BA9337A6F8AE9513",
    q: "400000000000000000000000000000000FD8CDDFC87B6635C115AF556C360C67",
    gx: "91E38443A5E82C0D880923425712B2BB658B9196932E02C78B2582FE742DAA28",
    gy: "32879423AB1A0375895786C4BB46E9565FDE0B5344766740AF268ADB32322E5C",
    cofactor: 4,
};

/// id-GostR3410-2001-TestParamSet: the curve of GOST R 34.10-2012 Appendix A, example 1.
pub(crate) const TEST_256: CurveConsts = CurveConsts {
    p: "8000000000000000000000000000000000000000000000000000000000000431",
    a: "07",
    b: "5FBFF498AA938CE739B8E022FBAFEF40563F6E6A3472FC2A514C0CE9DAE23B7E",
    q: "8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3",
    gx: "02",
    gy: "08E2A8A0E65147D4BD6316030E16D19C85C97F0A9CA267122B96ABBCEA7E8FC8",
    cofactor: 1,
};

/// id-tc26-gost-3410-2012-512-paramSetTest: the curve of GOST R 34.10-2012 Appendix A, example 2.
pub(crate) const TEST_512: CurveConsts = CurveConsts {
    p: "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DF1D852741AF4704A0458047E80E4546D35B8336FAC224DD81664BBF528BE6373",
    a: "07",
    b: "1CFF0806A31116DA29D8CFA54E57EB748BC5F377E49400FDD788B649ECA1AC4361834013B2AD7322480A89CA58E0CF74BC9E540C2ADD6897FAD0A3084F302ADC",
    q: "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DA82F2D7ECB1DBAC719905C5EECC423F1D86E25EDBE23C595D644AAF187E6E6DF",
    gx: "24D19CC64572EE30F396BF6EBBFD7A6C5213B3B3D7057CC825F91093A68CD762FD60611262CD838DC6B60AA7EEE804E28BC849977FAC33B4B530F1B120248A9A",
    gy: "2BB312A43BD2CE6E0D020613C857ACDDCFBF061E91E5F2C3F32447C259F39B2C83AB156D77F1496BF7EB3351E1EE4E43DC1A18B91B24640B6DBB92CB1ADD371E",
    cofactor: 1,
};

/// A curve ready for computation. Field elements are in the representation of `fp`.
pub(crate) struct Curve<const N: usize> {
    /// Arithmetic modulo the field prime `p`.
    pub(crate) fp: Modulus<N>,
    /// Arithmetic modulo the group order `q`.
    pub(crate) fq: Modulus<N>,
    pub(crate) a: Fe<N>,
    pub(crate) b: Fe<N>,
    /// `3·b`, used by the complete formulas.
    pub(crate) b3: Fe<N>,
    pub(crate) a_is_minus_3: bool,
    /// `q` as canonical limbs.
    pub(crate) q: [u64; N],
    /// The base point.
    pub(crate) g: Affine<N>,
    /// `#E / q`; public keys on curves with a cofactor are checked to lie in the order-`q`
    /// subgroup.
    pub(crate) cofactor: u64,
    /// Byte length of field elements, scalars and digests (32 or 64).
    pub(crate) n_bytes: usize,
    /// `table[i][j] = (j+1)·32^i·G`, affine, for every signed radix-32 digit position `i`
    /// and `j in 0..16`.
    pub(crate) table: Vec<[Affine<N>; 16]>,
}

impl<const N: usize> Curve<N> {
    fn new(k: &CurveConsts) -> Self {
        let fp = Modulus::new(from_be_hex::<N>(k.p));
        let fq = Modulus::new(from_be_hex::<N>(k.q));
        let a = fp.to_repr(&from_be_hex(k.a));
        let b = fp.to_repr(&from_be_hex(k.b));
        let three = {
            let mut t = [0u64; N];
            t[0] = 3;
            fp.to_repr(&t)
        };
        let b3 = fp.mul(&three, &b);
        let minus_3 = fp.neg(&three);
        let g = Affine {
            x: fp.to_repr(&from_be_hex(k.gx)),
            y: fp.to_repr(&from_be_hex(k.gy)),
        };
        let mut c = Curve {
            a_is_minus_3: a == minus_3,
            q: from_be_hex(k.q),
            fp,
            fq,
            a,
            b,
            b3,
            g,
            cofactor: k.cofactor,
            n_bytes: 8 * N,
            table: Vec::new(),
        };
        assert!(c.is_on_curve(&c.g), "base point is not on its curve");
        c.table = c.build_table();
        c
    }

    /// `a·x`, cheap when `a = −3`.
    #[inline]
    pub(crate) fn mul_a(&self, x: &Fe<N>) -> Fe<N> {
        if self.a_is_minus_3 {
            let f = &self.fp;
            f.neg(&f.add(&f.add(x, x), x))
        } else {
            self.fp.mul(&self.a, x)
        }
    }

    /// Whether `y² = x³ + a·x + b`.
    pub(crate) fn is_on_curve(&self, p: &Affine<N>) -> bool {
        let f = &self.fp;
        let lhs = f.sqr(&p.y);
        let rhs = f.add(
            &f.add(&f.mul(&f.sqr(&p.x), &p.x), &self.mul_a(&p.x)),
            &self.b,
        );
        lhs == rhs
    }

    /// Build the fixed-base table (public data; variable-time arithmetic is fine here).
    fn build_table(&self) -> Vec<[Affine<N>; 16]> {
        let rows = crate::mul::digit_count::<N>();
        let mut jac = Vec::with_capacity(rows * 16);
        let mut base = Jac::from_affine(&self.g, self);
        for _ in 0..rows {
            let mut acc = base;
            jac.push(acc);
            for _ in 1..16 {
                acc = acc.add(&base, self);
                jac.push(acc);
            }
            // next base = 32·base = 2·(16·base)
            base = acc.double(self);
        }
        let aff = batch_to_affine(&jac, self);
        aff.chunks(16)
            .map(|ch| {
                let mut row = [ch[0]; 16];
                row.copy_from_slice(ch);
                row
            })
            .collect()
    }

    /// Whether `0 < x < q`, in constant time (used on private scalars and nonces).
    pub(crate) fn in_scalar_range(&self, x: &[u64; N]) -> bool {
        let (_, below_q) = limbs::sub(x, &self.q); // borrow = 1 iff x < q
        let nonzero = !limbs::is_zero_mask(x) & 1;
        limbs::ct_mask(below_q & nonzero) != 0
    }
}

macro_rules! lazy_curve {
    ($fn_name:ident, $n:literal, $consts:expr) => {
        pub(crate) fn $fn_name() -> &'static Curve<$n> {
            static C: OnceLock<Curve<$n>> = OnceLock::new();
            C.get_or_init(|| Curve::new(&$consts))
        }
    };
}

lazy_curve!(tc26_512_a, 8, TC26_512_A);
lazy_curve!(cryptopro_a, 4, CRYPTOPRO_A);
lazy_curve!(tc26_256_a, 4, TC26_256_A);
lazy_curve!(test_256, 4, TEST_256);
lazy_curve!(test_512, 8, TEST_512);

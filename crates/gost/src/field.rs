//! Arithmetic modulo an odd prime (the curve field `p` and the group order `q`).
//!
//! Two representations, chosen per modulus when the curve is set up (a public property of the
//! curve, never of the data):
//! * moduli of the form `2^(64N) − c` with a small `c` (tc26-512-A, CryptoPro-A, tc26-256-A:
//!   the field primes NCA uses) keep elements in plain form and reduce a double-width product
//!   by folding the high half times `c`;
//! * every other odd modulus (the group orders, the standard's test curves) uses Montgomery
//!   form with CIOS multiplication.
//!
//! Every operation is constant time in the element values. Elements are `[u64; N]`, always
//! fully reduced (`< m`).

// Limb loops index several arrays in step; iterator chains would obscure them.
#![allow(clippy::needless_range_loop)]

use crate::limbs::{self, adc, mac, sbb};

/// A field element (representation depends on the [`Modulus`]).
pub(crate) type Fe<const N: usize> = [u64; N];

#[derive(Clone, Debug)]
enum Reduction<const N: usize> {
    /// `m = 2^(64N) − c`, `c < 2^32`.
    PseudoMersenne { c: u64 },
    /// Montgomery with `R = 2^(64N)`; `n0 = −m⁻¹ mod 2^64`, `r2 = R² mod m`.
    Montgomery { n0: u64, r2: [u64; N] },
}

/// An odd prime modulus and everything needed to compute modulo it.
#[derive(Clone, Debug)]
pub(crate) struct Modulus<const N: usize> {
    m: [u64; N],
    red: Reduction<N>,
    /// `m − 2`, the Fermat inversion exponent.
    m_minus_2: [u64; N],
    one: Fe<N>,
}

impl<const N: usize> Modulus<N> {
    /// Set up arithmetic modulo `m` (an odd prime, given as canonical limbs).
    pub(crate) fn new(m: [u64; N]) -> Self {
        assert!(m[0] & 1 == 1, "modulus must be odd");
        // Pseudo-Mersenne when all high limbs are all-ones and c = 2^64 − m[0] is small.
        let c = m[0].wrapping_neg();
        let red = if m[1..].iter().all(|l| *l == u64::MAX) && c < (1 << 32) {
            Reduction::PseudoMersenne { c }
        } else {
            // n0 = −m⁻¹ mod 2^64 by Newton iteration.
            let mut inv = 1u64;
            for _ in 0..6 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(m[0].wrapping_mul(inv)));
            }
            let n0 = inv.wrapping_neg();
            // r2 = 2^(128N) mod m by doubling 1 modulo m.
            let mut r2 = [0u64; N];
            r2[0] = 1;
            for _ in 0..128 * N {
                r2 = add_mod(&r2, &r2, &m);
            }
            Reduction::Montgomery { n0, r2 }
        };
        let mut two = [0u64; N];
        two[0] = 2;
        let (m_minus_2, _) = limbs::sub(&m, &two);
        let mut md = Modulus {
            m,
            red,
            m_minus_2,
            one: [0u64; N],
        };
        let mut one = [0u64; N];
        one[0] = 1;
        md.one = md.to_repr(&one);
        md
    }

    /// The modulus as canonical limbs.
    pub(crate) fn modulus(&self) -> &[u64; N] {
        &self.m
    }

    /// The representation of 1.
    pub(crate) fn one(&self) -> Fe<N> {
        self.one
    }

    /// Any integer `x < 2^(64N)` → representation of `x mod m` (constant time).
    pub(crate) fn to_repr(&self, x: &[u64; N]) -> Fe<N> {
        match &self.red {
            Reduction::PseudoMersenne { .. } => {
                // x < 2^(64N) < 2m: one conditional subtraction.
                let (d, borrow) = limbs::sub(x, &self.m);
                limbs::select(&d, x, limbs::ct_mask(borrow))
            }
            Reduction::Montgomery { r2, .. } => self.mont_mul(x, r2),
        }
    }

    /// Representation → canonical integer in `0..m`.
    pub(crate) fn to_uint(&self, a: &Fe<N>) -> [u64; N] {
        match &self.red {
            Reduction::PseudoMersenne { .. } => *a,
            Reduction::Montgomery { .. } => {
                let mut one = [0u64; N];
                one[0] = 1;
                self.mont_mul(a, &one)
            }
        }
    }

    /// `a + b`.
    #[inline(always)]
    pub(crate) fn add(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        add_mod(a, b, &self.m)
    }

    /// `a − b`.
    #[inline(always)]
    pub(crate) fn sub(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let (d, borrow) = limbs::sub(a, b);
        let mask = limbs::ct_mask(borrow);
        let mut corr = [0u64; N];
        for i in 0..N {
            corr[i] = self.m[i] & mask;
        }
        limbs::add(&d, &corr).0
    }

    /// `−a`.
    #[inline]
    pub(crate) fn neg(&self, a: &Fe<N>) -> Fe<N> {
        self.sub(&[0u64; N], a)
    }

    /// `mask ? −a : a`.
    #[inline]
    pub(crate) fn cneg(&self, a: &Fe<N>, mask: u64) -> Fe<N> {
        limbs::select(a, &self.neg(a), mask)
    }

    /// `a · b`.
    #[inline]
    pub(crate) fn mul(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        match &self.red {
            Reduction::PseudoMersenne { c } => self.pm_mul(a, b, *c),
            Reduction::Montgomery { .. } => self.mont_mul(a, b),
        }
    }

    /// `a²`.
    #[inline]
    pub(crate) fn sqr(&self, a: &Fe<N>) -> Fe<N> {
        match &self.red {
            Reduction::PseudoMersenne { c } => self.pm_sqr(a, *c),
            Reduction::Montgomery { .. } => self.mont_mul(a, a),
        }
    }

    /// `a⁻¹` (Fermat: `a^(m−2)`; constant time in `a`; the inverse of 0 is 0).
    pub(crate) fn invert(&self, a: &Fe<N>) -> Fe<N> {
        // Fixed 4-bit window over the public exponent m − 2.
        let mut table = [self.one; 16];
        for i in 1..16 {
            table[i] = self.mul(&table[i - 1], a);
        }
        let mut acc = self.one;
        for w in (0..16 * N).rev() {
            for _ in 0..4 {
                acc = self.sqr(&acc);
            }
            let nib = ((self.m_minus_2[w / 16] >> (4 * (w % 16))) & 15) as usize;
            // The exponent is public: indexing by it leaks nothing about `a`.
            if nib != 0 {
                acc = self.mul(&acc, &table[nib]);
            }
        }
        acc
    }

    /// `a⁻¹` by the binary extended Euclidean algorithm — **variable time**: only for public
    /// values (verification) or values blinded by a random secret factor (see
    /// `mul::to_affine_blinded`). The inverse of 0 is 0.
    pub(crate) fn invert_vartime(&self, a: &Fe<N>) -> Fe<N> {
        let m = &self.m;
        let mut u = self.to_uint(a);
        if u.iter().all(|l| *l == 0) {
            return [0; N];
        }
        let mut v = *m;
        let mut x1 = [0u64; N];
        x1[0] = 1;
        let mut x2 = [0u64; N];
        let is_one = |x: &[u64; N]| x[0] == 1 && x[1..].iter().all(|l| *l == 0);
        // x / 2 mod m for x < m (m odd).
        let half = |x: &mut [u64; N]| {
            let mut carry = 0;
            if x[0] & 1 == 1 {
                (*x, carry) = limbs::add(x, m);
            }
            shr1(x, carry);
        };
        while !is_one(&u) && !is_one(&v) {
            while u[0] & 1 == 0 {
                shr1(&mut u, 0);
                half(&mut x1);
            }
            while v[0] & 1 == 0 {
                shr1(&mut v, 0);
                half(&mut x2);
            }
            if !limbs::lt_vartime(&u, &v) {
                u = limbs::sub(&u, &v).0;
                x1 = sub_mod(&x1, &x2, m);
            } else {
                v = limbs::sub(&v, &u).0;
                x2 = sub_mod(&x2, &x1, m);
            }
        }
        let inv = if is_one(&u) { x1 } else { x2 };
        self.to_repr(&inv)
    }

    /// All-ones mask when `a` is zero.
    #[inline]
    pub(crate) fn is_zero_mask(&self, a: &Fe<N>) -> u64 {
        limbs::is_zero_mask(a)
    }

    #[inline(always)]
    fn pm_mul(&self, a: &Fe<N>, b: &Fe<N>, c: u64) -> Fe<N> {
        // Schoolbook product into 2N limbs (N ≤ 8). (Product scanning measured slower.)
        let mut t = [0u64; 16];
        for i in 0..N {
            let mut carry = 0;
            for j in 0..N {
                (t[i + j], carry) = mac(t[i + j], a[i], b[j], carry);
            }
            t[i + N] = carry;
        }
        self.pm_reduce(&t, c)
    }

    #[inline(always)]
    fn pm_sqr(&self, a: &Fe<N>, c: u64) -> Fe<N> {
        // Off-diagonal products once, doubled, plus the squares on the diagonal.
        let mut t = [0u64; 16];
        for i in 0..N {
            let mut carry = 0;
            for j in i + 1..N {
                (t[i + j], carry) = mac(t[i + j], a[i], a[j], carry);
            }
            t[i + N] = carry;
        }
        let mut top = 0;
        for limb in t.iter_mut().take(2 * N) {
            let v = *limb;
            *limb = (v << 1) | top;
            top = v >> 63;
        }
        let mut carry = 0;
        for i in 0..N {
            let sq = (a[i] as u128) * (a[i] as u128);
            let (lo, c1) = adc(t[2 * i], sq as u64, carry);
            let (hi, c2) = adc(t[2 * i + 1], (sq >> 64) as u64, c1);
            t[2 * i] = lo;
            t[2 * i + 1] = hi;
            carry = c2;
        }
        self.pm_reduce(&t, c)
    }

    /// `t mod m` for a double-width `t` (2N limbs in `t[..2N]`).
    #[inline(always)]
    fn pm_reduce(&self, t: &[u64; 16], c: u64) -> Fe<N> {
        // Fold: lo + hi·c  (2^(64N) ≡ c).
        let mut r = [0u64; N];
        let mut carry = 0;
        for i in 0..N {
            (r[i], carry) = mac(t[i], t[i + N], c, carry);
        }
        // Value ≡ r + carry·c with carry ≤ c, so lo = carry·c < 2^64.
        let lo = carry * c;
        // s = r + lo and u = s + c (= s − m + 2^(64N)), computed side by side:
        // * s overflowed: the value is s + 2^(64N) ≡ s + c = u, and u is tiny (< m);
        // * else u overflowed: s ≥ m, and s − m = u mod 2^(64N);
        // * else s < m is the result.
        let mut s = [0u64; N];
        let mut u = [0u64; N];
        let (mut cs, mut cu);
        (s[0], cs) = adc(r[0], lo, 0);
        (u[0], cu) = adc(s[0], c, 0);
        for i in 1..N {
            (s[i], cs) = adc(r[i], 0, cs);
            (u[i], cu) = adc(s[i], 0, cu);
        }
        limbs::select(&s, &u, limbs::ct_mask(cs | cu))
    }

    fn mont_mul(&self, a: &[u64; N], b: &[u64; N]) -> Fe<N> {
        let n0 = match &self.red {
            Reduction::Montgomery { n0, .. } => *n0,
            Reduction::PseudoMersenne { .. } => {
                unreachable!("Montgomery multiplication on a plain modulus")
            }
        };
        let m = &self.m;
        let mut t = [0u64; N];
        let mut t_n = 0u64;
        for i in 0..N {
            // t += a · b[i]
            let mut carry = 0;
            for j in 0..N {
                (t[j], carry) = mac(t[j], a[j], b[i], carry);
            }
            let (s, c1) = adc(t_n, carry, 0);
            t_n = s;
            let t_n1 = c1;
            // t = (t + u·m) / 2^64
            let u = t[0].wrapping_mul(n0);
            let (_, mut carry) = mac(t[0], u, m[0], 0);
            for j in 1..N {
                (t[j - 1], carry) = mac(t[j], u, m[j], carry);
            }
            let (s, c2) = adc(t_n, carry, 0);
            t[N - 1] = s;
            t_n = t_n1 + c2;
        }
        // t < 2m: subtract m when t ≥ m (t_n carries the 2^(64N) bit).
        let (d, borrow) = limbs::sub(&t, m);
        let (_, borrow) = sbb(t_n, 0, borrow);
        limbs::select(&d, &t, limbs::ct_mask(borrow))
    }
}

#[inline(always)]
fn add_mod<const N: usize>(a: &[u64; N], b: &[u64; N], m: &[u64; N]) -> [u64; N] {
    let (s, carry) = limbs::add(a, b);
    let (d, borrow) = limbs::sub(&s, m);
    // keep s only when there was no carry and the subtraction borrowed
    let (_, keep) = sbb(carry, 0, borrow);
    limbs::select(&d, &s, limbs::ct_mask(keep))
}

fn sub_mod<const N: usize>(a: &[u64; N], b: &[u64; N], m: &[u64; N]) -> [u64; N] {
    let (d, borrow) = limbs::sub(a, b);
    if borrow == 1 {
        limbs::add(&d, m).0
    } else {
        d
    }
}

/// `x = (carry·2^(64N) + x) >> 1`.
fn shr1<const N: usize>(x: &mut [u64; N], carry: u64) {
    for i in 0..N {
        let hi = if i + 1 < N {
            x[i + 1] << 63
        } else {
            carry << 63
        };
        x[i] = (x[i] >> 1) | hi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::{NonZero, U1024};

    /// The reduction's rare carry paths (never hit by random inputs), against crypto-bigint.
    #[test]
    fn pseudo_mersenne_reduction_edge_paths() {
        let p: [u64; 8] = limbs::from_be_hex(crate::curve::TC26_512_A.p);
        let m = Modulus::new(p);
        let c = p[0].wrapping_neg();
        let max = u64::MAX;
        let cases: [[u64; 16]; 4] = [
            // lo = 2^512 − 1, hi = 0: s ≥ m without overflow (the "u overflowed" path)
            [
                max, max, max, max, max, max, max, max, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
            // lo = hi = 2^512 − 1: s overflows
            [max; 16],
            // lo = 2^512 − 1, hi = 1
            [
                max, max, max, max, max, max, max, max, 1, 0, 0, 0, 0, 0, 0, 0,
            ],
            // lo = p, hi = 0: exactly m
            [
                p[0], max, max, max, max, max, max, max, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
        ];
        let mut wide_p = [0u64; 16];
        wide_p[..8].copy_from_slice(&p);
        let modulus = NonZero::new(U1024::from_words(wide_p)).unwrap();
        for t in cases {
            let expected = U1024::from_words(t).rem(&modulus).to_words();
            let got = m.pm_reduce(&t, c);
            assert_eq!(got[..], expected[..8], "{t:x?}");
        }
    }
}

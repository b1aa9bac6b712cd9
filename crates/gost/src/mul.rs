//! Scalar multiplication: constant-time fixed-base (signing, key derivation) and
//! variable-time double-scalar (verification).

// Limb loops index several arrays in step; iterator chains would obscure them.
#![allow(clippy::needless_range_loop)]

use zeroize::Zeroize;

use crate::curve::Curve;
use crate::limbs;
use crate::point::{batch_to_affine, Affine, Jac, Proj};

/// Window width of the fixed-base comb (signed radix 2^W digits).
const W: usize = 5;

/// Number of signed radix-32 digits of a scalar `< 2^(64N)` (one extra for the last carry).
pub(crate) const fn digit_count<const N: usize>() -> usize {
    (64 * N).div_ceil(W) + 1
}

/// Signed radix-32 digits of `k < 2^(64N)`: `k = Σ d_i·32^i`, `d_i ∈ [−16, 15]`, the last
/// digit ∈ {0, 1}. Branch-free in `k` (bit positions are public).
fn recode<const N: usize>(k: &[u64; N]) -> Vec<i64> {
    let count = digit_count::<N>();
    let mut digits = vec![0i64; count];
    let mut carry = 0i64;
    for (i, d) in digits.iter_mut().enumerate().take(count - 1) {
        let pos = W * i;
        let (limb, off) = (pos / 64, pos % 64);
        let mut bits = k[limb] >> off;
        if off + W > 64 && limb + 1 < N {
            bits |= k[limb + 1] << (64 - off);
        }
        let v = (bits & ((1 << W) - 1)) as i64 + carry;
        carry = (v + (1 << (W - 1))) >> W;
        *d = v - (carry << W);
    }
    digits[count - 1] = carry;
    digits
}

/// `k·G` in constant time (no secret-dependent branch or memory index): one complete mixed
/// addition per radix-32 digit, each table entry fetched by a full scan of its row.
pub(crate) fn mul_base_ct<const N: usize>(c: &Curve<N>, k: &[u64; N]) -> Proj<N> {
    let mut digits = recode(k);
    let mut acc = Proj::identity(c);
    for (row, d) in c.table.iter().zip(digits.iter()) {
        let sign = (*d >> 63) as u64; // all ones when negative
        let abs = ((*d ^ (*d >> 63)) - (*d >> 63)) as u64;
        let mut t = Affine {
            x: [0u64; N],
            y: [0u64; N],
        };
        for (j, entry) in row.iter().enumerate() {
            let hit = limbs::is_zero_mask(&[abs ^ (j as u64 + 1)]);
            t.x = limbs::select(&t.x, &entry.x, hit);
            t.y = limbs::select(&t.y, &entry.y, hit);
        }
        t.y = c.fp.cneg(&t.y, limbs::ct_mask(sign & 1));
        let sum = acc.add_affine(&t, c);
        let zero = limbs::is_zero_mask(&[abs]);
        acc = Proj::select(&sum, &acc, zero);
    }
    digits.zeroize();
    acc
}

/// `(x, y)` of a projective point that is not infinity, with a constant-time inversion.
pub(crate) fn to_affine_ct<const N: usize>(c: &Curve<N>, p: &Proj<N>) -> Affine<N> {
    let zi = c.fp.invert(&p.z);
    Affine {
        x: c.fp.mul(&p.x, &zi),
        y: c.fp.mul(&p.y, &zi),
    }
}

/// `(x, y)` of a projective point that is not infinity, for signing: the inversion of `Z`
/// is blinded — `Z⁻¹ = β·(Z·β)⁻¹` with a fresh uniformly random secret `β` from the OS RNG —
/// so the fast variable-time inversion only ever sees a uniformly random value that is
/// independent of `Z`. Falls back to the constant-time Fermat inversion if `β = 0`.
pub(crate) fn to_affine_blinded<const N: usize>(
    c: &Curve<N>,
    p: &Proj<N>,
) -> Result<Affine<N>, crate::GostError> {
    let f = &c.fp;
    let mut buf = [0u8; 64];
    let buf = &mut buf[..8 * N];
    getrandom::getrandom(buf).map_err(|e| crate::GostError::Rng(e.to_string()))?;
    let mut beta = f.to_repr(&limbs::from_le_bytes::<N>(buf));
    buf.zeroize();
    let zi = if f.is_zero_mask(&beta) != 0 {
        f.invert(&p.z)
    } else {
        let mut blinded = f.mul(&p.z, &beta);
        let inv = f.mul(&f.invert_vartime(&blinded), &beta);
        blinded.zeroize();
        inv
    };
    beta.zeroize();
    Ok(Affine {
        x: f.mul(&p.x, &zi),
        y: f.mul(&p.y, &zi),
    })
}

/// `k·G` in variable time (public scalars only).
fn mul_base_vartime<const N: usize>(c: &Curve<N>, k: &[u64; N]) -> Jac<N> {
    let digits = recode(k);
    let mut acc = Jac::identity(c);
    for (row, d) in c.table.iter().zip(digits.iter()) {
        if *d == 0 {
            continue;
        }
        let e = &row[(d.unsigned_abs() - 1) as usize];
        let t = if *d < 0 {
            Affine {
                x: e.x,
                y: c.fp.neg(&e.y),
            }
        } else {
            *e
        };
        acc = acc.add_affine(&t, c);
    }
    acc
}

/// Width-5 NAF digits of `k` (least significant first; variable time).
fn wnaf<const N: usize>(k: &[u64; N]) -> Vec<i8> {
    // One spare limb for the carries of negative digits.
    let mut x = [0u64; 9];
    x[..N].copy_from_slice(k);
    let mut out = Vec::with_capacity(64 * N + 1);
    while x.iter().any(|l| *l != 0) {
        let mut d = 0i64;
        if x[0] & 1 == 1 {
            d = (x[0] & 31) as i64;
            if d > 16 {
                d -= 32;
            }
            // x -= d
            if d > 0 {
                let (mut v, mut borrow) = limbs::sbb(x[0], d as u64, 0);
                x[0] = v;
                for l in x.iter_mut().skip(1) {
                    (v, borrow) = limbs::sbb(*l, 0, borrow);
                    *l = v;
                }
            } else {
                let (mut v, mut carry) = limbs::adc(x[0], (-d) as u64, 0);
                x[0] = v;
                for l in x.iter_mut().skip(1) {
                    (v, carry) = limbs::adc(*l, 0, carry);
                    *l = v;
                }
            }
        }
        out.push(d as i8);
        // x >>= 1
        for i in 0..9 {
            let hi = if i + 1 < 9 { x[i + 1] << 63 } else { 0 };
            x[i] = (x[i] >> 1) | hi;
        }
    }
    out
}

/// `a·G + b·P` in variable time (verification; all inputs public).
pub(crate) fn double_mul_vartime<const N: usize>(
    c: &Curve<N>,
    a: &[u64; N],
    b: &[u64; N],
    p: &Affine<N>,
) -> Jac<N> {
    let ag = mul_base_vartime(c, a);
    // odd multiples P, 3P, …, 15P, normalised to affine for cheaper mixed additions
    let p1 = Jac::from_affine(p, c);
    let p2 = p1.double(c);
    let mut odd_jac = [p1; 8];
    for i in 1..8 {
        odd_jac[i] = odd_jac[i - 1].add(&p2, c);
    }
    // jP = O for an odd j ≤ 15 would need ord(P) | j; on these curves every point order
    // divides h·q with h ∈ {1, 4} and q a large prime, so no odd multiple is infinity.
    debug_assert!(!odd_jac.iter().any(Jac::is_identity));
    let odd = batch_to_affine(&odd_jac, c);
    let digits = wnaf(b);
    let mut acc = Jac::identity(c);
    for d in digits.iter().rev() {
        acc = acc.double(c);
        if *d > 0 {
            acc = acc.add_affine(&odd[(*d as usize) / 2], c);
        } else if *d < 0 {
            let e = &odd[((-*d) as usize) / 2];
            acc = acc.add_affine(
                &Affine {
                    x: e.x,
                    y: c.fp.neg(&e.y),
                },
                c,
            );
        }
    }
    acc.add(&ag, c)
}

/// `k·P` in variable time (public inputs only).
pub(crate) fn mul_vartime<const N: usize>(c: &Curve<N>, k: &[u64; N], p: &Affine<N>) -> Jac<N> {
    double_mul_vartime(c, &[0u64; N], k, p)
}

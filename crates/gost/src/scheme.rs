//! The signature scheme itself (GOST R 34.10-2012 §6.1–6.2) on a prepared curve.
//!
//! Signing: `e = LE(digest) mod q` (0 → 1), `C = k·G`, `r = x_C mod q`, `s = r·d + k·e mod q`.
//! Verification: `v = e⁻¹`, `z1 = s·v`, `z2 = −r·v`, `C = z1·G + z2·Q`, valid iff
//! `x_C mod q = r`. Integers here are canonical little-endian limbs.

use zeroize::Zeroize;

use crate::curve::Curve;
use crate::field::Fe;
use crate::limbs;
use crate::mul;
use crate::point::Affine;
use crate::GostError;

/// `e` in the representation of `fq` (constant time).
fn digest_to_e<const N: usize>(c: &Curve<N>, digest: &[u8]) -> Result<Fe<N>, GostError> {
    if digest.len() != c.n_bytes {
        return Err(GostError::InvalidLength {
            what: "digest",
            expected: c.n_bytes,
            got: digest.len(),
        });
    }
    let alpha = limbs::from_le_bytes::<N>(digest);
    let e = c.fq.to_repr(&alpha);
    Ok(limbs::select(&e, &c.fq.one(), c.fq.is_zero_mask(&e)))
}

/// `d·G` as an affine point (constant time in `d`).
pub(crate) fn public_point<const N: usize>(c: &Curve<N>, d: &[u64; N]) -> Affine<N> {
    mul::to_affine_ct(c, &mul::mul_base_ct(c, d))
}

/// `(r, s)` for the secret `d` (in `1..q`), the digest and the nonce `k` (in `1..q`).
pub(crate) fn sign_with_nonce<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    digest: &[u8],
    k: &[u64; N],
) -> Result<([u64; N], [u64; N]), GostError> {
    let fq = &c.fq;
    let e = digest_to_e(c, digest)?;
    let point = mul::to_affine_blinded(c, &mul::mul_base_ct(c, k))?;
    let x = c.fp.to_uint(&point.x);
    let r_m = fq.to_repr(&x);
    let r = fq.to_uint(&r_m);
    let mut d_m = fq.to_repr(d);
    let mut k_m = fq.to_repr(k);
    let s_m = fq.add(&fq.mul(&r_m, &d_m), &fq.mul(&k_m, &e));
    d_m.zeroize();
    k_m.zeroize();
    let s = fq.to_uint(&s_m);
    // Zero r or s happens with probability ~2^-250; the caller draws a new nonce.
    if limbs::is_zero_mask(&r) != 0 || limbs::is_zero_mask(&s) != 0 {
        return Err(GostError::BadNonce("it gives r = 0 or s = 0"));
    }
    Ok((r, s))
}

/// Check `(r, s)` against the public point `pk` (variable time: everything is public).
pub(crate) fn verify<const N: usize>(
    c: &Curve<N>,
    pk: &Affine<N>,
    digest: &[u8],
    r: &[u64; N],
    s: &[u64; N],
) -> Result<(), GostError> {
    if !c.in_scalar_range(r) {
        return Err(GostError::MalformedSignature("r is zero or not below q"));
    }
    if !c.in_scalar_range(s) {
        return Err(GostError::MalformedSignature("s is zero or not below q"));
    }
    let fq = &c.fq;
    let e = digest_to_e(c, digest)?;
    let v = fq.invert_vartime(&e);
    let z1 = fq.mul(&fq.to_repr(s), &v);
    let z2 = fq.neg(&fq.mul(&fq.to_repr(r), &v));
    let point = mul::double_mul_vartime(c, &fq.to_uint(&z1), &fq.to_uint(&z2), pk);
    if point.is_identity() {
        return Err(GostError::BadSignature);
    }
    // x_C mod q == r  <=>  X == x·Z² for some x = r + i·q < p: no inversion needed.
    let fp = &c.fp;
    let z2 = fp.sqr(&point.z);
    let mut candidate = *r;
    while limbs::lt_vartime(&candidate, fp.modulus()) {
        if fp.mul(&fp.to_repr(&candidate), &z2) == point.x {
            return Ok(());
        }
        let (next, carry) = limbs::add(&candidate, &c.q);
        if carry != 0 {
            break;
        }
        candidate = next;
    }
    Err(GostError::BadSignature)
}

/// A uniformly random scalar in `1..q` from the OS RNG (rejection sampling).
pub(crate) fn random_scalar<const N: usize>(c: &Curve<N>) -> Result<[u64; N], GostError> {
    let bits = {
        let top = (0..N).rev().find(|i| c.q[*i] != 0).unwrap_or(0);
        64 * top + (64 - c.q[top].leading_zeros() as usize)
    };
    // A fixed array: zeroizing a Vec would also truncate it.
    let mut buf = [0u8; 64];
    let buf = &mut buf[..8 * N];
    loop {
        getrandom::getrandom(buf).map_err(|e| GostError::Rng(e.to_string()))?;
        let mut x = limbs::from_le_bytes::<N>(buf);
        for (i, l) in x.iter_mut().enumerate() {
            let lo = 64 * i;
            if lo >= bits {
                *l = 0;
            } else if bits - lo < 64 {
                *l &= (1u64 << (bits - lo)) - 1;
            }
        }
        buf.zeroize();
        if c.in_scalar_range(&x) {
            return Ok(x);
        }
        x.zeroize();
    }
}

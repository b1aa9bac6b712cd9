//! Multi-limb (64-bit, little-endian limb order) integer helpers. Everything here is
//! branch-free on the values.

// Limb loops index several arrays in step; iterator chains would obscure them.
#![allow(clippy::needless_range_loop)]

/// `a + b + carry` (carry ∈ {0, 1}) → (sum, carry out ∈ {0, 1}).
#[inline(always)]
pub(crate) fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    debug_assert!(carry <= 1);
    let (x, c1) = a.overflowing_add(b);
    let (x, c2) = x.overflowing_add(carry);
    (x, (c1 | c2) as u64)
}

/// `a - b - borrow` (borrow ∈ {0, 1}) → (difference, borrow out ∈ {0, 1}).
#[inline(always)]
pub(crate) fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    debug_assert!(borrow <= 1);
    let (x, b1) = a.overflowing_sub(b);
    let (x, b2) = x.overflowing_sub(borrow);
    (x, (b1 | b2) as u64)
}

/// `a + b * c + carry` → (low, high).
#[inline(always)]
pub(crate) fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + (b as u128) * (c as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// `a + b` over N limbs → (sum, carry).
#[inline(always)]
pub(crate) fn add<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    // overflowing_add chains compile to add/adc better than the u128 form (measured).
    let mut out = [0u64; N];
    let mut carry = false;
    for i in 0..N {
        let (x, c1) = a[i].overflowing_add(b[i]);
        let (x, c2) = x.overflowing_add(carry as u64);
        out[i] = x;
        carry = c1 | c2;
    }
    (out, carry as u64)
}

/// `a - b` over N limbs → (difference, borrow ∈ {0, 1}).
#[inline(always)]
pub(crate) fn sub<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut borrow = false;
    for i in 0..N {
        let (x, b1) = a[i].overflowing_sub(b[i]);
        let (x, b2) = x.overflowing_sub(borrow as u64);
        out[i] = x;
        borrow = b1 | b2;
    }
    (out, borrow as u64)
}

/// `mask ? b : a` where `mask` is all ones or all zeros.
#[inline(always)]
pub(crate) fn select<const N: usize>(a: &[u64; N], b: &[u64; N], mask: u64) -> [u64; N] {
    let mut out = [0u64; N];
    for i in 0..N {
        out[i] = a[i] ^ (mask & (a[i] ^ b[i]));
    }
    out
}

/// Little-endian bytes (exactly 8·N or fewer) → limbs. Callers check lengths first.
pub(crate) fn from_le_bytes<const N: usize>(bytes: &[u8]) -> [u64; N] {
    debug_assert!(bytes.len() <= 8 * N);
    let mut out = [0u64; N];
    for (i, b) in bytes.iter().enumerate() {
        out[i / 8] |= (*b as u64) << (8 * (i % 8));
    }
    out
}

/// Limbs → `len` little-endian bytes (`len` ≤ 8·N; higher bytes must be zero).
pub(crate) fn to_le_bytes<const N: usize>(a: &[u64; N], len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (a[i / 8] >> (8 * (i % 8))) as u8)
        .collect()
}

/// Parse a big-endian hex constant (curve parameters; compile-time data, panics on bad hex).
pub(crate) fn from_be_hex<const N: usize>(hex: &str) -> [u64; N] {
    let digits: Vec<u8> = hex
        .bytes()
        .map(|c| match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("bad hex digit in a curve constant"),
        })
        .collect();
    assert!(digits.len() <= 16 * N, "curve constant too long");
    let mut out = [0u64; N];
    for (i, d) in digits.iter().rev().enumerate() {
        out[i / 16] |= (*d as u64) << (4 * (i % 16));
    }
    out
}

/// `a < b` (variable time: for public values only).
pub(crate) fn lt_vartime<const N: usize>(a: &[u64; N], b: &[u64; N]) -> bool {
    for i in (0..N).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// All-ones mask when `a == 0`, else zero (constant time).
#[inline(always)]
pub(crate) fn is_zero_mask<const N: usize>(a: &[u64; N]) -> u64 {
    let mut acc = 0u64;
    for x in a {
        acc |= x;
    }
    // acc == 0  <=>  (acc | -acc) has its top bit clear
    ((acc | acc.wrapping_neg()) >> 63).wrapping_sub(1)
}

/// A mask (all ones for 1, zero for 0) from a secret bit, passed through an optimisation
/// barrier (`core::hint::black_box`, inlined — unlike `subtle`'s out-of-line volatile read,
/// which measured at 5% of verification time) so the compiler cannot see that the value is
/// 0 or 1 and turn the selection that uses it into a branch.
#[inline(always)]
pub(crate) fn ct_mask(bit: u64) -> u64 {
    0u64.wrapping_sub(core::hint::black_box(bit & 1))
}

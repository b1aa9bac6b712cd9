//! # tanba-gost
//!
//! GOST R 34.10-2012 (= KZ GOST 34.10-2015) signatures on the 512-bit tc26 paramSetA curve
//! used by NCA RK and on the 256-bit tc26 paramSetA curve, and the legacy GOST 34.310-2004
//! (CryptoPro-A curve), in pure Rust.
//!
//! The crate signs and verifies **digests**: hash the message with Streebog-512/256 or
//! GOST 34.311-95 (`tanba-crypto` does this) and pass the digest bytes exactly as the hash
//! function outputs them. All encodings are the ones NCA RK certificates, CRLs, OCSP
//! responses, CMS and XMLDSig use (GOST.md):
//!
//! * public key: `X_LE ‖ Y_LE` (`2n` bytes);
//! * digest → integer: `e = LE(digest) mod q`, `0 → 1`;
//! * signature: `r_LE ‖ s_LE` (`2n` bytes) — the RFC 4491 layout reversed
//!   ([`reverse_signature_layout`]);
//! * private key: `d` as `n` little-endian bytes.
//!
//! Signing uses a constant-time fixed-base multiplication (signed radix-32 comb, complete
//! Renes–Costello–Batina addition formulas, full table-row scans, no secret-dependent
//! branches or memory indices), a multiplicatively blinded inversion for the affine `x`,
//! and a nonce from the OS RNG; private scalars are zeroized after use and never printed.
//! Verification is variable time (its inputs are public): a fixed-base table for `z1·G` and
//! a width-5 NAF for `z2·Q`. Field arithmetic is this crate's own (pseudo-Mersenne reduction
//! for the NCA field primes `2^(64N) − c`, CIOS Montgomery otherwise), checked against
//! `crypto-bigint` in the tests.
//!
//! Parameter sets: [`ParamSet::from_oid`] accepts the KZ and Russian curve OIDs; unknown
//! OIDs are [`GostError::UnknownParamSet`] naming the OID. [`hazmat::sign_digest_with_nonce`]
//! reproduces published fixed-`k` examples.
//!
//! ```
//! use tanba_gost::{ParamSet, SigningKey, VerifyingKey};
//!
//! let key = SigningKey::generate(ParamSet::from_oid("1.2.398.3.10.1.1.2.2.1")?)?;
//! let digest = [0x5au8; 64]; // a Streebog-512 digest in real use
//! let signature = key.sign_digest(&digest)?;
//! let public = VerifyingKey::from_xy_le(ParamSet::Tc26_512A, key.verifying_key().to_xy_le())?;
//! public.verify_digest(&digest, &signature)?;
//! assert!(public.verify_digest(&[0u8; 64], &signature).is_err());
//! # Ok::<(), tanba_gost::GostError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod curve;
mod encoding;
mod error;
mod field;
pub mod hazmat;
mod keys;
mod limbs;
mod mul;
mod param_set;
mod point;
mod scheme;

pub use encoding::reverse_signature_layout;
pub use error::GostError;
pub use keys::{SigningKey, VerifyingKey};
pub use param_set::ParamSet;

#[cfg(test)]
mod tests;

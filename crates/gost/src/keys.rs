//! Signing and verifying keys with the byte encodings NCA RK uses.

use zeroize::{Zeroize, Zeroizing};

use crate::curve;
use crate::limbs;
use crate::point::Affine;
use crate::scheme;
use crate::{GostError, ParamSet};

/// Run `$body` with `$c` bound to the prepared curve of `$ps`.
macro_rules! with_curve {
    ($ps:expr, $c:ident => $body:expr) => {
        match $ps {
            ParamSet::Tc26_512A => {
                let $c = curve::tc26_512_a();
                $body
            }
            ParamSet::Tc26_256A => {
                let $c = curve::tc26_256_a();
                $body
            }
            ParamSet::CryptoProA => {
                let $c = curve::cryptopro_a();
                $body
            }
            ParamSet::Test256 => {
                let $c = curve::test_256();
                $body
            }
            ParamSet::Test512 => {
                let $c = curve::test_512();
                $body
            }
        }
    };
}

fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), GostError> {
    if expected == got {
        Ok(())
    } else {
        Err(GostError::InvalidLength {
            what,
            expected,
            got,
        })
    }
}

/// A private key: the scalar `d` in `1..q`. `Debug` never shows it; it is zeroized on drop.
#[derive(Clone)]
pub struct SigningKey {
    param_set: ParamSet,
    d_le: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("param_set", &self.param_set)
            .field("d", &"<redacted>")
            .finish()
    }
}

impl SigningKey {
    /// From `d` as `n` little-endian bytes (how NCA RK 2015 keys store it).
    pub fn from_le_bytes(param_set: ParamSet, d_le: &[u8]) -> Result<Self, GostError> {
        check_len("private key", param_set.size(), d_le.len())?;
        with_curve!(param_set, c => {
            let mut d = limbs::from_le_bytes(d_le);
            let ok = c.in_scalar_range(&d);
            d.zeroize();
            if !ok {
                return Err(GostError::InvalidPrivateKey);
            }
        });
        Ok(SigningKey {
            param_set,
            d_le: Zeroizing::new(d_le.to_vec()),
        })
    }

    /// A fresh random key from the OS RNG (for tests and tooling).
    pub fn generate(param_set: ParamSet) -> Result<Self, GostError> {
        let n = param_set.size();
        let d_le = with_curve!(param_set, c => {
            let mut d = scheme::random_scalar(c)?;
            let bytes = Zeroizing::new(limbs::to_le_bytes(&d, n));
            d.zeroize();
            bytes
        });
        Ok(SigningKey { param_set, d_le })
    }

    /// The parameter set.
    pub fn param_set(&self) -> ParamSet {
        self.param_set
    }

    /// `d` as `n` little-endian bytes.
    pub fn to_le_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.d_le.clone()
    }

    /// The public key `Q = d·G` (computed in constant time).
    pub fn verifying_key(&self) -> VerifyingKey {
        let n = self.param_set.size();
        let xy_le = with_curve!(self.param_set, c => {
            let mut d = limbs::from_le_bytes(&self.d_le);
            let q = scheme::public_point(c, &d);
            d.zeroize();
            encode_point(c, &q, n)
        });
        VerifyingKey {
            param_set: self.param_set,
            xy_le,
        }
    }

    /// Sign a digest (`n` bytes, as the hash function outputs it) with a nonce from the OS
    /// RNG. Returns the signature as NCA RK encodes it: `r_LE ‖ s_LE` (`2n` bytes).
    pub fn sign_digest(&self, digest: &[u8]) -> Result<Vec<u8>, GostError> {
        check_len("digest", self.param_set.size(), digest.len())?;
        let n = self.param_set.size();
        with_curve!(self.param_set, c => {
            let mut d = limbs::from_le_bytes(&self.d_le);
            let result = loop {
                let mut k = scheme::random_scalar(c)?;
                let attempt = scheme::sign_with_nonce(c, &d, digest, &k);
                k.zeroize();
                match attempt {
                    Ok(rs) => break rs,
                    Err(GostError::BadNonce(_)) => continue,
                    Err(e) => {
                        d.zeroize();
                        return Err(e);
                    }
                }
            };
            d.zeroize();
            Ok(encode_signature(&result.0, &result.1, n))
        })
    }

    /// Sign with a caller-chosen nonce `k` (`n` little-endian bytes). See
    /// [`crate::hazmat::sign_digest_with_nonce`].
    pub(crate) fn sign_digest_with_nonce(
        &self,
        digest: &[u8],
        k_le: &[u8],
    ) -> Result<Vec<u8>, GostError> {
        let n = self.param_set.size();
        check_len("digest", n, digest.len())?;
        check_len("nonce", n, k_le.len())?;
        with_curve!(self.param_set, c => {
            let mut k = limbs::from_le_bytes(k_le);
            if !c.in_scalar_range(&k) {
                k.zeroize();
                return Err(GostError::BadNonce("k must be in 1..q"));
            }
            let mut d = limbs::from_le_bytes(&self.d_le);
            let result = scheme::sign_with_nonce(c, &d, digest, &k);
            d.zeroize();
            k.zeroize();
            let (r, s) = result?;
            Ok(encode_signature(&r, &s, n))
        })
    }
}

fn encode_point<const N: usize>(c: &curve::Curve<N>, p: &Affine<N>, n: usize) -> Vec<u8> {
    let mut out = limbs::to_le_bytes(&c.fp.to_uint(&p.x), n);
    out.extend(limbs::to_le_bytes(&c.fp.to_uint(&p.y), n));
    out
}

fn encode_signature<const N: usize>(r: &[u64; N], s: &[u64; N], n: usize) -> Vec<u8> {
    let mut out = limbs::to_le_bytes(r, n);
    out.extend(limbs::to_le_bytes(s, n));
    out
}

/// A public key: the point `Q`, kept in the NCA RK / RFC 4491 encoding `X_LE ‖ Y_LE`.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    param_set: ParamSet,
    xy_le: Vec<u8>,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex: String = self.xy_le.iter().map(|b| format!("{b:02x}")).collect();
        f.debug_struct("VerifyingKey")
            .field("param_set", &self.param_set)
            .field("xy_le", &hex)
            .finish()
    }
}

impl VerifyingKey {
    /// From `X_LE ‖ Y_LE` (`2n` bytes: the contents of the OCTET STRING inside the
    /// certificate's `subjectPublicKey`). Checks that the point is on the curve.
    pub fn from_xy_le(param_set: ParamSet, xy_le: &[u8]) -> Result<Self, GostError> {
        let n = param_set.size();
        check_len("public key", 2 * n, xy_le.len())?;
        with_curve!(param_set, c => { decode_point(c, xy_le, n)?; });
        Ok(VerifyingKey {
            param_set,
            xy_le: xy_le.to_vec(),
        })
    }

    /// The parameter set.
    pub fn param_set(&self) -> ParamSet {
        self.param_set
    }

    /// `X_LE ‖ Y_LE` (`2n` bytes).
    pub fn to_xy_le(&self) -> &[u8] {
        &self.xy_le
    }

    /// Verify `signature` (`r_LE ‖ s_LE`, `2n` bytes, as in NCA RK certificates, CRLs, OCSP,
    /// CMS and XMLDSig) over `digest` (`n` bytes, as the hash function outputs it).
    pub fn verify_digest(&self, digest: &[u8], signature: &[u8]) -> Result<(), GostError> {
        let n = self.param_set.size();
        check_len("digest", n, digest.len())?;
        check_len("signature", 2 * n, signature.len())?;
        with_curve!(self.param_set, c => {
            let q = decode_point(c, &self.xy_le, n)?;
            let r = limbs::from_le_bytes(&signature[..n]);
            let s = limbs::from_le_bytes(&signature[n..]);
            scheme::verify(c, &q, digest, &r, &s)
        })
    }
}

fn decode_point<const N: usize>(
    c: &curve::Curve<N>,
    xy_le: &[u8],
    n: usize,
) -> Result<Affine<N>, GostError> {
    let x = limbs::from_le_bytes::<N>(&xy_le[..n]);
    let y = limbs::from_le_bytes::<N>(&xy_le[n..]);
    if !limbs::lt_vartime(&x, c.fp.modulus()) || !limbs::lt_vartime(&y, c.fp.modulus()) {
        return Err(GostError::InvalidPublicKey("a coordinate is not below p"));
    }
    let p = Affine {
        x: c.fp.to_repr(&x),
        y: c.fp.to_repr(&y),
    };
    if !c.is_on_curve(&p) {
        return Err(GostError::InvalidPublicKey("the point is not on the curve"));
    }
    if c.cofactor != 1 && !crate::mul::mul_vartime(c, &c.q, &p).is_identity() {
        return Err(GostError::InvalidPublicKey(
            "the point is not in the prime-order subgroup",
        ));
    }
    Ok(p)
}

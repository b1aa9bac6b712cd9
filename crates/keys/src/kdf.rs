//! The PKCS#12 key-derivation function (RFC 7292 appendix B.2), written on top of the
//! `sha1` / `sha2` hash implementations. Used for the PKCS#12 PBE schemes
//! (pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd40BitRC2-CBC, ...) and the PKCS#12 MAC.

use sha1::digest::{core_api::BlockSizeUser, Digest};
use zeroize::{Zeroize, Zeroizing};

/// The "ID" byte of RFC 7292 B.3: what the derived bytes are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Encryption / decryption key material (ID = 1).
    Key = 1,
    /// Initialisation vector (ID = 2).
    Iv = 2,
    /// MAC key (ID = 3).
    Mac = 3,
}

/// Derive `n` bytes from the BMPString password `pass` (already with its two-zero-byte
/// terminator), `salt` and `iterations` (≥ 1; the caller has checked it against the limits).
pub(crate) fn derive<D: Digest + BlockSizeUser>(
    pass: &[u8],
    salt: &[u8],
    purpose: Purpose,
    iterations: u64,
    n: usize,
) -> Zeroizing<Vec<u8>> {
    let u = <D as Digest>::output_size();
    let v = <D as BlockSizeUser>::block_size();
    let diversifier = vec![purpose as u8; v];
    let fill = |src: &[u8]| -> Vec<u8> {
        if src.is_empty() {
            Vec::new()
        } else {
            let len = v * src.len().div_ceil(v);
            (0..len).map(|i| src[i % src.len()]).collect()
        }
    };
    let mut i_buf = Zeroizing::new(fill(salt));
    let mut p = fill(pass);
    i_buf.extend_from_slice(&p);
    p.zeroize();
    let mut out = Zeroizing::new(Vec::with_capacity(n));
    let mut b = Zeroizing::new(vec![0u8; v]);
    loop {
        let mut h = D::new();
        h.update(&diversifier);
        h.update(i_buf.as_slice());
        let mut a = h.finalize();
        for _ in 1..iterations.max(1) {
            a = D::digest(&a);
        }
        let take = u.min(n - out.len());
        out.extend_from_slice(&a[..take]);
        if out.len() >= n {
            a.as_mut_slice().zeroize();
            return out;
        }
        for (k, byte) in b.iter_mut().enumerate() {
            *byte = a[k % u];
        }
        a.as_mut_slice().zeroize();
        // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I.
        for chunk in i_buf.chunks_mut(v) {
            let mut carry: u16 = 1;
            for k in (0..v).rev() {
                let s = u16::from(chunk[k]) + u16::from(b[k]) + carry;
                chunk[k] = s as u8;
                carry = s >> 8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Password;

    // Published PKCS#12 KDF vectors (the "smeg"/"queeg" set used by Bouncy Castle's and
    // OpenSSL-derived test suites), SHA-1.
    #[test]
    fn known_vectors_sha1() {
        let smeg = Password::new("smeg").bmp();
        let salt = hex::decode("0A58CF64530D823F").unwrap();
        assert_eq!(
            hex::encode_upper(&*derive::<sha1::Sha1>(&smeg, &salt, Purpose::Key, 1, 24)),
            "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3"
        );
        assert_eq!(
            hex::encode_upper(&*derive::<sha1::Sha1>(&smeg, &salt, Purpose::Iv, 1, 8)),
            "79993DFE048D3B76"
        );
        let queeg = Password::new("queeg").bmp();
        let salt = hex::decode("05DEC959ACFF72F7").unwrap();
        assert_eq!(
            hex::encode_upper(&*derive::<sha1::Sha1>(
                &queeg,
                &salt,
                Purpose::Key,
                1000,
                24
            )),
            "ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4"
        );
    }
}

//! Password-based decryption of PKCS#12 bags and PKCS#8 keys: the PKCS#12 PBE schemes
//! (RFC 7292 appendix C: 3-key / 2-key triple DES, 40- / 128-bit RC2, all CBC with the
//! PKCS#12 KDF over SHA-1) and PBES2 (RFC 8018: PBKDF2 + AES / DES-EDE3 CBC). The ciphers
//! are RustCrypto's (`des`, `rc2`, `aes` via `cbc` and `pkcs5`); every iteration count is
//! checked against the [`Limits`](crate::Limits) before any work is done.

use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, InnerIvInit, KeyIvInit};
use der::Decode;
use zeroize::Zeroizing;

use crate::ber::{tag, Tlv};
use crate::kdf::{self, Purpose};
use crate::limits::Budget;
use crate::{KeyError, Password};

const PBE_SHA_3DES: &str = "1.2.840.113549.1.12.1.3";
const PBE_SHA_2DES: &str = "1.2.840.113549.1.12.1.4";
const PBE_SHA_RC2_128: &str = "1.2.840.113549.1.12.1.5";
const PBE_SHA_RC2_40: &str = "1.2.840.113549.1.12.1.6";
const PBES2: &str = "1.2.840.113549.1.5.13";

/// Decrypt `ciphertext` with the scheme described by the `AlgorithmIdentifier` element `alg`.
/// A padding failure is [`KeyError::DecryptionFailed`]; the caller decides whether that
/// means "wrong password" or "damaged file".
pub(crate) fn decrypt(
    alg: &Tlv<'_>,
    ciphertext: &[u8],
    password: &Password,
    budget: &mut Budget,
    what: &'static str,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let alg = alg.expect(tag::SEQUENCE, what)?;
    let mut r = alg.children(what);
    let oid = r.read()?.oid(what)?.to_string();
    match oid.as_str() {
        PBE_SHA_3DES | PBE_SHA_2DES | PBE_SHA_RC2_128 | PBE_SHA_RC2_40 => {
            let params = r.read_tag(tag::SEQUENCE)?;
            let mut p = params.children(what);
            let salt = p.read()?.octets(what)?;
            let iterations = p.read()?.uint(what)?;
            if iterations == 0 {
                return Err(KeyError::Malformed {
                    what,
                    detail: "PBE iteration count is 0".into(),
                });
            }
            // One derivation for the key, one for the IV.
            budget.spend(what, iterations)?;
            budget.spend(what, iterations)?;
            let bmp = password.bmp();
            let key_len = match oid.as_str() {
                PBE_SHA_3DES => 24,
                PBE_SHA_2DES | PBE_SHA_RC2_128 => 16,
                _ => 5,
            };
            let key = kdf::derive::<sha1::Sha1>(&bmp, &salt, Purpose::Key, iterations, key_len);
            let iv = kdf::derive::<sha1::Sha1>(&bmp, &salt, Purpose::Iv, iterations, 8);
            let failed = |_| KeyError::DecryptionFailed { what };
            let plain = match oid.as_str() {
                PBE_SHA_3DES => cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                    .map_err(|_| KeyError::DecryptionFailed { what })?
                    .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
                    .map_err(failed)?,
                PBE_SHA_2DES => cbc::Decryptor::<des::TdesEde2>::new_from_slices(&key, &iv)
                    .map_err(|_| KeyError::DecryptionFailed { what })?
                    .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
                    .map_err(failed)?,
                _ => {
                    let cipher = rc2::Rc2::new_with_eff_key_len(&key, key_len * 8);
                    cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, &iv)
                        .map_err(|_| KeyError::DecryptionFailed { what })?
                        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
                        .map_err(failed)?
                }
            };
            Ok(Zeroizing::new(plain))
        }
        PBES2 => {
            let scheme =
                pkcs5::EncryptionScheme::from_der(alg.raw).map_err(|e| KeyError::Malformed {
                    what,
                    detail: format!("PBES2 parameters: {e}"),
                })?;
            let params = scheme.pbes2().ok_or_else(|| KeyError::Malformed {
                what,
                detail: "PBES2 OID without PBES2 parameters".into(),
            })?;
            match &params.kdf {
                pkcs5::pbes2::Kdf::Pbkdf2(p) => {
                    if p.iteration_count == 0 {
                        return Err(KeyError::Malformed {
                            what,
                            detail: "PBKDF2 iteration count is 0".into(),
                        });
                    }
                    budget.spend(what, u64::from(p.iteration_count))?;
                }
                other => {
                    return Err(KeyError::UnsupportedAlgorithm {
                        what: "PBES2 key-derivation function (only PBKDF2 is accepted)",
                        oid: other.oid().to_string(),
                    })
                }
            }
            let plain = scheme
                .decrypt(password.as_bytes(), ciphertext)
                .map_err(|e| match e {
                    pkcs5::Error::AlgorithmParametersInvalid { oid }
                    | pkcs5::Error::UnsupportedAlgorithm { oid } => {
                        KeyError::UnsupportedAlgorithm {
                            what: "PBES2 cipher or PRF",
                            oid: oid.to_string(),
                        }
                    }
                    _ => KeyError::DecryptionFailed { what },
                })?;
            Ok(Zeroizing::new(plain))
        }
        _ => Err(KeyError::UnsupportedAlgorithm {
            what: "encryption scheme",
            oid,
        }),
    }
}

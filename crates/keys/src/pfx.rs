//! Reading a PKCS#12 `PFX` (RFC 7292): structure, password-integrity MAC, the
//! authenticated safe's plain and encrypted contents, and the safe bags inside them.
//! The result is raw material (PKCS#8 keys, certificate DER, bag attributes) that
//! [`crate::Keystore`] turns into entries.

use hmac::{Mac, SimpleHmac};
use sha1::digest::{core_api::BlockSizeUser, Digest};
use zeroize::Zeroizing;

use crate::ber::{tag, Reader, Tlv};
use crate::kdf::{self, Purpose};
use crate::limits::Budget;
use crate::{pbe, KeyError, Limits, Password};

const OID_DATA: &str = "1.2.840.113549.1.7.1";
const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_ENVELOPED_DATA: &str = "1.2.840.113549.1.7.3";
const OID_ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";
const OID_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.1";
const OID_SHROUDED_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.2";
const OID_CERT_BAG: &str = "1.2.840.113549.1.12.10.1.3";
const OID_SAFE_CONTENTS_BAG: &str = "1.2.840.113549.1.12.10.1.6";
const OID_X509_CERT: &str = "1.2.840.113549.1.9.22.1";
const OID_FRIENDLY_NAME: &str = "1.2.840.113549.1.9.20";
const OID_LOCAL_KEY_ID: &str = "1.2.840.113549.1.9.21";

/// Bag attributes PKCS#12 uses to pair keys with certificates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BagAttributes {
    pub friendly_name: Option<String>,
    pub local_key_id: Option<Vec<u8>>,
}

/// A decrypted private key (PKCS#8 `PrivateKeyInfo` DER) with its bag attributes.
pub(crate) struct RawKey {
    pub pkcs8: Zeroizing<Vec<u8>>,
    pub attributes: BagAttributes,
}

/// A certificate (DER) with its bag attributes.
pub(crate) struct RawCert {
    pub der: Vec<u8>,
    pub attributes: BagAttributes,
}

/// Everything the PFX holds.
#[derive(Default)]
pub(crate) struct Contents {
    pub keys: Vec<RawKey>,
    pub certs: Vec<RawCert>,
    /// Whether the file carried a MAC (it then matched).
    pub integrity: crate::keystore::Integrity,
}

/// One ContentInfo of the authenticated safe, before decryption.
enum SafeItem<'a> {
    Plain(std::borrow::Cow<'a, [u8]>),
    Encrypted {
        alg: Tlv<'a>,
        ciphertext: std::borrow::Cow<'a, [u8]>,
    },
}

struct MacData<'a> {
    digest_oid: String,
    expected: std::borrow::Cow<'a, [u8]>,
    salt: std::borrow::Cow<'a, [u8]>,
    iterations: u64,
}

const W_PFX: &str = "PKCS#12 PFX";
const W_SAFE: &str = "PKCS#12 authenticated safe";
const W_MAC: &str = "PKCS#12 MAC";
const W_BAG: &str = "PKCS#12 safe bag";
const W_KEY: &str = "PKCS#12 shrouded key bag";
const W_ENC: &str = "PKCS#12 encrypted safe contents";

/// Parse and decrypt a PKCS#12 file.
pub(crate) fn read(
    data: &[u8],
    password: &Password,
    options: &crate::limits::Pkcs12Options,
) -> Result<Contents, KeyError> {
    let limits = &options.limits;
    let mut top = Reader::new(data, W_PFX, limits.max_nesting);
    let pfx = top.read_tag(tag::SEQUENCE)?;
    top.finish()?;
    let mut r = pfx.children(W_PFX);
    let version = r.read_tag(tag::INTEGER)?.uint(W_PFX)?;
    if version != 3 {
        return Err(KeyError::Malformed {
            what: W_PFX,
            detail: format!("version {version} (expected 3)"),
        });
    }
    let auth_safe = r.read_tag(tag::SEQUENCE)?;
    let mac = if r.is_empty() {
        None
    } else {
        Some(read_mac_data(r.read_tag(tag::SEQUENCE)?)?)
    };
    r.finish()?;
    if mac.is_none() && !options.allow_missing_mac {
        return Err(KeyError::NoMac);
    }

    // authSafe ContentInfo: only password integrity mode (id-data) is supported.
    let mut ci = auth_safe.children(W_PFX);
    let content_type = ci.read()?.oid(W_PFX)?.to_string();
    match content_type.as_str() {
        OID_DATA => {}
        OID_SIGNED_DATA => {
            return Err(KeyError::UnsupportedAlgorithm {
                what: "PKCS#12 integrity mode (public-key integrity, signedData)",
                oid: content_type,
            })
        }
        _ => {
            return Err(KeyError::UnsupportedAlgorithm {
                what: "PKCS#12 authSafe content type",
                oid: content_type,
            })
        }
    }
    let explicit = ci.read_tag(tag::CONTEXT_0_CONSTRUCTED)?;
    let mut ex = explicit.children(W_PFX);
    let safe_bytes = ex.read()?.octets(W_PFX)?;
    let items = read_authenticated_safe(&safe_bytes, limits)?;

    let mut budget = Budget::new(*limits);
    let mac_ok = match &mac {
        Some(m) => Some(verify_mac(m, password, &safe_bytes, &mut budget)?),
        None => None,
    };
    match mac_ok {
        Some(true) => decrypt_items(&items, password, &mut budget, limits).map(|mut c| {
            c.integrity = crate::keystore::Integrity::Mac;
            c
        }),
        // The MAC did not match: if the password nevertheless opens some encrypted part of
        // the file, the file was altered; if it opens nothing, the password is wrong.
        Some(false) => {
            if password_opens_something(&items, password, &mut budget, limits)? {
                Err(KeyError::MacMismatch)
            } else {
                Err(KeyError::WrongPassword)
            }
        }
        // No MAC: a decryption failure is most likely the password.
        None => match decrypt_items(&items, password, &mut budget, limits) {
            Err(KeyError::DecryptionFailed { .. }) => Err(KeyError::WrongPassword),
            other => other.map(|mut c| {
                c.integrity = crate::keystore::Integrity::None;
                c
            }),
        },
    }
}

/// Whether `password` decrypts at least one encrypted object of the file into something
/// well-formed. Only iteration-limit errors are propagated; anything else counts as "no".
fn password_opens_something(
    items: &[SafeItem<'_>],
    password: &Password,
    budget: &mut Budget,
    limits: &Limits,
) -> Result<bool, KeyError> {
    let ok_or_limit = |r: Result<bool, KeyError>| match r {
        Err(e @ KeyError::IterationLimit { .. }) => Err(e),
        Ok(true) => Ok(true),
        _ => Ok(false),
    };
    for item in items {
        let opened = match item {
            SafeItem::Encrypted { alg, ciphertext } => ok_or_limit(
                pbe::decrypt(alg, ciphertext, password, budget, W_ENC).map(|plain| {
                    let mut r = Reader::new(&plain, W_BAG, limits.max_nesting);
                    r.read_tag(tag::SEQUENCE).is_ok() && r.finish().is_ok()
                }),
            )?,
            SafeItem::Plain(bytes) => {
                let mut found = false;
                let mut top = Reader::new(bytes, W_BAG, limits.max_nesting);
                if let Ok(seq) = top.read_tag(tag::SEQUENCE) {
                    let mut r = seq.children(W_BAG);
                    while let Ok(bag) = r.read_tag(tag::SEQUENCE) {
                        let mut b = bag.children(W_BAG);
                        let is_shrouded = b
                            .read()
                            .and_then(|t| t.oid(W_BAG))
                            .is_ok_and(|o| o.to_string() == OID_SHROUDED_KEY_BAG);
                        if !is_shrouded {
                            continue;
                        }
                        let value = b
                            .read_tag(tag::CONTEXT_0_CONSTRUCTED)
                            .and_then(|e| e.children(W_BAG).read());
                        if let Ok(v) = value {
                            if ok_or_limit(
                                decrypt_key_info(v, password, budget, W_KEY).map(|_| true),
                            )? {
                                found = true;
                                break;
                            }
                        }
                    }
                }
                found
            }
        };
        if opened {
            return Ok(true);
        }
    }
    Ok(false)
}

fn read_mac_data(seq: Tlv<'_>) -> Result<MacData<'_>, KeyError> {
    let mut r = seq.children(W_MAC);
    let digest_info = r.read_tag(tag::SEQUENCE)?;
    let mut di = digest_info.children(W_MAC);
    let alg = di.read_tag(tag::SEQUENCE)?;
    let mut a = alg.children(W_MAC);
    let digest_oid = a.read()?.oid(W_MAC)?.to_string();
    // Digest AlgorithmIdentifier parameters: absent or NULL (RFC 5754), nothing else.
    if !a.is_empty() {
        let params = a.read()?;
        if params.tag != tag::NULL || !params.value.is_empty() {
            return Err(KeyError::Malformed {
                what: W_MAC,
                detail: "MAC digest parameters are neither absent nor NULL".into(),
            });
        }
    }
    a.finish()?;
    let expected = di.read()?.octets(W_MAC)?;
    di.finish()?;
    let salt = r.read()?.octets(W_MAC)?;
    let iterations = if r.is_empty() {
        1
    } else {
        r.read_tag(tag::INTEGER)?.uint(W_MAC)?
    };
    r.finish()?;
    if iterations == 0 {
        return Err(KeyError::Malformed {
            what: W_MAC,
            detail: "iteration count is 0".into(),
        });
    }
    Ok(MacData {
        digest_oid,
        expected,
        salt,
        iterations,
    })
}

fn read_authenticated_safe<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<Vec<SafeItem<'a>>, KeyError> {
    let mut top = Reader::new(bytes, W_SAFE, limits.max_nesting);
    let seq = top.read_tag(tag::SEQUENCE)?;
    top.finish()?;
    let mut items = Vec::new();
    let mut r = seq.children(W_SAFE);
    while !r.is_empty() {
        let ci = r.read_tag(tag::SEQUENCE)?;
        let mut c = ci.children(W_SAFE);
        let ct = c.read()?.oid(W_SAFE)?.to_string();
        let explicit = c.read_tag(tag::CONTEXT_0_CONSTRUCTED)?;
        let mut ex = explicit.children(W_SAFE);
        match ct.as_str() {
            OID_DATA => items.push(SafeItem::Plain(ex.read()?.octets(W_SAFE)?)),
            OID_ENCRYPTED_DATA => {
                // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }
                let ed = ex.read_tag(tag::SEQUENCE)?;
                let mut e = ed.children(W_ENC);
                e.read_tag(tag::INTEGER)?;
                let eci = e.read_tag(tag::SEQUENCE)?;
                let mut i = eci.children(W_ENC);
                let inner_type = i.read()?.oid(W_ENC)?.to_string();
                if inner_type != OID_DATA {
                    return Err(KeyError::UnsupportedAlgorithm {
                        what: "encrypted content type",
                        oid: inner_type,
                    });
                }
                let alg = i.read_tag(tag::SEQUENCE)?;
                if i.is_empty() {
                    return Err(KeyError::Malformed {
                        what: W_ENC,
                        detail: "no encryptedContent".into(),
                    });
                }
                let ciphertext = i.read()?.octets(W_ENC)?;
                items.push(SafeItem::Encrypted { alg, ciphertext });
            }
            OID_ENVELOPED_DATA => {
                return Err(KeyError::UnsupportedAlgorithm {
                    what: "PKCS#12 privacy mode (public-key, envelopedData)",
                    oid: ct,
                })
            }
            _ => {
                return Err(KeyError::UnsupportedAlgorithm {
                    what: "authenticated safe content type",
                    oid: ct,
                })
            }
        }
    }
    Ok(items)
}

fn hmac_with<D>(key: &[u8], data: &[u8], expected: &[u8]) -> bool
where
    D: Digest + BlockSizeUser + Clone,
{
    let Ok(mut mac) = <SimpleHmac<D> as Mac>::new_from_slice(key) else {
        return false;
    };
    mac.update(data);
    mac.verify_slice(expected).is_ok()
}

fn mac_matches<D>(m: &MacData<'_>, pass: &[u8], data: &[u8]) -> bool
where
    D: Digest + BlockSizeUser + Clone,
{
    let key = kdf::derive::<D>(
        pass,
        &m.salt,
        Purpose::Mac,
        m.iterations,
        <D as Digest>::output_size(),
    );
    hmac_with::<D>(&key, data, &m.expected)
}

/// Whether the MAC matches with `password` (OpenSSL also accepts, for an empty password,
/// a MAC computed over an absent password; so do we).
fn verify_mac(
    m: &MacData<'_>,
    password: &Password,
    data: &[u8],
    budget: &mut Budget,
) -> Result<bool, KeyError> {
    let check: fn(&MacData<'_>, &[u8], &[u8]) -> bool = match m.digest_oid.as_str() {
        "1.3.14.3.2.26" => mac_matches::<sha1::Sha1>,
        "2.16.840.1.101.3.4.2.4" => mac_matches::<sha2::Sha224>,
        "2.16.840.1.101.3.4.2.1" => mac_matches::<sha2::Sha256>,
        "2.16.840.1.101.3.4.2.2" => mac_matches::<sha2::Sha384>,
        "2.16.840.1.101.3.4.2.3" => mac_matches::<sha2::Sha512>,
        other => {
            return Err(KeyError::UnsupportedAlgorithm {
                what: "PKCS#12 MAC digest",
                oid: other.to_string(),
            })
        }
    };
    budget.spend(W_MAC, m.iterations)?;
    if check(m, &password.bmp(), data) {
        return Ok(true);
    }
    if password.is_empty() {
        budget.spend(W_MAC, m.iterations)?;
        return Ok(check(m, &[], data));
    }
    Ok(false)
}

fn decrypt_items(
    items: &[SafeItem<'_>],
    password: &Password,
    budget: &mut Budget,
    limits: &Limits,
) -> Result<Contents, KeyError> {
    let mut out = Contents::default();
    for item in items {
        match item {
            SafeItem::Plain(bytes) => {
                read_safe_contents(bytes, password, budget, limits, &mut out)?
            }
            SafeItem::Encrypted { alg, ciphertext } => {
                let plain = pbe::decrypt(alg, ciphertext, password, budget, W_ENC)?;
                read_safe_contents(&plain, password, budget, limits, &mut out)?;
            }
        }
    }
    Ok(out)
}

fn read_safe_contents(
    bytes: &[u8],
    password: &Password,
    budget: &mut Budget,
    limits: &Limits,
    out: &mut Contents,
) -> Result<(), KeyError> {
    let mut top = Reader::new(bytes, W_BAG, limits.max_nesting);
    let seq = top.read_tag(tag::SEQUENCE)?;
    top.finish()?;
    read_bags(seq, password, budget, out)
}

fn read_bags(
    seq: Tlv<'_>,
    password: &Password,
    budget: &mut Budget,
    out: &mut Contents,
) -> Result<(), KeyError> {
    let mut r = seq.children(W_BAG);
    while !r.is_empty() {
        budget.count_bag()?;
        let bag = r.read_tag(tag::SEQUENCE)?;
        let mut b = bag.children(W_BAG);
        let bag_id = b.read()?.oid(W_BAG)?.to_string();
        let explicit = b.read_tag(tag::CONTEXT_0_CONSTRUCTED)?;
        let value = explicit.children(W_BAG).read()?;
        let attributes = if b.peek_tag() == Some(tag::SET) {
            read_attributes(b.read()?)?
        } else {
            BagAttributes::default()
        };
        b.finish()?;
        match bag_id.as_str() {
            OID_KEY_BAG => out.keys.push(RawKey {
                pkcs8: Zeroizing::new(value.raw.to_vec()),
                attributes,
            }),
            OID_SHROUDED_KEY_BAG => {
                let pkcs8 = decrypt_key_info(value, password, budget, W_KEY)?;
                out.keys.push(RawKey { pkcs8, attributes });
            }
            OID_CERT_BAG => {
                let mut c = value.expect(tag::SEQUENCE, W_BAG)?.children(W_BAG);
                let cert_type = c.read()?.oid(W_BAG)?.to_string();
                let explicit = c.read_tag(tag::CONTEXT_0_CONSTRUCTED)?;
                if cert_type == OID_X509_CERT {
                    let der = explicit.children(W_BAG).read()?.octets(W_BAG)?;
                    out.certs.push(RawCert {
                        der: der.into_owned(),
                        attributes,
                    });
                }
                // Other certificate types (SDSI) cannot be used for anything here.
            }
            OID_SAFE_CONTENTS_BAG => read_bags(value, password, budget, out)?,
            // CRL bags and secret bags carry nothing a signer needs.
            _ => {}
        }
    }
    Ok(())
}

/// Decrypt an `EncryptedPrivateKeyInfo` element and check that the result is shaped like a
/// `PrivateKeyInfo` (so a wrong password that happens to give valid padding is caught).
pub(crate) fn decrypt_key_info(
    epki: Tlv<'_>,
    password: &Password,
    budget: &mut Budget,
    what: &'static str,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut e = epki.expect(tag::SEQUENCE, what)?.children(what);
    let alg = e.read_tag(tag::SEQUENCE)?;
    let ciphertext = e.read()?.octets(what)?;
    e.finish()?;
    let plain = pbe::decrypt(&alg, &ciphertext, password, budget, what)?;
    if !looks_like_private_key_info(&plain, budget.limits().max_nesting) {
        return Err(KeyError::DecryptionFailed { what });
    }
    Ok(plain)
}

fn looks_like_private_key_info(bytes: &[u8], max_nesting: usize) -> bool {
    let mut top = Reader::new(bytes, "PrivateKeyInfo", max_nesting);
    let Ok(seq) = top.read_tag(tag::SEQUENCE) else {
        return false;
    };
    if top.finish().is_err() {
        return false;
    }
    let mut r = seq.children("PrivateKeyInfo");
    r.read_tag(tag::INTEGER).is_ok()
        && r.read_tag(tag::SEQUENCE).is_ok()
        && r.read_tag(tag::OCTET_STRING).is_ok()
}

fn read_attributes(set: Tlv<'_>) -> Result<BagAttributes, KeyError> {
    let mut attrs = BagAttributes::default();
    let mut r = set.children(W_BAG);
    while !r.is_empty() {
        let attr = r.read_tag(tag::SEQUENCE)?;
        let mut a = attr.children(W_BAG);
        let oid = a.read()?.oid(W_BAG)?.to_string();
        let values = a.read_tag(tag::SET)?;
        let mut v = values.children(W_BAG);
        if v.is_empty() {
            continue;
        }
        let first = v.read()?;
        match oid.as_str() {
            OID_FRIENDLY_NAME => {
                attrs.friendly_name = Some(match first.tag {
                    tag::BMP_STRING => {
                        if first.value.len() % 2 != 0 {
                            return Err(KeyError::Malformed {
                                what: W_BAG,
                                detail: "friendlyName BMPString of odd length".into(),
                            });
                        }
                        let units: Vec<u16> = first
                            .value
                            .chunks(2)
                            .map(|c| u16::from_be_bytes([c[0], c[1]]))
                            .collect();
                        // Some writers include the C string terminator.
                        String::from_utf16_lossy(&units)
                            .trim_end_matches('\0')
                            .to_string()
                    }
                    tag::UTF8_STRING => String::from_utf8_lossy(first.value).into_owned(),
                    other => {
                        return Err(KeyError::Malformed {
                            what: W_BAG,
                            detail: format!("friendlyName with tag 0x{other:02x}"),
                        })
                    }
                });
            }
            OID_LOCAL_KEY_ID => attrs.local_key_id = Some(first.octets(W_BAG)?.into_owned()),
            _ => {}
        }
    }
    Ok(attrs)
}

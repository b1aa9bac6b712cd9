//! Resolving the signer's certificate from `ds:KeyInfo` (SMARTBRIDGE.md §6.7 step 6).

use std::cell::RefCell;

use super::b64;
use tanba_xml::{Document, NodeId};

use crate::error::{WrappingAttack, WssError};
use crate::ns;

const THUMBPRINT_SHA1: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1";

/// How the signature designated its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenReference {
    /// `wsse:KeyIdentifier` (X509v3) holding the certificate.
    KeyIdentifier,
    /// `wsse:Reference` to a `wsse:BinarySecurityToken` with this Id.
    BinarySecurityToken {
        /// The token's `wsu:Id`.
        id: String,
    },
    /// `ds:X509Data/ds:X509Certificate` (directly in KeyInfo or in the token reference).
    X509Certificate,
    /// `ds:X509IssuerSerial`, matched against a pinned certificate.
    IssuerSerial {
        /// `X509IssuerName` as written.
        issuer: String,
        /// `X509SerialNumber` (decimal) as written.
        serial: String,
    },
    /// `wsse:KeyIdentifier` with `ThumbprintSHA1`, matched against a pinned certificate.
    ThumbprintSha1,
}

/// How many decoded tokens [`TOKEN_CACHE`] keeps.
const TOKEN_CACHE_ENTRIES: usize = 8;
/// Tokens longer than this are decoded every time rather than kept.
const TOKEN_CACHE_MAX_TEXT: usize = 32 << 10;

thread_local! {
    /// Certificates decoded recently on this thread, most recent first, keyed by their
    /// exact base64 text: a receiver sees the same few senders' tokens again and again,
    /// and the decoding is a measurable part of a verification. The key is the whole text
    /// (compared in full), so a hit returns exactly what decoding would.
    static TOKEN_CACHE: RefCell<Vec<(Box<str>, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
}

/// The base64 `text` of a token decoded (whitespace ignored), through [`TOKEN_CACHE`].
fn decode_token(text: &str, field: &'static str) -> Result<Vec<u8>, WssError> {
    if text.len() > TOKEN_CACHE_MAX_TEXT {
        return b64(text, field);
    }
    let hit = TOKEN_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let i = c.iter().position(|(t, _)| **t == *text)?;
        c[..=i].rotate_right(1);
        Some(c[0].1.clone())
    });
    if let Some(der) = hit {
        return Ok(der);
    }
    let der = b64(text, field)?;
    TOKEN_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.truncate(TOKEN_CACHE_ENTRIES - 1);
        c.insert(0, (text.into(), der.clone()));
    });
    Ok(der)
}

fn token_err(msg: impl Into<String>) -> WssError {
    WssError::Token(msg.into())
}

fn kids<'d>(doc: &'d Document, el: NodeId) -> impl Iterator<Item = NodeId> + 'd {
    doc.child_elements(el)
}

/// The certificate (DER) and how it was found.
pub(crate) fn resolve(
    doc: &Document,
    key_info: NodeId,
    security: NodeId,
    pinned: &[Vec<u8>],
) -> Result<(Vec<u8>, TokenReference), WssError> {
    for c in kids(doc, key_info) {
        let n = doc.name(c);
        if n.is(ns::WSSE, "SecurityTokenReference") {
            return from_str(doc, c, security, pinned);
        }
        if n.is(ns::DS, "X509Data") {
            return from_x509data(doc, c, pinned);
        }
    }
    Err(token_err(
        "KeyInfo holds neither a wsse:SecurityTokenReference nor ds:X509Data",
    ))
}

fn from_str(
    doc: &Document,
    str_el: NodeId,
    security: NodeId,
    pinned: &[Vec<u8>],
) -> Result<(Vec<u8>, TokenReference), WssError> {
    for c in kids(doc, str_el) {
        let n = doc.name(c);
        if n.is(ns::WSSE, "KeyIdentifier") {
            let vt = doc.attribute(c, "", "ValueType").unwrap_or(ns::X509V3);
            let et = doc
                .attribute(c, "", "EncodingType")
                .unwrap_or(ns::BASE64_BINARY);
            if et != ns::BASE64_BINARY {
                return Err(token_err(format!(
                    "KeyIdentifier EncodingType {et:?} is not Base64Binary"
                )));
            }
            let bytes = decode_token(&super::text_of(doc, c), "wsse:KeyIdentifier")?;
            return match vt {
                ns::X509V3 => Ok((bytes, TokenReference::KeyIdentifier)),
                THUMBPRINT_SHA1 => {
                    let found = pinned.iter().find(|p| {
                        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, p).as_ref()
                            == bytes.as_slice()
                    });
                    found
                        .map(|p| (p.clone(), TokenReference::ThumbprintSha1))
                        .ok_or_else(|| {
                            token_err("KeyIdentifier ThumbprintSHA1 matches no pinned certificate")
                        })
                }
                other => Err(token_err(format!(
                    "unsupported KeyIdentifier ValueType {other:?}"
                ))),
            };
        }
        if n.is(ns::WSSE, "Reference") {
            let uri = doc.attribute(c, "", "URI").unwrap_or("");
            let id = uri.strip_prefix('#').ok_or_else(|| {
                token_err(format!(
                    "wsse:Reference URI {uri:?} is not a same-document #id"
                ))
            })?;
            let el = doc
                .find_by_id(id)
                .map_err(|_| WrappingAttack::IdCollision { id: id.to_owned() })?
                .ok_or_else(|| token_err(format!("no BinarySecurityToken has Id {id:?}")))?;
            if !doc.name(el).is(ns::WSSE, "BinarySecurityToken") || doc.parent(el) != Some(security)
            {
                return Err(token_err(format!(
                    "#{id} is <{}>, not a wsse:BinarySecurityToken of this Security header",
                    doc.qualified_name(el)
                )));
            }
            let vt = doc.attribute(el, "", "ValueType").unwrap_or("");
            if vt != ns::X509V3 {
                return Err(token_err(format!(
                    "BinarySecurityToken ValueType {vt:?} is not X509v3"
                )));
            }
            let der = decode_token(&super::text_of(doc, el), "wsse:BinarySecurityToken")?;
            return Ok((
                der,
                TokenReference::BinarySecurityToken { id: id.to_owned() },
            ));
        }
        if n.is(ns::DS, "X509Data") {
            return from_x509data(doc, c, pinned);
        }
    }
    Err(token_err(
        "wsse:SecurityTokenReference holds no KeyIdentifier, Reference or X509Data",
    ))
}

fn from_x509data(
    doc: &Document,
    xd: NodeId,
    pinned: &[Vec<u8>],
) -> Result<(Vec<u8>, TokenReference), WssError> {
    for c in kids(doc, xd) {
        let n = doc.name(c);
        if n.is(ns::DS, "X509Certificate") {
            let der = decode_token(&super::text_of(doc, c), "ds:X509Certificate")?;
            return Ok((der, TokenReference::X509Certificate));
        }
        if n.is(ns::DS, "X509IssuerSerial") {
            let mut issuer = None;
            let mut serial = None;
            for f in kids(doc, c) {
                let fname = doc.name(f);
                if fname.is(ns::DS, "X509IssuerName") {
                    issuer = Some(doc.text_content(f).trim().to_owned());
                } else if fname.is(ns::DS, "X509SerialNumber") {
                    serial = Some(doc.text_content(f).trim().to_owned());
                }
            }
            let (Some(issuer), Some(serial)) = (issuer, serial) else {
                return Err(token_err(
                    "X509IssuerSerial lacks X509IssuerName or X509SerialNumber",
                ));
            };
            let want = decimal_to_be(&serial).ok_or_else(|| {
                token_err(format!(
                    "X509SerialNumber {serial:?} is not a decimal integer"
                ))
            })?;
            for p in pinned {
                let Ok((_, cert)) = x509_parser::parse_x509_certificate(p) else {
                    continue;
                };
                let have = strip_zeros(cert.tbs_certificate.raw_serial());
                if have == want.as_slice() && same_name(&cert.issuer().to_string(), &issuer) {
                    return Ok((p.clone(), TokenReference::IssuerSerial { issuer, serial }));
                }
            }
            return Err(token_err(format!(
                "X509IssuerSerial (issuer {issuer:?}, serial {serial}) matches no pinned certificate \
                 — the sender's certificate must be supplied out of band"
            )));
        }
    }
    Err(token_err(
        "ds:X509Data holds no X509Certificate or X509IssuerSerial",
    ))
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[i..]
}

/// Decimal string → big-endian magnitude without leading zeros.
fn decimal_to_be(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || s.len() > 200 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut n: Vec<u8> = Vec::new(); // big-endian
    for d in s.bytes() {
        let mut carry = u32::from(d - b'0');
        for byte in n.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            n.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    Some(strip_zeros(&n).to_vec())
}

/// Loose DN comparison: the multiset of attribute values (type names differ between
/// writers: `SERIALNUMBER` vs `2.5.4.5`, spacing after commas…).
fn same_name(a: &str, b: &str) -> bool {
    fn values(s: &str) -> Vec<String> {
        // RFC 4514 escapes: `\,` for a special character, `\XX` for a byte (xmlsec1 writes
        // non-ASCII UTF-8 that way).
        let mut out = Vec::new();
        let mut cur: Vec<u8> = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'\\' && i + 1 < b.len() {
                let hex = b.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                });
                match hex {
                    Some(v) => {
                        cur.push(v);
                        i += 3;
                    }
                    None => {
                        cur.push(b[i + 1]);
                        i += 2;
                    }
                }
                continue;
            }
            if c == b',' || c == b';' || c == b'+' {
                out.push(String::from_utf8_lossy(&std::mem::take(&mut cur)).into_owned());
            } else {
                cur.push(c);
            }
            i += 1;
        }
        out.push(String::from_utf8_lossy(&cur).into_owned());
        let mut v: Vec<String> = out
            .iter()
            .filter_map(|rdn| {
                rdn.split_once('=')
                    .map(|(_, v)| v.trim().trim_matches('"').to_lowercase())
            })
            .collect();
        v.sort();
        v
    }
    let (va, vb) = (values(a), values(b));
    !va.is_empty() && va == vb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_serials() {
        assert_eq!(decimal_to_be("0").unwrap(), Vec::<u8>::new());
        assert_eq!(decimal_to_be("255").unwrap(), vec![0xff]);
        assert_eq!(decimal_to_be("256").unwrap(), vec![1, 0]);
        assert_eq!(
            decimal_to_be("18446744073709551616").unwrap(),
            vec![1, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert!(decimal_to_be("12a").is_none());
        assert!(decimal_to_be("").is_none());
    }

    #[test]
    fn names_compare_by_values() {
        assert!(same_name("CN=A B, O=X, C=KZ", "C=KZ,O=X,CN=a b"));
        assert!(same_name("CN=x\\,y,C=KZ", "CN=x\\,y, C=KZ"));
        assert!(!same_name("CN=A,C=KZ", "CN=B,C=KZ"));
        assert!(same_name(
            "CN=\\D2\\B0\\D0\\9A\\D0\\9E 3.0 (RSA TEST),C=KZ",
            "CN=ҰКО 3.0 (RSA TEST), C=KZ"
        ));
    }

    #[test]
    fn token_cache_returns_what_decoding_returns() {
        use base64::Engine as _;
        let b64 = |v: &[u8]| base64::engine::general_purpose::STANDARD.encode(v);
        // More distinct tokens than the cache holds, each decoded several times, in an
        // order that evicts and re-inserts; every answer must be that token's bytes.
        let tokens: Vec<Vec<u8>> = (0..TOKEN_CACHE_ENTRIES as u8 + 3)
            .map(|i| {
                (0..40)
                    .map(|j| i.wrapping_mul(31).wrapping_add(j))
                    .collect()
            })
            .collect();
        for round in 0..3 {
            for (i, t) in tokens.iter().enumerate() {
                let text = b64(t);
                assert_eq!(
                    &decode_token(&text, "t").unwrap(),
                    t,
                    "round {round}, token {i}"
                );
                // The same text wrapped differently decodes to the same bytes.
                let wrapped = format!("{}\n{}", &text[..8], &text[8..]);
                assert_eq!(&decode_token(&wrapped, "t").unwrap(), t);
            }
        }
        // One character changed is a different token, not a cache hit.
        let text = b64(&tokens[0]);
        let mut other = text.clone().into_bytes();
        other[0] = if other[0] == b'A' { b'B' } else { b'A' };
        let other = String::from_utf8(other).unwrap();
        assert_ne!(decode_token(&other, "t").unwrap(), tokens[0]);
        assert!(decode_token("not base64!", "t").is_err());
        assert!(
            decode_token("not base64!", "t").is_err(),
            "errors are not cached"
        );
    }
}

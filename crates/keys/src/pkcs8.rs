//! Loose keys and certificates: PKCS#8 private keys (DER or PEM, plain or PBES2 /
//! PKCS#12-PBE encrypted), PKCS#1 `RSA PRIVATE KEY` PEM, and certificates as DER or as
//! one or more PEM `CERTIFICATE` blocks.

use base64::Engine;
use der::Encode;
use zeroize::{Zeroize, Zeroizing};

use crate::ber::{tag, Reader};
use crate::limits::Budget;
use crate::{pfx, KeyError, Limits, Password};

const W_P8: &str = "PKCS#8 private key";
const W_EP8: &str = "encrypted PKCS#8 private key";

/// One PEM block: its label and decoded contents (`Debug` hides the contents).
pub(crate) struct PemBlock {
    pub label: String,
    pub der: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PemBlock")
            .field("label", &self.label)
            .field("len", &self.der.len())
            .finish()
    }
}

/// Whether the input is PEM text rather than DER: it does not start with a DER SEQUENCE and
/// holds a `-----BEGIN ` line (text before it is allowed: OpenSSL writes "Bag Attributes").
pub(crate) fn is_pem(input: &[u8]) -> bool {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    input.get(start) != Some(&0x30) && input.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every PEM block in the input, in order. Text outside blocks is ignored (OpenSSL writes
/// "Bag Attributes" lines there); encrypted legacy PEM (`Proc-Type: 4,ENCRYPTED`) is refused.
pub(crate) fn pem_blocks(input: &[u8]) -> Result<Vec<PemBlock>, KeyError> {
    let text =
        std::str::from_utf8(input).map_err(|e| KeyError::Pem(format!("not UTF-8 text: {e}")))?;
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let line = line.trim();
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = Zeroizing::new(String::new());
        let mut closed = false;
        for (m, l) in lines.by_ref() {
            let l = l.trim();
            if l == end {
                closed = true;
                break;
            }
            if l.starts_with("Proc-Type:") && l.contains("ENCRYPTED") {
                return Err(KeyError::Pem(format!(
                    "line {}: legacy encrypted PEM ({label} with Proc-Type) is not supported; convert it to encrypted PKCS#8 (openssl pkcs8 -topk8)",
                    m + 1
                )));
            }
            if l.contains(':') {
                continue; // RFC 1421 header line
            }
            body.push_str(l);
        }
        if !closed {
            return Err(KeyError::Pem(format!(
                "line {}: \"-----BEGIN {label}-----\" has no matching END line",
                n + 1
            )));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| KeyError::Pem(format!("line {}: {label}: bad base64: {e}", n + 1)))?;
        blocks.push(PemBlock {
            label: label.to_string(),
            der: Zeroizing::new(der),
        });
    }
    Ok(blocks)
}

/// A private key as unencrypted PKCS#8 DER, from any of the accepted forms.
pub(crate) fn load_private_key(
    input: &[u8],
    password: Option<&Password>,
    limits: &Limits,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if is_pem(input) {
        let blocks = pem_blocks(input)?;
        let labels: Vec<String> = blocks.iter().map(|b| b.label.clone()).collect();
        for block in blocks {
            match block.label.as_str() {
                "PRIVATE KEY" => return Ok(block.der),
                "ENCRYPTED PRIVATE KEY" => return decrypt_pkcs8(&block.der, password, limits),
                "RSA PRIVATE KEY" => return wrap_pkcs1(&block.der),
                "EC PRIVATE KEY" => return wrap_sec1(&block.der, limits),
                _ => {}
            }
        }
        return Err(KeyError::Pem(format!(
            "no PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block (found: {})",
            if labels.is_empty() {
                "none".to_string()
            } else {
                labels.join(", ")
            }
        )));
    }
    // DER: PrivateKeyInfo starts with INTEGER version, EncryptedPrivateKeyInfo with an
    // AlgorithmIdentifier SEQUENCE.
    let mut top = Reader::new(input, W_P8, limits.max_nesting);
    let seq = top.read_tag(tag::SEQUENCE)?;
    top.finish()?;
    match seq.children(W_P8).peek_tag() {
        Some(tag::INTEGER) => Ok(Zeroizing::new(input.to_vec())),
        Some(tag::SEQUENCE) => decrypt_pkcs8(input, password, limits),
        _ => Err(KeyError::Malformed {
            what: W_P8,
            detail: "neither a PrivateKeyInfo nor an EncryptedPrivateKeyInfo".into(),
        }),
    }
}

fn decrypt_pkcs8(
    der: &[u8],
    password: Option<&Password>,
    limits: &Limits,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let password = password.ok_or(KeyError::PasswordRequired { what: W_EP8 })?;
    let mut top = Reader::new(der, W_EP8, limits.max_nesting);
    let epki = top.read_tag(tag::SEQUENCE)?;
    top.finish()?;
    let mut budget = Budget::new(*limits);
    match pfx::decrypt_key_info(epki, password, &mut budget, W_EP8) {
        // No MAC here: a key that does not decrypt to a PrivateKeyInfo means a wrong password.
        Err(KeyError::DecryptionFailed { .. }) => Err(KeyError::WrongPassword),
        other => other,
    }
}

/// PKCS#1 `RSAPrivateKey` → PKCS#8 `PrivateKeyInfo` with rsaEncryption.
fn wrap_pkcs1(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = pkcs8::PrivateKeyInfo {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1"),
            parameters: Some(der::asn1::AnyRef::NULL),
        },
        private_key: pkcs1,
        public_key: None,
    };
    let mut out = info.to_der().map_err(|e| KeyError::Malformed {
        what: "PKCS#1 RSA private key",
        detail: e.to_string(),
    })?;
    let result = Zeroizing::new(out.clone());
    out.zeroize();
    Ok(result)
}

/// SEC1 `ECPrivateKey` (with its named curve in `[0]`) → PKCS#8 `PrivateKeyInfo` with
/// id-ecPublicKey and that curve.
fn wrap_sec1(sec1: &[u8], limits: &Limits) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    const W: &str = "SEC1 EC private key";
    let mut top = Reader::new(sec1, W, limits.max_nesting);
    let seq = top.read_tag(tag::SEQUENCE)?;
    top.finish()?;
    let mut r = seq.children(W);
    let version = r.read_tag(tag::INTEGER)?.uint(W)?;
    if version != 1 {
        return Err(KeyError::Malformed {
            what: W,
            detail: format!("version {version} (expected 1)"),
        });
    }
    r.read_tag(tag::OCTET_STRING)?;
    let curve = if r.peek_tag() == Some(tag::CONTEXT_0_CONSTRUCTED) {
        Some(r.read()?.children(W).read()?.oid(W)?)
    } else {
        None
    };
    let curve = curve.ok_or_else(|| KeyError::Malformed {
        what: W,
        detail: "no named curve in [0] parameters".into(),
    })?;
    let params =
        der::asn1::AnyRef::new(der::Tag::ObjectIdentifier, curve.as_bytes()).map_err(|e| {
            KeyError::Malformed {
                what: W,
                detail: e.to_string(),
            }
        })?;
    let info = pkcs8::PrivateKeyInfo {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1"),
            parameters: Some(params),
        },
        private_key: sec1,
        public_key: None,
    };
    let mut out = info.to_der().map_err(|e| KeyError::Malformed {
        what: W,
        detail: e.to_string(),
    })?;
    let result = Zeroizing::new(out.clone());
    out.zeroize();
    Ok(result)
}

/// Certificates as DER: every `CERTIFICATE` block of PEM input, or the single DER certificate.
pub(crate) fn load_certificates(input: &[u8]) -> Result<Vec<Vec<u8>>, KeyError> {
    if is_pem(input) {
        let certs: Vec<Vec<u8>> = pem_blocks(input)?
            .into_iter()
            .filter(|b| b.label == "CERTIFICATE")
            .map(|b| b.der.to_vec())
            .collect();
        if certs.is_empty() {
            return Err(KeyError::Pem("no CERTIFICATE block".into()));
        }
        return Ok(certs);
    }
    Ok(vec![input.to_vec()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_skip_text_and_headers() {
        let pem = b"Bag Attributes\n    localKeyID: 01\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nBAUG\n-----END PRIVATE KEY-----\n";
        let blocks = pem_blocks(pem).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "CERTIFICATE");
        assert_eq!(blocks[0].der.as_slice(), &[1, 2, 3]);
        assert_eq!(blocks[1].der.as_slice(), &[4, 5, 6]);
    }

    #[test]
    fn unterminated_pem_is_an_error() {
        let err = pem_blocks(b"-----BEGIN PRIVATE KEY-----\nAQID\n").unwrap_err();
        assert!(matches!(err, KeyError::Pem(_)), "{err:?}");
    }

    #[test]
    fn legacy_encrypted_pem_is_refused() {
        let pem = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAQID\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(pem_blocks(pem), Err(KeyError::Pem(_))));
    }

    #[test]
    fn encrypted_key_without_password() {
        // EncryptedPrivateKeyInfo shape: SEQUENCE { SEQUENCE { OID }, OCTET STRING }
        let der = [
            0x30, 0x0a, 0x30, 0x04, 0x06, 0x02, 0x2a, 0x03, 0x04, 0x02, 0x00, 0x00,
        ];
        let err = load_private_key(&der, None, &Limits::default()).unwrap_err();
        assert_eq!(err, KeyError::PasswordRequired { what: W_EP8 });
    }
}

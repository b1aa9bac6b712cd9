//! [`Certificate`]: the parts of an X.509 certificate a keystore needs — who it names, who
//! issued it, its key usage (SIGN vs AUTH, KZ-PKI.md §1.2) and its public key, to match it
//! with a private key and to order a chain. Full KZ-profile reading (IIN/BIN, roles) is
//! `tanba-pki`'s job.

use x509_parser::prelude::{FromDer, X509Certificate};

use crate::KeyError;

/// What an NCA RK key is for, from its certificate's keyUsage (KZ-PKI.md §1.2, the
/// classification NCANode and Kalkan-based validators use): digitalSignature +
/// nonRepudiation ⇒ [`Sign`](KeyPurpose::Sign); otherwise digitalSignature +
/// keyEncipherment ⇒ [`Auth`](KeyPurpose::Auth); anything else ⇒
/// [`Unknown`](KeyPurpose::Unknown). GOST-2015 single-key certificates (DS+NR+KE) are SIGN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPurpose {
    /// A signing key (RSA256_… / GOSTKNCA_… files).
    Sign,
    /// An authentication key (AUTH_RSA256_… files).
    Auth,
    /// Neither pattern (or no keyUsage extension).
    Unknown,
}

impl KeyPurpose {
    /// `"SIGN"`, `"AUTH"` or `"UNKNOWN"` (the spelling NCA tools use).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyPurpose::Sign => "SIGN",
            KeyPurpose::Auth => "AUTH",
            KeyPurpose::Unknown => "UNKNOWN",
        }
    }
}

impl std::fmt::Display for KeyPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is neither `SIGN` nor `AUTH` (see [`KeyPurpose`]'s `FromStr`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown key purpose {0:?} (SIGN or AUTH)")]
pub struct UnknownKeyPurpose(pub String);

impl std::str::FromStr for KeyPurpose {
    type Err = UnknownKeyPurpose;
    fn from_str(s: &str) -> Result<Self, UnknownKeyPurpose> {
        match s.to_ascii_uppercase().as_str() {
            "SIGN" => Ok(KeyPurpose::Sign),
            "AUTH" => Ok(KeyPurpose::Auth),
            other => Err(UnknownKeyPurpose(other.to_string())),
        }
    }
}

/// The keyUsage bits of a certificate (RFC 5280 §4.2.1.3), bit 0 = digitalSignature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyUsageBits(pub u16);

impl KeyUsageBits {
    const NAMES: [&'static str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];

    /// Whether bit `n` is set.
    pub fn bit(self, n: u8) -> bool {
        n < 16 && self.0 & (1 << n) != 0
    }

    /// The names of the bits that are set, in bit order (`"digitalSignature"`, ...).
    pub fn names(self) -> Vec<&'static str> {
        (0u8..9)
            .filter(|n| self.bit(*n))
            .map(|n| Self::NAMES[usize::from(n)])
            .collect()
    }

    /// SIGN / AUTH classification (see [`KeyPurpose`]).
    pub fn purpose(self) -> KeyPurpose {
        let (ds, nr, ke) = (self.bit(0), self.bit(1), self.bit(2));
        if ds && nr {
            KeyPurpose::Sign
        } else if ds && ke {
            KeyPurpose::Auth
        } else {
            KeyPurpose::Unknown
        }
    }
}

/// An X.509 certificate (DER) with the fields a keystore uses, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    subject: String,
    issuer: String,
    subject_attributes: Vec<(String, String)>,
    issuer_attributes: Vec<(String, String)>,
    subject_raw: Vec<u8>,
    issuer_raw: Vec<u8>,
    serial_hex: String,
    key_usage: Option<KeyUsageBits>,
    not_before: i64,
    not_after: i64,
    public_key_algorithm: String,
    public_key_bits: Vec<u8>,
    spki_der: Vec<u8>,
}

impl Certificate {
    /// Parse a DER certificate. `index` only labels errors (position in the input).
    pub fn from_der(der: &[u8], index: usize) -> Result<Self, KeyError> {
        let err = |detail: String| KeyError::Certificate { index, detail };
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| err(e.to_string()))?;
        if !rest.is_empty() {
            return Err(err(format!("{} bytes after the certificate", rest.len())));
        }
        let key_usage = cert
            .key_usage()
            .map_err(|e| err(format!("keyUsage: {e}")))?
            .map(|ku| KeyUsageBits(ku.value.flags));
        let spki = cert.public_key();
        Ok(Certificate {
            der: der.to_vec(),
            subject: name_to_string(cert.subject()),
            issuer: name_to_string(cert.issuer()),
            subject_attributes: name_attributes(cert.subject()),
            issuer_attributes: name_attributes(cert.issuer()),
            subject_raw: cert.subject().as_raw().to_vec(),
            issuer_raw: cert.issuer().as_raw().to_vec(),
            serial_hex: hex::encode_upper(cert.raw_serial()),
            key_usage,
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            public_key_algorithm: spki.algorithm.algorithm.to_id_string(),
            public_key_bits: spki.subject_public_key.data.to_vec(),
            spki_der: spki.raw.to_vec(),
        })
    }

    /// The certificate's DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Subject as `CN=…, SURNAME=…, SERIALNUMBER=…, C=…, …` in encoding order.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Issuer, formatted like [`Certificate::subject`].
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Subject attributes in encoding order as (dotted OID, text value) pairs.
    pub fn subject_attributes(&self) -> &[(String, String)] {
        &self.subject_attributes
    }

    /// Issuer attributes in encoding order as (dotted OID, text value) pairs.
    pub fn issuer_attributes(&self) -> &[(String, String)] {
        &self.issuer_attributes
    }

    /// The first subject attribute with this dotted OID (e.g. `"2.5.4.5"` = SERIALNUMBER).
    pub fn subject_attribute(&self, oid: &str) -> Option<&str> {
        self.subject_attributes
            .iter()
            .find(|(o, _)| o == oid)
            .map(|(_, v)| v.as_str())
    }

    /// Serial number as upper-case hex of its DER INTEGER contents.
    pub fn serial_hex(&self) -> &str {
        &self.serial_hex
    }

    /// The keyUsage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsageBits> {
        self.key_usage
    }

    /// SIGN / AUTH classification from keyUsage ([`KeyPurpose::Unknown`] without it).
    pub fn purpose(&self) -> KeyPurpose {
        self.key_usage.map_or(KeyPurpose::Unknown, |k| k.purpose())
    }

    /// notBefore, seconds since the Unix epoch.
    pub fn not_before_unix(&self) -> i64 {
        self.not_before
    }

    /// notAfter, seconds since the Unix epoch.
    pub fn not_after_unix(&self) -> i64 {
        self.not_after
    }

    /// The SubjectPublicKeyInfo algorithm OID (dotted).
    pub fn public_key_algorithm(&self) -> &str {
        &self.public_key_algorithm
    }

    /// The SubjectPublicKeyInfo BIT STRING contents.
    pub fn public_key_bits(&self) -> &[u8] {
        &self.public_key_bits
    }

    /// The whole SubjectPublicKeyInfo, DER (what `tanba_crypto::verify_signature` takes).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Whether the certificate names itself as issuer.
    pub fn is_self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw
    }

    /// Whether `issuer` is named as this certificate's issuer (exact DER name match).
    pub(crate) fn issued_by(&self, issuer: &Certificate) -> bool {
        self.issuer_raw == issuer.subject_raw
    }
}

fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SURNAME",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "2.5.4.15" => "BUSINESSCATEGORY",
        "2.5.4.42" => "G",
        "1.2.840.113549.1.9.1" => "E",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

fn attribute_text(attr: &x509_parser::x509::AttributeTypeAndValue<'_>) -> String {
    if let Ok(s) = attr.as_str() {
        return s.to_string();
    }
    let bytes = attr.as_slice();
    if attr.attr_value().tag() == x509_parser::der_parser::asn1_rs::Tag::BmpString
        && bytes.len() % 2 == 0
    {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    format!("#{}", hex::encode(bytes))
}

fn name_attributes(name: &x509_parser::x509::X509Name<'_>) -> Vec<(String, String)> {
    name.iter_attributes()
        .map(|a| (a.attr_type().to_id_string(), attribute_text(a)))
        .collect()
}

fn name_to_string(name: &x509_parser::x509::X509Name<'_>) -> String {
    name_attributes(name)
        .iter()
        .map(|(oid, v)| format!("{}={v}", short_name(oid).unwrap_or(oid)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_classification() {
        assert_eq!(KeyUsageBits(0b011).purpose(), KeyPurpose::Sign);
        assert_eq!(KeyUsageBits(0b101).purpose(), KeyPurpose::Auth);
        assert_eq!(KeyUsageBits(0b111).purpose(), KeyPurpose::Sign);
        assert_eq!(KeyUsageBits(0b001).purpose(), KeyPurpose::Unknown);
        assert_eq!(KeyUsageBits(0b100000).purpose(), KeyPurpose::Unknown);
        assert_eq!(
            KeyUsageBits(0b101).names(),
            vec!["digitalSignature", "keyEncipherment"]
        );
    }

    #[test]
    fn garbage_certificate_is_an_error() {
        assert!(matches!(
            Certificate::from_der(b"\x30\x03\x02\x01\x01", 4),
            Err(KeyError::Certificate { index: 4, .. })
        ));
    }
}

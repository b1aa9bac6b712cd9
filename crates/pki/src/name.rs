//! Distinguished names: attributes by OID in DER order, decoded to UTF-8, with the labels
//! Kazakh certificates use (KZ-PKI.md §1.1) and a comparison suitable for name chaining.

use std::fmt;

use serde::Serialize;
use x509_parser::asn1_rs::Tag;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use crate::error::PkiError;

/// OID of commonName (CN).
pub const OID_CN: &str = "2.5.4.3";
/// OID of surname (SURNAME).
pub const OID_SURNAME: &str = "2.5.4.4";
/// OID of serialNumber (SERIALNUMBER; `IIN`/`BIN` + 12 digits in NCA certificates).
pub const OID_SERIAL_NUMBER: &str = "2.5.4.5";
/// OID of countryName (C).
pub const OID_COUNTRY: &str = "2.5.4.6";
/// OID of localityName (L).
pub const OID_LOCALITY: &str = "2.5.4.7";
/// OID of stateOrProvinceName (ST).
pub const OID_STATE: &str = "2.5.4.8";
/// OID of organizationName (O).
pub const OID_ORGANIZATION: &str = "2.5.4.10";
/// OID of organizationalUnitName (OU; `BIN` + 12 digits in NCA certificates).
pub const OID_ORG_UNIT: &str = "2.5.4.11";
/// OID of businessCategory (treasury profile).
pub const OID_BUSINESS_CATEGORY: &str = "2.5.4.15";
/// OID of givenName (GIVENNAME; the **patronymic** in NCA certificates).
pub const OID_GIVEN_NAME: &str = "2.5.4.42";
/// OID of emailAddress (E).
pub const OID_EMAIL: &str = "1.2.840.113549.1.9.1";
/// OID of domainComponent (DC).
pub const OID_DC: &str = "0.9.2342.19200300.100.1.25";
/// OID of userId (UID).
pub const OID_UID: &str = "0.9.2342.19200300.100.1.1";

/// The short label used when printing an attribute (`CN`, `SURNAME`, ...), if known.
pub fn attribute_label(oid: &str) -> Option<&'static str> {
    Some(match oid {
        OID_CN => "CN",
        OID_SURNAME => "SURNAME",
        OID_SERIAL_NUMBER => "SERIALNUMBER",
        OID_COUNTRY => "C",
        OID_LOCALITY => "L",
        OID_STATE => "ST",
        "2.5.4.9" => "STREET",
        OID_ORGANIZATION => "O",
        OID_ORG_UNIT => "OU",
        "2.5.4.12" => "T",
        OID_BUSINESS_CATEGORY => "businessCategory",
        "2.5.4.17" => "postalCode",
        OID_GIVEN_NAME => "GIVENNAME",
        "2.5.4.43" => "initials",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        OID_EMAIL => "E",
        OID_DC => "DC",
        OID_UID => "UID",
        _ => return None,
    })
}

/// One attribute of a distinguished name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameAttribute {
    /// Attribute type OID (dotted).
    pub oid: String,
    /// Short label (`CN`, `SURNAME`, `GIVENNAME`...), or the OID when unknown.
    pub label: String,
    /// The value decoded to UTF-8 (UTF8String, PrintableString, IA5String, NumericString,
    /// BMPString, UniversalString, TeletexString as Latin-1); other types as `#` + hex DER.
    pub value: String,
    /// 0-based index of the RDN (SET) holding this attribute, in DER order.
    pub rdn: usize,
}

/// A distinguished name: its DER encoding and its attributes in DER order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistinguishedName {
    der: Vec<u8>,
    attributes: Vec<NameAttribute>,
}

/// Why a name attribute's value cannot be read as text.
fn decode_value(atv: &AttributeTypeAndValue<'_>) -> Result<String, &'static str> {
    let any = atv.attr_value();
    let data = any.data;
    let s = match any.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => std::str::from_utf8(data)
            .map_err(|_| "string value is not valid UTF-8")?
            .to_owned(),
        Tag::BmpString => {
            if data.len() % 2 != 0 {
                return Err("BMPString has an odd length");
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).map_err(|_| "BMPString is not valid UTF-16")?
        }
        Tag::UniversalString => {
            if data.len() % 4 != 0 {
                return Err("UniversalString length is not a multiple of 4");
            }
            data.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect::<Option<String>>()
                .ok_or("UniversalString holds an invalid code point")?
        }
        Tag::TeletexString => data.iter().map(|&b| char::from(b)).collect(),
        _ => {
            // RFC 4514 §2.4: unknown syntax as '#' + hex of the BER encoding.
            let mut out = String::from("#");
            out.push_str(&hex::encode(atv.as_slice()));
            out
        }
    };
    Ok(s)
}

impl DistinguishedName {
    /// Convert a parsed name; `what` names it in errors ("subject", "issuer").
    pub(crate) fn from_x509(name: &X509Name<'_>, what: &str) -> Result<Self, PkiError> {
        let mut attributes = Vec::new();
        for (rdn, set) in name.iter_rdn().enumerate() {
            for atv in set.iter() {
                let oid = atv.attr_type().to_id_string();
                let value = decode_value(atv).map_err(|detail| PkiError::Der {
                    what: format!("{what} attribute {oid}"),
                    detail: detail.to_owned(),
                })?;
                let label = attribute_label(&oid).map_or_else(|| oid.clone(), str::to_owned);
                attributes.push(NameAttribute {
                    oid,
                    label,
                    value,
                    rdn,
                });
            }
        }
        Ok(DistinguishedName {
            der: name.as_raw().to_vec(),
            attributes,
        })
    }

    /// The DER encoding of the name (the `Name` SEQUENCE).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// All attributes in DER order.
    pub fn attributes(&self) -> &[NameAttribute] {
        &self.attributes
    }

    /// The first value of an attribute type (dotted OID).
    pub fn get(&self, oid: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.oid == oid)
            .map(|a| a.value.as_str())
    }

    /// Every value of an attribute type (dotted OID), in DER order.
    pub fn get_all<'a>(&'a self, oid: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes
            .iter()
            .filter(move |a| a.oid == oid)
            .map(|a| a.value.as_str())
    }

    /// Whether the name has no attribute.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// Name matching for chaining (RFC 5280 §7.1, simplified): equal DER, or the same
    /// attributes in the same RDNs with values equal after trimming, collapsing internal
    /// whitespace and case folding.
    pub fn matches(&self, other: &DistinguishedName) -> bool {
        if self.der == other.der {
            return true;
        }
        self.attributes.len() == other.attributes.len()
            && self.attributes.iter().zip(&other.attributes).all(|(a, b)| {
                a.oid == b.oid && a.rdn == b.rdn && normalize(&a.value) == normalize(&b.value)
            })
    }

    /// A normalized key suitable for hashing: two names that [`matches`](Self::matches) by
    /// attributes have the same key.
    pub fn normalized_key(&self) -> String {
        let mut key = String::new();
        for a in &self.attributes {
            key.push_str(&format!(
                "{}|{}={}\u{1f}",
                a.rdn,
                a.oid,
                normalize(&a.value)
            ));
        }
        key
    }
}

fn normalize(v: &str) -> String {
    v.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `CN=…, SURNAME=…, …` in DER order (the order Kalkan and OpenSSL print). Only `,`, `+`,
/// `\`, `;` and leading/trailing spaces are escaped with `\` (quotes are kept literally, as in
/// `O=АО "ТЕСТ"`); attributes of a multi-valued RDN are joined by `+`.
impl fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut prev: Option<usize> = None;
        for a in &self.attributes {
            match prev {
                None => {}
                Some(r) if r == a.rdn => f.write_str("+")?,
                Some(_) => f.write_str(", ")?,
            }
            prev = Some(a.rdn);
            write!(f, "{}={}", a.label, escape(&a.value))?;
        }
        Ok(())
    }
}

fn escape(v: &str) -> String {
    let n = v.chars().count();
    let mut out = String::with_capacity(v.len());
    for (i, c) in v.chars().enumerate() {
        let edge_space = c == ' ' && (i == 0 || i + 1 == n);
        if matches!(c, ',' | '+' | '\\' | ';') || edge_space {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

//! Validated scalar values used by the documents: text, dates (DD.MM.YYYY), timestamps,
//! decimals (never floats), IIN/BIN, country / currency / EAEU commodity codes, digests.
//!
//! Each type parses from a string (`TryFrom<String>`, used by serde) and rejects bad input
//! with a message that the caller prefixes with the field path.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Why a value was refused (the caller names the field): "must not be empty", "expected
/// DD.MM.YYYY", … .
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct ValueError {
    reason: String,
}

impl ValueError {
    /// A refusal with this reason.
    pub fn new(reason: impl Into<String>) -> Self {
        ValueError {
            reason: reason.into(),
        }
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl From<String> for ValueError {
    fn from(reason: String) -> Self {
        ValueError { reason }
    }
}

impl From<ValueError> for String {
    fn from(e: ValueError) -> String {
        e.reason
    }
}

/// Longest accepted free-text value, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

fn xml_safe(s: &str) -> Result<(), ValueError> {
    for (i, c) in s.chars().enumerate() {
        let ok = matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}';
        if !ok {
            return Err(ValueError::new(format!(
                "character U+{:04X} at position {} is not allowed in XML",
                c as u32,
                i + 1
            )));
        }
    }
    Ok(())
}

macro_rules! string_newtype {
    ($t:ident) => {
        impl TryFrom<String> for $t {
            type Error = ValueError;
            fn try_from(s: String) -> Result<Self, ValueError> {
                s.parse()
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.to_string()
            }
        }
        impl TryFrom<&str> for $t {
            type Error = ValueError;
            fn try_from(s: &str) -> Result<Self, ValueError> {
                s.parse()
            }
        }
    };
}

/// Non-empty free text (trimmed of surrounding white space), at most
/// [`MAX_TEXT_CHARS`] characters, only characters XML 1.0 allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Text {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ValueError::new("must not be empty"));
        }
        let n = t.chars().count();
        if n > MAX_TEXT_CHARS {
            return Err(ValueError::new(format!(
                "too long: {n} characters, at most {MAX_TEXT_CHARS}"
            )));
        }
        xml_safe(t)?;
        Ok(Text(t.to_string()))
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(Text);

/// A short identifier (application id, document number, service code): 1–64 characters
/// from `A–Z a–z 0–9 . _ / -`, and Cyrillic letters (numbers such as `KZ-ЛИЦ-01`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

impl Code {
    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Code {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let n = s.chars().count();
        if n == 0 || n > 64 {
            return Err(ValueError::new(format!(
                "expected 1 to 64 characters, got {n}"
            )));
        }
        if let Some(c) = s.chars().find(|c| {
            !(c.is_ascii_alphanumeric()
                || matches!(c, '.' | '_' | '/' | '-')
                || ('\u{0400}'..='\u{04FF}').contains(c))
        }) {
            return Err(ValueError::new(format!(
                "character {c:?} not allowed (letters, digits, '.', '_', '/', '-')"
            )));
        }
        Ok(Code(s.to_string()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(Code);

/// A calendar date written `DD.MM.YYYY` (the forms' КК.АА.ЖЖЖЖ), checked to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date(time::Date);

impl Date {
    /// The date as a `time::Date`.
    pub fn to_date(self) -> time::Date {
        self.0
    }
    /// Wrap a `time::Date`.
    pub fn from_date(d: time::Date) -> Self {
        Date(d)
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Date {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl FromStr for Date {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[2] == b'.'
            && b[5] == b'.'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit());
        if !shape {
            return Err(ValueError::new(format!("expected DD.MM.YYYY, got {s:?}")));
        }
        let num = |r: std::ops::Range<usize>| -> u32 {
            s[r].parse().unwrap_or(0) // digits checked above
        };
        let (d, m, y) = (num(0..2), num(3..5), num(6..10));
        let month = u8::try_from(m)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or_else(|| format!("expected DD.MM.YYYY, month {m:02} does not exist"))?;
        let date = time::Date::from_calendar_date(y as i32, month, d as u8)
            .map_err(|_| format!("expected DD.MM.YYYY, {s} is not a calendar date"))?;
        Ok(Date(date))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}.{:02}.{:04}",
            self.0.day(),
            u8::from(self.0.month()),
            self.0.year()
        )
    }
}
string_newtype!(Date);

/// An exact moment, RFC 3339 with an offset (`2026-03-01T10:15:30+05:00`), kept with the
/// offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The moment.
    pub fn to_offset_date_time(self) -> OffsetDateTime {
        self.0
    }
    /// Wrap a moment (sub-second precision is dropped, so it survives a round trip).
    pub fn from_offset_date_time(t: OffsetDateTime) -> Self {
        Timestamp(t.replace_nanosecond(0).unwrap_or(t))
    }
    /// Now, in UTC, to the second.
    pub fn now_utc() -> Self {
        Self::from_offset_date_time(OffsetDateTime::now_utc())
    }
}

impl FromStr for Timestamp {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        OffsetDateTime::parse(s, &Rfc3339)
            .map(Timestamp)
            .map_err(|e| {
                ValueError::new(format!(
                    "expected an RFC 3339 time such as 2026-03-01T10:15:30+05:00 ({e})"
                ))
            })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            Err(_) => Err(fmt::Error),
        }
    }
}
string_newtype!(Timestamp);

/// A decimal number kept exactly as written (no floating point): an optional `-`, 1–20
/// integer digits without superfluous leading zeros, optionally `.` and 1–6 fraction
/// digits. In JSON give it as a string (`"1250000.50"`) or an integer; JSON floats are
/// refused because they cannot carry exact amounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The decimal as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Is it below zero?
    pub fn is_negative(&self) -> bool {
        self.0.starts_with('-')
    }
}

impl FromStr for Decimal {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let bad = || format!("expected a decimal such as 1250.50, got {s:?}");
        let body = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int.is_empty() || int.len() > 20 || !int.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad().into());
        }
        if int.len() > 1 && int.starts_with('0') {
            return Err(bad().into());
        }
        if let Some(f) = frac {
            if f.is_empty() || f.len() > 6 || !f.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad().into());
            }
        }
        Ok(Decimal(s.to_string()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(Decimal);

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal as a string (\"1250.50\") or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
                v.to_string().parse().map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
                Err(E::custom(format!(
                    "decimal given as a JSON float ({v}); write it as a string, e.g. \"{v}\""
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// Which of the two 12-digit Kazakh identifiers a [`TaxId`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxIdKind {
    /// ЖСН / ИИН — individual identification number.
    Iin,
    /// БСН / БИН — business identification number.
    Bin,
}

impl fmt::Display for TaxIdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TaxIdKind::Iin => "IIN",
            TaxIdKind::Bin => "BIN",
        })
    }
}

/// Twelve decimal digits. The national checksum is checked later, against a policy
/// (the NCA test certificates carry identifiers that fail it), by the pre-sign checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Digits12(String);

impl Digits12 {
    /// The twelve digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Digits12 {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        if s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit()) {
            Ok(Digits12(s.to_string()))
        } else {
            Err(ValueError::new(format!("expected 12 digits, got {s:?}")))
        }
    }
}

impl fmt::Display for Digits12 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(Digits12);

/// An IIN or a BIN. In JSON: `{"iin": "…"}` or `{"bin": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxId {
    /// An individual's IIN.
    Iin(Digits12),
    /// A legal entity's BIN.
    Bin(Digits12),
}

impl TaxId {
    /// IIN or BIN.
    pub fn kind(&self) -> TaxIdKind {
        match self {
            TaxId::Iin(_) => TaxIdKind::Iin,
            TaxId::Bin(_) => TaxIdKind::Bin,
        }
    }
    /// The twelve digits.
    pub fn digits(&self) -> &str {
        match self {
            TaxId::Iin(d) | TaxId::Bin(d) => d.as_str(),
        }
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind(), self.digits())
    }
}

/// An ISO 3166-1 alpha-2 country code (`KZ`, `CN`, `DE`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl FromStr for CountryCode {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        if s.len() == 2 && s.bytes().all(|c| c.is_ascii_uppercase()) {
            Ok(CountryCode(s.to_string()))
        } else {
            Err(ValueError::new(format!(
                "expected an ISO 3166-1 alpha-2 country code such as KZ, got {s:?}"
            )))
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(CountryCode);

/// An ISO 4217 alphabetic currency code (`KZT`, `USD`, `EUR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CurrencyCode(String);

impl FromStr for CurrencyCode {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        if s.len() == 3 && s.bytes().all(|c| c.is_ascii_uppercase()) {
            Ok(CurrencyCode(s.to_string()))
        } else {
            Err(ValueError::new(format!(
                "expected an ISO 4217 currency code such as KZT, got {s:?}"
            )))
        }
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(CurrencyCode);

/// An EAEU foreign-economic-activity commodity code (ТН ВЭД ЕАЭС): exactly 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommodityCode(String);

impl FromStr for CommodityCode {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        if s.len() == 10 && s.bytes().all(|c| c.is_ascii_digit()) {
            Ok(CommodityCode(s.to_string()))
        } else {
            Err(ValueError::new(format!(
                "expected a 10-digit EAEU commodity code, got {s:?}"
            )))
        }
    }
}

impl fmt::Display for CommodityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_newtype!(CommodityCode);

/// A SHA-256 digest, written as 64 lowercase hexadecimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Digest(pub [u8; 32]);

impl FromStr for Sha256Digest {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let mut out = [0u8; 32];
        if s.len() != 64 || !s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ValueError::new(format!(
                "expected 64 lowercase hexadecimal digits, got {} characters",
                s.len()
            )));
        }
        hex::decode_to_slice(s, &mut out).map_err(|e| e.to_string())?;
        Ok(Sha256Digest(out))
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}
string_newtype!(Sha256Digest);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            "29.02.2024".parse::<Date>().unwrap().to_string(),
            "29.02.2024"
        );
        assert!("29.02.2023".parse::<Date>().is_err());
        assert!("2024-02-01".parse::<Date>().is_err());
        assert!("01.13.2024".parse::<Date>().is_err());
        assert!("1.2.2024".parse::<Date>().is_err());
    }

    #[test]
    fn decimals() {
        for ok in ["0", "10", "1250000.50", "-3.5", "0.000001"] {
            assert_eq!(ok.parse::<Decimal>().unwrap().as_str(), ok);
        }
        for bad in ["", "01", "1.", ".5", "1e5", "1,5", "1.1234567", "+1", "NaN"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
        let e = serde_json::from_str::<Decimal>("1.5")
            .unwrap_err()
            .to_string();
        assert!(e.contains("JSON float"), "{e}");
        assert_eq!(
            serde_json::from_str::<Decimal>("42").unwrap().as_str(),
            "42"
        );
    }

    #[test]
    fn codes() {
        assert!("8471300000".parse::<CommodityCode>().is_ok());
        assert!("847130000".parse::<CommodityCode>().is_err());
        assert!("kz".parse::<CountryCode>().is_err());
        assert!("KZT".parse::<CurrencyCode>().is_ok());
        assert!("tenge".parse::<CurrencyCode>().is_err());
        assert!("12345678901".parse::<Digits12>().is_err());
        assert!("ЛИЦ-2026/01".parse::<Code>().is_ok());
        assert!("a b".parse::<Code>().is_err());
        assert!("a\u{1}b".parse::<Text>().is_err());
        assert!("  ".parse::<Text>().is_err());
    }

    #[test]
    fn timestamps_keep_offset() {
        let t: Timestamp = "2026-03-01T10:15:30+05:00".parse().unwrap();
        assert_eq!(t.to_string(), "2026-03-01T10:15:30+05:00");
        assert!("2026-03-01 10:15".parse::<Timestamp>().is_err());
    }
}

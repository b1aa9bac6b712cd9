//! Kazakh national identifiers: IIN (individual, ИИН) and BIN (business, БИН).
//!
//! Both are 12 ASCII digits whose last digit is a control digit computed with the national
//! two-pass algorithm (KZ-PKI.md §2.2): weights 1..11 modulo 11; if the remainder is 10,
//! weights 3..11,1,2 modulo 11; if it is 10 again no control digit exists and the number is
//! invalid. The other digits carry structure (§2.1): an IIN starts with the birth date and a
//! century/sex digit, a BIN with the registration year/month, the entity type and an
//! attribute. Since 2013 the IIN digits are no longer bound to personal data, so decoding is
//! informative; [`IdPolicy`] decides what a validity check demands.
//!
//! ```
//! use tanba_pki::{Iin, Bin, IdPolicy};
//! let iin = Iin::parse("900101300007").unwrap();
//! assert!(iin.checksum_valid());
//! assert_eq!(iin.decode().unwrap().birth_date.to_string(), "1990-01-01");
//! // The NCA test identifier fails the checksum; only the test policy accepts it.
//! let test = Iin::parse("123456789011").unwrap();
//! assert!(test.check(IdPolicy::Strict).is_err());
//! assert!(test.check(IdPolicy::AcceptTestIds).is_ok());
//! assert!(Bin::parse("940140000385").unwrap().checksum_valid());
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// Which identifier a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum IdKind {
    /// Individual identification number (ИИН).
    Iin,
    /// Business identification number (БИН).
    Bin,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Iin => "IIN",
            IdKind::Bin => "BIN",
        })
    }
}

/// Why an IIN/BIN is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Not exactly 12 ASCII digits.
    #[error("{kind} {input:?} is malformed: {detail}")]
    Format {
        /// The identifier kind expected.
        kind: IdKind,
        /// The rejected input (truncated to 40 characters).
        input: String,
        /// What is wrong.
        detail: &'static str,
    },
    /// The control digit does not match.
    #[error("{kind} {value} fails the national checksum: {}", match expected {
        Some(e) => format!("control digit should be {e}, is {found}"),
        None => "remainder 10 in both passes, no control digit can make it valid".to_owned(),
    })]
    Checksum {
        /// The identifier kind.
        kind: IdKind,
        /// The identifier.
        value: String,
        /// The correct control digit, or `None` when the 11-digit prefix is unusable.
        expected: Option<u8>,
        /// The control digit present.
        found: u8,
    },
    /// The checksum is right but the structural digits are impossible.
    #[error("{kind} {value} has an invalid structure: {detail}")]
    Structure {
        /// The identifier kind.
        kind: IdKind,
        /// The identifier.
        value: String,
        /// What is impossible (month 13, century digit 7, ...).
        detail: String,
    },
}

/// How strictly identifiers are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IdPolicy {
    /// Checksum and structure (IIN: a real date and a century/sex digit 1–6; BIN: month
    /// 01–12, type 4/5/6, attribute 0–3).
    Strict,
    /// Checksum only (the default): since 2013 IIN digits need not match personal data
    /// (KZ-PKI.md §2.1), so structure is reported but not required.
    #[default]
    ChecksumOnly,
    /// Any 12 digits, for test certificates: the NCA test identifiers (`IIN123456789011`,
    /// `IIN123456789012`, `BIN123456789021`) fail the checksum.
    AcceptTestIds,
}

/// The identifiers used by the NCA RK test certificates (fail the checksum).
pub const NCA_TEST_IDENTIFIERS: [&str; 3] = ["123456789011", "123456789012", "123456789021"];

const W1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const W2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The control digit for the first 11 digits of an IIN/BIN (each 0..=9), or `None` when the
/// remainder is 10 in both passes (no 12th digit can make the number valid).
pub fn control_digit(first11: &[u8; 11]) -> Option<u8> {
    let sum =
        |w: &[u32; 11]| -> u32 { first11.iter().zip(w).map(|(d, w)| u32::from(*d) * w).sum() };
    let c = sum(&W1) % 11;
    let c = if c == 10 { sum(&W2) % 11 } else { c };
    if c == 10 {
        None
    } else {
        Some(c as u8)
    }
}

/// Check the 12-ASCII-digit format and return the digit values.
fn digits(kind: IdKind, s: &str) -> Result<[u8; 12], IdError> {
    let fail = |detail| IdError::Format {
        kind,
        input: s.chars().take(40).collect(),
        detail,
    };
    let b = s.as_bytes();
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(fail("only the ASCII digits 0-9 are allowed"));
    }
    if b.len() != 12 {
        return Err(fail("must be exactly 12 digits"));
    }
    let mut d = [0u8; 12];
    for (o, c) in d.iter_mut().zip(b) {
        *o = c - b'0';
    }
    Ok(d)
}

/// The shared part of IIN and BIN: 12 digits with a control digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Number {
    text: String,
    d: [u8; 12],
}

impl Number {
    fn parse(kind: IdKind, s: &str) -> Result<Self, IdError> {
        Ok(Number {
            d: digits(kind, s)?,
            text: s.to_owned(),
        })
    }

    fn expected(&self) -> Option<u8> {
        let mut first = [0u8; 11];
        first.copy_from_slice(&self.d[..11]);
        control_digit(&first)
    }

    fn checksum(&self, kind: IdKind) -> Result<(), IdError> {
        let expected = self.expected();
        if expected == Some(self.d[11]) {
            Ok(())
        } else {
            Err(IdError::Checksum {
                kind,
                value: self.text.clone(),
                expected,
                found: self.d[11],
            })
        }
    }

    fn two(&self, i: usize) -> u8 {
        self.d[i] * 10 + self.d[i + 1]
    }

    fn check(
        &self,
        kind: IdKind,
        policy: IdPolicy,
        structure: impl FnOnce() -> Result<(), IdError>,
    ) -> Result<(), IdError> {
        match policy {
            IdPolicy::AcceptTestIds => Ok(()),
            IdPolicy::ChecksumOnly => self.checksum(kind),
            IdPolicy::Strict => {
                self.checksum(kind)?;
                structure()
            }
        }
    }
}

/// Sex encoded in an IIN's 7th digit (informative only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd century digit (1, 3, 5).
    Male,
    /// Even century digit (2, 4, 6).
    Female,
}

/// What an IIN's digits say (informative; KZ-PKI.md §2.1 caveat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IinInfo {
    /// Birth date from digits 1–6 and the century from digit 7.
    pub birth_date: time::Date,
    /// Ordinal century from digit 7: 19 (1800s, digits 1–2), 20 (1900s, 3–4), 21 (2000s, 5–6).
    pub century: u8,
    /// Sex from digit 7.
    pub sex: Sex,
}

/// An individual identification number (ИИН): 12 ASCII digits.
///
/// Parsing checks only the format; [`Iin::check`] applies an [`IdPolicy`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iin(Number);

impl Iin {
    /// Parse exactly 12 ASCII digits (no prefix, no whitespace).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        Number::parse(IdKind::Iin, s).map(Iin)
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// The control digit the first 11 digits call for (`None`: unusable prefix).
    pub fn expected_control_digit(&self) -> Option<u8> {
        self.0.expected()
    }

    /// Whether the national checksum holds.
    pub fn checksum_valid(&self) -> bool {
        self.0.checksum(IdKind::Iin).is_ok()
    }

    /// Whether this is one of the NCA RK test identifiers ([`NCA_TEST_IDENTIFIERS`]).
    pub fn is_nca_test_identifier(&self) -> bool {
        NCA_TEST_IDENTIFIERS.contains(&self.as_str())
    }

    /// Decode birth date and sex; an error when the date or the century digit is impossible.
    pub fn decode(&self) -> Result<IinInfo, IdError> {
        let d = &self.0.d;
        let bad = |detail: String| IdError::Structure {
            kind: IdKind::Iin,
            value: self.0.text.clone(),
            detail,
        };
        let century: i32 = match d[6] {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            c => {
                return Err(bad(format!(
                    "7th digit (century and sex) is {c}, must be 1-6"
                )))
            }
        };
        let sex = if d[6] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        let (yy, mm, dd) = (self.0.two(0), self.0.two(2), self.0.two(4));
        let month = time::Month::try_from(mm)
            .map_err(|_| bad(format!("birth month {mm:02} is not 01-12")))?;
        let birth_date = time::Date::from_calendar_date(century + i32::from(yy), month, dd)
            .map_err(|_| {
                bad(format!(
                    "birth date {}-{mm:02}-{dd:02} does not exist",
                    century + i32::from(yy)
                ))
            })?;
        Ok(IinInfo {
            birth_date,
            century: (century / 100 + 1) as u8,
            sex,
        })
    }

    /// Check under a policy (see [`IdPolicy`]).
    pub fn check(&self, policy: IdPolicy) -> Result<(), IdError> {
        self.0
            .check(IdKind::Iin, policy, || self.decode().map(|_| ()))
    }
}

/// A BIN's entity type (5th digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BinEntityType {
    /// 4: resident legal entity.
    ResidentLegalEntity,
    /// 5: non-resident legal entity.
    NonResidentLegalEntity,
    /// 6: individual entrepreneur in joint entrepreneurship (ИП(С)).
    JointIndividualEntrepreneur,
}

/// A BIN's attribute (6th digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BinAttribute {
    /// 0: head office.
    HeadOffice,
    /// 1: branch.
    Branch,
    /// 2: representative office.
    RepresentativeOffice,
    /// 3: peasant/farm enterprise in joint entrepreneurship.
    JointFarm,
}

/// What a BIN's digits say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinInfo {
    /// Registration year, last two digits (digits 1–2; the century is not encoded).
    pub registration_year_2d: u8,
    /// Registration month 1–12 (digits 3–4).
    pub registration_month: u8,
    /// Entity type (digit 5).
    pub entity_type: BinEntityType,
    /// Attribute (digit 6).
    pub attribute: BinAttribute,
}

/// A business identification number (БИН): 12 ASCII digits.
///
/// Parsing checks only the format; [`Bin::check`] applies an [`IdPolicy`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bin(Number);

impl Bin {
    /// Parse exactly 12 ASCII digits (no prefix, no whitespace).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        Number::parse(IdKind::Bin, s).map(Bin)
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// The control digit the first 11 digits call for (`None`: unusable prefix).
    pub fn expected_control_digit(&self) -> Option<u8> {
        self.0.expected()
    }

    /// Whether the national checksum holds.
    pub fn checksum_valid(&self) -> bool {
        self.0.checksum(IdKind::Bin).is_ok()
    }

    /// Whether this is one of the NCA RK test identifiers ([`NCA_TEST_IDENTIFIERS`]).
    pub fn is_nca_test_identifier(&self) -> bool {
        NCA_TEST_IDENTIFIERS.contains(&self.as_str())
    }

    /// Decode registration month, entity type and attribute; an error when impossible.
    pub fn decode(&self) -> Result<BinInfo, IdError> {
        let d = &self.0.d;
        let bad = |detail: String| IdError::Structure {
            kind: IdKind::Bin,
            value: self.0.text.clone(),
            detail,
        };
        let month = self.0.two(2);
        if !(1..=12).contains(&month) {
            return Err(bad(format!("registration month {month:02} is not 01-12")));
        }
        let entity_type = match d[4] {
            4 => BinEntityType::ResidentLegalEntity,
            5 => BinEntityType::NonResidentLegalEntity,
            6 => BinEntityType::JointIndividualEntrepreneur,
            t => {
                return Err(bad(format!(
                    "5th digit (entity type) is {t}, must be 4, 5 or 6"
                )))
            }
        };
        let attribute = match d[5] {
            0 => BinAttribute::HeadOffice,
            1 => BinAttribute::Branch,
            2 => BinAttribute::RepresentativeOffice,
            3 => BinAttribute::JointFarm,
            a => return Err(bad(format!("6th digit (attribute) is {a}, must be 0-3"))),
        };
        Ok(BinInfo {
            registration_year_2d: self.0.two(0),
            registration_month: month,
            entity_type,
            attribute,
        })
    }

    /// Check under a policy (see [`IdPolicy`]).
    pub fn check(&self, policy: IdPolicy) -> Result<(), IdError> {
        self.0
            .check(IdKind::Bin, policy, || self.decode().map(|_| ()))
    }
}

macro_rules! common_impls {
    ($t:ident) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $t {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                $t::parse(s)
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
common_impls!(Iin);
common_impls!(Bin);

/// Split a subject attribute value such as `IIN123456789011` / `BIN123456789021` into its
/// kind and the 12 digits. Exactly one upper-case Latin prefix is stripped; the rest must be
/// 12 ASCII digits. `None` when the value has neither prefix.
pub fn split_prefixed(value: &str) -> Option<(IdKind, &str)> {
    if let Some(rest) = value.strip_prefix("IIN") {
        Some((IdKind::Iin, rest))
    } else {
        value.strip_prefix("BIN").map(|rest| (IdKind::Bin, rest))
    }
}

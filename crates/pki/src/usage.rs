//! The keyUsage extension and the SIGN / AUTH classification of NCA certificates
//! (KZ-PKI.md §1.2): digitalSignature + nonRepudiation ⇒ SIGN (checked first, so the
//! GOST-2015 single-key certificates with keyEncipherment are SIGN); digitalSignature +
//! keyEncipherment ⇒ AUTH; anything else ⇒ other.
//!
//! ```
//! use tanba_pki::{KeyUsage, KeyUsageClass};
//! let ku = KeyUsage::from_bits(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_ENCIPHERMENT);
//! assert_eq!(ku.class(), KeyUsageClass::Auth);
//! assert_eq!(ku.names(), vec!["digitalSignature", "keyEncipherment"]);
//! ```

use std::fmt;

use serde::Serialize;

/// keyUsage bits (RFC 5280 §4.2.1.3); bit 0 = digitalSignature is the lowest bit here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyUsage(u16);

const NAMES: [&str; 9] = [
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

impl KeyUsage {
    /// Bit 0.
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    /// Bit 1 (contentCommitment).
    pub const NON_REPUDIATION: u16 = 1 << 1;
    /// Bit 2.
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    /// Bit 3.
    pub const DATA_ENCIPHERMENT: u16 = 1 << 3;
    /// Bit 4.
    pub const KEY_AGREEMENT: u16 = 1 << 4;
    /// Bit 5.
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    /// Bit 6.
    pub const CRL_SIGN: u16 = 1 << 6;
    /// Bit 7.
    pub const ENCIPHER_ONLY: u16 = 1 << 7;
    /// Bit 8.
    pub const DECIPHER_ONLY: u16 = 1 << 8;

    /// From bits as defined by the constants above.
    pub fn from_bits(bits: u16) -> Self {
        KeyUsage(bits & 0x1ff)
    }

    /// The bits (bit 0 = digitalSignature).
    pub fn bits(&self) -> u16 {
        self.0
    }

    /// Whether every bit of `mask` is set.
    pub fn has(&self, mask: u16) -> bool {
        self.0 & mask == mask
    }

    /// The RFC 5280 names of the set bits, in bit order.
    pub fn names(&self) -> Vec<&'static str> {
        NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }

    /// SIGN / AUTH / other per KZ-PKI.md §1.2.
    pub fn class(&self) -> KeyUsageClass {
        if self.has(Self::DIGITAL_SIGNATURE | Self::NON_REPUDIATION) {
            KeyUsageClass::Sign
        } else if self.has(Self::DIGITAL_SIGNATURE | Self::KEY_ENCIPHERMENT) {
            KeyUsageClass::Auth
        } else {
            KeyUsageClass::Other
        }
    }

    /// Whether the key may make document signatures (digitalSignature or nonRepudiation).
    pub fn permits_signing(&self) -> bool {
        self.0 & (Self::DIGITAL_SIGNATURE | Self::NON_REPUDIATION) != 0
    }
}

impl fmt::Display for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(", "))
    }
}

impl Serialize for KeyUsage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.names().serialize(s)
    }
}

/// The NCA classification of a certificate's key usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyUsageClass {
    /// digitalSignature + nonRepudiation: document signing (GOST-2015 certs also log in).
    Sign,
    /// digitalSignature + keyEncipherment (without nonRepudiation): authentication.
    Auth,
    /// Anything else, including no keyUsage extension.
    Other,
}

impl fmt::Display for KeyUsageClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyUsageClass::Sign => "SIGN",
            KeyUsageClass::Auth => "AUTH",
            KeyUsageClass::Other => "other",
        })
    }
}

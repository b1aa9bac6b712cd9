//! Who signed: the identity fields of a signer's certificate, for reports.

use serde::Serialize;
use tanba_pki::{KzCertificate, Role};

/// The identity of a signer as its certificate states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerInfo {
    /// Full subject DN.
    pub subject: String,
    /// Common name (person's name).
    pub common_name: Option<String>,
    /// IIN from `SERIALNUMBER`.
    pub iin: Option<String>,
    /// BIN from `OU`.
    pub bin: Option<String>,
    /// Organisation (`O`).
    pub organization: Option<String>,
    /// Role codes from EKU (`INDIVIDUAL`, `ORGANIZATION`, `CEO`, `EMPLOYEE`, …).
    pub roles: Vec<String>,
    /// SIGN / AUTH / … from key usage.
    pub key_usage: String,
    /// Certificate serial (hex).
    pub serial: String,
}

impl SignerInfo {
    /// Read the identity of a certificate (DER); `None` if it does not parse.
    pub fn from_der(der: &[u8]) -> Option<Self> {
        let c = KzCertificate::from_der(der).ok()?;
        Some(Self::from_cert(&c))
    }

    /// The identity of a parsed certificate.
    pub fn from_cert(c: &KzCertificate) -> Self {
        SignerInfo {
            subject: c.subject_string(),
            common_name: c.common_name().map(str::to_string),
            iin: c.iin().map(|i| i.as_str().to_string()),
            bin: c.bin().map(|b| b.as_str().to_string()),
            organization: c.organization().map(str::to_string),
            roles: c.roles().iter().map(|r| r.code().to_string()).collect(),
            key_usage: c.key_usage_class().to_string(),
            serial: c.serial_hex(),
        }
    }

    /// A one-line description: `name, IIN …, BIN … (org), roles`.
    pub fn describe(&self) -> String {
        let mut s = self
            .common_name
            .clone()
            .unwrap_or_else(|| self.subject.clone());
        if let Some(i) = &self.iin {
            s.push_str(&format!(", IIN {i}"));
        }
        if let Some(b) = &self.bin {
            s.push_str(&format!(", BIN {b}"));
        }
        if let Some(o) = &self.organization {
            s.push_str(&format!(" ({o})"));
        }
        if !self.roles.is_empty() {
            s.push_str(&format!(", roles {}", self.roles.join("/")));
        }
        s
    }
}

/// Roles that let a person sign for a legal entity (KZ-PKI.md §5.1 rule 2).
pub const ORGANIZATION_SIGNING_ROLES: [Role; 3] =
    [Role::FirstHead, Role::Signatory, Role::FinancialSignatory];

/// Roles that make a person an employee of the organisation in their certificate (the
/// plain employee role and every signing role).
pub const ORGANIZATION_EMPLOYEE_ROLES: [Role; 4] = [
    Role::Employee,
    Role::FirstHead,
    Role::Signatory,
    Role::FinancialSignatory,
];

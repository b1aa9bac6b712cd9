//! A serde-serializable summary of a [`KzCertificate`] with stable field names, for
//! `--json` output (`tanba cert info`, `tanba key info`). Field names are a contract: add
//! fields, never rename or remove them.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::cert::{CertPolicy, ExtensionInfo, KzCertificate, SubjectFields};
use crate::ident::{BinAttribute, BinEntityType, Sex};
use crate::name::NameAttribute;
use crate::roles::{eku_name, Role, SubjectType};
use crate::usage::KeyUsageClass;

/// The well-known subject fields (absent ones are `null`): the certificate's own
/// [`SubjectFields`], with `email` falling back to the first subjectAltName e-mail.
pub type SubjectFieldsSummary = SubjectFields;

/// An IIN with its checks.
#[derive(Debug, Clone, Serialize)]
pub struct IinSummary {
    /// The 12 digits.
    pub value: String,
    /// National checksum verdict.
    pub checksum_valid: bool,
    /// The control digit the first 11 digits call for (`null`: unusable prefix).
    pub expected_control_digit: Option<u8>,
    /// Why the structure is impossible (`null` when the birth date and century digit are fine).
    pub structure_error: Option<String>,
    /// One of the NCA RK test identifiers.
    pub nca_test_identifier: bool,
    /// Decoded birth date `YYYY-MM-DD` (informative only).
    pub birth_date: Option<String>,
    /// Ordinal century from the 7th digit: 19, 20 or 21 (informative only).
    pub century: Option<u8>,
    /// Decoded sex (informative only).
    pub sex: Option<Sex>,
}

/// A BIN with its checks.
#[derive(Debug, Clone, Serialize)]
pub struct BinSummary {
    /// The 12 digits.
    pub value: String,
    /// National checksum verdict.
    pub checksum_valid: bool,
    /// The control digit the first 11 digits call for (`null`: unusable prefix).
    pub expected_control_digit: Option<u8>,
    /// Why the structure is impossible (`null` when month, type and attribute are fine).
    pub structure_error: Option<String>,
    /// One of the NCA RK test identifiers.
    pub nca_test_identifier: bool,
    /// Registration year, two digits.
    pub registration_year_2d: Option<u8>,
    /// Registration month.
    pub registration_month: Option<u8>,
    /// Entity type.
    pub entity_type: Option<BinEntityType>,
    /// Attribute (head office, branch...).
    pub attribute: Option<BinAttribute>,
}

/// One EKU entry.
#[derive(Debug, Clone, Serialize)]
pub struct EkuSummary {
    /// OID (dotted).
    pub oid: String,
    /// Name (`emailProtection`, a role code...) when known.
    pub name: Option<&'static str>,
}

/// One role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleSummary {
    /// Stable code (`first_head`...).
    pub code: &'static str,
    /// OID (dotted).
    pub oid: String,
    /// Official registry name (Russian).
    pub name: &'static str,
}

/// The public key.
#[derive(Debug, Clone, Serialize)]
pub struct KeySummary {
    /// Key algorithm OID.
    pub algorithm_oid: String,
    /// Description ("RSA-2048", "GOST 34.10-2015 512-bit").
    pub description: String,
    /// Curve / parameter-set OID, if any.
    pub curve_oid: Option<String>,
}

/// Everything `tanba cert info --json` prints about a certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateSummary {
    /// Subject DN string (DER order).
    pub subject: String,
    /// Well-known subject fields.
    pub subject_fields: SubjectFieldsSummary,
    /// Every subject attribute (`oid`, `label`, `value`, `rdn`).
    pub subject_attributes: Vec<NameAttribute>,
    /// IIN from SERIALNUMBER.
    pub iin: Option<IinSummary>,
    /// BIN from OU (or SERIALNUMBER).
    pub bin: Option<BinSummary>,
    /// individual / legal_entity / unknown.
    pub subject_type: SubjectType,
    /// Roles from EKU.
    pub roles: Vec<RoleSummary>,
    /// Issuer DN string.
    pub issuer: String,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// notBefore, RFC 3339.
    pub not_before: String,
    /// notAfter, RFC 3339.
    pub not_after: String,
    /// Public key.
    pub key: KeySummary,
    /// Signature algorithm OID.
    pub signature_algorithm_oid: String,
    /// keyUsage bit names (`null`: no keyUsage extension).
    pub key_usage: Option<Vec<&'static str>>,
    /// sign / auth / other.
    pub key_usage_class: KeyUsageClass,
    /// EKU entries (`null`: no EKU extension).
    pub extended_key_usage: Option<Vec<EkuSummary>>,
    /// Certificate policies.
    pub policies: Vec<CertPolicy>,
    /// CRL distribution points.
    pub crl_urls: Vec<String>,
    /// freshestCRL (delta) URLs.
    pub delta_crl_urls: Vec<String>,
    /// AIA OCSP URLs.
    pub ocsp_urls: Vec<String>,
    /// AIA caIssuers URLs.
    pub ca_issuer_urls: Vec<String>,
    /// subjectKeyIdentifier, upper-case hex.
    pub subject_key_id: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, upper-case hex.
    pub authority_key_id: Option<String>,
    /// authorityKeyIdentifier authorityCertIssuer.
    pub authority_cert_issuer: Vec<String>,
    /// authorityKeyIdentifier authorityCertSerialNumber, upper-case hex.
    pub authority_cert_serial: Option<String>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// basicConstraints pathLenConstraint.
    pub path_len: Option<u32>,
    /// id-pkix-ocsp-nocheck present.
    pub ocsp_nocheck: bool,
    /// KZ key-store type OID (extension 1.2.398.3.3.5), e.g. `1.2.398.3.3.5.1.1`.
    pub key_store_oid: Option<String>,
    /// Its name when known ("PKCS#12 file", "Kaztoken", ...).
    pub key_store: Option<&'static str>,
    /// Every extension (`oid`, `name`, `critical`).
    pub extensions: Vec<ExtensionInfo>,
    /// Critical extensions not understood.
    pub unknown_critical_extensions: Vec<String>,
    /// SHA-256 of the DER, upper-case hex.
    pub sha256_fingerprint: String,
    /// Remarks about the subject (malformed SERIALNUMBER...).
    pub notes: Vec<String>,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

fn role_summary(r: &Role) -> RoleSummary {
    RoleSummary {
        code: r.code(),
        oid: r.oid(),
        name: r.official_name(),
    }
}

impl CertificateSummary {
    /// Summarise a certificate.
    pub fn new(c: &KzCertificate) -> Self {
        let f = c.subject_fields();
        let iin = c.iin().map(|i| {
            let decoded = i.decode();
            IinSummary {
                value: i.as_str().to_owned(),
                checksum_valid: i.checksum_valid(),
                expected_control_digit: i.expected_control_digit(),
                structure_error: decoded.as_ref().err().map(|e| e.to_string()),
                nca_test_identifier: i.is_nca_test_identifier(),
                birth_date: decoded.as_ref().ok().map(|d| d.birth_date.to_string()),
                century: decoded.as_ref().ok().map(|d| d.century),
                sex: decoded.as_ref().ok().map(|d| d.sex),
            }
        });
        let bin = c.bin().map(|b| {
            let decoded = b.decode();
            let ok = decoded.as_ref().ok();
            BinSummary {
                value: b.as_str().to_owned(),
                checksum_valid: b.checksum_valid(),
                expected_control_digit: b.expected_control_digit(),
                structure_error: decoded.as_ref().err().map(|e| e.to_string()),
                nca_test_identifier: b.is_nca_test_identifier(),
                registration_year_2d: ok.map(|d| d.registration_year_2d),
                registration_month: ok.map(|d| d.registration_month),
                entity_type: ok.map(|d| d.entity_type),
                attribute: ok.map(|d| d.attribute),
            }
        });
        let aki = c.authority_key_id();
        CertificateSummary {
            subject: c.subject_string(),
            subject_fields: SubjectFieldsSummary {
                email: c.email().map(str::to_owned),
                ..f.clone()
            },
            subject_attributes: c.subject().attributes().to_vec(),
            iin,
            bin,
            subject_type: c.subject_type(),
            roles: c.roles().iter().map(role_summary).collect(),
            issuer: c.issuer_string(),
            serial: c.serial_hex(),
            not_before: rfc3339(c.not_before()),
            not_after: rfc3339(c.not_after()),
            key: KeySummary {
                algorithm_oid: c.public_key().algorithm_oid.clone(),
                description: c.key_description(),
                curve_oid: c.public_key().curve_oid.clone(),
            },
            signature_algorithm_oid: c.signature_algorithm_oid().to_owned(),
            key_usage: c.key_usage().map(|k| k.names()),
            key_usage_class: c.key_usage_class(),
            extended_key_usage: c.extended_key_usage().map(|ekus| {
                ekus.iter()
                    .map(|o| EkuSummary {
                        oid: o.clone(),
                        name: eku_name(o),
                    })
                    .collect()
            }),
            policies: c.policies().to_vec(),
            crl_urls: c.crl_urls().to_vec(),
            delta_crl_urls: c.delta_crl_urls().to_vec(),
            ocsp_urls: c.ocsp_urls().to_vec(),
            ca_issuer_urls: c.ca_issuer_urls().to_vec(),
            subject_key_id: c.subject_key_id().map(hex::encode_upper),
            authority_key_id: aki.and_then(|a| a.key_id.as_deref()).map(hex::encode_upper),
            authority_cert_issuer: aki.map(|a| a.issuer.clone()).unwrap_or_default(),
            authority_cert_serial: aki.and_then(|a| a.serial.as_deref()).map(hex::encode_upper),
            is_ca: c.is_ca(),
            path_len: c.basic_constraints().and_then(|b| b.path_len),
            ocsp_nocheck: c.has_ocsp_nocheck(),
            key_store_oid: c.key_store_oid().map(str::to_owned),
            key_store: c.key_store_name(),
            extensions: c.extensions().to_vec(),
            unknown_critical_extensions: c.unknown_critical_extensions().to_vec(),
            sha256_fingerprint: hex::encode_upper(c.sha256_fingerprint()),
            notes: c.subject_notes().to_vec(),
        }
    }
}

impl KzCertificate {
    /// The serde summary (see [`CertificateSummary`]).
    pub fn summary(&self) -> CertificateSummary {
        CertificateSummary::new(self)
    }
}

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
    /// Roles from EKU: stable code, OID and the registry's name.
    pub roles: Vec<RoleSummary>,
    /// SIGN / AUTH / … from key usage.
    pub key_usage: String,
    /// Certificate serial (lowercase hex, no leading zero bytes).
    pub serial: String,
    /// Issuer DN.
    pub issuer: String,
    /// Start of the validity period (RFC 3339; empty for [`SignerInfo::unknown`]).
    pub not_before: String,
    /// End of the validity period (RFC 3339; empty for [`SignerInfo::unknown`]).
    pub not_after: String,
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
            roles: c.roles().iter().map(role_summary).collect(),
            key_usage: c.key_usage_class().to_string(),
            serial: c.serial_hex().to_ascii_lowercase(),
            issuer: c.issuer_string(),
            not_before: rfc3339(c.not_before()),
            not_after: rfc3339(c.not_after()),
        }
    }

    /// An identity with every field empty: a signer whose certificate could not be read.
    pub fn unknown() -> Self {
        SignerInfo {
            subject: String::new(),
            common_name: None,
            iin: None,
            bin: None,
            organization: None,
            roles: Vec::new(),
            key_usage: String::new(),
            serial: String::new(),
            issuer: String::new(),
            not_before: String::new(),
            not_after: String::new(),
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
            let codes: Vec<&str> = self.roles.iter().map(|r| r.code).collect();
            s.push_str(&format!(", roles {}", codes.join("/")));
        }
        s
    }
}

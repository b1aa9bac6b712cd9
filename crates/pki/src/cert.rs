//! `KzCertificate`: an X.509 certificate read with the Kazakh (NCA RK) profile in mind —
//! subject fields by OID, IIN/BIN, roles from EKU, key-usage class, revocation URLs, key
//! identifiers, and the critical extensions nobody here understands (KZ-PKI.md §1).
//!
//! Everything is extracted once when parsing; the certificate keeps its DER and owns all
//! data, so it is cheap to clone, store and share.
//!
//! ```
//! let pem = tanba_testdata::read_nca("certs/ceo_valid_sign_2004_gost.cer");
//! let cert = &tanba_pki::KzCertificate::from_pem_or_der(&pem).unwrap()[0];
//! assert_eq!(cert.bin().unwrap().as_str(), "123456789021");
//! assert_eq!(cert.subject_type(), tanba_pki::SubjectType::LegalEntity);
//! ```

use std::ops::Range;

use time::OffsetDateTime;
use x509_parser::asn1_rs::{FromDer as _, Oid};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{
    CRLDistributionPoints, DistributionPointName, GeneralName, ParsedExtension,
};

use tanba_crypto::{DigestAlgorithm, PublicKeyInfo, SignatureAlgorithm};

use crate::bundle;
use crate::error::PkiError;
use crate::ident::{split_prefixed, Bin, IdKind, Iin};
use crate::name::{self, DistinguishedName};
use crate::roles::{roles_from_eku, subject_type_from_roles, Role, SubjectType};
use crate::usage::{KeyUsage, KeyUsageClass};

/// OID of the KZ "key store type" extension (non-critical; KZ-PKI.md §1.5).
pub const OID_KZ_KEY_STORE: &str = "1.2.398.3.3.5";
/// OID of id-pkix-ocsp-nocheck.
pub const OID_OCSP_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
/// OID of freshestCRL (delta CRL distribution points).
pub const OID_FRESHEST_CRL: &str = "2.5.29.46";
/// accessMethod id-ad-ocsp.
pub const OID_AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
/// accessMethod id-ad-caIssuers.
pub const OID_AD_CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";
/// CPS pointer policy qualifier.
const OID_QT_CPS: &str = "1.3.6.1.5.5.7.2.1";

/// Extensions this crate understands; a *critical* extension outside this list is reported
/// by [`KzCertificate::unknown_critical_extensions`].
pub const KNOWN_EXTENSIONS: &[(&str, &str)] = &[
    ("2.5.29.14", "subjectKeyIdentifier"),
    ("2.5.29.15", "keyUsage"),
    ("2.5.29.17", "subjectAltName"),
    ("2.5.29.18", "issuerAltName"),
    ("2.5.29.19", "basicConstraints"),
    ("2.5.29.30", "nameConstraints"),
    ("2.5.29.31", "cRLDistributionPoints"),
    ("2.5.29.32", "certificatePolicies"),
    ("2.5.29.33", "policyMappings"),
    ("2.5.29.35", "authorityKeyIdentifier"),
    ("2.5.29.36", "policyConstraints"),
    ("2.5.29.37", "extKeyUsage"),
    (OID_FRESHEST_CRL, "freshestCRL"),
    ("2.5.29.54", "inhibitAnyPolicy"),
    ("1.3.6.1.5.5.7.1.1", "authorityInfoAccess"),
    (OID_OCSP_NOCHECK, "ocspNoCheck"),
    (OID_KZ_KEY_STORE, "kzKeyStoreType"),
];

/// The key-store type names of the 1.2.398.3.3.5 arc (KZ-PKI.md §1.5, OID registry).
pub fn key_store_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.398.3.3.5.1" => "file store",
        "1.2.398.3.3.5.1.1" => "PKCS#12 file",
        "1.2.398.3.3.5.1.2" => "JKS file",
        "1.2.398.3.3.5.2.1" => "ID card",
        "1.2.398.3.3.5.2.2" => "Kaztoken",
        "1.2.398.3.3.5.2.3" => "eToken Java",
        "1.2.398.3.3.5.2.4" => "eToken 5110",
        "1.2.398.3.3.5.2.5" => "JaCarta",
        "1.2.398.3.3.5.2.6" => "aKey",
        "1.2.398.3.3.5.2.7" => "SIM card",
        "1.2.398.3.3.5.3.1" => "Certex Cloud",
        _ => return None,
    })
}

/// The name of a known extension OID.
pub fn extension_name(oid: &str) -> Option<&'static str> {
    KNOWN_EXTENSIONS
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, n)| *n)
}

/// One extension as present in the certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExtensionInfo {
    /// OID (dotted).
    pub oid: String,
    /// Name when known (`keyUsage`, ...).
    pub name: Option<&'static str>,
    /// The critical flag.
    pub critical: bool,
}

/// basicConstraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BasicConstraints {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u32>,
}

/// authorityKeyIdentifier.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthorityKeyId {
    /// keyIdentifier.
    pub key_id: Option<Vec<u8>>,
    /// authorityCertIssuer (each general name as text; directory names as DN strings).
    pub issuer: Vec<String>,
    /// authorityCertSerialNumber (raw big-endian bytes).
    pub serial: Option<Vec<u8>>,
}

/// A certificate policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertPolicy {
    /// Policy OID (dotted).
    pub oid: String,
    /// CPS URIs from the policy qualifiers.
    pub cps_uris: Vec<String>,
}

/// The well-known subject fields of an NCA certificate (serialized as the
/// `subject_fields` object of [`crate::CertificateSummary`]; absent ones are `null`).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct SubjectFields {
    /// CN.
    pub common_name: Option<String>,
    /// SURNAME.
    pub surname: Option<String>,
    /// GIVENNAME — the **patronymic** in NCA certificates.
    pub given_name: Option<String>,
    /// SERIALNUMBER as written (`IIN…`/`BIN…`).
    pub serial_number: Option<String>,
    /// O.
    pub organization: Option<String>,
    /// OU (first value; NCA puts `BIN…` here).
    pub organizational_unit: Option<String>,
    /// C.
    pub country: Option<String>,
    /// E (emailAddress). In a [`crate::CertificateSummary`]: E, else the first
    /// subjectAltName e-mail.
    pub email: Option<String>,
    /// L.
    pub locality: Option<String>,
    /// ST.
    pub state: Option<String>,
    /// businessCategory (treasury profile).
    pub business_category: Option<String>,
}

/// An X.509 certificate read with the NCA RK profile (see the module docs).
#[derive(Debug, Clone)]
pub struct KzCertificate {
    der: Vec<u8>,
    tbs: Range<usize>,
    signature_value: Vec<u8>,
    version: u32,
    serial: Vec<u8>,
    issuer: DistinguishedName,
    subject: DistinguishedName,
    fields: SubjectFields,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    spki_der: Vec<u8>,
    public_key: PublicKeyInfo,
    signature_algorithm_oid: String,
    extensions: Vec<ExtensionInfo>,
    key_usage: Option<KeyUsage>,
    eku: Option<Vec<String>>,
    basic_constraints: Option<BasicConstraints>,
    policies: Vec<CertPolicy>,
    crl_urls: Vec<String>,
    delta_crl_urls: Vec<String>,
    ocsp_urls: Vec<String>,
    ca_issuer_urls: Vec<String>,
    ski: Option<Vec<u8>>,
    aki: Option<AuthorityKeyId>,
    subject_alt_emails: Vec<String>,
    ocsp_nocheck: bool,
    key_store: Option<String>,
    unknown_critical: Vec<String>,
    iin: Option<Iin>,
    bin: Option<Bin>,
    roles: Vec<Role>,
    notes: Vec<String>,
}

fn der_err(what: &str, detail: impl ToString) -> PkiError {
    PkiError::Der {
        what: what.to_owned(),
        detail: detail.to_string(),
    }
}

fn general_name_text(g: &GeneralName<'_>) -> String {
    match g {
        GeneralName::URI(u) => (*u).to_owned(),
        GeneralName::RFC822Name(e) => (*e).to_owned(),
        GeneralName::DNSName(d) => (*d).to_owned(),
        GeneralName::DirectoryName(n) => DistinguishedName::from_x509(n, "directoryName")
            .map(|d| d.to_string())
            .unwrap_or_else(|_| "<unreadable directory name>".to_owned()),
        other => other.to_string(),
    }
}

fn cdp_urls(points: &CRLDistributionPoints<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for p in points.iter() {
        if let Some(DistributionPointName::FullName(names)) = &p.distribution_point {
            for n in names {
                if let GeneralName::URI(u) = n {
                    out.push((*u).to_owned());
                }
            }
        }
    }
    out
}

impl KzCertificate {
    /// Parse exactly one DER certificate (no trailing bytes).
    pub fn from_der(der: &[u8]) -> Result<KzCertificate, PkiError> {
        Self::parse_one(der, "certificate")
    }

    /// Parse every certificate of a PEM bundle, a DER certificate, concatenated DER
    /// certificates, or bare base64 of a DER certificate. At least one certificate is
    /// required; a malformed one fails the whole input (the error names which one).
    pub fn from_pem_or_der(input: &[u8]) -> Result<Vec<KzCertificate>, PkiError> {
        let (encoding, blobs) = bundle::split(input)?;
        let mut out = Vec::new();
        match encoding {
            bundle::Encoding::Der => {
                let mut rest: &[u8] = &blobs[0];
                while !rest.is_empty() {
                    let n = out.len() + 1;
                    let what = format!("DER certificate #{n}");
                    let (remaining, _) =
                        X509Certificate::from_der(rest).map_err(|e| der_err(&what, e))?;
                    let len = rest.len() - remaining.len();
                    out.push(Self::parse_one(&rest[..len], &what)?);
                    rest = remaining;
                    // Whitespace after binary DER is not a certificate; tolerate none of it
                    // except trailing newlines some tools append.
                    if rest.iter().all(|b| b.is_ascii_whitespace()) {
                        break;
                    }
                }
            }
            bundle::Encoding::Pem | bundle::Encoding::Base64 => {
                for (i, der) in blobs.iter().enumerate() {
                    let what = if blobs.len() == 1 {
                        "certificate".to_owned()
                    } else {
                        format!("certificate #{} of the PEM bundle", i + 1)
                    };
                    out.push(Self::parse_one(der, &what)?);
                }
            }
        }
        Ok(out)
    }

    fn parse_one(der: &[u8], what: &str) -> Result<KzCertificate, PkiError> {
        let (rest, x) = X509Certificate::from_der(der).map_err(|e| der_err(what, e))?;
        if !rest.is_empty() {
            return Err(PkiError::TrailingData {
                what: what.to_owned(),
                extra: rest.len(),
            });
        }
        let der = der.to_vec();
        let tbs_raw: &[u8] = x.tbs_certificate.as_ref();
        let tbs_start = tbs_raw.as_ptr() as usize - x.as_raw().as_ptr() as usize;
        let tbs = tbs_start..tbs_start + tbs_raw.len();

        let inner = x.tbs_certificate.signature.algorithm.to_id_string();
        let outer = x.signature_algorithm.algorithm.to_id_string();
        if inner != outer {
            return Err(PkiError::SignatureAlgorithmMismatch { inner, outer });
        }

        let issuer = DistinguishedName::from_x509(x.issuer(), "issuer")?;
        let subject = DistinguishedName::from_x509(x.subject(), "subject")?;
        let spki_der = x.public_key().raw.to_vec();
        let public_key = PublicKeyInfo::from_der(&spki_der)?;

        let mut cert = KzCertificate {
            tbs,
            signature_value: x.signature_value.data.to_vec(),
            version: x.version().0 + 1,
            serial: x.raw_serial().to_vec(),
            fields: SubjectFields::default(),
            not_before: x.validity().not_before.to_datetime(),
            not_after: x.validity().not_after.to_datetime(),
            spki_der,
            public_key,
            signature_algorithm_oid: outer,
            extensions: Vec::new(),
            key_usage: None,
            eku: None,
            basic_constraints: None,
            policies: Vec::new(),
            crl_urls: Vec::new(),
            delta_crl_urls: Vec::new(),
            ocsp_urls: Vec::new(),
            ca_issuer_urls: Vec::new(),
            ski: None,
            aki: None,
            subject_alt_emails: Vec::new(),
            ocsp_nocheck: false,
            key_store: None,
            unknown_critical: Vec::new(),
            iin: None,
            bin: None,
            roles: Vec::new(),
            notes: Vec::new(),
            issuer,
            subject,
            der: Vec::new(),
        };
        cert.read_extensions(&x)?;
        cert.read_subject();
        cert.der = der;
        Ok(cert)
    }

    fn read_extensions(&mut self, x: &X509Certificate<'_>) -> Result<(), PkiError> {
        let mut seen = std::collections::HashSet::new();
        for ext in x.extensions() {
            let oid = ext.oid.to_id_string();
            if !seen.insert(oid.clone()) {
                return Err(PkiError::DuplicateExtension { oid });
            }
            let malformed = |detail: String| PkiError::MalformedExtension {
                oid: oid.clone(),
                critical: ext.critical,
                detail,
            };
            let name = extension_name(&oid);
            self.extensions.push(ExtensionInfo {
                oid: oid.clone(),
                name,
                critical: ext.critical,
            });
            if name.is_none() && ext.critical {
                self.unknown_critical.push(oid.clone());
            }
            match ext.parsed_extension() {
                ParsedExtension::ParseError { error } => return Err(malformed(error.to_string())),
                ParsedExtension::KeyUsage(ku) => {
                    self.key_usage = Some(KeyUsage::from_bits(ku.flags))
                }
                ParsedExtension::ExtendedKeyUsage(_) => {
                    // Re-read the raw SEQUENCE OF OID to keep the encoded order.
                    let (_, oids) =
                        <Vec<Oid>>::from_der(ext.value).map_err(|e| malformed(e.to_string()))?;
                    self.eku = Some(oids.iter().map(Oid::to_id_string).collect());
                }
                ParsedExtension::BasicConstraints(bc) => {
                    self.basic_constraints = Some(BasicConstraints {
                        ca: bc.ca,
                        path_len: bc.path_len_constraint,
                    })
                }
                ParsedExtension::SubjectKeyIdentifier(k) => self.ski = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    self.aki = Some(AuthorityKeyId {
                        key_id: a.key_identifier.as_ref().map(|k| k.0.to_vec()),
                        issuer: a
                            .authority_cert_issuer
                            .iter()
                            .flatten()
                            .map(general_name_text)
                            .collect(),
                        serial: a.authority_cert_serial.map(<[u8]>::to_vec),
                    })
                }
                ParsedExtension::CertificatePolicies(ps) => {
                    for p in ps {
                        let mut cps_uris = Vec::new();
                        for q in p.policy_qualifiers.iter().flatten() {
                            if q.policy_qualifier_id.to_id_string() == OID_QT_CPS {
                                if let Ok((_, s)) =
                                    x509_parser::asn1_rs::Ia5String::from_der(q.qualifier)
                                {
                                    cps_uris.push(s.string());
                                }
                            }
                        }
                        self.policies.push(CertPolicy {
                            oid: p.policy_id.to_id_string(),
                            cps_uris,
                        });
                    }
                }
                ParsedExtension::CRLDistributionPoints(points) => self.crl_urls = cdp_urls(points),
                ParsedExtension::AuthorityInfoAccess(aia) => {
                    for ad in aia.iter() {
                        let method = ad.access_method.to_id_string();
                        if let GeneralName::URI(u) = &ad.access_location {
                            match method.as_str() {
                                OID_AD_OCSP => self.ocsp_urls.push((*u).to_owned()),
                                OID_AD_CA_ISSUERS => self.ca_issuer_urls.push((*u).to_owned()),
                                _ => {}
                            }
                        }
                    }
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    for g in &san.general_names {
                        if let GeneralName::RFC822Name(e) = g {
                            self.subject_alt_emails.push((*e).to_owned());
                        }
                    }
                }
                _ => {}
            }
            match oid.as_str() {
                OID_FRESHEST_CRL => {
                    let (_, points) = CRLDistributionPoints::from_der(ext.value)
                        .map_err(|e| malformed(e.to_string()))?;
                    self.delta_crl_urls = cdp_urls(&points);
                }
                OID_OCSP_NOCHECK => self.ocsp_nocheck = true,
                OID_KZ_KEY_STORE => {
                    // SEQUENCE { OBJECT IDENTIFIER } (KZ-PKI.md §1.5).
                    // A proprietary non-critical extension: a bad value is noted, not fatal.
                    match <Vec<Oid>>::from_der(ext.value) {
                        Ok((_, oids)) => self.key_store = oids.first().map(Oid::to_id_string),
                        Err(e) if !ext.critical => self.notes.push(format!(
                            "extension {oid} (key-store type) is malformed: {e}"
                        )),
                        Err(e) => return Err(malformed(e.to_string())),
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn read_subject(&mut self) {
        let s = &self.subject;
        let get = |oid: &str| s.get(oid).map(str::to_owned);
        self.fields = SubjectFields {
            common_name: get(name::OID_CN),
            surname: get(name::OID_SURNAME),
            given_name: get(name::OID_GIVEN_NAME),
            serial_number: get(name::OID_SERIAL_NUMBER),
            organization: get(name::OID_ORGANIZATION),
            organizational_unit: get(name::OID_ORG_UNIT),
            country: get(name::OID_COUNTRY),
            email: get(name::OID_EMAIL),
            locality: get(name::OID_LOCALITY),
            state: get(name::OID_STATE),
            business_category: get(name::OID_BUSINESS_CATEGORY),
        };
        let mut notes = Vec::new();
        let mut iin = None;
        let mut bin_from_sn = None;
        for v in s.get_all(name::OID_SERIAL_NUMBER) {
            match split_prefixed(v) {
                Some((IdKind::Iin, digits)) => match Iin::parse(digits) {
                    Ok(i) if iin.is_none() => iin = Some(i),
                    Ok(_) => notes.push(format!("SERIALNUMBER {v:?}: a second IIN, ignored")),
                    Err(e) => notes.push(format!("SERIALNUMBER {v:?}: {e}")),
                },
                Some((IdKind::Bin, digits)) => match Bin::parse(digits) {
                    Ok(b) => bin_from_sn = Some(b),
                    Err(e) => notes.push(format!("SERIALNUMBER {v:?}: {e}")),
                },
                None => notes.push(format!(
                    "SERIALNUMBER {v:?} is neither IIN nor BIN followed by 12 digits"
                )),
            }
        }
        let mut bin = None;
        for v in s.get_all(name::OID_ORG_UNIT) {
            if let Some((IdKind::Bin, digits)) = split_prefixed(v) {
                match Bin::parse(digits) {
                    Ok(b) if bin.is_none() => bin = Some(b),
                    Ok(_) => notes.push(format!("OU {v:?}: a second BIN, ignored")),
                    Err(e) => notes.push(format!("OU {v:?}: {e}")),
                }
            }
        }
        match (&bin, bin_from_sn) {
            (None, Some(b)) => bin = Some(b),
            (Some(ou), Some(sn)) if *ou != sn => notes.push(format!(
                "BIN in SERIALNUMBER ({sn}) differs from BIN in OU ({ou}); OU is used"
            )),
            _ => {}
        }
        self.iin = iin;
        self.bin = bin;
        self.roles = self.eku.as_deref().map(roles_from_eku).unwrap_or_default();
        self.notes.extend(notes);
    }

    // ---------------------------------------------------------------- raw data

    /// The whole certificate, DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The signed part (`tbsCertificate`), DER — the message the issuer's signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }

    /// The signature bits (contents of `signatureValue`).
    pub fn signature_value(&self) -> &[u8] {
        &self.signature_value
    }

    /// Signature algorithm OID (dotted).
    pub fn signature_algorithm_oid(&self) -> &str {
        &self.signature_algorithm_oid
    }

    /// The signature algorithm, when tanba-crypto knows its OID.
    pub fn signature_algorithm(&self) -> Option<SignatureAlgorithm> {
        SignatureAlgorithm::from_oid(&self.signature_algorithm_oid).ok()
    }

    /// X.509 version (1, 2 or 3).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// SHA-256 of the DER (the certificate fingerprint).
    pub fn sha256_fingerprint(&self) -> Vec<u8> {
        DigestAlgorithm::Sha256.digest(&self.der)
    }

    // ---------------------------------------------------------------- names

    /// The subject name.
    pub fn subject(&self) -> &DistinguishedName {
        &self.subject
    }

    /// The issuer name.
    pub fn issuer(&self) -> &DistinguishedName {
        &self.issuer
    }

    /// The issuer name as a UTF-8 string (`CN=…, C=KZ` in DER order).
    pub fn issuer_string(&self) -> String {
        self.issuer.to_string()
    }

    /// The subject name as a UTF-8 string (DER order).
    pub fn subject_string(&self) -> String {
        self.subject.to_string()
    }

    /// The well-known subject fields.
    pub fn subject_fields(&self) -> &SubjectFields {
        &self.fields
    }

    /// CN.
    pub fn common_name(&self) -> Option<&str> {
        self.fields.common_name.as_deref()
    }

    /// SURNAME.
    pub fn surname(&self) -> Option<&str> {
        self.fields.surname.as_deref()
    }

    /// GIVENNAME — the patronymic in NCA certificates.
    pub fn given_name(&self) -> Option<&str> {
        self.fields.given_name.as_deref()
    }

    /// O.
    pub fn organization(&self) -> Option<&str> {
        self.fields.organization.as_deref()
    }

    /// C.
    pub fn country(&self) -> Option<&str> {
        self.fields.country.as_deref()
    }

    /// The subject e-mail (E attribute), else the first rfc822Name of subjectAltName.
    pub fn email(&self) -> Option<&str> {
        self.fields
            .email
            .as_deref()
            .or(self.subject_alt_emails.first().map(String::as_str))
    }

    /// L.
    pub fn locality(&self) -> Option<&str> {
        self.fields.locality.as_deref()
    }

    /// ST.
    pub fn state(&self) -> Option<&str> {
        self.fields.state.as_deref()
    }

    /// The IIN from SERIALNUMBER (`IIN` + 12 digits), format-checked only — apply an
    /// [`IdPolicy`](crate::IdPolicy) with [`Iin::check`].
    pub fn iin(&self) -> Option<&Iin> {
        self.iin.as_ref()
    }

    /// The BIN from OU (`BIN` + 12 digits), else from SERIALNUMBER (`BIN` + 12 digits).
    pub fn bin(&self) -> Option<&Bin> {
        self.bin.as_ref()
    }

    /// Remarks that are not errors: a SERIALNUMBER that is not `IIN`/`BIN` + 12 digits,
    /// conflicting BINs, a malformed non-critical key-store extension.
    pub fn subject_notes(&self) -> &[String] {
        &self.notes
    }

    // ---------------------------------------------------------------- serial / time / key

    /// The serial number as encoded (big-endian, including a leading 0x00 if present).
    pub fn serial_bytes(&self) -> &[u8] {
        &self.serial
    }

    /// The serial number as upper-case hex without leading zero bytes (`4279390A…`).
    pub fn serial_hex(&self) -> String {
        let start = self
            .serial
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(self.serial.len().saturating_sub(1));
        hex::encode_upper(&self.serial[start..])
    }

    /// notBefore.
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// notAfter.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// Whether `at` lies within notBefore..=notAfter.
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The decoded public key info (algorithm, curve, key bits).
    pub fn public_key(&self) -> &PublicKeyInfo {
        &self.public_key
    }

    /// A short key description ("RSA-2048", "GOST 34.10-2015 512-bit").
    pub fn key_description(&self) -> String {
        self.public_key.describe()
    }

    // ---------------------------------------------------------------- usage / roles

    /// keyUsage, if the extension is present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }

    /// SIGN / AUTH / other (KZ-PKI.md §1.2); no keyUsage ⇒ other.
    pub fn key_usage_class(&self) -> KeyUsageClass {
        self.key_usage.map_or(KeyUsageClass::Other, |k| k.class())
    }

    /// The extKeyUsage OIDs in encoded order (`None`: no EKU extension).
    pub fn extended_key_usage(&self) -> Option<&[String]> {
        self.eku.as_deref()
    }

    /// Whether the EKU lists this OID (dotted).
    pub fn has_eku(&self, oid: &str) -> bool {
        self.eku.iter().flatten().any(|o| o == oid)
    }

    /// Roles from the EKU (KZ-PKI.md §1.3).
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// Whether the certificate carries this role.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Individual / legal entity / unknown, from the roles.
    pub fn subject_type(&self) -> SubjectType {
        subject_type_from_roles(&self.roles)
    }

    /// Certificate policies.
    pub fn policies(&self) -> &[CertPolicy] {
        &self.policies
    }

    // ---------------------------------------------------------------- CA / ids / URLs

    /// basicConstraints, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.basic_constraints
    }

    /// Whether basicConstraints says cA = TRUE.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|b| b.ca)
    }

    /// Whether subject and issuer names are identical (a self-issued certificate).
    pub fn is_self_issued(&self) -> bool {
        self.subject.matches(&self.issuer)
    }

    /// subjectKeyIdentifier.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.ski.as_deref()
    }

    /// authorityKeyIdentifier.
    pub fn authority_key_id(&self) -> Option<&AuthorityKeyId> {
        self.aki.as_ref()
    }

    /// CRL distribution point URLs.
    pub fn crl_urls(&self) -> &[String] {
        &self.crl_urls
    }

    /// freshestCRL (delta CRL) URLs.
    pub fn delta_crl_urls(&self) -> &[String] {
        &self.delta_crl_urls
    }

    /// AIA OCSP responder URLs.
    pub fn ocsp_urls(&self) -> &[String] {
        &self.ocsp_urls
    }

    /// AIA caIssuers URLs.
    pub fn ca_issuer_urls(&self) -> &[String] {
        &self.ca_issuer_urls
    }

    /// Whether the id-pkix-ocsp-nocheck extension is present (OCSP responder certs).
    pub fn has_ocsp_nocheck(&self) -> bool {
        self.ocsp_nocheck
    }

    /// The KZ key-store type OID from extension 1.2.398.3.3.5 (e.g. `1.2.398.3.3.5.1.1`).
    pub fn key_store_oid(&self) -> Option<&str> {
        self.key_store.as_deref()
    }

    /// A name for the key-store type (KZ-PKI.md §1.5), when the OID is known.
    pub fn key_store_name(&self) -> Option<&'static str> {
        key_store_name(self.key_store.as_deref()?)
    }

    /// Every extension, in encoded order.
    pub fn extensions(&self) -> &[ExtensionInfo] {
        &self.extensions
    }

    /// OIDs of critical extensions this crate does not understand (see
    /// [`KNOWN_EXTENSIONS`]); RFC 5280 says such a certificate must be rejected.
    pub fn unknown_critical_extensions(&self) -> &[String] {
        &self.unknown_critical
    }

    /// Re-parse the DER with x509-parser for checks this type does not expose.
    pub fn parsed(&self) -> X509Certificate<'_> {
        // The same bytes parsed successfully when `self` was built: this cannot fail.
        X509Certificate::from_der(&self.der)
            .map(|(_, x)| x)
            .expect("DER was validated when the certificate was parsed")
    }
}

impl PartialEq for KzCertificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for KzCertificate {}

impl std::hash::Hash for KzCertificate {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.der.hash(state);
    }
}

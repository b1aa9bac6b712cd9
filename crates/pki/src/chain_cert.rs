//! [`ChainCert`]: an owned, parsed certificate holding exactly what path building, CRL
//! selection and OCSP need (names as DER, key identifiers, constraints, URLs, the signed
//! bytes). The full Kazakh profile view of a certificate is the profile module's business.

use tanba_crypto::{AlgorithmPolicy, CryptoError, SignatureAlgorithm, SignatureEncoding};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, GeneralName, ParsedExtension, X509Certificate};

use crate::der;

/// OID of id-kp-OCSPSigning.
pub const OID_KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
/// OID of id-pkix-ocsp-nocheck.
pub const OID_OCSP_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
const OID_AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
const OID_AD_CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

/// Key usage bits (RFC 5280 §4.2.1.3), as a bit set: bit *n* = `1 << n`.
pub mod key_usage {
    /// digitalSignature (0).
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    /// nonRepudiation / contentCommitment (1).
    pub const NON_REPUDIATION: u16 = 1 << 1;
    /// keyEncipherment (2).
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    /// keyAgreement (4).
    pub const KEY_AGREEMENT: u16 = 1 << 4;
    /// keyCertSign (5).
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    /// cRLSign (6).
    pub const CRL_SIGN: u16 = 1 << 6;
}

/// Why a certificate could not be read for validation.
#[derive(Debug, thiserror::Error)]
pub enum CertParseError {
    /// Not a DER (or PEM `CERTIFICATE`) X.509 certificate.
    #[error("malformed certificate: {0}")]
    Malformed(String),
}

/// An owned, parsed X.509 certificate with what validation needs.
#[derive(Clone)]
pub struct ChainCert {
    der: Vec<u8>,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    subject: String,
    issuer: String,
    serial: Vec<u8>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    spki_der: Vec<u8>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    basic_constraints: Option<(bool, Option<u32>)>,
    key_usage: Option<u16>,
    eku: Option<Vec<String>>,
    ocsp_nocheck: bool,
    ocsp_urls: Vec<String>,
    ca_issuer_urls: Vec<String>,
    crl_urls: Vec<String>,
    delta_crl_urls: Vec<String>,
    unknown_critical: Vec<String>,
    tbs: Vec<u8>,
    signature_oid: String,
    signature: Vec<u8>,
    iin: Option<String>,
    bin: Option<String>,
}

impl std::fmt::Debug for ChainCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainCert")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("serial", &hex::encode(&self.serial))
            .finish()
    }
}

impl PartialEq for ChainCert {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

fn urls(names: &[GeneralName<'_>], out: &mut Vec<String>) {
    for n in names {
        if let GeneralName::URI(u) = n {
            out.push((*u).to_string());
        }
    }
}

/// The fields of a DER certificate that locate and check a signer without decoding the
/// rest (a lean walk of `tbsCertificate`; the full model is [`ChainCert`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertFields<'a> {
    /// The issuer's name, DER.
    pub issuer: &'a [u8],
    /// The serial number (big-endian, leading zeros removed).
    pub serial: &'a [u8],
    /// The `SubjectPublicKeyInfo`, DER.
    pub spki: &'a [u8],
}

impl<'a> CertFields<'a> {
    /// Read the issuer, serial and key of a DER certificate.
    pub fn read(der: &'a [u8]) -> Result<CertFields<'a>, crate::der::DerError> {
        use crate::der::{tag, Reader};
        let cert = crate::der::single(der, tag::SEQUENCE, "Certificate")?;
        let mut cr = Reader::inside(&cert);
        let tbs = cr.expect(tag::SEQUENCE, "tbsCertificate")?;
        let mut r = Reader::inside(&tbs);
        r.optional(0xa0)?; // version
        let serial = r.expect(tag::INTEGER, "serialNumber")?;
        r.expect(tag::SEQUENCE, "signature")?;
        let issuer = r.expect(tag::SEQUENCE, "issuer")?;
        r.expect(tag::SEQUENCE, "validity")?;
        r.expect(tag::SEQUENCE, "subject")?;
        let spki = r.expect(tag::SEQUENCE, "subjectPublicKeyInfo")?;
        Ok(CertFields {
            issuer: issuer.raw,
            serial: crate::der::trim_integer(serial.value),
            spki: spki.raw,
        })
    }
}

/// Decode PEM `CERTIFICATE` blocks, or take the bytes as one DER certificate.
pub fn certificates_from_pem_or_der(data: &[u8]) -> Result<Vec<Vec<u8>>, CertParseError> {
    // DER starts with a SEQUENCE tag; anything else is read as PEM (text such as
    // openssl's "Bag Attributes" may precede the blocks).
    if data.first() == Some(&0x30) {
        return Ok(vec![data.to_vec()]);
    }
    let Some(start) = data.windows(10).position(|w| w == b"-----BEGIN") else {
        return Err(CertParseError::Malformed(
            "neither DER nor PEM (no -----BEGIN line)".into(),
        ));
    };
    let trimmed = &data[start..];
    let mut out = Vec::new();
    for pem in x509_parser::pem::Pem::iter_from_buffer(trimmed) {
        let pem = pem.map_err(|e| CertParseError::Malformed(format!("PEM: {e}")))?;
        if pem.label == "CERTIFICATE" {
            out.push(pem.contents);
        }
    }
    if out.is_empty() {
        return Err(CertParseError::Malformed(
            "no PEM CERTIFICATE block found".into(),
        ));
    }
    Ok(out)
}

impl ChainCert {
    /// Parse one DER certificate (or the first PEM `CERTIFICATE` block).
    pub fn from_bytes(data: &[u8]) -> Result<Self, CertParseError> {
        let ders = certificates_from_pem_or_der(data)?;
        Self::from_der(&ders[0])
    }

    /// Parse one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, CertParseError> {
        let (rest, cert) =
            X509Certificate::from_der(der).map_err(|e| CertParseError::Malformed(e.to_string()))?;
        if !rest.is_empty() {
            return Err(CertParseError::Malformed(format!(
                "{} bytes of trailing data after the certificate",
                rest.len()
            )));
        }
        let tbs = &cert.tbs_certificate;
        if !der::signed_algorithms_match(der, true).unwrap_or(false) {
            return Err(CertParseError::Malformed(
                "signatureAlgorithm differs from the signature field of tbsCertificate (RFC 5280 4.1.1.2)"
                    .into(),
            ));
        }
        let mut c = ChainCert {
            der: der[..der.len() - rest.len()].to_vec(),
            subject_der: tbs.subject.as_raw().to_vec(),
            issuer_der: tbs.issuer.as_raw().to_vec(),
            subject: display_name(&tbs.subject, "subject"),
            issuer: display_name(&tbs.issuer, "issuer"),
            serial: der::trim_integer(tbs.raw_serial()).to_vec(),
            not_before: tbs.validity.not_before.to_datetime(),
            not_after: tbs.validity.not_after.to_datetime(),
            spki_der: tbs.subject_pki.raw.to_vec(),
            ski: None,
            aki: None,
            basic_constraints: None,
            key_usage: None,
            eku: None,
            ocsp_nocheck: false,
            ocsp_urls: Vec::new(),
            ca_issuer_urls: Vec::new(),
            crl_urls: Vec::new(),
            delta_crl_urls: Vec::new(),
            unknown_critical: Vec::new(),
            tbs: tbs.as_ref().to_vec(),
            signature_oid: cert.signature_algorithm.algorithm.to_id_string(),
            signature: cert.signature_value.data.to_vec(),
            iin: None,
            bin: None,
        };
        for ext in tbs.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(k) => c.ski = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    c.aki = a.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                ParsedExtension::BasicConstraints(b) => {
                    c.basic_constraints = Some((b.ca, b.path_len_constraint))
                }
                ParsedExtension::KeyUsage(k) => c.key_usage = Some(k.flags),
                ParsedExtension::ExtendedKeyUsage(e) => {
                    let mut v = Vec::new();
                    let std = [
                        (e.any, "2.5.29.37.0"),
                        (e.server_auth, "1.3.6.1.5.5.7.3.1"),
                        (e.client_auth, "1.3.6.1.5.5.7.3.2"),
                        (e.code_signing, "1.3.6.1.5.5.7.3.3"),
                        (e.email_protection, "1.3.6.1.5.5.7.3.4"),
                        (e.time_stamping, "1.3.6.1.5.5.7.3.8"),
                        (e.ocsp_signing, OID_KP_OCSP_SIGNING),
                    ];
                    for (set, oid) in std {
                        if set {
                            v.push(oid.to_string());
                        }
                    }
                    v.extend(e.other.iter().map(|o| o.to_id_string()));
                    c.eku = Some(v);
                }
                ParsedExtension::AuthorityInfoAccess(aia) => {
                    for d in aia.iter() {
                        let m = d.access_method.to_id_string();
                        let target = match m.as_str() {
                            OID_AD_OCSP => &mut c.ocsp_urls,
                            OID_AD_CA_ISSUERS => &mut c.ca_issuer_urls,
                            _ => continue,
                        };
                        urls(std::slice::from_ref(&d.access_location), target);
                    }
                }
                ParsedExtension::CRLDistributionPoints(points) => {
                    for p in points.iter() {
                        if let Some(x509_parser::extensions::DistributionPointName::FullName(n)) =
                            &p.distribution_point
                        {
                            urls(n, &mut c.crl_urls);
                        }
                    }
                }
                _ => {
                    let oid = ext.oid.to_id_string();
                    match oid.as_str() {
                        OID_OCSP_NOCHECK => c.ocsp_nocheck = true,
                        // freshestCRL: same syntax as CRLDistributionPoints.
                        "2.5.29.46" => {
                            if let Ok((_, points)) =
                                x509_parser::extensions::CRLDistributionPoints::from_der(ext.value)
                            {
                                for p in points.iter() {
                                    if let Some(
                                        x509_parser::extensions::DistributionPointName::FullName(n),
                                    ) = &p.distribution_point
                                    {
                                        urls(n, &mut c.delta_crl_urls);
                                    }
                                }
                            }
                        }
                        // Handled elsewhere or harmless when critical.
                        "2.5.29.17" | "2.5.29.32" | "2.5.29.18" => {}
                        _ if ext.critical => c.unknown_critical.push(oid),
                        _ => {}
                    }
                }
            }
        }
        for attr in tbs.subject.iter_attributes() {
            let oid = attr.attr_type().to_id_string();
            let Ok(v) = attr.as_str() else { continue };
            match oid.as_str() {
                "2.5.4.5" => {
                    if let Some(d) = v.strip_prefix("IIN") {
                        c.iin = Some(d.to_string());
                    } else if let Some(d) = v.strip_prefix("BIN") {
                        c.bin.get_or_insert_with(|| d.to_string());
                    }
                }
                "2.5.4.11" => {
                    if let Some(d) = v.strip_prefix("BIN") {
                        c.bin = Some(d.to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(c)
    }

    /// The certificate as DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
    /// Subject name (DER).
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }
    /// Issuer name (DER).
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }
    /// Subject for display.
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// Issuer for display.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// Serial number (big-endian, no leading zeros).
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }
    /// notBefore.
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }
    /// notAfter.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }
    /// Whether `at` lies within `[notBefore, notAfter]`.
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }
    /// SubjectPublicKeyInfo (DER).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
    /// Subject key identifier.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.ski.as_deref()
    }
    /// Authority key identifier (keyIdentifier).
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.aki.as_deref()
    }
    /// basicConstraints `(cA, pathLenConstraint)`, if the extension is present.
    pub fn basic_constraints(&self) -> Option<(bool, Option<u32>)> {
        self.basic_constraints
    }
    /// Whether basicConstraints says cA = TRUE.
    pub fn is_ca(&self) -> bool {
        matches!(self.basic_constraints, Some((true, _)))
    }
    /// Key usage bits (see [`key_usage`]), if the extension is present.
    pub fn key_usage(&self) -> Option<u16> {
        self.key_usage
    }
    /// Whether the key usage extension is absent or has all bits of `bits`.
    pub fn key_usage_allows(&self, bits: u16) -> bool {
        self.key_usage.is_none_or(|k| k & bits == bits)
    }
    /// Extended key usage OIDs, if the extension is present.
    pub fn extended_key_usage(&self) -> Option<&[String]> {
        self.eku.as_deref()
    }
    /// Whether the EKU extension lists `oid`.
    pub fn has_eku(&self, oid: &str) -> bool {
        self.eku
            .as_ref()
            .is_some_and(|v| v.iter().any(|o| o == oid))
    }
    /// Whether id-pkix-ocsp-nocheck is present.
    pub fn ocsp_nocheck(&self) -> bool {
        self.ocsp_nocheck
    }
    /// OCSP responder URLs from AIA.
    pub fn ocsp_urls(&self) -> &[String] {
        &self.ocsp_urls
    }
    /// caIssuers URLs from AIA.
    pub fn ca_issuer_urls(&self) -> &[String] {
        &self.ca_issuer_urls
    }
    /// CRL distribution point URLs.
    pub fn crl_urls(&self) -> &[String] {
        &self.crl_urls
    }
    /// freshestCRL (delta CRL) URLs.
    pub fn delta_crl_urls(&self) -> &[String] {
        &self.delta_crl_urls
    }
    /// Critical extensions this crate does not process.
    pub fn unknown_critical_extensions(&self) -> &[String] {
        &self.unknown_critical
    }
    /// IIN digits from `SERIALNUMBER=IIN…`, unvalidated.
    pub fn iin(&self) -> Option<&str> {
        self.iin.as_deref()
    }
    /// BIN digits from `OU=BIN…` (or `SERIALNUMBER=BIN…`), unvalidated.
    pub fn bin(&self) -> Option<&str> {
        self.bin.as_deref()
    }
    /// Signature algorithm OID.
    pub fn signature_oid(&self) -> &str {
        &self.signature_oid
    }
    /// Whether subject and issuer names are equal.
    pub fn is_self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }
    /// SHA-256 fingerprint of the DER encoding.
    pub fn sha256_fingerprint(&self) -> Vec<u8> {
        tanba_crypto::DigestAlgorithm::Sha256.digest(&self.der)
    }

    /// Whether `issuer` plausibly issued this certificate: names chain, and the AKI equals
    /// the issuer's SKI when both are present.
    pub fn names_issuer(&self, issuer: &ChainCert) -> bool {
        if self.issuer_der != issuer.subject_der {
            return false;
        }
        match (self.aki.as_deref(), issuer.ski.as_deref()) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        }
    }

    /// Verify this certificate's signature with `issuer_spki_der`.
    pub fn verify_signed_by(
        &self,
        issuer_spki_der: &[u8],
        policy: &AlgorithmPolicy,
    ) -> Result<(), CryptoError> {
        verify_signed(
            &self.signature_oid,
            issuer_spki_der,
            &self.tbs,
            &self.signature,
            policy,
        )
    }
}

/// Verify an X.509-style signature (`alg_oid` over `tbs`) with a DER SPKI.
pub(crate) fn verify_signed(
    alg_oid: &str,
    spki_der: &[u8],
    tbs: &[u8],
    signature: &[u8],
    policy: &AlgorithmPolicy,
) -> Result<(), CryptoError> {
    let alg = SignatureAlgorithm::from_oid(alg_oid)?;
    tanba_crypto::verify_signature(
        alg,
        spki_der,
        tbs,
        signature,
        SignatureEncoding::X509,
        policy,
    )
}

/// A name as every report of the workspace writes it (the one rendering of
/// [`crate::DistinguishedName`]: `SURNAME=`, `SERIALNUMBER=`, `GIVENNAME=`…), or as
/// x509-parser renders it when a value cannot be decoded.
fn display_name(name: &x509_parser::x509::X509Name<'_>, what: &str) -> String {
    crate::name::DistinguishedName::from_x509(name, what)
        .map(|n| n.to_string())
        .unwrap_or_else(|_| name.to_string())
}

#[cfg(test)]
mod cert_fields_tests {
    use super::*;

    #[test]
    fn the_lean_fields_agree_with_the_full_model_on_the_nca_certificates() {
        for rel in [
            "certs/individual_valid_sign_2004_rsa.cer",
            "certs/ceo_valid_sign_2004_gost.cer",
            "ca/nca_gost2015_test.cer",
        ] {
            let der =
                certificates_from_pem_or_der(&tanba_testdata::read_nca(rel)).unwrap()[0].clone();
            let full = ChainCert::from_der(&der).unwrap();
            let lean = CertFields::read(&der).unwrap();
            assert_eq!(lean.spki, full.spki_der(), "{rel}");
            assert_eq!(lean.issuer, full.issuer_der(), "{rel}");
            assert_eq!(
                lean.serial,
                crate::der::trim_integer(full.serial()),
                "{rel}"
            );
        }
    }

    #[test]
    fn malformed_certificates_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"\x30",
            b"\x30\x05\x30\x03\x02\x01",
            b"\x04\x00",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x00\x00",
        ] {
            assert!(CertFields::read(bad).is_err(), "{bad:?}");
        }
    }
}

//! NCANode's `CertificateInfo`, `CertificateSubject` and `RevocationStatus` objects
//! (NCANODE-API.md §2.6–2.8), rendered from a certificate and the verification core's
//! judgement of it.

use base64::Engine as _;
use serde::Serialize;
use tanba_pki::{CheckKind, EvidenceKind, KeyUsageClass, KzCertificate, RevocationReason};
use time::OffsetDateTime;

/// One certificate as NCANode describes it. Null fields are omitted, as NCANode does.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    /// The certificate (and, in a signer entry, the signature) passed.
    pub valid: bool,
    /// One entry per revocation source that answered; `[]` when none was asked for.
    pub revocations: Vec<RevocationEntry>,
    /// Start of validity.
    pub not_before: String,
    /// End of validity.
    pub not_after: String,
    /// `SIGN`, `AUTH` or `UNKNOWN`.
    pub key_usage: &'static str,
    /// Serial number, lowercase hex without leading zeros.
    pub serial_number: String,
    /// The certificate's signature algorithm in Kalkan's JCA naming.
    pub sign_alg: String,
    /// Roles from the extended key usage (unknown OIDs dropped; `[]` without the
    /// extension).
    pub key_user: Vec<&'static str>,
    /// The SubjectPublicKeyInfo (base64 DER).
    pub public_key: String,
    /// The CA's signature over the certificate (base64).
    pub signature: String,
    /// The subject.
    pub subject: Subject,
    /// The issuer.
    pub issuer: Subject,
}

/// A distinguished name as NCANode scans it. Null fields are omitted.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    /// CN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// SURNAME.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sur_name: Option<String>,
    /// EMAILADDRESS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// O.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// SERIALNUMBER without `IIN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iin: Option<String>,
    /// SERIALNUMBER starting with `BIN`, or OU, without `BIN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    /// C.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// L.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// The whole name as Java's `X500Principal.toString()` renders it.
    pub dn: String,
}

/// One revocation answer. Every field is present (`null` when empty), as NCANode emits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevocationEntry {
    /// Listed as revoked.
    pub revoked: bool,
    /// `CRL` or `OCSP`.
    pub by: &'static str,
    /// When revoked.
    pub revocation_time: Option<String>,
    /// CRL: the reason's Java `CRLReason` name (`null` when not revoked); OCSP: `"OK"`
    /// for an answer, else what went wrong.
    pub reason: Option<String>,
}

/// The revocation sources a request asked for (`revocationCheck`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked {
    /// `"OCSP"` was in the set.
    pub ocsp: bool,
    /// `"CRL"` was in the set.
    pub crl: bool,
}

impl Asked {
    /// The core's sources for this set: OCSP first, then CRL, as the 2026 rules order
    /// them; nothing when the set is empty.
    pub fn sources(self) -> tanba_pki::RevocationSources {
        use tanba_pki::RevocationSources as S;
        match (self.ocsp, self.crl) {
            (true, true) => S::OcspThenCrl,
            (true, false) => S::OcspOnly,
            (false, true) => S::CrlOnly,
            (false, false) => S::None,
        }
    }
}

/// NCANode's date layout: `2022-05-02T08:38:13.000+00:00`, always UTC.
pub fn date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// `CertificateInfo` of `der`, judged by `report` (the core's certificate report; `None`
/// when the certificate was not validated) and `signature_ok` (for a signer: its
/// signature verified). `None` when the certificate does not parse.
pub fn certificate_info(
    der: &[u8],
    valid: bool,
    report: Option<&tanba_pki::Report>,
    asked: Asked,
) -> Option<CertificateInfo> {
    let c = KzCertificate::from_der(der).ok()?;
    Some(CertificateInfo {
        valid,
        revocations: report.map_or_else(Vec::new, |r| revocations(r, asked)),
        not_before: date(c.not_before()),
        not_after: date(c.not_after()),
        key_usage: match c.key_usage_class() {
            KeyUsageClass::Sign => "SIGN",
            KeyUsageClass::Auth => "AUTH",
            KeyUsageClass::Other => "UNKNOWN",
        },
        serial_number: serial(c.serial_bytes()),
        sign_alg: sign_alg(c.signature_algorithm_oid()),
        key_user: c
            .extended_key_usage()
            .unwrap_or_default()
            .iter()
            .filter_map(|o| key_user(o))
            .collect(),
        public_key: b64(c.spki_der()),
        signature: b64(c.signature_value()),
        subject: subject(c.subject()),
        issuer: subject(c.issuer()),
    })
}

fn b64(v: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(v)
}

/// Lowercase hex of the serial as a positive integer, no leading zeros.
fn serial(bytes: &[u8]) -> String {
    let h = hex::encode(bytes);
    let t = h.trim_start_matches('0');
    if t.is_empty() {
        "0".into()
    } else {
        t.into()
    }
}

/// The JCA name Kalkan gives a certificate's signature algorithm (unknown: the OID).
fn sign_alg(oid: &str) -> String {
    use tanba_crypto::SignatureAlgorithm as A;
    match A::from_oid(oid) {
        Ok(A::RsaPkcs1Sha1) => "SHA1WithRSAEncryption",
        Ok(A::RsaPkcs1Sha256) => "SHA256WithRSAEncryption",
        Ok(A::RsaPkcs1Sha384) => "SHA384WithRSAEncryption",
        Ok(A::RsaPkcs1Sha512) => "SHA512WithRSAEncryption",
        Ok(A::Gost2004) => "ECGOST34310",
        Ok(A::Gost2015_512) => "ECGOST3410-2015-512",
        Ok(A::Gost2015_256) => "ECGOST3410-2015-256",
        _ => oid,
    }
    .to_string()
}

/// NCANode's `keyUser` value of an extended-key-usage OID.
fn key_user(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.398.3.3.4.1.1" => "INDIVIDUAL",
        "1.2.398.3.3.4.1.2" => "ORGANIZATION",
        "1.2.398.3.3.4.1.2.1" => "CEO",
        "1.2.398.3.3.4.1.2.2" => "CAN_SIGN",
        "1.2.398.3.3.4.1.2.3" => "CAN_SIGN_FINANCIAL",
        "1.2.398.3.3.4.1.2.4" => "HR",
        "1.2.398.3.3.4.1.2.5" => "EMPLOYEE",
        "1.2.398.3.3.4.2" => "NCA_PRIVILEGES",
        "1.2.398.3.3.4.2.1" => "NCA_ADMIN",
        "1.2.398.3.3.4.2.2" => "NCA_MANAGER",
        "1.2.398.3.3.4.2.3" => "NCA_OPERATOR",
        "1.2.398.3.3.4.3" => "IDENTIFICATION",
        "1.2.398.3.3.4.3.1" => "IDENTIFICATION_CON",
        "1.2.398.3.3.4.3.2" => "IDENTIFICATION_REMOTE",
        "1.2.398.3.3.4.3.2.1" => "IDENTIFICATION_REMOTE_DIGITAL_ID",
        _ => return None,
    })
}

/// The keyword Java's `X500Principal.toString()` writes for an attribute (unknown: the
/// dotted OID).
fn java_keyword(oid: &str) -> &str {
    match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SURNAME",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "2.5.4.42" => "GIVENNAME",
        "2.5.4.43" => "INITIALS",
        "2.5.4.44" => "GENERATION",
        "2.5.4.46" => "DNQUALIFIER",
        "1.2.840.113549.1.9.1" => "EMAILADDRESS",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        other => other,
    }
}

/// A value quoted as Java's RFC 1779 rendering quotes it: in `"…"` (with `\` before `"`
/// and `\`) when it holds a special character or starts or ends with a space.
fn java_value(v: &str) -> String {
    let special = v.chars().any(|c| {
        matches!(
            c,
            ',' | '+' | '=' | '\n' | '<' | '>' | '#' | ';' | '\\' | '"'
        )
    });
    if special || v.starts_with(' ') || v.ends_with(' ') || v.is_empty() {
        let mut out = String::from("\"");
        for c in v.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    } else {
        v.to_string()
    }
}

/// The name rendered as Java does (RDNs in reverse DER order, `", "` between them, `" + "`
/// inside a multi-valued RDN) and scanned into NCANode's fields.
fn subject(name: &tanba_pki::DistinguishedName) -> Subject {
    let attrs = name.attributes();
    let mut rdns: Vec<Vec<String>> = Vec::new();
    let mut last_rdn = usize::MAX;
    let mut s = Subject::default();
    for a in attrs {
        let text = format!("{}={}", java_keyword(&a.oid), java_value(&a.value));
        if a.rdn == last_rdn {
            if let Some(r) = rdns.last_mut() {
                r.push(text);
            }
        } else {
            rdns.push(vec![text]);
            last_rdn = a.rdn;
        }
        // DER order = right to left in the rendered name: the last one seen wins
        let v = Some(a.value.clone());
        match a.oid.as_str() {
            "2.5.4.3" => s.common_name = v,
            "2.5.4.4" => s.sur_name = v,
            "1.2.840.113549.1.9.1" => s.email = v,
            "2.5.4.10" => s.organization = v,
            "2.5.4.6" => s.country = v,
            "2.5.4.7" => s.locality = v,
            "2.5.4.5" => match a.value.strip_prefix("BIN") {
                Some(bin) => s.bin = Some(bin.to_string()),
                None => s.iin = Some(a.value.strip_prefix("IIN").unwrap_or(&a.value).to_string()),
            },
            "2.5.4.11" => s.bin = Some(a.value.strip_prefix("BIN").unwrap_or(&a.value).to_string()),
            _ => {}
        }
    }
    s.dn = rdns
        .iter()
        .rev()
        .map(|r| r.join(" + "))
        .collect::<Vec<_>>()
        .join(", ");
    s
}

/// Java's `CRLReason` name of a reason.
fn crl_reason(r: RevocationReason) -> &'static str {
    use RevocationReason::*;
    match r {
        Unspecified => "UNSPECIFIED",
        KeyCompromise => "KEY_COMPROMISE",
        CaCompromise => "CA_COMPROMISE",
        AffiliationChanged => "AFFILIATION_CHANGED",
        Superseded => "SUPERSEDED",
        CessationOfOperation => "CESSATION_OF_OPERATION",
        CertificateHold => "CERTIFICATE_HOLD",
        RemoveFromCrl => "REMOVE_FROM_CRL",
        PrivilegeWithdrawn => "PRIVILEGE_WITHDRAWN",
        AaCompromise => "AA_COMPROMISE",
    }
}

/// The end-entity certificate's revocation answers: the source that decided (CRL or
/// OCSP, with its time and reason); when none could decide, one entry per source asked,
/// carrying why.
fn revocations(report: &tanba_pki::Report, asked: Asked) -> Vec<RevocationEntry> {
    let Some(check) = report
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
    else {
        return Vec::new();
    };
    if check.outcome == tanba_pki::Outcome::Skipped {
        return Vec::new();
    }
    match check.revocation {
        Some(e) => {
            let revoked = check.cause == Some(tanba_pki::Cause::Revoked);
            let (by, reason) = match e.by {
                EvidenceKind::Crl => ("CRL", e.reason.filter(|_| revoked).map(crl_reason)),
                EvidenceKind::Ocsp => (
                    "OCSP",
                    Some(
                        if check.cause == Some(tanba_pki::Cause::UnknownCertificate) {
                            "Unknown status"
                        } else {
                            "OK"
                        },
                    ),
                ),
            };
            vec![RevocationEntry {
                revoked,
                by,
                revocation_time: e.revoked_at.filter(|_| revoked).map(date),
                reason: reason.map(str::to_string),
            }]
        }
        None => {
            let mut out = Vec::new();
            let mut push = |by| {
                out.push(RevocationEntry {
                    revoked: false,
                    by,
                    revocation_time: None,
                    reason: Some(check.detail.clone()),
                })
            };
            if asked.crl {
                push("CRL");
            }
            if asked.ocsp {
                push("OCSP");
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_milliseconds_and_a_colon_offset() {
        let t = time::macros::datetime!(2022-05-02 13:38:13.25 +05:00);
        assert_eq!(date(t), "2022-05-02T08:38:13.250+00:00");
    }

    #[test]
    fn values_are_quoted_as_java_quotes_them() {
        assert_eq!(java_value("ТОО \"Рога\""), "\"ТОО \\\"Рога\\\"\"");
        assert_eq!(java_value("KZ"), "KZ");
        assert_eq!(java_value("a, b"), "\"a, b\"");
    }

    #[test]
    fn serials_lose_leading_zeros() {
        assert_eq!(serial(&[0x00, 0x0a, 0xbc]), "abc");
        assert_eq!(serial(&[0]), "0");
    }
}

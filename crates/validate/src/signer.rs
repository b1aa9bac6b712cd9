//! One signer's report: what the engines found (tanba-dsig, tanba-wss) turned into checks
//! with rules and an ETSI indication, plus the expected identity and the certificate.

use base64::Engine as _;
use tanba_dsig::{DsigError, SignatureOutcome, SignedNode};
use tanba_pki::{
    Cause, ChainCert, CheckKind, ExpectedIdentity, KzCertificate, Outcome, SignerInfo, Validator,
};
use tanba_wss::{SignedPart, TokenReference, VerifiedEnvelope, WssError};
use tanba_xml::Document;

use crate::indication::{Failed, Indication, Undetermined};
use crate::location::{Location, Locator};
use crate::report::{
    Algorithm, CheckMode, CheckOutcome, CheckReport, Digest, KeySource, Layer, SignedKind,
    SignerReport, TimestampReport, TransportReport,
};

/// The rules the checks implement. Point numbers of orders 500/НҚ and 522/НҚ follow the
/// reading in KZ-2026-LANDSCAPE.md.
pub(crate) mod rule {
    pub const XMLDSIG: &str = "W3C XMLDSig 1.1 §3.2 core validation (references, signature value)";
    pub const WSS: &str =
        "OASIS WS-Security 1.1 X.509 token profile; SMARTBRIDGE.md §6.7 (the signed Body is this envelope's Body)";
    pub const EXPECTED: &str = "the caller's expected signer identity (IIN / BIN)";
    pub const CHAIN: &str = "500/НҚ п.16.1: a path to a trusted root, every signature verifies";
    pub const VALIDITY: &str =
        "500/НҚ п.16.1: every certificate of the chain valid at the validation time";
    pub const KEY_USAGE: &str = "500/НҚ п.16.4: key usage fit for the signature";
    pub const ROLE: &str = "the caller's required role (extended key usage)";
    pub const IDENTIFIER: &str = "522/НҚ: IIN / BIN of the subject well-formed";
    pub const REVOCATION: &str =
        "500/НҚ п.16.2, 18.5, 19.7: OCSP or CRL; an expired CRL, OCSP unknown or no answer is negative";
    pub const PARSE: &str = "RFC 5280: a well-formed X.509 certificate";
    pub const NOT_CHECKED: &str = "certificate validation (not requested)";
    pub const CMS_DIGEST: &str =
        "RFC 5652 §5.4, 11.2: messageDigest equals the digest of the content";
    pub const CMS_SIGNATURE: &str =
        "RFC 5652 §5.4, 5.6: the signature over the signed attributes as received";
    pub const CMS_CONTENT_TYPE: &str = "RFC 5652 §11.1: contentType equals eContentType";
    pub const CMS_SIGNING_CERTIFICATE: &str =
        "RFC 5035 §5.4 (CAdES, 500/НҚ п.8): signingCertificateV2 binds the signer certificate";
    pub const CMS_TIME_STAMP: &str =
        "500/НҚ п.14, 17; RFC 3161: the TSA signature, its timeStamping EKU and trust, the imprint over the signature value";
    pub const CMS_SIGNING_TIME: &str =
        "500/НҚ п.14: a claimed signingTime proves nothing; the validation time is a verified time stamp's genTime, else the caller's, else now";
}

pub(crate) fn empty(
    layer: Layer,
    payload: Option<Location>,
    element: Option<Location>,
) -> SignerReport {
    SignerReport {
        index: 0,
        indication: Indication::TotalPassed,
        layer,
        signed: None,
        references: Vec::new(),
        algorithm: None,
        identity: None,
        certificate_der: None,
        checks: Vec::new(),
        payload,
        element,
        signing_order: None,
        mode: None,
        key_source: None,
        transport: None,
        certificate: None,
        error: None,
        validation_time: None,
        time_stamp: None,
        level: None,
    }
}

pub(crate) fn check(
    name: &'static str,
    outcome: CheckOutcome,
    reason: String,
    rule: &'static str,
) -> CheckReport {
    CheckReport {
        name,
        outcome,
        reason,
        rule,
    }
}

fn b64(v: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(v)
}

/// What an XMLDSig error means.
fn dsig_indication(e: &DsigError) -> Indication {
    use DsigError as E;
    match e {
        E::DigestMismatch { .. } => Indication::TotalFailed(Failed::HashFailure),
        E::BadSignatureValue { .. } => Indication::TotalFailed(Failed::SigCryptoFailure),
        E::IdNotFound { .. } => Indication::Indeterminate(Undetermined::SignedDataNotFound),
        E::NoKey { .. } | E::BadKeyValue { .. } | E::BadCertificate { .. } => {
            Indication::Indeterminate(Undetermined::NoSigningCertificateFound)
        }
        E::LegacyAlgorithmRefused { .. } | E::Crypto(_) => {
            Indication::Indeterminate(Undetermined::CryptoConstraintsFailure)
        }
        E::UnsupportedAlgorithm { role, .. } if *role != tanba_dsig::AlgorithmRole::Transform => {
            Indication::Indeterminate(Undetermined::CryptoConstraintsFailure)
        }
        _ => Indication::TotalFailed(Failed::FormatFailure),
    }
}

/// What a WS-Security error means.
fn wss_indication(e: &WssError) -> Indication {
    match e {
        WssError::DigestMismatch { .. } => Indication::TotalFailed(Failed::HashFailure),
        WssError::BadSignatureValue(_) => Indication::TotalFailed(Failed::SigCryptoFailure),
        WssError::Algorithm(_) => Indication::Indeterminate(Undetermined::CryptoConstraintsFailure),
        WssError::Token(_) => Indication::Indeterminate(Undetermined::NoSigningCertificateFound),
        WssError::Timestamp(_) | WssError::RequiredPartNotSigned(_) => {
            Indication::Indeterminate(Undetermined::SigConstraintsFailure)
        }
        _ => Indication::TotalFailed(Failed::FormatFailure),
    }
}

/// A failed signature: its indication, one failed check and the others not checked.
fn failed_signature(
    r: &mut SignerReport,
    name: &'static str,
    rule: &'static str,
    why: String,
    ind: Indication,
) {
    r.indication = ind;
    r.checks
        .push(check(name, CheckOutcome::Failed, why.clone(), rule));
    r.error = Some(why);
}

/// A transport signature entry from the WS-Security verifier's result.
pub(crate) fn transport(
    r: &mut SignerReport,
    result: &Result<VerifiedEnvelope, WssError>,
) -> Option<Vec<u8>> {
    r.mode = Some(CheckMode::WsSecurity);
    let v = match result {
        Err(e) => {
            failed_signature(
                r,
                "wss_profile",
                rule::WSS,
                format!("transport signature: {e}"),
                wss_indication(e),
            );
            return None;
        }
        Ok(v) => v,
    };
    r.signing_order = Some(0);
    r.algorithm = Some(Algorithm {
        name: v.signature_algorithm.name(),
        id: v.signature_algorithm.xml_uri(),
    });
    r.key_source = Some(KeySource::Certificate);
    r.identity = SignerInfo::from_der(&v.signer_certificate);
    r.certificate_der = Some(v.signer_certificate.clone());
    let doc = v.document();
    let mut locator = Locator::new(doc);
    r.references = v
        .signed_parts
        .iter()
        .map(|p| {
            let (part, id) = match p {
                SignedPart::Body { id } => ("body", id),
                SignedPart::Timestamp { id } => ("timestamp", id),
                SignedPart::SecurityToken { id } => ("token", id),
                SignedPart::Header { id, .. } => ("header", id),
            };
            let el = doc.find_by_id(id).ok().flatten();
            crate::report::Signed {
                kind: SignedKind::Element,
                uri: format!("#{id}"),
                element: el.map(|e| locator.locate(e)),
                id: Some(id.clone()),
                digest: None,
                inside_own_signature: false,
                excluded: Vec::new(),
                part: Some(part),
                size: None,
            }
        })
        .collect();
    r.signed = r
        .references
        .iter()
        .find(|s| s.part == Some("body"))
        .cloned();
    r.transport = Some(TransportReport {
        token: match &v.token {
            TokenReference::KeyIdentifier => "KeyIdentifier".to_owned(),
            TokenReference::BinarySecurityToken { id } => format!("BinarySecurityToken #{id}"),
            TokenReference::X509Certificate => "X509Certificate".to_owned(),
            TokenReference::IssuerSerial { .. } => "X509IssuerSerial (pinned)".to_owned(),
            TokenReference::ThumbprintSha1 => "ThumbprintSHA1 (pinned)".to_owned(),
        },
        timestamp: v.timestamp.map(|t| TimestampReport {
            created: tanba_wss::datetime::format(t.created),
            expires: t.expires.map(tanba_wss::datetime::format),
        }),
    });
    let parts: Vec<String> = r
        .references
        .iter()
        .map(|s| {
            format!(
                "{} (#{})",
                s.part.unwrap_or("?"),
                s.id.as_deref().unwrap_or("")
            )
        })
        .collect();
    r.checks.push(check(
        "wss_profile",
        CheckOutcome::Passed,
        format!(
            "the transport signature verifies and covers this envelope's Body; signed: {}{}",
            parts.join(", "),
            if v.timestamp.is_some() {
                "; the Timestamp is inside its window"
            } else {
                ""
            }
        ),
        rule::WSS,
    ));
    Some(v.signer_certificate.clone())
}

/// An XMLDSig signature entry from tanba-dsig's outcome.
pub(crate) fn xmldsig(
    r: &mut SignerReport,
    doc: &Document,
    s: &SignatureOutcome,
    locator: &mut Locator<'_>,
) -> Option<Vec<u8>> {
    let v = match &s.result {
        Err(e) => {
            let name = match e {
                DsigError::DigestMismatch { .. } => "signature_references",
                DsigError::BadSignatureValue { .. } => "signature_value",
                _ => "signature_format",
            };
            failed_signature(r, name, rule::XMLDSIG, e.to_string(), dsig_indication(e));
            return None;
        }
        Ok(v) => v,
    };
    r.signing_order = Some(v.signing_order);
    r.mode = Some(match v.mode {
        tanba_dsig::CheckMode::Standard => CheckMode::Standard,
        tanba_dsig::CheckMode::Peeled { .. } => CheckMode::Peeled,
    });
    r.algorithm = Some(Algorithm {
        name: v.signature_algorithm.name(),
        id: v.signature_algorithm.xml_uri(),
    });
    r.key_source = Some(match v.key_source {
        tanba_dsig::KeySource::Supplied => KeySource::Supplied,
        tanba_dsig::KeySource::Certificate(_) => KeySource::Certificate,
        tanba_dsig::KeySource::KeyValue { .. } => KeySource::KeyValue,
        tanba_dsig::KeySource::DerEncodedKeyValue { .. } => KeySource::DerEncodedKeyValue,
    });
    let cert = v.signer_certificate_der().map(<[u8]>::to_vec);
    r.identity = cert.as_deref().and_then(SignerInfo::from_der);
    r.certificate_der = cert.clone();
    r.references = v
        .references
        .iter()
        .map(|rf| {
            let (kind, element) = match rf.signed_node {
                SignedNode::Document => (SignedKind::Document, None),
                SignedNode::Element(e) => (SignedKind::Element, Some(e)),
                SignedNode::DecodedText(e) => (SignedKind::Content, Some(e)),
            };
            crate::report::Signed {
                kind,
                uri: rf.uri.to_uri_string(),
                element: element.map(|e| locator.locate(e)),
                id: element.and_then(|e| doc.ids(e).next().map(str::to_owned)),
                digest: Some(Digest {
                    algorithm: rf.digest_algorithm.xml_uri().to_owned(),
                    value: b64(&rf.digest_value),
                }),
                inside_own_signature: rf.inside_own_signature,
                excluded: rf.excluded.iter().map(|&x| locator.locate(x)).collect(),
                part: None,
                size: None,
            }
        })
        .collect();
    r.signed = r.references.first().cloned();
    r.checks.push(check(
        "signature",
        CheckOutcome::Passed,
        format!(
            "{} reference(s) match their digests and the signature value verifies{}",
            v.references.len(),
            match (&v.mode, &v.key_source) {
                (_, k) if k.is_bare_key() =>
                    " (with a bare key from KeyInfo: the signer cannot be established)",
                (tanba_dsig::CheckMode::Peeled { .. }, _) =>
                    " (with the later signatures removed, as Kalkan adds them)",
                _ => "",
            }
        ),
        rule::XMLDSIG,
    ));
    cert
}

/// The expected IIN / BIN compared with the signer's certificate.
pub(crate) fn identity(r: &mut SignerReport, expected: &ExpectedIdentity, cert: Option<&[u8]>) {
    let kz = cert.and_then(|d| KzCertificate::from_der(d).ok());
    for c in expected.check(kz.as_ref()) {
        let name = match c.kind {
            tanba_pki::IdKind::Iin => "expected_iin",
            tanba_pki::IdKind::Bin => "expected_bin",
        };
        let outcome = if c.passed {
            CheckOutcome::Passed
        } else {
            r.indication = r.indication.worst(Indication::Indeterminate(
                Undetermined::SigConstraintsFailure,
            ));
            CheckOutcome::Failed
        };
        r.checks
            .push(check(name, outcome, c.detail, rule::EXPECTED));
    }
}

/// The signer's certificate validated (or the reason it could not be).
pub(crate) fn certificate(
    r: &mut SignerReport,
    validator: &Validator,
    policy: &tanba_pki::Policy,
    cert: Option<&[u8]>,
    extra: &[ChainCert],
) {
    let Some(der) = cert else {
        r.indication = r.indication.worst(Indication::Indeterminate(
            Undetermined::NoSigningCertificateFound,
        ));
        r.checks.push(check(
            "certificate",
            CheckOutcome::Failed,
            "no certificate: the key came without one, so the signer cannot be established".into(),
            rule::CHAIN,
        ));
        return;
    };
    let report = validator.validate_with(der, extra, policy);
    for c in &report.checks {
        let (name, rl) = match c.kind {
            CheckKind::Parse => ("certificate_parse", rule::PARSE),
            CheckKind::Path => ("certificate_chain", rule::CHAIN),
            CheckKind::Validity => ("certificate_validity", rule::VALIDITY),
            CheckKind::KeyUsage => ("certificate_key_usage", rule::KEY_USAGE),
            CheckKind::Role => ("certificate_role", rule::ROLE),
            CheckKind::Identifier => ("certificate_identifier", rule::IDENTIFIER),
            CheckKind::Revocation => ("certificate_revocation", rule::REVOCATION),
        };
        let outcome = match c.outcome {
            Outcome::Pass => CheckOutcome::Passed,
            Outcome::Fail => CheckOutcome::Failed,
            Outcome::Unknown => CheckOutcome::Indeterminate,
            Outcome::Skipped => CheckOutcome::NotChecked,
        };
        let reason = match &c.subject {
            Some(s) if c.kind == CheckKind::Validity || c.kind == CheckKind::Revocation => {
                format!("{s}: {}", c.detail)
            }
            _ => c.detail.clone(),
        };
        r.checks.push(check(name, outcome, reason, rl));
    }
    if !report.is_valid() {
        r.indication = r.indication.worst(certificate_indication(&report));
    }
    r.certificate = Some(report);
}

/// The indication a refused certificate report gives, from its first decisive problem:
/// revoked or not yet valid (proven wrong) before anything undecided.
fn certificate_indication(report: &tanba_pki::Report) -> Indication {
    let failures: Vec<&tanba_pki::Check> = report.failures().collect();
    let has = |cause: Cause| failures.iter().any(|c| c.cause == Some(cause));
    if has(Cause::Revoked) || has(Cause::NotIssued) {
        return Indication::TotalFailed(Failed::Revoked);
    }
    if has(Cause::NotYetValid) {
        return Indication::TotalFailed(Failed::NotYetValid);
    }
    let kind = |k: CheckKind| failures.iter().any(|c| c.kind == k);
    Indication::Indeterminate(if kind(CheckKind::Parse) {
        Undetermined::CertificateChainGeneralFailure
    } else if kind(CheckKind::Path) {
        Undetermined::NoCertificateChainFound
    } else if has(Cause::Expired) {
        Undetermined::OutOfBoundsNoPoe
    } else if kind(CheckKind::KeyUsage) || kind(CheckKind::Role) || kind(CheckKind::Identifier) {
        Undetermined::ChainConstraintsFailure
    } else {
        Undetermined::TryLater
    })
}

/// The check a report carries when certificates were not validated.
pub(crate) fn not_checked(r: &mut SignerReport) {
    r.checks.push(check(
        "certificate",
        CheckOutcome::NotChecked,
        "certificate validation not requested (--no-cert-check): trust, validity and revocation were not judged".into(),
        rule::NOT_CHECKED,
    ));
}

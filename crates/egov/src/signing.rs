//! Signing applications in the seeds' order (`004_…` L149–157): check the signer's
//! certificate first — validity, revocation, SIGN key usage, IIN/BIN equal to the
//! applicant's (a BIN applicant's signer must carry the same BIN and a role entitled to
//! sign) — refuse with "authenticity of the EDS not confirmed" when a check fails, then
//! sign (enveloped XMLDSig, Kalkan profile). An operator countersignature adds a second
//! signature over the application, the applicant's signature and the attachment digests.

use std::path::Path;

use serde::Serialize;
use tanba_crypto::Signer;
use tanba_pki::{Report, ValidationTime};

use crate::application::{ApplicantKind, Application};
use crate::attachment::{verify_attachments, AttachmentCheck, AttachmentStatus};
use crate::checker::{CertChecker, Requirement};
use crate::error::EgovError;
use crate::signer_info::{SignerInfo, ORGANIZATION_EMPLOYEE_ROLES, ORGANIZATION_SIGNING_ROLES};
use crate::values::TaxId;
use crate::xml_in::DSIG_NS;

/// What the applicant's certificate must satisfy for this application: a SIGN key and
/// the applicant's identifier — or, when a representative applies under a power of
/// attorney, the representative's IIN.
pub fn applicant_requirement(app: &Application) -> Requirement {
    let mut req = Requirement::sign_now();
    if let Some(r) = &app.representative {
        req.expected_iin = Some(r.iin.to_string());
        return req;
    }
    match (&app.applicant.id, app.applicant.kind) {
        (TaxId::Bin(bin), _) => {
            req.expected_bin = Some(bin.to_string());
            req.any_role = ORGANIZATION_SIGNING_ROLES.to_vec();
        }
        (TaxId::Iin(iin), ApplicantKind::Individual | ApplicantKind::IndividualEntrepreneur)
        | (TaxId::Iin(iin), ApplicantKind::LegalEntity) => {
            req.expected_iin = Some(iin.to_string());
        }
    }
    req
}

fn refusal(report: &Report) -> EgovError {
    let failed = report
        .failures()
        .map(|c| format!("{}: {}", check_kind_name(c.kind), c.detail))
        .collect();
    EgovError::EdsNotConfirmed { failed }
}

/// The name of a pki check kind in reports.
pub fn check_kind_name(k: tanba_pki::CheckKind) -> &'static str {
    use tanba_pki::CheckKind::*;
    match k {
        Parse => "certificate",
        Path => "chain",
        Validity => "validity",
        KeyUsage => "key usage",
        Role => "role",
        Identifier => "identifier",
        Revocation => "revocation",
    }
}

fn signer_certificate(signer: &dyn Signer) -> Result<(&[u8], &[Vec<u8>]), EgovError> {
    let chain = signer.certificate_chain();
    match chain.first() {
        Some(c) => Ok((c.as_slice(), chain)),
        None => Err(EgovError::EdsNotConfirmed {
            failed: vec!["certificate: the key has no certificate".into()],
        }),
    }
}

/// The pre-sign checks alone: the signer's certificate against the application.
/// `Ok(report)` when every check passed; otherwise [`EgovError::EdsNotConfirmed`] naming
/// each failed check.
pub fn presign_check(
    app: &Application,
    cert: &[u8],
    chain: &[Vec<u8>],
    checker: &CertChecker,
) -> Result<Report, EgovError> {
    let req = applicant_requirement(app);
    let report = checker.check(cert, chain, &req);
    if !report.is_valid() {
        return Err(refusal(&report));
    }
    if !req.any_role.is_empty() {
        legal_entity_marker(cert)?;
    }
    Ok(report)
}

/// A certificate used for an organisation must carry the legal-entity marker EKU
/// (1.2.398.3.3.4.1.2) besides its role (KZ-PKI.md §5.1 rule 2).
fn legal_entity_marker(cert: &[u8]) -> Result<(), EgovError> {
    let ok = tanba_pki::KzCertificate::from_der(cert)
        .map(|c| c.has_role(tanba_pki::Role::LegalEntity))
        .unwrap_or(false);
    if ok {
        Ok(())
    } else {
        Err(EgovError::EdsNotConfirmed {
            failed: vec![
                "role: the certificate lacks the legal-entity marker 1.2.398.3.3.4.1.2".into(),
            ],
        })
    }
}

fn has_signature(xml: &[u8]) -> Result<bool, EgovError> {
    let doc = tanba_xml::Document::parse(xml, &tanba_xml::ParseOptions::default())?;
    let root = doc.root_element();
    let signed = doc
        .child_elements(root)
        .any(|c| doc.name(c).is(DSIG_NS, "Signature"));
    Ok(signed)
}

fn check_attachment_files(
    app: &Application,
    dir: &Path,
) -> Result<Vec<AttachmentCheck>, EgovError> {
    let checks = verify_attachments(&app.attachments, dir);
    let problems: Vec<String> = checks
        .iter()
        .filter(|c| c.status != AttachmentStatus::Ok)
        .map(|c| format!("{}: {}", c.file_name, status_text(&c.status)))
        .collect();
    if problems.is_empty() {
        Ok(checks)
    } else {
        Err(EgovError::Attachments { problems })
    }
}

/// Short text of an attachment status.
pub fn status_text(s: &AttachmentStatus) -> String {
    match s {
        AttachmentStatus::Ok => "ok".into(),
        AttachmentStatus::Missing => "missing".into(),
        AttachmentStatus::Altered { size, sha256 } => {
            format!("altered (now {size} bytes, SHA-256 {sha256})")
        }
        AttachmentStatus::Unreadable { error } => format!("unreadable: {error}"),
    }
}

/// A signed document and the certificate report of the pre-sign checks.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The signed XML.
    pub xml: Vec<u8>,
    /// Who signed.
    pub signer: SignerInfo,
    /// The certificate report (every check passed).
    pub report: Report,
}

/// Sign an application as the applicant: parse and validate it, check the attachments
/// in `attachments_dir` when given, run the pre-sign checks, then add the enveloped
/// signature. Nothing is produced when any step fails.
pub fn sign_application(
    xml: &[u8],
    signer: &dyn Signer,
    checker: &CertChecker,
    attachments_dir: Option<&Path>,
) -> Result<Signed, EgovError> {
    let app = Application::from_xml(xml)?;
    if has_signature(xml)? {
        return Err(EgovError::State(
            "the application is already signed (an operator adds a signature with countersign)"
                .into(),
        ));
    }
    if let Some(dir) = attachments_dir {
        check_attachment_files(&app, dir)?;
    }
    let (cert, chain) = signer_certificate(signer)?;
    let report = presign_check(&app, cert, chain, checker)?;
    let xml = tanba_dsig::sign(xml, signer, &tanba_dsig::SignOptions::default())
        .map_err(|e| EgovError::Signature(e.to_string()))?;
    Ok(Signed {
        xml,
        signer: SignerInfo::from_der(cert).unwrap_or_else(SignerInfo::unknown),
        report,
    })
}

/// The role of a signature on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    /// The applicant (or their representative): the first signature.
    Applicant,
    /// An operator's countersignature (every later signature).
    Operator,
}

/// One verified signature of an application.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationSigner {
    /// Applicant or operator.
    pub role: SignerRole,
    /// Who, per the certificate.
    pub signer: SignerInfo,
    /// The signature algorithm URI.
    pub algorithm: String,
    /// Certificate report (validity, revocation, key usage, identifier / role).
    pub certificate: Report,
}

/// The result of verifying a signed application.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationVerification {
    /// Every check passed.
    pub valid: bool,
    /// Named failures (`signature: …`, `applicant certificate: …`, `attachments: …`).
    pub failures: Vec<String>,
    /// The signers, applicant first, in signing order.
    pub signers: Vec<ApplicationSigner>,
    /// The application, read from the signed content only (absent when not covered).
    pub application: Option<Application>,
    /// Attachment re-verification (when a directory was given).
    pub attachments: Vec<AttachmentCheck>,
}

/// Verify a signed application: every signature valid and covering the whole document
/// (apart from the signatures themselves), the applicant's certificate satisfying the
/// pre-sign rules, operators' certificates being legal-entity employees with a SIGN key,
/// and the attachments in `attachments_dir` (when given) matching their digests.
/// Certificates are checked as of now, or the checker's fixed time.
pub fn verify_application(
    xml: &[u8],
    checker: &CertChecker,
    attachments_dir: Option<&Path>,
) -> Result<ApplicationVerification, EgovError> {
    let verified = tanba_dsig::verify(xml, &tanba_dsig::VerifyOptions::default())
        .map_err(|e| EgovError::Signature(e.to_string()))?;
    let mut failures = Vec::new();
    for s in &verified.signatures {
        if let Err(e) = &s.result {
            failures.push(format!("signature {}: {e}", s.index + 1));
        }
    }
    let doc = verified.document();
    let root = doc.root_element();
    let ordered = verified.valid_in_signing_order();
    let mut app = None;
    let whole_covered = ordered.iter().all(|v| covers_whole_document(doc, v));
    if !whole_covered {
        failures.push("signed content: a signature does not cover the whole application".into());
    } else if !verified.is_signed(root) {
        failures.push("signed content: the application element is not signed".into());
    } else {
        match Application::from_document(doc) {
            Ok(a) => app = Some(a),
            Err(e) => failures.push(format!("document: {e}")),
        }
    }
    let mut signers = Vec::new();
    for (i, v) in ordered.iter().enumerate() {
        let role = if i == 0 {
            SignerRole::Applicant
        } else {
            SignerRole::Operator
        };
        let Some(cert) = v.signer_certificate_der() else {
            failures.push(format!(
                "{} signature: no certificate in KeyInfo",
                role_name(role)
            ));
            continue;
        };
        let req = match (role, &app) {
            (SignerRole::Applicant, Some(a)) => applicant_requirement(a),
            (SignerRole::Applicant, None) => Requirement::sign_now(),
            (SignerRole::Operator, _) => operator_requirement(None),
        };
        let report = checker.check(cert, &v.certificates, &req);
        for f in report.failures() {
            failures.push(format!(
                "{} certificate: {}: {}",
                role_name(role),
                check_kind_name(f.kind),
                f.detail
            ));
        }
        if !req.any_role.is_empty() {
            if let Err(EgovError::EdsNotConfirmed { failed }) = legal_entity_marker(cert) {
                failures.extend(
                    failed
                        .into_iter()
                        .map(|f| format!("{} certificate: {f}", role_name(role))),
                );
            }
        }
        signers.push(ApplicationSigner {
            role,
            signer: SignerInfo::from_der(cert).unwrap_or_else(SignerInfo::unknown),
            algorithm: v.signature_algorithm.xml_uri().to_string(),
            certificate: report,
        });
    }
    if ordered.is_empty() {
        failures.push("signature: no valid signature".into());
    }
    let mut attachments = Vec::new();
    if let (Some(dir), Some(a)) = (attachments_dir, &app) {
        attachments = verify_attachments(&a.attachments, dir);
        for c in &attachments {
            if c.status != AttachmentStatus::Ok {
                failures.push(format!(
                    "attachment {}: {}",
                    c.file_name,
                    status_text(&c.status)
                ));
            }
        }
    }
    Ok(ApplicationVerification {
        valid: failures.is_empty(),
        failures,
        signers,
        application: app,
        attachments,
    })
}

fn role_name(r: SignerRole) -> &'static str {
    match r {
        SignerRole::Applicant => "applicant",
        SignerRole::Operator => "operator",
    }
}

/// Does this signature cover the whole document except `ds:Signature` elements?
pub(crate) fn covers_whole_document(doc: &tanba_xml::Document, v: &tanba_dsig::Verified) -> bool {
    let root = doc.root_element();
    v.references.iter().any(|r| {
        let whole = match r.signed_node {
            tanba_dsig::SignedNode::Document => true,
            tanba_dsig::SignedNode::Element(e) => e == root,
            // only decoded character data: the document's markup is not covered
            tanba_dsig::SignedNode::DecodedText(_) => false,
        };
        whole
            && r.excluded
                .iter()
                .all(|x| doc.is_element(*x) && doc.name(*x).is(DSIG_NS, "Signature"))
    })
}

/// What an operator's certificate must satisfy: SIGN key, an employee of a legal entity
/// (optionally of the one with `bin`, e.g. the State Corporation).
pub fn operator_requirement(bin: Option<&str>) -> Requirement {
    let mut req = Requirement::sign_now();
    req.any_role = ORGANIZATION_EMPLOYEE_ROLES.to_vec();
    req.expected_bin = bin.map(str::to_string);
    req
}

/// Add an operator's countersignature: the application must already carry a valid
/// applicant signature covering it; the operator's certificate must pass
/// [`operator_requirement`] (with `operator_bin` when given); the new enveloped signature
/// covers the application, its attachment digests and the applicant's signature.
pub fn countersign_application(
    xml: &[u8],
    signer: &dyn Signer,
    checker: &CertChecker,
    operator_bin: Option<&str>,
) -> Result<Signed, EgovError> {
    let verified =
        tanba_dsig::verify(xml, &tanba_dsig::VerifyOptions::default()).map_err(|e| match e {
            tanba_dsig::DsigError::NoSignature => {
                EgovError::State("the application has no applicant signature to countersign".into())
            }
            other => EgovError::Signature(other.to_string()),
        })?;
    if !verified.all_valid() || verified.valid_in_signing_order().is_empty() {
        let why = verified
            .first_error()
            .map(|e| e.to_string())
            .unwrap_or_default();
        return Err(EgovError::Signature(format!(
            "the existing signature does not verify: {why}"
        )));
    }
    Application::from_document(verified.document())?;
    let (cert, chain) = signer_certificate(signer)?;
    let report = checker.check(cert, chain, &operator_requirement(operator_bin));
    if !report.is_valid() {
        return Err(refusal(&report));
    }
    legal_entity_marker(cert)?;
    let xml = tanba_dsig::sign(xml, signer, &tanba_dsig::SignOptions::default())
        .map_err(|e| EgovError::Signature(e.to_string()))?;
    Ok(Signed {
        xml,
        signer: SignerInfo::from_der(cert).unwrap_or_else(SignerInfo::unknown),
        report,
    })
}

/// Use `time` (e.g. a document's claimed signing time) for a requirement.
pub(crate) fn at_signing_time(mut req: Requirement, t: time::OffsetDateTime) -> Requirement {
    req.time = ValidationTime::SigningTime(t);
    req
}

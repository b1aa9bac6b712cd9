//! Issued results: the provider signs a [`ResultDocument`] with the certificate of an
//! employee of the issuing body; a holder (or anyone) verifies it.

use serde::Serialize;
use tanba_crypto::Signer;
use tanba_pki::{KzCertificate, Report, Role};

use crate::checker::{CertChecker, Requirement};
use crate::error::EgovError;
use crate::result_doc::ResultDocument;
use crate::signer_info::{SignerInfo, ORGANIZATION_EMPLOYEE_ROLES};
use crate::signing::{at_signing_time, check_kind_name, covers_whole_document, Signed};
use crate::values::TaxId;
use crate::xml_in::DSIG_NS;

/// What the provider's signer must satisfy for `result`: SIGN key, valid at the issue
/// time the document claims, BIN equal to the issuing body's, a legal-entity employee role.
pub fn issuer_requirement(result: &ResultDocument) -> Requirement {
    let mut req = Requirement::sign_now();
    req.expected_bin = Some(result.issuing_body.bin.to_string());
    req.any_role = ORGANIZATION_EMPLOYEE_ROLES.to_vec();
    at_signing_time(req, result.issued_at.to_offset_date_time())
}

/// Sign a result document as the provider. The document must be unsigned and valid; the
/// signer's certificate must pass [`issuer_requirement`] (refusal otherwise, and no output).
pub fn sign_result(
    xml: &[u8],
    signer: &dyn Signer,
    checker: &CertChecker,
) -> Result<Signed, EgovError> {
    let doc = tanba_xml::Document::parse(xml, &tanba_xml::ParseOptions::default())?;
    let result = ResultDocument::from_document(&doc)?;
    let root = doc.root_element();
    if doc
        .child_elements(root)
        .any(|c| doc.name(c).is(DSIG_NS, "Signature"))
    {
        return Err(EgovError::State(
            "the result document is already signed".into(),
        ));
    }
    let chain = signer.certificate_chain();
    let Some(cert) = chain.first() else {
        return Err(EgovError::EdsNotConfirmed {
            failed: vec!["certificate: the key has no certificate".into()],
        });
    };
    let report = checker.check(cert, chain, &issuer_requirement(&result));
    if !report.is_valid() {
        return Err(EgovError::EdsNotConfirmed {
            failed: report
                .failures()
                .map(|c| format!("{}: {}", check_kind_name(c.kind), c.detail))
                .collect(),
        });
    }
    let xml = tanba_dsig::sign(xml, signer, &tanba_dsig::SignOptions::default())
        .map_err(|e| EgovError::Signature(e.to_string()))?;
    Ok(Signed {
        xml,
        signer: SignerInfo::from_der(cert).unwrap_or_else(SignerInfo::unknown),
        report,
    })
}

/// One named check of a result verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultCheck {
    /// `signature`, `signed-content`, `document`, `certificate`, `validity`,
    /// `revocation`, `key-usage`, `issuing-body`, `holder`.
    pub name: String,
    /// Passed?
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

/// The report of verifying an issued result.
#[derive(Debug, Clone, Serialize)]
pub struct ResultVerification {
    /// Every check passed.
    pub valid: bool,
    /// Every check, in order; failed ones have `ok = false`.
    pub checks: Vec<ResultCheck>,
    /// The document's data — read only from content the issuer's signature covers.
    pub result: Option<ResultDocument>,
    /// The issuer's signer.
    pub signer: Option<SignerInfo>,
    /// The certificate report (at the document's claimed issue time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Report>,
}

impl ResultVerification {
    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &ResultCheck> {
        self.checks.iter().filter(|c| !c.ok)
    }
}

/// Options of [`verify_result`].
#[derive(Debug, Clone, Default)]
pub struct ResultVerifyOptions {
    /// The holder the verifier expects (`--holder-iin` / `--holder-bin`).
    pub expected_holder: Option<TaxId>,
}

/// Verify an issued result as a third party: the signature is valid and covers the whole
/// document; the signer's certificate was valid, not revoked and a SIGN key at the issue
/// time the document claims; the signer is an employee of the issuing body (certificate
/// BIN = issuing body BIN, legal-entity role); the holder matches when expected. The data
/// reported come only from signed content. Malformed input (not XML, no signature) is an
/// `Err`; every verification failure is a failed [`ResultCheck`].
pub fn verify_result(
    xml: &[u8],
    checker: &CertChecker,
    opts: &ResultVerifyOptions,
) -> Result<ResultVerification, EgovError> {
    let mut checks = Vec::new();
    let mut push = |name: &str, ok: bool, detail: String| {
        checks.push(ResultCheck {
            name: name.into(),
            ok,
            detail,
        })
    };
    let verified = tanba_dsig::verify(xml, &tanba_dsig::VerifyOptions::default())
        .map_err(|e| EgovError::Signature(e.to_string()))?;
    let doc = verified.document();
    let ordered = verified.valid_in_signing_order();
    if !verified.all_valid() || ordered.is_empty() {
        let why = verified
            .first_error()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "no valid signature".into());
        push("signature", false, why);
        return Ok(finish(checks, None, None, None));
    }
    if ordered.len() != 1 {
        push(
            "signature",
            false,
            format!("expected one issuer signature, found {}", ordered.len()),
        );
        return Ok(finish(checks, None, None, None));
    }
    let v = ordered[0];
    push(
        "signature",
        true,
        format!("valid ({})", v.signature_algorithm.xml_uri()),
    );
    if !covers_whole_document(doc, v) {
        push(
            "signed-content",
            false,
            "the signature does not cover the whole document".into(),
        );
        return Ok(finish(checks, None, None, None));
    }
    push(
        "signed-content",
        true,
        "the signature covers the whole document".into(),
    );
    let result = match ResultDocument::from_document(doc) {
        Ok(r) => r,
        Err(e) => {
            push("document", false, e.to_string());
            return Ok(finish(checks, None, None, None));
        }
    };
    push(
        "document",
        true,
        format!(
            "{} {} issued {}",
            result.kind, result.number, result.issued_at
        ),
    );
    let Some(cert) = v.signer_certificate_der() else {
        push(
            "certificate",
            false,
            "no signer certificate in KeyInfo".into(),
        );
        return Ok(finish(checks, Some(result), None, None));
    };
    let signer = SignerInfo::from_der(cert);
    // Certificate: chain, validity, revocation and key usage at the claimed issue time.
    let mut req = Requirement::sign_now();
    req = at_signing_time(req, result.issued_at.to_offset_date_time());
    let report = checker.check(cert, &v.certificates, &req);
    for kind in [
        (tanba_pki::CheckKind::Parse, "certificate"),
        (tanba_pki::CheckKind::Path, "chain"),
        (tanba_pki::CheckKind::Validity, "validity"),
        (tanba_pki::CheckKind::Revocation, "revocation"),
        (tanba_pki::CheckKind::KeyUsage, "key-usage"),
        (tanba_pki::CheckKind::Identifier, "identifier"),
    ] {
        let of_kind: Vec<_> = report.checks.iter().filter(|c| c.kind == kind.0).collect();
        if of_kind.is_empty() {
            continue;
        }
        let bad: Vec<_> = report.failures().filter(|c| c.kind == kind.0).collect();
        if bad.is_empty() {
            let detail = of_kind
                .iter()
                .map(|c| c.detail.clone())
                .collect::<Vec<_>>()
                .join("; ");
            push(kind.1, true, detail);
        } else {
            push(
                kind.1,
                false,
                bad.iter()
                    .map(|c| c.detail.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
    }
    // Issuing body: certificate BIN equals the document's, and a legal-entity employee role.
    match KzCertificate::from_der(cert) {
        Ok(kz) => {
            let body_bin = result.issuing_body.bin.as_str();
            let bin_ok = kz.bin().is_some_and(|b| b.as_str() == body_bin);
            let le = kz.has_role(Role::LegalEntity);
            let role = ORGANIZATION_EMPLOYEE_ROLES
                .iter()
                .find(|r| kz.has_role(**r));
            let ok = bin_ok && le && role.is_some();
            let detail = if ok {
                format!(
                    "signer is an employee of {} (BIN {body_bin}), role {}",
                    result.issuing_body.name,
                    role.map(|r| r.code()).unwrap_or_default()
                )
            } else if !bin_ok {
                format!(
                    "signer's certificate BIN {} differs from the issuing body's BIN {body_bin}: not an employee of {}",
                    kz.bin().map(|b| b.as_str().to_string()).unwrap_or_else(|| "(none)".into()),
                    result.issuing_body.name
                )
            } else {
                "signer's certificate has no legal-entity employee role".into()
            };
            push("issuing-body", ok, detail);
        }
        Err(e) => push("issuing-body", false, format!("certificate profile: {e}")),
    }
    if let Some(want) = &opts.expected_holder {
        let ok = want == &result.holder.id;
        push(
            "holder",
            ok,
            if ok {
                format!("holder {} ({})", result.holder.id, result.holder.name)
            } else {
                format!(
                    "holder in the document is {}, expected {want}",
                    result.holder.id
                )
            },
        );
    }
    Ok(finish(checks, Some(result), signer, Some(report)))
}

fn finish(
    checks: Vec<ResultCheck>,
    result: Option<ResultDocument>,
    signer: Option<SignerInfo>,
    certificate: Option<Report>,
) -> ResultVerification {
    ResultVerification {
        valid: checks.iter().all(|c| c.ok) && result.is_some(),
        checks,
        result,
        signer,
        certificate,
    }
}

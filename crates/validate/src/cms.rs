//! CMS judged by the core: [`tanba_cms`] returns the facts of every SignerInfo
//! (messageDigest, signature, signing-certificate binding, claimed signing time); here
//! they become the one report, and each signer's identity and certificate are judged
//! under the named policy at the validation time — the caller's, else now. A claimed
//! signingTime is reported and never used as the validation time.

use time::OffsetDateTime;

use tanba_cms::{Content, FactOutcome, Limits, SignerFacts};
use tanba_pki::{ChainCert, ExpectedIdentity};

use crate::document::DocumentError;
use crate::indication::{Failed, Indication, Undetermined};
use crate::report::{
    Algorithm, CertificateValidation, CheckOutcome, Digest, DocumentFormat, DocumentReport, Layer,
    Signed, SignedKind, SignerReport, TimeSource,
};
use crate::signer::{self, check, rule};
use crate::validator::Validator;

/// How a CMS is judged (what [`Validator::validate_cms`] needs beyond the bytes).
pub(crate) struct CmsJob<'a> {
    pub validator: &'a Validator,
    pub content: Content<'a>,
    pub at: Option<OffsetDateTime>,
    pub expected: &'a ExpectedIdentity,
    pub skip_certificates: bool,
    pub algorithms: tanba_crypto::AlgorithmPolicy,
}

pub(crate) fn judge(input: &[u8], job: &CmsJob<'_>) -> Result<DocumentReport, DocumentError> {
    let cms = tanba_cms::read(input, &Limits::default())?;
    let facts = tanba_cms::verify(&cms, job.content, &[], &job.algorithms)?;
    let at = job.at.unwrap_or_else(OffsetDateTime::now_utc);
    let bag: Vec<ChainCert> = cms
        .certificates
        .iter()
        .filter_map(|d| ChainCert::from_der(d).ok())
        .collect();
    let policy = job.validator.certificate_policy(Layer::Document, job.at);
    let mut signers = Vec::new();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    for f in &facts.signers {
        let mut r = signer::empty(Layer::Document, None, None);
        r.index = f.index;
        report_facts(&mut r, f, &cms.signers[f.index], at);
        if f.has_signature_time_stamp {
            notes.push(format!(
                "signer #{}: carries a signature time-stamp token; tokens are not verified yet, so it does not set the validation time",
                f.index
            ));
        }
        if r.signature_verified() {
            let cert = f.certificate.as_deref();
            r.identity = cert.and_then(tanba_pki::SignerInfo::from_der);
            if !job.expected.is_empty() {
                signer::identity(&mut r, job.expected, cert);
            }
            if job.skip_certificates {
                signer::not_checked(&mut r);
            } else {
                let extra: Vec<ChainCert> = bag
                    .iter()
                    .filter(|c| Some(c.der()) != cert)
                    .cloned()
                    .collect();
                signer::certificate(&mut r, job.validator.pki(), &policy, cert, &extra);
            }
        }
        for c in r.checks.iter().filter(|c| {
            matches!(
                c.outcome,
                CheckOutcome::Failed | CheckOutcome::Indeterminate
            )
        }) {
            problems.push(format!(
                "signer #{}: {}: {}",
                r.index,
                c.name.replace('_', " "),
                c.reason
            ));
        }
        signers.push(r);
    }
    let indication = signers.iter().fold(
        if signers.is_empty() {
            Indication::TotalFailed(Failed::FormatFailure)
        } else {
            Indication::TotalPassed
        },
        |acc, r| acc.worst(r.indication),
    );
    Ok(DocumentReport {
        indication,
        format: DocumentFormat::Cms,
        policy: job.validator.policy(),
        validation_time: at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        validation_time_source: if job.at.is_some() {
            TimeSource::Request
        } else {
            TimeSource::Now
        },
        certificate_validation: if job.skip_certificates {
            CertificateValidation::NotPerformed
        } else {
            CertificateValidation::Performed
        },
        signers,
        problems,
        notes,
    })
}

/// The signer's facts as checks, its algorithm and what it signed; the indication the
/// first decisive failure gives.
fn report_facts(
    r: &mut SignerReport,
    f: &SignerFacts,
    si: &tanba_cms::SignerInfo,
    at: OffsetDateTime,
) {
    r.algorithm = f
        .signature_algorithm
        .and_then(|a| a.oid().map(|id| Algorithm { name: a.name(), id }));
    let mut error = None;
    for fact in &f.facts {
        let (name, rl) = match fact.name {
            "message_digest" => ("message_digest", rule::CMS_DIGEST),
            "signature" => ("signature", rule::CMS_SIGNATURE),
            "content_type" => ("content_type", rule::CMS_CONTENT_TYPE),
            _ => ("signing_certificate", rule::CMS_SIGNING_CERTIFICATE),
        };
        let outcome = match fact.outcome {
            FactOutcome::Passed => CheckOutcome::Passed,
            FactOutcome::Failed => CheckOutcome::Failed,
            FactOutcome::NotCheckable => CheckOutcome::Indeterminate,
        };
        let ind = match (name, fact.outcome) {
            (_, FactOutcome::Passed) => None,
            ("message_digest", FactOutcome::Failed) => {
                Some(Indication::TotalFailed(Failed::HashFailure))
            }
            ("message_digest", FactOutcome::NotCheckable) => {
                Some(Indication::Indeterminate(Undetermined::SignedDataNotFound))
            }
            ("signature", FactOutcome::Failed) => {
                Some(Indication::TotalFailed(Failed::SigCryptoFailure))
            }
            ("content_type", _) => Some(Indication::TotalFailed(Failed::FormatFailure)),
            _ => Some(Indication::Indeterminate(
                Undetermined::NoSigningCertificateFound,
            )),
        };
        if let Some(i) = ind {
            r.indication = r.indication.worst(i);
            error.get_or_insert_with(|| fact.detail.clone());
        }
        r.checks.push(check(name, outcome, fact.detail.clone(), rl));
    }
    let claimed = f.claimed_signing_time.map(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    });
    r.checks.push(check(
        "signing_time",
        CheckOutcome::NotChecked,
        match claimed {
            Some(t) => format!(
                "the signer claims {t} (signingTime); a claim, not a proof: judged at {}",
                at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            ),
            None => "no signingTime attribute".into(),
        },
        rule::CMS_SIGNING_TIME,
    ));
    if error.is_none() && f.is_verified() {
        let digest = si
            .signed(tanba_cms::oid::MESSAGE_DIGEST)
            .first()
            .and_then(|v| tanba_pki::der::single(v, tanba_pki::der::tag::OCTET_STRING, "md").ok())
            .map(|t| t.value.to_vec());
        let signed = Signed {
            kind: SignedKind::Document,
            uri: String::new(),
            element: None,
            id: None,
            digest: match (f.digest_algorithm, digest) {
                (Some(a), Some(v)) => Some(Digest {
                    algorithm: a.oid().to_string(),
                    value: {
                        use base64::Engine as _;
                        base64::engine::general_purpose::STANDARD.encode(v)
                    },
                }),
                _ => None,
            },
            inside_own_signature: false,
            excluded: Vec::new(),
            part: None,
        };
        r.references = vec![signed.clone()];
        r.signed = Some(signed);
    } else {
        r.error = Some(error.unwrap_or_else(|| "the signature could not be checked".into()));
        if r.indication == Indication::TotalPassed {
            r.indication = Indication::Indeterminate(Undetermined::NoSigningCertificateFound);
        }
    }
}

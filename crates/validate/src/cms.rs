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
use crate::report::rfc3339;
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
    pub revocation: Option<tanba_pki::RevocationSources>,
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
    let policy = job
        .validator
        .policy_with(Layer::Document, job.at, job.revocation);
    // the size of what was signed, when the bytes are on hand (not for a digest)
    let content_size = match job.content {
        Content::Attached => cms.content().map(|c| c.len() as u64),
        Content::Detached(d) => Some(d.len() as u64),
        Content::Digest { .. } => None,
    };
    let mut signers = Vec::new();
    let mut problems = Vec::new();
    let notes = Vec::new();
    for f in &facts.signers {
        let mut r = signer::empty(Layer::Document, None, None);
        r.index = f.index;
        report_facts(&mut r, f, &cms.signers[f.index], at, content_size);
        // a verified signature time stamp proves the signing time: it becomes this
        // signer's validation time (500/НҚ п.14)
        let mut signer_at = job.at;
        if r.signature_verified() {
            if let Some(gen_time) =
                time_stamp(&mut r, &cms.signers[f.index], f.certificate.as_deref(), job)
            {
                signer_at = Some(gen_time);
            }
        }
        if r.signature_verified() {
            r.level = Some(match (f.signing_certificate_attribute, &r.time_stamp) {
                (true, Some(_)) => "T",
                (true, None) => "B",
                (false, Some(_)) => "cms-t",
                (false, None) => "cms",
            });
            let cert = f.certificate.as_deref();
            r.identity = cert.and_then(tanba_pki::SignerInfo::from_der);
            r.certificate_der = cert.map(<[u8]>::to_vec);
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
                let policy = match signer_at {
                    Some(t) if signer_at != job.at => {
                        job.validator
                            .policy_with(Layer::Document, Some(t), job.revocation)
                    }
                    _ => policy.clone(),
                };
                signer::certificate(&mut r, job.validator.pki(), &policy, cert, &extra);
            }
        }
        for c in r.checks.iter().filter(|c| c.is_problem()) {
            problems.push(format!("signer #{}: {}", r.index, c.problem_text()));
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
        validation_time: rfc3339(at),
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
    content_size: Option<u64>,
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
        let outcome = check_outcome(fact.outcome);
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
    let claimed = f.claimed_signing_time.map(rfc3339);
    r.checks.push(check(
        "signing_time",
        CheckOutcome::NotChecked,
        match claimed {
            Some(t) => format!(
                "the signer claims {t} (signingTime); a claim, not a proof: judged at {}",
                rfc3339(at)
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
        let digest = match (f.digest_algorithm, digest) {
            (Some(a), Some(v)) => Some(Digest {
                algorithm: a.oid().to_string(),
                value: {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD.encode(v)
                },
            }),
            _ => None,
        };
        signed_whole(r, digest, content_size);
    } else {
        r.error = Some(error.unwrap_or_else(|| "the signature could not be checked".into()));
        if r.indication == Indication::TotalPassed {
            r.indication = Indication::Indeterminate(Undetermined::NoSigningCertificateFound);
        }
    }
}

/// The signer's signatureTimeStampToken, if any, checked: the TSA's signature, EKU and
/// imprint over this signer's signature value, then the TSA certificate under the named
/// policy (any key usage) at genTime. Returns genTime when everything holds; a token that
/// fails makes the signer indeterminate (its time cannot be trusted).
fn time_stamp(
    r: &mut SignerReport,
    si: &tanba_cms::SignerInfo,
    signer_cert: Option<&[u8]>,
    job: &CmsJob<'_>,
) -> Option<OffsetDateTime> {
    let token = tanba_cms::tsp::signature_time_stamp(si)?;
    let fail = |r: &mut SignerReport, why: String| {
        r.indication = r.indication.worst(Indication::Indeterminate(
            Undetermined::SigConstraintsFailure,
        ));
        r.checks.push(check(
            "signature_time_stamp",
            CheckOutcome::Failed,
            why,
            rule::CMS_TIME_STAMP,
        ));
        None
    };
    let token = match token {
        Ok(t) => t,
        Err(e) => return fail(r, format!("the time-stamp token cannot be read: {e}")),
    };
    let facts = match tanba_cms::tsp::verify_token(
        &token,
        tanba_cms::tsp::Stamped::Data(tanba_cms::tsp::signature_value(si)),
        None,
        &job.algorithms,
    ) {
        Ok(f) => f,
        Err(e) => return fail(r, format!("the time-stamp token: {e}")),
    };
    if let Some(bad) = facts
        .facts
        .iter()
        .find(|f| f.outcome != FactOutcome::Passed)
    {
        return fail(
            r,
            format!(
                "the time stamp does not hold ({}): {}",
                bad.name, bad.detail
            ),
        );
    }
    let gen_time = token.info.gen_time;
    let tsa = facts
        .tsa_certificate
        .as_deref()
        .and_then(|d| ChainCert::from_der(d).ok());
    if !job.skip_certificates {
        let Some(tsa_cert) = &tsa else {
            return fail(r, "the TSA certificate is not in the token".into());
        };
        let policy = job
            .validator
            .policy_with(Layer::Transport, Some(gen_time), job.revocation);
        let others: Vec<ChainCert> = token
            .cms
            .certificates
            .iter()
            .filter(|d| d.as_slice() != tsa_cert.der())
            .filter_map(|d| ChainCert::from_der(d).ok())
            .collect();
        let report = job
            .validator
            .tsa_pki()
            .validate_with(tsa_cert.der(), &others, &policy);
        if !report.is_valid() {
            return fail(
                r,
                format!(
                    "the TSA certificate '{}' is not trusted at genTime {}: {}",
                    tsa_cert.subject(),
                    rfc3339(gen_time),
                    report
                        .failures()
                        .map(|c| c.detail.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            );
        }
    }
    // the 2026 rule that the TSA comes from the signer's CA: reported, not enforced
    // (NCA's RSA TSA stamps GOST signatures)
    let signer_issuer = signer_cert
        .and_then(|d| tanba_pki::chain_cert::CertFields::read(d).ok())
        .map(|f| f.issuer);
    let same_ca = match (&tsa, signer_issuer) {
        (Some(t), Some(i)) => t.issuer_der() == i,
        _ => true,
    };
    r.checks.push(check(
        "signature_time_stamp",
        CheckOutcome::Passed,
        format!(
            "time-stamped at {} by '{}' (policy {}, serial {}){}{}",
            rfc3339(gen_time),
            tsa.as_ref()
                .map(|c| c.subject().to_string())
                .unwrap_or_default(),
            token.info.policy,
            hex::encode(&token.info.serial),
            if same_ca {
                ""
            } else {
                "; the TSA is not of the signer's CA (reported, not enforced)"
            },
            if job.skip_certificates {
                "; the TSA certificate was not judged (--no-cert-check)"
            } else {
                ""
            }
        ),
        rule::CMS_TIME_STAMP,
    ));
    r.time_stamp = Some(crate::report::SignatureTimeStamp {
        gen_time: rfc3339(gen_time),
        policy: token.info.policy.clone(),
        serial: hex::encode(&token.info.serial),
        tsa: tsa.map(|c| c.subject().to_string()),
    });
    r.validation_time = Some(rfc3339(gen_time));
    Some(gen_time)
}

/// A time-stamp token (DER, PEM or base64; a `TimeStampResp` is accepted too) judged on
/// its own: the TSA is the one signer — its signature over the TSTInfo, the imprint over
/// what it should stamp, the timeStamping EKU, then its certificate at genTime.
pub(crate) fn judge_time_stamp(
    input: &[u8],
    stamped: tanba_cms::tsp::Stamped<'_>,
    job: &CmsJob<'_>,
) -> Result<DocumentReport, DocumentError> {
    let der = tanba_cms::decode_input(input)?;
    let token = tanba_cms::TimeStampToken::from_der(&der)
        .or_else(|_| tanba_cms::TimeStampToken::from_response(&der))?;
    let facts = tanba_cms::tsp::verify_token(&token, stamped, None, &job.algorithms)?;
    let gen_time = token.info.gen_time;
    let mut r = signer::empty(Layer::Document, None, None);
    r.algorithm = facts
        .signer
        .signature_algorithm
        .and_then(|a| a.oid().map(|id| Algorithm { name: a.name(), id }));
    let mut error = None;
    for f in &facts.facts {
        let outcome = check_outcome(f.outcome);
        let ind = match (f.name, f.outcome) {
            (_, FactOutcome::Passed) => None,
            ("imprint", _) | ("tst_digest", _) => {
                Some(Indication::TotalFailed(Failed::HashFailure))
            }
            ("tsa_signature", FactOutcome::Failed) => {
                Some(Indication::TotalFailed(Failed::SigCryptoFailure))
            }
            ("tsa_eku", FactOutcome::Failed) => Some(Indication::Indeterminate(
                Undetermined::ChainConstraintsFailure,
            )),
            _ => Some(Indication::Indeterminate(
                Undetermined::NoSigningCertificateFound,
            )),
        };
        if let Some(i) = ind {
            r.indication = r.indication.worst(i);
            error.get_or_insert_with(|| f.detail.clone());
        }
        r.checks.push(check(
            f.name,
            outcome,
            f.detail.clone(),
            rule::CMS_TIME_STAMP,
        ));
    }
    let tsa = facts.tsa_certificate.as_deref();
    r.identity = tsa.and_then(tanba_pki::SignerInfo::from_der);
    r.certificate_der = tsa.map(<[u8]>::to_vec);
    r.time_stamp = Some(crate::report::SignatureTimeStamp {
        gen_time: rfc3339(gen_time),
        policy: token.info.policy.clone(),
        serial: hex::encode(&token.info.serial),
        tsa: tsa
            .and_then(|d| ChainCert::from_der(d).ok())
            .map(|c| c.subject().to_string()),
    });
    r.validation_time = Some(rfc3339(gen_time));
    match error {
        Some(e) => r.error = Some(e),
        None => {
            signed_whole(&mut r, None, None);
            if job.skip_certificates {
                signer::not_checked(&mut r);
            } else {
                let policy =
                    job.validator
                        .policy_with(Layer::Transport, Some(gen_time), job.revocation);
                let extra: Vec<ChainCert> = token
                    .cms
                    .certificates
                    .iter()
                    .filter(|d| Some(d.as_slice()) != tsa)
                    .filter_map(|d| ChainCert::from_der(d).ok())
                    .collect();
                signer::certificate(&mut r, job.validator.tsa_pki(), &policy, tsa, &extra);
            }
        }
    }
    let problems = r
        .checks
        .iter()
        .filter(|c| c.is_problem())
        .map(|c| c.problem_text())
        .collect();
    Ok(DocumentReport {
        indication: r.indication,
        format: DocumentFormat::TimeStamp,
        policy: job.validator.policy(),
        validation_time: rfc3339(gen_time),
        validation_time_source: TimeSource::TimeStamp,
        certificate_validation: if job.skip_certificates {
            CertificateValidation::NotPerformed
        } else {
            CertificateValidation::Performed
        },
        signers: vec![r],
        problems,
        notes: Vec::new(),
    })
}

/// A CMS fact's outcome as a report check's: what could not be checked is undecided.
fn check_outcome(o: FactOutcome) -> CheckOutcome {
    match o {
        FactOutcome::Passed => CheckOutcome::Passed,
        FactOutcome::Failed => CheckOutcome::Failed,
        FactOutcome::NotCheckable => CheckOutcome::Indeterminate,
    }
}

/// The signer signed the whole content (a CMS's, or a token's TSTInfo): its one reference.
fn signed_whole(r: &mut SignerReport, digest: Option<Digest>, size: Option<u64>) {
    let signed = Signed {
        kind: SignedKind::Document,
        uri: String::new(),
        element: None,
        id: None,
        digest,
        inside_own_signature: false,
        excluded: Vec::new(),
        part: None,
        size,
    };
    r.references = vec![signed.clone()];
    r.signed = Some(signed);
}

//! Raw signatures: a signature over bytes, with the certificate that made it and nothing
//! around them — eGov Mobile's SIGN_BYTES_ARRAY, NCANode's `/x509/verify`. Judged in the
//! one report shape, format `raw`.

use base64::Engine as _;
use tanba_crypto::{AlgorithmPolicy, SignatureAlgorithm, SignatureEncoding};
use tanba_pki::KzCertificate;

use crate::indication::{Failed, Indication};
use crate::report::{Algorithm, CheckOutcome, DocumentFormat, DocumentReport, Signed, SignedKind};
use crate::signer::{self, check};
use crate::validator::{Request, Validator};

const RULE: &str =
    "raw signature (SIGN_BYTES_ARRAY): the bytes signed with the certificate's signature algorithm, as Kalkan verifies them";

/// See [`Validator::validate_raw`].
pub(crate) fn judge(
    v: &Validator,
    cert: &[u8],
    signature: &[u8],
    data: &[u8],
    request: &Request,
) -> DocumentReport {
    let policy = v.policy_with(crate::Layer::Document, request.at, request.revocation);
    // the certificate judged as on its own, then the signature put first
    let mut report = v.validate_certificate_report(cert, &[], &policy);
    report.format = DocumentFormat::Raw;
    let Some(r) = report.signers.first_mut() else {
        return report;
    };
    if request.skip_certificates {
        // signature and identity only: the certificate's checks are not part of it
        r.checks.clear();
        r.certificate = None;
        r.indication = Indication::TotalPassed;
        signer::not_checked(r);
        report.certificate_validation = crate::report::CertificateValidation::NotPerformed;
    }
    let parsed = r
        .certificate_der
        .as_deref()
        .and_then(|d| KzCertificate::from_der(d).ok());
    let outcome = match &parsed {
        None => Err("the certificate cannot be read".to_string()),
        Some(c) => match SignatureAlgorithm::from_oid(c.signature_algorithm_oid()) {
            Err(_) => Err(format!(
                "unsupported algorithm {} (the certificate's signature algorithm)",
                c.signature_algorithm_oid()
            )),
            Ok(alg) => {
                r.algorithm = Some(Algorithm {
                    name: alg.name(),
                    id: alg.oid().unwrap_or(""),
                });
                let algorithms = if request.dsig.allow_legacy {
                    AlgorithmPolicy::allow_legacy()
                } else {
                    AlgorithmPolicy::strict()
                };
                tanba_crypto::verify_signature(
                    alg,
                    c.spki_der(),
                    data,
                    signature,
                    SignatureEncoding::X509,
                    &algorithms,
                )
                .map(|()| alg)
                .map_err(|e| e.to_string())
            }
        },
    };
    let first = match outcome {
        Ok(alg) => {
            r.signed = Some(Signed {
                kind: SignedKind::Content,
                uri: String::new(),
                element: None,
                id: None,
                digest: Some(crate::report::Digest {
                    algorithm: alg.digest().oid().to_string(),
                    value: base64::engine::general_purpose::STANDARD
                        .encode(alg.digest().digest(data)),
                }),
                inside_own_signature: false,
                excluded: Vec::new(),
                part: None,
                size: Some(data.len() as u64),
            });
            r.references = r.signed.iter().cloned().collect();
            check(
                "signature",
                CheckOutcome::Passed,
                format!("the signature over {} bytes verifies", data.len()),
                RULE,
            )
        }
        Err(why) => {
            r.indication = Indication::TotalFailed(Failed::SigCryptoFailure);
            r.error = Some(why.clone());
            check("signature", CheckOutcome::Failed, why, RULE)
        }
    };
    r.checks.insert(0, first);

    if !request.expected.is_empty() {
        let der = r.certificate_der.clone();
        signer::identity(r, &request.expected, der.as_deref());
    }
    report.indication = r.indication;
    report.problems = r
        .checks
        .iter()
        .filter(|c| c.is_problem())
        .map(|c| c.problem_text())
        .collect();
    report
}

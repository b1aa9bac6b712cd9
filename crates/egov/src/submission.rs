//! Submitting a signed application through SmartBridge: the signed document travels as an
//! escaped string inside a SyncChannel `SendMessage` (so its signature survives), the
//! envelope gets the WS-Security transport signature; the receiving side verifies the
//! transport signature and then the business signature inside.

use serde::Serialize;
use tanba_crypto::Signer;
use tanba_pki::{Report, RequiredUsage};
use tanba_wss::{Data, SendMessage, Sender, SoapVersion};
use time::OffsetDateTime;

use crate::checker::{CertChecker, Requirement};
use crate::error::EgovError;
use crate::signer_info::SignerInfo;
use crate::signing::{check_kind_name, verify_application, ApplicationVerification};

fn wss_err(e: impl std::fmt::Display) -> EgovError {
    EgovError::Signature(e.to_string())
}

/// Wrap a signed application into a `SendMessage` request for `service_id` (the
/// application travels byte for byte as an `xs:string`).
pub fn application_envelope(
    signed_application: &[u8],
    service_id: &str,
    sender_id: &str,
    message_id: Option<&str>,
    message_date: Option<OffsetDateTime>,
) -> Result<String, EgovError> {
    let mut msg = SendMessage::new(service_id, Sender::new(sender_id))
        .with_data(Data::escaped_document(signed_application).map_err(wss_err)?);
    if let Some(id) = message_id {
        msg = msg.with_message_id(id);
    }
    if let Some(t) = message_date {
        msg = msg.with_message_date(t);
    }
    msg.to_xml(SoapVersion::Soap11).map_err(wss_err)
}

/// Add the WS-Security transport signature (SmartBridge reference profile).
pub fn sign_transport(envelope: &[u8], signer: &dyn Signer) -> Result<Vec<u8>, EgovError> {
    tanba_wss::sign(envelope, signer, &tanba_wss::SignOptions::new()).map_err(wss_err)
}

/// The transport signer of an envelope and its certificate report.
#[derive(Debug, Clone, Serialize)]
pub struct TransportCheck {
    /// Who put the transport signature.
    pub signer: Option<SignerInfo>,
    /// The certificate report.
    pub certificate: Report,
    /// The signature algorithm URI.
    pub algorithm: String,
}

/// Verify the transport signature of an envelope and validate its signer's certificate
/// (chain, validity, revocation; information-system certificates carry varied key
/// usages, so any key usage is accepted). Returns the verified envelope too.
pub fn verify_transport(
    envelope: &[u8],
    checker: &CertChecker,
) -> Result<(TransportCheck, tanba_wss::VerifiedEnvelope), EgovError> {
    let opts = tanba_wss::VerifyOptions {
        at: checker.fixed_time(),
        ..Default::default()
    };
    let v = tanba_wss::verify(envelope, &opts).map_err(wss_err)?;
    let mut req = Requirement::sign_now();
    req.usage = RequiredUsage::Any;
    let report = checker.check(&v.signer_certificate, &[], &req);
    Ok((
        TransportCheck {
            signer: SignerInfo::from_der(&v.signer_certificate),
            certificate: report,
            algorithm: v.signature_algorithm.xml_uri().to_string(),
        },
        v,
    ))
}

/// Verification of a submitted application envelope.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionVerification {
    /// Transport signature valid and its signer's certificate accepted, business
    /// signature(s) valid.
    pub valid: bool,
    /// Named failures.
    pub failures: Vec<String>,
    /// The transport signer.
    pub transport: TransportCheck,
    /// The application inside, verified.
    pub application: ApplicationVerification,
}

/// Verify both layers of a submission: the transport signature over the Body (and its
/// signer), then the application carried in `requestData/data` with its own signatures.
pub fn verify_submission(
    envelope: &[u8],
    checker: &CertChecker,
) -> Result<SubmissionVerification, EgovError> {
    let (transport, verified) = verify_transport(envelope, checker)?;
    let mut failures: Vec<String> = transport
        .certificate
        .failures()
        .map(|c| {
            format!(
                "transport certificate: {}: {}",
                check_kind_name(c.kind),
                c.detail
            )
        })
        .collect();
    // Read the business data from the verified (signed) Body only.
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}",
        wrap_body_for_parse(verified.body_source(), envelope)?
    );
    let msg = SendMessage::parse(body.as_bytes()).map_err(wss_err)?;
    let data = msg
        .data
        .ok_or_else(|| EgovError::State("the envelope carries no requestData/data".into()))?;
    let application = verify_application(data.content().as_bytes(), checker, None)?;
    failures.extend(
        application
            .failures
            .iter()
            .map(|f| format!("application {f}")),
    );
    Ok(SubmissionVerification {
        valid: failures.is_empty(),
        failures,
        transport,
        application,
    })
}

/// Rebuild a minimal envelope around the verified Body so the SendMessage parser reads
/// exactly the signed bytes (namespace declarations of the envelope root carried over).
fn wrap_body_for_parse(body: &str, envelope: &[u8]) -> Result<String, EgovError> {
    let doc = tanba_xml::Document::parse(envelope, &tanba_xml::ParseOptions::default())?;
    let root = doc.root_element();
    let start = &doc.source()[doc.start_tag_range(root)];
    let qname = doc.qualified_name(root);
    Ok(format!("{start}{body}</{qname}>"))
}

/// The provider's answer to a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Acknowledgement {
    /// A `SendMessageResponse`: the status the provider gave.
    Status {
        /// The provider-side `messageId`.
        message_id: String,
        /// `correlationId` (normally our `messageId`).
        correlation_id: Option<String>,
        /// `status/code`.
        code: String,
        /// `status/message`.
        message: String,
    },
    /// A SOAP fault.
    Fault {
        /// `faultcode` / gateway `errorCode`.
        code: String,
        /// `faultstring` / gateway `errorMessage`.
        message: String,
    },
}

/// Parse the answer to a submitted application (verify its transport signature first with
/// [`verify_transport`] when the responder signs).
pub fn parse_acknowledgement(envelope: &[u8]) -> Result<Acknowledgement, EgovError> {
    match tanba_wss::SendMessageResponse::parse(envelope) {
        Ok(r) => Ok(Acknowledgement::Status {
            message_id: r.info.message_id,
            correlation_id: r.info.correlation_id,
            code: r.info.status.code,
            message: r.info.status.message,
        }),
        Err(tanba_wss::EnvelopeError::Fault(f)) => Ok(match &f.gateway {
            Some(g) => Acknowledgement::Fault {
                code: g.error_code.clone(),
                message: g.error_message.clone(),
            },
            None => Acknowledgement::Fault {
                code: f.code.clone(),
                message: f.reason.clone(),
            },
        }),
        Err(e) => Err(wss_err(e)),
    }
}

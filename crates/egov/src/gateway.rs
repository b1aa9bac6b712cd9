//! Queries to the state databases through SmartBridge (SMARTBRIDGE.md §8): individuals by
//! IIN (GBD FL, `GBDFL_UniversalServiceSync`) and legal entities by BIN (GBD UL,
//! `GbdulInfoByBin_v2`, whose request is itself signed and travels as a string); the
//! responses, with "data not found" as its own outcome (seed `004_…` L125–127); and
//! posting an envelope over HTTP with timeouts and retries that resend the very same
//! bytes — so the same `messageId` — and never a new submission.

use std::time::Duration;

use serde::Serialize;
use tanba_crypto::Signer;
use tanba_wss::{
    Data, EnvelopeError, SendMessage, SendMessageResponse, Sender, SoapVersion, Status,
};
use tanba_xml::{Document, NodeId, ParseOptions};
use time::OffsetDateTime;

use crate::error::EgovError;
use crate::values::Digits12;

/// SmartBridge service id of the GBD FL query.
pub const GBDFL_SERVICE: &str = "GBDFL_UniversalServiceSync";
/// SmartBridge service id of the GBD UL query.
pub const GBDUL_SERVICE: &str = "GbdulInfoByBin_v2";
/// Namespace of the GBD FL request/response types.
pub const GBDFL_NS: &str = "http://message.persistence.interactive.nat";
/// Namespace of the GBD UL request/response types.
pub const GBDUL_NS: &str = "http://gbdulinfobybin_v2.egp.gbdul.tamur.kz";

fn env_err(e: EnvelopeError) -> EgovError {
    EgovError::Signature(format!("envelope: {e}"))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn date_text(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A GBD FL query for one IIN, as an unsigned `SendMessage` (add the transport signature
/// with [`crate::sign_transport`]). `message_id` is used for both the envelope and the
/// payload; `None` = a new UUID.
pub fn gbdfl_query(
    iin: &Digits12,
    sender_id: &str,
    sender_code: &str,
    message_id: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, EgovError> {
    let mut msg = SendMessage::new(GBDFL_SERVICE, Sender::new(sender_id)).with_message_date(now);
    if let Some(id) = message_id {
        msg = msg.with_message_id(id);
    }
    let payload = format!(
        "<messageId>{}</messageId><messageDate>{}</messageDate><senderCode>{}</senderCode><iin>{}</iin>",
        esc(&msg.info.message_id),
        date_text(now),
        esc(sender_code),
        iin
    );
    let data = Data::TypedXml {
        prefix: "cs".into(),
        namespace: GBDFL_NS.into(),
        type_name: "Request".into(),
        xml: payload,
    };
    msg.with_data(data)
        .to_xml(SoapVersion::Soap11)
        .map_err(env_err)
}

/// A GBD UL query for one BIN: the business request `<ul:Request>` (RequestorBIN, BIN) is
/// signed by `signer` (enveloped, Kalkan profile) and carried as an `xs:string`.
pub fn gbdul_query(
    bin: &Digits12,
    requestor_bin: &Digits12,
    sender_id: &str,
    signer: &dyn Signer,
    message_id: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, EgovError> {
    let request = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ul:Request xmlns:ul=\"{GBDUL_NS}\"><RequestorBIN>{requestor_bin}</RequestorBIN><BIN>{bin}</BIN></ul:Request>"
    );
    let signed = tanba_dsig::sign(
        request.as_bytes(),
        signer,
        &tanba_dsig::SignOptions::default(),
    )
    .map_err(|e| EgovError::Signature(e.to_string()))?;
    let mut msg = SendMessage::new(GBDUL_SERVICE, Sender::new(sender_id)).with_message_date(now);
    if let Some(id) = message_id {
        msg = msg.with_message_id(id);
    }
    msg.with_data(Data::escaped_document(&signed).map_err(env_err)?)
        .to_xml(SoapVersion::Soap11)
        .map_err(env_err)
}

/// An individual as GBD FL returns it (the fields a licensing check needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// IIN.
    pub iin: String,
    /// Surname.
    pub surname: Option<String>,
    /// Given name.
    pub name: Option<String>,
    /// Patronymic.
    pub patronymic: Option<String>,
    /// Birth date as written.
    pub birth_date: Option<String>,
}

/// A legal entity as GBD UL returns it (selected fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organization {
    /// BIN.
    pub bin: String,
    /// Full name in Russian.
    pub full_name_ru: Option<String>,
    /// Full name in Kazakh.
    pub full_name_kz: Option<String>,
    /// Registration date as written.
    pub registration_date: Option<String>,
}

/// What a gateway query came back with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum GatewayOutcome<T> {
    /// The record was found.
    Found {
        /// The record.
        record: T,
    },
    /// The database answered that there is no such record ("data not found").
    NotFound {
        /// The result / status code.
        code: String,
        /// Its text.
        message: String,
    },
    /// The gateway or provider answered with a SOAP fault.
    Fault {
        /// `faultcode` / gateway `errorCode`.
        code: String,
        /// `faultstring` / gateway `errorMessage`.
        message: String,
    },
}

fn child(doc: &Document, parent: NodeId, local: &str) -> Option<NodeId> {
    doc.child_elements(parent)
        .find(|c| doc.name(*c).local == local)
}

fn child_text(doc: &Document, parent: NodeId, local: &str) -> Option<String> {
    child(doc, parent, local).map(|n| doc.text_content(n).trim().to_string())
}

/// A response's `responseData/data` and status; a SOAP fault is `Ok(Err(outcome))`.
fn response_data<T>(
    envelope: &[u8],
) -> Result<Result<(Data, Status), GatewayOutcome<T>>, EgovError> {
    let resp = match SendMessageResponse::parse(envelope) {
        Ok(r) => r,
        Err(EnvelopeError::Fault(f)) => {
            let (code, message) = match &f.gateway {
                Some(g) => (g.error_code.clone(), g.error_message.clone()),
                None => (f.code.clone(), f.reason.clone()),
            };
            return Ok(Err(GatewayOutcome::Fault { code, message }));
        }
        Err(e) => return Err(env_err(e)),
    };
    let data = resp
        .data
        .ok_or_else(|| EgovError::State("the response carries no responseData/data".into()))?;
    Ok(Ok((data, resp.info.status)))
}

/// The result code and text from the `code` / `text` children of `result` (the provider's
/// own status element), else the response's status.
fn result_status(
    doc: &Document,
    result: Option<NodeId>,
    code: &str,
    text: &str,
    status: Status,
) -> (String, String) {
    match result {
        Some(m) => (
            child_text(doc, m, code).unwrap_or_default(),
            child_text(doc, m, text).unwrap_or_default(),
        ),
        None => (status.code, status.message),
    }
}

/// Parse a GBD FL response envelope (verify its transport signature first with
/// [`crate::verify_transport`]). No `person` = [`GatewayOutcome::NotFound`] with the
/// `messageResult` code and text.
pub fn parse_gbdfl_response(envelope: &[u8]) -> Result<GatewayOutcome<Person>, EgovError> {
    let (data, status) = match response_data(envelope)? {
        Ok(d) => d,
        Err(fault) => return Ok(fault),
    };
    let xml = format!("<data>{}</data>", data.content());
    let doc = Document::parse(xml.as_bytes(), &ParseOptions::default())?;
    let root = doc.root_element();
    let (code, message) = result_status(
        &doc,
        child(&doc, root, "messageResult"),
        "code",
        "nameRu",
        status,
    );
    let person = child(&doc, root, "persons").and_then(|p| child(&doc, p, "person"));
    Ok(match person {
        Some(p) => match child_text(&doc, p, "iin") {
            Some(iin) => GatewayOutcome::Found {
                record: Person {
                    iin,
                    surname: child_text(&doc, p, "surname"),
                    name: child_text(&doc, p, "name"),
                    patronymic: child_text(&doc, p, "patronymic"),
                    birth_date: child_text(&doc, p, "birthDate"),
                },
            },
            None => {
                return Err(EgovError::State(
                    "person without iin in the GBD FL response".into(),
                ))
            }
        },
        None => GatewayOutcome::NotFound { code, message },
    })
}

/// Parse a GBD UL response envelope: the data is a (possibly signed) document carried as
/// a string with `Status` and, when found, `Organization`.
pub fn parse_gbdul_response(envelope: &[u8]) -> Result<GatewayOutcome<Organization>, EgovError> {
    let (data, status) = match response_data(envelope)? {
        Ok(d) => d,
        Err(fault) => return Ok(fault),
    };
    let doc = Document::parse(data.content().as_bytes(), &ParseOptions::default())?;
    let root = doc.root_element();
    let (code, message) =
        result_status(&doc, child(&doc, root, "Status"), "Code", "NameRu", status);
    Ok(match child(&doc, root, "Organization") {
        Some(o) => GatewayOutcome::Found {
            record: Organization {
                bin: child_text(&doc, o, "BIN").unwrap_or_default(),
                full_name_ru: child_text(&doc, o, "FullNameRu"),
                full_name_kz: child_text(&doc, o, "FullNameKz"),
                registration_date: child_text(&doc, o, "RegistrationDate"),
            },
        },
        None => GatewayOutcome::NotFound { code, message },
    })
}

/// Timeouts and retries for [`post`].
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Further attempts after a failed one (transport errors, HTTP 502/503/504).
    pub retries: u32,
    /// Pause before the first retry (doubled each time).
    pub backoff: Duration,
    /// Largest response accepted.
    pub max_response_bytes: u64,
    /// For `https://`: trust only these CA certificates (PEM or DER) instead of the
    /// built-in Mozilla root set (e.g. a private gateway CA, or a test CA).
    pub tls_roots: Vec<Vec<u8>>,
}

impl Default for SendOptions {
    /// 10 s to connect, 60 s per request, 2 retries after 500 ms / 1 s, 16 MiB responses.
    fn default() -> Self {
        SendOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_response_bytes: 16 << 20,
            tls_roots: Vec::new(),
        }
    }
}

/// What [`post`] got back.
#[derive(Debug, Clone)]
pub struct Posted {
    /// HTTP status of the final attempt.
    pub status: u16,
    /// The response body (a SOAP envelope: a response or a fault).
    pub body: Vec<u8>,
    /// How many attempts were made.
    pub attempts: u32,
}

fn tls_config(roots_pem: &[Vec<u8>]) -> Result<std::sync::Arc<rustls::ClientConfig>, EgovError> {
    let mut roots = rustls::RootCertStore::empty();
    for bytes in roots_pem {
        let ders = tanba_pki::chain_cert::certificates_from_pem_or_der(bytes)
            .map_err(|e| EgovError::invalid("tls_roots", e.to_string()))?;
        for der in ders {
            roots
                .add(rustls::pki_types::CertificateDer::from(der))
                .map_err(|e| EgovError::invalid("tls_roots", e.to_string()))?;
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| EgovError::invalid("tls_roots", e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(std::sync::Arc::new(config))
}

/// POST a (signed) envelope to `url` (`http://` or `https://`) as `text/xml`. Retries
/// resend exactly these bytes — the same `messageId` — so the receiver can recognise a
/// repeat; a SOAP fault (HTTP 500 with an envelope) is returned, not retried.
pub fn post(url: &str, envelope: &[u8], opts: &SendOptions) -> Result<Posted, EgovError> {
    use std::io::Read;
    let mut builder = ureq::AgentBuilder::new()
        .timeout_connect(opts.connect_timeout)
        .timeout(opts.timeout);
    if !opts.tls_roots.is_empty() {
        builder = builder.tls_config(tls_config(&opts.tls_roots)?);
    }
    let agent = builder.build();
    let mut attempt = 0;
    let mut pause = opts.backoff;
    loop {
        attempt += 1;
        let r = agent
            .post(url)
            .set("Content-Type", "text/xml; charset=utf-8")
            .set("SOAPAction", "\"\"")
            .send_bytes(envelope);
        let (retry, failure) = match r {
            Ok(resp) | Err(ureq::Error::Status(500, resp)) => {
                let status = resp.status();
                let mut body = Vec::new();
                resp.into_reader()
                    .take(opts.max_response_bytes + 1)
                    .read_to_end(&mut body)
                    .map_err(|e| EgovError::Io {
                        path: url.into(),
                        source: e,
                    })?;
                if body.len() as u64 > opts.max_response_bytes {
                    return Err(EgovError::State(format!(
                        "{url}: response larger than {} bytes",
                        opts.max_response_bytes
                    )));
                }
                return Ok(Posted {
                    status,
                    body,
                    attempts: attempt,
                });
            }
            Err(ureq::Error::Status(code, _)) => {
                (matches!(code, 502..=504), format!("HTTP {code}"))
            }
            Err(ureq::Error::Transport(t)) => (true, t.to_string()),
        };
        if !retry || attempt > opts.retries {
            return Err(EgovError::State(format!(
                "{url}: {failure} (after {attempt} attempt(s))"
            )));
        }
        std::thread::sleep(pause);
        pause *= 2;
    }
}

//! The native API (`/v1/…`): the verification core's own report, for any signed
//! document, under the service's policy (`kz-2026` by default).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tanba_validate::{DocumentError, DocumentReport, Layer, Request};
use time::OffsetDateTime;

use crate::error::{ApiError, Body as ErrorBody};
use crate::keys::{self, base64_lenient, decode_field, SignerRequest};
use crate::serve::{blocking, body, json};
use crate::Service;

/// `/v1/verify` as JSON: the document in base64, and what to expect of it.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct VerifyRequest {
    /// The signed document (XML or CMS), base64.
    document: String,
    /// For a detached CMS: the content, base64.
    #[serde(default)]
    content: Option<String>,
    /// The validation time (RFC 3339); default the service's (`--at`, else now).
    #[serde(default)]
    at: Option<String>,
    /// The IIN the signers must carry.
    #[serde(default)]
    expect_iin: Option<String>,
    /// The BIN the signers must carry.
    #[serde(default)]
    expect_bin: Option<String>,
}

fn time_of(s: &Service, at: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    match at {
        None => Ok(s.config.at),
        Some(t) => OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .map(Some)
            .map_err(|e| ApiError::bad_request(format!("at: not an RFC 3339 time ({e})"))),
    }
}

fn judge(
    s: &Service,
    document: &[u8],
    content: Option<&[u8]>,
    request: &Request,
) -> Result<DocumentReport, ApiError> {
    let report = s
        .native
        .validate_any(document.to_vec(), content, request)
        .map_err(|e| match e {
            DocumentError::Xml(x) => {
                ApiError::bad_request(format!("the document is not well-formed XML: {x}"))
            }
            other => ApiError::bad_request(other.to_string()),
        })?;
    s.metrics.verdict(report.indication.name());
    Ok(report)
}

/// `POST /v1/verify`: any signed document — XMLDSig, a WS-Security envelope, a
/// SmartBridge submission (both layers), CMS — as raw bytes (`Content-Type:
/// application/xml`, `application/pkcs7-mime`, …) or as JSON `{"document": base64, …}`.
/// Answers the core's report (200 whatever the verdict; 400 when nothing can be
/// verified).
#[utoipa::path(post, path = "/v1/verify", tag = "native", description = "Verifies any signed document (XMLDSig, WS-Security, SmartBridge both layers, CMS): the verification core's report.", request_body(content((VerifyRequest = "application/json"), (Vec<u8> = "application/xml"), (Vec<u8> = "application/pkcs7-mime"), (Vec<u8> = "application/octet-stream"))), responses((status = 200, body = crate::openapi::DocumentReport), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn verify(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        let bytes = match body(raw) {
            Ok(b) => b,
            Err(e) => return e.into_response(),
        };
        return blocking(s, Ok(bytes), |s, b| {
            let request = Request {
                at: s.config.at,
                ..Default::default()
            };
            judge(s, b, None, &request)
        })
        .await;
    }
    blocking(s, raw, |s, b| {
        let r: VerifyRequest = json(b)?;
        let document = decode_field(&r.document, "document")?;
        let content = r
            .content
            .as_deref()
            .map(|c| decode_field(c, "content"))
            .transpose()?;
        let request = Request {
            at: time_of(s, r.at.as_deref())?,
            expected: tanba_pki::ExpectedIdentity {
                iin: r.expect_iin,
                bin: r.expect_bin,
            },
            ..Default::default()
        };
        judge(s, &document, content.as_deref(), &request)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct CertificateRequest {
    /// The certificate: base64 DER, or PEM text.
    certificate: String,
    #[serde(default)]
    at: Option<String>,
}

/// `POST /v1/certificates/validate`: one certificate under the service's policy.
#[utoipa::path(post, path = "/v1/certificates/validate", tag = "native", description = "Validates one certificate under the service policy.", request_body = CertificateRequest, responses((status = 200, body = crate::openapi::DocumentReport), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn validate_certificate(
    State(s): State<Arc<Service>>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, raw, |s, b| {
        let r: CertificateRequest = json(b)?;
        let bytes = if r.certificate.trim_start().starts_with("-----BEGIN") {
            r.certificate.into_bytes()
        } else {
            decode_field(&r.certificate, "certificate")?
        };
        let at = time_of(s, r.at.as_deref())?;
        let policy = s.native.certificate_policy(Layer::Document, at);
        let report = s.native.validate_certificate_report(&bytes, &[], &policy);
        s.metrics.verdict(report.indication.name());
        Ok(report)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct SignXmlRequest {
    xml: String,
    signer: SignerRequest,
    /// Sign the element with this Id (`#id` or `id`) instead of the whole document.
    #[serde(default)]
    reference: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Signed {
    /// The signed document (XML text) or CMS (base64 DER).
    signed: String,
}

/// `POST /v1/sign/xml`: one enveloped signature in the Kalkan profile.
#[utoipa::path(post, path = "/v1/sign/xml", tag = "native", description = "Signs an XML document (Kalkan profile).", request_body = SignXmlRequest, responses((status = 200, body = Signed), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody), (status = 401, description = "a bearer token is configured and missing or wrong", body = ErrorBody)))]
pub(crate) async fn sign_xml(
    State(s): State<Arc<Service>>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, raw, |_s, b| {
        let r: SignXmlRequest = json(b)?;
        let signer = keys::signer(&r.signer).map_err(|e| e.prefixed("signer: "))?;
        let opts = match r.reference.as_deref() {
            Some(id) => tanba_dsig::SignOptions::by_id(id.strip_prefix('#').unwrap_or(id)),
            None => tanba_dsig::SignOptions::default(),
        };
        let out = tanba_dsig::sign(r.xml.as_bytes(), &signer, &opts)
            .map_err(|e| ApiError::bad_request(format!("xml: {e}")))?;
        Ok(Signed {
            signed: String::from_utf8(out)
                .map_err(|_| ApiError::internal("the signed document is not UTF-8"))?,
        })
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct SignCmsRequest {
    /// The content, base64.
    data: String,
    signer: SignerRequest,
    #[serde(default)]
    detached: bool,
    /// Leave signingCertificateV2 out (byte-compatibility with Kalkan Java / NCANode).
    #[serde(default)]
    no_signing_certificate_v2: bool,
}

/// `POST /v1/sign/cms`: CMS SignedData (CAdES-BES with signingCertificateV2 by default).
#[utoipa::path(post, path = "/v1/sign/cms", tag = "native", description = "Signs data into CMS (CAdES-BES, signingCertificateV2 by default).", request_body = SignCmsRequest, responses((status = 200, body = Signed), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody), (status = 401, description = "a bearer token is configured and missing or wrong", body = ErrorBody)))]
pub(crate) async fn sign_cms(
    State(s): State<Arc<Service>>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, raw, |_s, b| {
        let r: SignCmsRequest = json(b)?;
        let data = decode_field(&r.data, "data")?;
        let signer = keys::signer(&r.signer).map_err(|e| e.prefixed("signer: "))?;
        let opts = tanba_cms::SignOptions {
            detached: r.detached,
            signing_certificate_v2: !r.no_signing_certificate_v2,
            ..Default::default()
        };
        let der = tanba_cms::sign(tanba_cms::ToSign::Content(&data), &signer, &opts)
            .map_err(|e| ApiError::bad_request(format!("cms: {e}")))?;
        Ok(Signed {
            signed: base64::engine::general_purpose::STANDARD.encode(der),
        })
    })
    .await
}

/// One document of a batch.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct BatchDocument {
    /// The signed document (XML or CMS), base64.
    document: String,
    /// A name to find it by in the answer (default: its index).
    #[serde(default)]
    name: Option<String>,
}

/// `/v1/batch/verify`: many documents, one expectation.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct BatchRequest {
    /// The documents.
    documents: Vec<BatchDocument>,
    /// The validation time (RFC 3339); default the service's.
    #[serde(default)]
    at: Option<String>,
    /// The IIN every document's signers must carry.
    #[serde(default)]
    expect_iin: Option<String>,
    /// The BIN every document's signers must carry.
    #[serde(default)]
    expect_bin: Option<String>,
}

/// One line of the batch answer (NDJSON), in completion order.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct BatchLine {
    /// The document's position in the request.
    index: usize,
    /// Its name.
    name: String,
    /// `passed`, `failed` (the report says why) or `error` (nothing could be verified).
    status: &'static str,
    /// The core's report.
    #[schema(value_type = Option<crate::openapi::DocumentReport>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<DocumentReport>,
    /// Why nothing could be verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The last line of a batch answer.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct BatchSummary {
    /// Documents in the request.
    total: usize,
    /// Passed.
    passed: usize,
    /// Failed or indeterminate.
    failed: usize,
    /// Not verifiable.
    errors: usize,
}

/// `POST /v1/batch/verify`: every document verified in parallel on all cores (the core's
/// batch engine); the answer streams as NDJSON, a line per document as it completes
/// (`index`, `name`, `status`, and its `report` or `error`), then `{"summary": …}`. A bad
/// document never fails the batch.
#[utoipa::path(post, path = "/v1/batch/verify", tag = "native", request_body = BatchRequest, responses((status = 200, description = "NDJSON: a BatchLine per document in completion order, then {\"summary\": BatchSummary}", content_type = "application/x-ndjson", body = BatchLine), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once (Retry-After)", body = ErrorBody)))]
pub(crate) async fn batch_verify(
    State(s): State<Arc<Service>>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let bytes = match body(raw) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let parse = {
        let s = s.clone();
        tokio::task::spawn_blocking(move || -> Result<(BatchRequest, Request), ApiError> {
            let r: BatchRequest = json(&bytes)?;
            let request = Request {
                at: time_of(&s, r.at.as_deref())?,
                expected: tanba_pki::ExpectedIdentity {
                    iin: r.expect_iin.clone(),
                    bin: r.expect_bin.clone(),
                },
                ..Default::default()
            };
            Ok((r, request))
        })
    };
    let (batch, request) = match parse.await {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return e.into_response(),
        Err(_) => return ApiError::internal("the request's worker failed").into_response(),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    tokio::task::spawn_blocking(move || {
        let total = batch.documents.len();
        let jobs: Vec<tanba_validate::Job> = batch
            .documents
            .into_iter()
            .enumerate()
            .map(|(i, d)| tanba_validate::Job {
                name: d.name.unwrap_or_else(|| i.to_string()),
                load: Box::new(move || {
                    base64_lenient(&d.document)
                        .map(|z| z.to_vec())
                        .ok_or_else(|| std::io::Error::other("document: not valid base64"))
                }),
            })
            .collect();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut summary = BatchSummary {
            total,
            passed: 0,
            failed: 0,
            errors: 0,
        };
        let send = |mut line: Vec<u8>| {
            line.push(b'\n');
            // a client that went away stops nothing but its own answer
            let _ = tx.blocking_send(Bytes::from(line));
        };
        tanba_validate::validate_batch(
            &s.native,
            &request,
            jobs,
            threads,
            tanba_validate::Order::Completion,
            |item| {
                let line = match item.result {
                    Ok(report) => {
                        s.metrics.verdict(report.indication.name());
                        let status = if report.is_passed() {
                            summary.passed += 1;
                            "passed"
                        } else {
                            summary.failed += 1;
                            "failed"
                        };
                        BatchLine {
                            index: item.index,
                            name: item.name,
                            status,
                            report: Some(report),
                            error: None,
                        }
                    }
                    Err(e) => {
                        summary.errors += 1;
                        BatchLine {
                            index: item.index,
                            name: item.name,
                            status: "error",
                            report: None,
                            error: Some(e.to_string()),
                        }
                    }
                };
                send(json_line(&line));
            },
        );
        send(json_line(&serde_json::json!({ "summary": summary })));
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        axum::body::Body::from_stream(stream),
    )
        .into_response()
}

/// One value as a JSON line (without its newline).
fn json_line<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|e| {
        format!("{{\"error\":\"a line could not be written: {e}\"}}").into_bytes()
    })
}

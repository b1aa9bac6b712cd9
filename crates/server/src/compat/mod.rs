//! The NCANode 3.x-compatible API (NCANODE-API.md §1–§6): the same paths, request
//! fields and response shapes, judged by the verification core under the
//! `ncanode-compat` policy at "now" (or the service's fixed `--at`), with revocation
//! checked only when `revocationCheck` asks for it. The divergences that fix NCANode's
//! §7 behaviours are listed in the README under "Differences from NCANode".

pub(crate) mod cert_info;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tanba_validate::{DocumentError, DocumentFormat, Layer, Request, Scope, SignerReport};

use crate::error::{ApiError, Body as ErrorBody};
use crate::keys::{self, base64_lenient, decode_field, SignerRequest};
use crate::serve::{blocking, json};
use crate::{xml_edit, Service};
use cert_info::{certificate_info, Asked, CertificateInfo};

/// A `revocationCheck` entry (case-sensitive, as NCANode's enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub(crate) enum RevocationKind {
    /// Ask the OCSP responders.
    #[serde(rename = "OCSP")]
    Ocsp,
    /// Look in the CRLs.
    #[serde(rename = "CRL")]
    Crl,
}

fn asked(list: &Option<Vec<RevocationKind>>) -> Asked {
    let l = list.as_deref().unwrap_or_default();
    Asked {
        ocsp: l.contains(&RevocationKind::Ocsp),
        crl: l.contains(&RevocationKind::Crl),
    }
}

/// NCANode's `tsaPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum TsaPolicy {
    /// 1.2.398.3.3.2.6.4.
    #[serde(rename = "TSA_GOST2015_POLICY")]
    Gost2015,
    /// 1.2.398.3.3.2.6.1.
    #[serde(rename = "TSA_GOST_POLICY")]
    Gost,
    /// Kalkan's GOST-GT policy (its OID is not established).
    #[serde(rename = "TSA_GOSTGT_POLICY")]
    GostGt,
}

const OK: &str = "OK";

fn required<T>(v: Option<T>, field: &str) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::bad_request(format!("{field}: must not be null")))
}

/// The core's request for these routes.
fn request(s: &Service, asked: Asked, scope: Scope) -> Request {
    Request {
        at: s.config.at,
        revocation: Some(asked.sources()),
        scope,
        dsig: tanba_dsig::VerifyOptions {
            discard_digested_bytes: true,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A signer of a verified document as NCANode describes it (`null` when its signature
/// carried no readable certificate, or did not verify in an XML document).
fn signer_info(r: &SignerReport, asked: Asked) -> Option<CertificateInfo> {
    certificate_info(
        r.certificate_der.as_deref()?,
        r.is_passed(),
        r.certificate.as_ref(),
        asked,
    )
}

/// `VerificationResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct VerificationResponse {
    status: u16,
    message: String,
    valid: bool,
    signers: Vec<Option<CertificateInfo>>,
}

impl VerificationResponse {
    fn new(valid: bool, signers: Vec<Option<CertificateInfo>>) -> Self {
        VerificationResponse {
            status: 200,
            message: OK.into(),
            valid,
            signers,
        }
    }
}

/// `XmlSignResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct XmlResponse {
    status: u16,
    message: &'static str,
    xml: String,
}

impl XmlResponse {
    /// The signed document as the answer.
    fn new(signed: Vec<u8>) -> Result<Self, ApiError> {
        Ok(XmlResponse {
            status: 200,
            message: OK,
            xml: String::from_utf8(signed)
                .map_err(|_| ApiError::internal("XML generation error: not UTF-8"))?,
        })
    }
}

/// `CmsResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CmsResponse {
    status: u16,
    message: &'static str,
    cms: String,
}

/// `CmsDataResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DataResponse {
    status: u16,
    message: &'static str,
    data: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct XmlVerifyRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    xml: Option<String>,
    #[serde(default)]
    revocation_check: Option<Vec<RevocationKind>>,
}

fn xml_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("Cannot read XML: {e}"))
}

/// A document error of a verify route: no signature is a `valid: false` answer, the
/// rest are the request's fault.
fn verify_error(e: DocumentError) -> Result<VerificationResponse, ApiError> {
    match e {
        DocumentError::NoSignature => Ok(VerificationResponse::new(false, Vec::new())),
        DocumentError::Xml(x) => Err(xml_error(x)),
        other => Err(ApiError::bad_request(other.to_string())),
    }
}

/// `POST /xml/verify`: every signature, any prefix, at every layer; signers last
/// signature first, as NCANode peels them.
#[utoipa::path(post, path = "/xml/verify", tag = "ncanode", description = "Verifies every XML signature (any prefix, every layer); signers last signature first.", request_body = XmlVerifyRequest, responses((status = 200, body = VerificationResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn xml_verify(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| {
        let r: XmlVerifyRequest = json(b)?;
        let xml = required(r.xml, "xml")?;
        let asked = asked(&r.revocation_check);
        let report = match s
            .compat
            .validate_document(xml.trim().as_bytes(), &request(s, asked, Scope::EveryLayer))
        {
            Ok(r) => r,
            Err(e) => return verify_error(e),
        };
        s.metrics.verdict(report.indication.name());
        let mut signers: Vec<Option<CertificateInfo>> = report
            .signers
            .iter()
            .map(|x| signer_info(x, asked))
            .collect();
        if report.format == DocumentFormat::Xmldsig {
            signers.reverse();
        }
        Ok(VerificationResponse::new(report.is_passed(), signers))
    })
    .await
}

/// `POST /wsse/verify`: the WS-Security transport signature of a SOAP envelope, by the
/// profile (the signed Body must be the envelope's Body).
#[utoipa::path(post, path = "/wsse/verify", tag = "ncanode", description = "Verifies the WS-Security transport signature of a SOAP envelope.", request_body = XmlVerifyRequest, responses((status = 200, body = VerificationResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn wsse_verify(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| {
        let r: XmlVerifyRequest = json(b)?;
        let xml = required(r.xml, "xml")?;
        let asked = asked(&r.revocation_check);
        let report = match s.compat.validate_document(
            xml.trim().as_bytes(),
            &request(s, asked, Scope::TransportOnly),
        ) {
            Ok(r) => r,
            Err(e) => return verify_error(e),
        };
        s.metrics.verdict(report.indication.name());
        let signers = report
            .signers
            .iter()
            .filter(|x| x.layer == Layer::Transport)
            .map(|x| signer_info(x, asked))
            .collect();
        Ok(VerificationResponse::new(report.is_passed(), signers))
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct XmlSignRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    xml: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<SignerRequest>, required = true, min_items = 1)]
    signers: Option<Vec<SignerRequest>>,
    #[serde(default)]
    clear_signatures: Option<bool>,
    #[serde(default)]
    trim_xml: Option<bool>,
}

fn signers(list: Option<Vec<SignerRequest>>, field: &str) -> Result<Vec<SignerRequest>, ApiError> {
    let l = required(list, field)?;
    if l.is_empty() {
        return Err(ApiError::bad_request(format!("{field}: must not be empty")));
    }
    Ok(l)
}

fn at(i: usize) -> String {
    format!("signers[{i}]: ")
}

/// `POST /xml/sign`: an enveloped signature per signer, each appended as the root's
/// last child and covering the ones before it (Kalkan layout).
#[utoipa::path(post, path = "/xml/sign", tag = "ncanode", description = "Signs an XML document (enveloped XMLDSig, Kalkan layout), one signature per signer.", request_body = XmlSignRequest, responses((status = 200, body = XmlResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody), (status = 401, description = "a bearer token is configured and missing or wrong", body = ErrorBody)))]
pub(crate) async fn xml_sign(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |_s, b| {
        let r: XmlSignRequest = json(b)?;
        let xml = required(r.xml, "xml")?;
        let list = signers(r.signers, "signers")?;
        let mut doc = xml_edit::prepare(
            xml.trim(),
            r.clear_signatures.unwrap_or(false),
            r.trim_xml.unwrap_or(false),
        )
        .map_err(xml_error)?
        .into_bytes();
        for (i, sr) in list.iter().enumerate() {
            let signer = keys::signer(sr).map_err(|e| e.prefixed(&at(i)))?;
            let opts = match sr.reference_uri.as_deref().map(str::trim) {
                Some(u) if !u.is_empty() => {
                    tanba_dsig::SignOptions::by_id(u.strip_prefix('#').unwrap_or(u))
                }
                _ => tanba_dsig::SignOptions::default(),
            };
            doc = tanba_dsig::sign(&doc, &signer, &opts).map_err(|e| match e {
                tanba_dsig::DsigError::Xml(x) => xml_error(x),
                other => {
                    ApiError::bad_request(format!("XML Signing error: {other}")).prefixed(&at(i))
                }
            })?;
        }
        XmlResponse::new(doc)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WsseSignRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    xml: Option<String>,
    #[serde(flatten)]
    key: SignerRequest,
    #[serde(default)]
    trim_xml: Option<bool>,
}

/// `POST /wsse/sign`: the SmartBridge WS-Security transport signature (KeyIdentifier
/// token, exclusive C14N, the Body by `wsu:Id`).
#[utoipa::path(post, path = "/wsse/sign", tag = "ncanode", description = "Signs a SOAP 1.1 envelope (WS-Security, SmartBridge).", request_body = WsseSignRequest, responses((status = 200, body = XmlResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody), (status = 401, description = "a bearer token is configured and missing or wrong", body = ErrorBody)))]
pub(crate) async fn wsse_sign(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |_s, b| {
        let r: WsseSignRequest = json(b)?;
        let xml = required(r.xml, "xml")?;
        let xml =
            xml_edit::prepare(xml.trim(), false, r.trim_xml.unwrap_or(false)).map_err(xml_error)?;
        let signer = keys::signer(&r.key)?;
        let out = tanba_wss::sign(xml.as_bytes(), &signer, &tanba_wss::SignOptions::new())
            .map_err(|e| ApiError::bad_request(format!("XML Signature creation error: {e}")))?;
        XmlResponse::new(out)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CmsCreateRequest {
    #[serde(default)]
    data: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<SignerRequest>, required = true, min_items = 1)]
    signers: Option<Vec<SignerRequest>>,
    #[serde(default)]
    with_tsp: Option<bool>,
    #[serde(default)]
    tsa_policy: Option<TsaPolicy>,
    #[serde(default)]
    detached: Option<bool>,
    #[serde(default)]
    cms: Option<String>,
}

fn tsa_policy(p: Option<TsaPolicy>) -> Result<Option<&'static str>, ApiError> {
    Ok(match p {
        // absent: the policy the official clients ask for the signer's key
        None => None,
        Some(TsaPolicy::Gost2015) => Some(tanba_cms::tsp::policy::GOST_2015),
        Some(TsaPolicy::Gost) => Some(tanba_cms::tsp::policy::GOST_2004),
        Some(TsaPolicy::GostGt) => {
            return Err(ApiError::bad_request(
                "tsaPolicy: TSA_GOSTGT_POLICY has no established OID; use TSA_GOST2015_POLICY or TSA_GOST_POLICY",
            ))
        }
    })
}

/// Signs (or co-signs, when `existing` is given) `data` with every signer of the
/// request, then time-stamps the new signers when `withTsp` asks.
fn cms_create(s: &Service, b: &[u8], add: bool) -> Result<CmsResponse, ApiError> {
    let r: CmsCreateRequest = json(b)?;
    let list = signers(r.signers, "signers")?;
    let detached = r.detached.unwrap_or(false);
    let opts = tanba_cms::SignOptions {
        detached,
        ..Default::default()
    };
    let existing = if add {
        let text = r
            .cms
            .as_deref()
            .ok_or_else(|| ApiError::bad_request("CMS argument not specified"))?;
        let der = decode_field(text, "cms")?;
        Some(
            tanba_cms::read(&der, &tanba_cms::Limits::default())
                .map_err(|e| ApiError::bad_request(format!("cms: {e}")))?,
        )
    } else {
        None
    };
    let data = match (&r.data, &existing) {
        (Some(d), _) => Some(decode_field(d, "data")?),
        (None, Some(c)) if !c.is_detached() => None,
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "Data must be specified for detached CMS",
            ))
        }
        (None, None) => return Err(ApiError::bad_request("data: must not be null")),
    };
    let before = existing.as_ref().map_or(0, |c| c.signers.len());
    let mut cms: Option<Vec<u8>> = None;
    for (i, sr) in list.iter().enumerate() {
        let signer = keys::signer(sr).map_err(|e| e.prefixed(&at(i)))?;
        let current = match &cms {
            Some(der) => Some(
                tanba_cms::read(der, &tanba_cms::Limits::default())
                    .map_err(|e| ApiError::internal(e.to_string()))?,
            ),
            None => existing.clone(),
        };
        let out = match current {
            None => tanba_cms::sign(
                tanba_cms::ToSign::Content(data.as_deref().unwrap_or_default()),
                &signer,
                &opts,
            ),
            Some(c) => tanba_cms::add_signer(&c, data.as_deref(), &signer, &opts),
        }
        .map_err(|e| ApiError::bad_request(format!("CMS creation error: {e}")).prefixed(&at(i)))?;
        cms = Some(out);
    }
    let mut der = cms.ok_or_else(|| ApiError::internal("no signer signed"))?;
    if r.with_tsp.unwrap_or(false) {
        let policy = tsa_policy(r.tsa_policy)?;
        let fetcher = tanba_pki::Fetcher::new(tanba_pki::FetchConfig::default())
            .map_err(|e| ApiError::internal(format!("TSP request failure. ({e})")))?;
        let deadline = std::time::Instant::now() + s.config.tsa_timeout;
        for index in before..before + list.len() {
            let parsed = tanba_cms::read(&der, &tanba_cms::Limits::default())
                .map_err(|e| ApiError::internal(e.to_string()))?;
            let started = std::time::Instant::now();
            let stamped = tanba_cms::tsp::time_stamp_signer(
                &parsed,
                index,
                &fetcher,
                &s.config.tsa_url,
                policy,
                deadline,
                &tanba_crypto::AlgorithmPolicy::default(),
            );
            s.metrics.tsa(stamped.is_ok(), started.elapsed());
            der = stamped.map_err(|e| ApiError::upstream(format!("TSP request failure. ({e})")))?;
        }
    }
    Ok(CmsResponse {
        status: 200,
        message: OK,
        cms: base64::engine::general_purpose::STANDARD.encode(der),
    })
}

/// `POST /cms/sign`.
#[utoipa::path(post, path = "/cms/sign", tag = "ncanode", description = "Signs data into CMS SignedData (optionally time-stamped).", request_body = CmsCreateRequest, responses((status = 200, body = CmsResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody), (status = 401, description = "a bearer token is configured and missing or wrong", body = ErrorBody), (status = 502, description = "the TSA failed", body = ErrorBody)))]
pub(crate) async fn cms_sign(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| cms_create(s, b, false)).await
}

/// `POST /cms/sign/add`: the signers already there are kept byte for byte.
#[utoipa::path(post, path = "/cms/sign/add", tag = "ncanode", description = "Adds signers to a CMS; the signers already there stay byte for byte.", request_body = CmsCreateRequest, responses((status = 200, body = CmsResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody), (status = 401, description = "a bearer token is configured and missing or wrong", body = ErrorBody), (status = 502, description = "the TSA failed", body = ErrorBody)))]
pub(crate) async fn cms_sign_add(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| cms_create(s, b, true)).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CmsVerifyRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    cms: Option<String>,
    #[serde(default)]
    data: Option<String>,
    #[serde(default)]
    revocation_check: Option<Vec<RevocationKind>>,
}

/// `TspInfo`: every field present, `null` when empty.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TspInfo {
    serial_number: String,
    gen_time: String,
    policy: String,
    tsa: Option<String>,
    tsp_hash_algorithm: Option<&'static str>,
    hash: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CmsSigner {
    certificates: Vec<CertificateInfo>,
    tsp: Option<TspInfo>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CmsVerificationResponse {
    status: u16,
    message: &'static str,
    valid: bool,
    signers: Vec<CmsSigner>,
}

/// NCANode's name of a time-stamp imprint's hash (`null` for GOST 2015, as NCANode).
fn tsp_hash_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.2.5" => "MD5",
        "1.3.14.3.2.26" => "SHA1",
        "2.16.840.1.101.3.4.2.4" => "SHA224",
        "2.16.840.1.101.3.4.2.1" => "SHA256",
        "2.16.840.1.101.3.4.2.2" => "SHA384",
        "2.16.840.1.101.3.4.2.3" => "SHA512",
        "1.2.398.3.10.1.3.1" => "GOST34311",
        _ => return None,
    })
}

fn tsp_info(si: &tanba_cms::SignerInfo) -> Option<TspInfo> {
    let token = tanba_cms::tsp::signature_time_stamp(si)?.ok()?;
    let i = &token.info;
    Some(TspInfo {
        serial_number: hex::encode(&i.serial),
        gen_time: cert_info::date(i.gen_time),
        policy: i.policy.clone(),
        tsa: None,
        tsp_hash_algorithm: tsp_hash_name(&i.imprint_algorithm),
        hash: hex::encode(&i.imprint),
    })
}

/// `POST /cms/verify`: every SignerInfo judged; a signer without its certificate, or a
/// CMS without signers, is never valid.
#[utoipa::path(post, path = "/cms/verify", tag = "ncanode", description = "Verifies every SignerInfo of a CMS.", request_body = CmsVerifyRequest, responses((status = 200, body = CmsVerificationResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn cms_verify(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| {
        let r: CmsVerifyRequest = json(b)?;
        let der = decode_field(&required(r.cms, "cms")?, "cms")?;
        let parsed = tanba_cms::read(&der, &tanba_cms::Limits::default())
            .map_err(|e| ApiError::bad_request(format!("cms: {e}")))?;
        let data = match (&r.data, parsed.is_detached()) {
            // NCANode uses data only for a CMS without its content
            (Some(d), true) => Some(decode_field(d, "data")?),
            _ => None,
        };
        let content = match &data {
            Some(d) => tanba_cms::Content::Detached(d),
            None => tanba_cms::Content::Attached,
        };
        let asked = asked(&r.revocation_check);
        let report = s
            .compat
            .validate_cms(&der, content, &request(s, asked, Scope::EveryLayer))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        s.metrics.verdict(report.indication.name());
        let signers = report
            .signers
            .iter()
            .map(|x| CmsSigner {
                certificates: signer_info(x, asked).into_iter().collect(),
                tsp: parsed.signers.get(x.index).and_then(tsp_info),
            })
            .collect();
        Ok(CmsVerificationResponse {
            status: 200,
            message: OK,
            valid: report.is_passed(),
            signers,
        })
    })
    .await
}

/// `POST /cms/extract`: the content of an attached CMS.
#[utoipa::path(post, path = "/cms/extract", tag = "ncanode", description = "The content of an attached CMS.", request_body = CmsVerifyRequest, responses((status = 200, body = DataResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn cms_extract(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |_s, b| {
        let r: CmsVerifyRequest = json(b)?;
        let der = decode_field(&required(r.cms, "cms")?, "cms")?;
        let parsed = tanba_cms::read(&der, &tanba_cms::Limits::default())
            .map_err(|e| ApiError::bad_request(format!("cms: {e}")))?;
        let content = parsed
            .content()
            .ok_or_else(|| ApiError::bad_request("CMS doesn't have signed content"))?;
        Ok(DataResponse {
            status: 200,
            message: OK,
            data: base64::engine::general_purpose::STANDARD.encode(content),
        })
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pkcs12InfoRequest {
    #[serde(default)]
    #[schema(value_type = Vec<SignerRequest>, required = true, min_items = 1)]
    keys: Option<Vec<SignerRequest>>,
    #[serde(default)]
    revocation_check: Option<Vec<RevocationKind>>,
}

/// The certificate `der` (with `extra` chain candidates) judged under these routes'
/// policy: its `CertificateInfo`.
fn judge_certificate(
    s: &Service,
    der: &[u8],
    extra: &[tanba_pki::ChainCert],
    asked: Asked,
) -> Option<CertificateInfo> {
    let policy = s
        .compat
        .policy_with(Layer::Document, s.config.at, Some(asked.sources()));
    let report = s.compat.validate_certificate_report(der, extra, &policy);
    s.metrics.verdict(report.indication.name());
    let cert = report.signers.first()?;
    certificate_info(
        cert.certificate_der.as_deref().unwrap_or(der),
        report.is_passed(),
        cert.certificate.as_ref(),
        asked,
    )
}

/// `POST /pkcs12/info`: the certificate of each key, judged.
#[utoipa::path(post, path = "/pkcs12/info", tag = "ncanode", description = "The certificate of each key, judged.", request_body = Pkcs12InfoRequest, responses((status = 200, body = VerificationResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn pkcs12_info(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| {
        let r: Pkcs12InfoRequest = json(b)?;
        let list = signers(r.keys, "keys")?;
        let asked = asked(&r.revocation_check);
        let mut out = Vec::new();
        for (i, k) in list.iter().enumerate() {
            let signer = keys::signer(k).map_err(|e| e.prefixed(&at(i)))?;
            let chain = tanba_crypto::Signer::certificate_chain(&signer);
            let Some(cert) = chain.first() else {
                return Err(ApiError::bad_request(
                    "Key reading error: Cannot extract certificate.",
                )
                .prefixed(&at(i)));
            };
            let extra: Vec<tanba_pki::ChainCert> = chain[1..]
                .iter()
                .filter_map(|d| tanba_pki::ChainCert::from_der(d).ok())
                .collect();
            out.push(judge_certificate(s, cert, &extra, asked));
        }
        let valid = out.iter().all(|c| c.as_ref().is_some_and(|c| c.valid));
        Ok(VerificationResponse::new(valid, out))
    })
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AliasesResponse {
    status: u16,
    message: &'static str,
    aliases: Vec<Vec<String>>,
}

/// `POST /pkcs12/aliases`: the key aliases of each container, in store order.
#[utoipa::path(post, path = "/pkcs12/aliases", tag = "ncanode", description = "The key aliases of each PKCS#12 container.", request_body = Pkcs12InfoRequest, responses((status = 200, body = AliasesResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn pkcs12_aliases(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |_s, b| {
        let r: Pkcs12InfoRequest = json(b)?;
        let list = signers(r.keys, "keys")?;
        let mut aliases = Vec::new();
        for (i, k) in list.iter().enumerate() {
            let store = keys::open(k).map_err(|e| e.prefixed(&at(i)))?;
            aliases.push(
                store
                    .entries()
                    .iter()
                    .map(|e| e.alias().to_string())
                    .collect(),
            );
        }
        Ok(AliasesResponse {
            status: 200,
            message: OK,
            aliases,
        })
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct X509InfoRequest {
    #[serde(default)]
    #[schema(value_type = Vec<Option<String>>, required = true)]
    certs: Option<Vec<Option<String>>>,
    #[serde(default)]
    revocation_check: Option<Vec<RevocationKind>>,
}

/// A certificate as the `/x509/*` routes take it: base64 of DER, or of PEM text (with
/// anything around the armour, such as openssl's "Bag Attributes").
fn certificate_bytes(text: &str) -> Option<Vec<u8>> {
    let raw = base64_lenient(text)?;
    let der = if raw.windows(10).any(|w| w == b"-----BEGIN") {
        tanba_pki::KzCertificate::from_pem_or_der(&raw)
            .ok()?
            .first()?
            .der()
            .to_vec()
    } else {
        raw.to_vec()
    };
    tanba_pki::KzCertificate::from_der(&der).ok()?;
    Some(der)
}

/// `POST /x509/info`: each certificate judged; one that does not parse is `null` and
/// named in `message` (HTTP 200, as NCANode).
#[utoipa::path(post, path = "/x509/info", tag = "ncanode", description = "Each certificate judged; one that does not parse is null.", request_body = X509InfoRequest, responses((status = 200, body = VerificationResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn x509_info(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| {
        let r: X509InfoRequest = json(b)?;
        let certs = required(r.certs, "certs")?;
        let asked = asked(&r.revocation_check);
        let mut message = OK.to_string();
        let mut out = Vec::new();
        for (i, c) in certs.iter().enumerate() {
            match c.as_deref().and_then(certificate_bytes) {
                Some(der) => out.push(judge_certificate(s, &der, &[], asked)),
                None => {
                    message = format!("[{i}]: Invalid certificate given.");
                    out.push(None);
                }
            }
        }
        let valid = !out.is_empty() && out.iter().all(|c| c.as_ref().is_some_and(|c| c.valid));
        let mut resp = VerificationResponse::new(valid, out);
        resp.message = message;
        Ok(resp)
    })
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SbaVerifyRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    certificate: Option<String>,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    signature: Option<String>,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    data: Option<String>,
    #[serde(default)]
    revocation_check: Option<Vec<RevocationKind>>,
}

/// `POST /x509/verify`: a raw signature (eGov Mobile's SIGN_BYTES_ARRAY) over the UTF-8
/// bytes of `data`, with the algorithm of the certificate, then the certificate judged.
#[utoipa::path(post, path = "/x509/verify", tag = "ncanode", description = "A raw signature over the UTF-8 bytes of data, then the certificate judged.", request_body = SbaVerifyRequest, responses((status = 200, body = VerificationResponse), (status = 400, description = "the request is wrong: NCANode's error shape", body = ErrorBody), (status = 413, description = "the body is over the limit", body = ErrorBody), (status = 503, description = "too many requests at once, or past the request deadline (Retry-After)", body = ErrorBody)))]
pub(crate) async fn x509_verify(
    State(s): State<Arc<Service>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    blocking(s, body, |s, b| {
        let r: SbaVerifyRequest = json(b)?;
        let cert_text = required(r.certificate, "certificate")?;
        let signature = decode_field(&required(r.signature, "signature")?, "signature")?;
        let data = required(r.data, "data")?;
        let asked = asked(&r.revocation_check);
        let Some(der) = certificate_bytes(&cert_text) else {
            let mut resp = VerificationResponse::new(false, vec![None]);
            resp.message = "[0]: Invalid certificate given.".into();
            return Ok(resp);
        };
        let report = s.compat.validate_raw(
            &der,
            &signature,
            data.as_bytes(),
            &request(s, asked, Scope::EveryLayer),
        );
        s.metrics.verdict(report.indication.name());
        let info = report.signers.first().and_then(|r| signer_info(r, asked));
        Ok(VerificationResponse::new(report.is_passed(), vec![info]))
    })
    .await
}

/// `/pdf/*` and `/jwt/*`: not provided (501 in NCANode's error shape).
#[utoipa::path(post, path = "/pdf/sign", tag = "ncanode", description = "Not provided (also /pdf/verify, /jwt/encode, /jwt/decode).", responses((status = 501, body = ErrorBody)))]
pub(crate) async fn not_provided() -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "not provided by tanba: PDF and JWT signatures are outside its scope (see README, Differences from NCANode)",
    )
}

//! Operations: liveness, readiness (trust and CRL indexes loaded and fresh), NCANode's
//! actuator health, Prometheus metrics and the trust in force.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use time::OffsetDateTime;

use crate::Service;

/// NCANode's actuator health.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    status: &'static str,
    /// Present only when the validation time is fixed (`--at`): every verdict is given
    /// at this instant, not now.
    #[serde(rename = "validationTime", skip_serializing_if = "Option::is_none")]
    validation_time: Option<String>,
}

fn fixed_time(s: &Service) -> Option<String> {
    s.config
        .at
        .map(|t| crate::compat::cert_info::date(t) + " (fixed by --at)")
}

/// `GET /actuator/health`: NCANode's `{"status":"UP"}` while the process serves.
#[utoipa::path(get, path = "/actuator/health", tag = "operations", responses((status = 200, body = Health)))]
pub(crate) async fn actuator_health(State(s): State<Arc<Service>>) -> Json<Health> {
    Json(Health {
        status: "UP",
        validation_time: fixed_time(&s),
    })
}

/// Liveness.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Live {
    status: &'static str,
    version: &'static str,
    uptime_seconds: u64,
    /// Set when the validation time is fixed (`--at`).
    validation_time: Option<String>,
}

/// Readiness.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Ready {
    ready: bool,
    /// Configured CRLs without a usable CRL, each with why.
    missing: Vec<String>,
    /// CRLs held.
    crls: usize,
}

/// The trust in force.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Trust {
    policy: &'static str,
    compat_policy: &'static str,
    validation_time: Option<String>,
    /// Subjects of the trust anchors.
    anchors: Vec<String>,
    /// Every CRL held, with its freshness.
    #[schema(value_type = Vec<Object>)]
    crls: Vec<tanba_pki::CrlFreshness>,
}

/// `GET /healthz`: alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Live)))]
pub(crate) async fn healthz(State(s): State<Arc<Service>>) -> Json<Live> {
    Json(Live {
        status: "UP",
        version: s.config.version,
        uptime_seconds: s.started.elapsed().as_secs(),
        validation_time: fixed_time(&s),
    })
}

/// `GET /readyz`: 200 only when every configured CRL is held and usable now; else 503
/// with what is missing.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, body = Ready), (status = 503, description = "not ready (Retry-After)", body = Ready)))]
pub(crate) async fn readyz(State(s): State<Arc<Service>>) -> Response {
    let r = s.revocation().ready(OffsetDateTime::now_utc());
    let body = Ready {
        ready: r.ready,
        missing: r.missing,
        crls: r.crls.len(),
    };
    if body.ready {
        (StatusCode::OK, Json(body)).into_response()
    } else {
        let mut resp = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
        resp.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        resp
    }
}

/// `GET /metrics`: Prometheus text.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
pub(crate) async fn metrics(State(s): State<Arc<Service>>) -> Response {
    let crls = s.revocation().freshness(OffsetDateTime::now_utc());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.metrics.render(&crls, s.revocation().stats()),
    )
        .into_response()
}

/// `GET /v1/trust`: the policies, the validation time, the trust anchors and every CRL
/// held with its freshness.
#[utoipa::path(get, path = "/v1/trust", tag = "native", responses((status = 200, body = Trust)))]
pub(crate) async fn trust(State(s): State<Arc<Service>>) -> Json<Trust> {
    Json(Trust {
        policy: s.native.policy().as_str(),
        compat_policy: s.compat.policy().as_str(),
        validation_time: fixed_time(&s),
        anchors: s
            .native
            .anchors()
            .iter()
            .map(|c| c.subject().to_string())
            .collect(),
        crls: s.revocation().freshness(OffsetDateTime::now_utc()),
    })
}

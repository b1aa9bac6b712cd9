//! [`ApiError`]: every error the service answers, in NCANode's error shape
//! `{"status": <http status>, "message": "…"}` (NCANODE-API.md §6), with the HTTP status
//! of the same number.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answer: its HTTP status and a message in the caller's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What is wrong, and where (`signers[0]: Key reading error: Password incorrect.`).
    pub message: String,
    /// Seconds a client should wait before retrying (503 only).
    pub retry_after: Option<u32>,
}

/// NCANode's error body.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Body<'a> {
    /// The HTTP status.
    status: u16,
    /// What is wrong, and where.
    message: &'a str,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the request is wrong (malformed JSON, bad base64, a wrong password, unreadable
    /// XML or CMS). NCANode answers many of these with 500; tanba answers 4xx.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 500: the service failed (a TSA that did not answer, an internal fault).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 502: an outside service the request needs (the TSA) failed.
    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, message)
    }

    /// 503 with `Retry-After`: too busy, or not ready yet.
    pub fn unavailable(message: impl Into<String>, retry_after: u32) -> Self {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: message.into(),
            retry_after: Some(retry_after),
        }
    }

    /// The same error with `prefix` before its message (`signers[1]: `).
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            status: self.status.as_u16(),
            message: &self.message,
        };
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        r
    }
}

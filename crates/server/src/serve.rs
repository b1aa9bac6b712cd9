//! The router (every route with its layers) and the accept loop (header timeout,
//! graceful shutdown).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use crate::error::ApiError;
use crate::{compat, native, ops, Service};

/// Every route the router serves (method, path): `/openapi.json` documents each one (a
/// test holds the two together).
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/xml/sign"),
    ("POST", "/xml/verify"),
    ("POST", "/wsse/sign"),
    ("POST", "/wsse/verify"),
    ("POST", "/cms/sign"),
    ("POST", "/cms/sign/add"),
    ("POST", "/cms/verify"),
    ("POST", "/cms/extract"),
    ("POST", "/pkcs12/info"),
    ("POST", "/pkcs12/aliases"),
    ("POST", "/x509/info"),
    ("POST", "/x509/verify"),
    ("POST", "/pdf/sign"),
    ("POST", "/pdf/verify"),
    ("POST", "/jwt/encode"),
    ("POST", "/jwt/decode"),
    ("POST", "/v1/verify"),
    ("POST", "/v1/certificates/validate"),
    ("POST", "/v1/batch/verify"),
    ("POST", "/v1/sign/xml"),
    ("POST", "/v1/sign/cms"),
    ("GET", "/v1/trust"),
    ("GET", "/actuator/health"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
];

/// Every route of the service over `service`.
pub fn router(service: Arc<Service>) -> Router {
    let signing = Router::new()
        .route("/xml/sign", post(compat::xml_sign))
        .route("/wsse/sign", post(compat::wsse_sign))
        .route("/cms/sign", post(compat::cms_sign))
        .route("/cms/sign/add", post(compat::cms_sign_add))
        .route("/v1/sign/xml", post(native::sign_xml))
        .route("/v1/sign/cms", post(native::sign_cms))
        .route_layer(middleware::from_fn_with_state(service.clone(), bearer));
    let api = Router::new()
        .route("/xml/verify", post(compat::xml_verify))
        .route("/wsse/verify", post(compat::wsse_verify))
        .route("/cms/verify", post(compat::cms_verify))
        .route("/cms/extract", post(compat::cms_extract))
        .route("/pkcs12/info", post(compat::pkcs12_info))
        .route("/pkcs12/aliases", post(compat::pkcs12_aliases))
        .route("/x509/info", post(compat::x509_info))
        .route("/x509/verify", post(compat::x509_verify))
        .route("/pdf/sign", post(compat::not_provided))
        .route("/pdf/verify", post(compat::not_provided))
        .route("/jwt/encode", post(compat::not_provided))
        .route("/jwt/decode", post(compat::not_provided))
        .route("/v1/verify", post(native::verify))
        .route("/v1/batch/verify", post(native::batch_verify))
        .route(
            "/v1/certificates/validate",
            post(native::validate_certificate),
        )
        .merge(signing)
        .route_layer(middleware::from_fn_with_state(service.clone(), limit))
        .layer(DefaultBodyLimit::max(service.config.body_limit));
    let operations = Router::new()
        .route("/actuator/health", get(ops::actuator_health))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(crate::openapi::serve))
        .route("/v1/trust", get(ops::trust));
    Router::new()
        .merge(api)
        .merge(operations)
        // inside the routes: the matched path names the route in metrics and logs
        .route_layer(middleware::from_fn_with_state(service.clone(), observe))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(service)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not answer this method (the API endpoints take POST with a JSON body)",
    )
}

/// The concurrency limit: a request beyond it is refused at once with 503 and
/// `Retry-After`, never queued without bound.
async fn limit(State(s): State<Arc<Service>>, req: Request, next: Next) -> Response {
    let Ok(permit) = s.limiter.clone().try_acquire_owned() else {
        s.metrics.refused();
        // read (a small) body before answering: a connection closed with unread data
        // is reset, and the client would see no answer at all
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(1),
            axum::body::to_bytes(req.into_body(), 1 << 20),
        )
        .await;
        return ApiError::unavailable(
            format!(
                "too many requests at once (the limit is {}); retry shortly",
                s.config.concurrency
            ),
            1,
        )
        .into_response();
    };
    let timeout = s.config.request_timeout;
    let r = match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::unavailable(
            format!("the request did not finish within {} s", timeout.as_secs()),
            5,
        )
        .into_response(),
    };
    drop(permit);
    r
}

/// The bearer token of the signing endpoints, when one is configured.
async fn bearer(State(s): State<Arc<Service>>, req: Request, next: Next) -> Response {
    if let Some(token) = &s.config.sign_token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
            let mut r = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the signing endpoints need 'Authorization: Bearer <token>'",
            )
            .into_response();
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return r;
        }
    }
    next.run(req).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts and times every request, gives it a request id (answered as `x-request-id`),
/// and logs one line for it — no body, no header values: at `debug` (an access log with
/// `TANBA_LOG=debug`), at `warn` for a 5xx answer or one slower than 1 s.
async fn observe(State(s): State<Arc<Service>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let id = s.metrics.begin();
    let started = Instant::now();
    let method = req.method().clone();
    let mut r = next.run(req).await;
    let elapsed = started.elapsed();
    s.metrics
        .end(&route, r.status().as_u16(), elapsed.as_secs_f64());
    let status = r.status().as_u16();
    if status >= 500 || elapsed.as_secs() >= 1 {
        tracing::warn!(
            request_id = id,
            method = %method,
            route = %route,
            status,
            micros = elapsed.as_micros() as u64,
            "request"
        );
    } else {
        tracing::debug!(
            request_id = id,
            method = %method,
            route = %route,
            status,
            micros = elapsed.as_micros() as u64,
            "request"
        );
    }
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        r.headers_mut().insert("x-request-id", v);
    }
    r
}

/// The body of a request, or the error its reading gave (413 over the limit).
pub(crate) fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "the request body is larger than the configured limit",
            )
        } else {
            ApiError::new(status, format!("the request body could not be read: {r}"))
        }
    })
}

/// The JSON request in `body`: 400 naming what is wrong and where.
pub(crate) fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "Required request body is missing: a JSON object is expected",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "JSON parse error: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// Runs `work` on the blocking pool (CPU work never runs on the executor) and answers
/// its result as JSON, or its error in NCANode's shape.
pub(crate) async fn blocking<T, F>(
    s: Arc<Service>,
    raw: Result<Bytes, BytesRejection>,
    work: F,
) -> Response
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Service, &[u8]) -> Result<T, ApiError> + Send + 'static,
{
    let bytes = match body(raw) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    match tokio::task::spawn_blocking(move || work(&s, &bytes)).await {
        Ok(Ok(v)) => axum::Json(v).into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::internal("the request's worker failed").into_response(),
    }
}

/// Serves `service` on `listener` until `shutdown` completes, then stops accepting and
/// lets the requests in flight finish (at most the request timeout).
///
/// A connection that does not send its request headers within
/// [`crate::ServerConfig::header_timeout`] is closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let app = router(service.clone());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let header_timeout = service.config.header_timeout;
    let tls = service
        .config
        .tls
        .clone()
        .map(tokio_rustls::TlsAcceptor::from);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // out of file descriptors and the like: wait, never spin
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (app, watcher) = (app.clone(), graceful.watcher());
                match &tls {
                    None => {
                        tokio::spawn(connection(stream, app, watcher, header_timeout));
                    }
                    Some(acceptor) => {
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            // the handshake is bounded like the headers
                            match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                                Ok(Ok(tls)) => connection(tls, app, watcher, header_timeout).await,
                                Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake refused"),
                                Err(_) => tracing::debug!("TLS handshake too slow"),
                            }
                        });
                    }
                }
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: draining the requests in flight");
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(service.config.request_timeout) => {
            tracing::warn!("requests still in flight after the request timeout: stopping");
        }
    }
    Ok(())
}

/// One HTTP/1.1 connection over `io` (TCP or TLS), watched for graceful shutdown.
async fn connection<I>(
    io: I,
    app: Router,
    watcher: hyper_util::server::graceful::Watcher,
    header_timeout: std::time::Duration,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = hyper_util::service::TowerToHyperService::new(app);
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(hyper_util::rt::TokioIo::new(io), svc);
    let _ = watcher.watch(conn).await;
}

/// Runs the service on `addr` until SIGTERM or Ctrl-C (then drains, see [`serve`]), on a
/// runtime of its own: `workers` async threads and at most `blocking` threads for CPU
/// work. `bound` is told the address actually bound (port 0 picks a free one).
pub fn run(
    addr: std::net::SocketAddr,
    service: Service,
    workers: usize,
    blocking: usize,
    bound: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .max_blocking_threads(blocking.max(1))
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = listen(addr)?;
        bound(listener.local_addr()?);
        serve(listener, Arc::new(service), terminated()).await
    })
}

/// A listening socket on `addr` (port 0 picks a free one) with a deep accept queue (4096,
/// as far as the kernel's somaxconn allows): a burst of connections waits to be accepted
/// instead of being reset. Must be called inside a tokio runtime.
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Completes on SIGTERM or SIGINT.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

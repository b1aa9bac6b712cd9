//! Operations and robustness of the service, over real HTTP on loopback: body limit,
//! concurrency limit, readiness on the CRL indexes, a hung OCSP responder, health,
//! metrics, and the native API.

mod support;

#[path = "../../pki/tests/support/crlgen.rs"]
mod crlgen;
#[path = "../../pki/tests/support/http.rs"]
mod http;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;
use tanba_pki::{
    CertPool, ChainCert, EngineConfig, FetchConfig, Fetcher, IdPolicy, RevocationEngine,
};
use tanba_server::ServerConfig;
use tanba_validate::{Overrides, TrustConfig};

fn own(rel: &str) -> Vec<u8> {
    tanba_testdata::read(&tanba_testdata::own(rel))
}

/// The generated test PKI (testdata/pki): root anchor, issuing CA, and an engine that
/// fetches from `base` (the certificates' http://pki.tanba.test/ rewritten there).
fn own_pki(base: &str, config: EngineConfig, deadline: Duration) -> TrustConfig {
    let mut pool = CertPool::new();
    pool.add_anchor(ChainCert::from_bytes(&own("pki/certs/root.pem")).unwrap());
    pool.add_intermediate(ChainCert::from_bytes(&own("pki/certs/ca.pem")).unwrap());
    let fetcher = Fetcher::new(FetchConfig {
        rewrites: vec![("http://pki.tanba.test".into(), base.into())],
        timeout: Duration::from_secs(30),
        ..FetchConfig::default()
    })
    .unwrap();
    TrustConfig {
        pool,
        revocation: Arc::new(RevocationEngine::with_config(config).with_fetcher(fetcher)),
        overrides: Overrides {
            id_policy: Some(IdPolicy::AcceptTestIds),
            online_deadline: Some(deadline),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn a_100_mb_body_is_refused_with_413() {
    let s = start(nca_test_trust(), ServerConfig::default());
    let mut c = std::net::TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let len = 100 * 1024 * 1024;
    write!(
        c,
        "POST /xml/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
    )
    .unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..100 {
        if c.write_all(&chunk).is_err() {
            break; // the service answered and closed: what it said is read below
        }
    }
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("\"status\":413"), "{text}");
    // and it still serves
    let (code, _) = get(&s, "/healthz");
    assert_eq!(code, 200);
}

#[test]
fn a_thousand_concurrent_connections_are_each_answered_or_refused_cleanly() {
    let s = start(
        nca_test_trust(),
        ServerConfig {
            concurrency: 8,
            ..at("2021-06-01T00:00:00Z")
        },
    );
    let cert = b64(&tanba_testdata::read_nca(
        "certs/individual_valid_sign_2004_rsa.cer",
    ));
    let body = json!({"certs": [cert], "revocationCheck": ["CRL"]}).to_string();
    let url = s.url("/x509/info");
    let barrier = Arc::new(std::sync::Barrier::new(1000));
    let threads: Vec<_> = (0..1000)
        .map(|_| {
            let (url, body, barrier) = (url.clone(), body.clone(), barrier.clone());
            std::thread::spawn(move || {
                // one connection per request (no pooled connection is reused)
                let agent = ureq::AgentBuilder::new().max_idle_connections(0).build();
                barrier.wait();
                match agent
                    .post(&url)
                    .timeout(Duration::from_secs(60))
                    .set("Content-Type", "application/json")
                    .send_string(&body)
                {
                    Ok(r) => (r.status(), None),
                    Err(ureq::Error::Status(code, r)) => {
                        (code, r.header("Retry-After").map(str::to_string))
                    }
                    Err(e) => panic!("a request got no answer: {e}"),
                }
            })
        })
        .collect();
    let mut ok = 0;
    let mut refused = 0;
    for t in threads {
        match t.join().unwrap() {
            (200, _) => ok += 1,
            (503, Some(after)) => {
                assert_eq!(after, "1");
                refused += 1
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(ok + refused, 1000);
    assert!(ok > 0);
    let (code, metrics) = get(&s, "/metrics");
    assert_eq!(code, 200);
    assert!(
        metrics.contains(&format!("tanba_requests_refused_total {refused}")),
        "{metrics}"
    );
}

#[test]
fn readiness_waits_for_the_configured_crls() {
    let http = http::Server::start();
    // the CA's CRL URL, as its certificates name it (fetched from the loopback server)
    let url = "http://pki.tanba.test/crl/ca.crl".to_string();
    http.route(
        "/crl/ca.crl",
        http::Body::Bytes(b"this is not a CRL".to_vec()),
    );
    let trust = own_pki(
        &http.base(),
        EngineConfig {
            crl_urls: vec![url.clone()],
            retry_after_failure: Duration::ZERO,
            ..Default::default()
        },
        Duration::from_secs(5),
    );
    let service = std::sync::Arc::new(tanba_server::Service::new(trust, ServerConfig::default()));
    let s = start_service(service.clone());
    let (code, body) = get(&s, "/readyz");
    assert_eq!(code, 503, "nothing downloaded yet: {body}");
    assert!(body.contains(&url), "{body}");
    let _keeper = service.keep_crls(Duration::from_millis(200));
    // the actuator is NCANode's: UP while the process serves
    let (code, body) = get(&s, "/actuator/health");
    assert_eq!((code, body.as_str()), (200, r#"{"status":"UP"}"#));

    // garbage served: still not ready, and why is said
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (code, body) = get(&s, "/readyz");
        assert_eq!(code, 503, "{body}");
        if body.contains("CRL") && !body.contains("not downloaded yet") {
            break; // the download was tried and its failure is named
        }
        assert!(
            Instant::now() < deadline,
            "the failure is never named: {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, trust) = get(&s, "/v1/trust");
    let v: Value = serde_json::from_str(&trust).unwrap();
    assert_eq!(v["policy"], "kz-2026");
    assert_eq!(v["compat_policy"], "ncanode-compat");
    // the root as testdata/pki/README.md names it
    assert_eq!(v["anchors"], json!(["C=KZ, CN=TANBA TEST ROOT (RSA)"]));

    // a fresh CRL of the test CA: ready once it is in
    let crl = ca_crl(99, time::Duration::days(1));
    http.route("/crl/ca.crl", http::Body::Bytes(crl));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // a readiness probe does not download; the keeper's next round does
        let (code, body) = get(&s, "/readyz");
        if code == 200 {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["ready"], true);
            break;
        }
        assert!(Instant::now() < deadline, "never ready: {body}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, metrics) = get(&s, "/metrics");
    assert!(
        metrics.contains("tanba_crl_age_seconds{source=\"http://pki.tanba.test/crl/ca.crl\""),
        "{metrics}"
    );
    assert!(
        metrics.contains("tanba_crl_next_update_timestamp_seconds{"),
        "{metrics}"
    );
}

/// A CRL of the test CA, issued an hour ago, usable for `left` more (minutes: its window
/// nearly over, so due for refresh at once).
fn ca_crl(number: u64, left: time::Duration) -> Vec<u8> {
    let ca = tanba_pki::KzCertificate::from_pem_or_der(&own("pki/certs/ca.pem")).unwrap();
    let ski = ChainCert::from_bytes(&own("pki/certs/ca.pem"))
        .unwrap()
        .subject_key_id()
        .unwrap()
        .to_vec();
    let now = time::OffsetDateTime::now_utc();
    crlgen::signed_crl(
        &crlgen::CrlSpec {
            issuer_der: ca[0].subject().der(),
            aki: &ski,
            number,
            delta_base: None,
            this_update: now - time::Duration::hours(1),
            next_update: Some(now + left),
            entries: &[],
        },
        &pem_body(&own("pki/keys/ca.key.pem")),
    )
}

#[test]
fn a_crl_server_serving_garbage_leaves_the_last_good_crl_in_use() {
    let http = http::Server::start();
    http.route(
        "/crl/ca.crl",
        http::Body::Bytes(ca_crl(7, time::Duration::minutes(5))),
    );
    let url = "http://pki.tanba.test/crl/ca.crl".to_string();
    let trust = own_pki(
        &http.base(),
        EngineConfig {
            crl_urls: vec![url.clone()],
            retry_after_failure: Duration::ZERO,
            refresh_interval: Duration::ZERO,
            ..Default::default()
        },
        Duration::from_secs(5),
    );
    let service = std::sync::Arc::new(tanba_server::Service::new(trust, ServerConfig::default()));
    let s = start_service(service.clone());
    let keeper = service.keep_crls(Duration::from_millis(100));
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(&s, "/readyz").0 != 200 {
        assert!(Instant::now() < deadline, "never ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    // the server now answers garbage; the CRL is due, so the keeper asks again
    http.route(
        "/crl/ca.crl",
        http::Body::Bytes(b"garbage, not a CRL".to_vec()),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, trust) = get(&s, "/v1/trust");
        let v: Value = serde_json::from_str(&trust).unwrap();
        let crl = v["crls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["source"] == url.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        if crl["last_error"].is_string() {
            assert_eq!(crl["number"], "07", "the last good CRL is kept: {crl}");
            assert_eq!(crl["usable_now"], true);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the garbage was never fetched: {trust}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(keeper);
    assert_eq!(
        get(&s, "/readyz").0,
        200,
        "still ready on the last good CRL"
    );
    let cert = b64(&own("pki/certs/individual.pem"));
    let (_, r) = post(
        &s,
        "/x509/info",
        &json!({"certs": [cert], "revocationCheck": ["CRL"]}),
    );
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(
        r["signers"][0]["revocations"],
        json!([{"revoked": false, "by": "CRL", "revocationTime": null, "reason": null}])
    );
}

fn pem_body(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    let b: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    unb64(&Value::String(b))
}

#[test]
fn a_hung_ocsp_responder_gives_an_undecided_answer_within_the_deadline() {
    let http = http::Server::start();
    http.route("/ocsp/", http::Body::Hang);
    let trust = own_pki(
        &http.base(),
        EngineConfig::default(),
        Duration::from_secs(2),
    );
    let s = start(trust, at("2026-06-01T00:00:00Z"));
    let cert = b64(&own("pki/certs/individual.pem"));
    let started = Instant::now();
    let (code, r) = post(
        &s,
        "/x509/info",
        &json!({"certs": [cert], "revocationCheck": ["OCSP"]}),
    );
    let took = started.elapsed();
    assert_eq!(code, 200, "{r}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(
        r["valid"], false,
        "an unanswered OCSP check is never good: {r}"
    );
    let rev = &r["signers"][0]["revocations"];
    assert_eq!(rev[0]["by"], "OCSP", "{r}");
    assert_eq!(rev[0]["revoked"], false);
    assert_eq!(rev[0]["revocationTime"], Value::Null);
    let reason = rev[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("OCSP"),
        "the reason names what failed: {reason}"
    );

    // the native API says it the ETSI way: indeterminate, try later
    let (code, r) = post(
        &s,
        "/v1/certificates/validate",
        &json!({"certificate": cert}),
    );
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["indication"], "indeterminate", "{r}");
}

#[test]
fn the_native_api_answers_the_cores_report() {
    let s = start(nca_test_trust(), at("2022-12-01T00:00:00Z"));
    let (code, r) = post(
        &s,
        "/v1/sign/xml",
        &json!({"xml": "<order><n>7</n></order>", "signer": key("individual_valid_gost_2015.p12")}),
    );
    assert_eq!(code, 200, "{r}");
    let signed = r["signed"].as_str().unwrap().to_string();

    // raw XML in, the core's report out
    let (code, report) = post_raw(&s, "/v1/verify", "application/xml", signed.as_bytes());
    assert_eq!(code, 200, "{report}");
    assert_eq!(report["format"], "xmldsig");
    assert_eq!(report["policy"], "kz-2026");
    assert_eq!(report["validation_time"], "2022-12-01T00:00:00Z");
    assert_eq!(report["signers"][0]["identity"]["iin"], "123456789012");
    // kz-2026: the chain, SIGN usage and the CRL (required) all hold for this signer
    // (the GOST 2015 test CRL covers this instant: README of ../shared/testdata/nca)
    assert_eq!(report["indication"], "total_passed", "{report}");

    // JSON in, with an expectation the signer does not meet
    let (code, report) = post(
        &s,
        "/v1/verify",
        &json!({"document": b64(signed.as_bytes()), "expect_iin": "123456789011"}),
    );
    assert_eq!(code, 200);
    let checks = report["signers"][0]["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["name"] == "expected_iin" && c["outcome"] == "failed"),
        "{report}"
    );

    // CMS too
    let (code, r) = post(
        &s,
        "/v1/sign/cms",
        &json!({"data": b64(b"x"), "signer": key("individual_valid_gost_2015.p12")}),
    );
    assert_eq!(code, 200, "{r}");
    let (code, report) = post_raw(
        &s,
        "/v1/verify",
        "application/pkcs7-mime",
        &unb64(&r["signed"]),
    );
    assert_eq!(code, 200, "{report}");
    assert_eq!(report["format"], "cms");
    assert_eq!(report["signers"][0]["level"], "B");

    // nothing verifiable: 400 in the same error shape
    let (code, r) = post_raw(&s, "/v1/verify", "application/xml", b"<a/>");
    assert_eq!(code, 400);
    assert_eq!(r["status"], 400);
}

#[test]
fn signing_endpoints_can_require_a_bearer_token() {
    let s = start(
        nca_test_trust(),
        ServerConfig {
            sign_token: Some("s3cret".into()),
            ..at("2021-06-01T00:00:00Z")
        },
    );
    let req = json!({"xml": "<a/>", "signers": [key("individual_valid_sign_rsa_2004.p12")]});
    let (code, r) = post(&s, "/xml/sign", &req);
    assert_eq!(code, 401, "{r}");
    let ok = ureq::post(&s.url("/xml/sign"))
        .set("Authorization", "Bearer s3cret")
        .set("Content-Type", "application/json")
        .send_string(&req.to_string())
        .unwrap();
    assert_eq!(ok.status(), 200);
    // verification stays open
    let (code, _) = post(&s, "/xml/verify", &json!({"xml": "<a/>"}));
    assert_eq!(code, 200);
}

#[test]
fn a_batch_streams_one_line_per_document_and_a_bad_one_fails_only_itself() {
    let s = start(nca_test_trust(), at("2022-12-01T00:00:00Z"));
    let signer = key("individual_valid_gost_2015.p12");
    let (_, x) = post(
        &s,
        "/v1/sign/xml",
        &json!({"xml": "<a>1</a>", "signer": signer}),
    );
    let xml = x["signed"].as_str().unwrap().to_string();
    let (_, c) = post(
        &s,
        "/v1/sign/cms",
        &json!({"data": b64(b"x"), "signer": signer}),
    );
    let tampered = xml.replace("<a>1", "<a>2");
    let body = json!({"documents": [
        {"document": b64(xml.as_bytes()), "name": "licence.xml"},
        {"document": c["signed"], "name": "order.cms"},
        {"document": "!!! not base64", "name": "broken"},
        {"document": b64(tampered.as_bytes())},
    ]});
    let r = ureq::post(&s.url("/v1/batch/verify"))
        .set("Content-Type", "application/json")
        .send_string(&body.to_string())
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("Content-Type"), Some("application/x-ndjson"));
    let text = r.into_string().unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    let by_index = |i: u64| lines.iter().find(|l| l["index"] == i).unwrap();
    assert_eq!(by_index(0)["status"], "passed", "{text}");
    assert_eq!(by_index(0)["name"], "licence.xml");
    assert_eq!(by_index(0)["report"]["format"], "xmldsig");
    assert_eq!(by_index(1)["status"], "passed");
    assert_eq!(by_index(1)["report"]["format"], "cms");
    assert_eq!(by_index(2)["status"], "error");
    assert!(by_index(2)["error"]
        .as_str()
        .unwrap()
        .contains("not valid base64"));
    assert_eq!(by_index(3)["status"], "failed");
    assert_eq!(by_index(3)["name"], "3");
    assert_eq!(
        lines[4],
        json!({"summary": {"total": 4, "passed": 2, "failed": 1, "errors": 1}})
    );

    let (code, r) = post(&s, "/v1/batch/verify", &json!({"documents": "none"}));
    assert_eq!(code, 400, "{r}");
}

#[test]
fn a_client_that_sends_its_headers_too_slowly_is_disconnected() {
    let s = start(
        nca_test_trust(),
        ServerConfig {
            header_timeout: Duration::from_secs(1),
            ..Default::default()
        },
    );
    let mut c = std::net::TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // half a request line, then nothing (slowloris)
    c.write_all(b"POST /xml/verify HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf); // ends when the service closes the connection
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(8),
        "closed after {waited:?}"
    );
    // and the service still answers others
    assert_eq!(get(&s, "/healthz").0, 200);
}

#[test]
fn a_request_past_its_deadline_is_answered_503() {
    let http = http::Server::start();
    http.route("/ocsp/", http::Body::Hang);
    // the revocation deadline (10 s) is longer than the request's (1 s)
    let trust = own_pki(
        &http.base(),
        EngineConfig::default(),
        Duration::from_secs(10),
    );
    let s = start(
        trust,
        ServerConfig {
            request_timeout: Duration::from_secs(1),
            ..at("2026-06-01T00:00:00Z")
        },
    );
    let cert = b64(&own("pki/certs/individual.pem"));
    let started = Instant::now();
    let (code, r) = post(
        &s,
        "/x509/info",
        &json!({"certs": [cert], "revocationCheck": ["OCSP"]}),
    );
    assert_eq!(code, 503, "{r}");
    assert_eq!(r["status"], 503);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("did not finish within 1 s"),
        "{r}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

//! A real service on an ephemeral loopback port, and a real HTTP client.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tanba_pki::{CertPool, ChainCert, Crl, IdPolicy, RevocationEngine};
use tanba_server::{ServerConfig, Service};
use tanba_validate::{Overrides, TrustConfig};

/// A running service; stopped (gracefully) on drop.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops accepting, then waits until the requests in flight are answered.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub fn start(trust: TrustConfig, config: ServerConfig) -> Server {
    start_service(Arc::new(Service::new(trust, config)))
}

pub fn start_service(service: Arc<Service>) -> Server {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(8)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tanba_server::listen("127.0.0.1:0".parse().unwrap()).unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            tanba_server::serve(listener, service, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the service did not start");
    Server {
        addr,
        stop: Some(tx),
        thread: Some(thread),
    }
}

/// The NCA test PKI: the three test CAs as anchors, their CRLs held, test identifiers
/// accepted.
pub fn nca_test_trust() -> TrustConfig {
    let mut pool = CertPool::new();
    for ca in [
        "ca/nca_rsa_test.crt",
        "ca/nca_gost_test.crt",
        "ca/nca_gost2015_test.cer",
    ] {
        pool.add_anchor(ChainCert::from_bytes(&tanba_testdata::read_nca(ca)).unwrap());
    }
    let engine = RevocationEngine::new();
    for crl in [
        "crl/nca_rsa_test.crl",
        "crl/nca_gost_test.crl",
        "crl/nca_gost2022_test.crl",
    ] {
        engine.add_crl(Crl::from_bytes(&tanba_testdata::read_nca(crl)).unwrap());
    }
    TrustConfig {
        pool,
        revocation: Arc::new(engine),
        overrides: Overrides {
            id_policy: Some(IdPolicy::AcceptTestIds),
            ..Default::default()
        },
        ..Default::default()
    }
}

pub fn at(rfc3339: &str) -> ServerConfig {
    ServerConfig {
        at: Some(
            time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
                .unwrap(),
        ),
        ..Default::default()
    }
}

/// POST a JSON body: the status and the JSON answer.
pub fn post(s: &Server, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    post_raw(s, path, "application/json", body.to_string().as_bytes())
}

pub fn post_raw(
    s: &Server,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, serde_json::Value) {
    let r = ureq::post(&s.url(path))
        .timeout(Duration::from_secs(60))
        .set("Content-Type", content_type)
        .send_bytes(body);
    answer(r)
}

pub fn get(s: &Server, path: &str) -> (u16, String) {
    match ureq::get(&s.url(path))
        .timeout(Duration::from_secs(30))
        .call()
    {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("GET {path}: {e}"),
    }
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> (u16, serde_json::Value) {
    let (code, resp) = match r {
        Ok(r) => (r.status(), r),
        Err(ureq::Error::Status(code, r)) => (code, r),
        Err(e) => panic!("request failed: {e}"),
    };
    let text = resp.into_string().unwrap();
    let v = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the answer ({code}) is not JSON ({e}): {text}"));
    (code, v)
}

pub fn b64(v: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(v)
}

pub fn unb64(v: &serde_json::Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("a base64 string"))
        .unwrap()
}

/// A `SignerRequest` for an NCA test key.
pub fn key(name: &str) -> serde_json::Value {
    serde_json::json!({
        "key": b64(&tanba_testdata::read_nca(&format!("keys/{name}"))),
        "password": tanba_testdata::nca_password(name),
    })
}

/// Runs openssl (an independent peer).
pub fn openssl(args: &[&str]) -> std::process::Output {
    std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("the `openssl` tool is required by this test (apt-get install openssl)")
}

/// The end-entity certificate of an NCA test key, as openssl extracts it (PEM).
pub fn openssl_certificate(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let p12 = tanba_testdata::shared_testdata()
        .join("nca/keys")
        .join(name);
    let out = dir.join(format!("{name}.pem"));
    let o = openssl(&[
        "pkcs12",
        "-legacy",
        "-in",
        p12.to_str().unwrap(),
        "-passin",
        &format!("pass:{}", tanba_testdata::nca_password(name)),
        "-nokeys",
        "-clcerts",
        "-out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// One field of `openssl x509 -noout -<field>` (`serial`, `startdate`, …): the text after
/// `=`.
pub fn openssl_x509_field(cert: &std::path::Path, field: &str) -> String {
    let o = openssl(&[
        "x509",
        "-in",
        cert.to_str().unwrap(),
        "-noout",
        &format!("-{field}"),
    ]);
    assert!(o.status.success());
    let t = String::from_utf8(o.stdout).unwrap();
    t.trim().split_once('=').unwrap().1.to_string()
}

/// An openssl date (`Jan 18 13:09:14 2021 GMT`) in NCANode's layout.
pub fn ncanode_date(openssl_date: &str) -> String {
    let f = time::macros::format_description!(
        "[month repr:short] [day padding:space] [hour]:[minute]:[second] [year] GMT"
    );
    let t = time::PrimitiveDateTime::parse(openssl_date, &f)
        .unwrap_or_else(|e| panic!("{openssl_date}: {e}"));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

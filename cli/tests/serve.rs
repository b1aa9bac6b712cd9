//! `tanba serve` as a process: it starts from the shared flags, answers over HTTP, and
//! on SIGTERM stops accepting while the requests in flight complete.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn nca(rel: &str) -> String {
    tanba_testdata::shared_testdata()
        .join("nca")
        .join(rel)
        .to_str()
        .unwrap()
        .to_string()
}

/// A responder that reads requests and never answers.
fn hanging_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in l.incoming().flatten() {
            held.push(c); // keep the connection open, say nothing
        }
    });
    format!("http://{addr}")
}

fn post(addr: &str, path: &str, body: &str) -> (u16, String) {
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        c,
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    c.read_to_string(&mut out).unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, out)
}

#[test]
fn sigterm_lets_the_requests_in_flight_finish() {
    let hang = hanging_server();
    let cache = tempfile::tempdir().unwrap();
    let (mut child, addr) = spawn(
        &[
            "--listen",
            "127.0.0.1:0",
            "--trust-set",
            "none",
            "--trust",
            &nca("ca/nca_rsa_test.crt"),
            "--allow-test-identifiers",
            "--at",
            "2022-06-01T00:00:00Z",
            "--online",
            "--revocation-deadline",
            "3",
            // the certificate's own responder, test.pki.gov.kz, is the hanging one
            "--rewrite-url",
            &format!("http://test.pki.gov.kz={hang}"),
        ],
        &[("XDG_CACHE_HOME", cache.path().to_str().unwrap())],
    );

    // requests that wait on the hung OCSP responder (~3 s, the revocation deadline)
    let cert = base64_of(&std::fs::read(nca("certs/individual_valid_sign_2004_rsa.cer")).unwrap());
    let body = format!(r#"{{"certs": ["{cert}"], "revocationCheck": ["OCSP"]}}"#);
    let inflight: Vec<_> = (0..4)
        .map(|_| {
            let (addr, body) = (addr.clone(), body.clone());
            std::thread::spawn(move || post(&addr, "/x509/info", &body))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let started = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    for t in inflight {
        let (status, text) = t.join().unwrap();
        assert_eq!(status, 200, "an in-flight request was cut: {text}");
        assert!(text.contains("\"by\":\"OCSP\""), "{text}");
        assert!(text.contains("\"valid\":false"), "{text}");
    }
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the service did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "{code:?}");
    // nothing listens any more
    assert!(std::net::TcpStream::connect(&addr).is_err());
}

#[test]
fn serve_help_teaches_the_endpoints_and_the_environment() {
    let o = Command::new(env!("CARGO_BIN_EXE_tanba"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let h = String::from_utf8(o.stdout).unwrap();
    for needle in [
        "--listen",
        "--trust",
        "--crl-url",
        "--body-limit",
        "--concurrency",
        "NCANODE_CRL_URL",
        "/xml/verify",
        "/readyz",
        "SIGTERM",
    ] {
        assert!(h.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn crl_urls_without_online_are_refused_in_words() {
    let o = Command::new(env!("CARGO_BIN_EXE_tanba"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--crl-url",
            "http://crl.pki.gov.kz/nca_gost_2022.crl",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--crl-url needs --online"));
}

/// Starts `tanba serve` with these arguments and environment; its address.
fn spawn(args: &[&str], env: &[(&str, &str)]) -> (std::process::Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tanba"));
    cmd.arg("serve").args(args).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("tanba serve: listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = err.read_to_string(&mut rest);
    });
    (child, addr)
}

#[test]
fn settings_come_from_flags_then_variables_then_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("serve.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:0\"\nbody-limit = 64\ntrust-set = [\"nca-test\"]\nallow-test-identifiers = true\n",
    )
    .unwrap();
    let c = config.to_str().unwrap();
    let body = format!(r#"{{"xml": "<a>{}</a>"}}"#, "x".repeat(200));
    let code_with = |args: &[&str], env: &[(&str, &str)]| {
        let (mut child, addr) = spawn(args, env);
        let (status, _) = post(&addr, "/xml/verify", &body);
        let _ = child.kill();
        let _ = child.wait();
        status
    };
    // the file's 64-byte limit applies
    assert_eq!(code_with(&["--config", c], &[]), 413);
    // a variable wins over the file
    assert_eq!(
        code_with(&["--config", c], &[("TANBA_BODY_LIMIT", "100000")]),
        200
    );
    // a flag wins over both
    assert_eq!(
        code_with(
            &["--config", c, "--body-limit", "100000"],
            &[("TANBA_BODY_LIMIT", "10")]
        ),
        200
    );
    // the file can be named by TANBA_CONFIG too
    assert_eq!(code_with(&[], &[("TANBA_CONFIG", c)]), 413);

    std::fs::write(&config, "listen = { host = \"x\" }\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tanba"))
        .args(["serve", "--config", c])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("listen: expected a string"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn base64_of(v: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(v)
}

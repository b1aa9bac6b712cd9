//! `tanba gateway query-iin / query-bin`: the signed request verifies with tanba's
//! transport verifier; `--send` against a loopback endpoint reports "not found" (exit 0)
//! and a SOAP fault (exit 1).

mod common;

use common::{assert_exit, pki, run};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

fn key_args() -> Vec<String> {
    vec![
        "--key".into(),
        pki("keys/head.key.pem"),
        "--cert".into(),
        pki("certs/head.pem"),
    ]
}

/// Serve one request: answer with `reply` and `status`; return the request body.
fn serve_once(status: &'static str, reply: String) -> (String, std::thread::JoinHandle<Vec<u8>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", l.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut len = 0;
        loop {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        let head = format!("HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", reply.len());
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(reply.as_bytes()).unwrap();
        body
    });
    (url, h)
}

#[test]
fn query_iin_writes_a_transport_signed_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q.xml");
    let mut a: Vec<String> = [
        "gateway",
        "query-iin",
        "900101300007",
        "--sender-id",
        "tanba-test",
        "--sender-code",
        "TANBA",
    ]
    .map(String::from)
    .to_vec();
    a.extend(key_args());
    a.extend([
        "--message-id".into(),
        "11111111-2222-4333-8444-555555555555".into(),
        "--out".into(),
        out.to_str().unwrap().into(),
    ]);
    let o = run(a);
    assert_exit(&o, 0);
    let xml = std::fs::read(&out).unwrap();
    let mut c = tanba_egov::CertChecker::new().without_revocation();
    c.add_trust(&std::fs::read(pki("certs/root.pem")).unwrap())
        .unwrap();
    c.add_trust(&std::fs::read(pki("certs/ca.pem")).unwrap())
        .unwrap();
    let (t, _) = tanba_egov::verify_transport(&xml, &c).unwrap();
    assert!(t.certificate.is_valid());
    let m = tanba_wss::SendMessage::parse(&xml).unwrap();
    assert_eq!(m.info.service_id, "GBDFL_UniversalServiceSync");
    assert_eq!(m.info.message_id, "11111111-2222-4333-8444-555555555555");
    assert!(m
        .data
        .unwrap()
        .content()
        .contains("<iin>900101300007</iin>"));

    // A malformed IIN is an input error.
    let mut a: Vec<String> = [
        "gateway",
        "query-iin",
        "90010130000",
        "--sender-id",
        "x",
        "--sender-code",
        "y",
    ]
    .map(String::from)
    .to_vec();
    a.extend(key_args());
    assert_eq!(run(a).status.code(), Some(2));
}

#[test]
fn send_reports_not_found_and_faults() {
    let not_found = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><sb:SendMessageResponse xmlns:sb=\"http://bip.bee.kz/SyncChannel/v10/Types\"><response><responseInfo><messageId>p-1</messageId><responseDate>2026-06-01T10:00:00.000+05:00</responseDate><status><code>Success</code><message>ok</message></status></responseInfo><responseData><data><messageResult><code>NOT_FOUND</code><nameRu>Данные не найдены</nameRu></messageResult></data></responseData></response></sb:SendMessageResponse></soap:Body></soap:Envelope>";
    let (url, h) = serve_once("200 OK", not_found.into());
    let mut a: Vec<String> = [
        "gateway",
        "query-iin",
        "900101300007",
        "--sender-id",
        "t",
        "--sender-code",
        "T",
    ]
    .map(String::from)
    .to_vec();
    a.extend(key_args());
    a.extend(["--send".into(), url, "--json".into()]);
    let o = run(a);
    assert_exit(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["outcome"], "not_found");
    assert_eq!(v["message"], "Данные не найдены");
    let sent = h.join().unwrap();
    assert!(String::from_utf8_lossy(&sent).contains("wsse:Security"));

    let fault = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>provider down</faultstring></soap:Fault></soap:Body></soap:Envelope>";
    let (url, h) = serve_once("500 Internal Server Error", fault.into());
    let mut a: Vec<String> = [
        "gateway",
        "query-bin",
        "050440000012",
        "--requestor-bin",
        "050440000012",
        "--sender-id",
        "t",
    ]
    .map(String::from)
    .to_vec();
    a.extend(key_args());
    a.extend(["--send".into(), url]);
    let o = run(a);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("provider down"));
    h.join().unwrap();
}

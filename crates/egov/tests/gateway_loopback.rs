//! Gateway queries against a loopback SOAP endpoint of our own that checks the transport
//! signature exactly as a provider would (tanba's verifier + certificate validation) and
//! answers with a signed response, a "not found" response or a SOAP fault; retries resend
//! the same message (same messageId).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use tanba_egov::gateway::{
    gbdfl_query, gbdul_query, parse_gbdfl_response, parse_gbdul_response, post, GatewayOutcome,
    SendOptions,
};
use tanba_egov::{
    application_envelope, parse_acknowledgement, sign_application, sign_transport,
    verify_submission, verify_transport, Acknowledgement,
};
use tanba_wss::{
    Data, GatewayError, ResponseInfo, SendMessage, SendMessageResponse, SoapFault, SoapVersion,
    Status,
};
use time::macros::datetime;

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Read the request, then close the connection without answering.
    Drop,
    Found,
    NotFound,
    Fault,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

fn read_request(stream: &mut std::net::TcpStream) -> Vec<u8> {
    let mut r = BufReader::new(stream.try_clone().unwrap());
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    body
}

fn respond(stream: &mut std::net::TcpStream, status: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
}

fn fault(code: &str, message: &str) -> Vec<u8> {
    SoapFault {
        version: SoapVersion::Soap11,
        code: "soap:Server".into(),
        reason: message.into(),
        actor: None,
        gateway: Some(GatewayError {
            element: "SendMessageFault1_SendMessageFault".into(),
            error_code: code.into(),
            error_message: message.into(),
            error_data: None,
            error_date: "2026-06-01T10:00:00+05:00".into(),
            sub_error: None,
            session_id: None,
        }),
        detail_text: None,
    }
    .to_envelope()
    .into_bytes()
}

fn answer(mode: Mode, request: &[u8]) -> (&'static str, Vec<u8>) {
    // The provider's side: the transport signature must verify and its certificate be valid.
    match verify_transport(request, &checker()) {
        Ok((t, _)) if t.certificate.is_valid() => {}
        Ok((t, _)) => {
            return (
                "500 Internal Server Error",
                fault("SIGN_CERT", &format!("{:?}", t.certificate.refusal())),
            )
        }
        Err(e) => {
            return (
                "500 Internal Server Error",
                fault(
                    "SIGN_INVALID",
                    &format!("transport signature rejected: {e}"),
                ),
            )
        }
    }
    let req = SendMessage::parse(request).unwrap();
    if req.info.service_id == "ELICENSE_APPLICATION_SYNC" {
        // Submission: both layers must verify (transport signer and applicant).
        let v = verify_submission(request, &checker()).unwrap();
        if !v.valid {
            return (
                "500 Internal Server Error",
                fault("APP_REJECTED", &v.failures.join("; ")),
            );
        }
        let app = v.application.application.unwrap();
        let resp = SendMessageResponse {
            info: ResponseInfo {
                message_id: "provider-7".into(),
                correlation_id: Some(req.info.message_id.clone()),
                response_date: datetime!(2026-06-01 10:00 +05:00),
                status: Status {
                    code: "ACCEPTED".into(),
                    message: format!("application {} registered", app.id),
                },
                session_id: None,
            },
            data: None,
        };
        let xml = resp.to_xml(SoapVersion::Soap11).unwrap();
        return (
            "200 OK",
            sign_transport(xml.as_bytes(), &signer("employee")).unwrap(),
        );
    }
    let data = match (mode, req.info.service_id.as_str()) {
        (Mode::Fault, _) => return ("500 Internal Server Error", fault("SERVICE_ERROR", "internal error of the provider")),
        (Mode::Found, "GBDFL_UniversalServiceSync") => Data::Xml(
            "<messageId>r-1</messageId><messageResult><code>SCSS001</code><nameRu>Запрос обработан успешно</nameRu></messageResult>\
             <persons><person><iin>900101300007</iin><surname>ИВАНОВ</surname><name>ИВАН</name><patronymic>ИВАНОВИЧ</patronymic><birthDate>1990-01-01</birthDate></person></persons>"
                .into(),
        ),
        (Mode::NotFound, "GBDFL_UniversalServiceSync") => Data::Xml(
            "<messageId>r-1</messageId><messageResult><code>NOT_FOUND</code><nameRu>Данные не найдены</nameRu></messageResult>".into(),
        ),
        (Mode::Found, _) => {
            // GBD UL: the business request must carry a valid enveloped signature too.
            let inner = req.data.as_ref().unwrap().content().to_string();
            let v = tanba_dsig::verify(inner.as_bytes(), &tanba_dsig::VerifyOptions::default()).unwrap();
            assert!(v.all_valid());
            Data::String(
                "<ul:Response xmlns:ul=\"http://gbdulinfobybin_v2.egp.gbdul.tamur.kz\"><Status><Code>002</Code><NameRu>Запрос обработан успешно</NameRu></Status>\
                 <Organization><BIN>050440000012</BIN><FullNameRu>ТОО \"ТАНБА ТЕСТ\"</FullNameRu><FullNameKz>\"ТАНБА ТЕСТ\" ЖШС</FullNameKz><RegistrationDate>2005-04-04</RegistrationDate></Organization></ul:Response>"
                    .into(),
            )
        }
        (Mode::NotFound, _) => Data::String(
            "<ul:Response xmlns:ul=\"http://gbdulinfobybin_v2.egp.gbdul.tamur.kz\"><Status><Code>004</Code><NameRu>Данные не найдены</NameRu></Status></ul:Response>".into(),
        ),
        (Mode::Drop, _) => unreachable!(),
    };
    let resp = SendMessageResponse {
        info: ResponseInfo {
            message_id: "provider-1".into(),
            correlation_id: Some(req.info.message_id.clone()),
            response_date: datetime!(2026-06-01 10:00 +05:00),
            status: Status {
                code: "Success".into(),
                message: "ok".into(),
            },
            session_id: None,
        },
        data: Some(data),
    };
    let xml = resp.to_xml(SoapVersion::Soap11).unwrap();
    (
        "200 OK",
        sign_transport(xml.as_bytes(), &signer("employee")).unwrap(),
    )
}

fn server(script: Vec<Mode>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/bip-sync-wss-gost/",
        listener.local_addr().unwrap()
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mode in script {
            let (mut stream, _) = listener.accept().unwrap();
            let body = read_request(&mut stream);
            log.lock().unwrap().push(body.clone());
            if let Mode::Drop = mode {
                drop(stream);
                continue;
            }
            let (status, reply) = answer(mode, &body);
            respond(&mut stream, status, &reply);
        }
    });
    Server { url, seen }
}

fn fast() -> SendOptions {
    SendOptions {
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(20),
        retries: 2,
        backoff: Duration::from_millis(20),
        ..SendOptions::default()
    }
}

fn iin_query() -> Vec<u8> {
    let q = gbdfl_query(
        &"900101300007".parse().unwrap(),
        "tanba-test",
        "TANBA",
        None,
        datetime!(2026-06-01 10:00 +05:00),
    )
    .unwrap();
    sign_transport(q.as_bytes(), &signer("head")).unwrap()
}

#[test]
fn gbdfl_found_with_a_signed_response() {
    let s = server(vec![Mode::Found]);
    let posted = post(&s.url, &iin_query(), &fast()).unwrap();
    assert_eq!(posted.status, 200);
    let (t, _) = verify_transport(&posted.body, &checker()).unwrap();
    assert!(t.certificate.is_valid());
    assert_eq!(t.signer.unwrap().iin.as_deref(), Some("791028302728"));
    match parse_gbdfl_response(&posted.body).unwrap() {
        GatewayOutcome::Found { record } => {
            assert_eq!(record.iin, "900101300007");
            assert_eq!(record.surname.as_deref(), Some("ИВАНОВ"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn gbdfl_not_found_is_its_own_outcome() {
    let s = server(vec![Mode::NotFound]);
    let posted = post(&s.url, &iin_query(), &fast()).unwrap();
    assert_eq!(
        parse_gbdfl_response(&posted.body).unwrap(),
        GatewayOutcome::NotFound {
            code: "NOT_FOUND".into(),
            message: "Данные не найдены".into()
        }
    );
}

#[test]
fn fault_is_reported_not_retried() {
    let s = server(vec![Mode::Fault]);
    let posted = post(&s.url, &iin_query(), &fast()).unwrap();
    assert_eq!(posted.status, 500);
    assert_eq!(posted.attempts, 1);
    assert!(matches!(
        parse_gbdfl_response(&posted.body).unwrap(),
        GatewayOutcome::Fault { code, .. } if code == "SERVICE_ERROR"
    ));
}

#[test]
fn retries_resend_the_same_message() {
    let s = server(vec![Mode::Drop, Mode::Found]);
    let q = iin_query();
    let posted = post(&s.url, &q, &fast()).unwrap();
    assert_eq!(posted.attempts, 2);
    let seen = s.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], seen[1], "a retry must resend the very same bytes");
    let id = |b: &[u8]| SendMessage::parse(b).unwrap().info.message_id;
    assert_eq!(id(&seen[0]), id(&seen[1]));
    assert!(matches!(
        parse_gbdfl_response(&posted.body).unwrap(),
        GatewayOutcome::Found { .. }
    ));
}

#[test]
fn unreachable_endpoint_fails_after_the_retries() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", l.local_addr().unwrap());
    drop(l);
    let e = post(&url, &iin_query(), &fast()).unwrap_err();
    assert!(e.to_string().contains("after 3 attempt(s)"), "{e}");
}

#[test]
fn tampered_transport_signature_is_rejected_by_the_provider() {
    let s = server(vec![Mode::Found]);
    let q = String::from_utf8(iin_query())
        .unwrap()
        .replace("<iin>900101300007</iin>", "<iin>900101300008</iin>");
    let posted = post(&s.url, q.as_bytes(), &fast()).unwrap();
    match parse_gbdfl_response(&posted.body).unwrap() {
        GatewayOutcome::Fault { code, message } => {
            assert_eq!(code, "SIGN_INVALID");
            assert!(
                message.contains("transport signature rejected"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn gbdul_signed_request_found_and_not_found() {
    let s = server(vec![Mode::Found, Mode::NotFound]);
    let q = gbdul_query(
        &"050440000012".parse().unwrap(),
        &"050440000012".parse().unwrap(),
        "tanba-test",
        &signer("head"),
        Some("7f1c2b8e-0000-4000-8000-000000000001"),
        datetime!(2026-06-01 10:00 +05:00),
    )
    .unwrap();
    let q = sign_transport(q.as_bytes(), &signer("head")).unwrap();
    let posted = post(&s.url, &q, &fast()).unwrap();
    match parse_gbdul_response(&posted.body).unwrap() {
        GatewayOutcome::Found { record } => {
            assert_eq!(record.bin, "050440000012");
            assert_eq!(record.full_name_ru.as_deref(), Some("ТОО \"ТАНБА ТЕСТ\""));
        }
        other => panic!("{other:?}"),
    }
    let posted = post(&s.url, &q, &fast()).unwrap();
    assert!(matches!(
        parse_gbdul_response(&posted.body).unwrap(),
        GatewayOutcome::NotFound { code, .. } if code == "004"
    ));
}

#[test]
fn signed_application_submission_is_acknowledged() {
    let s = server(vec![Mode::Found, Mode::Found]);
    let app = import_app(ivanov());
    let signed = sign_application(&app.to_xml(), &signer("individual"), &checker(), None).unwrap();
    let env = application_envelope(
        &signed.xml,
        "ELICENSE_APPLICATION_SYNC",
        "tanba-test",
        Some("0b8f7a52-1111-4222-8333-944445555666"),
        None,
    )
    .unwrap();
    let env = sign_transport(env.as_bytes(), &signer("head")).unwrap();
    let posted = post(&s.url, &env, &fast()).unwrap();
    assert_eq!(
        parse_acknowledgement(&posted.body).unwrap(),
        Acknowledgement::Status {
            message_id: "provider-7".into(),
            correlation_id: Some("0b8f7a52-1111-4222-8333-944445555666".into()),
            code: "ACCEPTED".into(),
            message: "application APP-2026-0001 registered".into(),
        }
    );
    // The same envelope with the application altered inside: the transport signature
    // breaks first and the provider refuses.
    let tampered = String::from_utf8(env)
        .unwrap()
        .replace("125000.00", "125001.00");
    let posted = post(&s.url, tampered.as_bytes(), &fast()).unwrap();
    assert!(
        matches!(parse_acknowledgement(&posted.body).unwrap(), Acknowledgement::Fault { code, .. } if code == "SIGN_INVALID")
    );
}

/// Read one HTTP request (headers + Content-Length body) from any stream.
fn read_http<S: Read>(s: &mut S) -> Vec<u8> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut b).unwrap();
        head.push(b[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; len];
    s.read_exact(&mut body).unwrap();
    body
}

#[test]
fn https_endpoint_with_a_private_root() {
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert_pem = ck.cert.pem();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![ck.cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into()),
        )
        .unwrap();
    let config = Arc::new(config);
    let config2 = config.clone();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "https://{}/bip-sync-wss-gost/",
        listener.local_addr().unwrap()
    );
    let server = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let body = read_http(&mut tls);
        let (status, reply) = answer(Mode::NotFound, &body);
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            reply.len()
        );
        tls.write_all(head.as_bytes()).unwrap();
        tls.write_all(&reply).unwrap();
        tls.flush().unwrap();
        tls.conn.send_close_notify();
        let _ = tls.flush();
    });
    let opts = SendOptions {
        tls_roots: vec![cert_pem.into_bytes()],
        ..fast()
    };
    let posted = post(&url, &iin_query(), &opts).unwrap();
    server.join().unwrap();
    assert!(matches!(
        parse_gbdfl_response(&posted.body).unwrap(),
        GatewayOutcome::NotFound { .. }
    ));

    // Without that root (only the built-in Mozilla roots) the same server is not trusted.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/", listener.local_addr().unwrap());
    let config = config2;
    std::thread::spawn(move || {
        for _ in 0..3 {
            if let Ok((tcp, _)) = listener.accept() {
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut b = [0u8; 1];
                let _ = tls.read(&mut b);
            }
        }
    });
    let e = post(&url, &iin_query(), &fast()).unwrap_err().to_string();
    assert!(
        e.to_lowercase().contains("certificate") || e.contains("UnknownIssuer"),
        "{e}"
    );
}

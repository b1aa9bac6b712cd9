//! TLS termination and mutual TLS, with a private CA made for the test (rcgen), driven by
//! a rustls client.

mod support;

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use support::*;
use tanba_server::ServerConfig;

struct Pki {
    ca_pem: String,
    server_pem: String,
    server_key: String,
    client_pem: String,
    client_key: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(vec![]).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca, &ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let client = CertificateParams::new(vec!["client.tanba.test".into()])
        .unwrap()
        .signed_by(&client_key, &issuer)
        .unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        server_pem: server.pem(),
        server_key: server_key.serialize_pem(),
        client_pem: client.pem(),
        client_key: client_key.serialize_pem(),
    }
}

fn client(p: &Pki, with_certificate: bool) -> ureq::Agent {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(p.ca_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let b = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let cfg = if with_certificate {
        b.with_client_auth_cert(
            vec![CertificateDer::from_pem_slice(p.client_pem.as_bytes()).unwrap()],
            PrivateKeyDer::from_pem_slice(p.client_key.as_bytes()).unwrap(),
        )
        .unwrap()
    } else {
        b.with_no_client_auth()
    };
    ureq::AgentBuilder::new()
        .tls_config(Arc::new(cfg))
        .timeout(std::time::Duration::from_secs(10))
        .build()
}

#[test]
fn tls_is_terminated_and_plain_http_is_not_answered() {
    let p = pki();
    let tls =
        tanba_server::tls_config(p.server_pem.as_bytes(), p.server_key.as_bytes(), None).unwrap();
    let s = start(
        nca_test_trust(),
        ServerConfig {
            tls: Some(tls),
            ..Default::default()
        },
    );
    let url = format!("https://{}/healthz", s.addr);
    let r = client(&p, false).get(&url).call().unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.into_string().unwrap().contains("\"UP\""));
    // plain HTTP to the TLS port gets no HTTP answer
    assert!(ureq::get(&s.url("/healthz"))
        .timeout(std::time::Duration::from_secs(10))
        .call()
        .is_err());
}

#[test]
fn mutual_tls_refuses_a_client_without_a_certificate_of_the_ca() {
    let p = pki();
    let tls = tanba_server::tls_config(
        p.server_pem.as_bytes(),
        p.server_key.as_bytes(),
        Some(p.ca_pem.as_bytes()),
    )
    .unwrap();
    let s = start(
        nca_test_trust(),
        ServerConfig {
            tls: Some(tls),
            ..Default::default()
        },
    );
    let url = format!("https://{}/healthz", s.addr);
    assert_eq!(client(&p, true).get(&url).call().unwrap().status(), 200);
    assert!(
        client(&p, false).get(&url).call().is_err(),
        "a client without a certificate is refused"
    );
    // a certificate of another CA is refused too
    let other = pki();
    let foreign = Pki {
        ca_pem: p.ca_pem.clone(),
        server_pem: String::new(),
        server_key: String::new(),
        client_pem: other.client_pem,
        client_key: other.client_key,
    };
    assert!(client(&foreign, true).get(&url).call().is_err());
}

#[test]
fn unusable_tls_settings_are_named() {
    let p = pki();
    let e = tanba_server::tls_config(b"", p.server_key.as_bytes(), None).unwrap_err();
    assert!(e.to_string().contains("no PEM certificate"), "{e}");
    let other = pki();
    let e = tanba_server::tls_config(p.server_pem.as_bytes(), other.server_key.as_bytes(), None)
        .unwrap_err();
    assert!(e.to_string().starts_with("TLS"), "{e}");
}

//! A real OCSP responder: `openssl ocsp -index … -port 0` on this machine, serving the
//! generated test PKI (`testdata/pki/`), queried over HTTP POST on 127.0.0.1 by the
//! library (`Fetcher` + `OcspRequest` + `OcspResponse::check`) and by `Validator`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::gen_cert;
use std::sync::Arc;
use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm};
use tanba_pki::crl::RevocationReason;
use tanba_pki::ocsp::{CertId, OcspCheck, OcspError, OcspRequest, OcspResponse, OcspStatus};
use tanba_pki::RevocationEngine;
use tanba_pki::{
    CertPool, CheckKind, FetchConfig, Fetcher, Outcome, Policy, RevocationSources, UnknownStatus,
    Validator, Verdict,
};

/// A running `openssl ocsp` responder; killed on drop.
struct Responder {
    child: Child,
    port: u16,
}

fn pki(rel: &str) -> PathBuf {
    tanba_testdata::own(&format!("pki/{rel}"))
}

impl Responder {
    /// Start a responder signing with `signer` (certificate name in testdata/pki/certs
    /// and key name in testdata/pki/keys).
    fn start(signer: &str) -> Responder {
        Self::start_with(
            &pki(&format!("certs/{signer}.pem")),
            &pki(&format!("keys/{signer}.key.pem")),
        )
    }

    /// Start a responder signing with this certificate and key (PEM files).
    fn start_with(cert: &std::path::Path, key: &std::path::Path) -> Responder {
        Self::start_on(&pki("ocsp/index.txt"), cert, key)
    }

    /// Start a responder over this `openssl ca`-style index.
    fn start_on(
        index: &std::path::Path,
        cert: &std::path::Path,
        key: &std::path::Path,
    ) -> Responder {
        let mut child = Command::new("openssl")
            .arg("ocsp")
            .arg("-index")
            .arg(index)
            .args(["-port", "0"])
            .arg("-rsigner")
            .arg(cert)
            .arg("-rkey")
            .arg(key)
            .arg("-CA")
            .arg(pki("certs/ca.pem"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the `openssl` tool is required by this test (apt-get install openssl)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "ACCEPT [::]:45801 PID=19357" or "ACCEPT 0.0.0.0:45801 PID=…"
        let port = line
            .split_whitespace()
            .nth(1)
            .and_then(|a| a.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("cannot read the responder's port from {line:?}"));
        Responder { child, port }
    }

    fn fetcher(&self) -> Fetcher {
        Fetcher::new(FetchConfig {
            rewrites: vec![(
                "http://pki.tanba.test/ocsp/".into(),
                format!("http://127.0.0.1:{}/", self.port),
            )],
            timeout: std::time::Duration::from_secs(10),
            ..FetchConfig::default()
        })
        .unwrap()
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn opts(nonce: Option<&[u8]>) -> OcspCheck<'_> {
    OcspCheck {
        at: time::OffsetDateTime::now_utc(),
        nonce,
        max_age: time::Duration::hours(1),
        algorithms: AlgorithmPolicy::strict(),
    }
}

const URL: &str = "http://pki.tanba.test/ocsp/";

#[test]
fn good_revoked_and_unknown_from_a_live_responder() {
    let r = Responder::start("ocsp");
    let f = r.fetcher();
    let ca = gen_cert("ca");
    // good
    let leaf = gen_cert("individual");
    let req = OcspRequest::nca(&ca, leaf.serial()).unwrap();
    let resp = f.ocsp(URL, &req).unwrap();
    assert_eq!(
        resp.check(&ca, leaf.serial(), &opts(req.nonce())).unwrap(),
        OcspStatus::Good
    );
    // delegated responder certificate included and authorised
    let signer = resp
        .verify_signer(&ca, &AlgorithmPolicy::strict())
        .unwrap()
        .unwrap();
    assert!(signer.ocsp_nocheck());
    // revoked
    let leaf = gen_cert("revoked");
    let req = OcspRequest::nca(&ca, leaf.serial()).unwrap();
    let resp = f.ocsp(URL, &req).unwrap();
    match resp.check(&ca, leaf.serial(), &opts(req.nonce())).unwrap() {
        OcspStatus::Revoked { revoked_at, reason } => {
            assert_eq!(revoked_at, common::at("2026-02-01T00:00:00Z"));
            assert_eq!(reason, RevocationReason::KeyCompromise);
        }
        other => panic!("expected revoked, got {other:?}"),
    }
    // unknown: a serial the CA never issued
    let id = CertId::new(DigestAlgorithm::Sha256, &ca, &[0x7e, 0x57]).unwrap();
    let req = OcspRequest::new(id, Some(OcspRequest::random_nonce().to_vec()));
    let resp = f.ocsp(URL, &req).unwrap();
    assert!(matches!(
        resp.check(&ca, &[0x7e, 0x57], &opts(req.nonce())).unwrap(),
        OcspStatus::Unknown { .. }
    ));
}

#[test]
fn nonce_echo_is_checked() {
    let r = Responder::start("ocsp");
    let f = r.fetcher();
    let ca = gen_cert("ca");
    let leaf = gen_cert("individual");
    let req = OcspRequest::nca(&ca, leaf.serial()).unwrap();
    let resp = f.ocsp(URL, &req).unwrap();
    assert_eq!(resp.nonce(), req.nonce(), "openssl echoes the nonce");
    // A response checked against another request's nonce (replay) is refused.
    let other = OcspRequest::random_nonce();
    assert!(matches!(
        resp.check(&ca, leaf.serial(), &opts(Some(&other))),
        Err(OcspError::NonceMismatch { .. })
    ));
    // A request without nonce gets an answer without nonce; expecting one fails.
    let id = CertId::new(DigestAlgorithm::Sha256, &ca, leaf.serial()).unwrap();
    let req = OcspRequest::new(id, None);
    let resp = f.ocsp(URL, &req).unwrap();
    assert!(resp.nonce().is_none());
    assert!(matches!(
        resp.check(&ca, leaf.serial(), &opts(Some(&other))),
        Err(OcspError::NonceMissing)
    ));
    assert_eq!(
        resp.check(&ca, leaf.serial(), &opts(None)).unwrap(),
        OcspStatus::Good
    );
}

#[test]
fn ca_signed_responses_are_accepted() {
    let r = Responder::start("ca");
    let f = r.fetcher();
    let ca = gen_cert("ca");
    let leaf = gen_cert("individual");
    let req = OcspRequest::nca(&ca, leaf.serial()).unwrap();
    let resp = f.ocsp(URL, &req).unwrap();
    assert!(resp
        .verify_signer(&ca, &AlgorithmPolicy::strict())
        .unwrap()
        .is_none());
    assert_eq!(
        resp.check(&ca, leaf.serial(), &opts(req.nonce())).unwrap(),
        OcspStatus::Good
    );
}

#[test]
fn responder_without_ocsp_signing_is_not_authorised() {
    // Signed by an end-entity certificate of the same CA that lacks id-kp-OCSPSigning.
    let r = Responder::start("individual");
    let f = r.fetcher();
    let ca = gen_cert("ca");
    let leaf = gen_cert("head");
    let req = OcspRequest::nca(&ca, leaf.serial()).unwrap();
    let resp = f.ocsp(URL, &req).unwrap();
    match resp.check(&ca, leaf.serial(), &opts(req.nonce())) {
        Err(OcspError::SignerNotAuthorised(why)) => assert!(why.contains("OCSPSigning"), "{why}"),
        other => panic!("expected SignerNotAuthorised, got {other:?}"),
    }
}

fn pool() -> CertPool {
    let mut p = CertPool::new();
    p.add_anchor(gen_cert("root"));
    p.add_intermediate(gen_cert("ca"));
    p
}

#[test]
fn validator_online_and_responder_down() {
    let r = Responder::start("ocsp");
    let f = r.fetcher();
    let policy = Policy::builder()
        .revocation_sources(RevocationSources::OcspOnly)
        .build();
    let v = Validator::with_engine(
        pool(),
        policy.clone(),
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    let rep = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(rep.verdict, Verdict::Valid, "{rep:#?}");
    let rep = v.validate(gen_cert("revoked").der(), &[]);
    assert_eq!(rep.verdict, Verdict::Invalid);
    assert!(rep.refusal().unwrap().contains("keyCompromise"));
    let rep = v.validate(gen_cert("delta_revoked").der(), &[]);
    assert_eq!(rep.verdict, Verdict::Invalid);

    // Responder down: the engine that asked it keeps its verified answer for the
    // configured maximum age (10 minutes by default) and names it …
    drop(r);
    let rep = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(rep.verdict, Verdict::Valid, "{rep:#?}");
    let kept = rep
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    assert!(kept.detail.contains("answer kept from"), "{}", kept.detail);
    // … a new engine has none → unknown → hard-fail; soft-fail accepts with the reason kept.
    let v = Validator::with_engine(
        pool(),
        policy.clone(),
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    let rep = v.validate(gen_cert("individual").der(), &[]);
    assert_eq!(rep.verdict, Verdict::Invalid);
    let c = rep
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Revocation)
        .unwrap();
    assert_eq!(c.outcome, Outcome::Unknown);
    assert!(
        c.detail.contains("127.0.0.1") || c.detail.contains("OCSP"),
        "{}",
        c.detail
    );
    let soft = Policy::builder()
        .revocation_sources(RevocationSources::OcspOnly)
        .unknown_status(UnknownStatus::Allow)
        .build();
    let v = Validator::with_engine(
        pool(),
        soft,
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    assert_eq!(
        v.validate(gen_cert("individual").der(), &[]).verdict,
        Verdict::Valid
    );
}

#[path = "support/crlgen.rs"]
mod crlgen;

/// A delegated responder certificate WITHOUT id-pkix-ocsp-nocheck, issued by the generated
/// CA (rcgen re-creates the CA's issuer name and key identifier from its key).
fn responder_without_nocheck(dir: &std::path::Path) -> (PathBuf, PathBuf, tanba_pki::ChainCert) {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
        ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, SerialNumber,
    };
    let ca_key =
        KeyPair::from_pem(&String::from_utf8(common::gen_file("keys/ca.key.pem")).unwrap())
            .unwrap();
    let mut ca_p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("KZ".try_into().unwrap()),
    );
    dn.push(
        DnType::CommonName,
        DnValue::Utf8String("TANBA TEST NCA (RSA)".into()),
    );
    ca_p.distinguished_name = dn;
    ca_p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_p.key_identifier_method = KeyIdMethod::Sha256;
    let issuer = Issuer::from_params(&ca_p, &ca_key);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::default();
    p.distinguished_name
        .push(DnType::CommonName, "OCSP RESPONDER WITHOUT NOCHECK");
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
    p.serial_number = Some(SerialNumber::from_slice(&[0x0c, 0x5a, 0x01]));
    p.use_authority_key_identifier_extension = true;
    p.not_before = common::at("2025-01-01T00:00:00Z");
    p.not_after = common::at("2035-01-01T00:00:00Z");
    let cert = p.signed_by(&key, &issuer).unwrap();
    let cp = dir.join("r.pem");
    let kp = dir.join("r.key");
    std::fs::write(&cp, cert.pem()).unwrap();
    std::fs::write(&kp, key.serialize_pem()).unwrap();
    let cc = tanba_pki::ChainCert::from_der(cert.der()).unwrap();
    assert!(
        cc.names_issuer(&gen_cert("ca")),
        "the re-created issuer must match the CA"
    );
    (cp, kp, cc)
}

#[test]
fn responder_without_nocheck_gets_its_own_revocation_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (cp, kp, responder) = responder_without_nocheck(dir.path());
    let r = Responder::start_with(&cp, &kp);
    let f = r.fetcher();
    let policy = Policy::builder()
        .revocation_sources(RevocationSources::OcspOnly)
        .build();
    let leaf = gen_cert("individual");
    // No CRL to check the responder with: hard-fail says unknown, naming the reason.
    let v = Validator::with_engine(
        pool(),
        policy.clone(),
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    let rep = v.validate(leaf.der(), &[]);
    assert_eq!(rep.verdict, Verdict::Invalid);
    assert!(
        rep.refusal().unwrap().contains("ocsp-nocheck"),
        "{:?}",
        rep.refusal()
    );
    // The CA's CRL does not list the responder: its answer is trusted.
    let now = time::OffsetDateTime::now_utc();
    let ca = gen_cert("ca");
    let crl = |entries: &[crlgen::Entry]| {
        tanba_pki::Crl::from_bytes(&crlgen::signed_crl(
            &crlgen::CrlSpec {
                issuer_der: ca.subject_der(),
                aki: ca.subject_key_id().unwrap(),
                number: 50,
                delta_base: None,
                this_update: now - time::Duration::hours(1),
                next_update: Some(now + time::Duration::days(1)),
                entries,
            },
            &common::gen_key_pkcs8("ca"),
        ))
        .unwrap()
    };
    let mut v = Validator::with_engine(
        pool(),
        policy.clone(),
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    v.add_crl(crl(&[]));
    assert_eq!(v.validate(leaf.der(), &[]).verdict, Verdict::Valid);
    // A CRL listing the responder: its answers are refused.
    let mut v = Validator::with_engine(
        pool(),
        policy,
        Arc::new(RevocationEngine::new().with_fetcher(f.clone())),
    );
    v.add_crl(crl(&[crlgen::Entry {
        serial: responder.serial().to_vec(),
        revoked_at: now - time::Duration::minutes(30),
        reason: Some(1),
    }]));
    let rep = v.validate(leaf.der(), &[]);
    assert_eq!(rep.verdict, Verdict::Invalid);
    assert!(
        rep.refusal().unwrap().contains("responder certificate"),
        "{:?}",
        rep.refusal()
    );
}

#[path = "support/http.rs"]
mod http;

/// An engine whose certificates' AIA URL (`http://pki.tanba.test/ocsp/`) goes to `aia`,
/// with `extra` responders asked after it.
fn ocsp_engine(aia: String, extra: Vec<String>) -> tanba_pki::RevocationEngine {
    let fetcher = Fetcher::new(FetchConfig {
        rewrites: vec![(URL.into(), aia)],
        ..FetchConfig::default()
    })
    .unwrap();
    RevocationEngine::with_config(tanba_pki::EngineConfig {
        ocsp_responders: extra,
        ..Default::default()
    })
    .with_fetcher(fetcher)
}

fn ocsp_status(e: &RevocationEngine, cert: &str, policy: &Policy) -> tanba_pki::RevocationStatus {
    e.status(
        &gen_cert(cert),
        &gen_cert("ca"),
        policy,
        std::time::Instant::now() + policy.online_deadline(),
    )
}

fn ocsp_only(deadline_ms: u64) -> Policy {
    Policy::builder()
        .revocation_sources(RevocationSources::OcspOnly)
        .online_deadline(std::time::Duration::from_millis(deadline_ms))
        .build()
}

#[test]
fn responders_are_tried_in_order_and_verified_answers_are_kept() {
    use tanba_pki::RevocationOutcome as O;
    let good = Responder::start("ocsp");
    let down = http::Server::start();
    down.route("/down/", http::Body::Status(503));
    let second = format!("http://127.0.0.1:{}/", good.port);
    let e = ocsp_engine(format!("{}/down/", down.base()), vec![second.clone()]);
    let policy = ocsp_only(10_000);
    let st = ocsp_status(&e, "individual", &policy);
    assert_eq!(st.outcome, O::Good, "{}", st.detail);
    assert!(
        st.detail.contains(&second) && st.detail.contains("producedAt"),
        "the answering responder is named: {}",
        st.detail
    );
    assert_eq!(
        down.hits("/down/"),
        1,
        "the certificate's own responder first"
    );
    // kept: no responder is asked again within the maximum age
    let st = ocsp_status(&e, "individual", &policy);
    assert!(st.detail.contains("answer kept from"), "{}", st.detail);
    assert_eq!(down.hits("/down/"), 1);
    let st = ocsp_status(&e, "revoked", &policy);
    assert_eq!(st.outcome, O::Revoked, "{}", st.detail);
    assert!(st.detail.contains("keyCompromise"), "{}", st.detail);
    // "unknown" (a serial the responder's index does not hold) is negative, even with
    // soft-fail: it is never "unavailable"
    let soft = policy
        .to_builder()
        .unknown_status(UnknownStatus::Allow)
        .build();
    let st = ocsp_status(&e, "ocsp", &soft);
    assert_eq!(st.outcome, O::UnknownCertificate, "{}", st.detail);
    // (the responder's own certificate names no responder: the configured one is asked)
    let v = Validator::with_engine(
        pool(),
        soft,
        Arc::new(ocsp_engine(second.clone(), vec![second])),
    );
    let rep = v.validate(gen_cert("ocsp").der(), &[]);
    assert_eq!(rep.verdict, Verdict::Invalid, "{rep:#?}");
    assert!(
        rep.checks
            .iter()
            .any(|c| c.cause == Some(tanba_pki::Cause::UnknownCertificate)),
        "{rep:#?}"
    );
}

#[test]
fn hostile_ocsp_responders_give_a_named_unavailable_never_good() {
    use tanba_pki::RevocationOutcome as O;
    let real = Responder::start("ocsp");
    let unauthorised = Responder::start("individual");
    // a genuine answer to another request: its nonce is not the engine's
    let replayed = {
        use std::io::{Read, Write};
        let req = OcspRequest::nca(&gen_cert("ca"), gen_cert("individual").serial()).unwrap();
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", real.port)).unwrap();
        write!(
            conn,
            "POST / HTTP/1.0\r\nContent-Type: application/ocsp-request\r\nContent-Length: {}\r\n\r\n",
            req.to_der().len()
        )
        .unwrap();
        conn.write_all(req.to_der()).unwrap();
        let mut answer = Vec::new();
        conn.read_to_end(&mut answer).unwrap();
        let body = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| answer[i + 4..].to_vec())
            .unwrap();
        assert!(OcspResponse::from_der(&body).is_ok());
        body
    };
    // the RFC 6960 §2.2 "not issued" encoding (revoked 1970-01-01, certificateHold),
    // signed by the genuine responder over an index that says so for "head"
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index.txt");
    std::fs::write(
        &index,
        "R\t350601000000Z\t700101000000Z,certificateHold\t4B5A54414E4241000000000000000011\tunknown\t/CN=head\n",
    )
    .unwrap();
    let not_issued = Responder::start_on(&index, &pki("certs/ocsp.pem"), &pki("keys/ocsp.key.pem"));
    let e = ocsp_engine(format!("http://127.0.0.1:{}/", not_issued.port), vec![]);
    let soft = ocsp_only(5000)
        .to_builder()
        .unknown_status(UnknownStatus::Allow)
        .build();
    let st = ocsp_status(&e, "head", &soft);
    assert_eq!(
        st.outcome,
        O::NotIssued,
        "negative even with soft-fail: {}",
        st.detail
    );
    assert!(st.detail.contains("not issued"), "{}", st.detail);

    let s = http::Server::start();
    s.route("/replayed/", http::Body::Bytes(replayed));
    // OCSPResponse { responseStatus unauthorized (6) }
    s.route(
        "/unauthorized/",
        http::Body::Bytes(vec![0x30, 0x03, 0x0a, 0x01, 0x06]),
    );
    s.route(
        "/garbage/",
        http::Body::Bytes(b"<html>busy</html>".to_vec()),
    );
    s.route("/hang/", http::Body::Hang);
    let cases = [
        (
            "a replayed answer (wrong nonce)",
            format!("{}/replayed/", s.base()),
            "nonce",
        ),
        (
            "signed by a certificate without OCSPSigning",
            format!("http://127.0.0.1:{}/", unauthorised.port),
            "not authorised",
        ),
        (
            "unauthorized status",
            format!("{}/unauthorized/", s.base()),
            "Unauthorized",
        ),
        ("not DER", format!("{}/garbage/", s.base()), "malformed"),
        ("never answering", format!("{}/hang/", s.base()), "deadline"),
    ];
    for (name, url, why) in cases {
        let e = ocsp_engine(url, vec![]);
        let started = std::time::Instant::now();
        let st = ocsp_status(&e, "individual", &ocsp_only(1500));
        assert_eq!(st.outcome, O::Unavailable, "{name}: {}", st.detail);
        assert!(
            st.detail.contains(why),
            "{name}: expected {why:?} in {}",
            st.detail
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(4),
            "{name}"
        );
    }
}

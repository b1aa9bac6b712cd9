//! Regression tests for the security audit (issue 12), against the `tanba` binary. Each
//! test rebuilds the attack the audit described, from the real NCA RK test keys, and
//! checks the verdict and the exit code. SECURITY.md names these tests.

mod common;

use common::{nca, tanba_io};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The DER certificate of an NCA RK test key.
fn p12_certificate(name: &str) -> Vec<u8> {
    let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
    let store = tanba_keys::Keystore::open_pkcs12(
        &p12,
        &tanba_keys::Password::new(tanba_testdata::nca_password(name)),
    )
    .expect("open the test key");
    store.entries()[0]
        .certificate()
        .expect("a certificate")
        .der()
        .to_vec()
}

/// Item 6: an OCSP answer saying "not issued" (RFC 6960 §2.2 extended-revoke encoding) is
/// negative under every policy, `--soft-fail` included. The NCA test responder really
/// answered this way for the GOST 2015 test key.
#[test]
fn ocsp_not_issued_is_refused_even_with_soft_fail() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("individual_2015.cer");
    std::fs::write(&cert, p12_certificate("individual_valid_gost_2015.p12")).unwrap();
    let (ca, ocsp) = (
        nca("ca/nca_gost2015_test.cer"),
        nca("ocsp/ocsp_response_individual_2015.bin"),
    );
    for extra in [&[][..], &["--soft-fail"][..]] {
        let mut args = vec![
            "cert",
            "check",
            cert.to_str().unwrap(),
            "--trust",
            &ca,
            "--ocsp-response",
            &ocsp,
            "--at",
            "2022-09-01T00:00:00Z",
            "--allow-test-identifiers",
        ];
        args.extend_from_slice(extra);
        let o = tanba_io(&args, &[], None);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("not issued"),
            "{extra:?}: {}",
            stderr(&o)
        );
    }
}

const KEY: &str = "individual_valid_sign_rsa_2004.p12";
/// The IIN of the NCA RSA test key.
const IIN: &str = "123456789011";

/// `tanba args` with `stdin`, the key password in `PW`.
fn run(args: &[&str], stdin: &[u8]) -> std::process::Output {
    tanba_io(
        args,
        &[("PW", tanba_testdata::nca_password(KEY))],
        Some(stdin),
    )
}

fn ok(o: std::process::Output) -> Vec<u8> {
    assert!(o.status.success(), "{}", stderr(&o));
    o.stdout
}

/// A Kalkan-profile signature over `doc` (`extra`: e.g. `--id X`).
fn sign(doc: &[u8], extra: &[&str]) -> Vec<u8> {
    common::sign_with_nca_key(&["sign"], KEY, doc, extra)
}

/// A SendMessage around `data` (`mode`: inline | string).
fn envelope(data: &[u8], mode: &str) -> Vec<u8> {
    ok(run(
        &[
            "envelope",
            "--data",
            "-",
            "--service-id",
            "S",
            "--sender-id",
            "portal",
            "--data-mode",
            mode,
        ],
        data,
    ))
}

/// The WS-Security transport signature over `env`.
fn wss_sign(env: &[u8], extra: &[&str]) -> Vec<u8> {
    common::sign_with_nca_key(&["wss", "sign"], KEY, env, extra)
}

/// Full certificate validation of the NCA RSA test key as of its validity period.
fn validation() -> Vec<String> {
    common::nca_rsa_validation()
}

fn verify(doc: &[u8], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["verify", "-"];
    args.extend_from_slice(extra);
    run(&args, doc)
}

fn verify_checked(doc: &[u8], extra: &[&str]) -> std::process::Output {
    let v = validation();
    let mut args: Vec<&str> = v.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    verify(doc, &args)
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// `s[start of open .. end of close]`, the first element written `<tag` … `</tag>`.
fn cut(s: &str, tag: &str) -> (usize, usize) {
    let a = s
        .find(&format!("<{tag}"))
        .unwrap_or_else(|| panic!("no <{tag} in {s}"));
    let close = format!("</{tag}>");
    let b = s[a..].find(&close).unwrap() + a + close.len();
    (a, b)
}

const ENV: &[u8] = b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body><x:Order xmlns:x=\"urn:x\"><x:Amount>100</x:Amount></x:Order></soap:Body></soap:Envelope>";

/// Item 1: the WS-Security rules cannot be steered around. Each layout the audit used —
/// wsse:Security wrapped in a foreign element, the Envelope under another root, the
/// signed Body moved into the Header next to a wrapped Security with an unsigned Body
/// added — is judged by the WS-Security profile and refused (exit 1), with the full chain
/// and revocation checked; `wss verify` refuses them too. Before the fix the moved-Body
/// layout gave exit 0 with `certificate: VALID`.
#[test]
fn ws_security_cannot_be_bypassed_by_wrapping_the_header_or_the_envelope() {
    let signed = text(&wss_sign(ENV, &[]));
    // the genuine message verifies, fully checked
    let o = verify_checked(signed.as_bytes(), &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["format"], "wss");

    let (sa, sb) = cut(&signed, "wsse:Security");
    let security = &signed[sa..sb];
    let (ba, bb) = cut(&signed, "soap:Body");
    let body = &signed[ba..bb];
    let wrap = |inner: &str| format!("<x:Wrap xmlns:x=\"urn:x\">{inner}</x:Wrap>");

    // the attack: signed Body into the Header, Security wrapped, an unsigned Body added
    let moved = format!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header>{}{body}</soap:Header><soap:Body><x:Order xmlns:x=\"urn:x\"><x:Amount>999999</x:Amount></x:Order></soap:Body></soap:Envelope>",
        wrap(security)
    );
    let wrapped_security = format!("{}{}{}", &signed[..sa], wrap(security), &signed[sb..]);
    let foreign_root = format!("<x:Root xmlns:x=\"urn:x\">{signed}</x:Root>");
    for (what, doc) in [
        ("moved Body", &moved),
        ("wrapped Security", &wrapped_security),
        ("Envelope under a foreign root", &foreign_root),
    ] {
        let o = verify_checked(doc.as_bytes(), &["--json"]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stdout(&o));
        let j = json(&o);
        assert_eq!(j["format"], "wss", "{what}");
        assert_eq!(j["indication"], "total_failed", "{what}");
        assert_eq!(j["sub_indication"], "format_failure", "{what}");
        assert_eq!(j["signers"][0]["layer"], "transport", "{what}");
        assert_eq!(j["signers"][0]["indication"], "total_failed", "{what}");
        let o = run(&["wss", "verify", "-", "--no-cert-check"], doc.as_bytes());
        assert_ne!(o.status.code(), Some(0), "wss verify, {what}");
        assert!(o.status.code().is_some(), "wss verify, {what}: no crash");
    }
    // what the moved-Body layout says: a Body inside the Header
    let o = verify_checked(moved.as_bytes(), &[]);
    assert!(stderr(&o).contains("Header"), "{}", stderr(&o));
}

/// Item 1: the same detours cannot skip the Timestamp window: an expired message is
/// refused as a replay however its Security header is wrapped.
#[test]
fn an_expired_timestamp_is_refused_whatever_wraps_the_header() {
    let signed = text(&wss_sign(ENV, &["--timestamp", "60"]));
    let later = (time::OffsetDateTime::now_utc() + time::Duration::hours(2))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (sa, sb) = cut(&signed, "wsse:Security");
    let wrapped = format!(
        "{}<x:Wrap xmlns:x=\"urn:x\">{}</x:Wrap>{}",
        &signed[..sa],
        &signed[sa..sb],
        &signed[sb..]
    );
    let o = verify(signed.as_bytes(), &["--no-cert-check", "--at", &later]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("replayed"), "{}", stderr(&o));
    let o = verify(wrapped.as_bytes(), &["--no-cert-check", "--at", &later]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    // and now, fresh, the genuine one passes
    let o = verify(signed.as_bytes(), &["--no-cert-check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Item 1: a SOAP envelope without wsse:Security gets its inner signatures verified and
/// is reported as carrying no transport signature — never as a transport-signed message.
#[test]
fn an_envelope_without_security_is_reported_as_having_no_transport_signature() {
    let app = sign(b"<app><iin>123456789011</iin></app>", &[]);
    let env = envelope(&app, "string");
    let o = verify(&env, &["--no-cert-check", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["format"], "soap");
    let sigs = j["signers"].as_array().unwrap();
    assert_eq!(sigs.len(), 1);
    assert_eq!(sigs[0]["layer"], "inner");
    assert!(j["notes"][0]
        .as_str()
        .unwrap()
        .contains("no transport signature"));
    let o = verify(&env, &["--no-cert-check"]);
    assert!(
        stdout(&o).contains("WITHOUT a transport signature"),
        "{}",
        stdout(&o)
    );
    // an envelope with no signature of any kind: nothing to verify, never a pass
    let o = verify(&envelope(b"<app/>", "inline"), &["--no-cert-check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no ds:Signature"), "{}", stderr(&o));
}

/// Item 2: every signature of an envelope is verified and reported. A business signature
/// whose signed content was altered before the transport signature was added makes the
/// document invalid, however valid the transport signature is — for a signed document
/// carried inline, as an escaped string, and for a by-Id signature in the Body.
#[test]
fn an_altered_business_signature_inside_a_valid_envelope_fails_the_document() {
    let app = text(&sign(
        b"<app><iin>123456789011</iin><amount>100</amount></app>",
        &[],
    ));
    let altered = app.replace("<amount>100<", "<amount>900<");
    assert_ne!(app, altered);
    for mode in ["inline", "string"] {
        // genuine: both layers valid, the business signer reported
        let env = wss_sign(&envelope(app.as_bytes(), mode), &[]);
        let o = verify_checked(&env, &["--json"]);
        assert_eq!(o.status.code(), Some(0), "{mode}: {}", stderr(&o));
        let j = json(&o);
        assert_eq!(j["format"], "submission");
        assert_eq!(j["indication"], "total_passed");
        let sigs = j["signers"].as_array().unwrap();
        assert_eq!(sigs.len(), 2, "{mode}");
        assert_eq!(sigs[0]["layer"], "transport");
        assert_eq!(sigs[1]["layer"], "inner");
        assert_eq!(sigs[1]["indication"], "total_passed");
        assert_eq!(sigs[1]["identity"]["iin"], IIN);
        assert_eq!(sigs[1]["certificate"]["verdict"], "valid");
        assert!(sigs[1]["payload"]["path"]
            .as_str()
            .unwrap()
            .ends_with("/data[1]"));

        // altered, then transport-signed: the transport signature is valid, the document not
        let env = wss_sign(&envelope(altered.as_bytes(), mode), &[]);
        let o = verify_checked(&env, &["--json"]);
        assert_eq!(o.status.code(), Some(1), "{mode}: {}", stdout(&o));
        let j = json(&o);
        assert_eq!(j["signers"][0]["indication"], "total_passed", "{mode}");
        assert_eq!(j["signers"][1]["indication"], "total_failed", "{mode}");
        assert_eq!(j["signers"][1]["sub_indication"], "hash_failure", "{mode}");
        assert_eq!(j["sub_indication"], "hash_failure", "{mode}");
        assert!(
            j["signers"][1]["error"]
                .as_str()
                .unwrap()
                .contains("digest mismatch"),
            "{mode}: {}",
            j["signers"][1]
        );
        let o = verify_checked(&env, &[]);
        assert!(
            stdout(&o).contains("verdict: TOTAL_FAILED (hash_failure)"),
            "{}",
            stdout(&o)
        );
        assert!(stderr(&o).contains("digest mismatch"), "{}", stderr(&o));
    }

    // a by-Id business signature inside the Body, verified in the envelope (the Kalkan
    // by-Id profile digests with inclusive C14N, so the wsu namespace the transport
    // signature puts on the Body must already be in scope when the Order is signed)
    let order = b"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\"><soap:Header/><soap:Body><Order Id=\"o1\"><Amount>100</Amount></Order></soap:Body></soap:Envelope>";
    let by_id = text(&sign(order, &["--id", "o1"]));
    let altered = by_id.replace("<Amount>100<", "<Amount>900<");
    let o = verify(
        &wss_sign(by_id.as_bytes(), &[]),
        &["--no-cert-check", "--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["signers"][1]["layer"], "document");
    assert_eq!(
        j["signers"][1]["references"][0]["element"]["path"],
        "/Envelope[1]/Body[1]/Order[1]"
    );
    let o = verify(&wss_sign(altered.as_bytes(), &[]), &["--no-cert-check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("digest mismatch"), "{}", stderr(&o));
}

/// Item 3: --expect-iin / --expect-bin hold on every path, with or without certificate
/// validation: plain XMLDSig, the WS-Security transport signer, the business signer
/// inside an envelope, and `wss verify`.
#[test]
fn identity_expectations_are_enforced_without_certificate_validation() {
    let doc = sign(b"<app/>", &[]);
    let transport_only = wss_sign(ENV, &[]);
    let both = wss_sign(&envelope(&doc, "string"), &[]);
    for (what, bytes) in [
        ("xmldsig", &doc),
        ("transport", &transport_only),
        ("business in envelope", &both),
    ] {
        for checked in [false, true] {
            let mut extra = vec!["--expect-iin", "123456789099"];
            if !checked {
                extra.push("--no-cert-check");
            }
            let o = if checked {
                verify_checked(bytes, &extra)
            } else {
                verify(bytes, &extra)
            };
            assert_eq!(o.status.code(), Some(1), "{what} (checked: {checked})");
            assert!(
                stderr(&o)
                    .contains("IIN mismatch: expected 123456789099, certificate has 123456789011"),
                "{what}: {}",
                stderr(&o)
            );
            let mut extra = vec!["--expect-iin", IIN];
            if !checked {
                extra.push("--no-cert-check");
            }
            let o = if checked {
                verify_checked(bytes, &extra)
            } else {
                verify(bytes, &extra)
            };
            assert_eq!(o.status.code(), Some(0), "{what}: {}", stderr(&o));
        }
        // a BIN the individual's certificate does not carry
        let o = verify(bytes, &["--expect-bin", "123456789021", "--no-cert-check"]);
        assert_eq!(o.status.code(), Some(1), "{what}");
        assert!(stderr(&o).contains("has no BIN"), "{what}: {}", stderr(&o));
    }
    let o = run(
        &[
            "wss",
            "verify",
            "-",
            "--no-cert-check",
            "--expect-iin",
            "123456789099",
        ],
        &transport_only,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("IIN mismatch"), "{}", stderr(&o));
}

/// Item 5: a DTD attribute default is applied by every other parser (here libxml2), so an
/// unsigned `scale="1000"` would appear on the signed `Amount` downstream. `tanba verify`
/// refuses the document by name; before the fix it answered valid.
#[test]
fn an_attlist_default_is_refused_on_the_verification_path() {
    let signed = text(&sign(b"<Order><Amount>5</Amount></Order>", &[]));
    let decl_end = signed.find("?>").unwrap() + 2;
    let with_dtd = format!(
        "{}<!DOCTYPE Order [<!ATTLIST Amount scale CDATA \"1000\">]>{}",
        &signed[..decl_end],
        &signed[decl_end..]
    );
    // libxml2 reads the amount as scaled
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("o.xml");
    std::fs::write(&f, &with_dtd).unwrap();
    let peer = std::process::Command::new("xmllint")
        .args(["--dtdattr", f.to_str().unwrap()])
        .output()
        .expect("xmllint (apt-get install libxml2-utils)");
    assert!(
        String::from_utf8_lossy(&peer.stdout).contains("<Amount scale=\"1000\">5</Amount>"),
        "{}",
        String::from_utf8_lossy(&peer.stdout)
    );
    let o = verify(with_dtd.as_bytes(), &["--no-cert-check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("ATTLIST gives attribute `scale` of <Amount> a default value"),
        "{}",
        stderr(&o)
    );
    // an ID declaration is still accepted (by-Id references rely on it)
    let id_decl = format!(
        "{}<!DOCTYPE Order [<!ATTLIST Amount ref ID #IMPLIED>]>{}",
        &signed[..decl_end],
        &signed[decl_end..]
    );
    let o = verify(id_decl.as_bytes(), &["--no-cert-check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A genuine Kalkan signature repeated `n` times inside the document element.
fn copies_of_one_signature(n: usize) -> String {
    let signed = text(&sign(b"<Order><Amount>5</Amount></Order>", &[]));
    let (a, b) = cut(&signed, "ds:Signature");
    let sig = &signed[a..b];
    format!("{}{}{}", &signed[..a], sig.repeat(n), &signed[b..])
}

/// A document signed by xmlsec1 with the generated test PKI's key: one signature with `n`
/// `URI=""` enveloped References, the key as a `KeyValue`.
fn xmlsec1_signed_with_references(n: usize) -> String {
    let reference = "<Reference URI=\"\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference>";
    let template = format!(
        "<Order><Amount>5</Amount><Note>{}</Note><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>{}</SignedInfo><SignatureValue/><KeyInfo><KeyValue/></KeyInfo></Signature></Order>",
        "x".repeat(20_000),
        reference.repeat(n)
    );
    xmlsec1_sign(&template, &[])
}

/// `template` signed by xmlsec1 with the generated test PKI's key (`extra`: more xmlsec1
/// options, e.g. `--id-attr:Id Data`).
fn xmlsec1_sign(template: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t.xml");
    std::fs::write(&t, template).unwrap();
    let key = tanba_testdata::own("pki/keys/individual.key.pem");
    let mut args = vec!["--sign"];
    args.extend_from_slice(extra);
    args.extend(["--privkey-pem", key.to_str().unwrap(), t.to_str().unwrap()]);
    let o = std::process::Command::new("xmlsec1")
        .args(&args)
        .output()
        .expect("xmlsec1 (apt-get install xmlsec1)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Item 7: the work a document can ask for is bounded. 1,000 copies of one genuine
/// signature (15.7 s before the fix) and 10,000 whole-document References (25.7 s) are
/// refused at once, naming the limit; a genuine three-signer Kalkan document still
/// verifies within the canonicalization ceiling. (Timings: `cargo bench -p tanba-dsig
/// --bench hostile`.)
#[test]
fn hostile_amounts_of_work_are_refused_by_name() {
    let o = verify(
        copies_of_one_signature(1000).as_bytes(),
        &["--no-cert-check"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("1000 ds:Signature elements; at most 16"),
        "{}",
        stderr(&o)
    );

    let signed = text(&sign(b"<Order><Amount>5</Amount></Order>", &[]));
    let (a, b) = cut(&signed, "ds:Reference");
    let many_refs = format!(
        "{}{}{}",
        &signed[..a],
        signed[a..b].repeat(10_000),
        &signed[b..]
    );
    let o = verify(many_refs.as_bytes(), &["--no-cert-check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("10000 References; at most 30 per SignedInfo"),
        "{}",
        stderr(&o)
    );

    // one signature by a throw-away key with 30 whole-document References, all valid
    // (made by xmlsec1): within the counts, but 30 x the document size of
    // canonicalization, beyond (2 × signatures + 1) x the document size
    let heavy = xmlsec1_signed_with_references(30);
    let o = verify(heavy.as_bytes(), &["--no-cert-check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("(2 × signatures + 1) × the document size"),
        "{}",
        stderr(&o)
    );
    // the same signature with one Reference verifies (a bare key: no signer identity)
    let o = verify(
        xmlsec1_signed_with_references(1).as_bytes(),
        &["--no-cert-check"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // three genuine signers (each covering the whole document, peeled) stay within it
    let three = sign(
        &sign(&sign(b"<Order><Amount>5</Amount></Order>", &[]), &[]),
        &[],
    );
    let o = verify(&three, &["--no-cert-check", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&o);
    let modes: Vec<&str> = j["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["peeled", "peeled", "standard"]);
}

/// Item 9: the report binds each signed element to its position, so the classic
/// signature-wrapping layouts — where the first `Order` a naive consumer reads is the
/// attacker's — are visible: the signed element's path is not the first Order's, an
/// element inside its own signature's ds:Object is flagged, and the excluded subtrees
/// are listed.
#[test]
fn wrapping_layouts_show_which_element_was_signed() {
    let signed = text(&sign(
        b"<Doc><Order Id=\"o1\"><Amount>5</Amount></Order></Doc>",
        &["--id", "o1"],
    ));
    let (oa, ob) = cut(&signed, "Order");
    let order = &signed[oa..ob];
    let evil = "<Order Id=\"evil\"><Amount>9000</Amount></Order>";
    let layouts = [
        // the attacker's Order first, the signed one after it
        (
            format!("{}{evil}{order}{}", &signed[..oa], &signed[ob..]),
            "/Doc[1]/Order[2]",
        ),
        // the signed Order moved into a wrapper, the attacker's in its place
        (
            format!(
                "{}{evil}<Wrapper>{order}</Wrapper>{}",
                &signed[..oa],
                &signed[ob..]
            ),
            "/Doc[1]/Wrapper[1]/Order[1]",
        ),
    ];
    for (doc, path) in &layouts {
        let o = verify(doc.as_bytes(), &["--no-cert-check", "--json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let j = json(&o);
        let r = &j["signers"][0]["references"][0];
        assert_eq!(r["element"]["path"], *path, "{doc}");
        assert_ne!(r["element"]["path"], "/Doc[1]/Order[1]");
        let line_col = (
            r["element"]["line"].as_u64().unwrap(),
            r["element"]["column"].as_u64().unwrap(),
        );
        let [start, end] = [
            r["element"]["byte_range"][0].as_u64().unwrap() as usize,
            r["element"]["byte_range"][1].as_u64().unwrap() as usize,
        ];
        assert_eq!(
            &doc[start..end],
            order,
            "the byte range is the signed Order"
        );
        assert!(line_col.0 >= 1 && line_col.1 >= 1);
        assert_eq!(r["inside_own_signature"], false);
        let human = stdout(&verify(doc.as_bytes(), &["--no-cert-check"]));
        assert!(
            human.contains(&format!("element <Order> {path} at ")),
            "{human}"
        );
    }
    // the signed Order inside the signature's own ds:Object (enveloping): flagged. (The
    // by-Id profile digests with inclusive C14N, so the ds namespace must be in scope of
    // the Order when it is signed for the moved copy to keep its digest.)
    let signed = text(&sign(
        b"<Doc xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><Order Id=\"o1\"><Amount>5</Amount></Order></Doc>",
        &["--id", "o1"],
    ));
    let (oa, ob) = cut(&signed, "Order");
    let order = &signed[oa..ob];
    let (sa, sb) = cut(&signed, "ds:Signature");
    let sig = &signed[sa..sb];
    let sig_with_object = sig.replace(
        "</ds:Signature>",
        &format!("<ds:Object>{order}</ds:Object></ds:Signature>"),
    );
    let enveloping = format!(
        "{}{evil}{}{sig_with_object}{}",
        &signed[..oa],
        &signed[ob..sa],
        &signed[sb..]
    );
    let o = verify(enveloping.as_bytes(), &["--no-cert-check", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = &json(&o)["signers"][0]["references"][0];
    assert_eq!(r["inside_own_signature"], true, "{r}");
    assert!(stdout(&verify(enveloping.as_bytes(), &["--no-cert-check"]))
        .contains("inside this signature's own ds:Object"));
    // an enveloped signature lists what it excludes: itself
    let o = verify(
        &sign(b"<Doc><Order/></Doc>", &[]),
        &["--no-cert-check", "--json"],
    );
    let ex = &json(&o)["signers"][0]["references"][0]["excluded"];
    assert_eq!(ex[0]["path"], "/Doc[1]/Signature[1]");
}

/// Item 11: a reader that closes stdout early (`| head -c1`) stops the output; the
/// command ends with its verdict's exit code, not a panic (101).
#[test]
fn a_closed_stdout_ends_quietly_with_the_verdict() {
    let doc = copies_of_one_signature(1); // a valid document, long human report
    for (extra, want) in [
        (&["--no-cert-check"][..], 0),
        (&["--expect-iin", "123456789099", "--no-cert-check"][..], 1),
    ] {
        let mut args = vec!["verify", "-"];
        args.extend_from_slice(extra);
        let o = common::with_closed_stdout(&args, doc.as_bytes());
        assert_eq!(o.status.code(), Some(want), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // the same for output written by `c14n`
    let o = common::with_closed_stdout(&["c14n", "-"], doc.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Item 12: malformed XML declarations are refused with what is wrong, as libxml2 and
/// expat refuse them.
#[test]
fn malformed_xml_declarations_are_refused() {
    for (decl, what) in [
        ("<?xml version=\"1.0\" enc;ding=\"UTF-8\"?>", "unexpected"),
        ("<?xml version=\"1.0\" encoding=\"UTF-8?>", "closing quote"),
        (
            "<?xml version=\"1.0\" standalone=\"maybe\"?>",
            "standalone must be",
        ),
    ] {
        let doc = format!("{decl}<a/>");
        let o = run(&["c14n", "-"], doc.as_bytes());
        assert_eq!(o.status.code(), Some(2), "{decl}");
        assert!(
            stderr(&o).contains("malformed XML declaration") && stderr(&o).contains(what),
            "{decl}: {}",
            stderr(&o)
        );
    }
}

/// A document whose signature (by xmlsec1, throw-away key) references `<Data Id="d">`
/// through the Base64 transform: only the decoded text is digested.
fn xmlsec1_base64_signed() -> String {
    let template = "<Doc><Data Id=\"d\" kind=\"invoice\">SGVsbG8sIHdvcmxk</Data><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><Reference URI=\"#d\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#base64\"/></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><KeyValue/></KeyInfo></Signature></Doc>";
    xmlsec1_sign(template, &["--id-attr:Id", "Data"])
}

/// Item 4: the Base64 transform digests only the decoded text, so an attribute changed
/// after signing or an injected child element keeps the signature valid. It is refused by
/// default; with --allow-base64-transform the report says exactly that only the decoded
/// text of <Data> was signed, never the element.
#[test]
fn the_base64_transform_is_refused_by_default_and_never_over_claims() {
    let signed = xmlsec1_base64_signed();
    let changed = signed
        .replace("kind=\"invoice\"", "kind=\"refund\"")
        .replace(
            "SGVsbG8sIHdvcmxk<",
            "SGVsbG8sIHdvcmxk<Injected amount=\"1000000\"/><",
        );
    assert_ne!(changed, signed);
    for doc in [&signed, &changed] {
        let o = verify(doc.as_bytes(), &["--no-cert-check"]);
        assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
        assert!(stderr(&o).contains("Base64 transform"), "{}", stderr(&o));
        let o = verify(
            doc.as_bytes(),
            &["--no-cert-check", "--allow-base64-transform", "--json"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let r = &json(&o)["signers"][0]["references"][0];
        assert_eq!(r["kind"], "content");
        assert_eq!(r["element"]["path"], "/Doc[1]/Data[1]");
        let human = stdout(&verify(
            doc.as_bytes(),
            &["--no-cert-check", "--allow-base64-transform"],
        ));
        assert!(
            human.contains("ONLY the base64-decoded text of <Data>"),
            "{human}"
        );
    }
}

/// Item 8: an OCSP responder and CRL server that accept the connection and never answer
/// stall a verdict for the one online deadline (`--revocation-deadline`), not 30 s per
/// request in turn (92 s before the fix); the status is then unavailable and the
/// certificate refused under hard-fail.
#[test]
fn a_silent_revocation_server_costs_one_deadline() {
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn); // accepted, never answered
        }
    });
    let cache = tempfile::tempdir().unwrap();
    let own = |rel: &str| tanba_testdata::own(rel).to_str().unwrap().to_owned();
    let rewrite = format!("http://pki.tanba.test=http://127.0.0.1:{port}");
    let started = std::time::Instant::now();
    let o = tanba_io(
        &[
            "cert",
            "check",
            &own("pki/certs/individual.pem"),
            "--trust",
            &own("pki/certs/root.pem"),
            "--intermediate",
            &own("pki/certs/ca.pem"),
            "--at",
            "2026-06-01T00:00:00Z",
            "--allow-test-identifiers",
            "--online",
            "--revocation-deadline",
            "2",
            "--rewrite-url",
            &rewrite,
            "--cache-dir",
            cache.path().to_str().unwrap(),
        ],
        &[],
        None,
    );
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("deadline"), "{}", stderr(&o));
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
}

/// Item 10: `--out` writes regular files atomically with the usual permissions, follows
/// symbolic links to their target, writes into devices and FIFOs without replacing them,
/// and clears temporary files a killed run left behind.
#[cfg(unix)]
#[test]
fn out_respects_special_files_links_and_modes() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.xml");
    std::fs::write(&input, "<a  b='1'/>").unwrap();
    let canonical = "<a b=\"1\"></a>";
    let c14n = |out: &std::path::Path| {
        tanba_io(
            &[
                "c14n",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            &[],
            None,
        )
    };

    // /dev/null stays the device it is
    let o = c14n(std::path::Path::new("/dev/null"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());

    // a FIFO is written into, and stays a FIFO
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = c14n(&fifo);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(reader.join().unwrap(), canonical);
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    // a symbolic link: its target is replaced, the link stays a link
    let target = dir.path().join("target.xml");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.xml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = c14n(&link);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), canonical);
    // the replaced file kept its mode
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);

    // a dangling link: its target is created
    let missing = dir.path().join("missing.xml");
    let dangling = dir.path().join("dangling.xml");
    std::os::unix::fs::symlink(&missing, &dangling).unwrap();
    assert_eq!(c14n(&dangling).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&missing).unwrap(), canonical);

    // a new file gets 0666 minus the umask (tempfile's private 0600 before the fix)
    let umask = std::process::Command::new("sh")
        .args(["-c", "umask"])
        .output()
        .unwrap();
    let umask = u32::from_str_radix(String::from_utf8_lossy(&umask.stdout).trim(), 8).unwrap();
    let fresh = dir.path().join("fresh.xml");
    assert_eq!(c14n(&fresh).status.code(), Some(0));
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666 & !umask);

    // a folder is refused
    let o = c14n(dir.path());
    assert_eq!(o.status.code(), Some(2));

    // a temporary file of a dead run is removed; one of a live process is kept
    let stale = dir.path().join(".tanba-4194303-dead.tmp");
    let live = dir
        .path()
        .join(format!(".tanba-{}-live.tmp", std::process::id()));
    std::fs::write(&stale, "x").unwrap();
    std::fs::write(&live, "x").unwrap();
    assert_eq!(c14n(&fresh).status.code(), Some(0));
    assert!(!stale.exists(), "stale temporary file left");
    assert!(
        live.exists(),
        "a running process's temporary file was removed"
    );
    // and nothing else of ours is left behind
    let ours: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tanba-"))
        .collect();
    assert_eq!(ours.len(), 1);
}

/// Item 13: a PKCS#12 without an integrity MAC is refused by default (it opened silently
/// before); `--allow-no-mac` opens it and `key info` says its integrity was not checked.
#[test]
fn a_pkcs12_without_mac_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let p12 = dir.path().join("nomac.p12");
    let own = |rel: &str| tanba_testdata::own(rel).to_str().unwrap().to_owned();
    let made = std::process::Command::new("openssl")
        .args([
            "pkcs12",
            "-export",
            "-nomac",
            "-inkey",
            &own("pki/keys/individual.key.pem"),
            "-in",
            &own("pki/certs/individual.pem"),
            "-passout",
            "pass:pw",
            "-out",
            p12.to_str().unwrap(),
        ])
        .output()
        .expect("openssl");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let p = p12.to_str().unwrap();
    let env = [("PW", "pw")];
    let o = tanba_io(&["key", "info", p, "--password-env", "PW"], &env, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no integrity MAC"), "{}", stderr(&o));
    let o = tanba_io(
        &[
            "key",
            "info",
            p,
            "--password-env",
            "PW",
            "--allow-no-mac",
            "--json",
        ],
        &env,
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["integrity"], "none");
    assert!(stderr(&o).contains("WARNING"), "{}", stderr(&o));
    let o = tanba_io(
        &["key", "info", p, "--password-env", "PW", "--allow-no-mac"],
        &env,
        None,
    );
    assert!(
        stdout(&o).contains("INTEGRITY NOT CHECKED"),
        "{}",
        stdout(&o)
    );
    // signing with it: refused, unless allowed
    let o = tanba_io(
        &["sign", "-", "--key", p, "--password-env", "PW"],
        &env,
        Some(b"<a/>"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no integrity MAC"), "{}", stderr(&o));
    let o = tanba_io(
        &[
            "sign",
            "-",
            "--key",
            p,
            "--password-env",
            "PW",
            "--allow-no-mac",
        ],
        &env,
        Some(b"<a/>"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Item 13: `licence verify FILE --report R` writes the report for a single file too, and
/// a report that cannot be written never hides the verdict (invalid stays exit 1).
#[test]
fn licence_report_for_one_file_and_a_failed_report_keeps_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    assert_eq!(
        tanba_io(&["demo", "--out", demo.to_str().unwrap()], &[], None)
            .status
            .code(),
        Some(0)
    );
    let licence = demo.join("licence.xml");
    let trust = demo.join("trust.pem");
    let report = tmp.path().join("one.json");
    let args = |file: &str, report: &str| {
        tanba_io(
            &[
                "licence",
                "verify",
                file,
                "--trust",
                trust.to_str().unwrap(),
                "--no-revocation",
                "--report",
                report,
            ],
            &[],
            None,
        )
    };
    let o = args(licence.to_str().unwrap(), report.to_str().unwrap());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(j["valid"], true);

    // an altered licence with a report that cannot be written (its folder does not exist)
    let altered = tmp.path().join("altered.xml");
    let good = std::fs::read_to_string(&licence).unwrap();
    std::fs::write(&altered, good.replace("31.12.2026", "31.12.2027")).unwrap();
    let unwritable = tmp.path().join("no-such-folder").join("r.json");
    let o = args(altered.to_str().unwrap(), unwritable.to_str().unwrap());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("report was not written"),
        "{}",
        stderr(&o)
    );
    // a valid one with the same unwritable report: the write error, exit 2
    let o = args(licence.to_str().unwrap(), unwritable.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("report was not written"),
        "{}",
        stderr(&o)
    );
}

/// Item 13: a local `--crl` larger than the cap (256 MiB, or --max-crl-size) is refused
/// before it is read.
#[test]
fn a_local_crl_over_the_cap_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (size, extra, limit) in [
        ((256u64 << 20) + 1, None, "256 MiB"),
        ((2 << 20) + 1, Some("2"), "2 MiB"),
    ] {
        let big = dir.path().join("big.crl");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(size).unwrap(); // sparse: no disk used
        let (cert, trust) = (
            nca("certs/individual_valid_sign_2004_rsa.cer"),
            nca("ca/nca_rsa_test.crt"),
        );
        let crl = big.to_str().unwrap().to_string();
        let mut args = vec!["cert", "check", &cert, "--trust", &trust, "--crl", &crl];
        if let Some(mib) = extra {
            args.extend(["--max-crl-size", mib]);
        }
        let o = tanba_io(&args, &[], None);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains(&format!("larger than the {limit} limit")),
            "{}",
            stderr(&o)
        );
    }
}

//! The NCANode 3.x-compatible API, driven over real HTTP on loopback with the real NCA
//! test keys, certificates and CRLs. Expected values come from NCANode's published side
//! (NCANODE-API.md: shapes, date layout, keyUser/signAlg names, the DN rendering) and from
//! openssl reading the same files (serials, dates, names, revocation entries) — never from
//! tanba's own output.

mod support;

use serde_json::{json, Value};
use support::*;
use tanba_server::ServerConfig;

const RSA: &str = "individual_valid_sign_rsa_2004.p12";
const RSA_REVOKED: &str = "individual_sign_revoked_rsa_2004.p12";
const GOST2015: &str = "individual_valid_gost_2015.p12";

/// The DN as Java renders it, from openssl's reversed rendering with Java's keywords.
fn java_dn(cert: &std::path::Path) -> String {
    let o = openssl(&[
        "x509",
        "-in",
        cert.to_str().unwrap(),
        "-noout",
        "-subject",
        "-nameopt",
        "sep_comma_plus_space,dn_rev,utf8,-esc_msb,sname",
    ]);
    let t = String::from_utf8(o.stdout).unwrap();
    t.trim()
        .strip_prefix("subject=")
        .unwrap()
        .split(", ")
        .map(|rdn| {
            let (k, v) = rdn.split_once('=').unwrap();
            let k = match k {
                "GN" => "GIVENNAME",
                "SN" => "SURNAME",
                "serialNumber" => "SERIALNUMBER",
                "emailAddress" => "EMAILADDRESS",
                other => other,
            };
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn sign_xml(s: &Server, xml: &str, signers: Vec<Value>) -> String {
    let (code, r) = post(s, "/xml/sign", &json!({"xml": xml, "signers": signers}));
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["status"], 200);
    assert_eq!(r["message"], "OK");
    r["xml"].as_str().unwrap().to_string()
}

#[test]
fn xml_sign_and_verify_report_the_signer_as_ncanode_does() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let xml = sign_xml(
        &s,
        "<request><iin>123456789011</iin></request>",
        vec![key(RSA)],
    );
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"));

    let (code, r) = post(
        &s,
        "/xml/verify",
        &json!({"xml": xml, "revocationCheck": ["CRL"]}),
    );
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["status"], 200);
    assert_eq!(r["message"], "OK");
    assert_eq!(r["valid"], true, "{r}");
    let signers = r["signers"].as_array().unwrap();
    assert_eq!(signers.len(), 1);
    let c = &signers[0];

    let dir = tempfile::tempdir().unwrap();
    let pem = openssl_certificate(dir.path(), RSA);
    assert_eq!(c["valid"], true);
    assert_eq!(
        c["serialNumber"],
        openssl_x509_field(&pem, "serial").to_ascii_lowercase()
    );
    assert_eq!(
        c["notBefore"],
        ncanode_date(&openssl_x509_field(&pem, "startdate"))
    );
    assert_eq!(
        c["notAfter"],
        ncanode_date(&openssl_x509_field(&pem, "enddate"))
    );
    assert_eq!(c["keyUsage"], "SIGN"); // digitalSignature + nonRepudiation
    assert_eq!(c["signAlg"], "SHA256WithRSAEncryption");
    assert_eq!(c["keyUser"], json!(["INDIVIDUAL"])); // EKU 1.2.398.3.3.4.1.1 (+ e-mail protection, dropped)
    assert_eq!(c["subject"]["commonName"], "ТЕСТОВ ТЕСТ");
    assert_eq!(c["subject"]["surName"], "ТЕСТОВ");
    assert_eq!(c["subject"]["iin"], "123456789011");
    assert_eq!(c["subject"]["country"], "KZ");
    assert_eq!(c["subject"]["dn"], java_dn(&pem));
    assert!(c["subject"].get("bin").is_none(), "null fields are omitted");
    assert!(c["subject"].get("lastName").is_none());
    assert_eq!(c["issuer"]["commonName"], "ҰКО 3.0 (RSA TEST)");
    // the public key and the CA's signature, as openssl reads them
    let spki = openssl(&["x509", "-in", pem.to_str().unwrap(), "-noout", "-pubkey"]);
    let spki_pem = String::from_utf8(spki.stdout).unwrap();
    let spki_b64: String = spki_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert_eq!(c["publicKey"], spki_b64);
    // one CRL answer, every field present
    assert_eq!(
        c["revocations"],
        json!([{"revoked": false, "by": "CRL", "revocationTime": null, "reason": null}])
    );
}

#[test]
fn without_revocation_check_nothing_is_asked_and_revocations_is_empty() {
    let s = start(nca_test_trust(), at("2022-06-01T00:00:00Z"));
    let xml = sign_xml(&s, "<a/>", vec![key(RSA_REVOKED)]);
    let (_, r) = post(&s, "/xml/verify", &json!({"xml": xml}));
    assert_eq!(
        r["valid"], true,
        "NCANode: no revocationCheck, no revocation check: {r}"
    );
    assert_eq!(r["signers"][0]["revocations"], json!([]));
    let (_, r) = post(
        &s,
        "/xml/verify",
        &json!({"xml": xml, "revocationCheck": []}),
    );
    assert_eq!(r["valid"], true);
}

#[test]
fn a_revoked_signer_is_named_with_the_crl_entry() {
    let s = start(nca_test_trust(), at("2022-06-01T00:00:00Z"));
    let xml = sign_xml(&s, "<a/>", vec![key(RSA_REVOKED)]);
    let (code, r) = post(
        &s,
        "/xml/verify",
        &json!({"xml": xml, "revocationCheck": ["CRL"]}),
    );
    assert_eq!(code, 200);
    assert_eq!(r["valid"], false);
    let c = &r["signers"][0];
    assert_eq!(c["valid"], false);
    // openssl crl -text: Revocation Date: Jan 18 04:40:24 2022 GMT, reason Superseded
    let dir = tempfile::tempdir().unwrap();
    let pem = openssl_certificate(dir.path(), RSA_REVOKED);
    let serial = openssl_x509_field(&pem, "serial");
    let crl = tanba_testdata::shared_testdata().join("nca/crl/nca_rsa_test.crl");
    let text = String::from_utf8(
        openssl(&[
            "crl",
            "-inform",
            "DER",
            "-in",
            crl.to_str().unwrap(),
            "-noout",
            "-text",
        ])
        .stdout,
    )
    .unwrap();
    let entry = text
        .split("Serial Number: ")
        .find(|e| e.starts_with(&serial))
        .unwrap();
    let date = entry
        .lines()
        .find_map(|l| l.trim().strip_prefix("Revocation Date: "))
        .unwrap();
    assert!(entry.contains("Superseded"));
    assert_eq!(
        c["revocations"],
        json!([{"revoked": true, "by": "CRL", "revocationTime": ncanode_date(date), "reason": "SUPERSEDED"}])
    );
}

#[test]
fn several_signers_come_last_first_and_a_tampered_document_is_invalid() {
    let s = start(nca_test_trust(), at("2022-12-01T00:00:00Z"));
    let xml = sign_xml(&s, "<doc><v>1</v></doc>", vec![key(GOST2015), key(RSA)]);
    let (_, r) = post(&s, "/xml/verify", &json!({"xml": xml}));
    let signers = r["signers"].as_array().unwrap();
    assert_eq!(signers.len(), 2, "{r}");
    // last signature first (NCANode peels): the RSA signer, then the GOST one
    assert_eq!(signers[0]["signAlg"], "SHA256WithRSAEncryption");
    assert_eq!(signers[1]["signAlg"], "ECGOST3410-2015-512");
    assert_eq!(signers[1]["subject"]["iin"], "123456789012");
    // the RSA certificate expired 2022-01-18: invalid at 2022-12-01, the GOST one valid
    assert_eq!(signers[0]["valid"], false);
    assert_eq!(signers[1]["valid"], true);
    assert_eq!(r["valid"], false);

    let tampered = xml.replace("<v>1</v>", "<v>2</v>");
    let (code, r) = post(&s, "/xml/verify", &json!({"xml": tampered}));
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["valid"], false);
    // a signature that does not verify names no signer (null) or an invalid one
    assert!(
        r["signers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x.is_null() || x["valid"] == false),
        "{r}"
    );
}

/// An enveloped signature in the default namespace (no `ds:` prefix), made by xmlsec1 with
/// the NCA test RSA key.
fn xmlsec1_default_namespace_signature(dir: &std::path::Path) -> String {
    let p12 = tanba_testdata::shared_testdata().join("nca/keys").join(RSA);
    let key_pem = dir.join("k.pem");
    let o = openssl(&[
        "pkcs12",
        "-legacy",
        "-in",
        p12.to_str().unwrap(),
        "-passin",
        "pass:Qwerty12",
        "-nocerts",
        "-nodes",
        "-out",
        key_pem.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let cert = openssl_certificate(dir, RSA);
    let template = r#"<?xml version="1.0" encoding="UTF-8"?>
<doc><v>1</v><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature></doc>"#;
    let t = dir.join("t.xml");
    std::fs::write(&t, template).unwrap();
    let out = dir.join("signed.xml");
    let o = std::process::Command::new("xmlsec1")
        .args([
            "--sign",
            "--privkey-pem",
            &format!("{},{}", key_pem.display(), cert.display()),
            "--output",
            out.to_str().unwrap(),
            t.to_str().unwrap(),
        ])
        .output()
        .expect("xmlsec1 is required by this test (apt-get install xmlsec1)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn signatures_are_found_with_any_prefix_and_zero_signatures_is_never_valid() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let dir = tempfile::tempdir().unwrap();
    let unprefixed = xmlsec1_default_namespace_signature(dir.path());
    assert!(unprefixed.contains("<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">"));
    let (_, r) = post(&s, "/xml/verify", &json!({"xml": unprefixed}));
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(r["signers"].as_array().unwrap().len(), 1);
    assert_eq!(r["signers"][0]["subject"]["iin"], "123456789011");

    let (code, r) = post(&s, "/xml/verify", &json!({"xml": "<a>no signature</a>"}));
    assert_eq!(code, 200);
    assert_eq!(
        r,
        json!({"status": 200, "message": "OK", "valid": false, "signers": []})
    );
}

#[test]
fn clear_signatures_and_trim_xml_prepare_the_document() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let once = sign_xml(&s, "<a>\n  <b>x</b>\n</a>", vec![key(RSA)]);
    let (code, r) = post(
        &s,
        "/xml/sign",
        &json!({"xml": once, "signers": [key(RSA)], "clearSignatures": true, "trimXml": true}),
    );
    assert_eq!(code, 200, "{r}");
    let again = r["xml"].as_str().unwrap();
    assert_eq!(
        again.matches("SignatureValue>").count(),
        2,
        "one signature (open + close tag)"
    );
    assert!(again.contains("<a><b>x</b><ds:Signature"), "{again}");
    let (_, v) = post(&s, "/xml/verify", &json!({"xml": again}));
    assert_eq!(v["valid"], true);
}

#[test]
fn key_errors_answer_400_in_ncanodes_words() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let mut wrong = key(RSA);
    wrong["password"] = json!("not-the-password");
    let (code, r) = post(
        &s,
        "/xml/sign",
        &json!({"xml": "<a/>", "signers": [key(RSA), wrong]}),
    );
    assert_eq!(code, 400);
    assert_eq!(
        r,
        json!({"status": 400, "message": "signers[1]: Key reading error: Password incorrect."})
    );

    let (code, r) = post(
        &s,
        "/xml/sign",
        &json!({"xml": "<a/>", "signers": [{"key": "not base64!", "password": "x"}]}),
    );
    assert_eq!(code, 400);
    assert_eq!(
        r["message"],
        "signers[0]: Key reading error: Invalid Base64 format. Key must be in valid Base64 format."
    );

    let mut aliased = key(RSA);
    aliased["keyAlias"] = json!("no-such-alias");
    let (code, r) = post(
        &s,
        "/xml/sign",
        &json!({"xml": "<a/>", "signers": [aliased]}),
    );
    assert_eq!(code, 400);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("signers[0]: Key reading error: Key does not have 'no-such-alias' alias"),
        "{r}"
    );
}

#[test]
fn the_alias_asked_for_is_the_key_used() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let (code, r) = post(
        &s,
        "/pkcs12/aliases",
        &json!({"keys": [key(RSA), key(GOST2015)]}),
    );
    assert_eq!(code, 200, "{r}");
    let aliases = r["aliases"].as_array().unwrap();
    assert_eq!(aliases.len(), 2);
    let alias = aliases[0][0].as_str().unwrap().to_string();
    let mut named = key(RSA);
    named["keyAlias"] = json!(alias);
    let xml = sign_xml(&s, "<a/>", vec![named]);
    let (_, v) = post(&s, "/xml/verify", &json!({"xml": xml}));
    assert_eq!(v["signers"][0]["subject"]["iin"], "123456789011");
}

#[test]
fn client_errors_are_4xx_in_ncanodes_shape() {
    let s = start(nca_test_trust(), ServerConfig::default());
    let (code, r) = post_raw(&s, "/xml/verify", "application/json", b"{\"xml\": ");
    assert_eq!(code, 400);
    assert_eq!(r["status"], 400);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("JSON parse error"),
        "{r}"
    );

    let (code, r) = post_raw(&s, "/xml/verify", "application/json", b"");
    assert_eq!(code, 400);
    assert!(r["message"]
        .as_str()
        .unwrap()
        .starts_with("Required request body is missing"));

    let (code, r) = post(&s, "/xml/verify", &json!({"xml": "<a><b></a>"}));
    assert_eq!(code, 400);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("Cannot read XML"),
        "{r}"
    );

    let (code, r) = post(&s, "/xml/verify", &json!({"revocationCheck": ["ocsp"]}));
    assert_eq!(
        code, 400,
        "an unknown enum value (case-sensitive) is the client's error: {r}"
    );

    let (code, r) = post(&s, "/no/such/endpoint", &json!({}));
    assert_eq!(code, 404);
    assert_eq!(r["status"], 404);

    let (code, body) = get(&s, "/xml/verify");
    assert_eq!(code, 405);
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["status"], 405);

    for path in ["/pdf/sign", "/pdf/verify", "/jwt/encode", "/jwt/decode"] {
        let (code, r) = post(&s, path, &json!({}));
        assert_eq!(code, 501, "{path}");
        assert_eq!(r["status"], 501);
    }
}

#[test]
fn wsse_sign_and_verify_judge_the_transport_signature() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let envelope = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:Req xmlns:m="urn:m">1</m:Req></soap:Body></soap:Envelope>"#;
    let mut req = key(RSA);
    req["xml"] = json!(envelope);
    let (code, r) = post(&s, "/wsse/sign", &req);
    assert_eq!(code, 200, "{r}");
    let signed = r["xml"].as_str().unwrap().to_string();
    assert!(signed.contains("wsse:Security"));
    assert!(
        signed.contains("#X509v3"),
        "a KeyIdentifier token as NCANode writes"
    );

    let (_, v) = post(
        &s,
        "/wsse/verify",
        &json!({"xml": signed, "revocationCheck": ["CRL"]}),
    );
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["signers"].as_array().unwrap().len(), 1);
    assert_eq!(v["signers"][0]["subject"]["iin"], "123456789011");

    // a Body moved under a wrapper: the signed Id is not the real Body any more
    let wrapped = signed.replace(
        "<soap:Body",
        "<soap:Body><w:Wrap xmlns:w=\"urn:w\"></w:Wrap></soap:Body><soap:Body",
    );
    let (code, v) = post(&s, "/wsse/verify", &json!({"xml": wrapped}));
    assert!(code == 200 || code == 400, "{code} {v}");
    if code == 200 {
        assert_eq!(v["valid"], false, "{v}");
    }

    let (code, v) = post(&s, "/wsse/verify", &json!({"xml": envelope}));
    assert_eq!(code, 200);
    assert_eq!(
        v["valid"], false,
        "an envelope without a signature is never valid: {v}"
    );
}

#[test]
fn cms_sign_add_verify_extract_round_trip() {
    let s = start(nca_test_trust(), at("2022-12-01T00:00:00Z"));
    let data = b"payment order 42";
    let (code, r) = post(
        &s,
        "/cms/sign",
        &json!({"data": b64(data), "signers": [key(GOST2015)]}),
    );
    assert_eq!(code, 200, "{r}");
    let cms = r["cms"].clone();

    // openssl reads it as CMS with the content inside
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.der");
    std::fs::write(&file, unb64(&cms)).unwrap();
    let o = openssl(&[
        "cms",
        "-cmsout",
        "-inform",
        "DER",
        "-in",
        file.to_str().unwrap(),
        "-print",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let (_, e) = post(&s, "/cms/extract", &json!({"cms": cms}));
    assert_eq!(unb64(&e["data"]), data);

    let (_, v) = post(
        &s,
        "/cms/verify",
        &json!({"cms": cms, "revocationCheck": ["CRL"]}),
    );
    assert_eq!(v["valid"], true, "{v}");
    let signer = &v["signers"][0];
    assert_eq!(signer["tsp"], Value::Null, "no time stamp: explicit null");
    assert_eq!(signer["certificates"][0]["signAlg"], "ECGOST3410-2015-512");
    assert_eq!(signer["certificates"][0]["subject"]["iin"], "123456789012");

    // a co-signer; the first SignerInfo stays byte for byte
    let (code, r) = post(
        &s,
        "/cms/sign/add",
        &json!({"cms": cms, "signers": [key(GOST2015)]}),
    );
    assert_eq!(code, 200, "{r}");
    let (_, v) = post(&s, "/cms/verify", &json!({"cms": r["cms"]}));
    assert_eq!(v["signers"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["valid"], true);

    // detached: the data is needed to add a signer and to verify
    let (_, d) = post(
        &s,
        "/cms/sign",
        &json!({"data": b64(data), "signers": [key(GOST2015)], "detached": true}),
    );
    let (code, e) = post(&s, "/cms/extract", &json!({"cms": d["cms"]}));
    assert_eq!(code, 400);
    assert_eq!(e["message"], "CMS doesn't have signed content");
    let (code, e) = post(
        &s,
        "/cms/sign/add",
        &json!({"cms": d["cms"], "signers": [key(GOST2015)]}),
    );
    assert_eq!(code, 400);
    assert_eq!(e["message"], "Data must be specified for detached CMS");
    let (_, v) = post(
        &s,
        "/cms/verify",
        &json!({"cms": d["cms"], "data": b64(data)}),
    );
    assert_eq!(v["valid"], true, "{v}");
    let (_, v) = post(
        &s,
        "/cms/verify",
        &json!({"cms": d["cms"], "data": b64(b"other")}),
    );
    assert_eq!(v["valid"], false, "{v}");

    let (code, e) = post(
        &s,
        "/cms/sign/add",
        &json!({"signers": [key(GOST2015)], "data": b64(data)}),
    );
    assert_eq!(code, 400);
    assert_eq!(e["message"], "CMS argument not specified");
}

#[test]
fn a_kalkan_cms_with_its_time_stamp_reports_the_tsp_object() {
    // S5: a GOST-2015 signer of the NCA test 2022 CA, stamped by the production NCA TSA
    // (policy .6.1, GOST 34.311 imprint), 2023-10-11 (testdata/cms/README.md)
    let s = start(nca_test_trust(), ServerConfig::default());
    let der = std::fs::read(tanba_testdata::own(
        "cms/s5_gost2015_cades_t_production_tsa.der",
    ))
    .unwrap();
    let (code, v) = post(&s, "/cms/verify", &json!({"cms": b64(&der)}));
    assert_eq!(code, 200, "{v}");
    let tsp = &v["signers"][0]["tsp"];
    assert_eq!(tsp["policy"], "1.2.398.3.3.2.6.1");
    assert_eq!(tsp["tspHashAlgorithm"], "GOST34311");
    assert_eq!(tsp["tsa"], Value::Null);
    assert!(
        tsp["genTime"].as_str().unwrap().starts_with("2023-10-11T"),
        "{tsp}"
    );
    assert!(tsp["genTime"].as_str().unwrap().ends_with(".000+00:00"));
    assert_eq!(
        tsp["hash"].as_str().unwrap().len(),
        64,
        "a 32-byte GOST 34.311 imprint"
    );
}

#[test]
fn pkcs12_info_and_x509_info_judge_certificates() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let (code, r) = post(
        &s,
        "/pkcs12/info",
        &json!({"keys": [key(RSA)], "revocationCheck": ["CRL"]}),
    );
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["valid"], true);
    assert_eq!(r["signers"][0]["subject"]["iin"], "123456789011");
    assert_eq!(r["signers"][0]["revocations"][0]["by"], "CRL");

    // this certificate is valid 2022-01-18 … 2023-01-18 (openssl x509 -dates)
    let s = start(nca_test_trust(), at("2022-06-01T00:00:00Z"));
    // base64 of PEM (as NCANode's fixtures send), base64 of DER, and garbage
    let pem = tanba_testdata::read_nca("certs/individual_valid_sign_2004_rsa.cer");
    let der = tanba_pki::KzCertificate::from_pem_or_der(&pem).unwrap()[0]
        .der()
        .to_vec();
    let (code, r) = post(
        &s,
        "/x509/info",
        &json!({"certs": [b64(&pem), b64(&der), b64(b"not a certificate")]}),
    );
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["message"], "[2]: Invalid certificate given.");
    assert_eq!(r["valid"], false);
    let signers = r["signers"].as_array().unwrap();
    assert_eq!(signers[0]["serialNumber"], signers[1]["serialNumber"]);
    assert_eq!(signers[0]["valid"], true);
    assert_eq!(signers[2], Value::Null);

    let (_, r) = post(&s, "/x509/info", &json!({"certs": []}));
    assert_eq!(r["valid"], false);
    assert_eq!(r["signers"], json!([]));
}

#[test]
fn x509_verify_checks_a_raw_signature_made_by_openssl() {
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let dir = tempfile::tempdir().unwrap();
    let p12 = tanba_testdata::shared_testdata().join("nca/keys").join(RSA);
    let key_pem = dir.path().join("k.pem");
    let o = openssl(&[
        "pkcs12",
        "-legacy",
        "-in",
        p12.to_str().unwrap(),
        "-passin",
        "pass:Qwerty12",
        "-nocerts",
        "-nodes",
        "-out",
        key_pem.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let text = "eGov Mobile: подпись";
    let data = dir.path().join("d.txt");
    std::fs::write(&data, text).unwrap();
    let sig = dir.path().join("d.sig");
    let o = openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        key_pem.to_str().unwrap(),
        "-out",
        sig.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let cert = openssl_certificate(dir.path(), RSA);
    let req = |t: &str| {
        json!({
            "certificate": b64(&std::fs::read(&cert).unwrap()),
            "signature": b64(&std::fs::read(&sig).unwrap()),
            "data": t,
        })
    };
    let (code, r) = post(&s, "/x509/verify", &req(text));
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(r["signers"][0]["subject"]["iin"], "123456789011");
    let (_, r) = post(&s, "/x509/verify", &req("eGov Mobile: другой текст"));
    assert_eq!(r["valid"], false);
    // the certificate is still described, as NCANode does, and marked invalid
    assert_eq!(r["signers"][0]["valid"], false, "{r}");
    assert_eq!(r["signers"][0]["subject"]["iin"], "123456789011");
}

#[test]
fn ncanodes_own_published_wsse_envelope_verifies_and_its_collapsed_copy_does_not() {
    // testdata/ncanode/README.md: NCANode's openapi.yml example, signed by NCANode with
    // the NCA test key individual_valid_sign_rsa_2004 (valid 2021-01-18 … 2022-01-18)
    let s = start(nca_test_trust(), at("2021-06-01T00:00:00Z"));
    let read = |f: &str| {
        String::from_utf8(tanba_testdata::read(&tanba_testdata::own(&format!(
            "ncanode/{f}"
        ))))
        .unwrap()
    };
    let (code, v) = post(
        &s,
        "/wsse/verify",
        &json!({"xml": read("wsse_signed_example.xml"), "revocationCheck": ["CRL"]}),
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["valid"], true, "{v}");
    let c = &v["signers"][0];
    // the serial the shared testdata README gives for this key
    assert!(c["serialNumber"].as_str().unwrap().starts_with("4279390a"));
    assert_eq!(c["signAlg"], "SHA256WithRSAEncryption");
    assert_eq!(c["keyUsage"], "SIGN");
    assert_eq!(c["subject"]["iin"], "123456789011");
    assert_eq!(c["revocations"][0]["by"], "CRL");

    let (code, v) = post(
        &s,
        "/wsse/verify",
        &json!({"xml": read("wsse_signed_example.published.xml")}),
    );
    assert_eq!(code, 200, "{v}");
    assert_eq!(
        v["valid"], false,
        "the collapsed SignedInfo no longer matches its signature: {v}"
    );
}

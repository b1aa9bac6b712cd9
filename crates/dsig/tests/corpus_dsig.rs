//! The public XMLDSig interop cases of `xmlsec-corpus/dsig/MANIFEST.tsv`.

mod common;

use std::path::Path;

use tanba_dsig::{verify, AlgorithmRole, DsigError, KeySource, VerifyOptions};

/// The DER SubjectPublicKeyInfo of a key file: a certificate (PEM or DER) or a PEM public
/// key; `None` for anything else (an HMAC secret, a private key).
fn spki_from_file(path: &Path) -> Option<Vec<u8>> {
    use x509_parser::prelude::FromDer as _;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let der = if bytes.starts_with(b"-----BEGIN") {
        let text = String::from_utf8(bytes).ok()?;
        let first = text.lines().next()?;
        let label = first
            .trim_start_matches("-----BEGIN ")
            .trim_end_matches("-----");
        let body: String = text
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        let der = tanba_dsig::base64::decode_lenient(&body, "PEM").ok()?;
        match label {
            "PUBLIC KEY" => return Some(der),
            "CERTIFICATE" => der,
            _ => return None,
        }
    } else {
        bytes
    };
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&der).ok()?;
    Some(cert.public_key().raw.to_vec())
}

fn key_path(key_cert: &str) -> Option<String> {
    key_cert.split(';').map(str::trim).find_map(|part| {
        let v = part
            .strip_prefix("pubkey/cert=")
            .or_else(|| part.strip_prefix("pubkey="))?;
        Some(v.split_whitespace().next().unwrap().to_owned())
    })
}

fn run_row(
    row: &std::collections::HashMap<String, String>,
    allow_legacy: bool,
) -> Result<(), DsigError> {
    // README caveat: testDSig.sh names signature-rsa-manifest-x509-data-crl.xml, stored
    // as signature-rsa-~x509-data-crl.xml
    let rel = row["file"].replace(
        "signature-rsa-manifest-x509-data-crl",
        "signature-rsa-~x509-data-crl",
    );
    let file = tanba_testdata::corpus(&rel);
    let xml = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let opts = VerifyOptions {
        allow_legacy,
        discard_digested_bytes: true,
        public_key: key_path(&row["key_cert"])
            .and_then(|p| spki_from_file(&tanba_testdata::corpus(&p))),
        // conformance with the upstream corpus: the Base64 transform is allowed here
        // (refused by default; `base64_transform_is_refused_by_default` tests that)
        allow_base64_transform: true,
        ..VerifyOptions::default()
    };
    let r = verify(&xml, &opts)?;
    match r.first_error() {
        None => Ok(()),
        Some(e) => Err(e.clone()),
    }
}

/// Why tanba's verdict on a row may differ from the manifest's, each reason tied to a
/// property of the row (so a real regression is never excused).
fn allowed_deviation(
    row: &std::collections::HashMap<String, String>,
    ours: &Result<(), DsigError>,
) -> Option<&'static str> {
    let algs = &row["algorithms"];
    let key_cert = &row["key_cert"];
    let notes = &row["notes"];
    match ours {
        Err(DsigError::UnsupportedAlgorithm { uri, .. }) => {
            let by_name: &[(&str, &str, &str)] = &[
                ("REC-xpath-19991116", "xpath", "XPath filter transform (not implemented, refused by name)"),
                ("xmldsig-filter2", "xpath2", "XPath Filter 2.0 (not implemented)"),
                ("REC-xslt-19991116", "xslt", "XSLT transform (not implemented)"),
                ("xml-c14n11", "c14n11", "C14N 1.1 (not implemented by tanba-xml)"),
                ("ecdsa-sha512", "ecdsa-sha512", "ECDSA-SHA512 is not in the tanba-crypto registry"),
                ("sha224", "sha224", "SHA-224 is not in the tanba-crypto registry"),
                ("hmac", "hmac", "HMAC refused (issue 5)"),
                ("dsa-sha", "dsa", "DSA refused (issue 5)"),
                ("md5", "md5", "MD5 refused"),
                ("ripemd160", "ripemd160", "RIPEMD-160 refused"),
                ("sha3", "sha3", "SHA-3 not in the tanba-crypto registry"),
                ("eddsa", "eddsa", "EdDSA not in the tanba-crypto registry"),
                ("ml-dsa", "ml-dsa", "ML-DSA not in the tanba-crypto registry"),
                ("slh-dsa", "slh-dsa", "SLH-DSA not in the tanba-crypto registry"),
                ("gostr34102001", "gostr34102001", "GOST R 34.10-2001 (Russian) not supported"),
                ("cpxmlsec", "cpxmlsec", "CryptoPro GOST 2012 signature URIs not registered"),
                ("RelationshipTransform", "Relationship", "OOXML RelationshipTransform (not implemented)"),
                ("-rsa-MGF1", "rsa-pss", "RSA-PSS with this hash not in the tanba-crypto registry"),
            ];
            by_name
                .iter()
                .find(|(u, a, _)| uri.contains(u) && algs.contains(a))
                .map(|(_, _, why)| *why)
        }
        Err(DsigError::UnsupportedReferenceUri { uri, .. }) => (!uri.starts_with('#') && !uri.is_empty())
            .then_some("external (not same-document) Reference URI: never dereferenced"),
        Err(DsigError::Crypto(tanba_crypto::CryptoError::InvalidPublicKey(m))) => {
            if m.contains("1.3.132.0.35") {
                Some("P-521 is not supported by tanba-crypto (ring)")
            } else {
                None
            }
        }
        // ring 0.17 verifies RSA keys under 2048 bits only for PKCS#1 SHA-1/256/512
        Err(DsigError::Crypto(tanba_crypto::CryptoError::Unsupported { operation, .. }))
            if operation.contains("under 2048 bits") =>
        {
            Some("RSA key under 2048 bits with RSA-SHA384/PSS: no legacy verifier in ring (refused by name)")
        }
        // a hash/curve combination tanba-crypto refuses by policy (e.g. SHA-256 on P-521)
        Err(DsigError::Crypto(tanba_crypto::CryptoError::Unsupported { operation, .. }))
            if operation.contains("curve") =>
        {
            Some("hash/curve combination refused by tanba-crypto policy")
        }
        // the key is only given by KeyName / RetrievalMethod / X509Digest / issuer-serial…,
        // and the row configures none: tanba takes keys from X509Certificate, KeyValue,
        // DEREncodedKeyValue (or from the caller) only
        Err(DsigError::RemoteRetrievalMethod { .. }) => (!key_cert.contains("pubkey"))
            .then_some("key only by a remote RetrievalMethod: never fetched, refused by name"),
        Err(DsigError::NoKey { .. }) => (!key_cert.contains("pubkey"))
            .then_some("key only by KeyName/RetrievalMethod/X509Digest reference, none configured"),
        // upstream's negative test disables the key kind with --enabled-key-data; tanba has
        // no such switch (the signature itself is valid)
        Ok(()) if row["expected"] == "invalid" && notes.contains("RSA is disabled") => {
            Some("expected invalid only because upstream disables that key kind (--enabled-key-data)")
        }
        // the manifest's "invalid" rests on certificate-path validation (trust anchors,
        // verification time, missing chain): tanba-dsig does not decide trust
        Ok(()) if row["expected"] == "invalid"
            && (key_cert.contains("trust-anchor")
                || key_cert.contains("verification-time")
                || !key_cert.contains("pubkey")) =>
        {
            Some("expected invalid only through certificate trust, which tanba-dsig does not decide")
        }
        Err(_) if notes.contains("verify as-is is expected to fail") => {
            Some("xml-crypto verifies this file only after stripping whitespace (derived/ has the stripped copy)")
        }
        _ => None,
    }
}

#[test]
fn dsig_manifest_rows() {
    let rows = common::read_manifest("dsig/MANIFEST.tsv");
    assert_eq!(rows.len(), 272, "dsig manifest rows");
    let mut as_expected = 0;
    let mut modern_as_expected = 0;
    let mut deviations: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut modern_deviations: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut legacy_key_rows: std::collections::BTreeMap<String, usize> = Default::default();
    let mut unexplained = Vec::new();
    for row in &rows {
        let class = row["alg_class"].as_str();
        let legacy = class.contains("sha1");
        if legacy {
            // without the switch, SHA-1 is refused (or something unsupported comes first)
            match run_row(row, false) {
                Err(DsigError::LegacyAlgorithmRefused { .. }) => {}
                Err(e) if e.is_unsupported() || matches!(e, DsigError::Xml(_)) => {}
                other => unexplained.push(format!(
                    "{}: SHA-1 row without the legacy switch gave {other:?}",
                    row["file"]
                )),
            }
        }
        let mut ours = run_row(row, legacy);
        // an RSA key of 1024..2047 bits with SHA-2 is a legacy key: refused by name without
        // the switch, then checked with it
        let mut legacy_key = false;
        if let Err(DsigError::Crypto(tanba_crypto::CryptoError::LegacyKeySizeRefused {
            bits,
            ..
        })) = &ours
        {
            assert!(
                (1024..2048).contains(bits),
                "{}: legacy key size {bits}",
                row["file"]
            );
            legacy_key = true;
            ours = run_row(row, true);
        }
        // HMAC / DSA rows: refused as "unsupported algorithm", never valid, never a crash
        if class.contains("hmac") || class.contains("dsa") {
            match &ours {
                Err(DsigError::UnsupportedAlgorithm {
                    role: AlgorithmRole::Signature,
                    uri,
                }) if uri.contains("hmac") || uri.contains("dsa") => {}
                // the hardened parser refuses entity declarations before any signature
                // processing (merlin-xmldsig-twenty-three/signature.xml)
                Err(DsigError::Xml(m)) if m.contains("entity declaration") => {}
                other => unexplained.push(format!(
                    "{}: HMAC/DSA row not refused as unsupported: {other:?}",
                    row["file"]
                )),
            }
            *deviations
                .entry("HMAC/DSA refused as unsupported algorithm (issue 5)")
                .or_default() += 1;
            continue;
        }
        let ok = ours.is_ok() == (row["expected"] == "valid");
        if ok {
            as_expected += 1;
            if class == "modern-sha2" {
                modern_as_expected += 1;
            }
            if legacy_key {
                *legacy_key_rows.entry(class.to_owned()).or_default() += 1;
            }
            continue;
        }
        match allowed_deviation(row, &ours) {
            Some(why) => {
                *deviations.entry(why).or_default() += 1;
                if class == "modern-sha2" {
                    *modern_deviations.entry(why).or_default() += 1;
                }
            }
            None => unexplained.push(format!(
                "{} ({}, expected {}): {:?}",
                row["file"], row["algorithms"], row["expected"], ours
            )),
        }
    }
    println!("dsig manifest: {as_expected} rows give the expected verdict ({modern_as_expected} of the 84 modern-sha2 rows)");
    for (class, n) in &legacy_key_rows {
        println!("  {n:3}  {class} rows: RSA key under 2048 bits: accepted with the legacy switch");
    }
    println!("all rows, named deviations:");
    for (why, n) in &deviations {
        println!("  {n:3}  {why}");
    }
    println!("modern-sha2 rows, named deviations:");
    for (why, n) in &modern_deviations {
        println!("  {n:3}  {why}");
    }
    assert!(
        unexplained.is_empty(),
        "rows with an unexplained verdict:\n{}",
        unexplained.join("\n")
    );
    // exact counts, so that a regression (or an unnoticed improvement) shows
    assert_eq!(
        legacy_key_rows.get("modern-sha2").copied().unwrap_or(0),
        7,
        "modern-sha2 rows with an RSA key under 2048 bits, as expected with the legacy switch"
    );
    assert_eq!(
        modern_as_expected, MODERN_AS_EXPECTED,
        "modern-sha2 rows as expected"
    );
    assert_eq!(as_expected, ALL_AS_EXPECTED, "rows as expected");
    let modern: Vec<(&str, usize)> = modern_deviations.into_iter().collect();
    assert_eq!(
        modern, MODERN_DEVIATIONS,
        "named deviations of the modern-sha2 rows"
    );
    assert_eq!(
        modern_as_expected + MODERN_DEVIATIONS.iter().map(|(_, n)| n).sum::<usize>(),
        84
    );
}

/// The modern-sha2 rows (of 84) that give the manifest's verdict, 7 of them through the
/// legacy switch for an RSA-1024 key.
const MODERN_AS_EXPECTED: usize = 47;
/// All rows (of 272) that give the manifest's verdict.
const ALL_AS_EXPECTED: usize = 93;
/// The modern-sha2 rows that differ, by named reason (47 + 37 = 84).
const MODERN_DEVIATIONS: &[(&str, usize)] = &[
    ("XPath filter transform (not implemented, refused by name)", 26),
    ("expected invalid only because upstream disables that key kind (--enabled-key-data)", 1),
    ("expected invalid only through certificate trust, which tanba-dsig does not decide", 2),
    ("external (not same-document) Reference URI: never dereferenced", 7),
    ("xml-crypto verifies this file only after stripping whitespace (derived/ has the stripped copy)", 1),
];

fn corpus_xml(rel: &str) -> String {
    let p = tanba_testdata::corpus(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn corpus_spki(rel: &str) -> Vec<u8> {
    spki_from_file(&tanba_testdata::corpus(rel)).unwrap_or_else(|| panic!("{rel}: no key"))
}

/// Verifies `xml` with no configured key; the one signature's outcome.
fn verify_in_doc(xml: &str, allow_legacy: bool) -> Result<tanba_dsig::Verified, DsigError> {
    let opts = VerifyOptions {
        allow_legacy,
        ..VerifyOptions::default()
    };
    let r = verify(xml.as_bytes(), &opts)?;
    assert_eq!(r.signatures.len(), 1);
    r.signatures[0].result.clone()
}

const D11: &str = "xmlsec/tests/xmldsig11-interop-2012/";
const ALEKSEY: &str = "xmlsec/tests/aleksey-xmldsig-01/";

#[test]
fn der_encoded_key_values_verify_and_are_reported_as_bare_keys() {
    // each file's DEREncodedKeyValue is the key of the certificate the manifest names
    // (compared with x509-parser's reading of that certificate)
    for (file, cert) in [
        (
            "enveloping-sha256-rsa2048-der-encoded-key-value.xml",
            "xmlsec/tests/keys/rsa/rsa-2048-cert.der",
        ),
        (
            "enveloping-sha256-rsa4096-der-encoded-key-value.xml",
            "xmlsec/tests/keys/rsa/rsa-4096-cert.der",
        ),
        (
            "enveloping-sha256-ec-prime256v1-der-encoded-key-value.xml",
            "xmlsec/tests/keys/ec/ec-prime256v1-cert.der",
        ),
        (
            "enveloping-sha384-ec-prime384v1-der-encoded-key-value.xml",
            "xmlsec/tests/keys/ec/ec-prime384v1-cert.der",
        ),
        (
            "enveloping-sha512-ec-prime521v1-der-encoded-key-value.xml",
            "xmlsec/tests/keys/ec/ec-prime521v1-cert.der",
        ),
    ] {
        let xml = corpus_xml(&format!("{ALEKSEY}{file}"));
        let v = verify_in_doc(&xml, false).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            v.key_source,
            KeySource::DerEncodedKeyValue {
                spki: corpus_spki(cert)
            },
            "{file}"
        );
        assert!(v.key_source.is_bare_key());
        assert_eq!(
            v.signer_certificate, None,
            "{file}: no certificate to trust"
        );
        assert!(v.certificates.is_empty());
        // a corrupted SignatureValue with the same bare key: invalid
        let sv_start = xml.find("SignatureValue>").unwrap() + "SignatureValue>".len();
        let pos = sv_start
            + xml[sv_start..]
                .find(|c: char| c.is_ascii_alphanumeric())
                .unwrap()
            + 5;
        let mut bad = xml.clone().into_bytes();
        bad[pos] = if bad[pos] == b'A' { b'B' } else { b'A' };
        assert!(
            matches!(
                verify_in_doc(std::str::from_utf8(&bad).unwrap(), false),
                Err(DsigError::BadSignatureValue { signature: 0 })
            ),
            "{file}: altered SignatureValue"
        );
    }
    // the xmldsig11 interop DEREncodedKeyValue files: EC as is, RSA-1024 only as legacy
    let ec = corpus_xml(&format!("{D11}signature-enveloping-derencoded-ec.xml"));
    let v = verify_in_doc(&ec, false).unwrap();
    assert_eq!(
        v.key_source.bare_key_spki(),
        Some(&corpus_spki(&format!("{D11}keys/p256-key.crt"))[..])
    );
    let rsa = corpus_xml(&format!("{D11}signature-enveloping-derencoded-rsa.xml"));
    assert!(matches!(
        verify_in_doc(&rsa, false),
        Err(DsigError::Crypto(
            tanba_crypto::CryptoError::LegacyKeySizeRefused { bits: 1024, .. }
        ))
    ));
    let v = verify_in_doc(&rsa, true).unwrap();
    assert_eq!(
        v.key_source.bare_key_spki(),
        Some(&corpus_spki(&format!("{D11}keys/rsa-key.crt"))[..])
    );
}

#[test]
fn key_values_rsa_and_ec_verify_and_are_reported_as_bare_keys() {
    // ECKeyValue (NamedCurve P-256): the SPKI rebuilt from it is the certificate's
    let ec = corpus_xml(&format!("{D11}signature-enveloping-p256_sha256.xml"));
    let v = verify_in_doc(&ec, false).unwrap();
    assert_eq!(
        v.key_source,
        KeySource::KeyValue {
            spki: corpus_spki(&format!("{D11}keys/p256-key.crt"))
        }
    );
    assert_eq!(v.signer_certificate, None);
    // RSAKeyValue of a 1024-bit key: refused by name without the legacy switch
    let rsa = corpus_xml(&format!("{D11}signature-enveloping-sha256-rsa-sha256.xml"));
    assert!(matches!(
        verify_in_doc(&rsa, false),
        Err(DsigError::Crypto(
            tanba_crypto::CryptoError::LegacyKeySizeRefused { bits: 1024, .. }
        ))
    ));
    let v = verify_in_doc(&rsa, true).unwrap();
    assert_eq!(
        v.key_source.bare_key_spki(),
        Some(&corpus_spki(&format!("{D11}keys/rsa-key.crt"))[..]),
        "RSAKeyValue rebuilt as the certificate's SubjectPublicKeyInfo"
    );
    assert!(v.key_source.is_bare_key() && v.signer_certificate.is_none());

    // another key in RSAKeyValue (one modulus character changed): invalid
    let m = rsa.find("<dsig:Modulus>").unwrap() + "<dsig:Modulus>".len() + 10;
    let mut other = rsa.clone().into_bytes();
    other[m] = if other[m] == b'A' { b'B' } else { b'A' };
    assert!(matches!(
        verify_in_doc(std::str::from_utf8(&other).unwrap(), true),
        Err(DsigError::BadSignatureValue { signature: 0 })
    ));
    // malformed key values: named errors
    let no_modulus = cut_span(&rsa, "<dsig:Modulus>", "</dsig:Modulus>");
    assert!(matches!(
        verify_in_doc(&no_modulus, true),
        Err(DsigError::BadKeyValue { signature: 0, detail }) if detail.contains("Modulus")
    ));
    let bad_curve = ec.replace("urn:oid:1.2.840.10045.3.1.7", "urn:oid:banana");
    assert!(matches!(
        verify_in_doc(&bad_curve, false),
        Err(DsigError::BadKeyValue { detail, .. }) if detail.contains("NamedCurve")
    ));
    let no_point = cut_span(&ec, "<PublicKey>", "</PublicKey>");
    assert!(matches!(
        verify_in_doc(&no_point, false),
        Err(DsigError::BadKeyValue { detail, .. }) if detail.contains("PublicKey")
    ));
}

/// `s` without the first `start … end` span (both included).
fn cut_span(s: &str, start: &str, end: &str) -> String {
    let a = s.find(start).unwrap();
    let b = a + s[a..].find(end).unwrap() + end.len();
    format!("{}{}", &s[..a], &s[b..])
}

#[test]
fn supplied_key_then_certificate_take_precedence_over_key_values() {
    let ec = corpus_xml(&format!("{D11}signature-enveloping-p256_sha256.xml"));
    // a supplied key is used alone: another P-256 key does not verify, even though the
    // document's own ECKeyValue would
    let other_p256 = corpus_spki("xmlsec/tests/keys/ec/ec-prime256v1-cert.der");
    let r = verify(
        ec.as_bytes(),
        &VerifyOptions {
            public_key: Some(other_p256),
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert!(matches!(
        r.first_error(),
        Some(DsigError::BadSignatureValue { signature: 0 })
    ));
    let own = corpus_spki(&format!("{D11}keys/p256-key.crt"));
    let r = verify(
        ec.as_bytes(),
        &VerifyOptions {
            public_key: Some(own),
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        r.signatures[0].result.as_ref().unwrap().key_source,
        KeySource::Supplied
    );
    // a certificate in KeyInfo is used alone: with someone else's certificate next to the
    // (valid) ECKeyValue, the signature is invalid — never verified with the bare key
    let cert = tanba_testdata::read_nca("certs/individual_valid_sign_2004_rsa.cer");
    let cert_der = if cert.starts_with(b"-----") {
        let t = String::from_utf8(cert).unwrap();
        let body: String = t.lines().filter(|l| !l.starts_with("-----")).collect();
        tanba_dsig::base64::decode_lenient(&body, "PEM").unwrap()
    } else {
        cert
    };
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&cert_der);
    let with_cert = ec.replace(
        "<dsig:KeyInfo>",
        &format!("<dsig:KeyInfo><dsig:X509Data><dsig:X509Certificate>{b64}</dsig:X509Certificate></dsig:X509Data>"),
    );
    assert!(matches!(
        verify_in_doc(&with_cert, false),
        Err(DsigError::BadSignatureValue { signature: 0 })
    ));
}

#[test]
fn same_document_retrieval_methods_are_followed_and_remote_ones_never() {
    // RetrievalMethod URI="#mykey" Type=…#RSAKeyValue: the key is the referenced RSAKeyValue
    let v = verify_in_doc(
        &corpus_xml(&format!(
            "{ALEKSEY}enveloping-sha256-rsa2048-retrieval-method-rsa-key-value.xml"
        )),
        false,
    )
    .unwrap();
    assert!(v.key_source.is_bare_key());
    assert!(v.signer_certificate.is_none());
    assert_eq!(
        v.key_source.bare_key_spki().unwrap(),
        corpus_spki("xmlsec/tests/keys/rsa/rsa-2048-cert.der").as_slice()
    );
    // RetrievalMethod URI="#mycert" Type=…#X509Data: the certificates of that X509Data
    let xml = corpus_xml(&format!(
        "{ALEKSEY}enveloping-sha256-rsa2048-retrieval-method-x509-data.xml"
    ));
    let v = verify_in_doc(&xml, false).unwrap();
    assert!(matches!(
        v.key_source,
        tanba_dsig::KeySource::Certificate(_)
    ));
    assert!(v.signer_certificate.is_some());
    // pointing the RetrievalMethod elsewhere (remote) is refused by name: never fetched
    let remote = xml.replace("URI=\"#mycert\"", "URI=\"http://127.0.0.1:9/cert\"");
    assert_ne!(remote, xml);
    match verify_in_doc(&remote, false) {
        Err(e @ DsigError::RemoteRetrievalMethod { .. }) => {
            assert!(e.to_string().contains("http://127.0.0.1:9/cert"), "{e}");
            assert!(e.to_string().contains("never fetched"), "{e}");
        }
        other => panic!("expected RemoteRetrievalMethod, got {other:?}"),
    }
    // and a RetrievalMethod naming an element of another kind yields no key either
    let wrong = xml.replace("URI=\"#mycert\"", "URI=\"#object\"");
    assert!(matches!(
        verify_in_doc(&wrong, false),
        Err(DsigError::NoKey { .. })
    ));
}

//! The public XMLDSig interop cases of `xmlsec-corpus/dsig/MANIFEST.tsv`.

mod common;

use std::path::Path;

use tanba_dsig::{verify, AlgorithmRole, DsigError, VerifyOptions};

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
            } else if m.contains("RSA-1024") || m.contains("RSA-512") {
                Some("RSA keys under 2048 bits are refused for SHA-2 by tanba-crypto policy")
            } else {
                None
            }
        }
        // a hash/curve combination tanba-crypto refuses by policy (e.g. SHA-256 on P-521)
        Err(DsigError::Crypto(tanba_crypto::CryptoError::Unsupported { operation, .. }))
            if operation.contains("curve") =>
        {
            Some("hash/curve combination refused by tanba-crypto policy")
        }
        // the key is only given by KeyValue / KeyName / RetrievalMethod / X509Digest /
        // issuer-serial…, and the row configures none: tanba takes keys from
        // X509Certificate (or from the caller) only
        Err(DsigError::NoKey { .. }) => (!key_cert.contains("pubkey"))
            .then_some("key only by KeyValue/KeyName/RetrievalMethod/X509Digest reference, none configured"),
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
        let ours = run_row(row, legacy);
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
    // a floor, so that a regression in what does work is caught
    assert!(
        modern_as_expected >= 30,
        "only {modern_as_expected} modern-sha2 rows as expected"
    );
}

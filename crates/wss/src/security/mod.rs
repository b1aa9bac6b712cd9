//! The WS-Security transport signature (SMARTBRIDGE.md §6): [`sign`] and [`verify`].
//!
//! Overlap with tanba-dsig, to consolidate later: SignedInfo/Reference parsing and the
//! digest loop are reimplemented here because the WS-Security profile needs stricter
//! shape checks (one Signature in the Security header, exclusive C14N only, references
//! restricted to the Body/Timestamp/header blocks) and key resolution through
//! `wsse:SecurityTokenReference`, which `tanba_dsig::verify` does not expose. Base64,
//! algorithm-URI classification and reference-URI parsing come from tanba-dsig.

use std::borrow::Cow;

mod sign;
mod token;
mod verify;

pub use sign::{sign, KeyInfoForm, SignOptions};
pub use token::TokenReference;
pub use verify::{verify, SignedPart, TimestampInfo, VerifiedEnvelope, VerifyOptions};

/// An `io::Write` that feeds a digest.
pub(crate) struct HashWriter<'a>(pub &'a mut tanba_crypto::Hasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every `Body` element of the envelope namespace `env`, wherever it stands (a second
/// one, or one outside the Envelope's children, is how signature wrapping hides).
pub(crate) fn all_bodies(doc: &tanba_xml::Document, env: &str) -> Vec<tanba_xml::NodeId> {
    doc.descendants(tanba_xml::NodeId::DOCUMENT)
        .filter(|&n| doc.is_element(n) && doc.name(n).is(env, "Body"))
        .collect()
}

/// Base64 of a signature field, through tanba-dsig's lenient decoder (XML whitespace, as in
/// Kalkan's 76-column CR LF layout, is ignored; single-line text is decoded without a copy).
pub(crate) fn b64(text: &str, field: &'static str) -> Result<Vec<u8>, crate::WssError> {
    Ok(tanba_dsig::base64::decode_lenient(text, field)?)
}

/// The character data of `el` (XPath string-value), borrowed from the tree when it is a
/// single text node — the usual shape of base64 fields — instead of copied.
pub(crate) fn text_of(doc: &tanba_xml::Document, el: tanba_xml::NodeId) -> Cow<'_, str> {
    if let Some(c) = doc.first_child(el) {
        if doc.next_sibling(c).is_none() && doc.kind(c) == tanba_xml::NodeKind::Text {
            return Cow::Borrowed(doc.node_text(c));
        }
    }
    Cow::Owned(doc.text_content(el))
}

/// The DER `SubjectPublicKeyInfo` of a DER certificate, found by walking the first fields
/// of `tbsCertificate` (the certificate itself is validated later by tanba-pki).
pub(crate) fn spki_of(cert: &[u8]) -> Option<&[u8]> {
    /// (tag, content, whole TLV, rest)
    type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);
    fn tlv(b: &[u8]) -> Option<Tlv<'_>> {
        let tag = *b.first()?;
        let first = *b.get(1)?;
        let (len, hdr) = if first < 0x80 {
            (first as usize, 2)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 {
                return None;
            }
            let mut l = 0usize;
            for i in 0..n {
                l = (l << 8) | *b.get(2 + i)? as usize;
            }
            (l, 2 + n)
        };
        let end = hdr.checked_add(len)?;
        if end > b.len() {
            return None;
        }
        Some((tag, &b[hdr..end], &b[..end], &b[end..]))
    }
    let (t, cert_body, _, _) = tlv(cert)?;
    if t != 0x30 {
        return None;
    }
    let (t, tbs, _, _) = tlv(cert_body)?;
    if t != 0x30 {
        return None;
    }
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = tlv(rest)?.3; // [0] version
    }
    // serial INTEGER, signature AlgorithmIdentifier, issuer, validity, subject
    for expected in [0x02, 0x30, 0x30, 0x30, 0x30] {
        let (t, _, _, r) = tlv(rest)?;
        if t != expected {
            return None;
        }
        rest = r;
    }
    let (t, _, whole, _) = tlv(rest)?;
    (t == 0x30).then_some(whole)
}

#[cfg(test)]
mod tests {
    #[test]
    fn spki_matches_x509_parser_on_real_certificates() {
        for rel in [
            "certs/individual_valid_sign_2004_rsa.cer",
            "certs/ceo_valid_sign_2004_gost.cer",
        ] {
            let pem = String::from_utf8(tanba_testdata::read_nca(rel)).unwrap();
            let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            let der = super::b64(&b64, "cert").unwrap();
            let (_, c) = x509_parser::parse_x509_certificate(&der).unwrap();
            assert_eq!(
                super::spki_of(&der),
                Some(c.tbs_certificate.subject_pki.raw),
                "{rel}"
            );
            // truncated or garbage input: None, no panic
            for cut in [0, 1, 10, der.len() / 2, der.len() - 1] {
                assert_eq!(super::spki_of(&der[..cut]), None, "{rel} cut at {cut}");
            }
        }
        assert_eq!(super::spki_of(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
    }

    #[test]
    fn base64_fast_and_lenient_paths_agree() {
        assert_eq!(super::b64("aGVsbG8=", "x").unwrap(), b"hello");
        assert_eq!(super::b64("aGVs\r\nbG8=", "x").unwrap(), b"hello");
        assert!(super::b64("a*==", "x").is_err());
    }
}

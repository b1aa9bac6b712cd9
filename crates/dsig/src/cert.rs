//! The little tanba-dsig needs from a certificate: its `SubjectPublicKeyInfo`, found by
//! walking the DER (Certificate → tbsCertificate → the field after `subject`) without
//! decoding anything else. The key is then checked by the signature verification itself.

/// One DER TLV: (tag, header length, content length).
fn tlv(b: &[u8]) -> Result<(u8, usize, usize), String> {
    let tag = *b.first().ok_or("truncated DER")?;
    let l0 = *b.get(1).ok_or("truncated DER")?;
    let (hl, len) = if l0 < 0x80 {
        (2, l0 as usize)
    } else {
        let n = (l0 & 0x7f) as usize;
        if n == 0 || n > 4 {
            return Err("unsupported DER length".into());
        }
        let bytes = b.get(2..2 + n).ok_or("truncated DER")?;
        if bytes[0] == 0 {
            return Err("non-minimal DER length".into());
        }
        (
            2 + n,
            bytes.iter().fold(0usize, |a, &x| (a << 8) | x as usize),
        )
    };
    if b.len() < hl + len {
        return Err("truncated DER".into());
    }
    Ok((tag, hl, len))
}

/// The DER `SubjectPublicKeyInfo` of a DER certificate, or what is wrong with it.
pub(crate) fn spki_of(cert_der: &[u8]) -> Result<Vec<u8>, String> {
    let (tag, hl, len) = tlv(cert_der)?;
    if tag != 0x30 {
        return Err("not a DER SEQUENCE".into());
    }
    if hl + len != cert_der.len() {
        return Err(format!(
            "{} trailing bytes after the certificate",
            cert_der.len().saturating_sub(hl + len)
        ));
    }
    let cert = &cert_der[hl..hl + len];
    let (tag, hl, len) = tlv(cert)?;
    if tag != 0x30 {
        return Err("tbsCertificate is not a SEQUENCE".into());
    }
    let mut tbs = &cert[hl..hl + len];
    // [0] version (optional), serial, signature, issuer, validity, subject, then SPKI
    let mut index = 0;
    loop {
        let (tag, hl, len) = tlv(tbs)?;
        if index == 0 && tag == 0xa0 {
            tbs = &tbs[hl + len..];
            continue;
        }
        if index == 5 {
            if tag != 0x30 {
                return Err("subjectPublicKeyInfo is not a SEQUENCE".into());
            }
            return Ok(tbs[..hl + len].to_vec());
        }
        tbs = &tbs[hl + len..];
        index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_spki_as_x509_parser_on_the_nca_certificates() {
        use x509_parser::prelude::FromDer as _;
        for rel in [
            "certs/individual_valid_sign_2004_rsa.cer",
            "certs/ceo_valid_sign_2004_gost.cer",
            "ca/nca_gost2015_test.cer",
        ] {
            let raw = tanba_testdata::read_nca(rel);
            let der = if raw.starts_with(b"-----") {
                let t = String::from_utf8(raw).unwrap();
                let body: String = t.lines().filter(|l| !l.starts_with("-----")).collect();
                crate::base64::decode_lenient(&body, "PEM").unwrap()
            } else {
                raw
            };
            let (_, c) = x509_parser::certificate::X509Certificate::from_der(&der).unwrap();
            assert_eq!(spki_of(&der).unwrap(), c.public_key().raw, "{rel}");
        }
    }

    #[test]
    fn malformed_certificates_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"\x30",
            b"\x30\x05\x30\x03\x02\x01",
            b"\x04\x00",
            b"\x30\x84\xff\xff\xff\xff",
        ] {
            assert!(spki_of(bad).is_err(), "{bad:?}");
        }
        let mut trailing = vec![0x30, 0x00];
        trailing.push(0);
        assert!(spki_of(&trailing).is_err());
    }
}

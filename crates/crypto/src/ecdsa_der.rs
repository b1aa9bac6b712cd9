//! Conversion between the two ECDSA signature encodings: DER `SEQUENCE { r, s }` (X.509, CMS)
//! and fixed-width `r ‖ s` (XMLDSig, RFC 4050 / XMLDSig 1.1).

use crate::CryptoError;

/// DER `Ecdsa-Sig-Value` → fixed-width `r ‖ s`, each `field_len` bytes (32 for P-256, 48 for P-384).
pub fn ecdsa_der_to_raw(der_sig: &[u8], field_len: usize) -> Result<Vec<u8>, CryptoError> {
    use der::Decode;
    #[derive(der::Sequence)]
    struct SigValue<'a> {
        r: der::asn1::UintRef<'a>,
        s: der::asn1::UintRef<'a>,
    }
    let v = SigValue::from_der(der_sig)
        .map_err(|e| CryptoError::MalformedSignature(format!("ECDSA DER: {e}")))?;
    let mut out = vec![0u8; 2 * field_len];
    for (i, n) in [v.r.as_bytes(), v.s.as_bytes()].into_iter().enumerate() {
        if n.len() > field_len {
            return Err(CryptoError::MalformedSignature(
                "ECDSA integer longer than the field".into(),
            ));
        }
        let end = (i + 1) * field_len;
        out[end - n.len()..end].copy_from_slice(n);
    }
    Ok(out)
}

/// Fixed-width `r ‖ s` → DER `Ecdsa-Sig-Value`.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, CryptoError> {
    use der::Encode;
    if raw.is_empty() || raw.len() % 2 != 0 {
        return Err(CryptoError::MalformedSignature(format!(
            "raw ECDSA signature of odd or zero length {}",
            raw.len()
        )));
    }
    #[derive(der::Sequence)]
    struct SigValue<'a> {
        r: der::asn1::UintRef<'a>,
        s: der::asn1::UintRef<'a>,
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let v = SigValue {
        r: der::asn1::UintRef::new(r)
            .map_err(|e| CryptoError::MalformedSignature(e.to_string()))?,
        s: der::asn1::UintRef::new(s)
            .map_err(|e| CryptoError::MalformedSignature(e.to_string()))?,
    };
    v.to_der()
        .map_err(|e| CryptoError::MalformedSignature(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_leading_zeros_and_high_bits() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0;
        raw[1] = 0x80; // r starts with 00 80.. -> DER needs no pad after stripping, then 0x80 needs a pad
        raw[31] = 1;
        raw[32] = 0xff; // s has the high bit set -> DER pads with 00
        raw[63] = 7;
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(ecdsa_der_to_raw(&der, 32).unwrap(), raw);
    }

    #[test]
    fn malformed_inputs_are_errors() {
        assert!(ecdsa_der_to_raw(&[0x30, 0x03, 0x02, 0x01], 32).is_err());
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
        assert!(ecdsa_raw_to_der(&[]).is_err());
    }
}

//! The workspace's strict DER reader and writer, for the structures x509-parser does not
//! cover: CRL entries, OCSP, CMS and time stamps.
//!
//! Only definite lengths, single-byte tags (tag numbers < 31) and lengths up to 4 bytes are
//! accepted: that covers every structure of RFC 5280 / 5652 / 6960 / 3161 that tanba reads
//! and refuses BER tricks (indefinite lengths, non-minimal lengths).

use time::OffsetDateTime;

/// Tag bytes (universal class; constructed SEQUENCE and SET).
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING (primitive).
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// ENUMERATED.
    pub const ENUMERATED: u8 = 0x0a;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET (constructed).
    pub const SET: u8 = 0x31;
}

/// A DER decoding failure: what was expected and at which byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerError {
    /// What was expected or wrong.
    pub what: String,
    /// Byte offset in the outermost input.
    pub offset: usize,
}

impl std::error::Error for DerError {}

impl std::fmt::Display for DerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.what, self.offset)
    }
}

/// One decoded TLV: the tag byte, the contents and the whole encoding (header included).
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    /// The tag byte.
    pub tag: u8,
    /// The contents.
    pub value: &'a [u8],
    /// The whole encoding, header included.
    pub raw: &'a [u8],
    /// Offset of the TLV in the outermost input (for error messages).
    pub offset: usize,
}

/// A cursor over a sequence of TLVs.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// Read `data`, reporting offsets relative to its start.
    pub fn new(data: &'a [u8]) -> Self {
        Reader {
            data,
            pos: 0,
            base: 0,
        }
    }

    /// A reader over the contents of `tlv` (offsets stay absolute).
    pub fn inside(tlv: &Tlv<'a>) -> Self {
        Reader {
            data: tlv.value,
            pos: 0,
            base: tlv.offset + (tlv.raw.len() - tlv.value.len()),
        }
    }

    /// Whether all input was consumed.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn err(&self, what: impl Into<String>) -> DerError {
        DerError {
            what: what.into(),
            offset: self.base + self.pos,
        }
    }

    /// The tag of the next TLV, without consuming it.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Read the next TLV of any tag.
    pub fn any(&mut self) -> Result<Tlv<'a>, DerError> {
        let start = self.pos;
        let rest = &self.data[start..];
        if rest.len() < 2 {
            return Err(self.err("truncated DER header"));
        }
        let t = rest[0];
        if t & 0x1f == 0x1f {
            return Err(self.err("multi-byte DER tags are not supported"));
        }
        let l0 = rest[1];
        let (len, hdr) = if l0 < 0x80 {
            (l0 as usize, 2)
        } else {
            let n = (l0 & 0x7f) as usize;
            if n == 0 {
                return Err(self.err("indefinite length is not DER"));
            }
            if n > 4 {
                return Err(self.err("DER length field too long"));
            }
            if rest.len() < 2 + n {
                return Err(self.err("truncated DER length"));
            }
            let mut len = 0usize;
            for b in &rest[2..2 + n] {
                len = (len << 8) | *b as usize;
            }
            if len < 0x80 || (n > 1 && rest[2] == 0) {
                return Err(self.err("non-minimal DER length"));
            }
            (len, 2 + n)
        };
        let end = hdr
            .checked_add(len)
            .ok_or_else(|| self.err("DER length overflow"))?;
        if rest.len() < end {
            return Err(self.err(format!(
                "truncated DER value (needs {len} bytes, {} left)",
                rest.len() - hdr
            )));
        }
        self.pos += end;
        Ok(Tlv {
            tag: t,
            value: &rest[hdr..end],
            raw: &rest[..end],
            offset: self.base + start,
        })
    }

    /// Read the next TLV, which must carry `expected` as its tag.
    pub fn expect(&mut self, expected: u8, what: &str) -> Result<Tlv<'a>, DerError> {
        match self.peek_tag() {
            Some(t) if t == expected => self.any(),
            Some(t) => Err(self.err(format!(
                "expected {what} (tag 0x{expected:02x}), found tag 0x{t:02x}"
            ))),
            None => Err(self.err(format!("expected {what}, found end of data"))),
        }
    }

    /// Read the next TLV only if it carries tag `t`.
    pub fn optional(&mut self, t: u8) -> Result<Option<Tlv<'a>>, DerError> {
        if self.peek_tag() == Some(t) {
            self.any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fail unless everything was consumed.
    pub fn finish(&self, what: &str) -> Result<(), DerError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.err(format!("trailing data after {what}")))
        }
    }
}

/// Parse a whole input as exactly one TLV with tag `t`.
pub fn single<'a>(data: &'a [u8], t: u8, what: &str) -> Result<Tlv<'a>, DerError> {
    let mut r = Reader::new(data);
    let tlv = r.expect(t, what)?;
    r.finish(what)?;
    Ok(tlv)
}

/// Decode an OBJECT IDENTIFIER's contents to dotted form.
pub fn oid_to_string(content: &[u8], offset: usize) -> Result<String, DerError> {
    // decimal digits without the formatting machinery (OIDs are read by the thousand)
    fn push_u64(s: &mut String, mut v: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        for &d in &buf[i..] {
            s.push(d as char);
        }
    }
    let bad = || DerError {
        what: "malformed OBJECT IDENTIFIER".into(),
        offset,
    };
    if content.is_empty() || content[content.len() - 1] & 0x80 != 0 {
        return Err(bad());
    }
    // one String, the arcs written as they are decoded (no allocation per arc)
    let mut s = String::with_capacity(content.len() * 3 + 4);
    let mut v: u64 = 0;
    let mut first = true;
    for (i, b) in content.iter().enumerate() {
        if v == 0 && *b == 0x80 && (i == 0 || content[i - 1] & 0x80 == 0) {
            return Err(bad());
        }
        if v > (u64::MAX >> 7) {
            return Err(bad());
        }
        v = (v << 7) | (*b & 0x7f) as u64;
        if b & 0x80 == 0 {
            if first {
                let (a, b) = if v < 40 {
                    (0, v)
                } else if v < 80 {
                    (1, v - 40)
                } else {
                    (2, v - 80)
                };
                push_u64(&mut s, a);
                s.push('.');
                push_u64(&mut s, b);
                first = false;
            } else {
                s.push('.');
                push_u64(&mut s, v);
            }
            v = 0;
        }
    }
    Ok(s)
}

/// Encode a dotted OID's contents.
pub fn oid_from_str(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap_or(0)).collect();
    let mut out = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        out.extend(tmp);
    };
    push(arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0));
    for a in arcs.iter().skip(2) {
        push(*a);
    }
    out
}

/// Parse a DER GeneralizedTime (`YYYYMMDDHHMMSS[.fff]Z`).
pub fn generalized_time(tlv: &Tlv<'_>) -> Result<OffsetDateTime, DerError> {
    let bad = |why: &str| DerError {
        what: format!("malformed GeneralizedTime: {why}"),
        offset: tlv.offset,
    };
    if tlv.tag != tag::GENERALIZED_TIME {
        return Err(bad("wrong tag"));
    }
    let s = std::str::from_utf8(tlv.value).map_err(|_| bad("not ASCII"))?;
    let s = s.strip_suffix('Z').ok_or_else(|| bad("not UTC (no Z)"))?;
    let (main, _frac) = match s.split_once('.') {
        Some((m, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (m, f),
        Some(_) => return Err(bad("bad fraction")),
        None => (s, ""),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("expected 14 digits"));
    }
    let n = |r: std::ops::Range<usize>| main[r].parse::<u32>().unwrap_or(0);
    let month = time::Month::try_from(n(4..6) as u8).map_err(|_| bad("month"))?;
    let date = time::Date::from_calendar_date(n(0..4) as i32, month, n(6..8) as u8)
        .map_err(|_| bad("date"))?;
    let t = time::Time::from_hms(n(8..10) as u8, n(10..12) as u8, n(12..14) as u8)
        .map_err(|_| bad("time of day"))?;
    Ok(time::PrimitiveDateTime::new(date, t).assume_utc())
}

/// Parse an X.509 `Time`: UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime.
pub fn x509_time(tlv: &Tlv<'_>) -> Result<OffsetDateTime, DerError> {
    if tlv.tag == tag::GENERALIZED_TIME {
        return generalized_time(tlv);
    }
    let bad = |why: &str| DerError {
        what: format!("malformed UTCTime: {why}"),
        offset: tlv.offset,
    };
    if tlv.tag != tag::UTC_TIME {
        return Err(bad("expected UTCTime or GeneralizedTime"));
    }
    let v = tlv.value;
    if v.len() != 13 || v[12] != b'Z' || !v[..12].iter().all(|b| b.is_ascii_digit()) {
        return Err(bad("expected YYMMDDHHMMSSZ"));
    }
    let n = |i: usize| (v[i] - b'0') * 10 + (v[i + 1] - b'0');
    let yy = i32::from(n(0));
    let year = if yy < 50 { 2000 + yy } else { 1900 + yy };
    let month = time::Month::try_from(n(2)).map_err(|_| bad("month"))?;
    let date = time::Date::from_calendar_date(year, month, n(4)).map_err(|_| bad("date"))?;
    let t = time::Time::from_hms(n(6), n(8), n(10)).map_err(|_| bad("time of day"))?;
    Ok(time::PrimitiveDateTime::new(date, t).assume_utc())
}

/// Strip the leading zero bytes of a big-endian non-negative INTEGER's contents.
pub fn trim_integer(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    while b.len() > 1 && b[0] == 0 {
        b = &b[1..];
    }
    b
}

/// Encode one TLV.
pub fn write(t: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(t);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (4 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
    out
}

/// Encode a SEQUENCE of already-encoded parts.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    write(tag::SEQUENCE, &parts.concat())
}

/// Encode a non-negative INTEGER from big-endian magnitude bytes.
pub fn integer(magnitude: &[u8]) -> Vec<u8> {
    let m = trim_integer(magnitude);
    let mut v = Vec::with_capacity(m.len() + 1);
    if m.first().is_some_and(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(m);
    if v.is_empty() {
        v.push(0);
    }
    write(tag::INTEGER, &v)
}

/// For a signed X.509 structure `SEQUENCE { tbs, signatureAlgorithm, signature }`:
/// whether the outer signatureAlgorithm is byte-identical to the algorithm inside the
/// TBS (RFC 5280 4.1.1.2 / 5.1.1.2) and both are strict DER SEQUENCEs starting with an
/// OBJECT IDENTIFIER. `certificate` selects the TBS layout (certificate: `[0] version`,
/// serial, signature; CRL: optional INTEGER version, signature).
pub fn signed_algorithms_match(der: &[u8], certificate: bool) -> Result<bool, DerError> {
    let mut outer = Reader::new(der);
    let top = outer.expect(tag::SEQUENCE, "signed structure")?;
    let mut r = Reader::inside(&top);
    let tbs = r.expect(tag::SEQUENCE, "TBS")?;
    let alg = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
    let mut t = Reader::inside(&tbs);
    if certificate {
        t.optional(0xa0)?;
        t.expect(tag::INTEGER, "serialNumber")?;
    } else {
        t.optional(tag::INTEGER)?;
    }
    let inner = t.expect(tag::SEQUENCE, "TBS signature")?;
    let oid_first = |x: &Tlv<'_>| -> Result<(), DerError> {
        Reader::inside(x)
            .expect(tag::OID, "algorithm OID")
            .map(|_| ())
    };
    oid_first(&alg)?;
    oid_first(&inner)?;
    Ok(alg.raw == inner.raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_round_trip() {
        for s in [
            "1.3.6.1.5.5.7.48.1.2",
            "2.16.840.1.101.3.4.2.1",
            "1.2.398.3.10.1.1.2.3.2",
        ] {
            let enc = oid_from_str(s);
            assert_eq!(oid_to_string(&enc, 0).unwrap(), s);
        }
        // 1.3.6.1.5.5.7.48.1 as written in RFC 6960's ASN.1 module, encoded by hand.
        assert_eq!(
            oid_from_str("1.3.6.1.5.5.7.48.1"),
            [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01]
        );
    }

    #[test]
    fn rejects_truncated_and_indefinite() {
        assert!(Reader::new(&[0x30, 0x05, 0x01]).any().is_err());
        assert!(Reader::new(&[0x30, 0x80, 0x00, 0x00]).any().is_err());
        assert!(Reader::new(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0])
            .any()
            .is_err());
        assert!(Reader::new(&[0x30]).any().is_err());
    }

    #[test]
    fn long_lengths() {
        let v = vec![7u8; 300];
        let enc = write(tag::OCTET_STRING, &v);
        assert_eq!(&enc[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let tlv = single(&enc, tag::OCTET_STRING, "x").unwrap();
        assert_eq!(tlv.value, &v[..]);
    }

    #[test]
    fn integers() {
        assert_eq!(integer(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer(&[0x00, 0x00, 0x05]), vec![0x02, 0x01, 0x05]);
    }
}

#[cfg(test)]
mod oid_tests {
    use super::*;

    #[test]
    fn oids_round_trip_and_malformed_ones_are_refused() {
        for dotted in [
            "1.2.840.113549.1.7.2",
            "2.5.29.20",
            "0.9.2342.19200300.100.1.1",
            "2.999.3",
            "1.2.398.3.10.1.1.2.3.2",
            "2.16.840.1.101.3.4.2.1",
        ] {
            assert_eq!(oid_to_string(&oid_from_str(dotted), 0).unwrap(), dotted);
        }
        assert!(oid_to_string(&[], 7).is_err());
        assert!(
            oid_to_string(&[0x2a, 0x86], 7).is_err(),
            "ends inside an arc"
        );
        assert!(
            oid_to_string(&[0x2a, 0x80, 0x01], 7).is_err(),
            "non-minimal arc"
        );
    }
}

//! A small BER reader (X.690): definite and indefinite lengths, constructed OCTET STRINGs,
//! bounded nesting. PKCS#12 files written by Kalkan (NCA RK) and by Java use indefinite
//! lengths inside the authenticated safe, which a strict DER decoder refuses; everything
//! here reads by borrowing slices of the input, and every failure names the structure and
//! the byte offset.

use std::borrow::Cow;

use der::asn1::ObjectIdentifier;

use crate::KeyError;

/// Tag bytes used by PKCS#12 (low-tag-number form only).
pub(crate) mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const OCTET_STRING: u8 = 0x04;
    pub const OCTET_STRING_CONSTRUCTED: u8 = 0x24;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTF8_STRING: u8 = 0x0c;
    pub const BMP_STRING: u8 = 0x1e;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    /// `[0]` constructed (EXPLICIT, or IMPLICIT over a constructed type).
    pub const CONTEXT_0_CONSTRUCTED: u8 = 0xa0;
    /// `[0]` primitive (IMPLICIT OCTET STRING).
    pub const CONTEXT_0_PRIMITIVE: u8 = 0x80;
}

/// One tag-length-value element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The contents (for indefinite lengths: without the end-of-contents octets).
    pub value: &'a [u8],
    /// The whole element as it appears in the input (header + contents [+ EOC]).
    pub raw: &'a [u8],
    /// Absolute offset of `value` in the outermost buffer.
    pub offset: usize,
    depth: usize,
    max_depth: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over the children of this (constructed) element.
    pub fn children(&self, what: &'static str) -> Reader<'a> {
        Reader {
            data: self.value,
            pos: 0,
            base: self.offset,
            depth: self.depth + 1,
            max_depth: self.max_depth,
            what,
        }
    }

    /// Fail unless the tag is `expected`.
    pub fn expect(self, expected: u8, what: &'static str) -> Result<Self, KeyError> {
        if self.tag != expected {
            return Err(KeyError::Malformed {
                what,
                detail: format!(
                    "expected tag 0x{expected:02x}, found 0x{:02x} at byte offset {}",
                    self.tag, self.offset
                ),
            });
        }
        Ok(self)
    }

    /// OCTET STRING contents (primitive, or BER constructed: segments concatenated). Also
    /// accepts an IMPLICIT `[0]` OCTET STRING.
    pub fn octets(&self, what: &'static str) -> Result<Cow<'a, [u8]>, KeyError> {
        match self.tag {
            tag::OCTET_STRING | tag::CONTEXT_0_PRIMITIVE => Ok(Cow::Borrowed(self.value)),
            tag::OCTET_STRING_CONSTRUCTED | tag::CONTEXT_0_CONSTRUCTED => {
                let mut out = Vec::with_capacity(self.value.len());
                let mut r = self.children(what);
                while !r.is_empty() {
                    let seg = r.read()?;
                    if seg.tag != tag::OCTET_STRING && seg.tag != tag::OCTET_STRING_CONSTRUCTED {
                        return Err(KeyError::Malformed {
                            what,
                            detail: format!(
                                "constructed OCTET STRING holds tag 0x{:02x} at byte offset {}",
                                seg.tag, seg.offset
                            ),
                        });
                    }
                    out.extend_from_slice(&seg.octets(what)?);
                }
                Ok(Cow::Owned(out))
            }
            other => Err(KeyError::Malformed {
                what,
                detail: format!(
                    "expected an OCTET STRING, found tag 0x{other:02x} at byte offset {}",
                    self.offset
                ),
            }),
        }
    }

    /// OBJECT IDENTIFIER value.
    pub fn oid(&self, what: &'static str) -> Result<ObjectIdentifier, KeyError> {
        let t = self.expect(tag::OID, what)?;
        ObjectIdentifier::from_bytes(t.value).map_err(|e| KeyError::Malformed {
            what,
            detail: format!("bad OBJECT IDENTIFIER at byte offset {}: {e}", self.offset),
        })
    }

    /// Non-negative INTEGER; values above `u64::MAX` saturate (callers compare them with a
    /// cap, so a 20-byte iteration count is reported as "too many", not as garbage).
    pub fn uint(&self, what: &'static str) -> Result<u64, KeyError> {
        let t = self.expect(tag::INTEGER, what)?;
        let bytes = t.value;
        if bytes.is_empty() || bytes[0] & 0x80 != 0 {
            return Err(KeyError::Malformed {
                what,
                detail: format!(
                    "INTEGER at byte offset {} is empty or negative",
                    self.offset
                ),
            });
        }
        let significant: &[u8] = match bytes.iter().position(|b| *b != 0) {
            Some(p) => &bytes[p..],
            None => &[],
        };
        if significant.len() > 8 {
            return Ok(u64::MAX);
        }
        Ok(significant
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }
}

/// Reads consecutive elements from a buffer.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
    max_depth: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader over a whole buffer.
    pub fn new(data: &'a [u8], what: &'static str, max_depth: usize) -> Self {
        Reader {
            data,
            pos: 0,
            base: 0,
            depth: 0,
            max_depth,
            what,
        }
    }

    /// No more elements.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Read the next element.
    pub fn read(&mut self) -> Result<Tlv<'a>, KeyError> {
        let (tlv, next) = parse(
            self.data,
            self.pos,
            self.base,
            self.depth,
            self.max_depth,
            self.what,
        )?;
        self.pos = next;
        Ok(tlv)
    }

    /// Read the next element and require its tag (checked before the length is read, so
    /// garbage is "malformed", not "truncated"). Running out of input at the top level is
    /// truncation; inside a complete element it is a missing field.
    pub fn read_tag(&mut self, expected: u8) -> Result<Tlv<'a>, KeyError> {
        let what = self.what;
        match self.peek_tag() {
            None if self.depth == 0 => Err(KeyError::Truncated {
                what,
                offset: self.base + self.pos,
            }),
            None => Err(KeyError::Malformed {
                what,
                detail: format!(
                    "expected tag 0x{expected:02x} at byte offset {}, found the end of the structure",
                    self.base + self.pos
                ),
            }),
            Some(t) if t != expected => Err(KeyError::Malformed {
                what,
                detail: format!(
                    "expected tag 0x{expected:02x}, found 0x{t:02x} at byte offset {}",
                    self.base + self.pos
                ),
            }),
            Some(_) => self.read(),
        }
    }

    /// Fail if elements remain.
    pub fn finish(&self) -> Result<(), KeyError> {
        if !self.is_empty() {
            return Err(KeyError::Malformed {
                what: self.what,
                detail: format!("unexpected data at byte offset {}", self.base + self.pos),
            });
        }
        Ok(())
    }
}

/// Parse one element at `pos`; returns it and the position after it.
fn parse<'a>(
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
    max_depth: usize,
    what: &'static str,
) -> Result<(Tlv<'a>, usize), KeyError> {
    if depth > max_depth {
        return Err(KeyError::Malformed {
            what,
            detail: format!("nested deeper than {max_depth} levels"),
        });
    }
    let truncated = |at: usize| KeyError::Truncated {
        what,
        offset: base + at,
    };
    let start = pos;
    let tag_byte = *data.get(pos).ok_or_else(|| truncated(pos))?;
    if tag_byte & 0x1f == 0x1f {
        return Err(KeyError::Malformed {
            what,
            detail: format!(
                "high-tag-number form at byte offset {} is not used by PKCS#12",
                base + pos
            ),
        });
    }
    let constructed = tag_byte & 0x20 != 0;
    let mut p = pos + 1;
    let first = *data.get(p).ok_or_else(|| truncated(p))?;
    p += 1;
    if first == 0x80 {
        if !constructed {
            return Err(KeyError::Malformed {
                what,
                detail: format!(
                    "indefinite length on a primitive element at byte offset {}",
                    base + start
                ),
            });
        }
        let content_start = p;
        loop {
            if p + 1 < data.len() && data[p] == 0 && data[p + 1] == 0 {
                let tlv = Tlv {
                    tag: tag_byte,
                    value: &data[content_start..p],
                    raw: &data[start..p + 2],
                    offset: base + content_start,
                    depth,
                    max_depth,
                };
                return Ok((tlv, p + 2));
            }
            if p >= data.len() {
                return Err(truncated(p));
            }
            let (_, next) = parse(data, p, base, depth + 1, max_depth, what)?;
            p = next;
        }
    }
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n > 4 {
            return Err(KeyError::Malformed {
                what,
                detail: format!("length of {n} octets at byte offset {}", base + start),
            });
        }
        let bytes = data.get(p..p + n).ok_or_else(|| truncated(data.len()))?;
        p += n;
        bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let end = p.checked_add(len).ok_or_else(|| truncated(data.len()))?;
    if end > data.len() {
        return Err(truncated(data.len()));
    }
    let tlv = Tlv {
        tag: tag_byte,
        value: &data[p..end],
        raw: &data[start..end],
        offset: base + p,
        depth,
        max_depth,
    };
    Ok((tlv, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite() {
        // SEQUENCE (indefinite) { INTEGER 5, OCTET STRING (constructed, indefinite) { "ab", "c" } }
        let data = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c',
            0x00, 0x00, 0x00, 0x00,
        ];
        let mut r = Reader::new(&data, "test", 8);
        let seq = r.read_tag(tag::SEQUENCE).unwrap();
        assert!(r.is_empty());
        let mut c = seq.children("test");
        assert_eq!(c.read().unwrap().uint("n").unwrap(), 5);
        assert_eq!(&*c.read().unwrap().octets("o").unwrap(), b"abc");
        c.finish().unwrap();
    }

    #[test]
    fn truncation_is_reported_as_such() {
        let data = [0x30, 0x05, 0x02, 0x01];
        let err = Reader::new(&data, "t", 8).read().unwrap_err();
        assert!(matches!(err, KeyError::Truncated { .. }), "{err:?}");
        let data = [0x30, 0x80, 0x02, 0x01, 0x05];
        let err = Reader::new(&data, "t", 8).read().unwrap_err();
        assert!(matches!(err, KeyError::Truncated { .. }), "{err:?}");
    }

    #[test]
    fn nesting_is_bounded() {
        let mut data = Vec::new();
        for _ in 0..100 {
            data.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..100 {
            data.extend_from_slice(&[0, 0]);
        }
        let err = Reader::new(&data, "t", 32).read().unwrap_err();
        assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
    }

    #[test]
    fn huge_integers_saturate_and_negatives_fail() {
        let big = [0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
        let t = Reader::new(&big, "t", 8).read().unwrap();
        assert_eq!(t.uint("n").unwrap(), u64::MAX);
        let neg = [0x02, 0x01, 0xff];
        let t = Reader::new(&neg, "t", 8).read().unwrap();
        assert!(t.uint("n").is_err());
    }
}

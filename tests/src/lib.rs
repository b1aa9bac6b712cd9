//! Cross-crate and interop tests live in `tests/tests/`; this library holds the small
//! helpers they share.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// A minimal DER walker for tests that pull signed parts out of CMS / OCSP structures
/// (inputs are trusted test artifacts: malformed input panics).
pub mod der {
    /// One DER element at the start of `data`: (tag, the whole TLV, the contents).
    pub fn tlv(data: &[u8]) -> (u8, &[u8], &[u8]) {
        let tag = data[0];
        let (len, hdr) = match data[1] {
            l if l < 0x80 => (l as usize, 2),
            l => {
                let n = (l & 0x7f) as usize;
                let len = data[2..2 + n]
                    .iter()
                    .fold(0usize, |a, b| (a << 8) | *b as usize);
                (len, 2 + n)
            }
        };
        (tag, &data[..hdr + len], &data[hdr..hdr + len])
    }

    /// The elements inside a constructed DER value's contents.
    pub fn children(mut contents: &[u8]) -> Vec<(u8, &[u8], &[u8])> {
        let mut out = Vec::new();
        while !contents.is_empty() {
            let t = tlv(contents);
            contents = &contents[t.1.len()..];
            out.push(t);
        }
        out
    }
}

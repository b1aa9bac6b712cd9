//! Base64 as it appears in XML signatures: lenient decoding, Kalkan-layout and compact encoding.
//!
//! Kalkan (Santuario underneath) wraps base64 at 76 characters with CR LF line ends and
//! serializes the CR as `&#13;`; other producers use LF, spaces or one long line. The
//! decoder therefore ignores every XML whitespace character (space, tab, CR, LF) — after
//! the XML parser has turned `&#13;` into a CR.

use base64::Engine as _;

use crate::DsigError;

/// How base64 text is laid out when tanba writes a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Base64Layout {
    /// Kalkan / Santuario layout: lines of 76 characters separated by CR LF, the CR
    /// written as `&#13;`; when the value spans more than one line the text begins and
    /// ends with a LF.
    #[default]
    Kalkan,
    /// One line, no whitespace (what `kz.gov.pki.knca.basics` and portals that re-parse
    /// signatures cope with best).
    Compact,
}

/// Decodes base64 text, ignoring space, tab, CR and LF anywhere in it.
///
/// `field` names the element for the error message.
pub fn decode_lenient(text: &str, field: &'static str) -> Result<Vec<u8>, DsigError> {
    let engine = &base64::engine::general_purpose::STANDARD;
    let bytes = text.as_bytes();
    let decoded = match strip_xml_space(bytes) {
        Some(cleaned) => engine.decode(&cleaned),
        None => engine.decode(bytes),
    };
    decoded.map_err(|e| DsigError::Base64 {
        field,
        detail: e.to_string(),
    })
}

/// `bytes` without its space, tab, CR and LF bytes; `None` when there are none (compact
/// text is decoded as it is). Eight bytes are tested at a time: base64 text is made of
/// bytes above `0x20`, so a word without a byte `<= 0x20` is copied whole (a byte-by-byte
/// filter cost as much as the decoding itself).
fn strip_xml_space(bytes: &[u8]) -> Option<Vec<u8>> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    // some byte of the 8-byte `word` is < 0x21 (the usual "has a byte less than n" test,
    // n <= 0x80): only such a word can hold whitespace
    let has_low = |word: &[u8]| {
        let w = u64::from_le_bytes(word.try_into().expect("chunks of 8 bytes"));
        w.wrapping_sub(ONES * 0x21) & !w & HIGH != 0
    };
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // The first space, found a word at a time (a signature or certificate is one long
    // line, which a byte-by-byte search would cost almost as much as decoding).
    let mut at = 0;
    let mut words = bytes.chunks_exact(8);
    for word in words.by_ref() {
        if has_low(word) && word.iter().any(|&b| is_space(b)) {
            break;
        }
        at += 8;
    }
    let first = at + bytes[at..].iter().position(|&b| is_space(b))?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first]);
    let rest = &bytes[first..];
    let mut words = rest.chunks_exact(8);
    for word in words.by_ref() {
        if has_low(word) {
            out.extend(word.iter().copied().filter(|&b| !is_space(b)));
        } else {
            out.extend_from_slice(word);
        }
    }
    out.extend(words.remainder().iter().copied().filter(|&b| !is_space(b)));
    Some(out)
}

/// Encodes `data` as XML-escaped base64 text in the given layout, ready to be placed
/// between a start and an end tag.
pub fn encode_xml(data: &[u8], layout: Base64Layout) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    match layout {
        Base64Layout::Compact => b64,
        Base64Layout::Kalkan => {
            if b64.len() <= 76 {
                return b64;
            }
            let mut out = String::with_capacity(b64.len() + b64.len() / 76 * 6 + 2);
            out.push('\n');
            for (i, chunk) in b64.as_bytes().chunks(76).enumerate() {
                if i > 0 {
                    out.push_str("&#13;\n");
                }
                // base64 output is ASCII, so every chunk is valid UTF-8
                out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            }
            out.push('\n');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_decoding_ignores_xml_whitespace() {
        // "hello world" = aGVsbG8gd29ybGQ=
        let with_ws = "\n aGVs\r\nbG8g\td29y\r\nbGQ=\n";
        assert_eq!(
            decode_lenient(with_ws, "DigestValue").unwrap(),
            b"hello world"
        );
    }

    #[test]
    fn whitespace_is_stripped_at_every_position_of_a_word() {
        // every split of a value by each XML whitespace character, at every offset and in
        // runs, gives the same bytes as the compact text
        let data: Vec<u8> = (0..=200u8).collect();
        let compact = encode_xml(&data, Base64Layout::Compact);
        for ws in [" ", "\t", "\r", "\n", "\r\n", " \t\r\n "] {
            for at in 0..=compact.len() {
                let text = format!("{}{ws}{}", &compact[..at], &compact[at..]);
                assert_eq!(
                    decode_lenient(&text, "X509Certificate").unwrap(),
                    data,
                    "{at}"
                );
                let spaced: String = compact.chars().flat_map(|c| [c, ' ']).collect();
                assert_eq!(decode_lenient(&spaced, "X509Certificate").unwrap(), data);
            }
        }
        // control characters below 0x20 that are not XML whitespace are not dropped, in
        // the word-at-a-time part or in the tail
        for at in [0, 5, 17, compact.len() - 1] {
            let text = format!("\n{}\x0b{}", &compact[..at], &compact[at..]);
            assert!(decode_lenient(&text, "X509Certificate").is_err(), "{at}");
        }
        assert_eq!(decode_lenient("", "DigestValue").unwrap(), b"");
        assert_eq!(decode_lenient(" \r\n\t ", "DigestValue").unwrap(), b"");
    }

    #[test]
    fn invalid_base64_names_the_field() {
        let e = decode_lenient("a*b=", "SignatureValue").unwrap_err();
        assert!(matches!(
            e,
            DsigError::Base64 {
                field: "SignatureValue",
                ..
            }
        ));
        assert!(e.to_string().starts_with("SignatureValue"));
        // non-XML whitespace (NBSP) is not silently dropped
        assert!(decode_lenient("aGVs\u{a0}bG8=", "X509Certificate").is_err());
    }

    #[test]
    fn kalkan_layout_wraps_at_76_with_escaped_cr() {
        let data: Vec<u8> = (0..=255u8).collect(); // 256 bytes -> 344 base64 chars
        let text = encode_xml(&data, Base64Layout::Kalkan);
        assert!(text.starts_with('\n') && text.ends_with('\n'));
        let lines: Vec<&str> = text.trim_matches('\n').split("&#13;\n").collect();
        assert_eq!(lines.len(), 5); // 4 x 76 + 40
        assert!(lines[..4].iter().all(|l| l.len() == 76));
        assert_eq!(lines[4].len(), 344 - 4 * 76);
        // what an XML parser hands back: &#13; -> CR
        let parsed = text.replace("&#13;", "\r");
        assert_eq!(decode_lenient(&parsed, "SignatureValue").unwrap(), data);
    }

    #[test]
    fn short_values_stay_on_one_line() {
        let d = [7u8; 32]; // a SHA-256 DigestValue: 44 chars
        assert_eq!(encode_xml(&d, Base64Layout::Kalkan).len(), 44);
        assert_eq!(
            encode_xml(&d, Base64Layout::Kalkan),
            encode_xml(&d, Base64Layout::Compact)
        );
    }

    #[test]
    fn compact_layout_is_one_line() {
        let data = vec![0xabu8; 1000];
        let text = encode_xml(&data, Base64Layout::Compact);
        assert!(!text.contains(['\n', '\r', '&']));
        assert_eq!(decode_lenient(&text, "X509Certificate").unwrap(), data);
    }
}

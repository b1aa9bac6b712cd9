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
    let cleaned: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(&cleaned)
        .map_err(|e| DsigError::Base64 {
            field,
            detail: e.to_string(),
        })
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

//! Input decoding: UTF-8 (BOM tolerated), UTF-16 with BOM, and the legacy single-byte
//! encodings Kazakh systems still emit, declared in the XML declaration.

use encoding_rs::{Encoding, KOI8_R, UTF_16BE, UTF_16LE, WINDOWS_1251};

use crate::error::{Position, XmlError};

/// Decode the raw document bytes into UTF-8 text (without BOM). Reuses the buffer when
/// the input already is UTF-8.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, XmlError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        return utf8(bytes);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return with_encoding_rs(&bytes[2..], UTF_16BE, "UTF-16BE");
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return with_encoding_rs(&bytes[2..], UTF_16LE, "UTF-16LE");
    }
    if bytes.starts_with(&[0x00, 0x3C]) || bytes.starts_with(&[0x3C, 0x00]) {
        return Err(XmlError::UnsupportedEncoding(
            "UTF-16 without byte order mark".into(),
        ));
    }
    match declared_encoding(&bytes) {
        None => utf8(bytes),
        Some(label) => {
            let lower = label.to_ascii_lowercase();
            match lower.as_str() {
                "utf-8" | "utf8" => utf8(bytes),
                "us-ascii" | "ascii" => {
                    if let Some(i) = bytes.iter().position(|&b| b >= 0x80) {
                        let s = String::from_utf8_lossy(&bytes[..i]);
                        return Err(XmlError::InvalidEncoding {
                            at: Position::in_text(&s, s.len()),
                            encoding: "US-ASCII",
                        });
                    }
                    utf8(bytes)
                }
                // encoding_rs maps ISO-8859-1 to windows-1252 (WHATWG); XML means the real
                // Latin-1, where every byte is the code point of the same value.
                "iso-8859-1" | "iso_8859-1" | "latin1" | "l1" | "iso-ir-100" => {
                    Ok(bytes.iter().map(|&b| b as char).collect())
                }
                "windows-1251" | "cp1251" | "x-cp1251" => {
                    with_encoding_rs(&bytes, WINDOWS_1251, "windows-1251")
                }
                "koi8-r" | "koi8_r" | "cskoi8r" => with_encoding_rs(&bytes, KOI8_R, "KOI8-R"),
                "iso-8859-5" | "iso_8859-5" | "cyrillic" | "iso-ir-144" => with_encoding_rs(
                    &bytes,
                    Encoding::for_label(b"iso-8859-5").unwrap_or(WINDOWS_1251),
                    "ISO-8859-5",
                ),
                "utf-16" | "utf-16le" | "utf-16be" => Err(XmlError::UnsupportedEncoding(format!(
                    "{label} without byte order mark"
                ))),
                _ => Err(XmlError::UnsupportedEncoding(label)),
            }
        }
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, XmlError> {
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let s = String::from_utf8_lossy(&bytes[..good]);
        XmlError::InvalidEncoding {
            at: Position::in_text(&s, s.len()),
            encoding: "UTF-8",
        }
    })
}

fn with_encoding_rs(
    bytes: &[u8],
    enc: &'static Encoding,
    name: &'static str,
) -> Result<String, XmlError> {
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok(s.into_owned()),
        None => {
            // Locate the first bad sequence for the message.
            let (s, _) = enc.decode_without_bom_handling(bytes);
            let at = s.find('\u{FFFD}').unwrap_or(s.len());
            Err(XmlError::InvalidEncoding {
                at: Position::in_text(&s, at),
                encoding: name,
            })
        }
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    // `<?xml` followed by whitespace: `<?xml-stylesheet ...?>` is a PI, not a declaration.
    if !bytes.starts_with(b"<?xml") || !matches!(bytes.get(5), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        return None;
    }
    let head = &bytes[..bytes.len().min(512)];
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = &head[..end];
    let i = memchr::memmem::find(decl, b"encoding")?;
    let mut rest = &decl[i + 8..];
    rest = trim_start(rest);
    rest = rest.strip_prefix(b"=")?;
    rest = trim_start(rest);
    let q = *rest.first()?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let close = memchr::memchr(q, &rest[1..])?;
    std::str::from_utf8(&rest[1..1 + close])
        .ok()
        .map(str::to_owned)
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let Some((&c, r)) = s.split_first() {
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            s = r;
        } else {
            break;
        }
    }
    s
}

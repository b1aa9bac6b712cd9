//! Reference expansion (character references, the five predefined entities and — with
//! `allow_dtd` — bounded internal entities), line-end and attribute-value normalization.

use crate::error::{LimitKind, Position, XmlError};
use crate::names::FxMap;

/// Internal general entities declared in the DTD (`allow_dtd` mode only), with the
/// remaining expansion budget.
#[derive(Debug, Default)]
pub(crate) struct Entities {
    pub map: FxMap<String, String>,
    pub budget: usize,
    pub max: usize,
}

const MAX_ENTITY_DEPTH: usize = 16;

/// Is `c` a character XML 1.0 allows in a document (the `Char` production)?
#[inline]
pub(crate) fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Expand `full[start..end]` into `out`.
///
/// `attr` selects attribute-value normalization (literal whitespace becomes a space);
/// otherwise line ends are normalized (`\r\n` and lone `\r` become `\n`).
pub(crate) fn unescape(
    full: &str,
    start: usize,
    end: usize,
    attr: bool,
    entities: Option<&mut Entities>,
    out: &mut String,
) -> Result<(), XmlError> {
    let mut ents = entities;
    expand(
        full,
        &full[start..end],
        start,
        None,
        attr,
        &mut ents,
        out,
        0,
    )
}

#[allow(clippy::too_many_arguments)]
fn expand(
    full: &str,
    raw: &str,
    base: usize,
    // When expanding entity replacement text: the offset of the reference, used for errors.
    at_ref: Option<usize>,
    attr: bool,
    ents: &mut Option<&mut Entities>,
    out: &mut String,
    depth: usize,
) -> Result<(), XmlError> {
    let b = raw.as_bytes();
    let pos = |i: usize| Position::in_text(full, at_ref.unwrap_or(base + i));
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        // Jump to the next byte that needs attention.
        let next = if attr {
            b[i..]
                .iter()
                .position(|&c| matches!(c, b'&' | b'\r' | b'\n' | b'\t'))
        } else {
            memchr::memchr2(b'&', b'\r', &b[i..])
        };
        match next {
            Some(j) => i += j,
            None => break,
        }
        let c = b[i];
        match c {
            b'&' => {
                out.push_str(&raw[last..i]);
                let semi = memchr::memchr(b';', &b[i..])
                    .map(|j| i + j)
                    .ok_or_else(|| XmlError::Malformed {
                        at: pos(i),
                        message: "'&' does not start a reference (escape it as &amp;)".into(),
                    })?;
                let body = &raw[i + 1..semi];
                if let Some(num) = body.strip_prefix('#') {
                    let v = if let Some(hex) = num.strip_prefix('x') {
                        if hex.is_empty() || !hex.bytes().all(|d| d.is_ascii_hexdigit()) {
                            None
                        } else {
                            u32::from_str_radix(hex, 16).ok()
                        }
                    } else if num.is_empty() || !num.bytes().all(|d| d.is_ascii_digit()) {
                        None
                    } else {
                        num.parse::<u32>().ok()
                    };
                    match v.filter(|&v| is_xml_char(v)).and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => {
                            return Err(XmlError::BadCharacterReference {
                                at: pos(i),
                                reference: raw[i..=semi].to_owned(),
                            })
                        }
                    }
                } else {
                    match body {
                        "lt" => out.push('<'),
                        "gt" => out.push('>'),
                        "amp" => out.push('&'),
                        "apos" => out.push('\''),
                        "quot" => out.push('"'),
                        _ => {
                            let repl = ents.as_ref().and_then(|e| e.map.get(body)).cloned();
                            let Some(repl) = repl else {
                                if body.is_empty() || !crate::parser::is_name(body) {
                                    return Err(XmlError::Malformed {
                                        at: pos(i),
                                        message:
                                            "'&' does not start a reference (escape it as &amp;)"
                                                .into(),
                                    });
                                }
                                return Err(XmlError::UndefinedEntity {
                                    at: pos(i),
                                    name: body.to_owned(),
                                });
                            };
                            let e = ents.as_mut().expect("entities present when found");
                            if depth >= MAX_ENTITY_DEPTH || repl.len() > e.budget {
                                return Err(XmlError::LimitExceeded {
                                    at: pos(i),
                                    limit: LimitKind::EntityExpansion,
                                    max: e.max,
                                });
                            }
                            e.budget -= repl.len();
                            if repl.contains('<') {
                                return Err(XmlError::DtdNotAllowed {
                                    at: pos(i),
                                    message: format!("entity `{body}` contains markup"),
                                });
                            }
                            let r = at_ref.unwrap_or(base + i);
                            expand(full, &repl, 0, Some(r), attr, ents, out, depth + 1)?;
                        }
                    }
                }
                i = semi + 1;
                last = i;
            }
            b'\r' => {
                out.push_str(&raw[last..i]);
                out.push(if attr { ' ' } else { '\n' });
                i += 1;
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
                last = i;
            }
            b'\n' | b'\t' if attr => {
                out.push_str(&raw[last..i]);
                out.push(' ');
                i += 1;
                last = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&raw[last..]);
    Ok(())
}

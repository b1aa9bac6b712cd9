//! The typed error of this crate: what is wrong and where (line:column in the source).

use std::fmt;

/// A place in the source document.
///
/// `offset` is a byte offset into the *decoded UTF-8 text* ([`crate::Document::source`]);
/// `line` and `column` are 1-based and count characters, so they match what an editor shows
/// for the original file whatever its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// Byte offset in the decoded UTF-8 text.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text length).
    pub fn in_text(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let bytes = &text.as_bytes()[..offset];
        let line = 1 + memchr::memchr_iter(b'\n', bytes).count();
        let line_start = memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
        // Count characters, not bytes: every byte that does not continue a UTF-8 sequence.
        let column = 1 + bytes[line_start..]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        Position {
            offset,
            line,
            column,
        }
    }
}

/// Positions of many offsets in one text without rescanning it from the start each time:
/// one pass records the line and column at every [`PositionIndex::BLOCK`]-byte checkpoint,
/// then each lookup scans at most one block. Built on first use by
/// [`crate::Document::position`].
#[derive(Debug)]
pub(crate) struct PositionIndex {
    /// For checkpoint `k` (offset `k * BLOCK`): its line and the characters before it on
    /// that line.
    marks: Vec<(usize, usize)>,
}

impl PositionIndex {
    const BLOCK: usize = 4096;

    pub(crate) fn new(text: &str) -> PositionIndex {
        let bytes = text.as_bytes();
        let mut marks = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let (mut line, mut column) = (1usize, 0usize);
        for chunk in bytes.chunks(Self::BLOCK) {
            marks.push((line, column));
            match memchr::memrchr(b'\n', chunk) {
                Some(last) => {
                    line += memchr::memchr_iter(b'\n', chunk).count();
                    column = count_chars(&chunk[last + 1..]);
                }
                None => column += count_chars(chunk),
            }
        }
        if marks.is_empty() {
            marks.push((1, 0));
        }
        PositionIndex { marks }
    }

    /// The position of byte `offset` in `text` (the text the index was built over), as
    /// [`Position::in_text`] computes it.
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let k = (offset / Self::BLOCK).min(self.marks.len() - 1);
        let (line0, column0) = self.marks[k];
        let rest = &text.as_bytes()[k * Self::BLOCK..offset];
        let (line, column) = match memchr::memrchr(b'\n', rest) {
            Some(last) => (
                line0 + memchr::memchr_iter(b'\n', rest).count(),
                1 + count_chars(&rest[last + 1..]),
            ),
            None => (line0, 1 + column0 + count_chars(rest)),
        };
        Position {
            offset,
            line,
            column,
        }
    }
}

/// Characters in UTF-8 `bytes`: every byte that does not continue a sequence.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index agrees with the direct scan at every offset of texts with long lines,
    /// many lines, multi-byte characters across block boundaries, and none of either.
    #[test]
    fn the_index_agrees_with_the_direct_scan_everywhere() {
        let mut texts = vec![
            String::new(),
            "a".repeat(10_000),
            "ж\n".repeat(5_000),
            "x\n".repeat(3),
        ];
        let mut mixed = String::new();
        for i in 0..3_000 {
            mixed.push_str(if i % 7 == 0 { "\n" } else { "жa€😀" });
        }
        texts.push(mixed);
        for t in &texts {
            let index = PositionIndex::new(t);
            for offset in (0..=t.len() + 2).step_by(1 + t.len() / 5_000) {
                assert_eq!(
                    index.position(t, offset),
                    Position::in_text(t, offset),
                    "offset {offset} of a {}-byte text",
                    t.len()
                );
            }
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Which configured limit a document exceeded (see [`crate::Limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// Total input size in bytes.
    TotalSize,
    /// Element nesting depth.
    Depth,
    /// Attributes (namespace declarations included) on one element.
    AttributesPerElement,
    /// Length of an element or attribute name, in bytes.
    NameLength,
    /// Length of one text node (or attribute value), in bytes.
    TextLength,
    /// Namespace declarations on one element.
    NamespaceDeclarations,
    /// Total bytes produced by expanding internal entities (`allow_dtd` mode only).
    EntityExpansion,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::TotalSize => "total document size",
            LimitKind::Depth => "element nesting depth",
            LimitKind::AttributesPerElement => "attributes per element",
            LimitKind::NameLength => "name length",
            LimitKind::TextLength => "text length",
            LimitKind::NamespaceDeclarations => "namespace declarations per element",
            LimitKind::EntityExpansion => "entity expansion size",
        })
    }
}

/// Everything that can go wrong while parsing, looking up Ids or canonicalizing.
///
/// Errors tied to a place in the document carry a [`Position`]; `Display` then starts with
/// `line:column: `, so a caller can print `file:{error}` to get `file:line:column: message`.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    /// The document is not well-formed XML (or not namespace-well-formed).
    #[error("{at}: malformed XML: {message}")]
    Malformed {
        /// Where.
        at: Position,
        /// What is wrong.
        message: String,
    },
    /// A namespace prefix is used but not declared.
    #[error("{at}: undeclared namespace prefix `{prefix}`")]
    UndeclaredPrefix {
        /// Where.
        at: Position,
        /// The prefix.
        prefix: String,
    },
    /// The same attribute (by qualified or by expanded name) appears twice on an element.
    #[error("{at}: duplicate attribute `{name}`")]
    DuplicateAttribute {
        /// Where (the second occurrence).
        at: Position,
        /// The attribute name.
        name: String,
    },
    /// A character reference is malformed or names a character XML does not allow.
    #[error("{at}: bad character reference `{reference}`")]
    BadCharacterReference {
        /// Where.
        at: Position,
        /// The reference as written.
        reference: String,
    },
    /// A reference to an entity that is not defined (or not allowed in this mode).
    #[error("{at}: undefined entity `&{name};`")]
    UndefinedEntity {
        /// Where.
        at: Position,
        /// The entity name.
        name: String,
    },
    /// A DOCTYPE construct that this parser refuses (entity declarations without
    /// `allow_dtd`, external subsets and external entities always).
    #[error("{at}: DTD construct not allowed: {message}")]
    DtdNotAllowed {
        /// Where.
        at: Position,
        /// What was found.
        message: String,
    },
    /// A configured limit was exceeded.
    #[error("{at}: limit exceeded: {limit} (maximum {max})")]
    LimitExceeded {
        /// Where.
        at: Position,
        /// Which limit.
        limit: LimitKind,
        /// The configured maximum.
        max: usize,
    },
    /// The input bytes are not valid in the document's encoding.
    #[error("{at}: invalid byte sequence for encoding {encoding}")]
    InvalidEncoding {
        /// Where (as far as it could be decoded).
        at: Position,
        /// The encoding name.
        encoding: &'static str,
    },
    /// The XML declaration names an encoding this parser does not support.
    #[error("1:1: unsupported encoding `{0}` (supported: UTF-8, UTF-16 with BOM, windows-1251, KOI8-R, ISO-8859-1, ISO-8859-5, US-ASCII)")]
    UnsupportedEncoding(String),
    /// Two different elements carry the same Id value (a possible signature-wrapping attack).
    #[error("{second}: duplicate Id `{id}` (also at {first})")]
    DuplicateId {
        /// The Id value.
        id: String,
        /// The first element carrying it.
        first: Position,
        /// The second element carrying it.
        second: Position,
    },
    /// A canonicalization request that does not fit the document (e.g. an apex that is
    /// not an element).
    #[error("invalid canonicalization request: {0}")]
    InvalidRequest(String),
    /// Writing the canonical output failed.
    #[error("cannot write canonical output: {0}")]
    Io(#[from] std::io::Error),
}

impl XmlError {
    /// The position in the document the error refers to, if any.
    pub fn position(&self) -> Option<Position> {
        match self {
            XmlError::Malformed { at, .. }
            | XmlError::UndeclaredPrefix { at, .. }
            | XmlError::DuplicateAttribute { at, .. }
            | XmlError::BadCharacterReference { at, .. }
            | XmlError::UndefinedEntity { at, .. }
            | XmlError::DtdNotAllowed { at, .. }
            | XmlError::LimitExceeded { at, .. }
            | XmlError::InvalidEncoding { at, .. } => Some(*at),
            XmlError::DuplicateId { second, .. } => Some(*second),
            XmlError::UnsupportedEncoding(_) => Some(Position {
                offset: 0,
                line: 1,
                column: 1,
            }),
            XmlError::InvalidRequest(_) | XmlError::Io(_) => None,
        }
    }
}

//! Splitting the decoded text into markup and character-data tokens.
//!
//! The lexer only finds where each token starts and ends and what kind it is; the
//! builder (`parser.rs`) lexes names and attributes inside start tags, matches end tags,
//! expands references and applies every well-formedness and namespace rule. Tokens are
//! byte ranges of the text, so nothing is copied.

/// What a token is. Ranges are in the text; `start` is the `<` of markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// Character data up to the next `<` (or the end); `refs` when it holds a `&`.
    Text {
        /// Whether the run holds an `&` (references to expand or reject).
        refs: bool,
    },
    /// `<name ...>`; the name is the `name_len` bytes after `<`, up to whitespace, `/`
    /// or `>`.
    Start {
        /// Length of the element name.
        name_len: usize,
    },
    /// `<name .../>`.
    Empty {
        /// Length of the element name.
        name_len: usize,
    },
    /// `</name>` (the name is `name_start..name_end`; whitespace before `>` allowed).
    End {
        /// Start of the name.
        name_start: usize,
        /// End of the name.
        name_end: usize,
    },
    /// `<![CDATA[...]]>`.
    CData,
    /// `<!--...-->` (no `--` inside).
    Comment,
    /// `<?target ...?>` other than the XML declaration.
    Pi,
    /// `<?xml ...?>`.
    Decl,
    /// `<!DOCTYPE ...>`, internal subset included.
    DocType,
    /// The end of the text.
    Eof,
}

/// A lexing error: where and what.
pub(crate) struct LexError {
    pub at: usize,
    pub message: &'static str,
}

/// Character data shorter than this is scanned byte by byte.
const SHORT_SCAN: usize = 32;

fn err<T>(at: usize, message: &'static str) -> Result<T, LexError> {
    Err(LexError { at, message })
}

/// XML white space (`S`): space, tab, CR, LF.
#[inline]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A cursor over the text.
pub(crate) struct Lexer<'t> {
    b: &'t [u8],
    pos: usize,
}

impl<'t> Lexer<'t> {
    pub fn new(text: &'t str) -> Self {
        Lexer {
            b: text.as_bytes(),
            pos: 0,
        }
    }

    /// The next token and its range `start..end`.
    #[inline(always)]
    pub fn next_token(&mut self) -> Result<(Token, usize, usize), LexError> {
        let b = self.b;
        let s = self.pos;
        if s >= b.len() {
            return Ok((Token::Eof, s, s));
        }
        if b[s] != b'<' {
            // Most runs of character data are short (a value between two tags): a byte
            // loop finds their end and any '&' faster than two memchr calls; long runs
            // (base64 blocks) continue with memchr.
            let mut i = s;
            let mut refs = false;
            let short_end = b.len().min(s + SHORT_SCAN);
            while i < short_end && b[i] != b'<' {
                refs |= b[i] == b'&';
                i += 1;
            }
            let e = if i < short_end || i == b.len() {
                i
            } else {
                let e = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |j| i + j);
                refs = refs || memchr::memchr(b'&', &b[i..e]).is_some();
                e
            };
            self.pos = e;
            return Ok((Token::Text { refs }, s, e));
        }
        let (tok, e) = match b.get(s + 1) {
            Some(b'/') => self.end_tag(s)?,
            Some(b'?') => self.pi(s)?,
            Some(b'!') => self.bang(s)?,
            _ => self.start_tag(s)?,
        };
        self.pos = e;
        Ok((tok, s, e))
    }

    #[inline]
    fn end_tag(&self, s: usize) -> Result<(Token, usize), LexError> {
        let b = self.b;
        let name_start = s + 2;
        let mut i = name_start;
        while i < b.len() && !is_ws(b[i]) && b[i] != b'>' && b[i] != b'<' {
            i += 1;
        }
        let name_end = i;
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => err(s, "unexpected end of document in an end tag"),
            Some(b'>') if name_end > name_start => Ok((
                Token::End {
                    name_start,
                    name_end,
                },
                i + 1,
            )),
            Some(b'>') => err(s, "end tag without a name"),
            Some(_) => err(i, "malformed end tag: expected '>' after the element name"),
        }
    }

    fn pi(&self, s: usize) -> Result<(Token, usize), LexError> {
        let b = self.b;
        let close = memchr::memmem::find(&b[s + 2..], b"?>").ok_or(LexError {
            at: s,
            message: "unterminated processing instruction (no '?>')",
        })?;
        let e = s + 2 + close + 2;
        let content = &b[s + 2..e - 2];
        let target_len = content
            .iter()
            .position(|&c| is_ws(c))
            .unwrap_or(content.len());
        let tok = if &content[..target_len] == b"xml" {
            Token::Decl
        } else {
            Token::Pi
        };
        Ok((tok, e))
    }

    fn bang(&self, s: usize) -> Result<(Token, usize), LexError> {
        let b = self.b;
        let rest = &b[s..];
        if rest.starts_with(b"<!--") {
            let close = memchr::memmem::find(&b[s + 4..], b"-->").ok_or(LexError {
                at: s,
                message: "unterminated comment (no '-->')",
            })?;
            let content = &b[s + 4..s + 4 + close];
            if let Some(i) = memchr::memmem::find(content, b"--") {
                return err(s + 4 + i, "'--' is not allowed inside a comment");
            }
            Ok((Token::Comment, s + 4 + close + 3))
        } else if rest.starts_with(b"<![CDATA[") {
            let close = memchr::memmem::find(&b[s + 9..], b"]]>").ok_or(LexError {
                at: s,
                message: "unterminated CDATA section (no ']]>')",
            })?;
            Ok((Token::CData, s + 9 + close + 3))
        } else if rest.starts_with(b"<!DOCTYPE") {
            Ok((Token::DocType, self.doctype_end(s)?))
        } else {
            err(
                s,
                "unexpected markup declaration (only comments, CDATA sections and a DOCTYPE start with '<!')",
            )
        }
    }

    /// The end (after `>`) of the DOCTYPE at `s`: quoted literals may hold `>` and `]`;
    /// the internal subset `[...]` may hold markup declarations, comments and PIs.
    fn doctype_end(&self, s: usize) -> Result<usize, LexError> {
        let b = self.b;
        let mut i = s + "<!DOCTYPE".len();
        let mut in_subset = false;
        while i < b.len() {
            match b[i] {
                q @ (b'"' | b'\'') => {
                    let close = memchr::memchr(q, &b[i + 1..]).ok_or(LexError {
                        at: i,
                        message: "unterminated quoted literal in the DOCTYPE",
                    })?;
                    i += 1 + close + 1;
                }
                b'<' if in_subset && b[i..].starts_with(b"<!--") => {
                    let close = memchr::memmem::find(&b[i + 4..], b"-->").ok_or(LexError {
                        at: i,
                        message: "unterminated comment in the DOCTYPE",
                    })?;
                    i += 4 + close + 3;
                }
                b'<' if in_subset && b[i..].starts_with(b"<?") => {
                    let close = memchr::memmem::find(&b[i + 2..], b"?>").ok_or(LexError {
                        at: i,
                        message: "unterminated processing instruction in the DOCTYPE",
                    })?;
                    i += 2 + close + 2;
                }
                b'[' if !in_subset => {
                    in_subset = true;
                    i += 1;
                }
                b']' if in_subset => {
                    in_subset = false;
                    i += 1;
                }
                b'>' if !in_subset => return Ok(i + 1),
                _ => i += 1,
            }
        }
        err(s, "unterminated DOCTYPE")
    }

    #[inline]
    fn start_tag(&self, s: usize) -> Result<(Token, usize), LexError> {
        let b = self.b;
        let mut name_end = s + 1;
        while name_end < b.len() && !is_ws(b[name_end]) && !matches!(b[name_end], b'/' | b'>') {
            name_end += 1;
        }
        // The closing '>' outside quoted attribute values: a byte loop for the usual short
        // tag without attributes, memchr otherwise.
        let mut i = name_end;
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        let e = match (b.get(i), b.get(i + 1)) {
            (Some(b'>'), _) => i + 1,
            (Some(b'/'), Some(b'>')) => i + 2,
            _ => loop {
                let Some(j) = memchr::memchr3(b'>', b'"', b'\'', &b[i..]) else {
                    return err(s, "unexpected end of document in a start tag");
                };
                i += j;
                if b[i] == b'>' {
                    break i + 1;
                }
                let close = memchr::memchr(b[i], &b[i + 1..]).ok_or(LexError {
                    at: i,
                    message: "unterminated attribute value",
                })?;
                i += 1 + close + 1;
            },
        };
        let name_len = name_end - (s + 1);
        if e >= s + 3 && b[e - 2] == b'/' {
            Ok((Token::Empty { name_len }, e))
        } else {
            Ok((Token::Start { name_len }, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<(Token, &str)>, (usize, &'static str)> {
        let mut l = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let (t, s, e) = l.next_token().map_err(|e| (e.at, e.message))?;
            if t == Token::Eof {
                return Ok(out);
            }
            out.push((t, &text[s..e]));
        }
    }

    #[test]
    fn splits_every_kind_of_token() {
        let doc = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ATTLIST a id ID #IMPLIED><!-- ]> -->]>\
                   <a x='>'  y=\"/>\">t&amp;<b/><![CDATA[<c>]]><!--k--><?p d?></a >";
        let t = tokens(doc).unwrap();
        let kinds: Vec<Token> = t.iter().map(|x| x.0).collect();
        assert_eq!(
            kinds,
            vec![
                Token::Decl,
                Token::DocType,
                Token::Start { name_len: 1 },
                Token::Text { refs: true },
                Token::Empty { name_len: 1 },
                Token::CData,
                Token::Comment,
                Token::Pi,
                Token::End {
                    name_start: doc.len() - 3,
                    name_end: doc.len() - 2
                },
            ]
        );
        assert_eq!(
            t[1].1,
            "<!DOCTYPE a [<!ATTLIST a id ID #IMPLIED><!-- ]> -->]>"
        );
        assert_eq!(t[2].1, "<a x='>'  y=\"/>\">");
        assert_eq!(t[3].1, "t&amp;");
    }

    #[test]
    fn reports_unterminated_and_malformed_markup_with_its_offset() {
        assert_eq!(tokens("<a").unwrap_err().0, 0);
        assert_eq!(tokens("<a b='>").unwrap_err().0, 5);
        assert_eq!(tokens("<a></a").unwrap_err().0, 3);
        assert_eq!(tokens("<a></a b>").unwrap_err().0, 7);
        assert_eq!(tokens("<a></>").unwrap_err().0, 3);
        assert_eq!(tokens("<a><!-- x -- y --></a>").unwrap_err().0, 10);
        assert_eq!(tokens("<a><!-- x").unwrap_err().0, 3);
        assert_eq!(tokens("<a><![CDATA[ x").unwrap_err().0, 3);
        assert_eq!(tokens("<a><?p x").unwrap_err().0, 3);
        assert_eq!(tokens("<a><!ELEMENT a ANY></a>").unwrap_err().0, 3);
        assert_eq!(tokens("<!DOCTYPE a [ <!-- ").unwrap_err().0, 14);
        assert_eq!(tokens("<!DOCTYPE a [ ]").unwrap_err().0, 0);
        assert!(tokens("<!DOCTYPE a SYSTEM 'x>y'><a/>").is_ok());
    }
}

//! Building the tree from the lexer's tokens: well-formedness and namespace checks, limits,
//! DTD policy, reference expansion.

use std::borrow::Cow;

use crate::dtd::{parse_doctype, Dtd};
use crate::error::{LimitKind, Position, XmlError};
use crate::escape::{unescape, Entities};
use crate::lexer::{is_ws, Lexer, Token};
use crate::limits::ParseOptions;
use crate::names::{Names, EMPTY, XMLNS_NS, XML_NS};
use crate::tree::*;

/// What is wrong with an XML declaration, for the error message.
#[derive(Debug)]
struct DeclError(String);

impl From<String> for DeclError {
    fn from(what: String) -> Self {
        DeclError(what)
    }
}

impl std::fmt::Display for DeclError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks the XML declaration whose content after `<?xml` (up to `?>`) is `decl`, as the
/// grammar requires (XML 1.0 §2.8, §4.3.3, §2.9):
/// `S version Eq "1.0|1.1" (S encoding Eq "EncName")? (S standalone Eq "yes|no")? S?`.
/// Returns what is wrong, for the error message.
fn check_xml_decl(decl: &str) -> Result<(), DeclError> {
    fn ws(s: &str) -> &str {
        s.trim_start_matches([' ', '\t', '\r', '\n'])
    }
    // `S name Eq quoted` at the start of `rest`; returns (value, rest after the value)
    fn pseudo<'a>(rest: &'a str, name: &str) -> Result<Option<(&'a str, &'a str)>, DeclError> {
        let after_ws = ws(rest);
        if after_ws.len() == rest.len() {
            return Ok(None);
        }
        let Some(r) = after_ws.strip_prefix(name) else {
            return Ok(None);
        };
        let r = ws(r)
            .strip_prefix('=')
            .ok_or_else(|| format!("`{name}` must be followed by `=`"))?;
        let r = ws(r);
        let q = r
            .chars()
            .next()
            .filter(|&c| c == '"' || c == '\'')
            .ok_or_else(|| format!("the value of `{name}` must be quoted"))?;
        let close = r[1..]
            .find(q)
            .ok_or_else(|| format!("the value of `{name}` has no closing quote"))?;
        Ok(Some((&r[1..1 + close], &r[1 + close + 1..])))
    }
    let (version, mut rest) = pseudo(decl, "version")?
        .ok_or_else(|| "missing XML version (`<?xml version=\"1.0\"`)".to_owned())?;
    if !matches!(version, "1.0" | "1.1") {
        return Err(DeclError(format!("unsupported XML version {version:?}")));
    }
    if let Some((enc, r)) = pseudo(rest, "encoding")? {
        let b = enc.as_bytes();
        let ok = b.first().is_some_and(u8::is_ascii_alphabetic)
            && b[1..]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
        if !ok {
            return Err(DeclError(format!("{enc:?} is not an encoding name")));
        }
        rest = r;
    }
    if let Some((sd, r)) = pseudo(rest, "standalone")? {
        if !matches!(sd, "yes" | "no") {
            return Err(DeclError(format!(
                "standalone must be \"yes\" or \"no\", not {sd:?}"
            )));
        }
        rest = r;
    }
    let tail = ws(rest);
    if !tail.is_empty() {
        let what: String = tail.chars().take(20).collect();
        return Err(DeclError(format!(
            "unexpected {what:?} (after version, only encoding and then standalone may follow)"
        )));
    }
    Ok(())
}

/// Is `s` an XML `Name`?
pub(crate) fn is_name(s: &str) -> bool {
    // ASCII names (nearly all of them) by a byte test; anything else by characters.
    let b = s.as_bytes();
    match b.first() {
        Some(&c) if c == b':' || c == b'_' || c.is_ascii_alphabetic() => {}
        Some(&c) if c >= 0x80 => return is_name_chars(s),
        _ => return false,
    }
    for &c in &b[1..] {
        if c >= 0x80 {
            return is_name_chars(s);
        }
        if !(matches!(c, b':' | b'_' | b'-' | b'.') || c.is_ascii_alphanumeric()) {
            return false;
        }
    }
    true
}

fn is_name_chars(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_name_start(c) => chars.all(is_name_char),
        _ => false,
    }
}

#[inline]
fn is_name_start(c: char) -> bool {
    matches!(c, ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

#[inline]
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

struct Open {
    node: u32,
    last_child: u32,
    ns_mark: usize,
    /// The element's qualified name in the source (start, end), for the end tag check.
    name: (u32, u32),
    /// The default namespace in scope outside this element.
    outer_default_ns: u32,
}

struct RawAttr<'t> {
    qname: Cow<'t, str>,
    /// Interned (qname, prefix, local).
    q: (u32, u32, u32),
    /// Value range in the source; `None` for a DTD default (value in `default`).
    range: Option<(usize, usize)>,
    default: Option<String>,
    pos: usize,
}

struct Builder<'t> {
    text: &'t str,
    opts: &'t ParseOptions,
    nodes: Vec<Node>,
    attrs: Vec<Attr>,
    owned: String,
    names: Names,
    stack: Vec<Open>,
    ns: Vec<(u32, u32)>,
    /// The default namespace in scope (`EMPTY` when none): the binding of every
    /// unprefixed element name, kept here instead of searched for in `ns`.
    default_ns: u32,
    last_top: u32,
    root: u32,
    root_closed: bool,
    dtd: Option<Dtd>,
    entities: Option<Entities>,
    run: Option<(usize, usize, bool)>,
    xmlns_sym: u32,
    xml_sym: u32,
    xml_ns: u32,
    scratch: String,
    raw_buf: Vec<RawAttr<'t>>,
    /// Whether the document contains a CR anywhere (one scan up front saves a search
    /// per text run on the usual LF-only documents).
    any_cr: bool,
    /// Whether the document contains `]]>` anywhere (a CDATA end, or an error in text).
    any_cdata_end: bool,
}

pub(crate) fn build(text: String, opts: &ParseOptions) -> Result<Document, XmlError> {
    let scan = check_chars(&text)?;
    if text.starts_with('\u{FEFF}') {
        return Err(XmlError::Malformed {
            at: Position::in_text(&text, 0),
            message: "a second byte order mark (U+FEFF) at the start of the document".into(),
        });
    }
    let parts = {
        let mut b = Builder::new(&text, opts, scan);
        b.run()?;
        (b.nodes, b.attrs, b.owned, b.names, b.root)
    };
    let (nodes, attrs, owned, names, root) = parts;
    Ok(Document {
        text,
        nodes,
        attrs,
        owned,
        names,
        root,
        positions: std::sync::OnceLock::new(),
    })
}

/// What one pass over the whole text found, besides characters XML forbids.
struct Scan {
    /// A CR anywhere (line ends to normalize).
    any_cr: bool,
    /// A `]` anywhere (a `]]>` is possible).
    any_rbracket: bool,
}

/// Reject characters XML 1.0 does not allow anywhere (C0 controls other than tab, LF, CR;
/// U+FFFE and U+FFFF), noting on the way whether the text holds a CR or a `]`.
fn check_chars(text: &str) -> Result<Scan, XmlError> {
    let b = text.as_bytes();
    let bad_byte = |c: u8| c < 0x20 && c != b'\t' && c != b'\n' && c != b'\r';
    // One branch-free pass per chunk (vectorizes); locate precisely only on a hit.
    let mut flags = 0u8;
    for chunk in b.chunks(64) {
        flags |= chunk.iter().fold(0u8, |acc, &c| {
            acc | u8::from(bad_byte(c))
                | (u8::from(c == b'\r') << 1)
                | (u8::from(c == b']') << 2)
                | (u8::from(c == 0xEF) << 3)
        });
    }
    let (bad, cr, rb, ef) = (
        flags & 1 != 0,
        flags & 2 != 0,
        flags & 4 != 0,
        flags & 8 != 0,
    );
    if bad {
        let i = b.iter().position(|&c| bad_byte(c)).unwrap_or(0);
        return Err(XmlError::Malformed {
            at: Position::in_text(text, i),
            message: format!("character U+{:04X} is not allowed in XML", b[i]),
        });
    }
    if ef {
        for bad in ["\u{FFFE}", "\u{FFFF}"] {
            if let Some(i) = memchr::memmem::find(b, bad.as_bytes()) {
                return Err(XmlError::Malformed {
                    at: Position::in_text(text, i),
                    message: "character U+FFFE/U+FFFF is not allowed in XML".into(),
                });
            }
        }
    }
    Ok(Scan {
        any_cr: cr,
        any_rbracket: rb,
    })
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, opts: &'t ParseOptions, scan: Scan) -> Self {
        let mut names = Names::new();
        let xml_sym = names.intern("xml");
        let xml_ns = names.intern(XML_NS);
        let xmlns_sym = names.intern("xmlns");
        // Every node except text starts with '<', and text nodes sit between markup, so
        // this bounds the node count; untouched capacity costs no resident memory.
        // A node takes at least ~4 source bytes on average (`<a/>`, `<a>b</a>`); capacity
        // that is never touched costs no resident memory, and growth is amortized anyway.
        let mut nodes = Vec::with_capacity(text.len() / 16 + 16);
        nodes.push(Node {
            parent: NONE,
            next: NONE,
            start: 0,
            end: text.len() as u32,
            a: 0,
            b: 0,
            meta: K_DOCUMENT,
        });
        Builder {
            text,
            opts,
            nodes,
            // Rough upper bounds from the input size (untouched capacity stays virtual);
            // saves the early growth steps that dominate small documents.
            attrs: Vec::with_capacity(text.len() / 32 + 8),
            owned: String::with_capacity(text.len() / 16 + 64),
            names,
            stack: Vec::with_capacity(32),
            ns: vec![(xml_sym, xml_ns)],
            default_ns: EMPTY,
            last_top: NONE,
            root: NONE,
            root_closed: false,
            dtd: None,
            entities: None,
            run: None,
            xmlns_sym,
            xml_sym,
            xml_ns,
            scratch: String::new(),
            raw_buf: Vec::new(),
            any_cr: scan.any_cr,
            any_cdata_end: scan.any_rbracket
                && memchr::memmem::find(text.as_bytes(), b"]]>").is_some(),
        }
    }

    fn pos(&self, off: usize) -> Position {
        Position::in_text(self.text, off)
    }

    fn malformed(&self, off: usize, message: impl Into<String>) -> XmlError {
        XmlError::Malformed {
            at: self.pos(off),
            message: message.into(),
        }
    }

    fn limit(&self, off: usize, limit: LimitKind, max: usize) -> XmlError {
        XmlError::LimitExceeded {
            at: self.pos(off),
            limit,
            max,
        }
    }

    fn run(&mut self) -> Result<(), XmlError> {
        let text = self.text;
        let mut lexer = Lexer::new(text);
        let mut seen_doctype = false;
        loop {
            let (tok, before, after) = lexer
                .next_token()
                .map_err(|e| self.malformed(e.at, e.message))?;
            match tok {
                Token::Text { refs } => {
                    if self.stack.is_empty() {
                        if let Some(i) = text.as_bytes()[before..after]
                            .iter()
                            .position(|&c| !is_ws(c))
                        {
                            return Err(self.malformed(before + i, "text outside the root element"));
                        }
                    } else {
                        self.extend_run(before, after, refs);
                    }
                }
                Token::Start { name_len } | Token::Empty { name_len } => {
                    let empty = matches!(tok, Token::Empty { .. });
                    self.flush()?;
                    self.start(before, after, empty, name_len)?;
                }
                Token::End {
                    name_start,
                    name_end,
                } => {
                    self.flush()?;
                    let open = self
                        .stack
                        .pop()
                        .ok_or_else(|| self.malformed(before, "end tag without start tag"))?;
                    let open_name = &text.as_bytes()[open.name.0 as usize..open.name.1 as usize];
                    let end_name = &text.as_bytes()[name_start..name_end];
                    if !crate::names::eq_short(open_name, end_name) {
                        let node = self.nodes[open.node as usize];
                        let open_name = &text[open.name.0 as usize..open.name.1 as usize];
                        let end_name = &text[name_start..name_end];
                        return Err(self.malformed(
                            before,
                            format!(
                                "end tag </{end_name}> does not match start tag <{open_name}> opened at {}",
                                self.pos(node.start as usize)
                            ),
                        ));
                    }
                    self.ns.truncate(open.ns_mark);
                    self.default_ns = open.outer_default_ns;
                    self.nodes[open.node as usize].end = after as u32;
                    if self.stack.is_empty() {
                        self.root_closed = true;
                    }
                }
                Token::CData => {
                    if self.stack.is_empty() {
                        return Err(
                            self.malformed(before, "CDATA section outside the root element")
                        );
                    }
                    self.flush()?;
                    self.char_node(K_CDATA, before, after, before + 9, after - 3)?;
                }
                Token::Comment => {
                    self.flush()?;
                    if text.as_bytes()[before + 4..after - 3].ends_with(b"-") {
                        return Err(self.malformed(before, "comment must not end with '-'"));
                    }
                    self.char_node(K_COMMENT, before, after, before + 4, after - 3)?;
                }
                Token::Pi => {
                    self.flush()?;
                    let content = &text[before + 2..after - 2];
                    let target_len = content.bytes().position(is_ws).unwrap_or(content.len());
                    let target = &content[..target_len];
                    if !is_name(target) || target.contains(':') {
                        return Err(
                            self.malformed(before + 2, "invalid processing-instruction target")
                        );
                    }
                    if target.eq_ignore_ascii_case("xml") {
                        return Err(self.malformed(
                            before,
                            "the XML declaration is only allowed at the very start of the document",
                        ));
                    }
                    self.char_node(K_PI, before, after, before + 2, after - 2)?;
                }
                Token::Decl => {
                    if before != 0 {
                        return Err(self.malformed(
                            before,
                            "the XML declaration is only allowed at the very start of the document",
                        ));
                    }
                    if let Err(what) = check_xml_decl(&text[5..after - 2]) {
                        return Err(
                            self.malformed(before, format!("malformed XML declaration: {what}"))
                        );
                    }
                }
                Token::DocType => {
                    if seen_doctype || self.root != NONE {
                        return Err(self
                            .malformed(before, "DOCTYPE must come once, before the root element"));
                    }
                    seen_doctype = true;
                    let dtd = parse_doctype(text, before, after, self.opts.allow_dtd)?;
                    if self.opts.allow_dtd {
                        let max = self.opts.limits.entity_expansion();
                        self.entities = Some(Entities {
                            map: dtd.entities.clone(),
                            budget: max,
                            max,
                        });
                    }
                    self.dtd = Some(dtd);
                }
                Token::Eof => {
                    self.flush()?;
                    if let Some(open) = self.stack.last() {
                        let node = self.nodes[open.node as usize];
                        let q = self
                            .names
                            .str(self.names.entries[node.a as usize].qname)
                            .to_owned();
                        return Err(self.malformed(
                            text.len(),
                            format!(
                                "unexpected end of document: element <{q}> opened at {} is not closed",
                                self.pos(node.start as usize)
                            ),
                        ));
                    }
                    if self.root == NONE {
                        return Err(self.malformed(text.len(), "no root element"));
                    }
                    return Ok(());
                }
            }
        }
    }

    fn extend_run(&mut self, s: usize, e: usize, is_ref: bool) {
        match &mut self.run {
            Some(r) => {
                r.1 = e;
                r.2 |= is_ref;
            }
            None => self.run = Some((s, e, is_ref)),
        }
    }

    fn push_node(&mut self, node: Node) -> u32 {
        let id = self.nodes.len() as u32;
        let prev = match self.stack.last_mut() {
            Some(top) => std::mem::replace(&mut top.last_child, id),
            None => std::mem::replace(&mut self.last_top, id),
        };
        if prev != NONE {
            self.nodes[prev as usize].next = id;
        }
        self.nodes.push(node);
        id
    }

    fn parent(&self) -> u32 {
        self.stack.last().map_or(0, |o| o.node)
    }

    fn flush(&mut self) -> Result<(), XmlError> {
        let Some((s, e, has_ref)) = self.run.take() else {
            return Ok(());
        };
        let raw = &self.text.as_bytes()[s..e];
        let mut has_cr = false;
        if (self.any_cr || self.any_cdata_end) && memchr::memchr2(b']', b'\r', raw).is_some() {
            if let Some(i) = memchr::memmem::find(raw, b"]]>") {
                return Err(self.malformed(s + i, "']]>' is not allowed in character data"));
            }
            has_cr = memchr::memchr(b'\r', raw).is_some();
        }
        if has_ref || has_cr {
            self.owned_node(K_TEXT, s, e, s, e, has_ref)
        } else {
            if e - s > self.opts.limits.text_length() {
                return Err(self.limit(s, LimitKind::TextLength, self.opts.limits.text_length()));
            }
            let parent = self.parent();
            self.push_node(Node {
                parent,
                next: NONE,
                start: s as u32,
                end: e as u32,
                a: s as u32,
                b: (e - s) as u32,
                meta: K_TEXT,
            });
            Ok(())
        }
    }

    /// A CDATA, comment or PI node with content `cs..ce`.
    fn char_node(
        &mut self,
        kind: u32,
        s: usize,
        e: usize,
        cs: usize,
        ce: usize,
    ) -> Result<(), XmlError> {
        if self.any_cr && memchr::memchr(b'\r', &self.text.as_bytes()[cs..ce]).is_some() {
            return self.owned_node(kind, s, e, cs, ce, false);
        }
        if ce - cs > self.opts.limits.text_length() {
            return Err(self.limit(cs, LimitKind::TextLength, self.opts.limits.text_length()));
        }
        let parent = self.parent();
        self.push_node(Node {
            parent,
            next: NONE,
            start: s as u32,
            end: e as u32,
            a: cs as u32,
            b: (ce - cs) as u32,
            meta: kind,
        });
        Ok(())
    }

    fn owned_node(
        &mut self,
        kind: u32,
        s: usize,
        e: usize,
        cs: usize,
        ce: usize,
        refs: bool,
    ) -> Result<(), XmlError> {
        let start = self.owned.len();
        if refs {
            unescape(
                self.text,
                cs,
                ce,
                false,
                self.entities.as_mut(),
                &mut self.owned,
            )?;
        } else {
            // Line-end normalization only (CDATA, comments, PIs, text without references).
            let raw = &self.text[cs..ce];
            let mut last = 0;
            let b = raw.as_bytes();
            let mut i = 0;
            while let Some(j) = memchr::memchr(b'\r', &b[i..]) {
                let at = i + j;
                self.owned.push_str(&raw[last..at]);
                self.owned.push('\n');
                i = at + 1;
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
                last = i;
            }
            self.owned.push_str(&raw[last..]);
        }
        let len = self.owned.len() - start;
        if len > self.opts.limits.text_length() {
            return Err(self.limit(cs, LimitKind::TextLength, self.opts.limits.text_length()));
        }
        if self.owned.len() > u32::MAX as usize - 1 {
            return Err(self.limit(cs, LimitKind::TotalSize, u32::MAX as usize));
        }
        let parent = self.parent();
        self.push_node(Node {
            parent,
            next: NONE,
            start: s as u32,
            end: e as u32,
            a: start as u32,
            b: len as u32,
            meta: kind | F_OWNED,
        });
        Ok(())
    }

    fn check_qname(&self, q: &str, off: usize) -> Result<(), XmlError> {
        if q.len() > self.opts.limits.name_length() {
            return Err(self.limit(off, LimitKind::NameLength, self.opts.limits.name_length()));
        }
        if !is_name(q) {
            return Err(self.malformed(off, format!("invalid name `{q}`")));
        }
        let colons = q.bytes().filter(|&c| c == b':').count();
        if colons > 1 || q.starts_with(':') || q.ends_with(':') {
            return Err(self.malformed(off, format!("invalid qualified name `{q}`")));
        }
        Ok(())
    }

    fn lookup_ns(&self, prefix: u32) -> Option<u32> {
        self.ns
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|&(_, u)| u)
    }

    fn start(&mut self, s: usize, e: usize, empty: bool, name_len: usize) -> Result<(), XmlError> {
        // Reuse one attribute buffer for every start tag.
        let mut raw = std::mem::take(&mut self.raw_buf);
        raw.clear();
        let r = self.start_tag(s, e, empty, name_len, &mut raw);
        self.raw_buf = raw;
        r
    }

    fn start_tag(
        &mut self,
        s: usize,
        e: usize,
        empty: bool,
        name_len: usize,
        raw: &mut Vec<RawAttr<'t>>,
    ) -> Result<(), XmlError> {
        let text = self.text;
        let b = text.as_bytes();
        if self.root_closed {
            return Err(self.malformed(
                s,
                "content after the root element (only one root element is allowed)",
            ));
        }
        if self.stack.len() >= self.opts.limits.depth() {
            return Err(self.limit(s, LimitKind::Depth, self.opts.limits.depth()));
        }
        let content_end = if empty { e - 2 } else { e - 1 };
        // The name ends at the first whitespace or at the end of the tag content; take
        // the lexer's length when it says exactly that, otherwise scan.
        let mut i = s + 1 + name_len;
        if i > content_end || (i < content_end && !is_ws(b[i])) {
            i = s + 1;
            while i < content_end && !is_ws(b[i]) {
                i += 1;
            }
        }
        let qname = &text[s + 1..i];
        let (qs, p, l, new) = self.names.qname_new(qname);
        if new {
            self.check_qname(qname, s + 1)?;
        }

        // Lex the attributes.
        loop {
            let ws = i;
            while i < content_end && is_ws(b[i]) {
                i += 1;
            }
            if i >= content_end {
                break;
            }
            if i == ws {
                return Err(self.malformed(i, "whitespace is required between attributes"));
            }
            let n0 = i;
            while i < content_end && !is_ws(b[i]) && b[i] != b'=' {
                i += 1;
            }
            let name = &text[n0..i];
            let (aqs, ap, al, new) = self.names.qname_new(name);
            if new {
                self.check_qname(name, n0)?;
            }
            while i < content_end && is_ws(b[i]) {
                i += 1;
            }
            if i >= content_end || b[i] != b'=' {
                return Err(
                    self.malformed(i, format!("expected '=' after attribute name `{name}`"))
                );
            }
            i += 1;
            while i < content_end && is_ws(b[i]) {
                i += 1;
            }
            let q = if i < content_end { b[i] } else { 0 };
            if q != b'"' && q != b'\'' {
                return Err(self.malformed(i, format!("attribute `{name}` value must be quoted")));
            }
            let close = memchr::memchr(q, &b[i + 1..content_end])
                .ok_or_else(|| self.malformed(i, "unterminated attribute value"))?;
            let (vs, ve) = (i + 1, i + 1 + close);
            if let Some(lt) = memchr::memchr(b'<', &b[vs..ve]) {
                return Err(self.malformed(vs + lt, "'<' is not allowed in an attribute value"));
            }
            if ve - vs > self.opts.limits.text_length() {
                return Err(self.limit(vs, LimitKind::TextLength, self.opts.limits.text_length()));
            }
            raw.push(RawAttr {
                qname: Cow::Borrowed(name),
                q: (aqs, ap, al),
                range: Some((vs, ve)),
                default: None,
                pos: n0,
            });
            i = ve + 1;
            if raw.len() > self.opts.limits.attributes() {
                return Err(self.limit(
                    n0,
                    LimitKind::AttributesPerElement,
                    self.opts.limits.attributes(),
                ));
            }
        }

        // DTD attribute defaults (allow_dtd only).
        if self.opts.allow_dtd {
            if let Some(list) = self.dtd.as_ref().and_then(|d| d.attlists.get(qname)) {
                for d in list {
                    if let Some(def) = &d.default {
                        if !raw.iter().any(|r| r.qname == d.name.as_str()) {
                            let (aqs, ap, al, new) = self.names.qname_new(&d.name);
                            if new {
                                self.check_qname(&d.name, s)?;
                            }
                            raw.push(RawAttr {
                                q: (aqs, ap, al),
                                qname: Cow::Owned(d.name.clone()),
                                range: None,
                                default: Some(def.clone()),
                                pos: s,
                            });
                        }
                    }
                }
            }
        }

        // Namespace declarations first.
        let ns_mark = self.ns.len();
        let outer_default_ns = self.default_ns;
        let attr_start = self.attrs.len();
        let mut ndecl = 0usize;
        for r in raw.iter() {
            let q: &str = &r.qname;
            let prefix = if q == "xmlns" {
                ""
            } else if let Some(p) = q.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            ndecl += 1;
            if ndecl > self.opts.limits.namespace_declarations() {
                return Err(self.limit(
                    r.pos,
                    LimitKind::NamespaceDeclarations,
                    self.opts.limits.namespace_declarations(),
                ));
            }
            let uri = self.attr_text(r)?;
            if prefix == "xmlns" {
                return Err(self.malformed(r.pos, "the prefix `xmlns` must not be declared"));
            }
            if uri == XMLNS_NS {
                return Err(self.malformed(r.pos, "the xmlns namespace must not be bound"));
            }
            if (prefix == "xml") != (uri == XML_NS) {
                return Err(self.malformed(
                    r.pos,
                    "the `xml` prefix and the XML namespace may only be bound to each other",
                ));
            }
            if !prefix.is_empty() && uri.is_empty() {
                return Err(self.malformed(
                    r.pos,
                    format!(
                        "namespace prefix `{prefix}` must not be undeclared (xmlns:{prefix}=\"\")"
                    ),
                ));
            }
            let psym = self.names.intern(prefix);
            let usym = self.names.intern(&uri);
            self.ns.push((psym, usym));
            if psym == EMPTY {
                self.default_ns = usym;
            }
            let (qs, _, _) = self.names.qname(q);
            let entry = self.names.entry(qs, self.xmlns_sym, psym, usym);
            self.attrs.push(Attr {
                name: entry,
                vstart: usym,
                vlen: 0,
                pos: r.pos as u32,
                flags: A_NS_DECL,
            });
        }

        // The element name.
        let ns = if p == EMPTY {
            self.default_ns
        } else if p == self.xmlns_sym {
            return Err(self.malformed(s + 1, "element names must not use the `xmlns` prefix"));
        } else {
            self.lookup_ns(p)
                .ok_or_else(|| XmlError::UndeclaredPrefix {
                    at: self.pos(s + 1),
                    prefix: self.names.str(p).to_owned(),
                })?
        };
        let entry = self.names.entry(qs, p, l, ns);

        // Attributes.
        for r in raw.iter() {
            let q: &str = &r.qname;
            if q == "xmlns" || q.starts_with("xmlns:") {
                continue;
            }
            let (aqs, ap, al) = r.q;
            let ans = if ap == EMPTY {
                EMPTY
            } else {
                self.lookup_ns(ap)
                    .ok_or_else(|| XmlError::UndeclaredPrefix {
                        at: self.pos(r.pos),
                        prefix: self.names.str(ap).to_owned(),
                    })?
            };
            let decl = self.dtd.as_ref().and_then(|d| d.decl(qname, q));
            let dtd_id = decl.is_some_and(|d| d.is_id);
            let collapse = self.opts.allow_dtd && decl.is_some_and(|d| !d.is_cdata);
            let aentry = self.names.entry(aqs, ap, al, ans);
            let (vstart, vlen, owned) = self.store_value(r, collapse)?;
            self.attrs.push(Attr {
                name: aentry,
                vstart,
                vlen,
                pos: r.pos as u32,
                flags: if owned { A_OWNED } else { 0 } | if dtd_id { A_DTD_ID } else { 0 },
            });
        }
        self.check_duplicates(attr_start)?;
        let _ = self.xml_sym;
        let _ = self.xml_ns;

        let count = (self.attrs.len() - attr_start) as u32;
        let parent = self.parent();
        let id = self.push_node(Node {
            parent,
            next: NONE,
            start: s as u32,
            end: e as u32,
            a: entry,
            b: attr_start as u32,
            meta: K_ELEMENT | (count << 8) | if empty { F_SELF_CLOSING } else { 0 },
        });
        if self.root == NONE {
            self.root = id;
        }
        if empty {
            self.ns.truncate(ns_mark);
            self.default_ns = outer_default_ns;
            if self.stack.is_empty() {
                self.root_closed = true;
            }
        } else {
            self.stack.push(Open {
                node: id,
                last_child: NONE,
                ns_mark,
                name: ((s + 1) as u32, (s + 1 + qname.len()) as u32),
                outer_default_ns,
            });
        }
        Ok(())
    }

    /// The value of an attribute (for namespace URIs): the source text when it needs no
    /// expansion, else expanded.
    fn attr_text(&mut self, r: &RawAttr<'t>) -> Result<Cow<'t, str>, XmlError> {
        if let Some((vs, ve)) = self.plain_value(r) {
            return Ok(Cow::Borrowed(&self.text[vs..ve]));
        }
        let mut out = String::new();
        self.expand_value(r, false, &mut out)?;
        Ok(Cow::Owned(out))
    }

    /// The source range of an attribute value that has nothing to expand or normalize
    /// (no reference, no TAB/LF/CR), as written in the document.
    fn plain_value(&self, r: &RawAttr<'t>) -> Option<(usize, usize)> {
        let (vs, ve) = r.range?;
        let plain = !self.text.as_bytes()[vs..ve]
            .iter()
            .any(|&c| matches!(c, b'&' | b'\t' | b'\n' | b'\r'));
        plain.then_some((vs, ve))
    }

    fn expand_value(
        &mut self,
        r: &RawAttr<'t>,
        collapse: bool,
        out: &mut String,
    ) -> Result<(), XmlError> {
        match (r.range, &r.default) {
            (Some((vs, ve)), _) => unescape(self.text, vs, ve, true, self.entities.as_mut(), out)?,
            (None, Some(def)) => {
                // A DTD default: expand it as an attribute value of its own.
                let mut tmp = String::new();
                let full = def.as_str();
                unescape(full, 0, full.len(), true, self.entities.as_mut(), &mut tmp).map_err(
                    |_| {
                        self.malformed(
                            r.pos,
                            format!("bad default value for attribute `{}`", r.qname),
                        )
                    },
                )?;
                out.push_str(&tmp);
            }
            _ => {}
        }
        if collapse {
            let collapsed = out
                .split(' ')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            out.clear();
            out.push_str(&collapsed);
        }
        Ok(())
    }

    /// Store an attribute value: a range of the source when nothing needs expanding,
    /// otherwise the expanded value in the owned buffer.
    fn store_value(
        &mut self,
        r: &RawAttr<'t>,
        collapse: bool,
    ) -> Result<(u32, u32, bool), XmlError> {
        if let (Some((vs, ve)), false) = (self.plain_value(r), collapse) {
            return Ok((vs as u32, (ve - vs) as u32, false));
        }
        let mut tmp = std::mem::take(&mut self.scratch);
        tmp.clear();
        self.expand_value(r, collapse, &mut tmp)?;
        if tmp.len() > self.opts.limits.text_length() {
            return Err(self.limit(r.pos, LimitKind::TextLength, self.opts.limits.text_length()));
        }
        let start = self.owned.len();
        self.owned.push_str(&tmp);
        self.scratch = tmp;
        Ok((start as u32, (self.owned.len() - start) as u32, true))
    }

    /// Reject the same attribute twice, by qualified name or by expanded name.
    fn check_duplicates(&self, from: usize) -> Result<(), XmlError> {
        let list = &self.attrs[from..];
        let key = |a: &Attr| {
            let e = &self.names.entries[a.name as usize];
            if a.flags & A_NS_DECL != 0 {
                (u32::MAX, e.local)
            } else {
                (e.ns, e.local)
            }
        };
        let report = |a: &Attr| XmlError::DuplicateAttribute {
            at: self.pos(a.pos as usize),
            name: self
                .names
                .str(self.names.entries[a.name as usize].qname)
                .to_owned(),
        };
        if list.len() <= 16 {
            for (j, a) in list.iter().enumerate() {
                if list[..j].iter().any(|x| key(x) == key(a)) {
                    return Err(report(a));
                }
            }
        } else {
            let mut keys: Vec<((u32, u32), usize)> =
                list.iter().enumerate().map(|(i, a)| (key(a), i)).collect();
            keys.sort_unstable();
            for w in keys.windows(2) {
                if w[0].0 == w[1].0 {
                    return Err(report(&list[w[0].1.max(w[1].1)]));
                }
            }
        }
        Ok(())
    }
}

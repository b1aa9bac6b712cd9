//! The DOCTYPE internal subset: `ATTLIST` declarations always (their `ID`-typed attributes
//! count as Ids), and — only in the opt-in `allow_dtd` mode — internal general entities,
//! `ELEMENT`/`NOTATION` declarations and PIs. External subsets, external entities and
//! parameter entities are refused in every mode (an external subset *declaration* is
//! tolerated with `allow_dtd`, but never fetched).

use crate::error::{Position, XmlError};
use crate::names::FxMap;

/// One declared attribute.
#[derive(Debug, Clone)]
pub(crate) struct AttDecl {
    pub name: String,
    pub is_cdata: bool,
    pub is_id: bool,
    /// Raw (unexpanded) default value, if the declaration gives one.
    pub default: Option<String>,
}

/// What the internal subset declared.
#[derive(Debug, Default)]
pub(crate) struct Dtd {
    /// Element qualified name → declared attributes (first declaration wins).
    pub attlists: FxMap<String, Vec<AttDecl>>,
    /// Internal general entities: name → replacement text (character references expanded).
    pub entities: FxMap<String, String>,
}

impl Dtd {
    pub fn decl(&self, element: &str, attr: &str) -> Option<&AttDecl> {
        self.attlists
            .get(element)
            .and_then(|v| v.iter().find(|d| d.name == attr))
    }
}

struct Cursor<'a> {
    full: &'a str,
    s: &'a [u8],
    i: usize,
    base: usize,
}

impl<'a> Cursor<'a> {
    fn err(&self, message: impl Into<String>) -> XmlError {
        XmlError::Malformed {
            at: Position::in_text(self.full, self.base + self.i),
            message: format!("in DOCTYPE: {}", message.into()),
        }
    }
    fn refuse(&self, message: impl Into<String>) -> XmlError {
        XmlError::DtdNotAllowed {
            at: Position::in_text(self.full, self.base + self.i),
            message: message.into(),
        }
    }
    fn ws(&mut self) -> bool {
        let st = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\r' | b'\n') {
            self.i += 1;
        }
        self.i > st
    }
    fn starts(&self, p: &str) -> bool {
        self.s[self.i..].starts_with(p.as_bytes())
    }
    fn name(&mut self) -> Result<&'a str, XmlError> {
        let st = self.i;
        while self.i < self.s.len()
            && !matches!(
                self.s[self.i],
                b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'[' | b'(' | b')' | b'|' | b'"' | b'\''
            )
        {
            self.i += 1;
        }
        let n = &self.full[self.base + st..self.base + self.i];
        if n.is_empty() || !crate::parser::is_name(n) {
            self.i = st;
            return Err(self.err("expected a name"));
        }
        Ok(n)
    }
    fn quoted(&mut self) -> Result<&'a str, XmlError> {
        let q = *self
            .s
            .get(self.i)
            .ok_or_else(|| self.err("unexpected end"))?;
        if q != b'"' && q != b'\'' {
            return Err(self.err("expected a quoted value"));
        }
        let close = memchr::memchr(q, &self.s[self.i + 1..])
            .ok_or_else(|| self.err("unterminated quoted value"))?;
        let v = &self.full[self.base + self.i + 1..self.base + self.i + 1 + close];
        self.i += close + 2;
        Ok(v)
    }
    fn expect(&mut self, c: u8) -> Result<(), XmlError> {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected '{}'", c as char)))
        }
    }
}

/// Parse the DOCTYPE declaration `full[start..end]` (from `<!DOCTYPE` to the closing `>`).
pub(crate) fn parse_doctype(
    full: &str,
    start: usize,
    end: usize,
    allow_dtd: bool,
) -> Result<Dtd, XmlError> {
    let inner_start = start + "<!DOCTYPE".len();
    let mut c = Cursor {
        full,
        s: &full.as_bytes()[inner_start..end - 1],
        i: 0,
        base: inner_start,
    };
    let mut dtd = Dtd::default();
    c.ws();
    c.name()?;
    c.ws();
    if c.starts("SYSTEM") || c.starts("PUBLIC") {
        if !allow_dtd {
            return Err(c.refuse("external DTD subset (SYSTEM/PUBLIC identifier)"));
        }
        // allow_dtd: the external subset is declared but never fetched.
        let public = c.starts("PUBLIC");
        c.i += 6;
        c.ws();
        c.quoted()?;
        if public {
            c.ws();
            c.quoted()?;
        }
        c.ws();
    }
    if c.i < c.s.len() && c.s[c.i] == b'[' {
        c.i += 1;
        loop {
            c.ws();
            if c.i >= c.s.len() {
                return Err(c.err("unterminated internal subset"));
            }
            if c.s[c.i] == b']' {
                c.i += 1;
                break;
            }
            if c.starts("<!--") {
                let close = memchr::memmem::find(&c.s[c.i + 4..], b"-->")
                    .ok_or_else(|| c.err("unterminated comment"))?;
                c.i += 4 + close + 3;
            } else if c.starts("<!ATTLIST") {
                c.i += "<!ATTLIST".len();
                attlist(&mut c, &mut dtd, allow_dtd)?;
            } else if c.starts("<!ENTITY") {
                if !allow_dtd {
                    return Err(c.refuse(
                        "entity declaration (only ATTLIST declarations are accepted; entities need allow_dtd)",
                    ));
                }
                c.i += "<!ENTITY".len();
                entity(&mut c, &mut dtd)?;
            } else if c.starts("<!ELEMENT") || c.starts("<!NOTATION") || c.starts("<?") {
                if !allow_dtd {
                    return Err(c.refuse(
                        "declaration other than ATTLIST in the internal subset (needs allow_dtd)",
                    ));
                }
                skip_decl(&mut c)?;
            } else if c.s[c.i] == b'%' {
                return Err(c.refuse("parameter entity reference"));
            } else {
                return Err(c.err("unexpected content in internal subset"));
            }
        }
        c.ws();
    }
    if c.i != c.s.len() {
        return Err(c.err("unexpected content after the internal subset"));
    }
    Ok(dtd)
}

fn skip_decl(c: &mut Cursor<'_>) -> Result<(), XmlError> {
    // Skip to the closing '>' outside quotes.
    while c.i < c.s.len() {
        match c.s[c.i] {
            b'"' | b'\'' => {
                c.quoted()?;
            }
            b'>' => {
                c.i += 1;
                return Ok(());
            }
            _ => c.i += 1,
        }
    }
    Err(c.err("unterminated declaration"))
}

/// One `ATTLIST` declaration. Without `allow_dtd`, an attribute declared with a default
/// or `#FIXED` value is refused: every other parser (expat, Java, .NET) adds the default
/// to the element, so an unsigned value would appear on a signed element downstream.
fn attlist(c: &mut Cursor<'_>, dtd: &mut Dtd, allow_dtd: bool) -> Result<(), XmlError> {
    if !c.ws() {
        return Err(c.err("expected whitespace after <!ATTLIST"));
    }
    let elem = c.name()?.to_owned();
    loop {
        c.ws();
        if c.i >= c.s.len() {
            return Err(c.err("unterminated ATTLIST"));
        }
        if c.s[c.i] == b'>' {
            c.i += 1;
            return Ok(());
        }
        let name = c.name()?.to_owned();
        if !c.ws() {
            return Err(c.err("expected attribute type"));
        }
        let (is_cdata, is_id) = if c.s.get(c.i) == Some(&b'(') {
            let close = memchr::memchr(b')', &c.s[c.i..])
                .ok_or_else(|| c.err("unterminated enumeration"))?;
            c.i += close + 1;
            (false, false)
        } else {
            let ty = c.name()?;
            match ty {
                "CDATA" => (true, false),
                "ID" => (false, true),
                "IDREF" | "IDREFS" | "ENTITY" | "ENTITIES" | "NMTOKEN" | "NMTOKENS" => {
                    (false, false)
                }
                "NOTATION" => {
                    c.ws();
                    c.expect(b'(')?;
                    let close = memchr::memchr(b')', &c.s[c.i..])
                        .ok_or_else(|| c.err("unterminated enumeration"))?;
                    c.i += close + 1;
                    (false, false)
                }
                other => return Err(c.err(format!("unknown attribute type `{other}`"))),
            }
        };
        c.ws();
        let decl_at = c.i;
        let default = if c.starts("#REQUIRED") {
            c.i += 9;
            None
        } else if c.starts("#IMPLIED") {
            c.i += 8;
            None
        } else {
            if c.starts("#FIXED") {
                c.i += 6;
                c.ws();
            }
            Some(c.quoted()?.to_owned())
        };
        if default.is_some() && !allow_dtd {
            c.i = decl_at;
            return Err(c.refuse(format!(
                "ATTLIST gives attribute `{name}` of <{elem}> a default value: other parsers \
                 would add it to the document unsigned (only #IMPLIED / #REQUIRED declarations, \
                 such as ID attributes, are accepted; defaults need allow_dtd)"
            )));
        }
        let list = dtd.attlists.entry(elem.clone()).or_default();
        if !list.iter().any(|d| d.name == name) {
            list.push(AttDecl {
                name,
                is_cdata,
                is_id,
                default,
            });
        }
    }
}

fn entity(c: &mut Cursor<'_>, dtd: &mut Dtd) -> Result<(), XmlError> {
    if !c.ws() {
        return Err(c.err("expected whitespace after <!ENTITY"));
    }
    if c.s.get(c.i) == Some(&b'%') {
        return Err(c.refuse("parameter entity declaration"));
    }
    let name = c.name()?.to_owned();
    c.ws();
    if c.starts("SYSTEM") || c.starts("PUBLIC") {
        return Err(c.refuse(format!("external entity `{name}` (never resolved)")));
    }
    let at = c.base + c.i + 1;
    let raw = c.quoted()?;
    if raw.contains('%') {
        return Err(c.refuse("parameter entity reference in entity value"));
    }
    // Character references are expanded at declaration time; general entity references
    // stay and are expanded where the entity is used.
    let mut value = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut off = at;
    while let Some(i) = rest.find("&#") {
        value.push_str(&rest[..i]);
        let semi = rest[i..]
            .find(';')
            .ok_or_else(|| XmlError::BadCharacterReference {
                at: Position::in_text(c.full, off + i),
                reference: rest[i..].chars().take(12).collect(),
            })?
            + i;
        crate::escape::unescape(c.full, off + i, off + semi + 1, false, None, &mut value)?;
        off += semi + 1;
        rest = &rest[semi + 1..];
    }
    value.push_str(rest);
    c.ws();
    c.expect(b'>')?;
    dtd.entities.entry(name).or_insert(value);
    Ok(())
}

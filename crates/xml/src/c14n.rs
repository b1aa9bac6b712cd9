//! Canonical XML 1.0 and Exclusive XML Canonicalization 1.0, with or without comments,
//! of a whole document, a subtree, or either minus excluded elements, streamed into any
//! [`std::io::Write`].
//!
//! ```
//! use tanba_xml::{c14n::{canonicalize, C14nOptions, NodeSet}, Document, ParseOptions};
//! let doc = Document::parse(
//!     br#"<r xmlns:a="urn:a"><a:x  y='1'/><!-- note --><s>drop me</s></r>"#,
//!     &ParseOptions::default(),
//! ).unwrap();
//! let x = doc.child_elements(doc.root_element()).next().unwrap();
//! let s = doc.child_elements(doc.root_element()).nth(1).unwrap();
//! let mut out = Vec::new();
//! // The subtree of a:x, exclusive: only the prefix it uses is declared.
//! canonicalize(&doc, &C14nOptions::exclusive(), &NodeSet::subtree(x), &mut out).unwrap();
//! assert_eq!(out, br#"<a:x xmlns:a="urn:a" y="1"></a:x>"#);
//! // The whole document minus <s>, inclusive, comments kept.
//! out.clear();
//! let opts = C14nOptions::inclusive().with_comments(true);
//! canonicalize(&doc, &opts, &NodeSet::document().excluding(&[s]), &mut out).unwrap();
//! assert_eq!(out, br#"<r xmlns:a="urn:a"><a:x y="1"></a:x><!-- note --></r>"#);
//! ```

use std::io::Write;

use crate::error::XmlError;
use crate::names::{EMPTY, XML_NS};
use crate::tree::{Document, NodeId, A_NS_DECL, K_CDATA, K_COMMENT, K_ELEMENT, K_PI, K_TEXT};

/// Canonical XML 1.0, comments omitted.
pub const C14N_10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// Canonical XML 1.0 with comments.
pub const C14N_10_WITH_COMMENTS: &str =
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
/// Exclusive XML Canonicalization 1.0, comments omitted.
pub const EXC_C14N_10: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Exclusive XML Canonicalization 1.0 with comments.
pub const EXC_C14N_10_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

/// Which canonicalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Canonical XML 1.0 (inclusive): in-scope namespaces and `xml:*` attributes of
    /// ancestors are carried onto the apex.
    Inclusive,
    /// Exclusive XML Canonicalization 1.0: only visibly utilized namespaces are rendered.
    Exclusive,
}

/// Canonicalization parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct C14nOptions {
    /// Inclusive or exclusive.
    pub method: Method,
    /// Keep comments (`#WithComments`).
    pub with_comments: bool,
    /// Exclusive only: the `InclusiveNamespaces PrefixList` (`#default` = default namespace).
    /// Those prefixes are treated as by inclusive C14N.
    pub inclusive_prefixes: Vec<String>,
}

impl C14nOptions {
    /// Canonical XML 1.0 without comments.
    pub fn inclusive() -> Self {
        C14nOptions {
            method: Method::Inclusive,
            with_comments: false,
            inclusive_prefixes: Vec::new(),
        }
    }
    /// Exclusive C14N 1.0 without comments and with an empty prefix list.
    pub fn exclusive() -> Self {
        C14nOptions {
            method: Method::Exclusive,
            ..Self::inclusive()
        }
    }
    /// Keep or drop comments.
    pub fn with_comments(mut self, on: bool) -> Self {
        self.with_comments = on;
        self
    }
    /// Set the `InclusiveNamespaces PrefixList` from a whitespace-separated list
    /// (`"ds #default"`), as it appears in a signature.
    pub fn with_prefix_list(mut self, list: &str) -> Self {
        self.inclusive_prefixes = list.split_ascii_whitespace().map(str::to_owned).collect();
        self
    }
    /// The options for an algorithm URI (one of the four constants of this module).
    pub fn from_algorithm_uri(uri: &str) -> Option<Self> {
        Some(match uri {
            C14N_10 => Self::inclusive(),
            C14N_10_WITH_COMMENTS => Self::inclusive().with_comments(true),
            EXC_C14N_10 => Self::exclusive(),
            EXC_C14N_10_WITH_COMMENTS => Self::exclusive().with_comments(true),
            _ => return None,
        })
    }
    /// The algorithm URI of these options.
    pub fn algorithm_uri(&self) -> &'static str {
        match (self.method, self.with_comments) {
            (Method::Inclusive, false) => C14N_10,
            (Method::Inclusive, true) => C14N_10_WITH_COMMENTS,
            (Method::Exclusive, false) => EXC_C14N_10,
            (Method::Exclusive, true) => EXC_C14N_10_WITH_COMMENTS,
        }
    }
}

/// What to canonicalize: the whole document or the subtree of an apex element, minus
/// any number of excluded nodes (each removed with its whole subtree — what the
/// enveloped-signature transform does to `ds:Signature` elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSet<'a> {
    apex: Option<NodeId>,
    excluded: &'a [NodeId],
}

impl<'a> NodeSet<'a> {
    /// The whole document (for `URI=""` combine with `with_comments(false)`).
    pub fn document() -> NodeSet<'static> {
        NodeSet {
            apex: None,
            excluded: &[],
        }
    }
    /// The element `apex` with its attributes, namespaces and descendants.
    pub fn subtree(apex: NodeId) -> NodeSet<'static> {
        NodeSet {
            apex: Some(apex),
            excluded: &[],
        }
    }
    /// The same set without the given nodes and their descendants.
    pub fn excluding<'b>(self, excluded: &'b [NodeId]) -> NodeSet<'b> {
        NodeSet {
            apex: self.apex,
            excluded,
        }
    }
    /// The apex element, if this is a subtree set.
    pub fn apex(&self) -> Option<NodeId> {
        self.apex
    }
}

/// Canonicalize `set` of `doc` into `out`.
///
/// Output is buffered internally and handed to `out` in large chunks, so `out` can be a
/// digest adapter, a file or a `Vec<u8>`.
pub fn canonicalize<W: Write + ?Sized>(
    doc: &Document,
    options: &C14nOptions,
    set: &NodeSet<'_>,
    out: &mut W,
) -> Result<(), XmlError> {
    let mut c = Canon::new(doc, options, set, out);
    c.run()?;
    c.flush()?;
    Ok(())
}

/// Canonicalize into a new byte vector.
pub fn canonicalize_to_vec(
    doc: &Document,
    options: &C14nOptions,
    set: &NodeSet<'_>,
) -> Result<Vec<u8>, XmlError> {
    let mut v = Vec::new();
    canonicalize(doc, options, set, &mut v)?;
    Ok(v)
}

const FLUSH_AT: usize = 64 << 10;

/// The excluded nodes of a node set, looked up in O(1) however many there are (each
/// node of the walk asks): a short list is scanned, a longer one becomes a bit per node.
enum Excluded<'d> {
    Few(&'d [NodeId]),
    Bits(Vec<u64>),
}

impl<'d> Excluded<'d> {
    const FEW: usize = 8;

    fn new(list: &'d [NodeId], node_count: usize) -> Self {
        if list.len() <= Self::FEW {
            return Excluded::Few(list);
        }
        let mut bits = vec![0u64; node_count.div_ceil(64)];
        for n in list {
            if let Some(w) = bits.get_mut(n.index() / 64) {
                *w |= 1 << (n.index() % 64);
            }
        }
        Excluded::Bits(bits)
    }

    #[inline]
    fn contains(&self, n: NodeId) -> bool {
        match self {
            Excluded::Few(list) => !list.is_empty() && list.contains(&n),
            Excluded::Bits(bits) => bits
                .get(n.index() / 64)
                .is_some_and(|w| w & (1 << (n.index() % 64)) != 0),
        }
    }
}

struct Canon<'d, 'w, W: Write + ?Sized> {
    doc: &'d Document,
    exclusive: bool,
    with_comments: bool,
    prefix_list: Vec<u32>,
    apex: Option<NodeId>,
    excluded: Excluded<'d>,
    out: &'w mut W,
    buf: Vec<u8>,
    /// In-scope namespace declarations (prefix, uri) of the ancestors and current element.
    inscope: Vec<(u32, u32)>,
    /// Declarations rendered by output ancestors.
    rendered: Vec<(u32, u32)>,
    /// One per open output element: where its `inscope` and `rendered` entries start,
    /// and its qualified name for the end tag.
    frames: Vec<Frame<'d>>,
    tmp_ns: Vec<(u32, u32)>,
    tmp_attrs: Vec<(&'d str, &'d str, &'d str, &'d str)>,
    xml_sym: u32,
    xml_ns_sym: u32,
}

struct Frame<'d> {
    inscope: usize,
    rendered: usize,
    qname: &'d [u8],
}

impl<'d, 'w, W: Write + ?Sized> Canon<'d, 'w, W> {
    fn new(doc: &'d Document, o: &C14nOptions, set: &NodeSet<'d>, out: &'w mut W) -> Self {
        let exclusive = o.method == Method::Exclusive;
        let prefix_list = if exclusive {
            o.inclusive_prefixes
                .iter()
                .filter_map(|p| {
                    if p == "#default" {
                        Some(EMPTY)
                    } else {
                        doc.names.get(p)
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Canon {
            doc,
            exclusive,
            with_comments: o.with_comments,
            prefix_list,
            apex: set.apex,
            excluded: Excluded::new(set.excluded, doc.nodes.len()),
            out,
            // The canonical form is about as long as the source it comes from (plus
            // namespace declarations carried onto the apex), so a small subtree gets a small
            // buffer instead of a fresh FLUSH_AT-sized allocation per call.
            buf: Vec::with_capacity(
                (set.apex
                    .filter(|a| a.index() < doc.nodes.len())
                    .map_or(doc.text.len(), |a| doc.range(a).len())
                    + 1024)
                    .min(FLUSH_AT + 4096),
            ),
            inscope: Vec::with_capacity(16),
            rendered: Vec::with_capacity(16),
            frames: Vec::with_capacity(32),
            tmp_ns: Vec::new(),
            tmp_attrs: Vec::new(),
            xml_sym: doc.names.get("xml").unwrap_or(u32::MAX),
            xml_ns_sym: doc.names.get(XML_NS).unwrap_or(u32::MAX),
        }
    }

    fn flush(&mut self) -> Result<(), XmlError> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    #[inline]
    fn maybe_flush(&mut self) -> Result<(), XmlError> {
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn is_excluded(&self, n: NodeId) -> bool {
        self.excluded.contains(n)
    }

    fn run(&mut self) -> Result<(), XmlError> {
        let doc = self.doc;
        if let Some(apex) = self.apex {
            if apex.index() >= doc.nodes.len() || !doc.is_element(apex) {
                return Err(XmlError::InvalidRequest(
                    "the apex of a subtree node set must be an element".into(),
                ));
            }
            if self.is_excluded(apex) {
                return Ok(());
            }
            return self.subtree(apex);
        }
        let root = doc.root_element();
        for child in doc.children(NodeId::DOCUMENT) {
            if self.is_excluded(child) {
                continue;
            }
            let after_root = child > root;
            match doc.node(child).kind() {
                K_ELEMENT => self.subtree(child)?,
                K_COMMENT | K_PI => {
                    if doc.node(child).kind() == K_COMMENT && !self.with_comments {
                        continue;
                    }
                    if after_root {
                        self.buf.push(b'\n');
                    }
                    self.misc(child);
                    if !after_root {
                        self.buf.push(b'\n');
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A comment or PI.
    fn misc(&mut self, n: NodeId) {
        let doc = self.doc;
        if doc.node(n).kind() == K_COMMENT {
            self.buf.extend_from_slice(b"<!--");
            self.buf.extend_from_slice(doc.node_text(n).as_bytes());
            self.buf.extend_from_slice(b"-->");
        } else if let Some((target, data)) = doc.pi(n) {
            self.buf.extend_from_slice(b"<?");
            self.buf.extend_from_slice(target.as_bytes());
            if !data.is_empty() {
                self.buf.push(b' ');
                self.buf.extend_from_slice(data.as_bytes());
            }
            self.buf.extend_from_slice(b"?>");
        }
    }

    fn subtree(&mut self, top: NodeId) -> Result<(), XmlError> {
        let doc = self.doc;
        // Namespace context of the ancestors.
        self.inscope.clear();
        self.rendered.clear();
        self.frames.clear();
        let mut ancestors = Vec::new();
        let mut p = doc.parent(top);
        while let Some(a) = p {
            if !doc.is_element(a) {
                break;
            }
            ancestors.push(a);
            p = doc.parent(a);
        }
        for &a in ancestors.iter().rev() {
            for at in doc.raw_attrs(a) {
                if at.flags & A_NS_DECL != 0 {
                    let e = &doc.names.entries[at.name as usize];
                    self.inscope.push((e.local, at.vstart));
                }
            }
        }

        let mut stack: Vec<NodeId> = Vec::with_capacity(32);
        let mut cur = top;
        'outer: loop {
            if !self.is_excluded(cur) {
                let node = doc.node(cur);
                match node.kind() {
                    K_ELEMENT => {
                        self.start_element(cur, cur == top, &ancestors);
                        if let Some(fc) = doc.first_child(cur) {
                            stack.push(cur);
                            cur = fc;
                            continue 'outer;
                        }
                        self.end_element();
                    }
                    K_TEXT | K_CDATA => escape_text(&mut self.buf, doc.char_data_bytes(node)),
                    K_COMMENT if self.with_comments => self.misc(cur),
                    K_PI => self.misc(cur),
                    _ => {}
                }
                self.maybe_flush()?;
            }
            loop {
                if cur == top {
                    break 'outer;
                }
                if let Some(nx) = doc.next_sibling(cur) {
                    cur = nx;
                    continue 'outer;
                }
                let parent = stack.pop().expect("a non-top node has an open parent");
                self.end_element();
                cur = parent;
            }
        }
        Ok(())
    }

    fn rendered_lookup(&self, prefix: u32) -> Option<u32> {
        self.rendered
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|&(_, u)| u)
    }

    fn inscope_lookup(&self, prefix: u32) -> Option<u32> {
        if prefix == self.xml_sym {
            return Some(self.xml_ns_sym);
        }
        self.inscope
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|&(_, u)| u)
    }

    /// Must the binding `p` → `u` be written on the current element, given what the
    /// output ancestors rendered? (`xmlns=""` only undoes a rendered default namespace.)
    fn renders(&self, p: u32, u: u32) -> bool {
        let r = self.rendered_lookup(p);
        if p == EMPTY && u == EMPTY {
            matches!(r, Some(x) if x != EMPTY)
        } else {
            r != Some(u)
        }
    }

    fn consider(&mut self, p: u32, u: u32) {
        if p == self.xml_sym || self.tmp_ns.iter().any(|&(q, _)| q == p) {
            return;
        }
        if self.renders(p, u) {
            self.tmp_ns.push((p, u));
        } else {
            // Remember that this prefix was considered, so a later candidate for the same
            // prefix is not rendered either.
            self.tmp_ns.push((p, u32::MAX));
        }
    }

    fn start_element(&mut self, el: NodeId, is_top: bool, ancestors: &[NodeId]) {
        let doc = self.doc;
        let node = doc.node(el);
        let entry = doc.names.entries[node.a as usize];
        let attrs = doc.raw_attrs(el);

        if attrs.is_empty() && self.exclusive && self.prefix_list.is_empty() {
            // The usual element of a business document: no attributes, no declarations.
            // Exclusive C14N then renders at most its own prefix's binding — the general
            // path below, without its scratch lists.
            let frame = Frame {
                inscope: self.inscope.len(),
                rendered: self.rendered.len(),
                qname: doc.names.bytes(entry.qname),
            };
            let p = entry.prefix;
            let mut decl = None;
            if p != self.xml_sym {
                let u = self.inscope_lookup(p).unwrap_or(EMPTY);
                if self.renders(p, u) {
                    self.rendered.push((p, u));
                    decl = Some((p, u));
                }
            }
            let buf = &mut self.buf;
            buf.push(b'<');
            buf.extend_from_slice(frame.qname);
            self.frames.push(frame);
            if let Some((p, u)) = decl {
                write_ns_decl(buf, doc, p, u);
            }
            buf.push(b'>');
            return;
        }

        let own_start = self.inscope.len();
        for a in attrs {
            if a.flags & A_NS_DECL != 0 {
                let e = &doc.names.entries[a.name as usize];
                self.inscope.push((e.local, a.vstart));
            }
        }

        // Which namespace declarations to render.
        self.tmp_ns.clear();
        if self.exclusive {
            let p = entry.prefix;
            let u = self.inscope_lookup(p).unwrap_or(EMPTY);
            self.consider(p, u);
            for a in attrs {
                if a.flags & A_NS_DECL == 0 {
                    let e = &doc.names.entries[a.name as usize];
                    if e.prefix != EMPTY {
                        self.consider(e.prefix, e.ns);
                    }
                }
            }
            for i in 0..self.prefix_list.len() {
                let p = self.prefix_list[i];
                match self.inscope_lookup(p) {
                    Some(u) => self.consider(p, u),
                    None if p == EMPTY => self.consider(EMPTY, EMPTY),
                    None => {}
                }
            }
        } else if is_top {
            for i in (0..self.inscope.len()).rev() {
                let (p, u) = self.inscope[i];
                self.consider(p, u);
            }
        } else {
            for i in own_start..self.inscope.len() {
                let (p, u) = self.inscope[i];
                self.consider(p, u);
            }
        }
        self.tmp_ns.retain(|&(_, u)| u != u32::MAX);
        if self.tmp_ns.len() > 1 {
            self.tmp_ns
                .sort_unstable_by(|a, b| cmp_str(doc.sym(a.0), doc.sym(b.0)));
        }
        let rendered_start = self.rendered.len();
        self.rendered.extend_from_slice(&self.tmp_ns);

        // Attributes, sorted by (namespace URI, local name).
        self.tmp_attrs.clear();
        for a in attrs {
            if a.flags & A_NS_DECL == 0 {
                let e = &doc.names.entries[a.name as usize];
                self.tmp_attrs.push((
                    doc.sym(e.ns),
                    doc.sym(e.local),
                    doc.sym(e.qname),
                    doc.attr_value(a),
                ));
            }
        }
        if is_top && !self.exclusive && self.apex.is_some() {
            // Inclusive C14N of a subtree: inherit xml:* attributes from the ancestors.
            for &anc in ancestors {
                for a in doc.raw_attrs(anc) {
                    if a.flags & A_NS_DECL != 0 {
                        continue;
                    }
                    let e = &doc.names.entries[a.name as usize];
                    if e.ns != self.xml_ns_sym {
                        continue;
                    }
                    let local = doc.sym(e.local);
                    if self.tmp_attrs.iter().any(|t| t.0 == XML_NS && t.1 == local) {
                        continue;
                    }
                    self.tmp_attrs
                        .push((XML_NS, local, doc.sym(e.qname), doc.attr_value(a)));
                }
            }
        }
        if self.tmp_attrs.len() > 1 {
            self.tmp_attrs
                .sort_unstable_by(|a, b| cmp_str(a.0, b.0).then_with(|| cmp_str(a.1, b.1)));
        }

        let qname = doc.names.bytes(entry.qname);
        self.frames.push(Frame {
            inscope: own_start,
            rendered: rendered_start,
            qname,
        });
        let buf = &mut self.buf;
        buf.push(b'<');
        buf.extend_from_slice(qname);
        for &(p, u) in &self.tmp_ns {
            write_ns_decl(buf, doc, p, u);
        }
        for &(_, _, q, v) in &self.tmp_attrs {
            buf.push(b' ');
            buf.extend_from_slice(q.as_bytes());
            buf.extend_from_slice(b"=\"");
            escape_attr(buf, v.as_bytes());
            buf.push(b'"');
        }
        buf.push(b'>');
    }

    fn end_element(&mut self) {
        let frame = self
            .frames
            .pop()
            .expect("every end_element follows its start_element");
        self.buf.extend_from_slice(b"</");
        self.buf.extend_from_slice(frame.qname);
        self.buf.push(b'>');
        self.inscope.truncate(frame.inscope);
        self.rendered.truncate(frame.rendered);
    }
}

/// ` xmlns="u"` or ` xmlns:p="u"`.
fn write_ns_decl(buf: &mut Vec<u8>, doc: &Document, p: u32, u: u32) {
    if p == EMPTY {
        buf.extend_from_slice(b" xmlns=\"");
    } else {
        buf.extend_from_slice(b" xmlns:");
        buf.extend_from_slice(doc.names.bytes(p));
        buf.extend_from_slice(b"=\"");
    }
    escape_attr(buf, doc.names.bytes(u));
    buf.push(b'"');
}

/// String order for sorting names: the same interned string (the common case: two
/// unqualified attributes share the empty namespace) compares equal without a `memcmp`,
/// and an empty string never reaches `memcmp` either — glibc's vector `memcmp` does a
/// masked load even for length 0, which on a dangling pointer (an empty `&str` that does
/// not point into the document) costs a slow microcode assist (≈7% of a 10 MB parse +
/// c14n in a profile, when interned names were separate allocations).
#[inline]
fn cmp_str(a: &str, b: &str) -> std::cmp::Ordering {
    if std::ptr::eq(a, b) {
        return std::cmp::Ordering::Equal;
    }
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len());
    }
    a.cmp(b)
}

/// Escape classes: 0 = copy; otherwise an index into `ESCAPES`.
const fn table(attr: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b'&' as usize] = 1;
    t[b'<' as usize] = 2;
    t[b'\r' as usize] = 4;
    if attr {
        t[b'"' as usize] = 5;
        t[b'\t' as usize] = 6;
        t[b'\n' as usize] = 7;
    } else {
        t[b'>' as usize] = 3;
    }
    t
}

static TEXT: [u8; 256] = table(false);
static ATTR: [u8; 256] = table(true);
const ESCAPES: [&[u8]; 8] = [
    b"", b"&amp;", b"&lt;", b"&gt;", b"&#xD;", b"&quot;", b"&#x9;", b"&#xA;",
];

#[inline]
fn escape_with(buf: &mut Vec<u8>, b: &[u8], t: &[u8; 256]) {
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        let k = t[b[i] as usize];
        if k != 0 {
            buf.extend_from_slice(&b[last..i]);
            buf.extend_from_slice(ESCAPES[k as usize]);
            last = i + 1;
        }
        i += 1;
    }
    buf.extend_from_slice(&b[last..]);
}

/// Text node escaping: `&`, `<`, `>`, CR.
#[inline]
fn escape_text(buf: &mut Vec<u8>, b: &[u8]) {
    escape_with(buf, b, &TEXT)
}

/// Attribute value escaping: `&`, `<`, `"`, TAB, LF, CR.
#[inline]
fn escape_attr(buf: &mut Vec<u8>, b: &[u8]) {
    escape_with(buf, b, &ATTR)
}

#[cfg(test)]
mod tests {
    use super::cmp_str;

    #[test]
    fn cmp_str_orders_like_str_cmp() {
        let owned: Vec<String> = ["", "", "a", "a", "ab", "b", "urn:x", "urn:y", "Я"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for a in &owned {
            for b in &owned {
                assert_eq!(cmp_str(a, b), a.as_str().cmp(b.as_str()), "{a:?} vs {b:?}");
            }
            assert_eq!(cmp_str(a, a), std::cmp::Ordering::Equal);
        }
    }
}

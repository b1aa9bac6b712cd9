//! The compact arena tree: nodes in document order, addressed by [`NodeId`].

use std::ops::Range;

use crate::error::{Position, XmlError};
use crate::limits::ParseOptions;
use crate::names::{eq_short, Names};

pub(crate) const NONE: u32 = u32::MAX;

pub(crate) const K_DOCUMENT: u32 = 0;
pub(crate) const K_ELEMENT: u32 = 1;
pub(crate) const K_TEXT: u32 = 2;
pub(crate) const K_CDATA: u32 = 3;
pub(crate) const K_COMMENT: u32 = 4;
pub(crate) const K_PI: u32 = 5;
pub(crate) const F_OWNED: u32 = 1 << 3;
pub(crate) const F_SELF_CLOSING: u32 = 1 << 4;

/// One node. Elements: `a` = name-table entry, `b` = first attribute index, attribute count
/// in `meta >> 8`. Character data, comments and PIs: `a..a+b` is the content, in the source
/// text or (flag `F_OWNED`) in the owned buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub parent: u32,
    pub next: u32,
    pub start: u32,
    pub end: u32,
    pub a: u32,
    pub b: u32,
    pub meta: u32,
}

impl Node {
    #[inline]
    pub fn kind(&self) -> u32 {
        self.meta & 7
    }
    #[inline]
    pub fn attr_count(&self) -> u32 {
        self.meta >> 8
    }
}

pub(crate) const A_OWNED: u32 = 1;
pub(crate) const A_NS_DECL: u32 = 2;
pub(crate) const A_DTD_ID: u32 = 4;

/// One attribute or namespace declaration. Namespace declarations: `name` is the entry
/// whose `local` is the declared prefix (empty for the default namespace) and `vstart` is
/// the interned namespace URI.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr {
    pub name: u32,
    pub vstart: u32,
    pub vlen: u32,
    pub pos: u32,
    pub flags: u32,
}

/// The index of a node in a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The document node: parent of the root element and of top-level comments and PIs.
    pub const DOCUMENT: NodeId = NodeId(0);

    /// The raw index (document order: a node's index is smaller than its descendants').
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What kind of node a [`NodeId`] refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The document node ([`NodeId::DOCUMENT`]).
    Document,
    /// An element.
    Element,
    /// Character data (references expanded, line ends normalized).
    Text,
    /// A CDATA section (its content is character data).
    CData,
    /// A comment.
    Comment,
    /// A processing instruction.
    ProcessingInstruction,
}

/// An element or attribute name: namespace URI (empty when none), local name and prefix
/// (empty when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'a> {
    /// The namespace URI, or `""` for no namespace.
    pub namespace: &'a str,
    /// The local name.
    pub local: &'a str,
    /// The prefix as written, or `""`.
    pub prefix: &'a str,
}

impl Name<'_> {
    /// Does this name have namespace `ns` and local name `local`?
    pub fn is(&self, ns: &str, local: &str) -> bool {
        eq_short(self.local.as_bytes(), local.as_bytes())
            && eq_short(self.namespace.as_bytes(), ns.as_bytes())
    }
}

/// An attribute of an element (namespace declarations are not attributes; see
/// [`Document::namespace_declarations`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// Its name (unprefixed attributes have no namespace).
    pub name: Name<'a>,
    /// Its normalized value (references expanded, whitespace normalized).
    pub value: &'a str,
    /// Whether the DTD internal subset declares it with type `ID`.
    pub dtd_id: bool,
    /// Byte offset of the attribute name in [`Document::source`] (the element start for an
    /// attribute defaulted from the DTD).
    pub offset: usize,
}

/// A namespace binding: prefix (empty for the default namespace) and URI (empty for an
/// undeclaration `xmlns=""`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Namespace<'a> {
    /// The prefix, or `""` for the default namespace.
    pub prefix: &'a str,
    /// The namespace URI.
    pub uri: &'a str,
}

/// A parsed XML document: the decoded UTF-8 source plus a compact tree over it.
#[derive(Debug)]
pub struct Document {
    pub(crate) text: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) owned: String,
    pub(crate) names: Names,
    pub(crate) root: u32,
    /// Line:column lookups, built on the first [`Document::position`] call.
    pub(crate) positions: std::sync::OnceLock<crate::error::PositionIndex>,
}

impl Document {
    /// Parse `bytes` (UTF-8 with or without BOM, UTF-16 with BOM, or a legacy encoding
    /// declared in the XML declaration).
    ///
    /// ```
    /// use tanba_xml::{Document, ParseOptions};
    /// let doc = Document::parse(b"<a xmlns='urn:x'><b/></a>", &ParseOptions::default()).unwrap();
    /// let root = doc.root_element();
    /// assert!(doc.name(root).is("urn:x", "a"));
    /// ```
    pub fn parse(bytes: &[u8], options: &ParseOptions) -> Result<Document, XmlError> {
        Self::check_size(bytes.len(), options)?;
        Self::parse_vec(bytes.to_vec(), options)
    }

    /// Like [`Document::parse`], but takes ownership of the buffer and reuses it when the
    /// input already is UTF-8 (no copy of large documents).
    pub fn parse_vec(bytes: Vec<u8>, options: &ParseOptions) -> Result<Document, XmlError> {
        Self::check_size(bytes.len(), options)?;
        let text = crate::encoding::decode(bytes)?;
        Self::check_size(text.len(), options)?;
        crate::parser::build(text, options)
    }

    fn check_size(len: usize, options: &ParseOptions) -> Result<(), XmlError> {
        let max = options.limits.total_size().min(u32::MAX as usize - 1);
        if len > max {
            return Err(XmlError::LimitExceeded {
                at: Position {
                    offset: 0,
                    line: 1,
                    column: 1,
                },
                limit: crate::error::LimitKind::TotalSize,
                max,
            });
        }
        Ok(())
    }

    /// The decoded UTF-8 text of the document (without byte order mark). Every offset
    /// and range this API reports refers to it.
    ///
    /// For a document that was not UTF-8 (UTF-16, windows-1251, KOI8-R, ISO-8859-x) this text
    /// still carries the original XML declaration, whose `encoding` no longer matches: a
    /// caller writing it out as UTF-8 must rewrite or drop that declaration.
    pub fn source(&self) -> &str {
        &self.text
    }

    /// The root (document) element.
    pub fn root_element(&self) -> NodeId {
        NodeId(self.root)
    }

    /// Number of nodes, the document node included.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    #[inline]
    pub(crate) fn node(&self, n: NodeId) -> &Node {
        &self.nodes[n.0 as usize]
    }

    /// The kind of node `n`.
    pub fn kind(&self, n: NodeId) -> NodeKind {
        match self.node(n).kind() {
            K_DOCUMENT => NodeKind::Document,
            K_ELEMENT => NodeKind::Element,
            K_TEXT => NodeKind::Text,
            K_CDATA => NodeKind::CData,
            K_COMMENT => NodeKind::Comment,
            _ => NodeKind::ProcessingInstruction,
        }
    }

    /// Is `n` an element?
    pub fn is_element(&self, n: NodeId) -> bool {
        self.node(n).kind() == K_ELEMENT
    }

    /// The parent ([`NodeId::DOCUMENT`] for the root element); `None` for the document node.
    pub fn parent(&self, n: NodeId) -> Option<NodeId> {
        let p = self.node(n).parent;
        (p != NONE).then_some(NodeId(p))
    }

    /// The first child, if any.
    pub fn first_child(&self, n: NodeId) -> Option<NodeId> {
        let c = n.0 + 1;
        self.nodes
            .get(c as usize)
            .filter(|c| c.parent == n.0)
            .map(|_| NodeId(c))
    }

    /// The next sibling, if any.
    pub fn next_sibling(&self, n: NodeId) -> Option<NodeId> {
        let s = self.node(n).next;
        (s != NONE).then_some(NodeId(s))
    }

    /// The children of `n`, in document order.
    pub fn children(&self, n: NodeId) -> Children<'_> {
        Children {
            doc: self,
            next: self.first_child(n),
        }
    }

    /// The element children of `n`, in document order.
    pub fn child_elements(&self, n: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(n).filter(|&c| self.is_element(c))
    }

    /// `n` and all its descendants, in document order.
    pub fn descendants(&self, n: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let end = self.subtree_end(n);
        (n.0..end).map(NodeId)
    }

    /// One past the last node of `n`'s subtree (nodes are stored in document order).
    pub(crate) fn subtree_end(&self, n: NodeId) -> u32 {
        let mut cur = n.0;
        loop {
            let node = &self.nodes[cur as usize];
            if node.next != NONE {
                return node.next;
            }
            if node.parent == NONE {
                return self.nodes.len() as u32;
            }
            cur = node.parent;
        }
    }

    /// Is `a` an ancestor of `n` or `n` itself?
    pub fn is_ancestor_or_self(&self, a: NodeId, n: NodeId) -> bool {
        let mut cur = Some(n);
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            if c.0 < a.0 {
                return false;
            }
            cur = self.parent(c);
        }
        false
    }

    /// The first element (in document order) with namespace `ns` and local name `local`.
    pub fn find_element(&self, ns: &str, local: &str) -> Option<NodeId> {
        let l = self.names.get(local)?;
        let n = self.names.get(ns)?;
        self.nodes.iter().enumerate().find_map(|(i, node)| {
            if node.kind() != K_ELEMENT {
                return None;
            }
            let e = &self.names.entries[node.a as usize];
            (e.local == l && e.ns == n).then_some(NodeId(i as u32))
        })
    }

    /// The name of element `el` (all fields empty for other node kinds).
    pub fn name(&self, el: NodeId) -> Name<'_> {
        let node = self.node(el);
        if node.kind() != K_ELEMENT {
            return Name {
                namespace: "",
                local: "",
                prefix: "",
            };
        }
        self.entry_name(node.a)
    }

    pub(crate) fn entry_name(&self, entry: u32) -> Name<'_> {
        let e = &self.names.entries[entry as usize];
        Name {
            namespace: self.names.str(e.ns),
            local: self.names.str(e.local),
            prefix: self.names.str(e.prefix),
        }
    }

    /// The qualified name of element `el` as written (`prefix:local` or `local`).
    pub fn qualified_name(&self, el: NodeId) -> &str {
        let node = self.node(el);
        if node.kind() != K_ELEMENT {
            return "";
        }
        self.names.str(self.names.entries[node.a as usize].qname)
    }

    pub(crate) fn raw_attrs(&self, el: NodeId) -> &[Attr] {
        let node = self.node(el);
        if node.kind() != K_ELEMENT {
            return &[];
        }
        let s = node.b as usize;
        &self.attrs[s..s + node.attr_count() as usize]
    }

    #[inline]
    pub(crate) fn attr_value(&self, a: &Attr) -> &str {
        if a.flags & A_NS_DECL != 0 {
            return self.names.str(a.vstart);
        }
        let (s, e) = (a.vstart as usize, (a.vstart + a.vlen) as usize);
        if a.flags & A_OWNED != 0 {
            &self.owned[s..e]
        } else {
            &self.text[s..e]
        }
    }

    /// The attributes of element `el`, in document order (namespace declarations excluded).
    pub fn attributes(&self, el: NodeId) -> impl Iterator<Item = Attribute<'_>> + '_ {
        self.raw_attrs(el)
            .iter()
            .filter(|a| a.flags & A_NS_DECL == 0)
            .map(move |a| Attribute {
                name: self.entry_name(a.name),
                value: self.attr_value(a),
                dtd_id: a.flags & A_DTD_ID != 0,
                offset: a.pos as usize,
            })
    }

    /// The value of the attribute of `el` with namespace `ns` (`""` for unprefixed
    /// attributes) and local name `local`.
    pub fn attribute(&self, el: NodeId, ns: &str, local: &str) -> Option<&str> {
        // Compared on the interned bytes, without building each Attribute.
        self.raw_attrs(el)
            .iter()
            .find(|a| {
                let e = &self.names.entries[a.name as usize];
                a.flags & A_NS_DECL == 0
                    && eq_short(self.names.bytes(e.local), local.as_bytes())
                    && eq_short(self.names.bytes(e.ns), ns.as_bytes())
            })
            .map(|a| self.attr_value(a))
    }

    /// The namespace declarations written on element `el` (`xmlns` / `xmlns:p`).
    pub fn namespace_declarations(&self, el: NodeId) -> impl Iterator<Item = Namespace<'_>> + '_ {
        self.raw_attrs(el)
            .iter()
            .filter(|a| a.flags & A_NS_DECL != 0)
            .map(move |a| Namespace {
                prefix: self.names.str(self.names.entries[a.name as usize].local),
                uri: self.names.str(a.vstart),
            })
    }

    /// The namespaces in scope at element `el` (nearest declaration wins), the implicit
    /// `xml` binding excluded; a default namespace undeclared with `xmlns=""` is omitted.
    pub fn in_scope_namespaces(&self, el: NodeId) -> Vec<Namespace<'_>> {
        let mut out: Vec<Namespace<'_>> = Vec::new();
        let mut cur = Some(el);
        while let Some(c) = cur {
            if !self.is_element(c) {
                break;
            }
            for ns in self.namespace_declarations(c) {
                if !out.iter().any(|o| o.prefix == ns.prefix) {
                    out.push(ns);
                }
            }
            cur = self.parent(c);
        }
        out.retain(|n| !n.uri.is_empty());
        out
    }

    /// The namespace URI bound to `prefix` (`""` = default namespace) at element `el`.
    pub fn lookup_namespace(&self, el: NodeId, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(crate::XML_NS);
        }
        let mut cur = Some(el);
        while let Some(c) = cur {
            if !self.is_element(c) {
                break;
            }
            if let Some(ns) = self.namespace_declarations(c).find(|n| n.prefix == prefix) {
                return (!ns.uri.is_empty()).then_some(ns.uri);
            }
            cur = self.parent(c);
        }
        None
    }

    /// The content of a text, CDATA, comment or PI node (for a PI: target and data);
    /// `""` for elements and the document node.
    pub fn node_text(&self, n: NodeId) -> &str {
        let node = self.node(n);
        match node.kind() {
            K_TEXT | K_CDATA | K_COMMENT | K_PI => {
                let (s, e) = (node.a as usize, (node.a + node.b) as usize);
                if node.meta & F_OWNED != 0 {
                    &self.owned[s..e]
                } else {
                    &self.text[s..e]
                }
            }
            _ => "",
        }
    }

    /// The content bytes of a character-data node (text or CDATA), for the canonicalizer:
    /// no kind dispatch and no char-boundary checks (the range was cut at markup).
    #[inline]
    pub(crate) fn char_data_bytes(&self, node: &Node) -> &[u8] {
        let (s, e) = (node.a as usize, (node.a + node.b) as usize);
        if node.meta & F_OWNED != 0 {
            &self.owned.as_bytes()[s..e]
        } else {
            &self.text.as_bytes()[s..e]
        }
    }

    /// Target and data of a processing instruction (`None` for other kinds).
    pub fn pi(&self, n: NodeId) -> Option<(&str, &str)> {
        if self.node(n).kind() != K_PI {
            return None;
        }
        let t = self.node_text(n);
        let cut = t.find([' ', '\t', '\r', '\n']).unwrap_or(t.len());
        let data = t[cut..].trim_start_matches([' ', '\t', '\r', '\n']);
        Some((&t[..cut], data))
    }

    /// The concatenated character data of `n` and its descendants (XPath string-value).
    pub fn text_content(&self, n: NodeId) -> String {
        let mut s = String::new();
        for d in self.descendants(n) {
            if matches!(self.node(d).kind(), K_TEXT | K_CDATA) {
                s.push_str(self.node_text(d));
            }
        }
        s
    }

    /// Where node `n` starts in the source. The first call indexes the text in one pass;
    /// every call then costs at most a few kilobytes of scanning, however large the
    /// document and however many positions are asked for.
    pub fn position(&self, n: NodeId) -> Position {
        self.positions
            .get_or_init(|| crate::error::PositionIndex::new(&self.text))
            .position(&self.text, self.node(n).start as usize)
    }

    /// The byte range of node `n` in [`Document::source`] (for an element: from `<` of the
    /// start tag to `>` of the end tag).
    pub fn range(&self, n: NodeId) -> Range<usize> {
        let node = self.node(n);
        node.start as usize..node.end as usize
    }

    /// Was element `el` written as an empty-element tag `<x/>`?
    pub fn is_self_closing(&self, el: NodeId) -> bool {
        self.node(el).meta & F_SELF_CLOSING != 0
    }

    /// The byte range of the start tag of element `el` (the whole `<x/>` when
    /// self-closing) in [`Document::source`].
    pub fn start_tag_range(&self, el: NodeId) -> Range<usize> {
        let node = self.node(el);
        let (s, e) = (node.start as usize, node.end as usize);
        if node.meta & F_SELF_CLOSING != 0 {
            return s..e;
        }
        let b = self.text.as_bytes();
        let mut i = s;
        let mut quote = 0u8;
        while i < e {
            let c = b[i];
            if quote != 0 {
                if c == quote {
                    quote = 0;
                }
            } else if c == b'"' || c == b'\'' {
                quote = c;
            } else if c == b'>' {
                return s..i + 1;
            }
            i += 1;
        }
        s..e
    }

    /// The byte range of the end tag `</x>` of element `el` in [`Document::source`];
    /// `None` when the element is self-closing (a signer then has to rewrite `<x/>`).
    pub fn end_tag_range(&self, el: NodeId) -> Option<Range<usize>> {
        let node = self.node(el);
        if node.kind() != K_ELEMENT || node.meta & F_SELF_CLOSING != 0 {
            return None;
        }
        let (s, e) = (node.start as usize, node.end as usize);
        let lt = memchr::memrchr(b'<', &self.text.as_bytes()[s..e])?;
        Some(s + lt..e)
    }

    #[inline]
    pub(crate) fn sym(&self, id: u32) -> &str {
        self.names.str(id)
    }
}

/// Iterator over the children of a node.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    doc: &'a Document,
    next: Option<NodeId>,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let n = self.next?;
        self.next = self.doc.next_sibling(n);
        Some(n)
    }
}

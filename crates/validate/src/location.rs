//! Where an element is: a path of local names with positions, line:column and the byte
//! range, so that a caller can bind a signed element to the one it reads.

use std::collections::HashMap;

use serde::Serialize;
use tanba_xml::{Document, NodeId};

/// The position of an element in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The qualified name as written (`soap:Body`).
    pub name: String,
    /// The path from the root: local names with the 1-based position among the siblings
    /// of the same expanded name (`/Envelope[1]/Body[1]/Order[1]`).
    pub path: String,
    /// 1-based line of the start tag.
    pub line: usize,
    /// 1-based column of the start tag, in characters.
    pub column: usize,
    /// The element's byte range `[start, end)` (start tag to end tag) in the document's
    /// UTF-8 text — the input itself for a UTF-8 document.
    pub byte_range: [usize; 2],
}

impl Location {
    /// The location of element `el` of `doc` (for many elements of one document, use a
    /// [`Locator`]).
    pub fn of(doc: &Document, el: NodeId) -> Location {
        Locator::new(doc).locate(el)
    }
}

/// Locates many elements of one document at a cost bounded by the document: each parent's
/// children are counted once, line:column comes from the document's position index, and
/// a location asked for twice is computed once — so a hostile document cannot make the
/// report quadratic.
pub(crate) struct Locator<'d> {
    doc: &'d Document,
    /// Per parent: the 1-based position of each child element among its siblings of the
    /// same expanded name.
    siblings: HashMap<NodeId, HashMap<NodeId, usize>>,
    done: HashMap<NodeId, Location>,
}

impl<'d> Locator<'d> {
    pub(crate) fn new(doc: &'d Document) -> Self {
        Locator {
            doc,
            siblings: HashMap::new(),
            done: HashMap::new(),
        }
    }

    /// The document located in.
    pub(crate) fn document(&self) -> &'d Document {
        self.doc
    }

    pub(crate) fn locate(&mut self, el: NodeId) -> Location {
        if let Some(l) = self.done.get(&el) {
            return l.clone();
        }
        let doc = self.doc;
        let mut steps = Vec::new();
        let mut cur = Some(el);
        while let Some(n) = cur.filter(|&n| doc.is_element(n)) {
            let position = match doc.parent(n) {
                Some(p) => self
                    .siblings
                    .entry(p)
                    .or_insert_with(|| sibling_positions(doc, p))
                    .get(&n)
                    .copied()
                    .unwrap_or(1),
                None => 1,
            };
            steps.push(format!("/{}[{position}]", doc.name(n).local));
            cur = doc.parent(n);
        }
        steps.reverse();
        let pos = doc.position(el);
        let range = doc.range(el);
        let l = Location {
            name: doc.qualified_name(el).to_owned(),
            path: steps.concat(),
            line: pos.line,
            column: pos.column,
            byte_range: [range.start, range.end],
        };
        self.done.insert(el, l.clone());
        l
    }
}

/// The position of every child element of `parent` among its siblings of the same
/// expanded name, in one pass.
fn sibling_positions(doc: &Document, parent: NodeId) -> HashMap<NodeId, usize> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut out = HashMap::new();
    for c in doc.child_elements(parent) {
        let name = doc.name(c);
        let k = seen.entry((name.namespace, name.local)).or_insert(0);
        *k += 1;
        out.insert(c, *k);
    }
    out
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}:{}", self.path, self.line, self.column)
    }
}

//! Where an element is: a path of local names with positions, line:column and the byte
//! range, so that a caller can bind a signed element to the one it reads.

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
    /// The location of element `el` of `doc`.
    pub fn of(doc: &Document, el: NodeId) -> Location {
        let mut steps = Vec::new();
        let mut cur = Some(el);
        while let Some(n) = cur.filter(|&n| doc.is_element(n)) {
            let name = doc.name(n);
            let position = match doc.parent(n) {
                Some(p) => {
                    doc.child_elements(p)
                        .take_while(|&s| s != n)
                        .filter(|&s| doc.name(s).is(name.namespace, name.local))
                        .count()
                        + 1
                }
                None => 1,
            };
            steps.push(format!("/{}[{position}]", name.local));
            cur = doc.parent(n);
        }
        steps.reverse();
        let pos = doc.position(el);
        let range = doc.range(el);
        Location {
            name: doc.qualified_name(el).to_owned(),
            path: steps.concat(),
            line: pos.line,
            column: pos.column,
            byte_range: [range.start, range.end],
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}:{}", self.path, self.line, self.column)
    }
}

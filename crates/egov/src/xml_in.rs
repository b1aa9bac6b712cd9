//! Reading the documents back: a strict, in-order walk over the child elements of a
//! tanba-xml tree, with errors that name the element path, line and column.

use std::iter::Peekable;
use std::str::FromStr;

use tanba_xml::{Document, NodeId, NodeKind};

use crate::error::EgovError;

/// The XMLDSig namespace: `ds:Signature` elements may follow the content of a root.
pub(crate) const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// A cursor over the element children of one element, all expected in namespace `ns`.
pub(crate) struct Elems<'d> {
    doc: &'d Document,
    ns: &'d str,
    parent: NodeId,
    path: String,
    iter: Peekable<Box<dyn Iterator<Item = NodeId> + 'd>>,
}

pub(crate) fn schema_err(
    doc: &Document,
    node: NodeId,
    path: &str,
    msg: impl Into<String>,
) -> EgovError {
    let p = doc.position(node);
    EgovError::Schema {
        path: path.to_string(),
        line: p.line,
        column: p.column,
        message: msg.into(),
    }
}

impl<'d> Elems<'d> {
    pub(crate) fn new(
        doc: &'d Document,
        ns: &'d str,
        parent: NodeId,
        path: String,
    ) -> Result<Self, EgovError> {
        check_attributes(doc, parent, &path)?;
        // Only white space may sit between elements of these documents.
        for c in doc.children(parent) {
            if let NodeKind::Text = doc.kind(c) {
                if !doc.node_text(c).chars().all(|ch| ch.is_ascii_whitespace()) {
                    return Err(schema_err(
                        doc,
                        c,
                        &path,
                        "unexpected text between elements",
                    ));
                }
            }
        }
        let it: Box<dyn Iterator<Item = NodeId> + 'd> = Box::new(doc.child_elements(parent));
        Ok(Elems {
            doc,
            ns,
            parent,
            path,
            iter: it.peekable(),
        })
    }

    /// A cursor over the children of the document element, which must be
    /// `{crate::NAMESPACE}local` (an error naming what was found otherwise).
    pub(crate) fn root(doc: &'d Document, local: &str) -> Result<Self, EgovError> {
        let root = doc.root_element();
        if !doc.name(root).is(crate::NAMESPACE, local) {
            return Err(schema_err(
                doc,
                root,
                "",
                format!(
                    "expected {{{}}}{local}, found {}",
                    crate::NAMESPACE,
                    doc.qualified_name(root)
                ),
            ));
        }
        Elems::new(doc, crate::NAMESPACE, root, local.into())
    }

    pub(crate) fn doc(&self) -> &'d Document {
        self.doc
    }

    fn child_path(&self, local: &str) -> String {
        format!("{}/{}", self.path, local)
    }

    fn peek_is(&mut self, local: &str) -> bool {
        let (doc, ns) = (self.doc, self.ns);
        matches!(self.iter.peek(), Some(&n) if doc.name(n).is(ns, local))
    }

    /// The next element, which must be `local`.
    pub(crate) fn req(&mut self, local: &str) -> Result<(NodeId, String), EgovError> {
        if self.peek_is(local) {
            let n = self.iter.next().unwrap_or(self.parent);
            return Ok((n, self.child_path(local)));
        }
        Err(match self.iter.peek() {
            Some(&n) => schema_err(
                self.doc,
                n,
                &self.path,
                format!(
                    "expected element {local}, found {}",
                    self.doc.qualified_name(n)
                ),
            ),
            None => schema_err(
                self.doc,
                self.parent,
                &self.path,
                format!("missing element {local}"),
            ),
        })
    }

    /// The next element, which must be `local`, as a cursor over its children.
    pub(crate) fn req_elems(&mut self, local: &str) -> Result<Elems<'d>, EgovError> {
        let (n, p) = self.req(local)?;
        Elems::new(self.doc, self.ns, n, p)
    }

    /// The next element if it is `local`, as a cursor over its children.
    pub(crate) fn opt_elems(&mut self, local: &str) -> Result<Option<Elems<'d>>, EgovError> {
        match self.opt(local) {
            Some((n, p)) => Elems::new(self.doc, self.ns, n, p).map(Some),
            None => Ok(None),
        }
    }

    /// The next element if it is `local`.
    pub(crate) fn opt(&mut self, local: &str) -> Option<(NodeId, String)> {
        if self.peek_is(local) {
            let n = self.iter.next()?;
            Some((n, self.child_path(local)))
        } else {
            None
        }
    }

    /// All consecutive next elements named `local`.
    pub(crate) fn many(&mut self, local: &str) -> Vec<(NodeId, String)> {
        let mut v = Vec::new();
        let mut i = 0;
        while self.peek_is(local) {
            if let Some(n) = self.iter.next() {
                v.push((n, format!("{}/{}[{}]", self.path, local, i)));
                i += 1;
            }
        }
        v
    }

    /// The local name of the next element, if any (for choices).
    pub(crate) fn peek_local(&mut self) -> Option<&'d str> {
        let doc = self.doc;
        let ns = self.ns;
        match self.iter.peek() {
            Some(&n) if doc.name(n).namespace == ns => Some(doc.name(n).local),
            _ => None,
        }
    }

    /// Required text child parsed with `FromStr`.
    pub(crate) fn req_val<T: FromStr<Err = crate::values::ValueError>>(
        &mut self,
        local: &str,
    ) -> Result<T, EgovError> {
        let (n, p) = self.req(local)?;
        value(self.doc, n, &p)
    }

    /// Optional text child parsed with `FromStr`.
    pub(crate) fn opt_val<T: FromStr<Err = crate::values::ValueError>>(
        &mut self,
        local: &str,
    ) -> Result<Option<T>, EgovError> {
        match self.opt(local) {
            Some((n, p)) => value(self.doc, n, &p).map(Some),
            None => Ok(None),
        }
    }

    /// No elements may remain, except (when `allow_signatures`) `ds:Signature` elements.
    pub(crate) fn end(mut self, allow_signatures: bool) -> Result<(), EgovError> {
        for n in self.iter.by_ref() {
            if allow_signatures && self.doc.name(n).is(DSIG_NS, "Signature") {
                continue;
            }
            return Err(schema_err(
                self.doc,
                n,
                &self.path,
                format!("unexpected element {}", self.doc.qualified_name(n)),
            ));
        }
        Ok(())
    }
}

/// The attributes the schema allows, by element local name (namespace declarations are
/// not attributes); anything else is refused, as `xmllint --schema` would.
fn allowed_attributes(local: &str) -> &'static [&'static str] {
    match local {
        "Applicant" | "PowerOfAttorney" => &["kind"],
        "Section" => &["title"],
        "Field" => &["key"],
        _ => &[],
    }
}

fn check_attributes(doc: &Document, el: NodeId, path: &str) -> Result<(), EgovError> {
    let allowed = allowed_attributes(doc.name(el).local);
    for a in doc.attributes(el) {
        if !a.name.namespace.is_empty() || !allowed.contains(&a.name.local) {
            return Err(schema_err(
                doc,
                el,
                path,
                format!("unexpected attribute {}", a.name.local),
            ));
        }
    }
    Ok(())
}

/// The text of a leaf element, parsed with `FromStr`.
pub(crate) fn value<T: FromStr<Err = crate::values::ValueError>>(
    doc: &Document,
    n: NodeId,
    path: &str,
) -> Result<T, EgovError> {
    check_attributes(doc, n, path)?;
    if doc.child_elements(n).next().is_some() {
        return Err(schema_err(
            doc,
            n,
            path,
            "expected text, found child elements",
        ));
    }
    doc.text_content(n)
        .parse()
        .map_err(|m: crate::values::ValueError| schema_err(doc, n, path, m))
}

/// A required attribute (no namespace) parsed with `FromStr`.
pub(crate) fn attr<T: FromStr<Err = crate::values::ValueError>>(
    doc: &Document,
    n: NodeId,
    path: &str,
    name: &str,
) -> Result<T, EgovError> {
    let v = doc
        .attribute(n, "", name)
        .ok_or_else(|| schema_err(doc, n, path, format!("missing attribute {name}")))?;
    v.parse()
        .map_err(|m: crate::values::ValueError| schema_err(doc, n, &format!("{path}/@{name}"), m))
}

//! A generator of small namespace-valid documents for property tests.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use proptest::prelude::*;

/// Runs libxml2's `xmllint` with `args`, feeding `stdin` when given (then an argument
/// `-` reads it); a missing tool fails the test with what to install.
pub fn xmllint(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new("xmllint");
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("xmllint is required for this test (apt-get install libxml2-utils): {e}")
    });
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write to xmllint");
    }
    child.wait_with_output().expect("xmllint")
}

const PREFIXES: &[&str] = &["", "a", "b", "ds"];
const URIS: &[&str] = &["urn:a", "urn:b", "http://www.w3.org/2000/09/xmldsig#", ""];

#[derive(Debug, Clone)]
pub enum Item {
    Text(String),
    Comment(String),
    Pi(String),
    Elem(Box<Elem>),
}

#[derive(Debug, Clone)]
pub struct Elem {
    prefix: usize,
    local: String,
    decls: Vec<(usize, usize)>,
    attrs: Vec<(usize, String, String)>,
    children: Vec<Item>,
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Zа-яӘәҚқ0-9 <>&\"'\r\n\t]{0,12}").unwrap()
}

pub fn elem() -> impl Strategy<Value = Elem> {
    let leaf = (
        0..PREFIXES.len(),
        "[a-z]{1,3}",
        proptest::collection::vec((0..PREFIXES.len(), 0..URIS.len()), 0..3),
        proptest::collection::vec((0..PREFIXES.len(), "[a-z]{1,2}", text()), 0..3),
    )
        .prop_map(|(prefix, local, decls, attrs)| Elem {
            prefix,
            local,
            decls,
            attrs,
            children: Vec::new(),
        });
    leaf.prop_recursive(4, 24, 4, |inner| {
        (
            inner,
            proptest::collection::vec(
                prop_oneof![
                    text().prop_map(Item::Text),
                    "[a-z ]{0,6}".prop_map(Item::Comment),
                    "[a-z ]{0,6}".prop_map(Item::Pi),
                    inner_elem(),
                ],
                0..4,
            ),
        )
            .prop_map(|(mut e, children)| {
                e.children = children;
                e
            })
    })
}

fn inner_elem() -> impl Strategy<Value = Item> {
    (0..PREFIXES.len(), "[a-z]{1,3}").prop_map(|(prefix, local)| {
        Item::Elem(Box::new(Elem {
            prefix,
            local,
            decls: vec![],
            attrs: vec![],
            children: vec![],
        }))
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
        .replace('\r', "&#13;")
}

/// Serialize, declaring every prefix the element uses so the document is namespace-valid.
pub fn write(e: &Elem, out: &mut String) {
    let qn = |p: usize, l: &str| {
        if PREFIXES[p].is_empty() {
            l.to_owned()
        } else {
            format!("{}:{l}", PREFIXES[p])
        }
    };
    let name = qn(e.prefix, &e.local);
    out.push('<');
    out.push_str(&name);
    let mut declared: Vec<usize> = Vec::new();
    for &(p, u) in &e.decls {
        if declared.contains(&p) || (URIS[u].is_empty() && !PREFIXES[p].is_empty()) {
            continue;
        }
        declared.push(p);
        if PREFIXES[p].is_empty() {
            out.push_str(&format!(" xmlns=\"{}\"", URIS[u]));
        } else {
            out.push_str(&format!(" xmlns:{}=\"{}\"", PREFIXES[p], URIS[u]));
        }
    }
    let mut used = vec![e.prefix];
    used.extend(e.attrs.iter().map(|a| a.0));
    for p in used {
        if !PREFIXES[p].is_empty() && !declared.contains(&p) {
            declared.push(p);
            out.push_str(&format!(" xmlns:{}=\"{}\"", PREFIXES[p], URIS[p % 3]));
        }
    }
    let mut seen = Vec::new();
    for (p, l, v) in &e.attrs {
        // Avoid duplicates by expanded name: keep one attribute per local name.
        if seen.contains(l) {
            continue;
        }
        seen.push(l.clone());
        out.push_str(&format!(" {}=\"{}\"", qn(*p, l), esc(v)));
    }
    out.push('>');
    for c in &e.children {
        match c {
            Item::Text(t) => out.push_str(&esc(t).replace('>', "&gt;")),
            Item::Comment(t) => out.push_str(&format!("<!--{t}-->")),
            Item::Pi(t) => out.push_str(&format!("<?pi {t}?>")),
            Item::Elem(e) => write(e, out),
        }
    }
    out.push_str(&format!("</{name}>"));
}

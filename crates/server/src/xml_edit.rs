//! NCANode's `/xml/sign` and `/wsse/sign` preparations: `clearSignatures` (remove the
//! `ds:Signature` children of the root, found by namespace, every one of them — NCANode
//! skips every other one) and `trimXml` (remove whitespace-only text nodes).

use tanba_xml::{Document, NodeKind, ParseOptions};

const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// `xml` with the asked removals made, by cutting the nodes' byte ranges out of the
/// source (everything else is kept byte for byte).
pub(crate) fn prepare(
    xml: &str,
    clear_signatures: bool,
    trim: bool,
) -> Result<String, tanba_xml::XmlError> {
    if !clear_signatures && !trim {
        return Ok(xml.to_string());
    }
    let doc = Document::parse(xml.as_bytes(), &ParseOptions::default())?;
    let root = doc.root_element();
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    if clear_signatures {
        cut.extend(
            doc.child_elements(root)
                .filter(|&e| doc.name(e).is(DSIG_NS, "Signature"))
                .map(|e| doc.range(e)),
        );
    }
    if trim {
        for n in doc.descendants(tanba_xml::NodeId::DOCUMENT) {
            if doc.kind(n) == NodeKind::Text
                && doc.node_text(n).chars().all(|c| c.is_ascii_whitespace())
                && doc.parent(n).is_some_and(|p| doc.is_element(p))
            {
                let r = doc.range(n);
                // a text node inside a removed signature is already gone
                if !cut.iter().any(|c| c.start <= r.start && r.end <= c.end) {
                    cut.push(r);
                }
            }
        }
    }
    cut.sort_by_key(|r| r.start);
    let src = doc.source();
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for r in cut {
        if r.start < at {
            continue;
        }
        out.push_str(&src[at..r.start]);
        at = r.end;
    }
    out.push_str(&src[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_root_signature_goes_whatever_its_prefix() {
        let xml = r#"<a><b/><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/><x:Signature xmlns:x="urn:other"/></a>"#;
        let out = prepare(xml, true, false).unwrap();
        assert_eq!(out, r#"<a><b/><x:Signature xmlns:x="urn:other"/></a>"#);
    }

    #[test]
    fn blank_text_goes_and_other_text_stays() {
        let out = prepare("<a>\n  <b> x </b>\n</a>", false, true).unwrap();
        assert_eq!(out, "<a><b> x </b></a>");
    }
}

//! The `dsig-reference` rows of `xmlsec-corpus/c14n/MANIFEST.tsv`, reproduced through
//! tanba-dsig's reference processing: the exact octets each Reference digests. Rows that
//! need an XPath filter transform (or an external URI) are listed as unsupported, by name.

mod common;

use tanba_dsig::{reference_digest_input, DsigError};

#[test]
fn dsig_reference_rows() {
    let rows = common::read_manifest("c14n/MANIFEST.tsv");
    let mut reproduced = Vec::new();
    let mut unsupported = Vec::new();
    for row in rows
        .iter()
        .filter(|r| r["node_set"].starts_with("dsig-reference #"))
    {
        let spec = &row["node_set"];
        let index: usize = spec["dsig-reference #".len()..]
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let xml = std::fs::read(tanba_testdata::corpus(&row["file_in"])).unwrap();
        let got = reference_digest_input(&xml, 0, index);
        let label = format!("{} #{index}", row["file_in"]);
        if spec.contains("XPath filter") || !spec.contains("URI=\"#") && !spec.contains("URI=\"\"")
        {
            // must be refused by name, never approximated
            match got {
                Err(e @ DsigError::UnsupportedAlgorithm { .. })
                | Err(e @ DsigError::UnsupportedReferenceUri { .. }) => {
                    let named = e.to_string();
                    assert!(
                        named.contains("REC-xpath-19991116") || named.contains("URI"),
                        "{label}: refused without naming what: {named}"
                    );
                    unsupported.push(label);
                }
                // refused earlier, by the parser: an ATTLIST default (issue 12, item 5)
                Err(DsigError::Xml(m)) if m.contains("ATTLIST gives attribute") => {
                    unsupported.push(label);
                }
                other => panic!("{label}: expected an unsupported-transform error, got {other:?}"),
            }
            continue;
        }
        let expected = std::fs::read(tanba_testdata::corpus(&row["expected_file"])).unwrap();
        let got = got.unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "{label}"
        );
        reproduced.push(label);
    }
    println!("reproduced byte-exact ({}):", reproduced.len());
    for r in &reproduced {
        println!("  {r}");
    }
    println!(
        "unsupported (XPath filter transform / external URI) ({}):",
        unsupported.len()
    );
    for u in &unsupported {
        println!("  {u}");
    }
    assert_eq!(reproduced.len() + unsupported.len(), 69);
    assert!(
        reproduced.len() >= 4,
        "the xpointer(id()) rows of Y1 must be reproduced"
    );
}

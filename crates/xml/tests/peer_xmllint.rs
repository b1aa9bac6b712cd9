//! Differential test against an independent implementation: libxml2's `xmllint --c14n`
//! (inclusive, with comments) and `--exc-c14n` (exclusive, with comments) on generated
//! documents must give exactly our bytes. `xmllint` must be installed (`.ci/run` installs
//! libxml2-utils with xmlsec1); a missing tool fails the test with a clear message.

use proptest::prelude::*;

mod common;
use common::{elem, write};
use tanba_xml::c14n::{canonicalize_to_vec, C14nOptions, NodeSet};
use tanba_xml::{Document, ParseOptions};

fn xmllint(flag: &str, doc: &str) -> Vec<u8> {
    let out = common::xmllint(&[flag, "-"], Some(doc.as_bytes()));
    assert!(
        out.status.success(),
        "xmllint {flag} failed: {}\n{doc}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn same_bytes_as_libxml2(e in elem()) {
        let mut src = String::new();
        write(&e, &mut src);
        let doc = Document::parse(src.as_bytes(), &ParseOptions::default()).unwrap();
        let ours = canonicalize_to_vec(&doc, &C14nOptions::inclusive().with_comments(true), &NodeSet::document()).unwrap();
        let peer = xmllint("--c14n", &src);
        prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&peer), "inclusive: {}", src);
        let ours = canonicalize_to_vec(&doc, &C14nOptions::exclusive().with_comments(true), &NodeSet::document()).unwrap();
        let peer = xmllint("--exc-c14n", &src);
        prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&peer), "exclusive: {}", src);
    }
}

#[test]
fn bundled_example_matches_libxml2() {
    let bytes = tanba_testdata::read(&tanba_testdata::own("examples/application.xml"));
    let src = String::from_utf8(bytes).unwrap();
    let doc = Document::parse(src.as_bytes(), &ParseOptions::default()).unwrap();
    for (flag, opts) in [
        ("--c14n", C14nOptions::inclusive().with_comments(true)),
        ("--exc-c14n", C14nOptions::exclusive().with_comments(true)),
    ] {
        let ours = canonicalize_to_vec(&doc, &opts, &NodeSet::document()).unwrap();
        assert_eq!(ours, xmllint(flag, &src), "{flag}");
    }
}

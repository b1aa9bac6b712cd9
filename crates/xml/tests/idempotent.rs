//! Property: the canonical form is a fixed point — parsing the canonical output and
//! canonicalizing it again gives the same bytes (for every method, whole document and
//! subtree).

use proptest::prelude::*;

mod common;
use common::{elem, write};
use tanba_xml::c14n::{canonicalize_to_vec, C14nOptions, NodeSet};
use tanba_xml::{Document, ParseOptions};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn canonical_form_is_a_fixed_point(e in elem()) {
        let mut src = String::new();
        write(&e, &mut src);
        let doc = Document::parse(src.as_bytes(), &ParseOptions::default())
            .unwrap_or_else(|err| panic!("generated document rejected: {err}\n{src}"));
        for opts in [
            C14nOptions::inclusive(),
            C14nOptions::inclusive().with_comments(true),
            C14nOptions::exclusive(),
            C14nOptions::exclusive().with_comments(true).with_prefix_list("a #default"),
        ] {
            let subtrees: Vec<_> = doc.descendants(doc.root_element()).filter(|&n| doc.is_element(n)).take(3).collect();
            let mut sets = vec![NodeSet::document()];
            sets.extend(subtrees.iter().map(|&n| NodeSet::subtree(n)));
            for set in sets {
                let once = canonicalize_to_vec(&doc, &opts, &set).unwrap();
                let doc2 = Document::parse(&once, &ParseOptions::default())
                    .unwrap_or_else(|err| panic!("canonical output rejected: {err}\n{}", String::from_utf8_lossy(&once)));
                let twice = canonicalize_to_vec(&doc2, &opts, &NodeSet::document()).unwrap();
                prop_assert_eq!(&once, &twice, "source: {}", src);
            }
        }
    }
}

//! Parse arbitrary bytes (both DTD modes, tight limits) and, when they parse, canonicalize
//! the whole document and the first elements' subtrees with every method, check Id lookup,
//! and check that the canonical form is a fixed point. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanba_xml::c14n::{canonicalize_to_vec, C14nOptions, NodeSet};
use tanba_xml::{Document, Limits, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default()
        .max_total_size(1 << 20)
        .max_depth(64)
        .max_entity_expansion(4096);
    for allow_dtd in [false, true] {
        let opts = ParseOptions::default()
            .with_limits(limits.clone())
            .allow_dtd(allow_dtd);
        let Ok(doc) = Document::parse(data, &opts) else {
            continue;
        };
        let _ = doc.check_unique_ids();
        let els: Vec<_> = doc
            .descendants(doc.root_element())
            .filter(|&n| doc.is_element(n))
            .take(4)
            .collect();
        for c14n in [
            C14nOptions::inclusive(),
            C14nOptions::inclusive().with_comments(true),
            C14nOptions::exclusive(),
            C14nOptions::exclusive().with_prefix_list("#default a"),
        ] {
            let once = canonicalize_to_vec(&doc, &c14n, &NodeSet::document()).expect("c14n");
            let again = Document::parse(&once, &ParseOptions::default())
                .expect("canonical output must parse");
            let twice = canonicalize_to_vec(&again, &c14n, &NodeSet::document()).expect("c14n");
            assert_eq!(once, twice, "canonical form must be a fixed point");
            for &el in &els {
                let _ = canonicalize_to_vec(&doc, &c14n, &NodeSet::subtree(el)).expect("subtree");
                let ex = [el];
                let _ = canonicalize_to_vec(&doc, &c14n, &NodeSet::document().excluding(&ex))
                    .expect("excluded");
            }
        }
    }
});

//! One test per canonicalization / tree rule. Expected bytes are written out by hand from
//! the C14N 1.0 and Exclusive C14N specifications (and were cross-checked with
//! libxml2's `xmllint --c14n/--exc-c14n` while writing them).

use tanba_xml::c14n::{canonicalize_to_vec, C14nOptions, NodeSet};
use tanba_xml::{Document, NodeId, ParseOptions, XmlError};

fn parse(s: &str) -> Document {
    Document::parse(s.as_bytes(), &ParseOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn c14n(doc: &Document, opts: &C14nOptions, set: NodeSet<'_>) -> String {
    String::from_utf8(canonicalize_to_vec(doc, opts, &set).unwrap()).unwrap()
}

fn inc(doc: &str) -> String {
    c14n(&parse(doc), &C14nOptions::inclusive(), NodeSet::document())
}

fn exc(doc: &str) -> String {
    c14n(&parse(doc), &C14nOptions::exclusive(), NodeSet::document())
}

fn first(doc: &Document, ns: &str, local: &str) -> NodeId {
    doc.find_element(ns, local)
        .unwrap_or_else(|| panic!("no {{{ns}}}{local}"))
}

#[test]
fn attributes_sorted_by_namespace_then_local_name_and_quotes_normalized() {
    let d = r#"<e xmlns:b="urn:b" xmlns:a="urn:z" z='1' a:y="2" b:x="3" a="4"/>"#;
    // No-namespace attributes first (by local name), then by namespace URI: urn:b < urn:z.
    assert_eq!(
        inc(d),
        r#"<e xmlns:a="urn:z" xmlns:b="urn:b" a="4" z="1" b:x="3" a:y="2"></e>"#
    );
}

#[test]
fn superfluous_namespace_declarations_are_removed() {
    let d = r#"<a xmlns:p="urn:p"><b xmlns:p="urn:p"><c xmlns:p="urn:q"/></b></a>"#;
    assert_eq!(
        inc(d),
        r#"<a xmlns:p="urn:p"><b><c xmlns:p="urn:q"></c></b></a>"#
    );
}

#[test]
fn default_namespace_reset_with_empty_xmlns() {
    let d = r#"<a xmlns="urn:d"><b xmlns=""><c xmlns=""/></b><e xmlns=""/></a>"#;
    // xmlns="" is rendered where the default changes from urn:d to none, and only there.
    assert_eq!(
        inc(d),
        r#"<a xmlns="urn:d"><b xmlns=""><c></c></b><e xmlns=""></e></a>"#
    );
    // Without a non-empty default in the output ancestors, xmlns="" is superfluous.
    assert_eq!(inc(r#"<a xmlns=""><b xmlns=""/></a>"#), "<a><b></b></a>");
    // Exclusive: same for visibly utilized default namespace.
    assert_eq!(
        exc(d),
        r#"<a xmlns="urn:d"><b xmlns=""><c></c></b><e xmlns=""></e></a>"#
    );
}

#[test]
fn inclusive_subtree_carries_ancestor_namespaces_and_xml_attributes() {
    let doc = parse(
        r#"<r xmlns="urn:r" xmlns:u="urn:unused" xml:lang="kk" xml:space="preserve"><m xml:lang="ru"><t:x xmlns:t="urn:t" a="1"/></m></r>"#,
    );
    let x = first(&doc, "urn:t", "x");
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), NodeSet::subtree(x)),
        r#"<t:x xmlns="urn:r" xmlns:t="urn:t" xmlns:u="urn:unused" a="1" xml:lang="ru" xml:space="preserve"></t:x>"#
    );
    // Exclusive: neither unused namespaces nor xml:* attributes are inherited.
    assert_eq!(
        c14n(&doc, &C14nOptions::exclusive(), NodeSet::subtree(x)),
        r#"<t:x xmlns:t="urn:t" a="1"></t:x>"#
    );
}

#[test]
fn exclusive_renders_visibly_utilized_namespaces_only_once() {
    let d = r#"<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c"><b:s><a:t b:x="1"/></b:s><c:u/></a:r>"#;
    assert_eq!(
        exc(d),
        r#"<a:r xmlns:a="urn:a"><b:s xmlns:b="urn:b"><a:t b:x="1"></a:t></b:s><c:u xmlns:c="urn:c"></c:u></a:r>"#
    );
}

#[test]
fn exclusive_prefix_list_is_treated_inclusively() {
    let doc = parse(
        r#"<r xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b"><x:s xmlns:x="urn:x"><t/></x:s></r>"#,
    );
    let s = first(&doc, "urn:x", "s");
    let opts = C14nOptions::exclusive().with_prefix_list("a #default");
    assert_eq!(
        c14n(&doc, &opts, NodeSet::subtree(s)),
        r#"<x:s xmlns="urn:d" xmlns:a="urn:a" xmlns:x="urn:x"><t></t></x:s>"#
    );
}

#[test]
fn comments_on_and_off_with_document_level_newlines() {
    let d = "<?xml version=\"1.0\"?>\n<!--before-->\n<?pi  data ?>\n<r><!-- in --><x/></r>\n<!--after-->\n";
    let doc = parse(d);
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), NodeSet::document()),
        "<?pi data ?>\n<r><x></x></r>"
    );
    assert_eq!(
        c14n(
            &doc,
            &C14nOptions::inclusive().with_comments(true),
            NodeSet::document()
        ),
        "<!--before-->\n<?pi data ?>\n<r><!-- in --><x></x></r>\n<!--after-->"
    );
}

#[test]
fn carriage_returns_and_whitespace_in_text_and_attributes() {
    // Literal CRLF is normalized to LF; a character reference &#13; survives as &#xD;.
    let d = "<r a=\"x&#9;y&#10;z&#13;\" b=\"p\r\nq\tr\">l1\r\nl2&#13;l3\rl4 &lt;&gt;&amp;\"'</r>";
    assert_eq!(
        inc(d),
        "<r a=\"x&#x9;y&#xA;z&#xD;\" b=\"p q r\">l1\nl2&#xD;l3\nl4 &lt;&gt;&amp;\"'</r>"
    );
}

#[test]
fn entities_and_references_in_attributes() {
    let d = r#"<r v="&lt;a&gt; &amp; &quot;q&quot; &apos;s&apos; &#x41;&#66;"/>"#;
    assert_eq!(inc(d), r#"<r v="&lt;a> &amp; &quot;q&quot; 's' AB"></r>"#);
}

#[test]
fn cdata_becomes_escaped_text() {
    assert_eq!(
        inc("<r><![CDATA[<a> & b]]></r>"),
        "<r>&lt;a&gt; &amp; b</r>"
    );
}

#[test]
fn cyrillic_text_in_utf8_and_legacy_encodings() {
    let want = "<р атр=\"Қазақстан\">Өтініш беру — заявка</р>";
    assert_eq!(inc("<р атр='Қазақстан'>Өтініш беру — заявка</р>"), want);

    // windows-1251 (Russian only: Kazakh letters are not in the code page).
    let (bytes, _, bad) = encoding_rs::WINDOWS_1251
        .encode("<?xml version=\"1.0\" encoding=\"windows-1251\"?><д а=\"Заявка\">Текст</д>");
    assert!(!bad);
    let doc = Document::parse(&bytes, &ParseOptions::default()).unwrap();
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), NodeSet::document()),
        "<д а=\"Заявка\">Текст</д>"
    );
    // KOI8-R.
    let (bytes, _, bad) =
        encoding_rs::KOI8_R.encode("<?xml version='1.0' encoding='KOI8-R'?><д>Привет</д>");
    assert!(!bad);
    let doc = Document::parse(&bytes, &ParseOptions::default()).unwrap();
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), NodeSet::document()),
        "<д>Привет</д>"
    );
    // ISO-8859-5: 'П' is 0xBF there.
    let mut bytes = b"<?xml version='1.0' encoding='ISO-8859-5'?><a>".to_vec();
    bytes.push(0xBF);
    bytes.extend_from_slice(b"</a>");
    let doc = Document::parse(&bytes, &ParseOptions::default()).unwrap();
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), NodeSet::document()),
        "<a>П</a>"
    );
    // ISO-8859-1: 0xE9 is 'é' (not windows-1252 remapping of 0x80-0x9F: 0x80 stays U+0080).
    let bytes = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9\x80</a>";
    let doc = Document::parse(bytes, &ParseOptions::default()).unwrap();
    assert_eq!(doc.text_content(doc.root_element()), "é\u{80}");
}

#[test]
fn utf16_with_bom_and_utf8_bom() {
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a b=\"ә\">Қ</a>";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    for bytes in [le, be] {
        let doc = Document::parse(&bytes, &ParseOptions::default()).unwrap();
        assert_eq!(
            c14n(&doc, &C14nOptions::inclusive(), NodeSet::document()),
            "<a b=\"ә\">Қ</a>"
        );
    }
    let doc = Document::parse(b"\xEF\xBB\xBF<a/>", &ParseOptions::default()).unwrap();
    assert_eq!(doc.source(), "<a/>");
}

#[test]
fn empty_elements_are_expanded_and_reported_as_self_closing() {
    let doc = parse("<r><a/><b></b><c  x='1' /></r>");
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), NodeSet::document()),
        r#"<r><a></a><b></b><c x="1"></c></r>"#
    );
    let a = first(&doc, "", "a");
    let b = first(&doc, "", "b");
    let c = first(&doc, "", "c");
    assert!(doc.is_self_closing(a) && !doc.is_self_closing(b) && doc.is_self_closing(c));
    assert_eq!(doc.end_tag_range(a), None);
    assert_eq!(&doc.source()[doc.start_tag_range(c)], "<c  x='1' />");
}

#[test]
fn splice_ranges_point_into_the_decoded_text() {
    let src = "<r a=\"x>y\">\n  <s>t</s>\n</r>";
    let doc = parse(src);
    let r = doc.root_element();
    assert_eq!(&src[doc.start_tag_range(r)], "<r a=\"x>y\">");
    let end = doc.end_tag_range(r).unwrap();
    assert_eq!(&src[end.clone()], "</r>");
    assert_eq!(doc.range(r), 0..src.len());
    // Splicing a new child before </r> gives a well-formed document.
    let spliced = format!("{}<sig/>{}", &src[..end.start], &src[end.start..]);
    let doc2 = parse(&spliced);
    assert_eq!(doc2.child_elements(doc2.root_element()).count(), 2);
    let s = first(&doc, "", "s");
    assert_eq!(&src[doc.start_tag_range(s)], "<s>");
    assert_eq!(&src[doc.end_tag_range(s).unwrap()], "</s>");
    assert_eq!((doc.position(s).line, doc.position(s).column), (2, 3));
}

#[test]
fn several_excluded_elements() {
    let d = r#"<doc xmlns:ds="urn:ds"><a>1</a><ds:Signature><x/></ds:Signature><b>2</b><ds:Signature/><!--c--></doc>"#;
    let doc = parse(d);
    let sigs: Vec<NodeId> = doc
        .descendants(doc.root_element())
        .filter(|&n| doc.name(n).is("urn:ds", "Signature"))
        .collect();
    assert_eq!(sigs.len(), 2);
    let set = NodeSet::document().excluding(&sigs);
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), set),
        r#"<doc xmlns:ds="urn:ds"><a>1</a><b>2</b></doc>"#
    );
    let set = NodeSet::subtree(doc.root_element()).excluding(&sigs[1..]);
    assert_eq!(
        c14n(&doc, &C14nOptions::exclusive().with_comments(true), set),
        r#"<doc><a>1</a><ds:Signature xmlns:ds="urn:ds"><x></x></ds:Signature><b>2</b><!--c--></doc>"#
    );
}

#[test]
fn navigation_names_attributes_and_namespaces() {
    let doc = parse(
        r#"<p:r xmlns:p="urn:p" xmlns="urn:d"><c a="1" p:b="2">t<!--x-->u</c><?go now?></p:r>"#,
    );
    let r = doc.root_element();
    assert_eq!(doc.parent(r), Some(NodeId::DOCUMENT));
    let n = doc.name(r);
    assert_eq!((n.namespace, n.local, n.prefix), ("urn:p", "r", "p"));
    assert_eq!(doc.qualified_name(r), "p:r");
    let c = doc.first_child(r).unwrap();
    assert!(doc.name(c).is("urn:d", "c"));
    assert_eq!(doc.attribute(c, "", "a"), Some("1"));
    assert_eq!(doc.attribute(c, "urn:p", "b"), Some("2"));
    assert_eq!(
        doc.attribute(c, "urn:d", "a"),
        None,
        "unprefixed attributes have no namespace"
    );
    assert_eq!(doc.text_content(c), "tu");
    let kids: Vec<_> = doc.children(c).map(|k| doc.kind(k)).collect();
    use tanba_xml::NodeKind::*;
    assert_eq!(kids, vec![Text, Comment, Text]);
    let pi = doc.next_sibling(c).unwrap();
    assert_eq!(doc.pi(pi), Some(("go", "now")));
    let mut ns: Vec<_> = doc
        .in_scope_namespaces(c)
        .iter()
        .map(|n| (n.prefix, n.uri))
        .collect();
    ns.sort();
    assert_eq!(ns, vec![("", "urn:d"), ("p", "urn:p")]);
    assert_eq!(doc.lookup_namespace(c, "p"), Some("urn:p"));
    assert_eq!(doc.lookup_namespace(c, "q"), None);
}

#[test]
fn ids_from_attlist_only_doctype() {
    let d = r#"<!DOCTYPE a [<!ATTLIST b key ID #IMPLIED>]><a><b key="k1"/><c Id="k2"/></a>"#;
    let doc = parse(d);
    let b = doc.find_by_id("k1").unwrap().expect("DTD ID attribute");
    assert_eq!(doc.qualified_name(b), "b");
    assert!(doc.find_by_id("k2").unwrap().is_some());
    assert_eq!(doc.find_by_id("k3").unwrap(), None);
    // Without the declaration, `key` is not an Id.
    let doc = parse(r#"<a><b key="k1"/></a>"#);
    assert_eq!(doc.find_by_id("k1").unwrap(), None);
    // The DOCTYPE itself is not part of the canonical form.
    assert_eq!(inc(d), r#"<a><b key="k1"></b><c Id="k2"></c></a>"#);
}

#[test]
fn id_attribute_names_and_duplicates() {
    let wsu = tanba_xml::WSU_NS;
    let d = format!(
        r#"<a xmlns:wsu="{wsu}"><b ID="x1"/><c id="x2"/><d wsu:Id="x3"/><e xml:id="x4"/></a>"#
    );
    let doc = parse(&d);
    for id in ["x1", "x2", "x3", "x4"] {
        assert!(doc.find_by_id(id).unwrap().is_some(), "{id}");
    }
    doc.check_unique_ids().unwrap();
    let dup = format!(
        r#"<a xmlns:wsu="{wsu}">
<b Id="same"/>
<c wsu:Id="same"/></a>"#
    );
    let doc = parse(&dup);
    match doc.find_by_id("same") {
        Err(XmlError::DuplicateId { id, first, second }) => {
            assert_eq!(id, "same");
            assert_eq!((first.line, first.column), (2, 1));
            assert_eq!((second.line, second.column), (3, 1));
        }
        other => panic!("expected DuplicateId, got {other:?}"),
    }
    assert!(matches!(
        doc.check_unique_ids(),
        Err(XmlError::DuplicateId { .. })
    ));
}

/// Issue 12, item 5: an attribute default in the DTD would reach every other parser's view
/// of the document (an unsigned `scale="1000"` on a signed `Amount`), so the default mode
/// refuses it by name; ID declarations (#IMPLIED / #REQUIRED) stay accepted.
#[test]
fn default_mode_refuses_attribute_defaults_and_keeps_id_declarations() {
    for (dtd, attr) in [
        (r#"<!ATTLIST Amount scale CDATA "1000">"#, "scale"),
        (r#"<!ATTLIST Amount scale CDATA #FIXED '1000'>"#, "scale"),
        (
            r#"<!ATTLIST Amount Id ID #IMPLIED unit (KZT|USD) "KZT">"#,
            "unit",
        ),
    ] {
        let d = format!("<!DOCTYPE Order [{dtd}]><Order><Amount Id='a'>5</Amount></Order>");
        match Document::parse(d.as_bytes(), &ParseOptions::default()) {
            Err(XmlError::DtdNotAllowed { message, at }) => {
                assert!(
                    message.contains(attr) && message.contains("default"),
                    "{message}"
                );
                assert_eq!(at.line, 1);
            }
            other => panic!("{dtd}: expected a refusal, got {other:?}"),
        }
        // the conformance mode applies it, as other parsers do
        let doc = Document::parse(d.as_bytes(), &ParseOptions::default().allow_dtd(true)).unwrap();
        let amount = doc.find_element("", "Amount").unwrap();
        assert!(doc.attribute(amount, "", attr).is_some(), "{dtd}");
    }
    for ok in [
        "<!ATTLIST Amount Id ID #IMPLIED>",
        "<!ATTLIST Amount Id ID #REQUIRED note CDATA #IMPLIED>",
    ] {
        let d = format!("<!DOCTYPE Order [{ok}]><Order><Amount Id='a'>5</Amount></Order>");
        let doc = Document::parse(d.as_bytes(), &ParseOptions::default()).unwrap();
        assert!(doc.find_by_id("a").unwrap().is_some(), "{ok}");
    }
}

#[test]
fn allow_dtd_applies_defaults_normalization_and_entities() {
    let d = r#"<!DOCTYPE a [
<!ATTLIST a def CDATA "d&#x41;" tok NMTOKENS #IMPLIED>
<!ENTITY who "world">
]><a tok="  x   y  ">hello &who;</a>"#;
    let doc = Document::parse(d.as_bytes(), &ParseOptions::default().allow_dtd(true)).unwrap();
    assert_eq!(
        c14n(&doc, &C14nOptions::inclusive(), NodeSet::document()),
        r#"<a def="dA" tok="x y">hello world</a>"#
    );
}

#[test]
fn smartbridge_exclusive_c14n_illustration() {
    // SMARTBRIDGE.md §6.5: Envelope declares an unused xmlns:x; data declares xmlns:cs,
    // used only inside an attribute value. Body and SignedInfo canonical forms.
    let wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    let env = format!(
        r##"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:x="urn:unused"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soap:mustUnderstand="1"><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#id-1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo></ds:Signature></wsse:Security></soap:Header><soap:Body xmlns:wsu="{wsu}" wsu:Id="id-1"><sb:SendMessage xmlns:sb="http://bip.bee.kz/SyncChannel/v10/Types"><request><requestData><data xmlns:cs="urn:cs" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="cs:Request"><iin>1</iin><empty/></data></requestData></request></sb:SendMessage></soap:Body></soap:Envelope>"##
    );
    let doc = parse(&env);
    let body = doc.find_by_id("id-1").unwrap().unwrap();
    assert!(doc
        .name(body)
        .is("http://schemas.xmlsoap.org/soap/envelope/", "Body"));
    assert_eq!(
        c14n(&doc, &C14nOptions::exclusive(), NodeSet::subtree(body)),
        format!(
            r#"<soap:Body xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsu="{wsu}" wsu:Id="id-1"><sb:SendMessage xmlns:sb="http://bip.bee.kz/SyncChannel/v10/Types"><request><requestData><data xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="cs:Request"><iin>1</iin><empty></empty></data></requestData></request></sb:SendMessage></soap:Body>"#
        )
    );
    let si = first(&doc, "http://www.w3.org/2000/09/xmldsig#", "SignedInfo");
    assert_eq!(
        c14n(&doc, &C14nOptions::exclusive(), NodeSet::subtree(si)),
        r##"<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod><ds:Reference URI="#id-1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo>"##
    );
}

#[test]
fn algorithm_uris_round_trip() {
    use tanba_xml::c14n::*;
    for uri in [
        C14N_10,
        C14N_10_WITH_COMMENTS,
        EXC_C14N_10,
        EXC_C14N_10_WITH_COMMENTS,
    ] {
        assert_eq!(
            C14nOptions::from_algorithm_uri(uri)
                .unwrap()
                .algorithm_uri(),
            uri
        );
    }
    assert!(C14nOptions::from_algorithm_uri("http://www.w3.org/2006/12/xml-c14n11").is_none());
}

#[test]
fn apex_must_be_an_element() {
    let doc = parse("<a>t</a>");
    let t = doc.first_child(doc.root_element()).unwrap();
    assert!(matches!(
        canonicalize_to_vec(&doc, &C14nOptions::inclusive(), &NodeSet::subtree(t)),
        Err(XmlError::InvalidRequest(_))
    ));
}

#[test]
fn a_stylesheet_pi_is_not_an_encoding_declaration() {
    // Found by fuzzing: `<?xml-stylesheet ... encoding="ISO-8859-5"?>` must not select
    // an encoding (it is a PI, and the document is UTF-8).
    let d = "<?xml-stylesheet href=\"x\" encoding=\"ISO-8859-5\"?><a>Қ</a>";
    assert_eq!(
        inc(d),
        "<?xml-stylesheet href=\"x\" encoding=\"ISO-8859-5\"?>\n<a>Қ</a>"
    );
}

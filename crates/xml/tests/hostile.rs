//! Malformed input (typed errors with line:column), every limit, and the hostile DTD
//! classics (billion laughs, XXE, parameter entities, external subsets).

use tanba_xml::{Document, LimitKind, Limits, ParseOptions, XmlError};

fn err(doc: &[u8]) -> XmlError {
    err_with(doc, &ParseOptions::default())
}

fn err_with(doc: &[u8], opts: &ParseOptions) -> XmlError {
    match Document::parse(doc, opts) {
        Ok(_) => panic!("accepted: {}", String::from_utf8_lossy(doc)),
        Err(e) => e,
    }
}

fn at(e: &XmlError) -> (usize, usize) {
    let p = e.position().unwrap_or_else(|| panic!("no position: {e}"));
    (p.line, p.column)
}

#[test]
fn unclosed_tag() {
    let e = err(b"<a>\n  <b>\n</a>");
    assert!(matches!(e, XmlError::Malformed { .. }), "{e}");
    assert_eq!(at(&e), (3, 1), "{e}");
    let e = err(b"<a>\n  <b>text");
    assert!(
        e.to_string().contains("<b> opened at 2:3 is not closed"),
        "{e}"
    );
    let e = err(b"<a x='1");
    assert!(matches!(e, XmlError::Malformed { .. }), "{e}");
    assert_eq!(at(&e).0, 1);
}

#[test]
fn duplicate_attributes_by_qname_and_by_expanded_name() {
    let e = err(b"<a>\n <b x='1' y='2' x='3'/></a>");
    assert!(
        matches!(e, XmlError::DuplicateAttribute { ref name, .. } if name == "x"),
        "{e}"
    );
    assert_eq!(at(&e), (2, 17));
    let e = err(b"<a xmlns:p='urn:x' xmlns:q='urn:x' p:k='1' q:k='2'/>");
    assert!(
        matches!(e, XmlError::DuplicateAttribute { ref name, .. } if name == "q:k"),
        "{e}"
    );
    assert_eq!(at(&e), (1, 44));
    // Many attributes take the sorted path.
    let mut d = String::from("<a");
    for i in 0..40 {
        d.push_str(&format!(" a{i}='v'"));
    }
    d.push_str(" a7='w'/>");
    assert!(matches!(
        err(d.as_bytes()),
        XmlError::DuplicateAttribute { .. }
    ));
    let e = err(b"<a xmlns:p='urn:1' xmlns:p='urn:2'/>");
    assert!(matches!(e, XmlError::DuplicateAttribute { .. }), "{e}");
}

#[test]
fn undeclared_prefixes() {
    let e = err(b"<a>\n<p:b/></a>");
    assert!(
        matches!(e, XmlError::UndeclaredPrefix { ref prefix, .. } if prefix == "p"),
        "{e}"
    );
    assert_eq!(at(&e), (2, 2));
    let e = err(b"<a q:x='1'/>");
    assert!(
        matches!(e, XmlError::UndeclaredPrefix { ref prefix, .. } if prefix == "q"),
        "{e}"
    );
    assert_eq!(at(&e), (1, 4));
    // Declared on a sibling only: out of scope.
    let e = err(b"<a><b xmlns:p='urn:p'/><p:c/></a>");
    assert!(matches!(e, XmlError::UndeclaredPrefix { .. }), "{e}");
    // Undeclaring a prefix is not allowed in XML 1.0 namespaces.
    assert!(matches!(
        err(b"<a xmlns:p=''/>"),
        XmlError::Malformed { .. }
    ));
    assert!(matches!(
        err(b"<a xmlns:xml='urn:x'/>"),
        XmlError::Malformed { .. }
    ));
    assert!(matches!(
        err(b"<a xmlns:xmlns='urn:x'/>"),
        XmlError::Malformed { .. }
    ));
}

#[test]
fn bad_character_references() {
    for (doc, col) in [
        (&b"<a>x&#0;</a>"[..], 5),
        (b"<a>x&#xD800;</a>", 5),
        (b"<a>x&#xZZ;</a>", 5),
        (b"<a>x&#;</a>", 5),
        (b"<a>x&#x110000;</a>", 5),
        (b"<a>x&#1;</a>", 5),
    ] {
        let e = err(doc);
        assert!(
            matches!(
                e,
                XmlError::BadCharacterReference { .. } | XmlError::Malformed { .. }
            ),
            "{}: {e}",
            String::from_utf8_lossy(doc)
        );
        assert_eq!(at(&e), (1, col), "{}: {e}", String::from_utf8_lossy(doc));
    }
    let e = err(b"<a v='&#xFFFE;'/>");
    assert!(matches!(e, XmlError::BadCharacterReference { .. }), "{e}");
    assert_eq!(at(&e), (1, 7));
}

#[test]
fn other_well_formedness_errors() {
    let cases: &[(&[u8], (usize, usize))] = &[
        (b"<a></b>", (1, 4)),
        (b"<a/><b/>", (1, 5)),
        (b"<a/>text", (1, 5)),
        (b"<a x='<'/>", (1, 7)),
        (b"<a x=1/>", (1, 6)),
        (b"<a>]]></a>", (1, 4)),
        (b"<a>\x01</a>", (1, 4)),
        (b"<a>&undefined;</a>", (1, 4)),
        (b"<a>a & b</a>", (1, 6)),
        (b"<a><?xml version='1.0'?></a>", (1, 4)),
        (b"", (1, 1)),
        (b"<1a/>", (1, 2)),
        (b"<a b:c:d='1'/>", (1, 4)),
        (b"<a x='1'y='2'/>", (1, 9)),
        (b"<a><!-- a -- b --></a>", (1, 11)),
    ];
    for (doc, pos) in cases {
        let e = err(doc);
        assert_eq!(at(&e), *pos, "{}: {e}", String::from_utf8_lossy(doc));
    }
}

#[test]
fn encoding_errors() {
    let e = err(b"<?xml version='1.0' encoding='EBCDIC-US'?><a/>");
    assert!(
        matches!(e, XmlError::UnsupportedEncoding(ref n) if n == "EBCDIC-US"),
        "{e}"
    );
    let e = err(b"<a>\n ok \xC3\x28</a>");
    assert!(
        matches!(
            e,
            XmlError::InvalidEncoding {
                encoding: "UTF-8",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(at(&e), (2, 5));
    let e = err(b"<\0a\0/\0>\0");
    assert!(matches!(e, XmlError::UnsupportedEncoding(_)), "{e}");
}

fn limit_of(e: &XmlError) -> LimitKind {
    match e {
        XmlError::LimitExceeded { limit, .. } => *limit,
        other => panic!("expected a limit error, got {other}"),
    }
}

fn with(l: Limits) -> ParseOptions {
    ParseOptions::default().with_limits(l)
}

#[test]
fn every_limit() {
    let e = err_with(
        b"<a>0123456789</a>",
        &with(Limits::default().max_total_size(10)),
    );
    assert_eq!(limit_of(&e), LimitKind::TotalSize);

    let deep = "<a>".repeat(5) + &"</a>".repeat(5);
    let e = err_with(deep.as_bytes(), &with(Limits::default().max_depth(4)));
    assert_eq!(limit_of(&e), LimitKind::Depth);
    assert_eq!(at(&e), (1, 13));
    Document::parse(deep.as_bytes(), &with(Limits::default().max_depth(5))).unwrap();

    let e = err_with(
        b"<a x='1' y='2' z='3'/>",
        &with(Limits::default().max_attributes(2)),
    );
    assert_eq!(limit_of(&e), LimitKind::AttributesPerElement);

    let e = err_with(b"<abcdefgh/>", &with(Limits::default().max_name_length(4)));
    assert_eq!(limit_of(&e), LimitKind::NameLength);
    let e = err_with(
        b"<a longattr='1'/>",
        &with(Limits::default().max_name_length(4)),
    );
    assert_eq!(limit_of(&e), LimitKind::NameLength);

    let l = Limits::default().max_text_length(4);
    assert_eq!(
        limit_of(&err_with(b"<a>12345</a>", &with(l.clone()))),
        LimitKind::TextLength
    );
    assert_eq!(
        limit_of(&err_with(b"<a>1&amp;345</a>", &with(l.clone()))),
        LimitKind::TextLength
    );
    assert_eq!(
        limit_of(&err_with(b"<a x='12345'/>", &with(l.clone()))),
        LimitKind::TextLength
    );
    assert_eq!(
        limit_of(&err_with(b"<a><!--12345--></a>", &with(l.clone()))),
        LimitKind::TextLength
    );
    Document::parse(b"<a>1234</a>", &with(l)).unwrap();

    let e = err_with(
        b"<a xmlns:a='urn:a' xmlns:b='urn:b' xmlns:c='urn:c'/>",
        &with(Limits::default().max_namespace_declarations(2)),
    );
    assert_eq!(limit_of(&e), LimitKind::NamespaceDeclarations);
}

#[test]
fn default_limits_are_documented_values() {
    let l = Limits::default();
    assert_eq!(l.total_size(), 256 << 20);
    assert_eq!(l.depth(), 256);
    assert_eq!(l.attributes(), 256);
    assert_eq!(l.name_length(), 1024);
    assert_eq!(l.text_length(), 64 << 20);
    assert_eq!(l.namespace_declarations(), 64);
    assert_eq!(l.entity_expansion(), 64 << 10);
    // Deep nesting beyond the default is refused, not a stack overflow.
    let deep = "<a>".repeat(100_000);
    assert_eq!(limit_of(&err(deep.as_bytes())), LimitKind::Depth);
}

const BILLION_LAUGHS: &[u8] = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"#;

#[test]
fn billion_laughs_is_refused_by_default_and_bounded_with_allow_dtd() {
    let e = err(BILLION_LAUGHS);
    assert!(matches!(e, XmlError::DtdNotAllowed { .. }), "{e}");
    assert_eq!(at(&e), (3, 2));
    let e = err_with(BILLION_LAUGHS, &ParseOptions::default().allow_dtd(true));
    assert_eq!(limit_of(&e), LimitKind::EntityExpansion);
    // Also in an attribute value.
    let attr = br#"<!DOCTYPE a [<!ENTITY x "xxxxxxxxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;">]><a v="&y;&y;&y;&y;"/>"#;
    let opts = ParseOptions::default()
        .allow_dtd(true)
        .with_limits(Limits::default().max_entity_expansion(200));
    assert_eq!(limit_of(&err_with(attr, &opts)), LimitKind::EntityExpansion);
    // Recursive entities hit the depth bound instead of looping.
    let rec = br#"<!DOCTYPE a [<!ENTITY x "&y;"><!ENTITY y "&x;">]><a>&x;</a>"#;
    assert_eq!(
        limit_of(&err_with(rec, &ParseOptions::default().allow_dtd(true))),
        LimitKind::EntityExpansion
    );
}

#[test]
fn xxe_and_external_subsets_are_refused() {
    let xxe = br#"<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<foo>&xxe;</foo>"#;
    for allow in [false, true] {
        let e = err_with(xxe, &ParseOptions::default().allow_dtd(allow));
        assert!(matches!(e, XmlError::DtdNotAllowed { .. }), "{e}");
        assert_eq!(at(&e).0, 2);
    }
    let pe = br#"<!DOCTYPE foo [ <!ENTITY % p SYSTEM "http://evil/x.dtd"> %p; ]><foo/>"#;
    for allow in [false, true] {
        assert!(matches!(
            err_with(pe, &ParseOptions::default().allow_dtd(allow)),
            XmlError::DtdNotAllowed { .. }
        ));
    }
    let ext = br#"<!DOCTYPE foo SYSTEM "http://evil/x.dtd"><foo/>"#;
    assert!(matches!(err(ext), XmlError::DtdNotAllowed { .. }));
    // With allow_dtd the external subset is declared but never fetched.
    Document::parse(ext, &ParseOptions::default().allow_dtd(true)).unwrap();
    // Public entity, unparsed entity: refused too.
    let public = br#"<!DOCTYPE foo [<!ENTITY e PUBLIC "-//X//Y" "http://evil/e">]><foo/>"#;
    assert!(matches!(
        err_with(public, &ParseOptions::default().allow_dtd(true)),
        XmlError::DtdNotAllowed { .. }
    ));
}

#[test]
fn attlist_only_doctype_accepted_but_other_declarations_not() {
    Document::parse(
        b"<!DOCTYPE a [<!-- ok --><!ATTLIST a id ID #IMPLIED>]><a id='x'/>",
        &ParseOptions::default(),
    )
    .unwrap();
    for d in [
        &b"<!DOCTYPE a [<!ELEMENT a ANY>]><a/>"[..],
        b"<!DOCTYPE a [<!NOTATION n SYSTEM 'x'>]><a/>",
        b"<!DOCTYPE a [<?pi x?>]><a/>",
        b"<!DOCTYPE a [<!ENTITY e 'x'>]><a/>",
    ] {
        assert!(
            matches!(err(d), XmlError::DtdNotAllowed { .. }),
            "{}",
            String::from_utf8_lossy(d)
        );
    }
    // Entities with markup are not expanded even with allow_dtd.
    let m = br#"<!DOCTYPE a [<!ENTITY e "<b/>">]><a>&e;</a>"#;
    assert!(matches!(
        err_with(m, &ParseOptions::default().allow_dtd(true)),
        XmlError::DtdNotAllowed { .. }
    ));
}

#[test]
fn error_display_starts_with_line_and_column() {
    let e = err(b"<a>\n<b></c></a>");
    let s = e.to_string();
    assert!(s.starts_with("2:"), "{s}");
}

#[test]
fn truncated_and_degenerate_markup_never_panics() {
    let cases: &[&[u8]] = &[
        b"<?>",
        b"<??>",
        b"<a><?></a>",
        b"<a><??></a>",
        b"<!-->",
        b"<a><!--></a>",
        b"<a><!---></a>",
        b"<!---->",
        b"<a><![CDATA[]]></a>",
        b"<!DOCTYPE>",
        b"<!DOCTYPE a>",
        b"<!DOCTYPE a [",
        b"<!DOCTYPE a []><a/>",
        b"<a/",
        b"<",
        b"<a",
        b"</a>",
        b"<a></>",
        b"<>",
        b"< a/>",
        b"<a x/>",
        b"<a x=/>",
        b"<a x='/>",
        b"<a>&",
        b"<a>&#",
        b"<a>&#x",
        b"<a>&;</a>",
        b"<a>&#x;</a>",
        b"<?xml?>",
        b"<?xml version='2.0'?><a/>",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF<",
        b"<a xmlns:='u'/>",
        b"<a xmlns:a:b='u'/>",
        b"<:a/>",
        b"<a:/>",
        b"<a b:='1'/>",
        b"<!DOCTYPE a [<!ATTLIST>]><a/>",
        b"<!DOCTYPE a [<!ATTLIST a>]><a/>",
        b"<!DOCTYPE a [<!ATTLIST a b>]><a/>",
        b"<!DOCTYPE a [<!ATTLIST a b CDATA>]><a/>",
        b"<!DOCTYPE a [<!ATTLIST a b (x|y) 'z>]><a/>",
        // Found by fuzzing: an ATTLIST cut off after the attribute name and a space.
        b"<!DOCTYPE a [<!ATTLIST a b >",
        b"<!DOCTYPE a [<!ATTLIST a b \"x\">]><a/>",
        b"<?xml-stylesheet encoding='KOI8-R'?><a/>",
        // Found by fuzzing: two byte order marks (quick-xml skips one by itself).
        b"\xEF\xBB\xBF\xEF\xBB\xBF<doc>line;/e",
        b"\xEF\xBB\xBF\xEF\xBB\xBF<a/>",
    ];
    // Found by fuzzing: a DTD default attribute with an invalid qualified name.
    let bad_default = b"<!DOCTYPE a [<!ATTLIST a xmlns:xml:space CDATA 'x'>]><a/>";
    assert!(Document::parse(bad_default, &ParseOptions::default().allow_dtd(true)).is_err());
    for c in cases {
        for allow in [false, true] {
            let _ = Document::parse(c, &ParseOptions::default().allow_dtd(allow));
        }
    }
}

#[test]
fn real_entity_bomb_from_the_corpus() {
    // ruby-saml's attackxee.xml (which crashes xmlsec1 1.2.37, per the corpus README).
    let bytes = tanba_testdata::read(&tanba_testdata::corpus(
        "ruby-saml/test/responses/attackxee.xml",
    ));
    let e = err(&bytes);
    assert!(matches!(e, XmlError::DtdNotAllowed { .. }), "{e}");
    assert_eq!(at(&e), (3, 2));
    let e = err_with(&bytes, &ParseOptions::default().allow_dtd(true));
    assert_eq!(limit_of(&e), LimitKind::EntityExpansion);
}

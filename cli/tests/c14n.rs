//! `tanba c14n` end to end: the bundled example, a corpus vector with --apex and
//! --exclusive, stdin, and the exit-2 paths (malformed input with file:line:column,
//! unknown apex, bad --apex syntax).

mod common;

use common::assert_exit;

use std::process::Output;

fn tanba(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::tanba_io(args, &[], stdin)
}

#[test]
fn bundled_example_inclusive() {
    let path = tanba_testdata::own("examples/application.xml");
    let out = tanba(&["c14n", path.to_str().unwrap()], None);
    assert_exit(&out, 0);
    let s = String::from_utf8(out.stdout).unwrap();
    // The comment before the root is dropped, attributes normalized, the empty element
    // expanded, the character reference &#13; kept as &#xD;.
    assert!(
        s.starts_with("<app:Application xmlns:app=\"urn:tanba:example:application\""),
        "{s}"
    );
    assert!(
        s.contains("<app:Note lang=\"kk\">Өтініш&#xD;беру</app:Note>"),
        "{s}"
    );
    assert!(s.contains("<app:Empty></app:Empty>"), "{s}");
    assert!(!s.contains("<!--"));
}

#[test]
fn corpus_subtree_exclusive_with_comments() {
    // Exc-C14N spec example 2.2 under exclusive C14N: expected bytes from the corpus.
    let base = "santuario/src/test/resources/org/apache/xml/security/c14n/inExcl/";
    let input = tanba_testdata::corpus(&format!("{base}example2_2_1.xml"));
    let want = tanba_testdata::read(&tanba_testdata::corpus(&format!(
        "{base}example2_2_c14nized_exclusive.xml"
    )));
    let out = tanba(
        &[
            "c14n",
            "--exclusive",
            "--with-comments",
            "--apex",
            "{http://example.net}elem2",
            input.to_str().unwrap(),
        ],
        None,
    );
    assert_exit(&out, 0);
    assert_eq!(out.stdout, want);
}

#[test]
fn stdin_and_prefix_list() {
    let doc = br#"<r xmlns:a="urn:a" xmlns:b="urn:b"><x/></r>"#;
    let out = tanba(
        &[
            "c14n",
            "--exclusive",
            "--inclusive-prefixes",
            "b",
            "--apex",
            "{}x",
            "-",
        ],
        Some(doc),
    );
    assert_exit(&out, 0);
    assert_eq!(out.stdout, br#"<x xmlns:b="urn:b"></x>"#);
}

#[test]
fn malformed_input_exits_2_with_line_and_column() {
    let out = tanba(&["c14n", "-"], Some(b"<a>\n  <b x='1' x='2'/>\n</a>"));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("<stdin>:2:12: duplicate attribute `x`"),
        "{err}"
    );
}

#[test]
fn missing_apex_and_bad_syntax_exit_2() {
    let out = tanba(&["c14n", "--apex", "{urn:none}x", "-"], Some(b"<a/>"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no element {urn:none}x"));
    let out = tanba(&["c14n", "--apex", "{urn:x", "-"], Some(b"<a/>"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--apex"));
}

#[test]
fn entity_declarations_need_allow_dtd() {
    let doc = b"<!DOCTYPE a [<!ENTITY e \"v\">]><a>&e;</a>";
    let out = tanba(&["c14n", "-"], Some(doc));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DTD construct not allowed"));
    let out = tanba(&["c14n", "--allow-dtd", "-"], Some(doc));
    assert_exit(&out, 0);
    assert_eq!(out.stdout, b"<a>v</a>");
}

#[test]
fn unreadable_file_exits_2() {
    let out = tanba(&["c14n", "/nonexistent/tanba-test.xml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/tanba-test.xml"));
}

#[test]
fn help_has_an_example() {
    let out = tanba(&["c14n", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("tanba c14n testdata/examples/application.xml"),
        "{s}"
    );
    assert!(s.contains("--apex"));
}

#[test]
fn out_file_is_written_atomically_and_not_on_failure() {
    let dir = std::env::temp_dir().join(format!("tanba-c14n-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("c.xml");
    let o = tanba(
        &["c14n", "-", "--out", out.to_str().unwrap()],
        Some(b"<a  b='1'/>"),
    );
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read(&out).unwrap(), br#"<a b="1"></a>"#);
    let bad = dir.join("bad.xml");
    let o = tanba(&["c14n", "-", "--out", bad.to_str().unwrap()], Some(b"<a>"));
    assert_eq!(o.status.code(), Some(2));
    assert!(!bad.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only c.xml remains: {leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

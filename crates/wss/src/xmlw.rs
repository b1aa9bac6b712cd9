//! Escaping for the compact XML tanba writes.

/// Escapes character data (`&`, `<`, `>`; CR as `&#13;` so it survives parsing).
pub(crate) fn text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// Escapes an attribute value for `"…"` in the canonical-XML way (also valid plain XML).
pub(crate) fn attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// `<name>escaped text</name>`.
pub(crate) fn element(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    text(value, out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// [`element`] when `value` is `Some`.
pub(crate) fn opt_element(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        element(out, name, v);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        let mut s = String::new();
        super::text("a<b&c>\r\n", &mut s);
        assert_eq!(s, "a&lt;b&amp;c&gt;&#13;\n");
        let mut a = String::new();
        super::attr("\"x\"\t<&", &mut a);
        assert_eq!(a, "&quot;x&quot;&#x9;&lt;&amp;");
    }
}

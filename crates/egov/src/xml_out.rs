//! A small compact XML writer: no indentation, correct escaping, UTF-8 kept as is.

/// Writes elements in document order; every value it is given has already been checked
/// to contain only characters XML 1.0 allows (see [`crate::values::Text`]).
pub(crate) struct XmlOut {
    out: String,
    stack: Vec<&'static str>,
    tag_open: bool,
}

impl XmlOut {
    /// Start a document with the XML declaration and the root element in namespace `ns`.
    pub(crate) fn new(root: &'static str, ns: &str) -> Self {
        let mut w = XmlOut {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            stack: Vec::new(),
            tag_open: false,
        };
        w.start(root);
        w.attr("xmlns", ns);
        w
    }

    fn close_tag(&mut self) {
        if self.tag_open {
            self.out.push('>');
            self.tag_open = false;
        }
    }

    pub(crate) fn start(&mut self, name: &'static str) -> &mut Self {
        self.close_tag();
        self.out.push('<');
        self.out.push_str(name);
        self.stack.push(name);
        self.tag_open = true;
        self
    }

    pub(crate) fn attr(&mut self, name: &str, value: &str) -> &mut Self {
        debug_assert!(self.tag_open);
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        for c in value.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '"' => self.out.push_str("&quot;"),
                '\t' => self.out.push_str("&#9;"),
                '\n' => self.out.push_str("&#10;"),
                '\r' => self.out.push_str("&#13;"),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
        self
    }

    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.close_tag();
        for c in value.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '\r' => self.out.push_str("&#13;"),
                c => self.out.push(c),
            }
        }
        self
    }

    pub(crate) fn end(&mut self) -> &mut Self {
        let name = self.stack.pop().unwrap_or("");
        if self.tag_open {
            self.out.push_str("/>");
            self.tag_open = false;
        } else {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// `<name>value</name>`.
    pub(crate) fn leaf(&mut self, name: &'static str, value: impl std::fmt::Display) -> &mut Self {
        let v = value.to_string();
        self.start(name).text(&v).end()
    }

    /// `<name>value</name>` when `value` is `Some`.
    pub(crate) fn opt_leaf<T: std::fmt::Display>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> &mut Self {
        if let Some(v) = value {
            self.leaf(name, v);
        }
        self
    }

    /// Close every open element and return the bytes.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        while !self.stack.is_empty() {
            self.end();
        }
        self.out.into_bytes()
    }
}

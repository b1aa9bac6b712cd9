//! Text of a `ds:Signature` element in the Kalkan profile (or a variant), built as a string.
//!
//! The template is spliced into the document, the document is parsed again, the
//! `SignedInfo` is canonicalized in its real namespace context and signed, and the
//! `SignatureValue` text is inserted at [`SignatureText::value_offset`].

use tanba_crypto::{DigestAlgorithm, SignatureAlgorithm};

use crate::algorithms::{C14nMethod, Transform, DSIG_NS};
use crate::base64::{encode_xml, Base64Layout};
use crate::ReferenceUri;

/// One `ds:Reference` to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceTemplate {
    /// What is referenced.
    pub uri: ReferenceUri,
    /// The transforms, in order.
    pub transforms: Vec<Transform>,
    /// The digest algorithm.
    pub digest: DigestAlgorithm,
    /// The digest value (raw bytes).
    pub digest_value: Vec<u8>,
}

/// Everything that goes into a `ds:Signature` except the signature value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureTemplate {
    /// `SignedInfo/CanonicalizationMethod`.
    pub c14n: C14nMethod,
    /// `SignedInfo/SignatureMethod`.
    pub signature: SignatureAlgorithm,
    /// The references.
    pub references: Vec<ReferenceTemplate>,
    /// `KeyInfo/X509Data/X509Certificate` (DER); `None` writes no `KeyInfo`.
    pub certificate: Option<Vec<u8>>,
    /// Base64 layout of `SignatureValue` and `X509Certificate` (`DigestValue` is short).
    pub layout: Base64Layout,
    /// Put a newline between the `ds:` elements (Kalkan/Santuario layout) or none (compact).
    pub newlines: bool,
    /// The prefix of the XMLDSig namespace (`"ds"` in the Kalkan profile; `""` = default namespace).
    pub prefix: String,
}

/// The rendered `ds:Signature` element with an empty `SignatureValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureText {
    /// The element text (UTF-8, XML-escaped).
    pub text: String,
    /// Byte offset in `text` where the `SignatureValue` content goes.
    pub value_offset: usize,
    /// Byte range of the `SignedInfo` element in `text`.
    pub signed_info: std::ops::Range<usize>,
    /// Byte length of the `Signature` start tag at the beginning of `text`.
    pub start_tag_len: usize,
}

impl SignatureTemplate {
    /// The Kalkan enveloped profile (KALKAN-COMPAT.md): C14N 1.0 `SignedInfo`, one
    /// `Reference URI=""` with enveloped-signature + C14N#WithComments.
    pub fn kalkan_enveloped(
        signature: SignatureAlgorithm,
        digest_value: Vec<u8>,
        certificate: Option<Vec<u8>>,
    ) -> Self {
        SignatureTemplate {
            c14n: C14nMethod::Inclusive {
                with_comments: false,
            },
            signature,
            references: vec![ReferenceTemplate {
                uri: ReferenceUri::Document {
                    keep_comments: false,
                },
                transforms: kalkan_enveloped_transforms(),
                digest: signature.digest(),
                digest_value,
            }],
            certificate,
            layout: Base64Layout::Kalkan,
            newlines: true,
            prefix: "ds".into(),
        }
    }

    /// The Kalkan by-Id profile: exclusive C14N `SignedInfo`, one `Reference URI="#id"`
    /// with the single transform C14N#WithComments.
    pub fn kalkan_by_id(
        signature: SignatureAlgorithm,
        id: &str,
        digest_value: Vec<u8>,
        certificate: Option<Vec<u8>>,
    ) -> Self {
        SignatureTemplate {
            c14n: C14nMethod::Exclusive {
                with_comments: false,
                inclusive_prefixes: vec![],
            },
            signature,
            references: vec![ReferenceTemplate {
                uri: ReferenceUri::Id {
                    id: id.to_owned(),
                    keep_comments: false,
                },
                transforms: kalkan_by_id_transforms(),
                digest: signature.digest(),
                digest_value,
            }],
            certificate,
            layout: Base64Layout::Kalkan,
            newlines: true,
            prefix: "ds".into(),
        }
    }

    /// Renders the `Signature` element with an empty `SignatureValue`.
    pub fn render(&self) -> SignatureText {
        let mut w = Writer {
            out: String::with_capacity(4096),
            prefix: &self.prefix,
            nl: self.newlines,
        };
        let xmlns = if self.prefix.is_empty() {
            format!(" xmlns=\"{DSIG_NS}\"")
        } else {
            format!(" xmlns:{}=\"{DSIG_NS}\"", self.prefix)
        };
        w.open("Signature", &xmlns);
        let start_tag_len = w.out.len();
        w.nl();
        let si_start = w.out.len();
        w.open("SignedInfo", "");
        w.nl();
        w.method("CanonicalizationMethod", &self.c14n);
        w.empty(
            "SignatureMethod",
            &format!(" Algorithm=\"{}\"", self.signature.xml_uri()),
        );
        for r in &self.references {
            w.open(
                "Reference",
                &format!(" URI=\"{}\"", escape_attr(&r.uri.to_uri_string())),
            );
            w.nl();
            if !r.transforms.is_empty() {
                w.open("Transforms", "");
                w.nl();
                for t in &r.transforms {
                    match t {
                        Transform::C14n(m) => w.method("Transform", m),
                        other => w.empty("Transform", &format!(" Algorithm=\"{}\"", other.uri())),
                    }
                }
                w.close("Transforms");
            }
            w.empty(
                "DigestMethod",
                &format!(" Algorithm=\"{}\"", r.digest.xml_uri()),
            );
            w.open("DigestValue", "");
            w.out
                .push_str(&encode_xml(&r.digest_value, Base64Layout::Compact));
            w.close("DigestValue");
            w.close("Reference");
        }
        w.close("SignedInfo");
        let si_end = w.out.trim_end_matches('\n').len();
        w.open("SignatureValue", "");
        let value_offset = w.out.len();
        w.close("SignatureValue");
        if let Some(cert) = &self.certificate {
            w.open("KeyInfo", "");
            w.nl();
            w.open("X509Data", "");
            w.nl();
            w.open("X509Certificate", "");
            w.out.push_str(&encode_xml(cert, self.layout));
            w.close("X509Certificate");
            w.close("X509Data");
            w.close("KeyInfo");
        }
        // no newline after the Signature end tag: text outside the signature would change
        // the digest of an enveloped reference made later.
        w.nl = false;
        w.close("Signature");
        SignatureText {
            text: w.out,
            value_offset,
            signed_info: si_start..si_end,
            start_tag_len,
        }
    }

    /// The `SignatureValue` content for `value` in this template's layout.
    pub fn signature_value_text(&self, value: &[u8]) -> String {
        encode_xml(value, self.layout)
    }
}

/// enveloped-signature, then C14N 1.0 #WithComments (the Kalkan enveloped profile).
pub fn kalkan_enveloped_transforms() -> Vec<Transform> {
    vec![
        Transform::Enveloped,
        Transform::C14n(C14nMethod::Inclusive {
            with_comments: true,
        }),
    ]
}

/// The single C14N 1.0 #WithComments transform (the Kalkan by-Id profile).
pub fn kalkan_by_id_transforms() -> Vec<Transform> {
    vec![Transform::C14n(C14nMethod::Inclusive {
        with_comments: true,
    })]
}

struct Writer<'a> {
    out: String,
    prefix: &'a str,
    nl: bool,
}

impl Writer<'_> {
    fn name(&mut self, local: &str) {
        if !self.prefix.is_empty() {
            self.out.push_str(self.prefix);
            self.out.push(':');
        }
        self.out.push_str(local);
    }
    fn open(&mut self, local: &str, attrs: &str) {
        self.out.push('<');
        self.name(local);
        self.out.push_str(attrs);
        self.out.push('>');
    }
    fn empty(&mut self, local: &str, attrs: &str) {
        self.out.push('<');
        self.name(local);
        self.out.push_str(attrs);
        self.out.push_str("/>");
        self.nl();
    }
    fn close(&mut self, local: &str) {
        self.out.push_str("</");
        self.name(local);
        self.out.push('>');
        self.nl();
    }
    fn nl(&mut self) {
        if self.nl {
            self.out.push('\n');
        }
    }
    fn method(&mut self, local: &str, m: &C14nMethod) {
        let attrs = format!(" Algorithm=\"{}\"", m.uri());
        let prefixes = m.inclusive_prefixes();
        if prefixes.is_empty() {
            self.empty(local, &attrs);
        } else {
            self.open(local, &attrs);
            self.out.push_str(&format!(
                "<ec:InclusiveNamespaces xmlns:ec=\"{}\" PrefixList=\"{}\"/>",
                crate::algorithms::EXC_C14N,
                escape_attr(&prefixes.join(" "))
            ));
            self.close(local);
        }
    }
}

/// Escapes a string for a double-quoted attribute value.
pub(crate) fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kalkan_enveloped_shape() {
        let t = SignatureTemplate::kalkan_enveloped(
            SignatureAlgorithm::RsaPkcs1Sha256,
            vec![1; 32],
            Some(vec![0x30; 300]),
        );
        let r = t.render();
        let expected_head = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n\
<ds:SignedInfo>\n\
<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>\n\
<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\n\
<ds:Reference URI=\"\">\n\
<ds:Transforms>\n\
<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\n\
<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"/>\n\
</ds:Transforms>\n\
<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\n\
<ds:DigestValue>AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=</ds:DigestValue>\n\
</ds:Reference>\n\
</ds:SignedInfo>\n\
<ds:SignatureValue>";
        assert!(r.text.starts_with(expected_head), "{}", r.text);
        assert_eq!(r.value_offset, expected_head.len());
        assert_eq!(
            r.start_tag_len,
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">".len()
        );
        assert!(r.text[r.signed_info.clone()]
            .starts_with("<ds:SignedInfo>\n<ds:CanonicalizationMethod"));
        assert!(r.text[r.signed_info.clone()].ends_with("</ds:Reference>\n</ds:SignedInfo>"));
        assert!(r.text[r.value_offset..].starts_with(
            "</ds:SignatureValue>\n<ds:KeyInfo>\n<ds:X509Data>\n<ds:X509Certificate>\n"
        ));
        assert!(r.text.contains("&#13;\n"));
        assert!(r
            .text
            .ends_with("</ds:X509Certificate>\n</ds:X509Data>\n</ds:KeyInfo>\n</ds:Signature>"));
    }

    #[test]
    fn kalkan_by_id_shape() {
        let t = SignatureTemplate::kalkan_by_id(
            SignatureAlgorithm::Gost2015_512,
            "doc-1",
            vec![2; 64],
            None,
        );
        let r = t.render();
        assert!(r.text.contains(
            "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
        ));
        assert!(r.text.contains("<ds:Reference URI=\"#doc-1\">\n<ds:Transforms>\n<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments\"/>\n</ds:Transforms>"));
        assert!(r.text.contains(
            "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512"
        ));
        assert!(r
            .text
            .contains("urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512"));
        assert!(!r.text.contains("KeyInfo"));
        assert_eq!(r.text.matches("<ds:Transform ").count(), 1);
    }

    #[test]
    fn compact_layout_has_no_newlines() {
        let mut t = SignatureTemplate::kalkan_enveloped(
            SignatureAlgorithm::EcdsaSha256,
            vec![3; 32],
            Some(vec![0x30; 500]),
        );
        t.newlines = false;
        t.layout = Base64Layout::Compact;
        t.c14n = C14nMethod::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec!["soap".into(), "#default".into()],
        };
        let r = t.render();
        assert!(!r.text.contains('\n'), "{}", r.text);
        assert!(r.text.contains("<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"soap #default\"/></ds:CanonicalizationMethod>"));
        assert_eq!(t.signature_value_text(&[0u8; 300]).len(), 400);
    }
}

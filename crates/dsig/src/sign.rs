//! Signing: the Kalkan enveloped profile over the whole document, or by Id.

use tanba_crypto::{SignatureEncoding, Signer};

use crate::algorithms::{C14nMethod, Transform};
use crate::base64::Base64Layout;
use crate::dom::{Doc, Node};
use crate::template::{ReferenceTemplate, SignatureTemplate};
use crate::{DsigError, ReferenceUri};

/// What to sign.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SignTarget {
    /// The whole document (`Reference URI=""`, enveloped-signature + C14N#WithComments);
    /// earlier signatures are covered by the new one.
    #[default]
    WholeDocument,
    /// The element carrying this Id (`Reference URI="#id"`, C14N#WithComments, exclusive
    /// C14N for `SignedInfo`).
    Id(String),
}

/// Where the `ds:Signature` goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Placement {
    /// Kalkan's choice: last child of the document element for a whole-document
    /// signature, last child of the signed element's parent for a by-Id signature.
    #[default]
    Default,
    /// Last child of the document element.
    DocumentElement,
    /// Last child of the element carrying this Id (must not be inside a by-Id signed element).
    InsideId(String),
}

/// Options for [`sign`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOptions {
    /// What to sign.
    pub target: SignTarget,
    /// Where to put the signature.
    pub placement: Placement,
    /// Base64 layout of `SignatureValue` / `X509Certificate`.
    pub layout: Base64Layout,
    /// Newlines between the `ds:` elements (Kalkan/Santuario layout) or none (compact).
    pub newlines: bool,
    /// `SignedInfo` canonicalization; `None` = the profile's (C14N 1.0 for a whole
    /// document, exclusive C14N by Id).
    pub c14n: Option<C14nMethod>,
    /// Reference transforms; `None` = the profile's.
    pub transforms: Option<Vec<Transform>>,
    /// Put `KeyInfo/X509Data/X509Certificate` (the signer's certificate only).
    pub include_certificate: bool,
    /// Start the output with `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` when
    /// the input has no XML declaration (Kalkan output always has one).
    pub xml_declaration: bool,
}

impl Default for SignOptions {
    fn default() -> Self {
        SignOptions {
            target: SignTarget::WholeDocument,
            placement: Placement::Default,
            layout: Base64Layout::Kalkan,
            newlines: true,
            c14n: None,
            transforms: None,
            include_certificate: true,
            xml_declaration: true,
        }
    }
}

impl SignOptions {
    /// The compact variant of the Kalkan profile: no newlines, single-line base64 (what
    /// portals that re-parse and drop whitespace cope with; SMARTBRIDGE.md P2/P3).
    pub fn compact() -> Self {
        SignOptions {
            layout: Base64Layout::Compact,
            newlines: false,
            ..Self::default()
        }
    }

    /// By-Id signature of the element with this Id.
    pub fn by_id(id: impl Into<String>) -> Self {
        SignOptions {
            target: SignTarget::Id(id.into()),
            ..Self::default()
        }
    }
}

const KALKAN_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>";

/// Signs `xml` and returns the signed document (UTF-8).
///
/// The signature is spliced into the original text: nothing outside the new
/// `ds:Signature` element changes (except a UTF-8 XML declaration added or substituted
/// for a non-UTF-8 one, which canonicalization ignores).
pub fn sign(xml: &[u8], signer: &dyn Signer, opts: &SignOptions) -> Result<Vec<u8>, DsigError> {
    let doc = Doc::parse(xml)?;
    let alg = signer.algorithm();
    let (uri, default_c14n, default_transforms) = match &opts.target {
        SignTarget::WholeDocument => (
            ReferenceUri::Document {
                keep_comments: false,
            },
            C14nMethod::Inclusive {
                with_comments: false,
            },
            crate::template::kalkan_enveloped_transforms(),
        ),
        SignTarget::Id(id) => (
            ReferenceUri::Id {
                id: id.clone(),
                keep_comments: false,
            },
            C14nMethod::Exclusive {
                with_comments: false,
                inclusive_prefixes: vec![],
            },
            crate::template::kalkan_by_id_transforms(),
        ),
    };
    let transforms = opts.transforms.clone().unwrap_or(default_transforms);
    let c14n = opts.c14n.clone().unwrap_or(default_c14n);

    // what is signed, and where the signature goes
    let signed_el = match &opts.target {
        SignTarget::WholeDocument => None,
        SignTarget::Id(id) => Some(
            doc.find_id(id)?
                .ok_or_else(|| DsigError::Sign(format!("no element has Id {id:?}")))?,
        ),
    };
    let parent = match (&opts.placement, signed_el) {
        (Placement::DocumentElement, _) | (Placement::Default, None) => doc.root(),
        (Placement::Default, Some(el)) => doc.parent_element(el).ok_or_else(|| {
            DsigError::Sign(
                "the element to sign is the document element; sign the whole document instead"
                    .into(),
            )
        })?,
        (Placement::InsideId(pid), _) => doc
            .find_id(pid.as_str())?
            .ok_or_else(|| DsigError::Sign(format!("no element has Id {pid:?}")))?,
    };
    let enveloped = transforms.contains(&Transform::Enveloped);
    if let Some(el) = signed_el {
        if doc.is_ancestor_or_self(el, parent) && !enveloped {
            return Err(DsigError::Sign(
                "the signature would be placed inside the signed element without the enveloped-signature transform".into(),
            ));
        }
    } else if !enveloped {
        return Err(DsigError::Sign(
            "a whole-document signature needs the enveloped-signature transform".into(),
        ));
    }

    // the digest: the new signature does not exist yet, so the enveloped transform has
    // nothing to remove — the node set is exactly the current document.
    let mut final_c14n = None;
    for t in &transforms {
        match t {
            Transform::Enveloped => {}
            Transform::C14n(m) => final_c14n = Some(m.clone()),
            Transform::Base64 => {
                return Err(DsigError::Sign(
                    "the base64 transform is not used for signing".into(),
                ))
            }
        }
    }
    let method = final_c14n.unwrap_or(C14nMethod::Inclusive {
        with_comments: false,
    });
    let with_comments = method.with_comments() && uri.keeps_comments();
    let mut hasher = alg.digest().hasher();
    doc.c14n(signed_el, &method, with_comments, &[], &mut hasher)?;
    let digest_value = hasher.finalize();

    let certificate = if opts.include_certificate {
        Some(
            signer
                .certificate_chain()
                .first()
                .cloned()
                .ok_or_else(|| DsigError::Sign("the signer has no certificate".into()))?,
        )
    } else {
        None
    };
    let template = SignatureTemplate {
        c14n,
        signature: alg,
        references: vec![ReferenceTemplate {
            uri,
            transforms,
            digest: alg.digest(),
            digest_value,
        }],
        certificate,
        layout: opts.layout,
        newlines: opts.newlines,
        prefix: "ds".into(),
    };
    let rendered = template.render();

    // SignedInfo is canonicalized in its real context: the Signature start tag and the
    // SignedInfo are parsed inside a small wrapper that carries exactly the namespaces in
    // scope at `parent` and the `xml:*` attributes it inherits (all that C14N takes from
    // ancestors), so the whole document need not be parsed a second time.
    let signature_skeleton = format!(
        "{}{}</{}Signature>",
        &rendered.text[..rendered.start_tag_len],
        &rendered.text[rendered.signed_info.clone()],
        if template.prefix.is_empty() {
            String::new()
        } else {
            format!("{}:", template.prefix)
        }
    );
    let wrapper = context_wrapper(&doc, parent, &signature_skeleton);
    let (mut text, sig_start) =
        splice_last_child(&doc, parent, &rendered.text, opts.xml_declaration)?;
    drop(doc);
    let frag = Doc::parse(wrapper.as_bytes())?;
    let sig_el = frag
        .child_elements(frag.root())
        .into_iter()
        .next()
        .ok_or_else(|| DsigError::Sign("internal: signature template not found".into()))?;
    let signed_info = frag
        .child_elements(sig_el)
        .into_iter()
        .next()
        .ok_or_else(|| DsigError::Sign("internal: SignedInfo not found".into()))?;
    let mut si = Vec::new();
    frag.c14n(
        Some(signed_info),
        &template.c14n,
        template.c14n.with_comments(),
        &[],
        &mut si,
    )?;
    let value = signer.sign(&si, SignatureEncoding::XmlDsig)?;
    text.insert_str(
        sig_start + rendered.value_offset,
        &template.signature_value_text(&value),
    );
    Ok(text.into_bytes())
}

/// `<w xmlns…="…" xml:…="…">FRAGMENT</w>` reproducing the context of `parent`.
fn context_wrapper(doc: &Doc, parent: Node, fragment: &str) -> String {
    use crate::template::escape_attr;
    let d = doc.inner();
    let mut out = String::with_capacity(fragment.len() + 256);
    out.push_str("<w");
    for ns in d.in_scope_namespaces(parent) {
        if ns.prefix.is_empty() {
            out.push_str(&format!(" xmlns=\"{}\"", escape_attr(ns.uri)));
        } else {
            out.push_str(&format!(" xmlns:{}=\"{}\"", ns.prefix, escape_attr(ns.uri)));
        }
    }
    // inherited xml:* attributes, nearest ancestor wins
    let mut seen: Vec<&str> = Vec::new();
    let mut cur = Some(parent);
    while let Some(el) = cur {
        if !d.is_element(el) {
            break;
        }
        for a in d.attributes(el) {
            if a.name.namespace == tanba_xml::XML_NS && !seen.contains(&a.name.local) {
                seen.push(a.name.local);
                out.push_str(&format!(
                    " xml:{}=\"{}\"",
                    a.name.local,
                    escape_attr(a.value)
                ));
            }
        }
        cur = d.parent(el);
    }
    out.push('>');
    out.push_str(fragment);
    out.push_str("</w>");
    out
}

/// Inserts `fragment` as the last child of `parent` in the document text; returns the new
/// text and the byte offset where the fragment starts.
fn splice_last_child(
    doc: &Doc,
    parent: Node,
    fragment: &str,
    add_declaration: bool,
) -> Result<(String, usize), DsigError> {
    let src = doc.text();
    let range = doc.outer_range(parent);
    let (body_start, prolog) = declaration_fix(src, add_declaration);
    let mut out = String::with_capacity(src.len() + fragment.len() + 2 * KALKAN_DECLARATION.len());
    out.push_str(&prolog);
    let element = &src[range.clone()];
    let sig_start;
    // an end tag never ends in "/>": this is an empty-element tag
    if element.ends_with("/>") {
        // <a .../>  ->  <a ...>FRAGMENT</a>
        let cut = range.end - 2;
        out.push_str(&src[body_start..cut]);
        out.push('>');
        sig_start = out.len();
        out.push_str(fragment);
        out.push_str("</");
        out.push_str(doc.qname(parent));
        out.push('>');
        out.push_str(&src[range.end..]);
    } else {
        let end_tag_start = src[..range.end].rfind("</").ok_or_else(|| {
            DsigError::Sign("internal: end tag of the parent element not found".into())
        })?;
        out.push_str(&src[body_start..end_tag_start]);
        sig_start = out.len();
        out.push_str(fragment);
        out.push_str(&src[end_tag_start..]);
    }
    Ok((out, sig_start))
}

/// Returns where the body starts in `src` (after a declaration being replaced) and the
/// prolog to write before it.
fn declaration_fix(src: &str, add: bool) -> (usize, String) {
    let src_trim = src.strip_prefix('\u{feff}').unwrap_or(src);
    let bom = src.len() - src_trim.len();
    if src_trim.starts_with("<?xml ")
        || src_trim.starts_with("<?xml\t")
        || src_trim.starts_with("<?xml\n")
    {
        if let Some(end) = src_trim.find("?>") {
            let decl = &src_trim[..end];
            let enc = decl
                .split("encoding")
                .nth(1)
                .map(|s| s.trim_start().trim_start_matches('=').trim_start())
                .and_then(|s| {
                    let q = s.chars().next()?;
                    s[1..].split(q).next().map(str::to_ascii_lowercase)
                });
            match enc.as_deref() {
                None | Some("utf-8") | Some("utf8") => return (bom, String::new()),
                Some(_) => return (bom + end + 2, KALKAN_DECLARATION.to_owned()),
            }
        }
        return (bom, String::new());
    }
    if add {
        (bom, format!("{KALKAN_DECLARATION}\n"))
    } else {
        (bom, String::new())
    }
}

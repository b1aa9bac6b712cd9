//! Verification of the transport signature with the anti-wrapping rules of
//! SMARTBRIDGE.md §6.7: the signed Body must be *this* envelope's Body.

use tanba_crypto::{
    verify_signature, AlgorithmPolicy, CryptoError, DigestAlgorithm, SignatureAlgorithm,
    SignatureEncoding,
};
use tanba_dsig::{AlgorithmRole, C14nMethod, ReferenceUri, Transform};
use tanba_xml::c14n::{canonicalize, C14nOptions, Method, NodeSet};
use tanba_xml::{Document, NodeId, ParseOptions};
use time::{Duration, OffsetDateTime};

use super::token::{resolve, TokenReference};
use super::{all_bodies, HashWriter};
use crate::envelope::SoapVersion;
use crate::error::{EnvelopeError, WrappingAttack, WssError};
use crate::{datetime, ns};

/// Options for [`verify`].
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Check the Timestamp "as of" this moment (default: now).
    pub at: Option<OffsetDateTime>,
    /// Allowed clock difference for Created/Expires (default 5 minutes).
    pub clock_skew: Duration,
    /// Require a signed `wsu:Timestamp` (default: no — SmartBridge clients send none).
    pub require_timestamp: bool,
    /// Refuse a Timestamp created longer ago than this (plus skew), even if not expired.
    pub max_timestamp_age: Option<Duration>,
    /// Require `mustUnderstand="1"` on the Security header (default: yes).
    pub require_must_understand: bool,
    /// Header blocks `(namespace, local name)` that must be present and signed.
    pub required_headers: Vec<(String, String)>,
    /// Certificates (DER) known out of band — used to resolve `X509IssuerSerial` and
    /// `ThumbprintSHA1` references (e.g. SmartBridge's own transport certificate).
    pub pinned_certificates: Vec<Vec<u8>>,
    /// Accept SHA-1 based algorithms (legacy messages only).
    pub allow_legacy: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            at: None,
            clock_skew: Duration::minutes(5),
            require_timestamp: false,
            max_timestamp_age: None,
            require_must_understand: true,
            required_headers: Vec::new(),
            pinned_certificates: Vec::new(),
            allow_legacy: false,
        }
    }
}

/// A part of the envelope covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedPart {
    /// The envelope's Body (with this Id).
    Body {
        /// The `wsu:Id` (or `Id`) value.
        id: String,
    },
    /// The Security header's Timestamp.
    Timestamp {
        /// Its Id.
        id: String,
    },
    /// A `wsse:BinarySecurityToken` of this Security header (WSS4J can sign it).
    SecurityToken {
        /// Its Id.
        id: String,
    },
    /// A header block.
    Header {
        /// Its namespace.
        namespace: String,
        /// Its local name.
        local: String,
        /// Its Id.
        id: String,
    },
}

/// The Security header's `wsu:Timestamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampInfo {
    /// `Created`.
    pub created: OffsetDateTime,
    /// `Expires`, if present.
    pub expires: Option<OffsetDateTime>,
}

/// A verified envelope: who signed, what, and how.
#[derive(Debug)]
pub struct VerifiedEnvelope {
    doc: Document,
    /// The SOAP version.
    pub version: SoapVersion,
    /// The envelope's Body element (signed).
    pub body: NodeId,
    /// The signer's certificate (DER) — validate it with tanba-pki.
    pub signer_certificate: Vec<u8>,
    /// How KeyInfo designated it.
    pub token: TokenReference,
    /// `SignatureMethod`.
    pub signature_algorithm: SignatureAlgorithm,
    /// The digest algorithm of the references.
    pub digest_algorithm: DigestAlgorithm,
    /// The signed parts, in Reference order.
    pub signed_parts: Vec<SignedPart>,
    /// The Timestamp, if present (it is then signed and inside its window).
    pub timestamp: Option<TimestampInfo>,
    /// The canonical `SignedInfo` that was verified.
    pub signed_info: Vec<u8>,
}

impl VerifiedEnvelope {
    /// The parsed envelope (node ids of this report refer to it).
    pub fn document(&self) -> &Document {
        &self.doc
    }
    /// The signed Body's exact source text (start tag to end tag).
    pub fn body_source(&self) -> &str {
        &self.doc.source()[self.doc.range(self.body)]
    }

    /// The `SendMessage` request in the signed Body (read from the verified tree, not
    /// re-parsed, so it is exactly what the signature covers).
    pub fn send_message(&self) -> Result<crate::SendMessage, EnvelopeError> {
        self.message()
    }

    /// The `SendMessageResponse` in the signed Body; a fault is [`EnvelopeError::Fault`].
    pub fn send_message_response(&self) -> Result<crate::SendMessageResponse, EnvelopeError> {
        self.message()
    }

    /// The message of type `T` in the signed Body — any SyncChannel or AsyncChannel type
    /// (an AsyncChannel `sendMessage` is read from the service or the recipient-side
    /// namespace, whichever the Body holds). Read from the verified tree, not re-parsed.
    /// A Body holding another message is [`EnvelopeError::Schema`] at `Body` naming what
    /// was expected and what was found; a fault is [`EnvelopeError::Fault`].
    ///
    /// ```no_run
    /// # fn f(envelope: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// let verified = tanba_wss::verify(envelope, &tanba_wss::VerifyOptions::default())?;
    /// let pushed: tanba_wss::AsyncSendMessage = verified.message()?;
    /// println!("{} from {:?}", pushed.info.service_id, pushed.info.message_id);
    /// # Ok(()) }
    /// ```
    pub fn message<T: crate::BodyMessage>(&self) -> Result<T, EnvelopeError> {
        T::read_body(&crate::envelope::View {
            doc: &self.doc,
            version: self.version,
            body: self.body,
        })
    }
}

fn structure(msg: impl Into<String>) -> WssError {
    WssError::Structure(msg.into())
}

/// The element children of `el` named `{ns}local`: the first one and how many there are
/// (no allocation: these lookups run on every verification).
fn children_named(doc: &Document, el: NodeId, ns: &str, local: &str) -> (Option<NodeId>, usize) {
    let mut it = doc
        .child_elements(el)
        .filter(|&c| doc.name(c).is(ns, local));
    let first = it.next();
    let count = usize::from(first.is_some()) + it.count();
    (first, count)
}

fn algorithm_of<'d>(doc: &'d Document, el: NodeId, what: &str) -> Result<&'d str, WssError> {
    doc.attribute(el, "", "Algorithm")
        .ok_or_else(|| structure(format!("ds:{what} has no Algorithm")))
}

fn prefix_list(doc: &Document, method: NodeId) -> Option<&str> {
    doc.child_elements(method)
        .find(|&c| doc.name(c).is(ns::EXC_C14N, "InclusiveNamespaces"))
        .and_then(|c| doc.attribute(c, "", "PrefixList"))
}

fn exclusive_only(m: &C14nMethod, where_: &str) -> Result<C14nOptions, WssError> {
    if !m.is_exclusive() || m.with_comments() {
        return Err(WssError::Algorithm(format!(
            "{where_} is {} — the WS-Security profile requires exclusive C14N without comments",
            m.uri()
        )));
    }
    Ok(C14nOptions {
        method: Method::Exclusive,
        with_comments: false,
        inclusive_prefixes: m.inclusive_prefixes().to_vec(),
    })
}

/// Every `Body` element of the envelope namespace `env` in a document parsed without DTD
/// processing. Element names are written literally in the source (XML has no character
/// references in names), so every element named `Body` puts the four bytes `Body` into its
/// start tag. When the source holds `Body` only in the Envelope's own Body child's start and
/// end tags, no other Body can exist and the walk over every node ([`all_bodies`]) is
/// skipped; any other occurrence (text, an attribute, a second Body) takes the full walk.
fn bodies_of(doc: &Document, env: &str) -> Vec<NodeId> {
    let root = doc.root_element();
    if let Some(b) = doc
        .child_elements(root)
        .find(|&c| doc.name(c).is(env, "Body"))
    {
        let tags = if doc.is_self_closing(b) { 1 } else { 2 };
        if memchr::memmem::find_iter(doc.source().as_bytes(), b"Body").count() == tags {
            return vec![b];
        }
    }
    all_bodies(doc, env)
}

struct Ref {
    id: String,
    c14n: C14nOptions,
    digest: DigestAlgorithm,
    value: Vec<u8>,
}

/// Verifies the WS-Security transport signature of `envelope`.
///
/// This judges the transport signature only. To verify a document whatever it holds —
/// and never to let a `wsse:Security` element elsewhere fall through to plain XMLDSig —
/// use `tanba_validate::verify_document`, which routes any document with a
/// `wsse:Security` element to this profile and verifies every other signature too.
///
/// Checks, in order: well-formed XML without DTD; no duplicated or relocated Body
/// (wrapping); exactly one `wsse:Security` header (mustUnderstand) with exactly one
/// `ds:Signature`; exclusive C14N; every Reference a unique `#id` resolving to the Body,
/// the Timestamp or a header block; the Body signed; the token resolved; `SignatureValue`;
/// every digest; required headers signed; the Timestamp window. Certificate trust is not
/// decided here: validate [`VerifiedEnvelope::signer_certificate`] with tanba-pki.
pub fn verify(envelope: &[u8], opts: &VerifyOptions) -> Result<VerifiedEnvelope, WssError> {
    let doc = Document::parse(envelope, &ParseOptions::default())
        .map_err(|e| WssError::Envelope(EnvelopeError::Xml(e.to_string())))?;
    let root = doc.root_element();
    let version = SoapVersion::of_document(&doc).map_err(|root| {
        WssError::Envelope(EnvelopeError::NotSoap(format!(
            "{root}, not a SOAP Envelope"
        )))
    })?;
    let env = version.namespace();

    // Wrapping: exactly one Body, a direct child of the Envelope.
    let header = doc
        .child_elements(root)
        .next()
        .filter(|&h| doc.name(h).is(env, "Header"));
    let bodies = bodies_of(&doc, env);
    if let Some(h) = header {
        if bodies.iter().any(|&b| doc.is_ancestor_or_self(h, b)) {
            return Err(WrappingAttack::BodyInHeader.into());
        }
    }
    if bodies.len() > 1 {
        return Err(WrappingAttack::DuplicateBody {
            count: bodies.len(),
        }
        .into());
    }
    let body = *bodies.first().ok_or_else(|| {
        WssError::Envelope(EnvelopeError::NotSoap("the Envelope has no Body".into()))
    })?;
    if doc.parent(body) != Some(root) {
        return Err(WrappingAttack::BodyNotEnvelopeChild.into());
    }
    for c in doc.child_elements(root) {
        if Some(c) != header && c != body {
            return Err(WssError::Envelope(EnvelopeError::NotSoap(format!(
                "unexpected <{}> under the Envelope",
                doc.qualified_name(c)
            ))));
        }
    }
    let header = header.ok_or_else(|| {
        WssError::SecurityHeader(
            "the envelope has no Header: the message carries no transport signature".into(),
        )
    })?;

    // The Security header.
    let security = match children_named(&doc, header, ns::WSSE, "Security") {
        (Some(one), 1) => one,
        (_, 0) => {
            return Err(WssError::SecurityHeader(
                "no wsse:Security header: the message carries no transport signature".into(),
            ))
        }
        (_, count) => {
            return Err(WrappingAttack::Duplicated {
                what: "wsse:Security headers",
                count,
            }
            .into())
        }
    };
    if opts.require_must_understand {
        let mu = doc
            .attribute(security, env, "mustUnderstand")
            .map(str::trim);
        if !matches!(mu, Some("1") | Some("true")) {
            return Err(WssError::SecurityHeader(format!(
                "wsse:Security must carry {}mustUnderstand=\"1\" (found {:?})",
                if env == ns::SOAP11 { "soap:" } else { "env:" },
                mu
            )));
        }
    }
    let sig =
        match children_named(&doc, security, ns::DS, "Signature") {
            (Some(one), 1) => one,
            (_, 0) => return Err(WssError::NotSigned),
            (_, count) => return Err(WrappingAttack::Duplicated {
                what: "ds:Signature elements in wsse:Security (P12: template or second signature)",
                count,
            }
            .into()),
        };

    // Signature structure.
    let signed_info = match children_named(&doc, sig, ns::DS, "SignedInfo") {
        (Some(one), 1) => one,
        (_, 0) => return Err(structure("ds:Signature has no ds:SignedInfo")),
        (_, count) => {
            return Err(WrappingAttack::Duplicated {
                what: "ds:SignedInfo",
                count,
            }
            .into())
        }
    };
    if doc.child_elements(sig).next() != Some(signed_info) {
        return Err(structure(
            "ds:SignedInfo is not the first child of ds:Signature",
        ));
    }
    let sig_value_el = match children_named(&doc, sig, ns::DS, "SignatureValue") {
        (Some(one), 1) => one,
        (_, count) => {
            return Err(structure(format!(
                "ds:Signature must hold exactly one ds:SignatureValue ({count} found)"
            )))
        }
    };
    let key_info = match children_named(&doc, sig, ns::DS, "KeyInfo") {
        (Some(one), 1) => one,
        (_, count) => {
            return Err(structure(format!(
                "ds:Signature must hold exactly one ds:KeyInfo ({count} found)"
            )))
        }
    };

    // SignedInfo.
    let policy = if opts.allow_legacy {
        AlgorithmPolicy::allow_legacy()
    } else {
        AlgorithmPolicy::strict()
    };
    let si: Vec<NodeId> = doc.child_elements(signed_info).collect();
    let cm = *si
        .first()
        .filter(|&&c| doc.name(c).is(ns::DS, "CanonicalizationMethod"))
        .ok_or_else(|| structure("SignedInfo does not start with CanonicalizationMethod"))?;
    let sm = *si
        .get(1)
        .filter(|&&c| doc.name(c).is(ns::DS, "SignatureMethod"))
        .ok_or_else(|| {
            structure("SignedInfo has no SignatureMethod after CanonicalizationMethod")
        })?;
    let cm_uri = algorithm_of(&doc, cm, "CanonicalizationMethod")?;
    let si_c14n = exclusive_only(
        &C14nMethod::from_uri(
            cm_uri,
            prefix_list(&doc, cm),
            AlgorithmRole::Canonicalization,
        )?,
        "CanonicalizationMethod",
    )?;
    let sm_uri = algorithm_of(&doc, sm, "SignatureMethod")?;
    let signature_algorithm = SignatureAlgorithm::from_xml_uri(sm_uri)
        .map_err(|_| WssError::Algorithm(format!("unknown SignatureMethod {sm_uri}")))?;
    policy
        .check_signature(signature_algorithm)
        .map_err(|e| WssError::Algorithm(format!("SignatureMethod {sm_uri}: {e}")))?;

    let mut refs = Vec::new();
    for &r in &si[2..] {
        if !doc.name(r).is(ns::DS, "Reference") {
            return Err(structure(format!(
                "unexpected <{}> in SignedInfo",
                doc.qualified_name(r)
            )));
        }
        refs.push(parse_reference(&doc, r, &policy)?);
    }
    if refs.is_empty() {
        return Err(structure("SignedInfo holds no Reference"));
    }
    let digest_algorithm = refs[0].digest;

    // Resolve every reference; each must be the Body, the Timestamp or a header block.
    let (timestamp_el, count) = children_named(&doc, security, ns::WSU, "Timestamp");
    if count > 1 {
        return Err(WrappingAttack::Duplicated {
            what: "wsu:Timestamp",
            count,
        }
        .into());
    }
    if doc.ids(body).next().is_none() {
        return Err(WssError::UnsignedBody);
    }
    let mut parts = Vec::new();
    let mut targets = Vec::new();
    for r in &refs {
        let el = doc
            .find_by_id(&r.id)
            .map_err(|_| WrappingAttack::IdCollision { id: r.id.clone() })?
            .ok_or_else(|| structure(format!("no element has Id {:?}", r.id)))?;
        let part = if el == body {
            SignedPart::Body { id: r.id.clone() }
        } else if Some(el) == timestamp_el {
            SignedPart::Timestamp { id: r.id.clone() }
        } else if doc.parent(el) == Some(security)
            && doc.name(el).is(ns::WSSE, "BinarySecurityToken")
        {
            SignedPart::SecurityToken { id: r.id.clone() }
        } else if doc.parent(el) == Some(header) && el != security {
            let n = doc.name(el);
            SignedPart::Header {
                namespace: n.namespace.to_owned(),
                local: n.local.to_owned(),
                id: r.id.clone(),
            }
        } else {
            return Err(WrappingAttack::SignedElementElsewhere {
                id: r.id.clone(),
                element: doc.qualified_name(el).to_owned(),
            }
            .into());
        };
        if targets.contains(&el) {
            return Err(structure(format!("two References point at #{}", r.id)));
        }
        targets.push(el);
        parts.push(part);
    }
    if !parts.iter().any(|p| matches!(p, SignedPart::Body { .. })) {
        let body_id: Vec<&str> = doc.ids(body).collect();
        return Err(WrappingAttack::BodyIdMismatch {
            referenced: refs
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", #"),
            body_id: format!("Id {:?}", body_id.join(" / ")),
        }
        .into());
    }

    // Token and SignatureValue.
    let (cert, token) = resolve(&doc, key_info, security, &opts.pinned_certificates)?;
    let spki = super::spki_of(&cert).ok_or_else(|| {
        WssError::Token("the signer's certificate is not a DER X.509 certificate".into())
    })?;
    let mut signed_info_bytes = Vec::with_capacity(1024);
    canonicalize(
        &doc,
        &si_c14n,
        &NodeSet::subtree(signed_info),
        &mut signed_info_bytes,
    )
    .map_err(|e| structure(e.to_string()))?;
    let value = super::b64(&super::text_of(&doc, sig_value_el), "SignatureValue")?;
    verify_signature(
        signature_algorithm,
        spki,
        &signed_info_bytes,
        &value,
        SignatureEncoding::XmlDsig,
        &policy,
    )
    .map_err(|e| match e {
        CryptoError::BadSignature | CryptoError::MalformedSignature(_) => {
            WssError::BadSignatureValue(e.to_string())
        }
        CryptoError::KeyMismatch { .. } => WssError::BadSignatureValue(e.to_string()),
        other => WssError::Algorithm(other.to_string()),
    })?;

    // Digests.
    for ((r, &el), part) in refs.iter().zip(&targets).zip(&parts) {
        let mut h = r.digest.hasher();
        canonicalize(
            &doc,
            &r.c14n,
            &NodeSet::subtree(el),
            &mut HashWriter(&mut h),
        )
        .map_err(|e| structure(e.to_string()))?;
        if h.finalize() != r.value {
            return Err(WssError::DigestMismatch {
                part: match part {
                    SignedPart::Body { .. } => "the Body".to_owned(),
                    SignedPart::Timestamp { .. } => "the Timestamp".to_owned(),
                    SignedPart::SecurityToken { .. } => "the BinarySecurityToken".to_owned(),
                    SignedPart::Header { local, .. } => format!("header {local}"),
                },
                id: r.id.clone(),
            });
        }
    }

    // Required parts.
    for (hns, hlocal) in &opts.required_headers {
        let blocks: Vec<NodeId> = doc
            .child_elements(header)
            .filter(|&c| doc.name(c).is(hns, hlocal))
            .collect();
        if blocks.is_empty() {
            return Err(WssError::RequiredPartNotSigned(format!(
                "header {{{hns}}}{hlocal} is missing"
            )));
        }
        if let Some(b) = blocks.iter().find(|b| !targets.contains(b)) {
            return Err(WssError::RequiredPartNotSigned(format!(
                "header <{}> is not covered by the signature",
                doc.qualified_name(*b)
            )));
        }
    }
    let timestamp = match timestamp_el {
        None if opts.require_timestamp => {
            return Err(WssError::RequiredPartNotSigned(
                "a wsu:Timestamp is required but the Security header has none".into(),
            ))
        }
        None => None,
        Some(ts) => {
            if !targets.contains(&ts) {
                return Err(WssError::RequiredPartNotSigned(
                    "the wsu:Timestamp is not covered by the signature".into(),
                ));
            }
            Some(check_timestamp(&doc, ts, opts)?)
        }
    };

    Ok(VerifiedEnvelope {
        doc,
        version,
        body,
        signer_certificate: cert,
        token,
        signature_algorithm,
        digest_algorithm,
        signed_parts: parts,
        timestamp,
        signed_info: signed_info_bytes,
    })
}

fn parse_reference(doc: &Document, r: NodeId, policy: &AlgorithmPolicy) -> Result<Ref, WssError> {
    let uri = doc.attribute(r, "", "URI");
    let id = match ReferenceUri::parse(uri)? {
        ReferenceUri::Id { id, .. } => id,
        ReferenceUri::Document { .. } => {
            return Err(structure(format!(
                "Reference URI {:?} designates the whole document; the WS-Security profile signs parts by #Id",
                uri.unwrap_or("")
            )))
        }
    };
    let kids: Vec<NodeId> = doc.child_elements(r).collect();
    let tr = *kids
        .first()
        .filter(|&&c| doc.name(c).is(ns::DS, "Transforms"))
        .ok_or_else(|| {
            structure(format!(
                "Reference #{id} has no Transforms (exclusive C14N required)"
            ))
        })?;
    let transforms: Vec<NodeId> = doc.child_elements(tr).collect();
    let [t] = transforms.as_slice() else {
        return Err(structure(format!(
            "Reference #{id} must have exactly one Transform, exclusive C14N ({} found)",
            transforms.len()
        )));
    };
    if !doc.name(*t).is(ns::DS, "Transform") {
        return Err(structure("unexpected element in Transforms"));
    }
    let t_uri = algorithm_of(doc, *t, "Transform")?;
    let c14n = match Transform::from_uri(t_uri, prefix_list(doc, *t))? {
        Transform::C14n(m) => exclusive_only(&m, "the Reference Transform")?,
        other => {
            return Err(WssError::Algorithm(format!(
                "Reference #{id}: transform {} is not allowed (exclusive C14N only)",
                other.uri()
            )))
        }
    };
    let dm = *kids
        .get(1)
        .filter(|&&c| doc.name(c).is(ns::DS, "DigestMethod"))
        .ok_or_else(|| structure(format!("Reference #{id} has no DigestMethod")))?;
    let dv = *kids
        .get(2)
        .filter(|&&c| doc.name(c).is(ns::DS, "DigestValue"))
        .ok_or_else(|| structure(format!("Reference #{id} has no DigestValue")))?;
    if kids.len() > 3 {
        return Err(structure(format!(
            "Reference #{id}: unexpected element after DigestValue"
        )));
    }
    let dm_uri = algorithm_of(doc, dm, "DigestMethod")?;
    let digest = DigestAlgorithm::from_xml_uri(dm_uri)
        .map_err(|_| WssError::Algorithm(format!("unknown DigestMethod {dm_uri}")))?;
    policy
        .check_digest(digest)
        .map_err(|e| WssError::Algorithm(format!("DigestMethod {dm_uri}: {e}")))?;
    // text content only: a comment inside DigestValue is not part of the value
    let value = super::b64(&super::text_of(doc, dv), "DigestValue")?;
    Ok(Ref {
        id,
        c14n,
        digest,
        value,
    })
}

fn check_timestamp(
    doc: &Document,
    ts: NodeId,
    opts: &VerifyOptions,
) -> Result<TimestampInfo, WssError> {
    let field = |local: &str| -> Result<Option<OffsetDateTime>, WssError> {
        let els: Vec<NodeId> = doc
            .child_elements(ts)
            .filter(|&c| doc.name(c).is(ns::WSU, local))
            .collect();
        match els.as_slice() {
            [] => Ok(None),
            [one] => datetime::parse(&doc.text_content(*one))
                .map(Some)
                .map_err(|e| WssError::Timestamp(format!("wsu:{local}: {e}"))),
            _ => Err(WssError::Timestamp(format!("more than one wsu:{local}"))),
        }
    };
    let created = field("Created")?
        .ok_or_else(|| WssError::Timestamp("wsu:Timestamp has no wsu:Created".into()))?;
    let expires = field("Expires")?;
    let now = opts.at.unwrap_or_else(OffsetDateTime::now_utc);
    let skew = opts.clock_skew;
    if created > now + skew {
        return Err(WssError::Timestamp(format!(
            "created {} is in the future (now {}, allowed skew {}s)",
            datetime::format(created),
            datetime::format(now),
            skew.whole_seconds()
        )));
    }
    if let Some(exp) = expires {
        if exp <= created {
            return Err(WssError::Timestamp("Expires is not after Created".into()));
        }
        if now - skew >= exp {
            return Err(WssError::Timestamp(format!(
                "expired at {} (now {}): a stale or replayed message",
                datetime::format(exp),
                datetime::format(now)
            )));
        }
    }
    if let Some(max) = opts.max_timestamp_age {
        if now - created > max + skew {
            return Err(WssError::Timestamp(format!(
                "created {} is older than the allowed {}s: a stale or replayed message",
                datetime::format(created),
                max.whole_seconds()
            )));
        }
    }
    Ok(TimestampInfo { created, expires })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_fast_path_agrees_with_the_full_walk() {
        let s = ns::SOAP11;
        for (xml, want) in [
            // fast path: "Body" only in the Envelope's Body tags
            (
                format!(r#"<e:Envelope xmlns:e="{s}"><e:Body><a/></e:Body></e:Envelope>"#),
                1,
            ),
            (
                format!(r#"<e:Envelope xmlns:e="{s}"><e:Header/><e:Body/></e:Envelope>"#),
                1,
            ),
            // "Body" elsewhere: the full walk decides
            (
                format!(
                    r#"<e:Envelope xmlns:e="{s}"><e:Body Id="Body-1">Body</e:Body></e:Envelope>"#
                ),
                1,
            ),
            (
                format!(
                    r#"<e:Envelope xmlns:e="{s}"><e:Header><e:Body/></e:Header><e:Body/></e:Envelope>"#
                ),
                2,
            ),
            (
                format!(r#"<e:Envelope xmlns:e="{s}"><e:Body><e:Body/></e:Body></e:Envelope>"#),
                2,
            ),
            (
                format!(
                    r#"<e:Envelope xmlns:e="{s}"><e:Body><x:Body xmlns:x="urn:x"/></e:Body></e:Envelope>"#
                ),
                1,
            ),
            (
                format!(r#"<e:Envelope xmlns:e="{s}"><e:Header><e:Body/></e:Header></e:Envelope>"#),
                1,
            ),
        ] {
            let doc = Document::parse(xml.as_bytes(), &ParseOptions::default()).unwrap();
            let fast = bodies_of(&doc, s);
            assert_eq!(fast, super::super::all_bodies(&doc, s), "{xml}");
            assert_eq!(fast.len(), want, "{xml}");
        }
    }
}

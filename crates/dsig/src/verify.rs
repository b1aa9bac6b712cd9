//! Verification: every `ds:Signature`, same-document references only, Kalkan peeling order.

use std::cell::Cell;
use std::io::Write;

use tanba_crypto::{
    verify_signature, AlgorithmPolicy, CryptoError, DigestAlgorithm, SignatureAlgorithm,
    SignatureEncoding,
};

use crate::algorithms::{C14nMethod, Transform, DSIG_NS, EXC_C14N};
use crate::base64::decode_lenient;
use crate::dom::{Doc, Node};
use crate::report::{
    CheckMode, KeySource, SignatureOutcome, SignedNode, Verified, VerifiedReference,
};
use crate::{AlgorithmRole, DsigError, ReferenceUri, WorkLimit};

/// Options for [`verify`].
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Accept SHA-1 digests and signatures (legacy documents only).
    pub allow_legacy: bool,
    /// Do not keep the digested bytes in the report (saves memory on large documents).
    pub discard_digested_bytes: bool,
    /// Verify with this key (DER `SubjectPublicKeyInfo`) instead of the certificates in
    /// `KeyInfo` — for keys agreed out of band.
    pub public_key: Option<Vec<u8>>,
    /// Accept the Base64 transform (off by default: it signs only the decoded character
    /// data of an element, so the element's attributes and child elements are not
    /// covered). When on, such a reference is reported as [`SignedNode::DecodedText`].
    pub allow_base64_transform: bool,
    /// How much work one document may ask for.
    pub budget: WorkBudget,
}

/// How much work verifying one document may take, in the style of rustls-webpki's
/// `Budget` and Santuario's secure validation. Every limit bounds something an attacker
/// can lengthen; reaching one is [`DsigError::WorkLimit`] naming it — a refusal, never a
/// pass.
///
/// Besides these counts, the bytes fed to canonicalization (the source size of each
/// reference's node set and of each `SignedInfo`, counted as the work proceeds) may not
/// pass (2 × signatures + 1) × the document size: enough for a Kalkan document whose every
/// signer covers the whole document, each checked as it is and then peeled (a tampered
/// multi-signer document gets its verdict, not a refusal), not for thousands of
/// whole-document references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkBudget {
    /// `ds:Signature` elements per document (default 16).
    pub max_signatures: usize,
    /// `ds:Reference` elements per `SignedInfo` (default 30).
    pub max_references: usize,
    /// `ds:Transform` elements per `Reference` (default 8).
    pub max_transforms: usize,
    /// Keys tried per signature: certificates, or bare keys, in `KeyInfo` (default 16).
    pub max_keys: usize,
}

impl Default for WorkBudget {
    /// 16 signatures per document, 30 references per `SignedInfo`, 8 transforms per
    /// reference, 16 keys per `KeyInfo`.
    fn default() -> Self {
        WorkBudget {
            max_signatures: 16,
            max_references: 30,
            max_transforms: 8,
            max_keys: 16,
        }
    }
}

/// The canonicalization meter of one verification: source bytes charged before each
/// canonicalization, against the (2 × signatures + 1) × document size ceiling.
struct Meter {
    spent: Cell<u64>,
    max: u64,
}

impl Meter {
    fn new(signatures: usize, document_bytes: usize) -> Meter {
        Meter {
            spent: Cell::new(0),
            max: (2 * signatures as u64 + 1).saturating_mul(document_bytes as u64),
        }
    }

    fn charge(&self, bytes: usize) -> Result<(), DsigError> {
        let spent = self.spent.get().saturating_add(bytes as u64);
        if spent > self.max {
            return Err(DsigError::WorkLimit(WorkLimit::CanonicalBytes {
                max: self.max,
            }));
        }
        self.spent.set(spent);
        Ok(())
    }
}

/// The parsed document with one outcome per `ds:Signature`.
#[derive(Debug)]
pub struct VerifiedDocument {
    doc: Doc,
    /// One entry per `ds:Signature`, in document order.
    pub signatures: Vec<SignatureOutcome>,
}

impl VerifiedDocument {
    /// The parsed document the node ids in the report refer to.
    pub fn document(&self) -> &tanba_xml::Document {
        self.doc.inner()
    }

    /// Takes the parsed document out of the report.
    pub fn into_document(self) -> tanba_xml::Document {
        self.doc.into_inner()
    }

    /// True when there is at least one signature and every one is valid.
    pub fn all_valid(&self) -> bool {
        !self.signatures.is_empty() && self.signatures.iter().all(|s| s.result.is_ok())
    }

    /// The valid signatures, in signing order.
    pub fn valid_in_signing_order(&self) -> Vec<&Verified> {
        let mut v: Vec<&Verified> = self
            .signatures
            .iter()
            .filter_map(|s| s.result.as_ref().ok())
            .collect();
        v.sort_by_key(|s| s.signing_order);
        v
    }

    /// The first error, if any signature is invalid (or [`DsigError::NoSignature`]).
    pub fn first_error(&self) -> Option<&DsigError> {
        if self.signatures.is_empty() {
            return None;
        }
        self.signatures.iter().find_map(|s| s.result.as_ref().err())
    }

    /// Whether `node` (an element or any node) is covered by a reference of a valid
    /// signature: inside its signed node and outside everything that was cut out.
    /// Read data only from nodes for which this is true — and check *who* signed them
    /// with [`VerifiedDocument::signers_of`].
    pub fn is_signed(&self, node: Node) -> bool {
        !self.signers_of(node).is_empty()
    }

    /// The valid signatures that cover `node`, in signing order.
    pub fn signers_of(&self, node: Node) -> Vec<&Verified> {
        let mut v: Vec<&Verified> = self
            .signatures
            .iter()
            .filter_map(|s| s.result.as_ref().ok())
            .filter(|v| {
                v.references.iter().any(|r| {
                    let inside = match r.signed_node {
                        SignedNode::Document => true,
                        SignedNode::Element(e) => self.doc.is_ancestor_or_self(e, node),
                        // only the character data went into the digest
                        SignedNode::DecodedText(e) => {
                            self.doc.is_text(node) && self.doc.is_ancestor_or_self(e, node)
                        }
                    };
                    inside
                        && !r
                            .excluded
                            .iter()
                            .any(|x| self.doc.is_ancestor_or_self(*x, node))
                })
            })
            .collect();
        v.sort_by_key(|s| s.signing_order);
        v
    }
}

/// Verifies every `ds:Signature` element of `xml` (any prefix).
///
/// A malformed document, one without a signature, or one that asks for more work than
/// [`VerifyOptions::budget`] allows ([`DsigError::WorkLimit`]) is an `Err`; otherwise each
/// signature gets its own outcome. Certificate trust is not decided here: the report gives the
/// certificates from `KeyInfo`, to be validated by the caller (tanba-pki).
pub fn verify(xml: &[u8], opts: &VerifyOptions) -> Result<VerifiedDocument, DsigError> {
    let doc = Doc::parse(xml)?;
    verify_parsed(doc, opts, &|_, _| true)
}

/// Verifies the `ds:Signature` elements of an already parsed document for which `select`
/// is true (for a caller that judges some signatures by another profile — the
/// WS-Security transport signature — or in another document, such as a signed document
/// embedded in an envelope). The others still count as signatures of the document: for
/// peeling, for the rule that no reference may point into a signature, and for
/// [`WorkBudget::max_signatures`]. Indexes count every signature of the document.
/// Without a selected signature, [`DsigError::NoSignature`].
pub fn verify_selected(
    doc: tanba_xml::Document,
    opts: &VerifyOptions,
    select: &dyn Fn(&tanba_xml::Document, Node) -> bool,
) -> Result<VerifiedDocument, DsigError> {
    verify_parsed(Doc::from_document(doc), opts, select)
}

/// [`verify`] taking ownership of the bytes: a UTF-8 document is parsed in place, without a
/// copy (what to use for large documents read from a file).
pub fn verify_vec(xml: Vec<u8>, opts: &VerifyOptions) -> Result<VerifiedDocument, DsigError> {
    let doc = Doc::parse_vec(xml)?;
    verify_parsed(doc, opts, &|_, _| true)
}

fn verify_parsed(
    doc: Doc,
    opts: &VerifyOptions,
    select: &dyn Fn(&tanba_xml::Document, Node) -> bool,
) -> Result<VerifiedDocument, DsigError> {
    let sigs = doc.elements_named(DSIG_NS, "Signature");
    if !sigs.iter().any(|&s| select(doc.inner(), s)) {
        return Err(DsigError::NoSignature);
    }
    if sigs.len() > opts.budget.max_signatures {
        return Err(DsigError::WorkLimit(WorkLimit::Signatures {
            found: sigs.len(),
            max: opts.budget.max_signatures,
        }));
    }
    let meter = Meter::new(sigs.len(), doc.text().len());
    let mut outcomes: Vec<SignatureOutcome> = Vec::with_capacity(sigs.len());
    for (i, &s) in sigs.iter().enumerate() {
        if !select(doc.inner(), s) {
            continue;
        }
        let result = check_one(&doc, &sigs, i, opts, &meter);
        // an exhausted budget refuses the whole document and stops the work
        if let Err(e @ DsigError::WorkLimit(_)) = result {
            return Err(e);
        }
        outcomes.push(SignatureOutcome {
            index: i,
            element: s,
            result,
        });
    }
    assign_signing_order(&doc, &mut outcomes);
    Ok(VerifiedDocument {
        doc,
        signatures: outcomes,
    })
}

/// Signing order: A was signed before B when B's signed content includes A, or when A
/// could only be checked with B removed (peeling). Ties keep document order.
fn assign_signing_order(doc: &Doc, outcomes: &mut [SignatureOutcome]) {
    let n = outcomes.len();
    // before[a][b]: a signed before b
    let mut before = vec![vec![false; n]; n];
    for b in 0..n {
        let Ok(vb) = &outcomes[b].result else {
            continue;
        };
        if let CheckMode::Peeled { removed } = &vb.mode {
            // `removed` holds document indexes; `outcomes` may hold a selection of them
            for &later in removed {
                if let Some(l) = outcomes.iter().position(|o| o.index == later) {
                    before[b][l] = true;
                }
            }
        }
        for a in 0..n {
            if a == b {
                continue;
            }
            let ea = outcomes[a].element;
            let covered = vb.references.iter().any(|r| {
                let inside = match r.signed_node {
                    SignedNode::Document => true,
                    SignedNode::Element(e) => doc.is_ancestor_or_self(e, ea),
                    SignedNode::DecodedText(_) => false,
                };
                inside && !r.excluded.iter().any(|x| doc.is_ancestor_or_self(*x, ea))
            });
            if covered && !before[b][a] {
                before[a][b] = true;
            }
        }
    }
    // Kahn's algorithm with document-order tie breaking.
    let mut placed = vec![false; n];
    let mut order = 0;
    while order < n {
        let next = (0..n)
            .find(|&c| !placed[c] && (0..n).all(|p| placed[p] || p == c || !before[p][c]))
            .or_else(|| (0..n).find(|&c| !placed[c])) // a cycle: fall back to document order
            .unwrap_or(0);
        placed[next] = true;
        if let Ok(v) = &mut outcomes[next].result {
            v.signing_order = order;
        }
        order += 1;
    }
}

struct ParsedReference {
    uri_text: String,
    uri: ReferenceUri,
    transforms: Vec<Transform>,
    digest: DigestAlgorithm,
    digest_value: Vec<u8>,
}

fn structure(signature: usize, detail: impl Into<String>) -> DsigError {
    DsigError::Structure {
        signature,
        detail: detail.into(),
    }
}

/// The single direct `ds:` child `local` of `parent`; more than one is an error.
fn one_child(
    doc: &Doc,
    parent: Node,
    local: &str,
    sig: usize,
    required: bool,
) -> Result<Option<Node>, DsigError> {
    let found: Vec<Node> = doc
        .child_elements(parent)
        .into_iter()
        .filter(|&c| doc.is(c, DSIG_NS, local))
        .collect();
    match found.len() {
        0 if required => Err(structure(sig, format!("missing ds:{local}"))),
        0 => Ok(None),
        1 => Ok(Some(found[0])),
        _ => Err(structure(sig, format!("more than one ds:{local}"))),
    }
}

fn algorithm_attr(doc: &Doc, n: Node, sig: usize, what: &str) -> Result<String, DsigError> {
    doc.attr(n, "Algorithm")
        .map(str::to_owned)
        .ok_or_else(|| structure(sig, format!("ds:{what} without an Algorithm attribute")))
}

fn prefix_list(doc: &Doc, method: Node) -> Option<String> {
    doc.child_elements(method)
        .into_iter()
        .find(|&c| doc.is(c, EXC_C14N, "InclusiveNamespaces"))
        .and_then(|c| doc.attr(c, "PrefixList").map(str::to_owned))
}

fn check_one(
    doc: &Doc,
    sigs: &[Node],
    index: usize,
    opts: &VerifyOptions,
    meter: &Meter,
) -> Result<Verified, DsigError> {
    let sig = sigs[index];
    let policy = if opts.allow_legacy {
        AlgorithmPolicy::allow_legacy()
    } else {
        AlgorithmPolicy::strict()
    };
    // Exactly one direct-child SignedInfo; a SignedInfo wrapped in a foreign element is
    // ignored (never used), a second direct one is an error.
    let signed_info = one_child(doc, sig, "SignedInfo", index, true)?.unwrap_or(sig);
    let sig_value_el = one_child(doc, sig, "SignatureValue", index, true)?.unwrap_or(sig);
    let key_info = one_child(doc, sig, "KeyInfo", index, false)?;

    // SignedInfo: CanonicalizationMethod, SignatureMethod, Reference+
    let si_children = doc.child_elements(signed_info);
    let c14n_el = *si_children
        .first()
        .filter(|&&c| doc.is(c, DSIG_NS, "CanonicalizationMethod"))
        .ok_or_else(|| {
            structure(
                index,
                "SignedInfo does not start with CanonicalizationMethod",
            )
        })?;
    let sm_el = *si_children
        .get(1)
        .filter(|&&c| doc.is(c, DSIG_NS, "SignatureMethod"))
        .ok_or_else(|| {
            structure(
                index,
                "SignedInfo has no SignatureMethod after CanonicalizationMethod",
            )
        })?;
    // the signature method first: an HMAC/DSA signature is refused as such whatever else
    // it uses
    let sm_uri = algorithm_attr(doc, sm_el, index, "SignatureMethod")?;
    let signature_algorithm = signature_algorithm(&sm_uri, &policy)?;
    let c14n_uri = algorithm_attr(doc, c14n_el, index, "CanonicalizationMethod")?;
    let canonicalization = C14nMethod::from_uri(
        &c14n_uri,
        prefix_list(doc, c14n_el).as_deref(),
        AlgorithmRole::Canonicalization,
    )?;

    if si_children.len() - 2 > opts.budget.max_references {
        return Err(DsigError::WorkLimit(WorkLimit::References {
            signature: index,
            found: si_children.len() - 2,
            max: opts.budget.max_references,
        }));
    }
    let mut refs = Vec::new();
    for (ri, &r) in si_children[2..].iter().enumerate() {
        if !doc.is(r, DSIG_NS, "Reference") {
            return Err(structure(index, "unexpected element in SignedInfo"));
        }
        let parsed = parse_reference(doc, r, index, ri, &policy, &opts.budget)?;
        if !opts.allow_base64_transform && parsed.transforms.contains(&Transform::Base64) {
            return Err(DsigError::Base64TransformRefused {
                signature: index,
                reference: ri,
            });
        }
        refs.push(parsed);
    }
    if refs.is_empty() {
        return Err(structure(index, "SignedInfo holds no Reference"));
    }

    // KeyInfo certificates
    if let (Some(ki), None) = (key_info, &opts.public_key) {
        crate::keyvalue::refuse_remote_retrieval(doc, ki, index)?;
    }
    let certificates = match key_info {
        Some(ki) => keyinfo_certificates(doc, ki)?,
        None => Vec::new(),
    };
    if certificates.len() > opts.budget.max_keys {
        return Err(DsigError::WorkLimit(WorkLimit::Keys {
            signature: index,
            found: certificates.len(),
            max: opts.budget.max_keys,
        }));
    }

    // SignatureValue over the canonical SignedInfo
    meter.charge(doc.outer_range(signed_info).len())?;
    let mut signed_info_bytes = Vec::new();
    doc.c14n(
        Some(signed_info),
        &canonicalization,
        canonicalization.with_comments(),
        &[],
        &mut signed_info_bytes,
    )?;
    let signature_value = decode_lenient(&doc.text_content(sig_value_el), "SignatureValue")?;
    let key_source = check_signature_value(
        index,
        signature_algorithm,
        &signed_info_bytes,
        &signature_value,
        KeyCandidates {
            supplied: opts.public_key.as_deref(),
            certificates: &certificates,
            key_info: key_info.map(|ki| (doc, ki)),
        },
        &policy,
        opts.budget.max_keys,
    )?;
    let signer_certificate = match key_source {
        KeySource::Certificate(i) => Some(i),
        _ => None,
    };

    // References: as the document is (standard XMLDSig), or with the later signatures
    // removed (Kalkan peeling). Peeling matters only when a later signature lies in a
    // reference's node set; a whole-document reference is tried peeled first (Kalkan and
    // NCANode append every new signer to the document element, so its earlier signatures
    // verify only peeled), any other standard first. At most one of the two can verify.
    let later: Vec<Node> = sigs[index + 1..]
        .iter()
        .copied()
        .filter(|&s| !doc.is_ancestor_or_self(sig, s))
        .collect();
    let peel_matters = !later.is_empty()
        && refs.iter().any(|r| match &r.uri {
            ReferenceUri::Document { .. } => true,
            ReferenceUri::Id { id, .. } => match doc.find_id(id) {
                Ok(Some(el)) => later.iter().any(|&l| doc.is_ancestor_or_self(el, l)),
                _ => false,
            },
        });
    let peel_first = peel_matters
        && refs
            .iter()
            .any(|r| matches!(r.uri, ReferenceUri::Document { .. }));
    let peeled_mode = || CheckMode::Peeled {
        removed: (index + 1..sigs.len())
            .filter(|&j| later.contains(&sigs[j]))
            .collect(),
    };
    let check = |removed: &[Node]| check_references(doc, sigs, index, &refs, removed, opts, meter);
    let (references, mode) = if !peel_matters {
        (check(&[])?, CheckMode::Standard)
    } else {
        let (first, second): (&[Node], &[Node]) = if peel_first {
            (&later, &[])
        } else {
            (&[], &later)
        };
        let mode_of = |removed: &[Node]| {
            if removed.is_empty() {
                CheckMode::Standard
            } else {
                peeled_mode()
            }
        };
        match check(first) {
            Ok(r) => (r, mode_of(first)),
            Err(e @ DsigError::DigestMismatch { .. }) => match check(second) {
                Ok(r) => (r, mode_of(second)),
                // the budget is never hidden behind the first attempt's error
                Err(w @ DsigError::WorkLimit(_)) => return Err(w),
                // report the mismatch of the document as it is
                Err(e2) => return Err(if peel_first { e2 } else { e }),
            },
            Err(e) => return Err(e),
        }
    };

    Ok(Verified {
        index,
        signing_order: index,
        signature_element: sig,
        signature_algorithm,
        canonicalization,
        certificates,
        signer_certificate,
        key_source,
        references,
        mode,
        signed_info: signed_info_bytes,
        signature_value,
    })
}

const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const X509V3: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";

/// The certificates a `KeyInfo` carries: every `X509Data/X509Certificate`, and — for
/// WS-Security transport signatures (SMARTBRIDGE.md §6) — a
/// `wsse:SecurityTokenReference` holding an X509v3 `wsse:KeyIdentifier`, or a
/// `wsse:Reference` to a same-document X509v3 `wsse:BinarySecurityToken`.
fn keyinfo_certificates(doc: &Doc, ki: Node) -> Result<Vec<Vec<u8>>, DsigError> {
    let mut out = Vec::new();
    for child in doc.child_elements(ki) {
        // X509Data inline, or named by a same-document RetrievalMethod
        let x509_data = if doc.is(child, DSIG_NS, "X509Data") {
            Some(child)
        } else {
            crate::keyvalue::retrieval_target(doc, child)?
                .filter(|t| doc.is(*t, DSIG_NS, "X509Data"))
        };
        if let Some(data) = x509_data {
            for c in doc.child_elements(data) {
                if doc.is(c, DSIG_NS, "X509Certificate") {
                    out.push(decode_lenient(&doc.text_content(c), "X509Certificate")?);
                }
            }
        } else if doc.is(child, WSSE_NS, "SecurityTokenReference") {
            for c in doc.child_elements(child) {
                if doc.is(c, WSSE_NS, "KeyIdentifier") && doc.attr(c, "ValueType") == Some(X509V3) {
                    out.push(decode_lenient(&doc.text_content(c), "wsse:KeyIdentifier")?);
                } else if doc.is(c, WSSE_NS, "Reference") {
                    let Some(id) = doc.attr(c, "URI").and_then(|u| u.strip_prefix('#')) else {
                        continue;
                    };
                    if let Some(token) = doc.find_id(id)? {
                        if doc.is(token, WSSE_NS, "BinarySecurityToken")
                            && doc.attr(token, "ValueType") == Some(X509V3)
                        {
                            out.push(decode_lenient(
                                &doc.text_content(token),
                                "wsse:BinarySecurityToken",
                            )?);
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

fn signature_algorithm(
    uri: &str,
    policy: &AlgorithmPolicy,
) -> Result<SignatureAlgorithm, DsigError> {
    let alg =
        SignatureAlgorithm::from_xml_uri(uri).map_err(|_| DsigError::UnsupportedAlgorithm {
            role: AlgorithmRole::Signature,
            uri: uri.to_owned(),
        })?;
    if policy.check_signature(alg).is_err() {
        return Err(DsigError::LegacyAlgorithmRefused {
            role: AlgorithmRole::Signature,
            uri: uri.to_owned(),
        });
    }
    Ok(alg)
}

fn parse_reference(
    doc: &Doc,
    r: Node,
    sig: usize,
    ri: usize,
    policy: &AlgorithmPolicy,
    budget: &WorkBudget,
) -> Result<ParsedReference, DsigError> {
    let uri_text = doc.attr(r, "URI").map(str::to_owned);
    let uri = ReferenceUri::parse(uri_text.as_deref())?;
    let children = doc.child_elements(r);
    let mut pos = 0;
    let mut transforms = Vec::new();
    if let Some(&t) = children
        .first()
        .filter(|&&c| doc.is(c, DSIG_NS, "Transforms"))
    {
        pos = 1;
        let count = doc.child_elements(t).len();
        if count > budget.max_transforms {
            return Err(DsigError::WorkLimit(WorkLimit::Transforms {
                signature: sig,
                found: count,
                max: budget.max_transforms,
            }));
        }
        for tr in doc.child_elements(t) {
            if !doc.is(tr, DSIG_NS, "Transform") {
                return Err(structure(
                    sig,
                    format!("reference #{ri}: unexpected element in Transforms"),
                ));
            }
            let alg = algorithm_attr(doc, tr, sig, "Transform")?;
            transforms.push(Transform::from_uri(&alg, prefix_list(doc, tr).as_deref())?);
        }
    }
    let dm = *children
        .get(pos)
        .filter(|&&c| doc.is(c, DSIG_NS, "DigestMethod"))
        .ok_or_else(|| structure(sig, format!("reference #{ri}: missing DigestMethod")))?;
    let dv = *children
        .get(pos + 1)
        .filter(|&&c| doc.is(c, DSIG_NS, "DigestValue"))
        .ok_or_else(|| structure(sig, format!("reference #{ri}: missing DigestValue")))?;
    if children.len() > pos + 2 {
        return Err(structure(
            sig,
            format!("reference #{ri}: unexpected element after DigestValue"),
        ));
    }
    let dm_uri = algorithm_attr(doc, dm, sig, "DigestMethod")?;
    let digest =
        DigestAlgorithm::from_xml_uri(&dm_uri).map_err(|_| DsigError::UnsupportedAlgorithm {
            role: AlgorithmRole::Digest,
            uri: dm_uri.clone(),
        })?;
    if policy.check_digest(digest).is_err() {
        return Err(DsigError::LegacyAlgorithmRefused {
            role: AlgorithmRole::Digest,
            uri: dm_uri,
        });
    }
    // text content only: a comment inside DigestValue is not part of the value
    let digest_value = decode_lenient(&doc.text_content(dv), "DigestValue")?;
    Ok(ParsedReference {
        uri_text: uri_text.unwrap_or_default(),
        uri,
        transforms,
        digest,
        digest_value,
    })
}

/// The keys a signature may be verified with, in order of preference.
struct KeyCandidates<'a> {
    /// [`VerifyOptions::public_key`]: used alone when present.
    supplied: Option<&'a [u8]>,
    /// The `KeyInfo` certificates: used alone when there are any.
    certificates: &'a [Vec<u8>],
    /// `KeyInfo`, searched for bare keys when there is no certificate.
    key_info: Option<(&'a Doc, Node)>,
}

fn check_signature_value(
    index: usize,
    alg: SignatureAlgorithm,
    signed_info: &[u8],
    value: &[u8],
    keys: KeyCandidates<'_>,
    policy: &AlgorithmPolicy,
    max_keys: usize,
) -> Result<KeySource, DsigError> {
    let attempt = |spki: &[u8]| {
        let normalized = normalize_ecdsa(alg, spki, value);
        let value = normalized.as_deref().unwrap_or(value);
        verify_signature(
            alg,
            spki,
            signed_info,
            value,
            SignatureEncoding::XmlDsig,
            policy,
        )
    };
    if let Some(spki) = keys.supplied {
        return match attempt(spki) {
            Ok(()) => Ok(KeySource::Supplied),
            Err(e) => Err(signature_error(index, e)),
        };
    }
    // Certificates first and alone: a document with a certificate is never verified with
    // a bare key next to it. Without one, the bare keys (KeyValue, DEREncodedKeyValue).
    let candidates: Vec<(KeySource, Vec<u8>)> = if keys.certificates.is_empty() {
        match keys.key_info {
            Some((doc, ki)) => crate::keyvalue::keyinfo_bare_keys(doc, ki, index)?
                .into_iter()
                .filter_map(|k| {
                    let spki = k.bare_key_spki()?.to_vec();
                    Some((k, spki))
                })
                .collect(),
            None => Vec::new(),
        }
    } else {
        keys.certificates
            .iter()
            .enumerate()
            .map(|(i, der)| {
                tanba_pki::chain_cert::CertFields::read(der)
                    .map(|f| (KeySource::Certificate(i), f.spki.to_vec()))
                    .map_err(|source| DsigError::BadCertificate {
                        signature: index,
                        source,
                    })
            })
            .collect::<Result<_, _>>()?
    };
    if candidates.is_empty() {
        return Err(DsigError::NoKey { signature: index });
    }
    if candidates.len() > max_keys {
        return Err(DsigError::WorkLimit(WorkLimit::Keys {
            signature: index,
            found: candidates.len(),
            max: max_keys,
        }));
    }
    // Try each key (KeyInfo may hold a chain in any order). The most telling failure is
    // kept: a key of the right kind that does not verify, then a key tanba cannot use
    // (unsupported curve, legacy key size…), then "no key of this kind".
    let mut best: Option<CryptoError> = None;
    let rank = |e: &CryptoError| match e {
        CryptoError::BadSignature | CryptoError::MalformedSignature(_) => 3,
        CryptoError::KeyMismatch { .. } => 1,
        _ => 2,
    };
    for (source, spki) in candidates {
        match attempt(&spki) {
            Ok(()) => return Ok(source),
            Err(e) => {
                if best.as_ref().is_none_or(|b| rank(&e) > rank(b)) {
                    best = Some(e);
                }
            }
        }
    }
    Err(signature_error(
        index,
        best.unwrap_or(CryptoError::BadSignature),
    ))
}

/// ECDSA `r‖s` whose halves are not the field size: left-padded with zeros beyond it
/// (some Java producers write 33-byte halves for P-256) or short of it (the "Java bug" of
/// 65-byte halves for P-521). Each half is brought to the field size; `None` when the value
/// already fits or cannot be fixed this way.
fn normalize_ecdsa(alg: SignatureAlgorithm, spki: &[u8], value: &[u8]) -> Option<Vec<u8>> {
    if alg.key_kind() != tanba_crypto::KeyKind::Ec {
        return None;
    }
    let info = tanba_crypto::PublicKeyInfo::from_der(spki).ok()?;
    let field = match info.curve_oid.as_deref()? {
        "1.2.840.10045.3.1.7" => 32,
        "1.3.132.0.34" => 48,
        "1.3.132.0.35" => 66,
        _ => return None,
    };
    let half = value.len() / 2;
    if value.len() % 2 != 0 || half == field || half == 0 {
        return None;
    }
    let (r, s) = value.split_at(half);
    let fit = |x: &[u8]| -> Option<Vec<u8>> {
        if x.len() > field {
            let pad = x.len() - field;
            x[..pad].iter().all(|&b| b == 0).then(|| x[pad..].to_vec())
        } else {
            let mut v = vec![0u8; field - x.len()];
            v.extend_from_slice(x);
            Some(v)
        }
    };
    let mut out = fit(r)?;
    out.extend(fit(s)?);
    Some(out)
}

fn signature_error(index: usize, e: CryptoError) -> DsigError {
    match e {
        CryptoError::BadSignature
        | CryptoError::MalformedSignature(_)
        | CryptoError::KeyMismatch { .. } => DsigError::BadSignatureValue { signature: index },
        other => DsigError::Crypto(other),
    }
}

/// A writer that feeds a hasher and optionally keeps a copy.
struct Tee<'a> {
    hasher: &'a mut tanba_crypto::Hasher,
    keep: Option<&'a mut Vec<u8>>,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(buf);
        if let Some(k) = self.keep.as_deref_mut() {
            k.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn check_references(
    doc: &Doc,
    sigs: &[Node],
    index: usize,
    refs: &[ParsedReference],
    removed: &[Node],
    opts: &VerifyOptions,
    meter: &Meter,
) -> Result<Vec<VerifiedReference>, DsigError> {
    let mut out = Vec::with_capacity(refs.len());
    for (ri, r) in refs.iter().enumerate() {
        let mut hasher = r.digest.hasher();
        let mut kept = Vec::new();
        let resolved = {
            let mut tee = Tee {
                hasher: &mut hasher,
                keep: (!opts.discard_digested_bytes).then_some(&mut kept),
            };
            process_reference(
                &SignatureAt { doc, sigs, index },
                ri,
                r,
                removed,
                Some(meter),
                &mut tee,
            )?
        };
        let digest = hasher.finalize();
        if digest != r.digest_value {
            return Err(DsigError::DigestMismatch {
                signature: index,
                reference: ri,
                uri: r.uri_text.clone(),
            });
        }
        out.push(VerifiedReference {
            uri: r.uri.clone(),
            transforms: r.transforms.clone(),
            digest_algorithm: r.digest,
            digest_value: digest,
            signed_node: resolved.signed_node,
            excluded: resolved.excluded,
            inside_own_signature: resolved.inside_own_signature,
            digested: (!opts.discard_digested_bytes).then_some(kept),
        });
    }
    Ok(out)
}

struct Resolved {
    signed_node: SignedNode,
    excluded: Vec<Node>,
    inside_own_signature: bool,
}

/// Dereferences reference `ri` of signature `index`, applies its transforms and writes the
/// octets to be digested into `sink`.
/// The signature a reference belongs to: the document, its signatures, and which one.
struct SignatureAt<'a> {
    doc: &'a Doc,
    sigs: &'a [Node],
    index: usize,
}

fn process_reference(
    at: &SignatureAt<'_>,
    ri: usize,
    r: &ParsedReference,
    removed: &[Node],
    meter: Option<&Meter>,
    sink: &mut dyn Write,
) -> Result<Resolved, DsigError> {
    let SignatureAt { doc, sigs, index } = *at;
    let sig = sigs[index];
    let (signed_node, apex) = match &r.uri {
        ReferenceUri::Document { .. } => (SignedNode::Document, None),
        ReferenceUri::Id { id, .. } => {
            let el = doc.find_id(id)?.ok_or_else(|| DsigError::IdNotFound {
                signature: index,
                reference: ri,
                id: id.clone(),
            })?;
            (SignedNode::Element(el), Some(el))
        }
    };
    // Where does it point? Inside another signature: refused. Inside our own: reported.
    let mut inside_own_signature = false;
    if let Some(el) = apex {
        for (j, &s) in sigs.iter().enumerate() {
            if doc.is_ancestor_or_self(s, el) {
                if j == index {
                    inside_own_signature = true;
                } else if !doc.is_ancestor_or_self(s, sig) {
                    return Err(DsigError::ReferenceIntoSignature {
                        signature: index,
                        reference: ri,
                    });
                }
            }
        }
        if inside_own_signature {
            // only ds:Object / ds:KeyInfo content of our own signature may be referenced
            let ok = doc.child_elements(sig).into_iter().any(|c| {
                (doc.is(c, DSIG_NS, "Object") || doc.is(c, DSIG_NS, "KeyInfo"))
                    && doc.is_ancestor_or_self(c, el)
            });
            if !ok {
                return Err(DsigError::ReferenceIntoSignature {
                    signature: index,
                    reference: ri,
                });
            }
        }
    }

    let mut excluded: Vec<Node> = removed.to_vec();
    let mut final_c14n: Option<&C14nMethod> = None;
    let mut base64 = false;
    for (ti, t) in r.transforms.iter().enumerate() {
        let last = ti + 1 == r.transforms.len();
        match t {
            Transform::Enveloped => {
                if final_c14n.is_some() || base64 {
                    return Err(unsupported_chain(t));
                }
                if !excluded.contains(&sig) {
                    excluded.push(sig);
                }
            }
            Transform::C14n(m) => {
                // canonical octets followed by another transform would need re-parsing:
                // refused rather than guessed
                if !last || base64 {
                    return Err(unsupported_chain(t));
                }
                final_c14n = Some(m);
            }
            Transform::Base64 => {
                if !last {
                    return Err(unsupported_chain(t));
                }
                base64 = true;
            }
        }
    }
    let default_c14n = C14nMethod::Inclusive {
        with_comments: false,
    };
    let method = final_c14n.unwrap_or(&default_c14n);
    let with_comments = method.with_comments() && r.uri.keeps_comments();
    if let Some(m) = meter {
        m.charge(match apex {
            Some(el) => doc.outer_range(el).len(),
            None => doc.text().len(),
        })?;
    }
    let signed_node = match (base64, signed_node) {
        (true, SignedNode::Element(el)) => SignedNode::DecodedText(el),
        (true, SignedNode::Document) => SignedNode::DecodedText(doc.root()),
        (_, other) => other,
    };
    if base64 {
        let el = apex.unwrap_or_else(|| doc.root());
        let data = decode_lenient(&doc.text_content(el), "base64 transform input")?;
        sink.write_all(&data)
            .map_err(|e| DsigError::Xml(e.to_string()))?;
    } else {
        doc.c14n(apex, method, with_comments, &excluded, sink)?;
    }
    Ok(Resolved {
        signed_node,
        excluded,
        inside_own_signature,
    })
}

/// The octets reference `reference` of the `signature`-th `ds:Signature` of `xml` digests
/// (after dereferencing and transforms), without checking digests or signatures — what
/// `xmlsec1 --store-references` shows. For debugging and conformance tests.
pub fn reference_digest_input(
    xml: &[u8],
    signature: usize,
    reference: usize,
) -> Result<Vec<u8>, DsigError> {
    let doc = Doc::parse(xml)?;
    let sigs = doc.elements_named(DSIG_NS, "Signature");
    let sig = *sigs.get(signature).ok_or(DsigError::NoSignature)?;
    let signed_info = one_child(&doc, sig, "SignedInfo", signature, true)?.unwrap_or(sig);
    let r = doc
        .child_elements(signed_info)
        .into_iter()
        .filter(|&c| doc.is(c, DSIG_NS, "Reference"))
        .nth(reference)
        .ok_or_else(|| structure(signature, format!("no reference #{reference}")))?;
    let parsed = parse_reference(
        &doc,
        r,
        signature,
        reference,
        &AlgorithmPolicy::allow_legacy(),
        &WorkBudget::default(),
    )?;
    let mut out = Vec::new();
    let at = SignatureAt {
        doc: &doc,
        sigs: &sigs,
        index: signature,
    };
    process_reference(&at, reference, &parsed, &[], None, &mut out)?;
    Ok(out)
}

fn unsupported_chain(t: &Transform) -> DsigError {
    DsigError::UnsupportedAlgorithm {
        role: AlgorithmRole::Transform,
        uri: format!("{} (in this position of the transform chain)", t.uri()),
    }
}

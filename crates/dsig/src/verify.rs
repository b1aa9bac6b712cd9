//! Verification: every `ds:Signature`, same-document references only, Kalkan peeling order.

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
use crate::{AlgorithmRole, DsigError, ReferenceUri};

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
/// A malformed document, or one without a signature, is an `Err`; otherwise each signature
/// gets its own outcome. Certificate trust is not decided here: the report gives the
/// certificates from `KeyInfo`, to be validated by the caller (tanba-pki).
pub fn verify(xml: &[u8], opts: &VerifyOptions) -> Result<VerifiedDocument, DsigError> {
    let doc = Doc::parse(xml)?;
    verify_parsed(doc, opts)
}

/// [`verify`] taking ownership of the bytes: a UTF-8 document is parsed in place, without a
/// copy (what to use for large documents read from a file).
pub fn verify_vec(xml: Vec<u8>, opts: &VerifyOptions) -> Result<VerifiedDocument, DsigError> {
    let doc = Doc::parse_vec(xml)?;
    verify_parsed(doc, opts)
}

fn verify_parsed(doc: Doc, opts: &VerifyOptions) -> Result<VerifiedDocument, DsigError> {
    let sigs = doc.elements_named(DSIG_NS, "Signature");
    if sigs.is_empty() {
        return Err(DsigError::NoSignature);
    }
    let mut outcomes: Vec<SignatureOutcome> = sigs
        .iter()
        .enumerate()
        .map(|(i, &s)| SignatureOutcome {
            index: i,
            element: s,
            result: check_one(&doc, &sigs, i, opts),
        })
        .collect();
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
            for &later in removed {
                before[b][later] = true;
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

    let mut refs = Vec::new();
    for (ri, &r) in si_children[2..].iter().enumerate() {
        if !doc.is(r, DSIG_NS, "Reference") {
            return Err(structure(index, "unexpected element in SignedInfo"));
        }
        refs.push(parse_reference(doc, r, index, ri, &policy)?);
    }
    if refs.is_empty() {
        return Err(structure(index, "SignedInfo holds no Reference"));
    }

    // KeyInfo certificates
    let certificates = match key_info {
        Some(ki) => keyinfo_certificates(doc, ki)?,
        None => Vec::new(),
    };

    // SignatureValue over the canonical SignedInfo
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
    )?;
    let signer_certificate = match key_source {
        KeySource::Certificate(i) => Some(i),
        _ => None,
    };

    // References: standard first, then peeling (later signatures removed).
    let later: Vec<Node> = sigs[index + 1..]
        .iter()
        .copied()
        .filter(|&s| !doc.is_ancestor_or_self(sig, s))
        .collect();
    let (references, mode) = match check_references(doc, sigs, index, &refs, &[], opts) {
        Ok(r) => (r, CheckMode::Standard),
        Err(e @ DsigError::DigestMismatch { .. }) if !later.is_empty() => {
            match check_references(doc, sigs, index, &refs, &later, opts) {
                Ok(r) => {
                    let removed = (index + 1..sigs.len())
                        .filter(|&j| later.contains(&sigs[j]))
                        .collect();
                    (r, CheckMode::Peeled { removed })
                }
                Err(_) => return Err(e),
            }
        }
        Err(e) => return Err(e),
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
                crate::cert::spki_of(der)
                    .map(|spki| (KeySource::Certificate(i), spki))
                    .map_err(|detail| DsigError::BadCertificate {
                        signature: index,
                        detail,
                    })
            })
            .collect::<Result<_, _>>()?
    };
    if candidates.is_empty() {
        return Err(DsigError::NoKey { signature: index });
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
            process_reference(doc, sigs, index, ri, r, removed, &mut tee)?
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
fn process_reference(
    doc: &Doc,
    sigs: &[Node],
    index: usize,
    ri: usize,
    r: &ParsedReference,
    removed: &[Node],
    sink: &mut dyn Write,
) -> Result<Resolved, DsigError> {
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
    )?;
    let mut out = Vec::new();
    process_reference(&doc, &sigs, signature, reference, &parsed, &[], &mut out)?;
    Ok(out)
}

fn unsupported_chain(t: &Transform) -> DsigError {
    DsigError::UnsupportedAlgorithm {
        role: AlgorithmRole::Transform,
        uri: format!("{} (in this position of the transform chain)", t.uri()),
    }
}

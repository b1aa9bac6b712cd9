//! [`verify_document`]: recognise the format, verify every signature of every layer, judge
//! identities and certificates, and return one fail-closed report.

use tanba_dsig::{VerifiedDocument, WorkLimit};
use tanba_pki::{ChainCert, ExpectedIdentity, Validator};
use tanba_wss::{Data, SoapVersion, VerifiedEnvelope};
use tanba_xml::{Document, NodeId, ParseOptions};
use time::OffsetDateTime;

use crate::indication::{Failed, Indication};
use crate::location::{Location, Locator};
use crate::policy::PolicyName;
use crate::report::{
    CertificateValidation, DocumentFormat, DocumentReport, Layer, SignerReport, TimeSource,
};
use crate::signer;

const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

/// Which layers to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every signature of every layer (the default).
    #[default]
    EveryLayer,
    /// Only the WS-Security transport signature; the document must be a SOAP envelope
    /// (`tanba wss verify`).
    TransportOnly,
}

/// How certificates are validated: the anchors and revocation evidence, and the policy
/// for document and inner signers and the one for the transport signer (an
/// information-system certificate, typically with another key usage).
#[derive(Debug, Clone, Copy)]
pub struct Validators<'a> {
    /// The anchors, intermediates and revocation evidence.
    pub validator: &'a Validator,
    /// The policy for document and inner signatures.
    pub signer: &'a tanba_pki::Policy,
    /// The policy for the WS-Security transport signature.
    pub transport: &'a tanba_pki::Policy,
}

/// How to verify a document.
#[derive(Debug, Clone, Default)]
pub struct DocumentOptions<'a> {
    /// XMLDSig options (legacy algorithms, the Base64 transform, the work budget).
    pub dsig: tanba_dsig::VerifyOptions,
    /// WS-Security options (the Timestamp window, required headers, pinned tokens).
    pub wss: tanba_wss::VerifyOptions,
    /// The IIN / BIN the signers must carry. They apply to the document's business
    /// signers: every document and payload signature, or — when an envelope carries
    /// none — the transport signer. Checked whether or not certificates are validated.
    pub expected: ExpectedIdentity,
    /// Validate the signers' certificates with these (`None`: not performed, and the
    /// report says so).
    pub validators: Option<Validators<'a>>,
    /// Which layers.
    pub scope: Scope,
    /// The named policy the certificate validators were built for (reported; see
    /// [`PolicyName::certificate_policy`]).
    pub policy: PolicyName,
    /// The validation time (`None`: now). It is reported, and it judges the WS-Security
    /// Timestamp window (it overrides [`tanba_wss::VerifyOptions::at`]); the validators
    /// must be built for the same instant.
    pub at: Option<OffsetDateTime>,
}

/// Why a document could not be verified at all (anything else is a verdict in the
/// report).
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The XML is malformed or uses a refused construct (DTD entities, …).
    #[error("malformed XML: {0}")]
    Xml(#[source] tanba_xml::XmlError),
    /// The document holds no signature at all: nothing can be verified.
    #[error("the document holds no ds:Signature element")]
    NoSignature,
    /// The document asks for more work than the budget allows: refused.
    #[error("refused: {0}")]
    WorkLimit(WorkLimit),
    /// [`Scope::TransportOnly`] on something that is not a SOAP envelope.
    #[error("{0}")]
    NotAnEnvelope(#[source] tanba_wss::EnvelopeError),
    /// A CMS that cannot be read (or checked at all: no signer, detached without content).
    #[error("{0}")]
    Cms(#[from] tanba_cms::CmsError),
}

/// Verifies every signature of a signed XML document, at every layer.
///
/// The format is recognised first:
/// * a document with a `wsse:Security` element **anywhere** is a WS-Security message: its
///   transport signature is judged by the WS-Security profile ([`tanba_wss::verify`]:
///   the signed Body must be this envelope's Body, the Timestamp window, …) — a layout
///   the profile refuses (Security wrapped in a foreign element, the Envelope under
///   another root, a Body moved into the Header) is an invalid transport signature,
///   never a fallback to plain XMLDSig;
/// * a SOAP envelope without `wsse:Security` carries no transport signature (a note in
///   the report); only the signatures inside it are verified;
/// * anything else is plain XMLDSig.
///
/// Then every other `ds:Signature` is verified: a signed document carried in a
/// SmartBridge `data` element (inline or as an escaped string) on its own, as a receiver
/// extracts it (SMARTBRIDGE.md P7); the rest in the document itself, in Kalkan peeling
/// order. One invalid signature, one failed identity expectation or one refused
/// certificate makes the document invalid.
///
/// ```
/// use tanba_validate::{verify_document, DocumentOptions, DocumentFormat};
/// # let name = "individual_valid_sign_rsa_2004.p12";
/// # let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
/// # let store = tanba_keys::Keystore::open_pkcs12(
/// #     &p12, &tanba_keys::Password::new(tanba_testdata::nca_password(name))).unwrap();
/// # let signer = store.signer(&tanba_keys::KeySelector::Single).unwrap();
/// let signed = tanba_dsig::sign(b"<order><amount>5</amount></order>", &signer,
///                               &Default::default()).unwrap();
/// let opts = DocumentOptions {
///     expected: tanba_pki::ExpectedIdentity { iin: Some("123456789011".into()), bin: None },
///     ..Default::default()
/// };
/// let report = verify_document(&signed, &opts).unwrap();
/// assert!(report.is_passed());
/// assert_eq!(report.format, DocumentFormat::Xmldsig);
/// let what = report.signers[0].signed.as_ref().unwrap();
/// assert_eq!(what.excluded[0].path, "/order[1]/Signature[1]"); // the signature itself
///
/// let other = DocumentOptions {
///     expected: tanba_pki::ExpectedIdentity { iin: Some("123456789012".into()), bin: None },
///     ..Default::default()
/// };
/// let report = verify_document(&signed, &other).unwrap();
/// assert!(!report.is_passed()); // not the expected signer, even without trust checks
/// ```
pub fn verify_document(
    xml: &[u8],
    opts: &DocumentOptions<'_>,
) -> Result<DocumentReport, DocumentError> {
    let doc = Document::parse(xml, &ParseOptions::default()).map_err(DocumentError::Xml)?;
    verify_parsed(xml, doc, opts)
}

/// [`verify_document`] taking ownership of the bytes: a plain XMLDSig document in UTF-8
/// (or any ASCII-compatible encoding) that cannot be an envelope — no `Envelope` or
/// `Security` in its bytes — is parsed in place, without a copy (for large documents).
pub fn verify_document_vec(
    xml: Vec<u8>,
    opts: &DocumentOptions<'_>,
) -> Result<DocumentReport, DocumentError> {
    let ascii_compatible = !xml.starts_with(&[0xFE, 0xFF])
        && !xml.starts_with(&[0xFF, 0xFE])
        && !xml.starts_with(&[0, b'<'])
        && !xml.starts_with(&[b'<', 0]);
    if opts.scope == Scope::EveryLayer
        && ascii_compatible
        && memchr::memmem::find(&xml, b"Envelope").is_none()
        && memchr::memmem::find(&xml, b"Security").is_none()
    {
        let doc = Document::parse_vec(xml, &ParseOptions::default()).map_err(DocumentError::Xml)?;
        return verify_parsed(&[], doc, opts);
    }
    verify_document(&xml, opts)
}

/// Collects the report as the layers are verified.
struct Builder<'o, 'a> {
    opts: &'o DocumentOptions<'a>,
    signers: Vec<SignerReport>,
    /// The certificate (DER) that verified each signature, parallel to `signers`.
    signer_certs: Vec<Option<Vec<u8>>>,
    /// The other certificates each signature carried (chain candidates), parallel.
    chain_candidates: Vec<Vec<ChainCert>>,
    problems: Vec<String>,
    notes: Vec<String>,
    /// A problem outside any signer (the document's signatures could not be read).
    document_failed: bool,
}

fn verify_parsed(
    bytes: &[u8],
    doc: Document,
    opts: &DocumentOptions<'_>,
) -> Result<DocumentReport, DocumentError> {
    let at = opts.at.unwrap_or_else(OffsetDateTime::now_utc);
    let all_sigs: Vec<NodeId> = doc
        .descendants(NodeId::DOCUMENT)
        .filter(|&n| doc.is_element(n) && doc.name(n).is(DS, "Signature"))
        .collect();
    let max = opts.dsig.budget.max_signatures;
    if all_sigs.len() > max {
        return Err(DocumentError::WorkLimit(WorkLimit::Signatures {
            found: all_sigs.len(),
            max,
        }));
    }
    let securities: Vec<NodeId> = doc
        .descendants(NodeId::DOCUMENT)
        .filter(|&n| doc.is_element(n) && doc.name(n).is(WSSE, "Security"))
        .collect();
    let soap = SoapVersion::of_root(&doc);
    let mut format = if !securities.is_empty() {
        DocumentFormat::Wss
    } else if soap.is_some() {
        DocumentFormat::Soap
    } else {
        DocumentFormat::Xmldsig
    };
    let mut b = Builder {
        opts,
        signers: Vec::new(),
        signer_certs: Vec::new(),
        chain_candidates: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        document_failed: false,
    };

    // The transport layer: every ds:Signature directly inside a wsse:Security element.
    let transport_sigs: Vec<NodeId> = all_sigs
        .iter()
        .copied()
        .filter(|&s| doc.parent(s).is_some_and(|p| securities.contains(&p)))
        .collect();
    if opts.scope == Scope::TransportOnly || format == DocumentFormat::Wss {
        let wss_opts = tanba_wss::VerifyOptions {
            at: Some(at),
            ..opts.wss.clone()
        };
        let result = tanba_wss::verify(bytes_of(bytes, &doc), &wss_opts);
        if opts.scope == Scope::TransportOnly {
            if let Err(tanba_wss::WssError::Envelope(e)) = result {
                return Err(DocumentError::NotAnEnvelope(e));
            }
        }
        b.transport(&doc, &transport_sigs, result);
    } else if format == DocumentFormat::Soap {
        b.notes.push(
            "a SOAP envelope without wsse:Security: it carries no transport signature; only \
             the signatures inside it were verified"
                .into(),
        );
    }

    if opts.scope == Scope::EveryLayer {
        // Documents carried in SmartBridge `data` elements, each verified on its own.
        let mut handled: Vec<NodeId> = transport_sigs.clone();
        let mut payload_reports = Vec::new();
        // the signature budget counts every layer: those of escaped payload documents too
        let mut total = all_sigs.len();
        if soap.is_some() {
            let mut locator = Locator::new(&doc);
            for data in Data::elements_in(&doc) {
                payload_reports.extend(payload(
                    &mut locator,
                    data,
                    &all_sigs,
                    &mut handled,
                    &mut total,
                    opts,
                )?);
            }
        }
        // The document's own signatures, in the document.
        if all_sigs.iter().any(|s| !handled.contains(s)) {
            let select = |_: &Document, n: NodeId| !handled.contains(&n);
            match tanba_dsig::verify_selected(doc, &opts.dsig, &select) {
                Ok(v) => b.xmldsig(&v, Layer::Document, None),
                Err(tanba_dsig::DsigError::WorkLimit(w)) => {
                    return Err(DocumentError::WorkLimit(w))
                }
                Err(e) => {
                    b.problems.push(format!("XML signatures: {e}"));
                    b.document_failed = true;
                }
            }
        }
        if format == DocumentFormat::Wss && !payload_reports.is_empty() {
            format = DocumentFormat::Submission;
        }
        for (location, result) in payload_reports {
            match result {
                PayloadResult::Verified(v) => b.xmldsig(&v, Layer::Inner, Some(&location)),
                PayloadResult::Unreadable { error, signatures } => {
                    for element in signatures {
                        let mut r = signer::empty(Layer::Inner, Some(location.clone()), element);
                        r.indication = Indication::TotalFailed(Failed::FormatFailure);
                        r.error = Some(error.clone());
                        b.push(r, None, Vec::new());
                    }
                }
            }
        }
    }

    if b.signers.is_empty() && b.problems.is_empty() {
        return Err(DocumentError::NoSignature);
    }
    b.judge();
    Ok(b.finish(format, at))
}

/// The bytes to give the WS-Security verifier: the input, or — for a document parsed in
/// place — its (UTF-8) text.
fn bytes_of<'a>(bytes: &'a [u8], doc: &'a Document) -> &'a [u8] {
    if bytes.is_empty() {
        doc.source().as_bytes()
    } else {
        bytes
    }
}

/// What a `data` element's document gave.
enum PayloadResult {
    /// Parsed on its own and verified.
    Verified(Box<VerifiedDocument>),
    /// It looks like a signed XML document but cannot be verified.
    Unreadable {
        /// Why.
        error: String,
        /// Its signature elements, located in the envelope (inline data).
        signatures: Vec<Option<Location>>,
    },
}

/// The document carried by `data`, verified on its own when it holds signatures; the
/// envelope's signature elements inside an inline `data` are then `handled`. An inline
/// payload that is not a document on its own (it uses a prefix declared outside it) is
/// left to the envelope-level verification.
fn payload(
    locator: &mut Locator<'_>,
    data: NodeId,
    all_sigs: &[NodeId],
    handled: &mut Vec<NodeId>,
    total: &mut usize,
    opts: &DocumentOptions<'_>,
) -> Result<Option<(Location, PayloadResult)>, DocumentError> {
    let doc = locator.document();
    // every payload that yields a report entry counts against the signature budget
    let mut count = |n: usize| {
        *total += n;
        let max = opts.dsig.budget.max_signatures;
        if *total > max {
            return Err(DocumentError::WorkLimit(WorkLimit::Signatures {
                found: *total,
                max,
            }));
        }
        Ok(())
    };
    let inline_sigs: Vec<NodeId> = all_sigs
        .iter()
        .copied()
        .filter(|&s| doc.is_ancestor_or_self(data, s))
        .collect();
    let content = Data::read(doc, data);
    let text = content.content();
    let inline = !matches!(content, Data::String(_));
    if !inline && !text.trim_start().starts_with('<') {
        return Ok(None); // plain character data, not a document
    }
    let parsed = match Document::parse(text.as_bytes(), &ParseOptions::default()) {
        Ok(p) => p,
        // not a standalone document: its signatures (if any) are verified in the
        // envelope, where its prefixes are bound
        Err(_) if inline => return Ok(None),
        Err(e) => {
            if !text.contains("Signature") {
                return Ok(None);
            }
            count(1)?;
            let location = locator.locate(data);
            return Ok(Some((
                location.clone(),
                PayloadResult::Unreadable {
                    error: format!(
                        "the document carried in {location} does not parse on its own: {e}"
                    ),
                    signatures: vec![None],
                },
            )));
        }
    };
    let signatures = parsed
        .descendants(NodeId::DOCUMENT)
        .filter(|&n| parsed.is_element(n) && parsed.name(n).is(DS, "Signature"))
        .count();
    if signatures == 0 {
        // (an inline payload's signatures, if the parse disagreed, stay with the envelope)
        return Ok(None);
    }
    if !inline {
        // an escaped document's signatures are not in the envelope's count yet
        count(signatures)?;
    }
    let location = locator.locate(data);
    handled.extend(inline_sigs);
    match tanba_dsig::verify_selected(parsed, &opts.dsig, &|_, _| true) {
        Ok(v) => Ok(Some((location, PayloadResult::Verified(Box::new(v))))),
        Err(tanba_dsig::DsigError::WorkLimit(w)) => Err(DocumentError::WorkLimit(w)),
        Err(e) => Ok(Some((
            location.clone(),
            PayloadResult::Unreadable {
                error: format!("the document carried in {location}: {e}"),
                signatures: vec![None],
            },
        ))),
    }
}

impl Builder<'_, '_> {
    fn push(&mut self, mut r: SignerReport, cert: Option<Vec<u8>>, chain: Vec<ChainCert>) {
        r.index = self.signers.len();
        self.signers.push(r);
        self.signer_certs.push(cert);
        self.chain_candidates.push(chain);
    }

    /// The transport signature entries: one per ds:Signature of a wsse:Security element
    /// (one entry without an element when there is none).
    fn transport(
        &mut self,
        doc: &Document,
        sigs: &[NodeId],
        result: Result<VerifiedEnvelope, tanba_wss::WssError>,
    ) {
        let mut locator = Locator::new(doc);
        let elements: Vec<Option<Location>> = if sigs.is_empty() {
            vec![None]
        } else {
            sigs.iter().map(|&s| Some(locator.locate(s))).collect()
        };
        for element in elements {
            let mut r = signer::empty(Layer::Transport, None, element);
            let cert = signer::transport(&mut r, &result);
            self.push(r, cert, Vec::new());
        }
    }

    /// One entry per verified (or failed) XMLDSig signature, in document order.
    fn xmldsig(&mut self, v: &VerifiedDocument, layer: Layer, payload: Option<&Location>) {
        let doc = v.document();
        let mut locator = Locator::new(doc);
        for s in &v.signatures {
            let element = Some(locator.locate(s.element));
            let mut r = signer::empty(layer, payload.cloned(), element);
            let cert = signer::xmldsig(&mut r, doc, s, &mut locator);
            let chain = match &s.result {
                Ok(v) => v
                    .certificates
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != v.signer_certificate)
                    .filter_map(|(_, d)| ChainCert::from_der(d).ok())
                    .collect(),
                Err(_) => Vec::new(),
            };
            self.push(r, cert, chain);
        }
    }

    /// Identity expectations (on the business signers, or the transport signer when
    /// there is no other), certificates, then the verdict's problems.
    fn judge(&mut self) {
        let expected = &self.opts.expected;
        let business = self.signers.iter().any(|r| r.layer != Layer::Transport);
        for (i, r) in self.signers.iter_mut().enumerate() {
            if !r.signature_verified() {
                continue;
            }
            let cert = self.signer_certs[i].as_deref();
            let applies = if business {
                r.layer != Layer::Transport
            } else {
                true
            };
            if applies && !expected.is_empty() {
                signer::identity(r, expected, cert);
            }
            match self.opts.validators {
                None => signer::not_checked(r),
                Some(v) => {
                    let policy = match r.layer {
                        Layer::Transport => v.transport,
                        Layer::Document | Layer::Inner => v.signer,
                    };
                    signer::certificate(r, v.validator, policy, cert, &self.chain_candidates[i]);
                }
            }
        }
        for r in &self.signers {
            let what = describe(r);
            if let Some(e) = &r.error {
                self.problems.push(format!("{what}: {e}"));
            }
            for c in r
                .checks
                .iter()
                .filter(|c| r.error.is_none() && c.is_problem())
            {
                self.problems.push(format!("{what}: {}", c.problem_text()));
            }
        }
    }

    fn finish(self, format: DocumentFormat, at: OffsetDateTime) -> DocumentReport {
        // the worst signer speaks for the document; no signer, or a problem outside every
        // signer, is a format failure — never a pass
        let start = if self.signers.is_empty() || self.document_failed {
            Indication::TotalFailed(Failed::FormatFailure)
        } else {
            Indication::TotalPassed
        };
        let indication = self
            .signers
            .iter()
            .fold(start, |acc, r| acc.worst(r.indication));
        DocumentReport {
            indication,
            format,
            policy: self.opts.policy,
            validation_time: crate::report::rfc3339(at),
            validation_time_source: if self.opts.at.is_some() {
                TimeSource::Request
            } else {
                TimeSource::Now
            },
            certificate_validation: if self.opts.validators.is_some() {
                CertificateValidation::Performed
            } else {
                CertificateValidation::NotPerformed
            },
            signers: self.signers,
            problems: self.problems,
            notes: self.notes,
        }
    }
}

/// "signer #2 (in the document carried in /Envelope[1]/…)" for problem texts.
fn describe(r: &SignerReport) -> String {
    match (r.layer, &r.payload) {
        (Layer::Transport, _) => format!("signer #{} (transport)", r.index),
        (Layer::Inner, Some(p)) => format!("signer #{} (in the document carried in {p})", r.index),
        _ => format!("signer #{}", r.index),
    }
}

/// A bare certificate validated under `policy` and reported in the document report's
/// shape (see [`crate::Validator::validate_certificate_report`]).
pub(crate) fn certificate_report(
    validator: &tanba_pki::Validator,
    name: crate::policy::PolicyName,
    cert: &[u8],
    extra: &[ChainCert],
    policy: &tanba_pki::Policy,
) -> DocumentReport {
    let der = ChainCert::from_bytes(cert).ok().map(|c| c.der().to_vec());
    let mut r = signer::empty(Layer::Document, None, None);
    r.identity = der.as_deref().and_then(tanba_pki::SignerInfo::from_der);
    r.certificate_der = der.clone();
    signer::certificate(
        &mut r,
        validator,
        policy,
        Some(der.as_deref().unwrap_or(cert)),
        extra,
    );
    let problems = r
        .checks
        .iter()
        .filter(|c| c.is_problem())
        .map(|c| c.problem_text())
        .collect();
    let at = policy.time().instant();
    DocumentReport {
        indication: r.indication,
        format: DocumentFormat::Certificate,
        policy: name,
        validation_time: crate::report::rfc3339(at),
        validation_time_source: match policy.time() {
            tanba_pki::ValidationTime::Now => TimeSource::Now,
            _ => TimeSource::Request,
        },
        certificate_validation: CertificateValidation::Performed,
        signers: vec![r],
        problems,
        notes: Vec::new(),
    }
}

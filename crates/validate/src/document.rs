//! [`verify_document`]: recognise the format, verify every signature of every layer, judge
//! identities and certificates, and return one fail-closed report.

use tanba_dsig::{SignatureOutcome, SignedNode, VerifiedDocument, WorkLimit};
use tanba_pki::{ChainCert, ExpectedIdentity, KzCertificate, SignerInfo, Validator, Verdict};
use tanba_wss::{Data, SignedPart, SoapVersion, TokenReference, VerifiedEnvelope};
use tanba_xml::{Document, NodeId, ParseOptions};

use crate::location::{Location, Locator};
use crate::report::{
    CertificateCheck, CertificateValidation, CheckMode, DocumentFormat, DocumentReport, KeySource,
    Layer, ReferenceReport, SignatureReport, SignedKind, SignedPartReport, TimestampReport,
    TransportReport,
};

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

/// The certificate validators: one for document and payload signers, one for the
/// transport signer (an information-system certificate, typically with another key usage).
#[derive(Debug, Clone, Copy)]
pub struct Validators<'a> {
    /// For document and payload signatures.
    pub signer: &'a Validator<'a>,
    /// For the WS-Security transport signature.
    pub transport: &'a Validator<'a>,
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
/// assert!(report.is_valid());
/// assert_eq!(report.format, DocumentFormat::Xmldsig);
/// let amount = report.signatures[0].references[0].excluded[0].path.clone();
/// assert_eq!(amount, "/order[1]/Signature[1]"); // the enveloped signature itself
///
/// let other = DocumentOptions {
///     expected: tanba_pki::ExpectedIdentity { iin: Some("123456789012".into()), bin: None },
///     ..Default::default()
/// };
/// let report = verify_document(&signed, &other).unwrap();
/// assert!(!report.is_valid()); // not the expected signer, even without trust checks
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
    signatures: Vec<SignatureReport>,
    /// The certificate (DER) that verified each signature, parallel to `signatures`.
    signer_certs: Vec<Option<Vec<u8>>>,
    problems: Vec<String>,
    notes: Vec<String>,
}

fn verify_parsed(
    bytes: &[u8],
    doc: Document,
    opts: &DocumentOptions<'_>,
) -> Result<DocumentReport, DocumentError> {
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
    let format = if !securities.is_empty() {
        DocumentFormat::WsSecurity
    } else if soap.is_some() {
        DocumentFormat::SoapWithoutTransportSignature
    } else {
        DocumentFormat::Xmldsig
    };
    let mut b = Builder {
        opts,
        signatures: Vec::new(),
        signer_certs: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
    };

    // The transport layer: every ds:Signature directly inside a wsse:Security element.
    let transport_sigs: Vec<NodeId> = all_sigs
        .iter()
        .copied()
        .filter(|&s| doc.parent(s).is_some_and(|p| securities.contains(&p)))
        .collect();
    if opts.scope == Scope::TransportOnly || format == DocumentFormat::WsSecurity {
        let result = tanba_wss::verify(bytes_of(bytes, &doc), &opts.wss);
        if opts.scope == Scope::TransportOnly {
            if let Err(tanba_wss::WssError::Envelope(e)) = result {
                return Err(DocumentError::NotAnEnvelope(e));
            }
        }
        b.transport(&doc, &transport_sigs, result);
    } else if format == DocumentFormat::SoapWithoutTransportSignature {
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
                Err(e) => b.problems.push(format!("XML signatures: {e}")),
            }
        }
        for (location, result) in payload_reports {
            match result {
                PayloadResult::Verified(v) => b.xmldsig(&v, Layer::Payload, Some(&location)),
                PayloadResult::Unreadable { error, signatures } => {
                    for element in signatures {
                        let mut r = empty_report(Layer::Payload, Some(location.clone()), element);
                        r.error = Some(error.clone());
                        b.push(r, None);
                    }
                }
            }
        }
    }

    if b.signatures.is_empty() && b.problems.is_empty() {
        return Err(DocumentError::NoSignature);
    }
    b.judge();
    Ok(b.finish(format))
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

fn empty_report(
    layer: Layer,
    payload: Option<Location>,
    element: Option<Location>,
) -> SignatureReport {
    SignatureReport {
        index: 0,
        layer,
        payload,
        element,
        valid: false,
        error: None,
        signing_order: None,
        mode: None,
        signature_method: None,
        key_source: None,
        signer: None,
        references: Vec::new(),
        transport: None,
        identity: Vec::new(),
        certificate: None,
    }
}

impl Builder<'_, '_> {
    fn push(&mut self, mut r: SignatureReport, cert: Option<Vec<u8>>) {
        r.index = self.signatures.len();
        self.signatures.push(r);
        self.signer_certs.push(cert);
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
            let mut r = empty_report(Layer::Transport, None, element);
            r.mode = Some(CheckMode::WsSecurity);
            match &result {
                Ok(v) => {
                    r.valid = true;
                    r.signing_order = Some(0);
                    r.signature_method = Some(v.signature_algorithm.xml_uri().to_owned());
                    r.key_source = Some(KeySource::Certificate);
                    r.signer = SignerInfo::from_der(&v.signer_certificate);
                    r.transport = Some(transport_details(v));
                    r.certificate = self.opts.validators.map(|val| {
                        certificate_check(val.transport, Some(&v.signer_certificate), &[])
                    });
                    self.push(r, Some(v.signer_certificate.clone()));
                }
                Err(e) => {
                    r.error = Some(format!("transport signature: {e}"));
                    self.push(r, None);
                }
            }
        }
    }

    /// One entry per verified (or failed) XMLDSig signature, in document order.
    fn xmldsig(&mut self, v: &VerifiedDocument, layer: Layer, payload: Option<&Location>) {
        let doc = v.document();
        let mut locator = Locator::new(doc);
        for s in &v.signatures {
            let element = Some(locator.locate(s.element));
            let mut r = empty_report(layer, payload.cloned(), element);
            let cert = self.outcome(doc, &mut locator, s, &mut r);
            self.push(r, cert);
        }
    }

    /// Fills `r` from one dsig outcome; returns the signer's certificate.
    fn outcome(
        &self,
        doc: &Document,
        locator: &mut Locator<'_>,
        s: &SignatureOutcome,
        r: &mut SignatureReport,
    ) -> Option<Vec<u8>> {
        let v = match &s.result {
            Err(e) => {
                r.error = Some(e.to_string());
                return None;
            }
            Ok(v) => v,
        };
        r.valid = true;
        r.signing_order = Some(v.signing_order);
        r.mode = Some(match v.mode {
            tanba_dsig::CheckMode::Standard => CheckMode::Standard,
            tanba_dsig::CheckMode::Peeled { .. } => CheckMode::Peeled,
        });
        r.signature_method = Some(v.signature_algorithm.xml_uri().to_owned());
        r.key_source = Some(match v.key_source {
            tanba_dsig::KeySource::Supplied => KeySource::Supplied,
            tanba_dsig::KeySource::Certificate(_) => KeySource::Certificate,
            tanba_dsig::KeySource::KeyValue { .. } => KeySource::KeyValue,
            tanba_dsig::KeySource::DerEncodedKeyValue { .. } => KeySource::DerEncodedKeyValue,
        });
        let cert = v.signer_certificate_der().map(<[u8]>::to_vec);
        r.signer = cert.as_deref().and_then(SignerInfo::from_der);
        r.references = v
            .references
            .iter()
            .map(|rf| {
                let (signed, element) = match rf.signed_node {
                    SignedNode::Document => (SignedKind::Document, None),
                    SignedNode::Element(e) => (SignedKind::Element, Some(e)),
                    SignedNode::DecodedText(e) => (SignedKind::DecodedText, Some(e)),
                };
                ReferenceReport {
                    uri: rf.uri.to_uri_string(),
                    signed,
                    element: element.map(|e| locator.locate(e)),
                    id: element.and_then(|e| doc.ids(e).next().map(str::to_owned)),
                    inside_own_signature: rf.inside_own_signature,
                    excluded: rf.excluded.iter().map(|&x| locator.locate(x)).collect(),
                }
            })
            .collect();
        if let Some(val) = self.opts.validators {
            let extra: Vec<ChainCert> = v
                .certificates
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != v.signer_certificate)
                .filter_map(|(_, d)| ChainCert::from_der(d).ok())
                .collect();
            r.certificate = Some(certificate_check(val.signer, cert.as_deref(), &extra));
        }
        cert
    }

    /// Identity expectations (on the business signers, or the transport signer when
    /// there is no other), then the verdict's problems.
    fn judge(&mut self) {
        let expected = &self.opts.expected;
        if !expected.is_empty() {
            let business = self.signatures.iter().any(|r| r.layer != Layer::Transport);
            for (r, cert) in self.signatures.iter_mut().zip(&self.signer_certs) {
                let applies = if business {
                    r.layer != Layer::Transport
                } else {
                    true
                };
                if applies && r.valid {
                    let kz = cert
                        .as_deref()
                        .and_then(|d| KzCertificate::from_der(d).ok());
                    r.identity = expected.check(kz.as_ref());
                }
            }
        }
        for r in &self.signatures {
            let what = describe(r);
            if let Some(e) = &r.error {
                self.problems.push(format!("{what}: {e}"));
            }
            for c in r.identity.iter().filter(|c| !c.passed) {
                self.problems.push(format!("{what}: {}", c.detail));
            }
            if let Some(c) = r
                .certificate
                .as_ref()
                .filter(|c| c.verdict != Verdict::Valid)
            {
                self.problems.push(format!(
                    "{what}: signer certificate: {}",
                    c.refusal.as_deref().unwrap_or("not valid")
                ));
            }
        }
    }

    fn finish(self, format: DocumentFormat) -> DocumentReport {
        let valid = self.problems.is_empty()
            && !self.signatures.is_empty()
            && self.signatures.iter().all(SignatureReport::passes);
        DocumentReport {
            verdict: if valid {
                Verdict::Valid
            } else {
                Verdict::Invalid
            },
            format,
            certificate_validation: if self.opts.validators.is_some() {
                CertificateValidation::Performed
            } else {
                CertificateValidation::NotPerformed
            },
            signatures: self.signatures,
            problems: self.problems,
            notes: self.notes,
        }
    }
}

/// "signature #2 (payload in /Envelope[1]/…)" for problem texts.
fn describe(r: &SignatureReport) -> String {
    match (r.layer, &r.payload) {
        (Layer::Transport, _) => format!("signature #{} (transport)", r.index),
        (Layer::Payload, Some(p)) => {
            format!("signature #{} (in the document carried in {p})", r.index)
        }
        _ => format!("signature #{}", r.index),
    }
}

fn certificate_check(
    validator: &Validator<'_>,
    cert: Option<&[u8]>,
    extra: &[ChainCert],
) -> CertificateCheck {
    match cert {
        None => CertificateCheck {
            verdict: Verdict::Invalid,
            refusal: Some(
                "no certificate: the key came without one, so the signer cannot be established"
                    .into(),
            ),
            report: None,
        },
        Some(der) => {
            let report = validator.validate(der, extra);
            CertificateCheck {
                verdict: report.verdict,
                refusal: report.refusal(),
                report: Some(report),
            }
        }
    }
}

fn transport_details(v: &VerifiedEnvelope) -> TransportReport {
    TransportReport {
        token: match &v.token {
            TokenReference::KeyIdentifier => "KeyIdentifier".to_owned(),
            TokenReference::BinarySecurityToken { id } => format!("BinarySecurityToken #{id}"),
            TokenReference::X509Certificate => "X509Certificate".to_owned(),
            TokenReference::IssuerSerial { .. } => "X509IssuerSerial (pinned)".to_owned(),
            TokenReference::ThumbprintSha1 => "ThumbprintSHA1 (pinned)".to_owned(),
        },
        signed_parts: v
            .signed_parts
            .iter()
            .map(|p| match p {
                SignedPart::Body { id } => SignedPartReport {
                    part: "body",
                    id: id.clone(),
                    name: None,
                },
                SignedPart::Timestamp { id } => SignedPartReport {
                    part: "timestamp",
                    id: id.clone(),
                    name: None,
                },
                SignedPart::SecurityToken { id } => SignedPartReport {
                    part: "token",
                    id: id.clone(),
                    name: None,
                },
                SignedPart::Header {
                    namespace,
                    local,
                    id,
                } => SignedPartReport {
                    part: "header",
                    id: id.clone(),
                    name: Some(format!("{{{namespace}}}{local}")),
                },
            })
            .collect(),
        timestamp: v.timestamp.map(|t| TimestampReport {
            created: tanba_wss::datetime::format(t.created),
            expires: t.expires.map(tanba_wss::datetime::format),
        }),
    }
}

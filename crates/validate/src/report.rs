//! The one report of a document verification: the format, every signature of every layer
//! with what it signed, its signer, the identity and certificate checks, and one verdict.

use serde::Serialize;
use tanba_pki::{IdentityCheck, SignerInfo, Verdict};

use crate::location::Location;

/// What kind of document was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentFormat {
    /// An XML document with enveloped or by-Id XMLDSig signatures.
    Xmldsig,
    /// A document holding a `wsse:Security` element: judged by the WS-Security profile
    /// (the transport signature over this envelope's Body), never as plain XMLDSig.
    WsSecurity,
    /// A SOAP envelope without `wsse:Security`: it carries no transport signature; only
    /// the signatures inside it are verified.
    SoapWithoutTransportSignature,
}

/// Which layer of the document a signature belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// The WS-Security transport signature of the envelope.
    Transport,
    /// A signature of the document itself (for an envelope: one outside the transport
    /// header and outside the business data).
    Document,
    /// A signature of a document carried in a SmartBridge `data` element, verified in
    /// that document parsed on its own (SMARTBRIDGE.md P7).
    Payload,
}

/// What a reference signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignedKind {
    /// The whole document (minus the excluded signatures).
    Document,
    /// One element with its subtree (minus the excluded signatures).
    Element,
    /// Only the base64-decoded character data of an element (the Base64 transform): not
    /// the element, its attributes or child elements.
    DecodedText,
}

/// One verified reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceReport {
    /// The `Reference/@URI` as written.
    pub uri: String,
    /// What it signed.
    pub signed: SignedKind,
    /// The signed element (for [`SignedKind::Element`] and [`SignedKind::DecodedText`]).
    pub element: Option<Location>,
    /// The signed element's Id, if it has one.
    pub id: Option<String>,
    /// The signed element sits inside this very signature's `ds:Object` / `ds:KeyInfo`
    /// (an enveloping signature): it is not part of the document proper, and a consumer
    /// reading the document would not normally look there.
    pub inside_own_signature: bool,
    /// The subtrees cut out of the signed content: the enveloped signature itself and,
    /// for a peeled check, the signatures added after this one.
    pub excluded: Vec<Location>,
}

/// A part of an envelope covered by the transport signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedPartReport {
    /// `body`, `timestamp`, `token` or `header`.
    pub part: &'static str,
    /// Its Id.
    pub id: String,
    /// For a header block: `{namespace}local`.
    pub name: Option<String>,
}

/// The WS-Security details of a transport signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransportReport {
    /// How KeyInfo designated the certificate (`KeyIdentifier`, `BinarySecurityToken
    /// #id`, …).
    pub token: String,
    /// The signed parts, in Reference order (the Body always among them).
    pub signed_parts: Vec<SignedPartReport>,
    /// The `wsu:Timestamp` (signed and inside its window), if present.
    pub timestamp: Option<TimestampReport>,
}

/// A `wsu:Timestamp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimestampReport {
    /// `Created` (RFC 3339).
    pub created: String,
    /// `Expires` (RFC 3339), if present.
    pub expires: Option<String>,
}

/// The result of validating a signer's certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateCheck {
    /// Valid or invalid.
    pub verdict: Verdict,
    /// For an invalid certificate: the KZ refusal naming the failed checks.
    pub refusal: Option<String>,
    /// The full validation report (absent when there was no certificate to validate).
    pub report: Option<tanba_pki::Report>,
}

/// How a signature was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckMode {
    /// On the document as it is.
    Standard,
    /// With the signatures added after it removed (Kalkan / NCANode peeling).
    Peeled,
    /// By the WS-Security profile.
    WsSecurity,
}

/// Where the key that verified a signature came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeySource {
    /// A certificate in `KeyInfo` (or the WS-Security token).
    Certificate,
    /// A `ds:KeyValue`: a bare key whose owner cannot be established.
    KeyValue,
    /// A `dsig11:DEREncodedKeyValue`: a bare key whose owner cannot be established.
    DerEncodedKeyValue,
    /// Supplied by the caller.
    Supplied,
}

/// One signature of the document, whatever its layer.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a signature report carries a verdict"]
pub struct SignatureReport {
    /// Position in [`DocumentReport::signatures`].
    pub index: usize,
    /// Its layer.
    pub layer: Layer,
    /// For a [`Layer::Payload`] signature: the `data` element carrying the document.
    pub payload: Option<Location>,
    /// The `ds:Signature` element (in the payload document for [`Layer::Payload`]);
    /// `None` for a transport signature that could not be found.
    pub element: Option<Location>,
    /// Whether the signature itself verified (digests, signature value, and for the
    /// transport signature every WS-Security rule).
    pub valid: bool,
    /// Why it did not.
    pub error: Option<String>,
    /// Position in signing order within its layer (0 = first signer).
    pub signing_order: Option<usize>,
    /// How it was checked.
    pub mode: Option<CheckMode>,
    /// The `SignatureMethod` URI.
    pub signature_method: Option<String>,
    /// Where the verifying key came from.
    pub key_source: Option<KeySource>,
    /// The signer, from the certificate that verified the signature.
    pub signer: Option<SignerInfo>,
    /// What each reference signed (XMLDSig signatures).
    pub references: Vec<ReferenceReport>,
    /// The WS-Security details (transport signature).
    pub transport: Option<TransportReport>,
    /// The expected IIN / BIN compared with the signer's certificate (empty when nothing
    /// was expected of this signature).
    pub identity: Vec<IdentityCheck>,
    /// The certificate validation (`None`: not performed).
    pub certificate: Option<CertificateCheck>,
}

impl SignatureReport {
    /// Whether this signature passes: it verified, every identity expectation holds, and
    /// its certificate (when validated) is valid.
    pub fn passes(&self) -> bool {
        self.valid
            && self.identity.iter().all(|c| c.passed)
            && self
                .certificate
                .as_ref()
                .is_none_or(|c| c.verdict == Verdict::Valid)
    }
}

/// Whether the signers' certificates were validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateValidation {
    /// Every signer's certificate was validated.
    Performed,
    /// Not requested: the report speaks of signatures and identities only, not of trust.
    NotPerformed,
}

/// The verification of a whole document.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a document report carries a verdict"]
pub struct DocumentReport {
    /// [`Verdict::Valid`] only when there is at least one signature and every signature
    /// of every layer passes ([`SignatureReport::passes`]).
    pub verdict: Verdict,
    /// The recognised format.
    pub format: DocumentFormat,
    /// Whether certificates were validated.
    pub certificate_validation: CertificateValidation,
    /// Every signature, transport first, then in document order; payload signatures
    /// after the envelope's own.
    pub signatures: Vec<SignatureReport>,
    /// Every reason the verdict is not valid, in words.
    pub problems: Vec<String>,
    /// Remarks that do not change the verdict (e.g. "no transport signature").
    pub notes: Vec<String>,
}

impl DocumentReport {
    /// Whether the verdict is [`Verdict::Valid`].
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }
}

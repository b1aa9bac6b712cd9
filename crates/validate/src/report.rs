//! The one report of a document verification, in the stable JSON shape of the
//! verification core: an ETSI indication for the document and for each signer, the format,
//! the policy and the validation time, and per signer what was signed, the algorithm, the
//! identity and every check with its outcome, reason and rule.
//!
//! Field names are a contract (`crates/validate/schema/report.schema.json`): fields may be
//! added, never renamed or removed.

use serde::Serialize;
use tanba_pki::SignerInfo;

use crate::indication::Indication;
use crate::location::Location;
use crate::policy::PolicyName;

/// What kind of document was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    /// An XML document with enveloped or by-Id XMLDSig signatures.
    Xmldsig,
    /// A document holding a `wsse:Security` element: judged by the WS-Security profile
    /// (the transport signature over this envelope's Body), never as plain XMLDSig.
    Wss,
    /// A WS-Security message that also carries signed business content (a SmartBridge
    /// submission): both layers reported.
    Submission,
    /// A SOAP envelope without `wsse:Security`: it carries no transport signature; only
    /// the signatures inside it are verified.
    Soap,
    /// A bare certificate validated on its own (no signature): the one entry of
    /// `signers` holds its identity and its checks.
    Certificate,
    /// CMS SignedData (CAdES): every SignerInfo is a signer of the content.
    Cms,
    /// An RFC 3161 time-stamp token on its own: the TSA is the one signer.
    TimeStamp,
    /// A raw signature over bytes with its certificate (eGov Mobile's SIGN_BYTES_ARRAY,
    /// NCANode's `/x509/verify`): the one signer's signature, then its certificate.
    Raw,
}

/// Which layer of the document a signer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// The WS-Security transport signature of the envelope.
    Transport,
    /// A signature of the document itself (for an envelope: one outside the transport
    /// header and outside the business data).
    Document,
    /// A signature of a document carried inside an envelope's SmartBridge `data`
    /// element, verified in that document parsed on its own (SMARTBRIDGE.md P7).
    Inner,
}

/// What a reference signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedKind {
    /// The whole document (minus the excluded signatures).
    Document,
    /// One element with its subtree (minus the excluded signatures).
    Element,
    /// Only content of an element — the base64-decoded character data (the Base64
    /// transform) — not the element, its attributes or child elements.
    Content,
}

/// A digest of signed content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Digest {
    /// The digest algorithm's XMLDSig URI.
    pub algorithm: String,
    /// The digest value, base64.
    pub value: String,
}

/// What one reference (or one signed part) covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signed {
    /// Document, element or content.
    pub kind: SignedKind,
    /// The `Reference/@URI` as written (`#id` for a WS-Security part).
    pub uri: String,
    /// The signed element (for an element or content): path, line:column, byte range.
    pub element: Option<Location>,
    /// Its Id, if it has one.
    pub id: Option<String>,
    /// The digest the signature commits to.
    pub digest: Option<Digest>,
    /// The signed element sits inside this very signature's `ds:Object` / `ds:KeyInfo`
    /// (an enveloping signature): not part of the document proper.
    pub inside_own_signature: bool,
    /// The subtrees cut out of the signed content: the enveloped signature itself and,
    /// for a peeled check, the signatures added after this one.
    pub excluded: Vec<Location>,
    /// For a WS-Security part: `body`, `timestamp`, `token` or `header`.
    pub part: Option<&'static str>,
    /// The size in bytes of the signed content, when known (a CMS's content).
    pub size: Option<u64>,
}

/// The signature algorithm: a stable name and the identifier the document used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Algorithm {
    /// `rsa-sha256`, `gost34102015-512`, `gost34310-2004`, …
    pub name: &'static str,
    /// The XMLDSig URI.
    pub id: &'static str,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    /// It holds.
    Passed,
    /// It does not hold.
    Failed,
    /// It could not be decided (e.g. the revocation status is unavailable).
    Indeterminate,
    /// Not performed (not asked for, or a prerequisite failed); the reason says which.
    NotChecked,
}

/// One check of a signer, with the rule it implements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// `signature`, `wss_profile`, `expected_iin`, `certificate_chain`,
    /// `certificate_validity`, `certificate_revocation`, …
    pub name: &'static str,
    /// Passed, failed, indeterminate or not checked.
    pub outcome: CheckOutcome,
    /// What was found, in words.
    pub reason: String,
    /// The rule the check implements (the standard or order, and its point).
    pub rule: &'static str,
}

impl CheckReport {
    /// Whether the check stands against the verdict: failed or undecided.
    pub fn is_problem(&self) -> bool {
        matches!(
            self.outcome,
            CheckOutcome::Failed | CheckOutcome::Indeterminate
        )
    }

    /// "name: reason", as the report's problem list words it.
    pub(crate) fn problem_text(&self) -> String {
        format!("{}: {}", self.name.replace('_', " "), self.reason)
    }
}

/// A `wsu:Timestamp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimestampReport {
    /// `Created` (RFC 3339).
    pub created: String,
    /// `Expires` (RFC 3339), if present.
    pub expires: Option<String>,
}

/// The WS-Security details of a transport signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransportReport {
    /// How KeyInfo designated the certificate (`KeyIdentifier`, `BinarySecurityToken
    /// #id`, …).
    pub token: String,
    /// The `wsu:Timestamp` (signed and inside its window), if present.
    pub timestamp: Option<TimestampReport>,
}

/// How a signature was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[serde(rename_all = "snake_case")]
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

/// One signer of the document, whatever its layer.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a signer report carries a verdict"]
pub struct SignerReport {
    /// Position in [`DocumentReport::signers`].
    pub index: usize,
    /// The verdict for this signer.
    #[serde(flatten)]
    pub indication: Indication,
    /// Its layer.
    pub layer: Layer,
    /// What the signature covers: the first reference (for the transport signature, the
    /// Body). `None` when the signature could not be verified.
    pub signed: Option<Signed>,
    /// Every reference (every signed part) in order.
    pub references: Vec<Signed>,
    /// The signature algorithm.
    pub algorithm: Option<Algorithm>,
    /// Who signed, from the certificate that verified the signature.
    pub identity: Option<SignerInfo>,
    /// That certificate (DER), for callers that render it in their own shape (the
    /// NCANode-compatible API); not part of the JSON report.
    #[serde(skip)]
    pub certificate_der: Option<Vec<u8>>,
    /// Every check, in order: the signature, the identity expected, the certificate.
    pub checks: Vec<CheckReport>,
    /// For an [`Layer::Inner`] signer: the `data` element carrying its document.
    pub payload: Option<Location>,
    /// The `ds:Signature` element (in the carried document for [`Layer::Inner`]); `None`
    /// for a transport signature that could not be found.
    pub element: Option<Location>,
    /// Position in signing order within its document (0 = first signer).
    pub signing_order: Option<usize>,
    /// How it was checked.
    pub mode: Option<CheckMode>,
    /// Where the verifying key came from.
    pub key_source: Option<KeySource>,
    /// The WS-Security details (transport signature).
    pub transport: Option<TransportReport>,
    /// The certificate validation in full (absent when not performed or when there was
    /// no certificate).
    pub certificate: Option<tanba_pki::Report>,
    /// Why the signature itself did not verify.
    pub error: Option<String>,
    /// The instant this signer's certificate was judged at, when it is not the
    /// document's: the genTime of its verified signature time stamp (RFC 3339).
    pub validation_time: Option<String>,
    /// The signature time stamp (CAdES-T) that proved the signing time, if verified.
    pub time_stamp: Option<SignatureTimeStamp>,
    /// For a CMS signer, the level its signature reaches: `B` (CAdES-BES:
    /// signingCertificate(V2) binds the certificate), `T` (B plus a verified signature
    /// time stamp); `cms` / `cms-t` for the same without a signing-certificate attribute
    /// (Kalkan Java / NCANode output: plain CMS, not strictly CAdES).
    pub level: Option<&'static str>,
}

/// A verified signature time stamp: when the TSA saw the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureTimeStamp {
    /// genTime (RFC 3339).
    pub gen_time: String,
    /// The TSA policy (dotted OID).
    pub policy: String,
    /// The token's serial number (lowercase hex).
    pub serial: String,
    /// The TSA certificate's subject.
    pub tsa: Option<String>,
}

impl SignerReport {
    /// Whether this signer passed every check.
    pub fn is_passed(&self) -> bool {
        self.indication.is_passed()
    }

    /// Whether the signature itself verified (digests, signature value, and for the
    /// transport signature every WS-Security rule) — whatever the certificate.
    pub fn signature_verified(&self) -> bool {
        self.error.is_none() && self.signed.is_some()
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

/// Where the validation time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// Given by the caller (`--at`).
    Request,
    /// The moment of the verification.
    Now,
    /// The genTime of a verified time stamp.
    TimeStamp,
}

/// The verification of a whole document.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a document report carries a verdict"]
pub struct DocumentReport {
    /// The verdict: `TotalPassed` only when there is at least one signer and every signer
    /// of every layer passed; otherwise the worst signer's indication.
    #[serde(flatten)]
    pub indication: Indication,
    /// The recognised format.
    pub format: DocumentFormat,
    /// The validation policy.
    pub policy: PolicyName,
    /// The instant everything was judged at (RFC 3339, UTC).
    pub validation_time: String,
    /// Where that instant came from.
    pub validation_time_source: TimeSource,
    /// Whether certificates were validated.
    pub certificate_validation: CertificateValidation,
    /// Every signer, transport first, then in document order; signers of carried
    /// documents after the envelope's own.
    pub signers: Vec<SignerReport>,
    /// Every reason the verdict is not a pass, in words.
    pub problems: Vec<String>,
    /// Remarks that do not change the verdict (e.g. "no transport signature").
    pub notes: Vec<String>,
}

impl DocumentReport {
    /// Whether the verdict is [`Indication::TotalPassed`].
    pub fn is_passed(&self) -> bool {
        self.indication.is_passed()
    }
}

/// An instant as RFC 3339 text (UTC), as every time in the report is written.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

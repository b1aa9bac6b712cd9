//! What verification found: per signature, the signer's certificate(s), the algorithms,
//! the nodes that were signed and the canonical bytes that were digested.

use tanba_crypto::{DigestAlgorithm, SignatureAlgorithm};

use crate::dom::Node;
use crate::{C14nMethod, DsigError, ReferenceUri, Transform};

/// What a reference resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedNode {
    /// The whole document (`URI=""` / `#xpointer(/)`).
    Document,
    /// The subtree rooted at this element (`#id` / `#xpointer(id('id'))`).
    Element(Node),
    /// Only the character data of this element, base64-decoded (a reference with the
    /// Base64 transform, accepted with [`crate::VerifyOptions::allow_base64_transform`]).
    /// The element itself, its attributes and its child elements are **not** signed; the
    /// decoded bytes are [`VerifiedReference::digested`].
    DecodedText(Node),
}

/// How a signature was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckMode {
    /// Standard XMLDSig processing on the document as it is.
    Standard,
    /// Kalkan/NCANode peeling: the listed later signatures (document-order indexes) were
    /// removed first — they were added after this one.
    Peeled {
        /// Indexes of the signatures removed before checking this one.
        removed: Vec<usize>,
    },
}

/// Where the key that verified `SignatureValue` came from.
///
/// Only [`KeySource::Certificate`] gives something whose trust can be decided (with
/// tanba-pki). A bare key from `KeyValue`/`DEREncodedKeyValue` proves only that the holder
/// of *that* key signed: the caller must compare it with a key it already trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// [`crate::VerifyOptions::public_key`], supplied by the caller.
    Supplied,
    /// The `X509Certificate` at this index of [`Verified::certificates`].
    Certificate(usize),
    /// A `ds:KeyValue` (`RSAKeyValue` or `dsig11:ECKeyValue`) in `KeyInfo`: no certificate.
    KeyValue {
        /// The key, rebuilt as a DER `SubjectPublicKeyInfo`.
        spki: Vec<u8>,
    },
    /// A `dsig11:DEREncodedKeyValue` in `KeyInfo`: no certificate.
    DerEncodedKeyValue {
        /// The DER `SubjectPublicKeyInfo` as found in the document.
        spki: Vec<u8>,
    },
}

impl KeySource {
    /// True for a key taken from the document without a certificate (`KeyValue`,
    /// `DEREncodedKeyValue`): certificate trust cannot be decided for it.
    pub fn is_bare_key(&self) -> bool {
        matches!(
            self,
            KeySource::KeyValue { .. } | KeySource::DerEncodedKeyValue { .. }
        )
    }

    /// The DER `SubjectPublicKeyInfo` of a bare key from the document.
    pub fn bare_key_spki(&self) -> Option<&[u8]> {
        match self {
            KeySource::KeyValue { spki } | KeySource::DerEncodedKeyValue { spki } => Some(spki),
            KeySource::Supplied | KeySource::Certificate(_) => None,
        }
    }
}

/// One verified `ds:Reference`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReference {
    /// The URI, parsed.
    pub uri: ReferenceUri,
    /// The transforms, in order.
    pub transforms: Vec<Transform>,
    /// The digest algorithm.
    pub digest_algorithm: DigestAlgorithm,
    /// The digest value (equal to the recomputed one).
    pub digest_value: Vec<u8>,
    /// The node the URI resolved to.
    pub signed_node: SignedNode,
    /// Elements cut out of the signed node set (the enveloping signature; for a peeled
    /// check, the later signatures).
    pub excluded: Vec<Node>,
    /// The element lies inside this signature's own `ds:Object`/`ds:KeyInfo` (an enveloping
    /// signature): reported, since such content is not part of the document proper.
    pub inside_own_signature: bool,
    /// The exact bytes that were digested (kept unless disabled in [`crate::VerifyOptions`]).
    pub digested: Option<Vec<u8>>,
}

/// One valid `ds:Signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Position among the document's `ds:Signature` elements (document order, from 0).
    pub index: usize,
    /// Position in signing order (from 0 = first signer).
    pub signing_order: usize,
    /// The `ds:Signature` element.
    pub signature_element: Node,
    /// `SignatureMethod`.
    pub signature_algorithm: SignatureAlgorithm,
    /// `CanonicalizationMethod` of `SignedInfo`.
    pub canonicalization: C14nMethod,
    /// Every `X509Certificate` in `KeyInfo`, DER, in document order.
    pub certificates: Vec<Vec<u8>>,
    /// Index into `certificates` of the one whose key verified `SignatureValue`
    /// (`None` when the key was supplied by the caller or was a bare key from `KeyInfo` —
    /// see [`Verified::key_source`]).
    pub signer_certificate: Option<usize>,
    /// Where the verifying key came from: supplied, a certificate, or a bare key
    /// (`KeyValue`/`DEREncodedKeyValue`, no certificate: trust cannot be decided).
    pub key_source: KeySource,
    /// The references, in `SignedInfo` order.
    pub references: Vec<VerifiedReference>,
    /// How it was checked.
    pub mode: CheckMode,
    /// The canonical `SignedInfo` bytes that were signed.
    pub signed_info: Vec<u8>,
    /// The decoded `SignatureValue` (XMLDSig encoding: raw `r‖s` for ECDSA, the NCA RK
    /// little-endian layout for GOST).
    pub signature_value: Vec<u8>,
}

impl Verified {
    /// The DER certificate whose key verified the signature, if it came from `KeyInfo`.
    pub fn signer_certificate_der(&self) -> Option<&[u8]> {
        self.signer_certificate
            .and_then(|i| self.certificates.get(i))
            .map(Vec::as_slice)
    }
}

/// The outcome for one `ds:Signature` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureOutcome {
    /// Position among the document's `ds:Signature` elements (document order, from 0).
    pub index: usize,
    /// The `ds:Signature` element.
    pub element: Node,
    /// Valid (with the details) or why not.
    pub result: Result<Verified, DsigError>,
}

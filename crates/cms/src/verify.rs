//! Checking every SignerInfo of a [`SignedData`]: the messageDigest against the content
//! (or a digest the caller gives), the signature over the signed attributes as received,
//! the signer certificate found by `sid` and compared with ESSCertID(v2), the signing
//! time as claimed. The result is facts ([`SignerFacts`]); judging the signer's
//! certificate (trust, time, revocation) is the verification core's job.

use serde::Serialize;
use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm, SignatureAlgorithm, SignatureEncoding};
use tanba_pki::chain_cert::CertFields;
use tanba_pki::der::{self, tag, Reader};
use tanba_pki::ChainCert;
use time::OffsetDateTime;

use crate::error::CmsError;
use crate::oid;
use crate::read::{SignedData, SignerId, SignerInfo};

/// The signed content, for a check.
#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    /// The content inside the CMS (refused for a detached CMS: [`CmsError::ContentMissing`]).
    Attached,
    /// Detached content given by the caller (for an attached CMS: must be the same bytes).
    Detached(&'a [u8]),
    /// Only the content's digest (hash-only signing, NCALayer's
    /// `createCAdESFromBase64Hash`): a signer that used another digest algorithm is not
    /// checkable.
    Digest {
        /// The digest algorithm.
        algorithm: DigestAlgorithm,
        /// The digest.
        value: &'a [u8],
    },
}

/// The outcome of one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactOutcome {
    /// It holds.
    Passed,
    /// It does not hold.
    Failed,
    /// It could not be checked (a missing certificate, a digest of another algorithm).
    NotCheckable,
}

/// One checked fact with what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// `message_digest`, `signature`, `signing_certificate`, `content_type`.
    pub name: &'static str,
    /// Passed, failed, not checkable.
    pub outcome: FactOutcome,
    /// What was found, in words.
    pub detail: String,
}

/// What one SignerInfo shows.
#[must_use = "a signer's facts must be judged"]
#[derive(Debug, Clone, Serialize)]
pub struct SignerFacts {
    /// Position in the SignerInfos as received.
    pub index: usize,
    /// The signer's certificate (DER), found by `sid` in the bag or among the
    /// certificates the caller gave.
    #[serde(skip)]
    pub certificate: Option<Vec<u8>>,
    /// The signature algorithm (stable name in JSON).
    #[serde(serialize_with = "ser_alg")]
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// The digest algorithm.
    #[serde(serialize_with = "ser_digest")]
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// The signingTime attribute: what the signer claims, proving nothing by itself.
    #[serde(serialize_with = "ser_time")]
    pub claimed_signing_time: Option<OffsetDateTime>,
    /// Whether a signingCertificate(V2) attribute binds the certificate (CAdES-BES).
    pub signing_certificate_attribute: bool,
    /// Whether an unsigned signatureTimeStampToken attribute is present (CAdES-T; the
    /// token is checked by the time-stamp verification, not here).
    pub has_signature_time_stamp: bool,
    /// Every fact, in order.
    pub facts: Vec<Fact>,
}

impl SignerFacts {
    /// Whether every fact passed (the signature is the signer's over this content).
    pub fn is_verified(&self) -> bool {
        !self.facts.is_empty() && self.facts.iter().all(|f| f.outcome == FactOutcome::Passed)
    }
}

/// What a CMS shows: the content and every signer's facts.
#[must_use = "the facts of every signer must be judged"]
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// `eContentType`.
    pub content_type: String,
    /// Whether the content was detached.
    pub detached: bool,
    /// Every SignerInfo's facts, in the order received.
    pub signers: Vec<SignerFacts>,
}

impl Verified {
    /// Whether there is at least one signer and every signer's facts passed.
    pub fn all_verified(&self) -> bool {
        !self.signers.is_empty() && self.signers.iter().all(SignerFacts::is_verified)
    }
}

fn ser_alg<S: serde::Serializer>(a: &Option<SignatureAlgorithm>, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Some(a) => s.serialize_str(a.name()),
        None => s.serialize_none(),
    }
}

fn ser_digest<S: serde::Serializer>(a: &Option<DigestAlgorithm>, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Some(a) => s.serialize_str(a.oid()),
        None => s.serialize_none(),
    }
}

fn ser_time<S: serde::Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(
            &t.format(&time::format_description::well_known::Rfc3339)
                .map_err(serde::ser::Error::custom)?,
        ),
        None => s.serialize_none(),
    }
}

/// Check every SignerInfo of `cms` over `content`. `extra_certificates` (DER) are used
/// to find a signer certificate the bag lacks (Kalkan's C library may omit it).
/// Algorithms are accepted by `policy` (SHA-1 only with the legacy switch).
///
/// Errors only for what makes every check impossible: no signer, or a detached CMS
/// without content. Everything else is a fact.
pub fn verify(
    cms: &SignedData,
    content: Content<'_>,
    extra_certificates: &[Vec<u8>],
    policy: &AlgorithmPolicy,
) -> Result<Verified, CmsError> {
    if cms.signers.is_empty() {
        return Err(CmsError::NoSigner);
    }
    if cms.is_detached() && matches!(content, Content::Attached) {
        return Err(CmsError::ContentMissing);
    }
    let bag: Vec<&[u8]> = cms
        .certificates
        .iter()
        .chain(extra_certificates)
        .map(Vec::as_slice)
        .collect();
    let signers = cms
        .signers
        .iter()
        .enumerate()
        .map(|(i, si)| signer(cms, i, si, content, &bag, policy))
        .collect();
    Ok(Verified {
        content_type: cms.content_type.clone(),
        detached: cms.is_detached(),
        signers,
    })
}

fn fact(name: &'static str, outcome: FactOutcome, detail: String) -> Fact {
    Fact {
        name,
        outcome,
        detail,
    }
}

/// The certificate `sid` names (DER) with its lean fields: by issuer and serial with a
/// lean read, by subject key identifier with the full certificate model.
fn find<'b>(sid: &SignerId, bag: &[&'b [u8]]) -> Option<(&'b [u8], CertFields<'b>)> {
    bag.iter().copied().find_map(|d| {
        let f = CertFields::read(d).ok()?;
        let hit = match sid {
            SignerId::IssuerSerial { issuer, serial } => {
                f.issuer == issuer.as_slice() && f.serial == serial.as_slice()
            }
            SignerId::SubjectKeyId(ski) => {
                ChainCert::from_der(d).is_ok_and(|c| c.subject_key_id() == Some(ski.as_slice()))
            }
        };
        hit.then_some((d, f))
    })
}

/// The signature algorithm of a SignerInfo: its signatureAlgorithm, or — for the bare
/// rsaEncryption some producers write — RSA PKCS#1 v1.5 with its digest algorithm.
fn signature_algorithm(
    si: &SignerInfo,
    digest: Option<DigestAlgorithm>,
) -> Option<SignatureAlgorithm> {
    if si.signature_oid == oid::RSA_ENCRYPTION {
        return match digest? {
            DigestAlgorithm::Sha1 => Some(SignatureAlgorithm::RsaPkcs1Sha1),
            DigestAlgorithm::Sha256 => Some(SignatureAlgorithm::RsaPkcs1Sha256),
            DigestAlgorithm::Sha384 => Some(SignatureAlgorithm::RsaPkcs1Sha384),
            DigestAlgorithm::Sha512 => Some(SignatureAlgorithm::RsaPkcs1Sha512),
            _ => None,
        };
    }
    SignatureAlgorithm::from_oid(&si.signature_oid).ok()
}

fn signer(
    cms: &SignedData,
    index: usize,
    si: &SignerInfo,
    content: Content<'_>,
    bag: &[&[u8]],
    policy: &AlgorithmPolicy,
) -> SignerFacts {
    let digest = DigestAlgorithm::from_oid(&si.digest_oid).ok();
    let alg = signature_algorithm(si, digest);
    let found = find(&si.sid, bag);
    let cert = found.map(|(d, _)| d);
    let mut facts = Vec::new();
    let mut claimed_signing_time = None;

    // the content's digest, by this signer's algorithm
    let computed: Result<Vec<u8>, (FactOutcome, String)> = match digest {
        None => Err((
            FactOutcome::Failed,
            format!("unsupported digest algorithm {}", si.digest_oid),
        )),
        Some(d) => match policy.check_digest(d) {
            Err(e) => Err((FactOutcome::Failed, e.to_string())),
            Ok(()) => match (content, cms.content()) {
                (Content::Attached, Some(c)) => Ok(d.digest(c)),
                (Content::Detached(given), Some(inside)) if given != inside => Err((
                    FactOutcome::Failed,
                    "the content given is not the content inside the CMS".into(),
                )),
                (Content::Detached(given), _) => Ok(d.digest(given)),
                (Content::Digest { algorithm, value }, _) if algorithm == d => Ok(value.to_vec()),
                (Content::Digest { algorithm, .. }, _) => Err((
                    FactOutcome::NotCheckable,
                    format!(
                        "the digest given is {}, this signer used {}",
                        algorithm.oid(),
                        d.oid()
                    ),
                )),
                (Content::Attached, None) => Err((
                    FactOutcome::NotCheckable,
                    "detached CMS without content".into(),
                )),
            },
        },
    };

    // what the signature covers
    let signed_message: Option<Vec<u8>> = if si.signed_attrs_der.is_some() {
        // contentType must be there and equal eContentType (RFC 5652 §5.3)
        match si.signed(oid::CONTENT_TYPE).as_slice() {
            [one] => {
                let ok = der::single(one, tag::OID, "contentType")
                    .ok()
                    .and_then(|t| der::oid_to_string(t.value, 0).ok())
                    .is_some_and(|o| o == cms.content_type);
                facts.push(fact(
                    "content_type",
                    if ok {
                        FactOutcome::Passed
                    } else {
                        FactOutcome::Failed
                    },
                    if ok {
                        format!("contentType {} as encapsulated", cms.content_type)
                    } else {
                        format!("contentType differs from eContentType {}", cms.content_type)
                    },
                ));
            }
            _ => facts.push(fact(
                "content_type",
                FactOutcome::Failed,
                "signed attributes without exactly one contentType".into(),
            )),
        }
        match si.signed(oid::MESSAGE_DIGEST).as_slice() {
            [one] => {
                let claimed = der::single(one, tag::OCTET_STRING, "messageDigest")
                    .map(|t| t.value.to_vec())
                    .ok();
                facts.push(match (&computed, claimed) {
                    (Ok(c), Some(m)) if *c == m => fact(
                        "message_digest",
                        FactOutcome::Passed,
                        "messageDigest matches the content".into(),
                    ),
                    (Ok(c), Some(m)) => fact(
                        "message_digest",
                        FactOutcome::Failed,
                        format!(
                            "messageDigest {} does not match the content's digest {}: the content was altered",
                            hex::encode(m),
                            hex::encode(c)
                        ),
                    ),
                    (Ok(_), None) => fact(
                        "message_digest",
                        FactOutcome::Failed,
                        "messageDigest is not an OCTET STRING".into(),
                    ),
                    (Err((o, why)), _) => fact("message_digest", *o, why.clone()),
                });
            }
            _ => facts.push(fact(
                "message_digest",
                FactOutcome::Failed,
                "signed attributes without exactly one messageDigest".into(),
            )),
        }
        if let [one] = si.signed(oid::SIGNING_TIME).as_slice() {
            claimed_signing_time = Reader::new(one)
                .any()
                .ok()
                .and_then(|t| der::x509_time(&t).ok());
        }
        si.signed_attrs_for_signature()
    } else {
        // no signed attributes: the signature is over the content itself (id-data only)
        match (content, cms.content()) {
            (Content::Attached, Some(c)) => Some(c.to_vec()),
            (Content::Detached(c), _) => Some(c.to_vec()),
            _ => {
                facts.push(fact(
                    "signature",
                    FactOutcome::NotCheckable,
                    "no signed attributes: the signature covers the content itself, which was not given".into(),
                ));
                None
            }
        }
    };

    // the signing certificate attributes bind the certificate
    let scv2 = si.signed(oid::SIGNING_CERTIFICATE_V2);
    let scv1 = si.signed(oid::SIGNING_CERTIFICATE);
    let signing_certificate_attribute = !scv2.is_empty() || !scv1.is_empty();
    if let Some(c) = cert {
        if let Some(f) = ess_binding(&scv2, &scv1, c) {
            facts.push(f);
        }
    }

    match (cert, alg, signed_message) {
        (None, _, _) => facts.push(fact(
            "signature",
            FactOutcome::NotCheckable,
            "the signer's certificate is not in the CMS (nor given): the signature cannot be checked".into(),
        )),
        (_, None, _) => facts.push(fact(
            "signature",
            FactOutcome::Failed,
            format!("unsupported signature algorithm {}", si.signature_oid),
        )),
        (Some(_), Some(a), Some(msg)) => {
            let spki = found.map(|(_, f)| f.spki).unwrap_or_default();
            let r = tanba_crypto::verify_signature(
                a,
                spki,
                &msg,
                &si.signature,
                SignatureEncoding::X509,
                policy,
            );
            facts.push(match r {
                Ok(()) => fact(
                    "signature",
                    FactOutcome::Passed,
                    format!("{} signature verifies with the signer certificate's key", a.name()),
                ),
                Err(e) => fact(
                    "signature",
                    FactOutcome::Failed,
                    format!("the signature does not verify with the signer certificate's key: {e}"),
                ),
            });
        }
        (Some(_), Some(_), None) => {}
    }

    SignerFacts {
        index,
        certificate: cert.map(<[u8]>::to_vec),
        signature_algorithm: alg,
        digest_algorithm: digest,
        claimed_signing_time,
        signing_certificate_attribute,
        has_signature_time_stamp: si
            .unsigned_attrs
            .iter()
            .any(|a| a.oid == oid::SIGNATURE_TIME_STAMP),
        facts,
    }
}

/// `SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256,
/// certHash, issuerSerial OPTIONAL } }` (or v1 with SHA-1 ESSCertIDs): the first
/// ESSCertID must be the signer certificate's hash (RFC 5035 §5.4).
fn ess_binding(v2: &[&[u8]], v1: &[&[u8]], cert_der: &[u8]) -> Option<Fact> {
    let (value, v2_form) = match (v2, v1) {
        ([one], _) => (*one, true),
        ([], [one]) => (*one, false),
        ([], []) => return None,
        _ => {
            return Some(fact(
                "signing_certificate",
                FactOutcome::Failed,
                "more than one signingCertificate value".into(),
            ))
        }
    };
    let first = (|| {
        let outer = der::single(value, tag::SEQUENCE, "SigningCertificate").ok()?;
        let mut r = Reader::inside(&outer);
        let certs = r.expect(tag::SEQUENCE, "certs").ok()?;
        let mut cr = Reader::inside(&certs);
        let id = cr.expect(tag::SEQUENCE, "ESSCertID").ok()?;
        let mut ir = Reader::inside(&id);
        let mut hash = DigestAlgorithm::Sha1;
        if v2_form {
            hash = DigestAlgorithm::Sha256;
            if ir.peek_tag() == Some(tag::SEQUENCE) {
                let a = ir.expect(tag::SEQUENCE, "hashAlgorithm").ok()?;
                let mut ar = Reader::inside(&a);
                let o = ar.expect(tag::OID, "algorithm").ok()?;
                hash =
                    DigestAlgorithm::from_oid(&der::oid_to_string(o.value, o.offset).ok()?).ok()?;
            }
        }
        let h = ir.expect(tag::OCTET_STRING, "certHash").ok()?;
        Some((hash, h.value.to_vec()))
    })();
    Some(match first {
        None => fact(
            "signing_certificate",
            FactOutcome::Failed,
            "the signingCertificate attribute is malformed".into(),
        ),
        Some((hash, h)) if hash.digest(cert_der) == h => fact(
            "signing_certificate",
            FactOutcome::Passed,
            format!(
                "{} binds the signer certificate ({} {})",
                if v2_form {
                    "signingCertificateV2"
                } else {
                    "signingCertificate"
                },
                hash.oid(),
                hex::encode(&h)
            ),
        ),
        Some((hash, h)) => fact(
            "signing_certificate",
            FactOutcome::Failed,
            format!(
                "the {} names another certificate ({} {}): a swapped certificate",
                if v2_form {
                    "signingCertificateV2"
                } else {
                    "signingCertificate"
                },
                hash.oid(),
                hex::encode(&h)
            ),
        ),
    })
}

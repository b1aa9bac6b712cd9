//! OCSP (RFC 6960): building requests the way NCA RK's responder and Kalkan expect them
//! (SHA-256 CertID, 8-byte nonce — KZ-PKI.md §3.3), parsing responses, and verifying them.
//!
//! Verification ([`OcspResponse::check`]) accepts a response signed by the issuing CA
//! itself or by a delegated responder certificate that the CA issued with
//! `id-kp-OCSPSigning` (RFC 6960 §4.2.2.2); checks the nonce echo when one was sent and
//! the `thisUpdate`/`nextUpdate` window; and reads the RFC 6960 §2.2 "non-issued" encoding
//! (revoked at 1970-01-01 with certificateHold, plus the extended-revoke extension) as
//! **unknown**, never as revoked or good.

use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm, PublicKeyInfo};
use time::OffsetDateTime;

use crate::chain_cert::{ChainCert, OID_KP_OCSP_SIGNING};
use crate::crl::RevocationReason;
use crate::der::{self, tag, Reader, Tlv};

const OID_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const OID_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
const OID_EXTENDED_REVOKE: &str = "1.3.6.1.5.5.7.48.1.9";

/// Why an OCSP request could not be built or a response not be used.
#[derive(Debug, thiserror::Error)]
pub enum OcspError {
    /// The response is not DER an `OCSPResponse`.
    #[error("malformed OCSP response: {0}")]
    Malformed(String),
    /// `responseStatus` is not `successful`.
    #[error("OCSP responder answered {0:?}")]
    Unsuccessful(ResponseStatus),
    /// A response type other than id-pkix-ocsp-basic.
    #[error("unsupported OCSP response type {0}")]
    UnsupportedResponseType(String),
    /// No certificate could be found that signed the response.
    #[error("OCSP response signer not found or not authorised: {0}")]
    SignerNotAuthorised(String),
    /// The response signature does not verify.
    #[error("OCSP response signature does not verify: {0}")]
    BadSignature(String),
    /// A nonce was sent and the response echoes a different one.
    #[error("OCSP nonce mismatch (sent {sent}, got {got})")]
    NonceMismatch {
        /// Hex of the nonce sent.
        sent: String,
        /// Hex of the nonce in the response.
        got: String,
    },
    /// A nonce was sent and the response has none.
    #[error("OCSP response does not echo the nonce that was sent")]
    NonceMissing,
    /// The response holds no SingleResponse for the certificate in question.
    #[error("OCSP response has no answer for serial {0}")]
    NoMatchingResponse(String),
    /// The answer is outside its validity window at the instant in question.
    #[error("OCSP response is not fresh: {0}")]
    Stale(String),
    /// The issuer's public key could not be decoded to compute the CertID.
    #[error("issuer key: {0}")]
    IssuerKey(String),
}

/// `OCSPResponseStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseStatus {
    /// successful (0).
    Successful,
    /// malformedRequest (1).
    MalformedRequest,
    /// internalError (2).
    InternalError,
    /// tryLater (3).
    TryLater,
    /// sigRequired (5).
    SigRequired,
    /// unauthorized (6).
    Unauthorized,
    /// Any other value.
    Other(u8),
}

impl ResponseStatus {
    fn from_code(c: u8) -> Self {
        match c {
            0 => Self::Successful,
            1 => Self::MalformedRequest,
            2 => Self::InternalError,
            3 => Self::TryLater,
            5 => Self::SigRequired,
            6 => Self::Unauthorized,
            o => Self::Other(o),
        }
    }
}

/// An OCSP `CertID`: which certificate a request or answer is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    /// Hash algorithm of the two issuer hashes.
    pub hash: DigestAlgorithm,
    /// Hash of the issuer's subject name (DER).
    pub issuer_name_hash: Vec<u8>,
    /// Hash of the issuer's public key bits.
    pub issuer_key_hash: Vec<u8>,
    /// Serial number (big-endian, no leading zeros).
    pub serial: Vec<u8>,
}

impl CertId {
    /// The CertID of the certificate with `serial` issued by `issuer`, hashed with `hash`.
    pub fn new(
        hash: DigestAlgorithm,
        issuer: &ChainCert,
        serial: &[u8],
    ) -> Result<Self, OcspError> {
        let key = PublicKeyInfo::from_der(issuer.spki_der())
            .map_err(|e| OcspError::IssuerKey(e.to_string()))?;
        Ok(CertId {
            hash,
            issuer_name_hash: hash.digest(issuer.subject_der()),
            issuer_key_hash: hash.digest(&key.key_bits),
            serial: der::trim_integer(serial).to_vec(),
        })
    }

    /// DER encoding.
    pub fn to_der(&self) -> Vec<u8> {
        let alg = der::seq(&[
            &der::write(tag::OID, &der::oid_from_str(self.hash.oid())),
            &der::write(tag::NULL, &[]),
        ]);
        der::seq(&[
            &alg,
            &der::write(tag::OCTET_STRING, &self.issuer_name_hash),
            &der::write(tag::OCTET_STRING, &self.issuer_key_hash),
            &der::integer(&self.serial),
        ])
    }

    fn parse(tlv: &Tlv<'_>) -> Result<Self, der::DerError> {
        let mut r = Reader::inside(tlv);
        let alg = r.expect(tag::SEQUENCE, "CertID.hashAlgorithm")?;
        let mut ar = Reader::inside(&alg);
        let oid = ar.expect(tag::OID, "hash algorithm OID")?;
        let oid_s = der::oid_to_string(oid.value, oid.offset)?;
        let hash = DigestAlgorithm::from_oid(&oid_s).map_err(|_| der::DerError {
            what: format!("unknown CertID hash algorithm {oid_s}"),
            offset: oid.offset,
        })?;
        let name = r.expect(tag::OCTET_STRING, "issuerNameHash")?;
        let key = r.expect(tag::OCTET_STRING, "issuerKeyHash")?;
        let serial = r.expect(tag::INTEGER, "serialNumber")?;
        Ok(CertId {
            hash,
            issuer_name_hash: name.value.to_vec(),
            issuer_key_hash: key.value.to_vec(),
            serial: der::trim_integer(serial.value).to_vec(),
        })
    }
}

/// An unsigned OCSP request for one certificate, optionally with a nonce.
#[derive(Debug, Clone)]
pub struct OcspRequest {
    cert_id: CertId,
    nonce: Option<Vec<u8>>,
    der: Vec<u8>,
}

impl OcspRequest {
    /// A request for `cert_id` with the given nonce (NCA convention: 8 random bytes;
    /// see [`OcspRequest::random_nonce`]). `None` sends no nonce extension.
    pub fn new(cert_id: CertId, nonce: Option<Vec<u8>>) -> Self {
        let request = der::seq(&[&cert_id.to_der()]);
        let request_list = der::seq(&[&request]);
        let mut tbs_parts = vec![request_list];
        if let Some(n) = &nonce {
            // extnValue = OCTET STRING { OCTET STRING nonce }
            let inner = der::write(tag::OCTET_STRING, n);
            let ext = der::seq(&[
                &der::write(tag::OID, &der::oid_from_str(OID_NONCE)),
                &der::write(tag::OCTET_STRING, &inner),
            ]);
            let exts = der::seq(&[&ext]);
            tbs_parts.push(der::write(0xa2, &exts));
        }
        let parts: Vec<&[u8]> = tbs_parts.iter().map(|v| v.as_slice()).collect();
        let tbs = der::seq(&parts);
        let der = der::seq(&[&tbs]);
        OcspRequest {
            cert_id,
            nonce,
            der,
        }
    }

    /// The NCA RK request form: SHA-256 CertID for the certificate `serial` issued by
    /// `issuer`, with a fresh 8-byte random nonce.
    pub fn nca(issuer: &ChainCert, serial: &[u8]) -> Result<Self, OcspError> {
        let id = CertId::new(DigestAlgorithm::Sha256, issuer, serial)?;
        Ok(Self::new(id, Some(Self::random_nonce().to_vec())))
    }

    /// 8 bytes from the operating system's random generator.
    pub fn random_nonce() -> [u8; 8] {
        let mut n = [0u8; 8];
        // SystemRandom only fails if the OS generator is unavailable; then the request
        // would be sent with a zero nonce, which the nonce check would still compare.
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut n);
        n
    }

    /// The DER encoding to POST (`Content-Type: application/ocsp-request`).
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    /// The CertID asked about.
    pub fn cert_id(&self) -> &CertId {
        &self.cert_id
    }

    /// The nonce sent, if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }
}

/// `CertStatus` of one SingleResponse, as encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawCertStatus {
    /// good.
    Good,
    /// revoked, with time and optional reason.
    Revoked {
        /// revocationTime.
        time: OffsetDateTime,
        /// revocationReason, if present.
        reason: Option<RevocationReason>,
    },
    /// unknown.
    Unknown,
}

/// One SingleResponse.
#[derive(Debug, Clone)]
pub struct SingleResponse {
    /// Which certificate.
    pub cert_id: CertId,
    /// Status as encoded.
    pub status: RawCertStatus,
    /// thisUpdate.
    pub this_update: OffsetDateTime,
    /// nextUpdate, if present (NCA's responder omits it).
    pub next_update: Option<OffsetDateTime>,
}

/// Who signed the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponderId {
    /// byName: the signer's subject name (DER).
    ByName(Vec<u8>),
    /// byKey: SHA-1 of the signer's public key bits.
    ByKey(Vec<u8>),
}

/// A parsed OCSP response (not yet verified).
#[derive(Debug, Clone)]
pub struct OcspResponse {
    status: ResponseStatus,
    basic: Option<BasicResponse>,
}

#[derive(Debug, Clone)]
struct BasicResponse {
    tbs: Vec<u8>,
    sig_oid: String,
    signature: Vec<u8>,
    certs: Vec<Vec<u8>>,
    responder: ResponderId,
    produced_at: OffsetDateTime,
    responses: Vec<SingleResponse>,
    nonce: Option<Vec<u8>>,
    extended_revoke: bool,
}

/// The status decided from a verified OCSP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OcspStatus {
    /// good.
    Good,
    /// revoked at or before the instant in question.
    Revoked {
        /// revocationTime.
        revoked_at: OffsetDateTime,
        /// revocationReason (unspecified when absent).
        reason: RevocationReason,
    },
    /// revoked, but only after the instant in question.
    RevokedLater {
        /// revocationTime (after the instant).
        revoked_at: OffsetDateTime,
        /// revocationReason (unspecified when absent).
        reason: RevocationReason,
    },
    /// unknown: the responder does not know the certificate.
    Unknown {
        /// Why (e.g. "responder does not know the certificate").
        reason: String,
    },
    /// The responder says the certificate was never issued (the RFC 6960 §2.2 encoding:
    /// revoked at 1970-01-01T00:00:00Z, reason certificateHold). A negative answer under
    /// every policy: soft-fail does not accept it.
    NotIssued {
        /// What the response said.
        reason: String,
    },
}

/// Options for [`OcspResponse::check`].
#[derive(Debug, Clone)]
pub struct OcspCheck<'a> {
    /// The instant the status is wanted for.
    pub at: OffsetDateTime,
    /// The nonce sent with the request, if any: the response must echo it.
    pub nonce: Option<&'a [u8]>,
    /// When `nextUpdate` is absent: how long after `thisUpdate` the answer may be used.
    pub max_age: time::Duration,
    /// Algorithms accepted for signatures.
    pub algorithms: AlgorithmPolicy,
}

fn malformed(e: der::DerError) -> OcspError {
    OcspError::Malformed(e.to_string())
}

fn reason_from(tlv: &Tlv<'_>) -> Result<RevocationReason, der::DerError> {
    // [0] EXPLICIT CRLReason (ENUMERATED)
    let mut r = Reader::inside(tlv);
    let e = r.expect(tag::ENUMERATED, "CRLReason")?;
    let code = match e.value {
        [c] => *c,
        _ => 255,
    };
    RevocationReason::from_code(code).ok_or(der::DerError {
        what: format!("invalid CRLReason {code}"),
        offset: e.offset,
    })
}

fn parse_extensions(
    tlv: &Tlv<'_>,
    mut f: impl FnMut(&str, bool, &[u8]),
) -> Result<(), der::DerError> {
    let mut outer = Reader::inside(tlv);
    let list = outer.expect(tag::SEQUENCE, "Extensions")?;
    let mut r = Reader::inside(&list);
    while !r.is_empty() {
        let ext = r.expect(tag::SEQUENCE, "Extension")?;
        let mut er = Reader::inside(&ext);
        let oid = er.expect(tag::OID, "extnID")?;
        let oid_s = der::oid_to_string(oid.value, oid.offset)?;
        let critical = match er.optional(tag::BOOLEAN)? {
            Some(b) => b.value == [0xff],
            None => false,
        };
        let val = er.expect(tag::OCTET_STRING, "extnValue")?;
        f(&oid_s, critical, val.value);
    }
    Ok(())
}

impl OcspResponse {
    /// Parse a DER `OCSPResponse`.
    pub fn from_der(data: &[u8]) -> Result<Self, OcspError> {
        let top = der::single(data, tag::SEQUENCE, "OCSPResponse").map_err(malformed)?;
        let mut r = Reader::inside(&top);
        let st = r
            .expect(tag::ENUMERATED, "responseStatus")
            .map_err(malformed)?;
        let status = match st.value {
            [c] => ResponseStatus::from_code(*c),
            _ => {
                return Err(OcspError::Malformed(
                    "responseStatus is not one byte".into(),
                ))
            }
        };
        let Some(rb) = r.optional(0xa0).map_err(malformed)? else {
            return Ok(OcspResponse {
                status,
                basic: None,
            });
        };
        r.finish("OCSPResponse").map_err(malformed)?;
        if status != ResponseStatus::Successful {
            // RFC 6960 4.2.1: error statuses carry no responseBytes.
            return Err(OcspError::Malformed(format!(
                "responseStatus {status:?} with responseBytes"
            )));
        }
        let mut rbr = Reader::inside(&rb);
        let rb_seq = rbr
            .expect(tag::SEQUENCE, "ResponseBytes")
            .map_err(malformed)?;
        let mut s = Reader::inside(&rb_seq);
        let rt = s.expect(tag::OID, "responseType").map_err(malformed)?;
        let rt_s = der::oid_to_string(rt.value, rt.offset).map_err(malformed)?;
        if rt_s != OID_BASIC {
            return Err(OcspError::UnsupportedResponseType(rt_s));
        }
        let resp = s.expect(tag::OCTET_STRING, "response").map_err(malformed)?;
        let basic = Self::parse_basic(resp.value).map_err(malformed)?;
        Ok(OcspResponse {
            status,
            basic: Some(basic),
        })
    }

    fn parse_basic(data: &[u8]) -> Result<BasicResponse, der::DerError> {
        let top = der::single(data, tag::SEQUENCE, "BasicOCSPResponse")?;
        let mut r = Reader::inside(&top);
        let tbs = r.expect(tag::SEQUENCE, "tbsResponseData")?;
        let alg = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
        let mut ar = Reader::inside(&alg);
        let alg_oid = ar.expect(tag::OID, "signature algorithm OID")?;
        let sig_oid = der::oid_to_string(alg_oid.value, alg_oid.offset)?;
        // The signature algorithm's parameters are not covered by the signature: accept
        // only the encodings the algorithms define (absent or NULL; a SEQUENCE for PSS).
        if !ar.is_empty() {
            let p = ar.any()?;
            let ok = (p.tag == tag::NULL && p.value.is_empty())
                || (p.tag == tag::SEQUENCE && sig_oid == "1.2.840.113549.1.1.10");
            if !ok || !ar.is_empty() {
                return Err(der::DerError {
                    what: format!("unexpected parameters for signature algorithm {sig_oid}"),
                    offset: p.offset,
                });
            }
        }
        let sig = r.expect(tag::BIT_STRING, "signature")?;
        let signature = match sig.value.split_first() {
            Some((0, rest)) => rest.to_vec(),
            _ => {
                return Err(der::DerError {
                    what: "signature BIT STRING has unused bits".into(),
                    offset: sig.offset,
                })
            }
        };
        let mut certs = Vec::new();
        if let Some(c) = r.optional(0xa0)? {
            let mut cr = Reader::inside(&c);
            let list = cr.expect(tag::SEQUENCE, "certs")?;
            let mut lr = Reader::inside(&list);
            while !lr.is_empty() {
                certs.push(lr.expect(tag::SEQUENCE, "Certificate")?.raw.to_vec());
            }
        }
        r.finish("BasicOCSPResponse")?;

        let mut t = Reader::inside(&tbs);
        if let Some(v) = t.optional(0xa0)? {
            let mut vr = Reader::inside(&v);
            let ver = vr.expect(tag::INTEGER, "version")?;
            if ver.value != [0] {
                return Err(der::DerError {
                    what: "unsupported ResponseData version".into(),
                    offset: ver.offset,
                });
            }
        }
        let rid = t.any()?;
        let responder = match rid.tag {
            0xa1 => {
                let mut rr = Reader::inside(&rid);
                ResponderId::ByName(rr.expect(tag::SEQUENCE, "responderID byName")?.raw.to_vec())
            }
            0xa2 => {
                let mut rr = Reader::inside(&rid);
                ResponderId::ByKey(
                    rr.expect(tag::OCTET_STRING, "responderID byKey")?
                        .value
                        .to_vec(),
                )
            }
            other => {
                return Err(der::DerError {
                    what: format!("bad responderID tag 0x{other:02x}"),
                    offset: rid.offset,
                })
            }
        };
        let produced_at = der::generalized_time(&t.expect(tag::GENERALIZED_TIME, "producedAt")?)?;
        let list = t.expect(tag::SEQUENCE, "responses")?;
        let mut responses = Vec::new();
        let mut lr = Reader::inside(&list);
        while !lr.is_empty() {
            let sr = lr.expect(tag::SEQUENCE, "SingleResponse")?;
            let mut s = Reader::inside(&sr);
            let cert_id = CertId::parse(&s.expect(tag::SEQUENCE, "CertID")?)?;
            let cs = s.any()?;
            let status = match cs.tag {
                0x80 => RawCertStatus::Good,
                0x82 => RawCertStatus::Unknown,
                0xa1 => {
                    let mut rr = Reader::inside(&cs);
                    let time = der::generalized_time(
                        &rr.expect(tag::GENERALIZED_TIME, "revocationTime")?,
                    )?;
                    let reason = match rr.optional(0xa0)? {
                        Some(x) => Some(reason_from(&x)?),
                        None => None,
                    };
                    RawCertStatus::Revoked { time, reason }
                }
                other => {
                    return Err(der::DerError {
                        what: format!("bad certStatus tag 0x{other:02x}"),
                        offset: cs.offset,
                    })
                }
            };
            let this_update =
                der::generalized_time(&s.expect(tag::GENERALIZED_TIME, "thisUpdate")?)?;
            let next_update = match s.optional(0xa0)? {
                Some(n) => {
                    let mut nr = Reader::inside(&n);
                    Some(der::generalized_time(
                        &nr.expect(tag::GENERALIZED_TIME, "nextUpdate")?,
                    )?)
                }
                None => None,
            };
            responses.push(SingleResponse {
                cert_id,
                status,
                this_update,
                next_update,
            });
        }
        let mut nonce = None;
        let mut extended_revoke = false;
        if let Some(ext) = t.optional(0xa1)? {
            parse_extensions(&ext, |oid, _crit, value| match oid {
                OID_NONCE => {
                    // RFC 8954: OCTET STRING wrapped; some responders send the raw value.
                    nonce = Some(match der::single(value, tag::OCTET_STRING, "nonce") {
                        Ok(inner) => inner.value.to_vec(),
                        Err(_) => value.to_vec(),
                    });
                }
                OID_EXTENDED_REVOKE => extended_revoke = true,
                _ => {}
            })?;
        }
        Ok(BasicResponse {
            tbs: tbs.raw.to_vec(),
            sig_oid,
            signature,
            certs,
            responder,
            produced_at,
            responses,
            nonce,
            extended_revoke,
        })
    }

    /// `responseStatus`.
    pub fn status(&self) -> ResponseStatus {
        self.status
    }

    /// producedAt (successful responses only).
    pub fn produced_at(&self) -> Option<OffsetDateTime> {
        self.basic.as_ref().map(|b| b.produced_at)
    }

    /// The SingleResponses, as encoded.
    pub fn responses(&self) -> &[SingleResponse] {
        self.basic.as_ref().map_or(&[], |b| &b.responses)
    }

    /// The nonce echoed by the responder.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.basic.as_ref().and_then(|b| b.nonce.as_deref())
    }

    /// Whether the response carries the extended-revoke extension (RFC 6960 §4.4.8).
    pub fn extended_revoke(&self) -> bool {
        self.basic.as_ref().is_some_and(|b| b.extended_revoke)
    }

    /// Certificates included in the response (DER).
    pub fn certificates(&self) -> &[Vec<u8>] {
        self.basic.as_ref().map_or(&[], |b| &b.certs)
    }

    /// Who the response says signed it.
    pub fn responder_id(&self) -> Option<&ResponderId> {
        self.basic.as_ref().map(|b| &b.responder)
    }

    /// Whether this response has an answer about `serial` issued by `issuer`.
    pub fn is_about(&self, issuer: &ChainCert, serial: &[u8]) -> bool {
        self.find(issuer, serial).is_some()
    }

    fn find(&self, issuer: &ChainCert, serial: &[u8]) -> Option<&SingleResponse> {
        let serial = der::trim_integer(serial);
        self.responses().iter().find(|s| {
            s.cert_id.serial == serial
                && CertId::new(s.cert_id.hash, issuer, serial).is_ok_and(|id| {
                    id.issuer_name_hash == s.cert_id.issuer_name_hash
                        && id.issuer_key_hash == s.cert_id.issuer_key_hash
                })
        })
    }

    /// Find and verify the certificate that signed this response: the issuer itself, or
    /// a delegated responder issued by it with id-kp-OCSPSigning, valid at producedAt.
    /// Returns the signer (`None` = the issuer itself).
    pub fn verify_signer(
        &self,
        issuer: &ChainCert,
        algorithms: &AlgorithmPolicy,
    ) -> Result<Option<ChainCert>, OcspError> {
        let basic = self
            .basic
            .as_ref()
            .ok_or(OcspError::Unsuccessful(self.status))?;
        let matches = |c: &ChainCert| match &basic.responder {
            ResponderId::ByName(n) => n.as_slice() == c.subject_der(),
            ResponderId::ByKey(k) => PublicKeyInfo::from_der(c.spki_der())
                .is_ok_and(|p| DigestAlgorithm::Sha1.digest(&p.key_bits) == *k),
        };
        let verify_with = |spki: &[u8]| {
            crate::chain_cert::verify_signed(
                &basic.sig_oid,
                spki,
                &basic.tbs,
                &basic.signature,
                algorithms,
            )
        };
        if matches(issuer) {
            verify_with(issuer.spki_der()).map_err(|e| OcspError::BadSignature(e.to_string()))?;
            return Ok(None);
        }
        let mut why = Vec::new();
        for der in &basic.certs {
            let Ok(c) = ChainCert::from_der(der) else {
                why.push("an included certificate does not parse".to_string());
                continue;
            };
            if !matches(&c) {
                continue;
            }
            if !c.names_issuer(issuer) {
                why.push(format!(
                    "responder '{}' was not issued by '{}'",
                    c.subject(),
                    issuer.subject()
                ));
                continue;
            }
            if let Err(e) = c.verify_signed_by(issuer.spki_der(), algorithms) {
                why.push(format!("responder certificate signature: {e}"));
                continue;
            }
            if !c.has_eku(OID_KP_OCSP_SIGNING) {
                why.push(format!(
                    "responder '{}' lacks id-kp-OCSPSigning",
                    c.subject()
                ));
                continue;
            }
            if !c.is_valid_at(basic.produced_at) {
                why.push(format!(
                    "responder certificate not valid at producedAt {}",
                    basic.produced_at
                ));
                continue;
            }
            verify_with(c.spki_der()).map_err(|e| OcspError::BadSignature(e.to_string()))?;
            return Ok(Some(c));
        }
        if why.is_empty() {
            why.push("no included certificate matches the responderID".into());
        }
        Err(OcspError::SignerNotAuthorised(why.join("; ")))
    }

    /// Verify the response and decide the status of `serial` issued by `issuer` at
    /// `opts.at`. Errors are reasons to distrust the response (callers treat them as
    /// "unknown"); an `Ok` status is backed by a verified signature.
    pub fn check(
        &self,
        issuer: &ChainCert,
        serial: &[u8],
        opts: &OcspCheck<'_>,
    ) -> Result<OcspStatus, OcspError> {
        self.check_signed(issuer, serial, opts).map(|(s, _)| s)
    }

    /// Like [`OcspResponse::check`], also returning the delegated responder certificate
    /// that signed the response (`None` when the issuing CA signed it itself), so the
    /// caller can check the responder's own revocation when it lacks ocsp-nocheck.
    pub fn check_signed(
        &self,
        issuer: &ChainCert,
        serial: &[u8],
        opts: &OcspCheck<'_>,
    ) -> Result<(OcspStatus, Option<ChainCert>), OcspError> {
        if self.status != ResponseStatus::Successful {
            return Err(OcspError::Unsuccessful(self.status));
        }
        let signer = self.verify_signer(issuer, &opts.algorithms)?;
        let basic = self
            .basic
            .as_ref()
            .ok_or(OcspError::Unsuccessful(self.status))?;
        if let Some(sent) = opts.nonce {
            match basic.nonce.as_deref() {
                None => return Err(OcspError::NonceMissing),
                Some(got) if got != sent => {
                    return Err(OcspError::NonceMismatch {
                        sent: hex::encode(sent),
                        got: hex::encode(got),
                    })
                }
                Some(_) => {}
            }
        }
        let single = self
            .find(issuer, serial)
            .ok_or_else(|| OcspError::NoMatchingResponse(hex::encode(serial)))?;
        // Freshness: an answer produced after `at` speaks about `at` as well; one produced
        // before must still be inside its window.
        if single.this_update < opts.at {
            match single.next_update {
                Some(n) if opts.at > n => {
                    return Err(OcspError::Stale(format!(
                        "nextUpdate {n} is before {}",
                        opts.at
                    )))
                }
                None if opts.at - single.this_update > opts.max_age => {
                    return Err(OcspError::Stale(format!(
                        "thisUpdate {} is older than the accepted {} before {}",
                        single.this_update, opts.max_age, opts.at
                    )))
                }
                _ => {}
            }
        }
        Ok((interpret(single, basic.extended_revoke, opts.at), signer))
    }
}

/// Map an (already verified) SingleResponse to a status at `at`.
///
/// The RFC 6960 §2.2 "non-issued certificate" encoding — revoked at 1970-01-01T00:00:00Z
/// with reason certificateHold (normally with the extended-revoke response extension) —
/// is read as [`OcspStatus::NotIssued`], never as good, unknown or on hold. A revocation dated
/// after `at` is [`OcspStatus::RevokedLater`].
pub fn interpret(single: &SingleResponse, extended_revoke: bool, at: OffsetDateTime) -> OcspStatus {
    match &single.status {
        RawCertStatus::Good => OcspStatus::Good,
        RawCertStatus::Unknown => OcspStatus::Unknown {
            reason: "the responder does not know the certificate".into(),
        },
        RawCertStatus::Revoked { time, reason } => {
            if time.unix_timestamp() == 0 && *reason == Some(RevocationReason::CertificateHold) {
                OcspStatus::NotIssued {
                    reason: format!(
                        "the responder says the certificate was not issued (RFC 6960 2.2 encoding: revoked 1970-01-01, certificateHold{})",
                        if extended_revoke { ", extended-revoke" } else { "" }
                    ),
                }
            } else if *time > at {
                OcspStatus::RevokedLater {
                    revoked_at: *time,
                    reason: reason.unwrap_or(RevocationReason::Unspecified),
                }
            } else {
                OcspStatus::Revoked {
                    revoked_at: *time,
                    reason: reason.unwrap_or(RevocationReason::Unspecified),
                }
            }
        }
    }
}

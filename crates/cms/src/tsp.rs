//! RFC 3161 time stamps as the NCA TSA answers them (KZ-CMS.md §7–§8): the request
//! (imprint, policy, nonce, certReq), the response, the token (a SignedData over a
//! TSTInfo) and its facts, and CAdES-T — a token over a SignerInfo's signature value in
//! its `signatureTimeStampToken` unsigned attribute.

use tanba_crypto::{AlgorithmPolicy, DigestAlgorithm};
use tanba_pki::der::{self, tag, Reader};
use time::OffsetDateTime;

use crate::error::CmsError;
use crate::oid;
use crate::read::{Limits, SignedData, SignerInfo};
use crate::sign::{assemble_raw, der_sorted};
use crate::verify::{verify, Content, Fact, FactOutcome, SignerFacts};

/// id-kp-timeStamping: the EKU a TSA certificate carries (RFC 3161 §2.3).
pub const TIME_STAMPING_EKU: &str = "1.3.6.1.5.5.7.3.8";

/// The NCA TSA policies (KZ-CMS.md §8.2): which key the TSA signs with.
pub mod policy {
    /// 6.1: GOST 34.310-2004.
    pub const GOST_2004: &str = "1.2.398.3.3.2.6.1";
    /// 6.2: RSA-SHA256.
    pub const RSA: &str = "1.2.398.3.3.2.6.2";
    /// 6.4: GOST 34.10-2015-512.
    pub const GOST_2015: &str = "1.2.398.3.3.2.6.4";
}

/// The policy the official clients ask for a signer of `alg` (KZ-CMS.md §8.2).
pub fn policy_for(alg: tanba_crypto::SignatureAlgorithm) -> &'static str {
    use tanba_crypto::SignatureAlgorithm as A;
    match alg {
        A::Gost2015_512 | A::Gost2015_256 => policy::GOST_2015,
        A::Gost2004 => policy::GOST_2004,
        _ => policy::RSA,
    }
}

/// A `TimeStampReq` (version 1, messageImprint, reqPolicy, nonce, certReq TRUE).
#[derive(Debug, Clone)]
pub struct TimeStampRequest {
    der: Vec<u8>,
    algorithm: DigestAlgorithm,
    imprint: Vec<u8>,
    nonce: Option<Vec<u8>>,
}

impl TimeStampRequest {
    /// A request over `imprint` (a digest by `algorithm`), for `policy` when given, with
    /// `nonce` when given (8 random bytes: [`TimeStampRequest::random_nonce`]).
    pub fn new(
        algorithm: DigestAlgorithm,
        imprint: Vec<u8>,
        policy: Option<&str>,
        nonce: Option<Vec<u8>>,
    ) -> Self {
        let ai = der::seq(&[
            &der::write(tag::OID, &der::oid_from_str(algorithm.oid())),
            &[tag::NULL, 0],
        ]);
        let mi = der::seq(&[&ai, &der::write(tag::OCTET_STRING, &imprint)]);
        let mut parts: Vec<Vec<u8>> = vec![der::integer(&[1]), mi];
        if let Some(p) = policy {
            parts.push(der::write(tag::OID, &der::oid_from_str(p)));
        }
        if let Some(n) = &nonce {
            parts.push(der::integer(n));
        }
        parts.push(vec![tag::BOOLEAN, 1, 0xff]); // certReq TRUE
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        TimeStampRequest {
            der: der::seq(&refs),
            algorithm,
            imprint,
            nonce: nonce.map(|n| der::trim_integer(&n).to_vec()),
        }
    }

    /// Eight random bytes for a nonce.
    pub fn random_nonce() -> Vec<u8> {
        tanba_pki::OcspRequest::random_nonce().to_vec()
    }

    /// The DER to POST (`application/timestamp-query`).
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    /// The nonce sent (leading zeros removed), if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }

    /// The imprint's algorithm and value.
    pub fn imprint(&self) -> (DigestAlgorithm, &[u8]) {
        (self.algorithm, &self.imprint)
    }
}

/// The `TSTInfo` of a token: what the TSA asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TstInfo {
    /// The TSA policy (dotted OID).
    pub policy: String,
    /// The imprint's digest algorithm (dotted OID).
    pub imprint_algorithm: String,
    /// The imprint.
    pub imprint: Vec<u8>,
    /// The token's serial number (big-endian).
    pub serial: Vec<u8>,
    /// `genTime`: when the TSA saw the imprint.
    pub gen_time: OffsetDateTime,
    /// The nonce echoed, if any (leading zeros removed).
    pub nonce: Option<Vec<u8>>,
}

fn structure(what: String) -> CmsError {
    CmsError::Structure(what)
}

/// Parse a DER `TSTInfo`.
pub fn parse_tst_info(der_bytes: &[u8]) -> Result<TstInfo, CmsError> {
    let top = der::single(der_bytes, tag::SEQUENCE, "TSTInfo")?;
    let mut r = Reader::inside(&top);
    let v = r.expect(tag::INTEGER, "TSTInfo.version")?;
    if v.value != [1] {
        return Err(structure(format!("TSTInfo version {:?} is not 1", v.value)));
    }
    let p = r.expect(tag::OID, "TSTInfo.policy")?;
    let policy = der::oid_to_string(p.value, p.offset)?;
    let mi = r.expect(tag::SEQUENCE, "messageImprint")?;
    let mut mr = Reader::inside(&mi);
    let ai = mr.expect(tag::SEQUENCE, "hashAlgorithm")?;
    let mut ar = Reader::inside(&ai);
    let ao = ar.expect(tag::OID, "hashAlgorithm.algorithm")?;
    let imprint_algorithm = der::oid_to_string(ao.value, ao.offset)?;
    let imprint = mr
        .expect(tag::OCTET_STRING, "hashedMessage")?
        .value
        .to_vec();
    mr.finish("messageImprint")?;
    let serial = der::trim_integer(r.expect(tag::INTEGER, "serialNumber")?.value).to_vec();
    let gt = r.expect(tag::GENERALIZED_TIME, "genTime")?;
    let gen_time = der::generalized_time(&gt)?;
    let mut nonce = None;
    while !r.is_empty() {
        let t = r.any()?;
        if t.tag == tag::INTEGER {
            nonce = Some(der::trim_integer(t.value).to_vec());
        }
        // accuracy (SEQUENCE), ordering (BOOLEAN), tsa [0], extensions [1]: not used
    }
    Ok(TstInfo {
        policy,
        imprint_algorithm,
        imprint,
        serial,
        gen_time,
        nonce,
    })
}

/// A time-stamp token: the SignedData and its TSTInfo.
#[derive(Debug, Clone)]
pub struct TimeStampToken {
    /// The token as a CMS.
    pub cms: SignedData,
    /// What it asserts.
    pub info: TstInfo,
}

impl TimeStampToken {
    /// Read a token (a `ContentInfo { signedData }` over an id-ct-TSTInfo).
    pub fn from_der(token: &[u8]) -> Result<Self, CmsError> {
        let cms = crate::read::read(token, &Limits::default())?;
        if cms.content_type != oid::TST_INFO {
            return Err(structure(format!(
                "not a time-stamp token: the content type is {}, not id-ct-TSTInfo",
                cms.content_type
            )));
        }
        let content = cms
            .content()
            .ok_or_else(|| structure("a time-stamp token without its TSTInfo".into()))?;
        let info = parse_tst_info(content)?;
        Ok(TimeStampToken { cms, info })
    }

    /// Read a `TimeStampResp`: the status must be granted (0) or granted with
    /// modifications (1), and the token present.
    pub fn from_response(response: &[u8]) -> Result<Self, CmsError> {
        let top = der::single(response, tag::SEQUENCE, "TimeStampResp")?;
        let mut r = Reader::inside(&top);
        let status = r.expect(tag::SEQUENCE, "PKIStatusInfo")?;
        let mut sr = Reader::inside(&status);
        let code = sr.expect(tag::INTEGER, "PKIStatus")?;
        match code.value {
            [0] | [1] => {}
            other => {
                return Err(structure(format!(
                    "the TSA refused the request (PKIStatus {})",
                    other.first().copied().unwrap_or(255)
                )))
            }
        }
        let token = r
            .any()
            .map_err(|_| structure("the TSA granted but sent no token".into()))?;
        Self::from_der(token.raw)
    }
}

/// What a time-stamp token shows, checked against what it should stamp.
#[must_use = "a token's facts must be judged"]
#[derive(Debug, Clone)]
pub struct TokenFacts {
    /// What the token asserts.
    pub info: TstInfo,
    /// The TSA's SignerInfo facts (its signature over the TSTInfo).
    pub signer: SignerFacts,
    /// The TSA certificate (DER), when found in the token.
    pub tsa_certificate: Option<Vec<u8>>,
    /// Imprint, nonce, EKU, signature — every fact, in order.
    pub facts: Vec<Fact>,
}

impl TokenFacts {
    /// Whether every fact passed (the TSA's certificate is still to be judged).
    pub fn is_verified(&self) -> bool {
        self.facts.iter().all(|f| f.outcome == FactOutcome::Passed)
    }
}

/// What a token should stamp.
#[derive(Debug, Clone, Copy)]
pub enum Stamped<'a> {
    /// These bytes (hashed with the token's own imprint algorithm).
    Data(&'a [u8]),
    /// This digest (what the request sent).
    Digest {
        /// Its algorithm.
        algorithm: DigestAlgorithm,
        /// The digest.
        value: &'a [u8],
    },
}

/// Check `token`: the TSA's signature over the TSTInfo, its certificate's timeStamping
/// EKU, the imprint against what it should stamp (an algorithm `algorithms` accepts), the
/// nonce when one was sent.
pub fn verify_token(
    token: &TimeStampToken,
    stamped: Stamped<'_>,
    nonce: Option<&[u8]>,
    algorithms: &AlgorithmPolicy,
) -> Result<TokenFacts, CmsError> {
    let v = verify(&token.cms, Content::Attached, &[], algorithms)?;
    let signer = v.signers.into_iter().next().ok_or(CmsError::NoSigner)?;
    let mut facts: Vec<Fact> = signer
        .facts
        .iter()
        .map(|f| Fact {
            name: match f.name {
                "signature" => "tsa_signature",
                "message_digest" => "tst_digest",
                other => other,
            },
            ..f.clone()
        })
        .collect();
    let fact = |name, ok: bool, detail: String| Fact {
        name,
        outcome: if ok {
            FactOutcome::Passed
        } else {
            FactOutcome::Failed
        },
        detail,
    };
    match DigestAlgorithm::from_oid(&token.info.imprint_algorithm) {
        Ok(alg) if algorithms.check_digest(alg).is_ok() => {
            let want = match stamped {
                Stamped::Data(data) => alg.digest(data),
                Stamped::Digest { algorithm, value } if algorithm == alg => value.to_vec(),
                Stamped::Digest { algorithm, .. } => {
                    return Err(structure(format!(
                        "the token's imprint is {}, the request's {}",
                        alg.oid(),
                        algorithm.oid()
                    )))
                }
            };
            facts.push(fact(
                "imprint",
                want == token.info.imprint,
                if want == token.info.imprint {
                    format!("the token stamps this data ({} {})", alg.oid(), hex::encode(&want))
                } else {
                    format!(
                        "the token stamps {} — not this data ({}): the time stamp is not bound to it",
                        hex::encode(&token.info.imprint),
                        hex::encode(&want)
                    )
                },
            ));
        }
        _ => facts.push(fact(
            "imprint",
            false,
            format!(
                "imprint algorithm {} is not accepted",
                token.info.imprint_algorithm
            ),
        )),
    }
    if let Some(sent) = nonce {
        let sent = der::trim_integer(sent);
        let ok = token.info.nonce.as_deref() == Some(sent);
        facts.push(fact(
            "nonce",
            ok,
            if ok {
                "the nonce sent is echoed".into()
            } else {
                "the nonce is not the one sent (a replayed or foreign response)".into()
            },
        ));
    }
    let tsa = signer
        .certificate
        .as_deref()
        .and_then(|d| tanba_pki::ChainCert::from_der(d).ok());
    facts.push(match &tsa {
        Some(c) if c.has_eku(TIME_STAMPING_EKU) => fact(
            "tsa_eku",
            true,
            format!("'{}' carries the timeStamping EKU", c.subject()),
        ),
        Some(c) => fact(
            "tsa_eku",
            false,
            format!("'{}' has no timeStamping EKU: not a TSA", c.subject()),
        ),
        None => Fact {
            name: "tsa_eku",
            outcome: FactOutcome::NotCheckable,
            detail: "the TSA certificate is not in the token".into(),
        },
    });
    Ok(TokenFacts {
        info: token.info.clone(),
        tsa_certificate: signer.certificate.clone(),
        signer,
        facts,
    })
}

/// What a signature time stamp covers: the contents of the SignerInfo's `signature`
/// OCTET STRING, as stored (KZ-CMS.md §7: for GOST the r ‖ s little-endian bytes).
pub fn signature_value(si: &SignerInfo) -> &[u8] {
    &si.signature
}

/// The signatureTimeStampToken of a SignerInfo, if it has exactly one.
pub fn signature_time_stamp(si: &SignerInfo) -> Option<Result<TimeStampToken, CmsError>> {
    let attr = si
        .unsigned_attrs
        .iter()
        .find(|a| a.oid == oid::SIGNATURE_TIME_STAMP)?;
    Some(match attr.values.as_slice() {
        [one] => TimeStampToken::from_der(one),
        _ => Err(structure(format!(
            "signatureTimeStampToken with {} values (exactly one allowed)",
            attr.values.len()
        ))),
    })
}

/// CAdES-T: put `token` (DER) in the `signatureTimeStampToken` unsigned attribute of
/// signer `index`. The signature and every other SignerInfo are untouched; only that
/// SignerInfo gains the attribute and the SignedData is rebuilt around it.
pub fn add_signature_time_stamp(
    cms: &SignedData,
    index: usize,
    token: &[u8],
) -> Result<Vec<u8>, CmsError> {
    let si = cms
        .signers
        .get(index)
        .ok_or_else(|| structure(format!("no signer #{index}")))?;
    if si
        .unsigned_attrs
        .iter()
        .any(|a| a.oid == oid::SIGNATURE_TIME_STAMP)
    {
        return Err(structure(format!(
            "signer #{index} already carries a signature time stamp"
        )));
    }
    // the SignerInfo's fields up to the signature, kept as they are
    let top = der::single(&si.der, tag::SEQUENCE, "SignerInfo")?;
    let mut r = Reader::inside(&top);
    let mut kept: Vec<u8> = Vec::with_capacity(si.der.len() + token.len() + 32);
    let mut unsigned: Vec<Vec<u8>> = Vec::new();
    while !r.is_empty() {
        let t = r.any()?;
        if t.tag == 0xa1 {
            let mut ur = Reader::inside(&t);
            while !ur.is_empty() {
                unsigned.push(ur.any()?.raw.to_vec());
            }
        } else {
            kept.extend_from_slice(t.raw);
        }
    }
    unsigned.push(der::seq(&[
        &der::write(tag::OID, &der::oid_from_str(oid::SIGNATURE_TIME_STAMP)),
        &der::write(tag::SET, token),
    ]));
    kept.extend_from_slice(&der::write(0xa1, &der_sorted(unsigned)));
    let new_si = der::write(tag::SEQUENCE, &kept);
    let infos: Vec<Vec<u8>> = cms
        .signers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == index {
                new_si.clone()
            } else {
                s.der.clone()
            }
        })
        .collect();
    Ok(assemble_raw(cms, infos))
}

/// Ask the TSA at `url` for a token over `request` (HTTP POST
/// `application/timestamp-query`, at most 1 MiB back, by `deadline`) and check the
/// answer: granted, the TSA's signature, the imprint and nonce of this request, the
/// timeStamping EKU. Trust in the TSA certificate is the caller's judgement.
pub fn stamp(
    fetcher: &tanba_pki::Fetcher,
    url: &str,
    request: &TimeStampRequest,
    deadline: std::time::Instant,
    algorithms: &AlgorithmPolicy,
) -> Result<(TimeStampToken, TokenFacts), CmsError> {
    let body = fetcher.post_before(
        url,
        "application/timestamp-query",
        "application/timestamp-reply",
        request.to_der(),
        1 << 20,
        deadline,
    )?;
    let token = TimeStampToken::from_response(&body)?;
    let (algorithm, value) = request.imprint();
    let facts = verify_token(
        &token,
        Stamped::Digest { algorithm, value },
        request.nonce(),
        algorithms,
    )?;
    if let Some(f) = facts
        .facts
        .iter()
        .find(|f| f.outcome != FactOutcome::Passed)
    {
        return Err(structure(format!(
            "the TSA's answer: {}: {}",
            f.name, f.detail
        )));
    }
    Ok((token, facts))
}

/// CAdES-T for signer `index` of `cms`: ask the TSA at `url` for a token over its
/// signature value — imprint by the signer's own digest algorithm, `policy` or the one
/// the official clients use for its key ([`policy_for`]), a fresh nonce — check the
/// answer ([`stamp`]) and return the CMS with the token in place
/// ([`add_signature_time_stamp`]).
pub fn time_stamp_signer(
    cms: &SignedData,
    index: usize,
    fetcher: &tanba_pki::Fetcher,
    url: &str,
    policy: Option<&str>,
    deadline: std::time::Instant,
    algorithms: &AlgorithmPolicy,
) -> Result<Vec<u8>, CmsError> {
    let si = cms
        .signers
        .get(index)
        .ok_or_else(|| structure(format!("no signer #{index}")))?;
    let digest = DigestAlgorithm::from_oid(&si.digest_oid)
        .map_err(|_| structure(format!("unsupported digest algorithm {}", si.digest_oid)))?;
    let default_policy = tanba_crypto::SignatureAlgorithm::from_oid(&si.signature_oid)
        .map(policy_for)
        .unwrap_or(policy::RSA);
    let request = TimeStampRequest::new(
        digest,
        digest.digest(signature_value(si)),
        Some(policy.unwrap_or(default_policy)),
        Some(TimeStampRequest::random_nonce()),
    );
    let (token, _) = stamp(fetcher, url, &request, deadline, algorithms)?;
    add_signature_time_stamp(cms, index, token.cms.der())
}

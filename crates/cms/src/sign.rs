//! Making a CMS `SignedData` exactly as Kalkan does (KZ-CMS.md §2–§3): DER throughout,
//! DER-sorted SETs, digest and signature algorithms with an explicit NULL, the signer
//! certificate only, and the signed attributes contentType, signingTime (UTCTime),
//! messageDigest and — unless asked not to — signingCertificateV2 (ESSCertIDv2 with
//! SHA-256, the 2026 rules' CAdES requirement).

use tanba_crypto::{DigestAlgorithm, SignatureEncoding, Signer};
use tanba_pki::der::{self, tag};
use time::OffsetDateTime;

use crate::error::CmsError;
use crate::oid;

/// How to sign.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Leave the content out of the CMS (a detached signature).
    pub detached: bool,
    /// Add signingCertificateV2 (default). Off gives the three attributes NCANode and
    /// Kalkan Java write, byte for byte in their layout.
    pub signing_certificate_v2: bool,
    /// The signingTime to write (`None`: now, whole seconds).
    pub signing_time: Option<OffsetDateTime>,
}

impl Default for SignOptions {
    /// Attached, with signingCertificateV2, signed now.
    fn default() -> Self {
        SignOptions {
            detached: false,
            signing_certificate_v2: true,
            signing_time: None,
        }
    }
}

/// What to sign.
#[derive(Debug, Clone, Copy)]
pub enum ToSign<'a> {
    /// The content itself.
    Content(&'a [u8]),
    /// Only its digest, computed by the caller with the signer's digest algorithm
    /// (hash-only detached signing, as NCALayer's `createCAdESFromBase64Hash`); the CMS
    /// is always detached.
    Digest(&'a [u8]),
}

/// An AlgorithmIdentifier `{ oid, NULL }` (or without parameters when `null` is false).
fn algorithm_identifier(dotted: &str, null: bool) -> Vec<u8> {
    let o = der::write(tag::OID, &der::oid_from_str(dotted));
    if null {
        der::seq(&[&o, &[tag::NULL, 0]])
    } else {
        der::seq(&[&o])
    }
}

fn attribute(dotted: &str, value: &[u8]) -> Vec<u8> {
    der::seq(&[
        &der::write(tag::OID, &der::oid_from_str(dotted)),
        &der::write(tag::SET, value),
    ])
}

/// DER SET OF order: encodings compared as octet strings (X.690 §11.6).
pub(crate) fn der_sorted(mut items: Vec<Vec<u8>>) -> Vec<u8> {
    items.sort();
    items.dedup();
    items.concat()
}

fn utc_time(t: OffsetDateTime) -> Result<Vec<u8>, CmsError> {
    let t = t.to_offset(time::UtcOffset::UTC);
    if !(1950..2050).contains(&t.year()) {
        return Err(CmsError::Structure(format!(
            "signingTime {t} cannot be written as UTCTime (1950–2049)"
        )));
    }
    let s = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        t.year() % 100,
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    Ok(der::write(tag::UTC_TIME, s.as_bytes()))
}

/// A new SignerInfo with what the SignedData around it needs.
pub(crate) struct NewSigner {
    /// The SignerInfo (DER).
    pub signer_info: Vec<u8>,
    /// Its digest AlgorithmIdentifier (for digestAlgorithms).
    pub digest_algorithm: Vec<u8>,
    /// The signer certificate (for the bag).
    pub certificate: Vec<u8>,
}

/// One SignerInfo over `digest` (the content's digest by the signer's algorithm).
pub(crate) fn signer_info(
    digest: &[u8],
    signer: &dyn Signer,
    opts: &SignOptions,
) -> Result<NewSigner, CmsError> {
    let alg = signer.algorithm();
    let digest_alg: DigestAlgorithm = alg.digest();
    let cert_der = signer
        .certificate_chain()
        .first()
        .ok_or(CmsError::NoCertificate)?
        .clone();
    let cert = tanba_pki::chain_cert::CertFields::read(&cert_der)?;
    let when = opts
        .signing_time
        .unwrap_or_else(OffsetDateTime::now_utc)
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    let mut attrs = vec![
        attribute(
            oid::CONTENT_TYPE,
            &der::write(tag::OID, &der::oid_from_str(oid::DATA)),
        ),
        attribute(oid::SIGNING_TIME, &utc_time(when)?),
        attribute(oid::MESSAGE_DIGEST, &der::write(tag::OCTET_STRING, digest)),
    ];
    if opts.signing_certificate_v2 {
        // SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } }: SHA-256 by default
        let hash = DigestAlgorithm::Sha256.digest(&cert_der);
        let id = der::seq(&[&der::write(tag::OCTET_STRING, &hash)]);
        attrs.push(attribute(
            oid::SIGNING_CERTIFICATE_V2,
            &der::seq(&[&der::seq(&[&id])]),
        ));
    }
    let set = der::write(tag::SET, &der_sorted(attrs));
    let signature = signer
        .sign(&set, SignatureEncoding::X509)
        .map_err(CmsError::Sign)?;
    let mut signed_attrs = set;
    signed_attrs[0] = 0xa0;
    let digest_ai = algorithm_identifier(digest_alg.oid(), true);
    let sig_oid = alg
        .oid()
        .ok_or_else(|| CmsError::Structure(format!("{} has no OID for CMS", alg.name())))?;
    let sid = der::seq(&[cert.issuer, &der::integer(cert.serial)]);
    let si = der::seq(&[
        &der::integer(&[1]),
        &sid,
        &digest_ai,
        &signed_attrs,
        &algorithm_identifier(sig_oid, alg.x509_params_null()),
        &der::write(tag::OCTET_STRING, &signature),
    ]);
    Ok(NewSigner {
        signer_info: si,
        digest_algorithm: digest_ai,
        certificate: cert_der,
    })
}

/// Rebuild `cms` around new SignerInfos (content, digest algorithms, certificates and
/// version kept).
pub(crate) fn assemble_raw(cms: &crate::read::SignedData, signer_infos: Vec<Vec<u8>>) -> Vec<u8> {
    assemble_versioned(
        cms.version,
        &cms.content_type,
        cms.content(),
        cms.digest_oids
            .iter()
            .map(|o| algorithm_identifier(o, true))
            .collect(),
        cms.certificates.clone(),
        signer_infos,
    )
}

/// Assemble `ContentInfo { signedData }` (version 1) from its parts.
pub(crate) fn assemble(
    content: Option<&[u8]>,
    digest_algorithms: Vec<Vec<u8>>,
    certificates: Vec<Vec<u8>>,
    signer_infos: Vec<Vec<u8>>,
) -> Vec<u8> {
    assemble_versioned(
        1,
        oid::DATA,
        content,
        digest_algorithms,
        certificates,
        signer_infos,
    )
}

fn assemble_versioned(
    version: u8,
    content_type: &str,
    content: Option<&[u8]>,
    digest_algorithms: Vec<Vec<u8>>,
    certificates: Vec<Vec<u8>>,
    signer_infos: Vec<Vec<u8>>,
) -> Vec<u8> {
    let data_oid = der::write(tag::OID, &der::oid_from_str(content_type));
    let eci = match content {
        Some(c) => der::seq(&[
            &data_oid,
            &der::write(0xa0, &der::write(tag::OCTET_STRING, c)),
        ]),
        None => der::seq(&[&data_oid]),
    };
    let bag = if certificates.is_empty() {
        Vec::new()
    } else {
        der::write(0xa0, &der_sorted(certificates))
    };
    let sd = der::seq(&[
        &der::integer(&[version]),
        &der::write(tag::SET, &der_sorted(digest_algorithms)),
        &eci,
        &bag,
        &der::write(tag::SET, &der_sorted(signer_infos)),
    ]);
    der::seq(&[
        &der::write(tag::OID, &der::oid_from_str(oid::SIGNED_DATA)),
        &der::write(0xa0, &sd),
    ])
}

/// Sign `what` with `signer` into a new CMS (DER).
pub fn sign(
    what: ToSign<'_>,
    signer: &dyn Signer,
    opts: &SignOptions,
) -> Result<Vec<u8>, CmsError> {
    let digest_alg = signer.algorithm().digest();
    let (digest, content) = match what {
        ToSign::Content(c) => (digest_alg.digest(c), (!opts.detached).then_some(c)),
        ToSign::Digest(d) => {
            if d.len() != digest_alg.output_len() {
                return Err(CmsError::Structure(format!(
                    "a {}-byte digest was given; the key signs with {} ({} bytes)",
                    d.len(),
                    digest_alg.oid(),
                    digest_alg.output_len()
                )));
            }
            (d.to_vec(), None)
        }
    };
    let new = signer_info(&digest, signer, opts)?;
    Ok(assemble(
        content,
        vec![new.digest_algorithm],
        vec![new.certificate],
        vec![new.signer_info],
    ))
}

/// Add a parallel signer to an existing CMS without altering the SignerInfos already
/// there (their bytes are kept exactly, time-stamp tokens included): the SignedData is
/// rebuilt around them with the new SignerInfo, its digest algorithm and its
/// certificate merged into the DER-sorted SETs. `content` is required for a detached
/// CMS and, for an attached one, must equal the embedded content when given. Attached or
/// detached follows `opts.detached`, as NCANode's `/cms/sign/add` does.
pub fn add_signer(
    cms: &crate::read::SignedData,
    content: Option<&[u8]>,
    signer: &dyn Signer,
    opts: &SignOptions,
) -> Result<Vec<u8>, CmsError> {
    if cms.content_type != oid::DATA {
        return Err(CmsError::Structure(format!(
            "a signer can be added to signed data (id-data) only, not to {}",
            cms.content_type
        )));
    }
    let data = match (cms.content(), content) {
        (Some(inside), Some(given)) if inside != given => {
            return Err(CmsError::Structure(
                "the content given is not the content inside the CMS".into(),
            ))
        }
        (Some(inside), _) => inside,
        (None, Some(given)) => given,
        (None, None) => return Err(CmsError::ContentMissing),
    };
    let new = signer_info(&signer.algorithm().digest().digest(data), signer, opts)?;
    let mut digests: Vec<Vec<u8>> = cms
        .digest_oids
        .iter()
        .map(|o| algorithm_identifier(o, true))
        .collect();
    digests.push(new.digest_algorithm);
    let mut certificates = cms.certificates.clone();
    certificates.push(new.certificate);
    let mut infos: Vec<Vec<u8>> = cms.signers.iter().map(|s| s.der.clone()).collect();
    infos.push(new.signer_info);
    Ok(assemble(
        (!opts.detached).then_some(data),
        digests,
        certificates,
        infos,
    ))
}

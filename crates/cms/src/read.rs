//! Reading a CMS `ContentInfo { signedData }` (RFC 5652 §3, §5) from DER, PEM or bare
//! base64 into [`SignedData`]: the parts kept as the exact bytes received (a signature
//! is checked over the bytes as sent, never a re-encoding).

use std::ops::Range;

use base64::Engine as _;
use tanba_pki::der::{self, tag, Reader, Tlv};

use crate::error::CmsError;
use crate::oid;

/// Limits on what one CMS may hold (hostile input is refused, not processed).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// SignerInfos.
    pub max_signers: usize,
    /// Certificates in the bag.
    pub max_certificates: usize,
    /// Attributes of one SignerInfo (signed and unsigned each).
    pub max_attributes: usize,
}

impl Default for Limits {
    /// 64 signers, 64 certificates, 32 attributes per set.
    fn default() -> Self {
        Limits {
            max_signers: 64,
            max_certificates: 64,
            max_attributes: 32,
        }
    }
}

/// How a SignerInfo names its certificate (`sid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerId {
    /// issuerAndSerialNumber: the issuer's name (DER) and the serial (big-endian
    /// magnitude, leading zeros removed).
    IssuerSerial {
        /// The issuer's distinguished name, DER.
        issuer: Vec<u8>,
        /// The serial number.
        serial: Vec<u8>,
    },
    /// subjectKeyIdentifier.
    SubjectKeyId(Vec<u8>),
}

/// One attribute: its OID and the DER of each value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute type (dotted OID).
    pub oid: String,
    /// Each value's DER encoding.
    pub values: Vec<Vec<u8>>,
}

/// One SignerInfo as received.
#[derive(Debug, Clone)]
pub struct SignerInfo {
    /// The whole SignerInfo's DER (kept unchanged when a signer is added).
    pub der: Vec<u8>,
    /// `version`.
    pub version: u8,
    /// `sid`.
    pub sid: SignerId,
    /// `digestAlgorithm` OID.
    pub digest_oid: String,
    /// `signedAttrs` as received with its `[0]` tag (the signature covers these bytes
    /// with the tag changed to SET); `None` when absent.
    pub signed_attrs_der: Option<Vec<u8>>,
    /// The signed attributes, decoded.
    pub signed_attrs: Vec<Attribute>,
    /// `signatureAlgorithm` OID.
    pub signature_oid: String,
    /// `signature` (for GOST: r ‖ s, little-endian, as Kalkan writes it).
    pub signature: Vec<u8>,
    /// The unsigned attributes, decoded.
    pub unsigned_attrs: Vec<Attribute>,
}

impl SignerInfo {
    /// The bytes the signature covers when there are signed attributes: their DER with
    /// the `[0]` tag replaced by the SET tag (RFC 5652 §5.4).
    pub fn signed_attrs_for_signature(&self) -> Option<Vec<u8>> {
        self.signed_attrs_der.as_ref().map(|d| {
            let mut v = d.clone();
            v[0] = tag::SET;
            v
        })
    }

    /// The values of the signed attribute `oid` (empty when absent).
    pub fn signed(&self, oid: &str) -> Vec<&[u8]> {
        self.signed_attrs
            .iter()
            .filter(|a| a.oid == oid)
            .flat_map(|a| a.values.iter().map(Vec::as_slice))
            .collect()
    }
}

/// A parsed `SignedData`.
#[derive(Debug, Clone)]
pub struct SignedData {
    der: Vec<u8>,
    /// `version`.
    pub version: u8,
    /// The `digestAlgorithms` OIDs.
    pub digest_oids: Vec<String>,
    /// `eContentType` (dotted OID; id-data for signed documents, id-ct-TSTInfo for a
    /// time-stamp token).
    pub content_type: String,
    content: Option<Range<usize>>,
    /// The certificates of the bag, DER, in the order received.
    pub certificates: Vec<Vec<u8>>,
    /// Whether the SignedData carries CRLs (`crls`; not used for validation).
    pub has_crls: bool,
    /// The SignerInfos, in the order received.
    pub signers: Vec<SignerInfo>,
}

impl SignedData {
    /// The encapsulated content, when attached.
    pub fn content(&self) -> Option<&[u8]> {
        self.content.clone().map(|r| &self.der[r])
    }

    /// Whether the content is detached (not inside the CMS).
    pub fn is_detached(&self) -> bool {
        self.content.is_none()
    }

    /// The DER of the whole `ContentInfo`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
}

/// The DER of a CMS given as DER, PEM (`-----BEGIN CMS-----`, `PKCS7`, `PKCS #7 SIGNED
/// DATA`) or bare base64 (what NCALayer's `createCAdESFromBase64` returns).
pub fn decode_input(input: &[u8]) -> Result<Vec<u8>, CmsError> {
    // DER is taken as it is: its last bytes (a signature) may well look like white space
    if input.first() == Some(&tag::SEQUENCE) {
        return Ok(input.to_vec());
    }
    let trimmed = input.trim_ascii();
    let text = std::str::from_utf8(trimmed)
        .map_err(|_| CmsError::Encoding("neither DER nor text (PEM / base64)".into()))?;
    let body: String = if let Some(rest) = text.strip_prefix("-----BEGIN ") {
        let label = rest.split("-----").next().unwrap_or_default();
        if !matches!(label, "CMS" | "PKCS7" | "PKCS #7 SIGNED DATA") {
            return Err(CmsError::Encoding(format!(
                "PEM block is '{label}', expected CMS or PKCS7"
            )));
        }
        let end = format!("-----END {label}-----");
        let inner = text
            .lines()
            .skip(1)
            .take_while(|l| l.trim() != end)
            .collect::<String>();
        if !text.contains(&end) {
            return Err(CmsError::Encoding(format!("PEM block has no '{end}' line")));
        }
        inner
    } else {
        text.split_ascii_whitespace().collect()
    };
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map_err(|e| CmsError::Encoding(format!("base64: {e}")))?;
    if der.first() != Some(&tag::SEQUENCE) {
        return Err(CmsError::Encoding(
            "the decoded bytes are not a DER SEQUENCE".into(),
        ));
    }
    Ok(der)
}

/// How a CMS is handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// DER bytes.
    Der,
    /// PEM armour `-----BEGIN CMS-----`, 64 characters a line (NCALayer's
    /// `basicsSignCMS`, KalkanCrypt's `KC_OUT_PEM`).
    Pem,
    /// One line of base64 (NCALayer's `createCAdESFromBase64`).
    Base64,
}

/// The CMS `der` in `encoding` (every form [`decode_input`] reads back).
pub fn encode(der: &[u8], encoding: Encoding) -> Vec<u8> {
    let b64 = || base64::engine::general_purpose::STANDARD.encode(der);
    match encoding {
        Encoding::Der => der.to_vec(),
        Encoding::Base64 => format!("{}\n", b64()).into_bytes(),
        Encoding::Pem => {
            let body = b64();
            let mut s = String::with_capacity(body.len() + body.len() / 64 + 40);
            s.push_str("-----BEGIN CMS-----\n");
            for line in body.as_bytes().chunks(64) {
                // base64 is ASCII
                s.push_str(&String::from_utf8_lossy(line));
                s.push('\n');
            }
            s.push_str("-----END CMS-----\n");
            s.into_bytes()
        }
    }
}

/// Read a CMS (see [`decode_input`] for the accepted forms) within `limits`.
pub fn read(input: &[u8], limits: &Limits) -> Result<SignedData, CmsError> {
    parse(decode_input(input)?, limits)
}

fn oid_of(t: &Tlv<'_>) -> Result<String, CmsError> {
    if t.tag != tag::OID {
        return Err(CmsError::Structure(format!(
            "expected an OBJECT IDENTIFIER at byte {}",
            t.offset
        )));
    }
    Ok(der::oid_to_string(t.value, t.offset)?)
}

fn small_int(t: &Tlv<'_>, what: &str) -> Result<u8, CmsError> {
    match t.value {
        [v] if *v < 0x80 => Ok(*v),
        _ => Err(CmsError::Structure(format!(
            "{what} at byte {} is not a small INTEGER",
            t.offset
        ))),
    }
}

/// `AlgorithmIdentifier { OID, parameters OPTIONAL }` → the OID.
fn algorithm(r: &mut Reader<'_>, what: &str) -> Result<String, CmsError> {
    let a = r.expect(tag::SEQUENCE, what)?;
    let mut ar = Reader::inside(&a);
    oid_of(&ar.any()?)
}

fn count(what: &'static str, found: usize, max: usize) -> Result<(), CmsError> {
    if found > max {
        return Err(CmsError::TooMany { what, found, max });
    }
    Ok(())
}

fn parse(der_bytes: Vec<u8>, limits: &Limits) -> Result<SignedData, CmsError> {
    let (version, digest_oids, content_type, content, certificates, has_crls, signers) = {
        let mut outer = Reader::new(&der_bytes);
        let ci = outer.expect(tag::SEQUENCE, "ContentInfo")?;
        outer.finish("ContentInfo")?;
        let mut cr = Reader::inside(&ci);
        let ct = oid_of(&cr.any()?)?;
        if ct != oid::SIGNED_DATA {
            return Err(CmsError::NotSignedData(ct));
        }
        let explicit = cr.expect(0xa0, "[0] content")?;
        cr.finish("ContentInfo")?;
        let mut er = Reader::inside(&explicit);
        let sd = er.expect(tag::SEQUENCE, "SignedData")?;
        er.finish("[0] content")?;
        let mut r = Reader::inside(&sd);
        let version = small_int(&r.expect(tag::INTEGER, "SignedData.version")?, "version")?;
        let algs = r.expect(tag::SET, "digestAlgorithms")?;
        let mut digest_oids = Vec::new();
        let mut ar = Reader::inside(&algs);
        while !ar.is_empty() {
            digest_oids.push(algorithm(&mut ar, "DigestAlgorithmIdentifier")?);
            count("digest algorithms", digest_oids.len(), limits.max_signers)?;
        }
        let eci = r.expect(tag::SEQUENCE, "encapContentInfo")?;
        let mut ecr = Reader::inside(&eci);
        let content_type = oid_of(&ecr.any()?)?;
        let content = match ecr.optional(0xa0)? {
            None => None,
            Some(e) => {
                let mut inner = Reader::inside(&e);
                let t = inner.any()?;
                if t.tag != tag::OCTET_STRING {
                    return Err(CmsError::Structure(format!(
                        "eContent at byte {} is not a primitive OCTET STRING (tag 0x{:02x}; constructed BER strings are refused)",
                        t.offset, t.tag
                    )));
                }
                inner.finish("eContent")?;
                let start = t.offset + (t.raw.len() - t.value.len());
                Some(start..start + t.value.len())
            }
        };
        ecr.finish("encapContentInfo")?;
        let mut certificates = Vec::new();
        if let Some(bag) = r.optional(0xa0)? {
            let mut br = Reader::inside(&bag);
            while !br.is_empty() {
                let c = br.any()?;
                if c.tag == tag::SEQUENCE {
                    certificates.push(c.raw.to_vec());
                }
                count("certificates", certificates.len(), limits.max_certificates)?;
            }
        }
        let has_crls = r.optional(0xa1)?.is_some();
        let infos = r.expect(tag::SET, "signerInfos")?;
        r.finish("SignedData")?;
        let mut signers = Vec::new();
        let mut ir = Reader::inside(&infos);
        while !ir.is_empty() {
            let si = ir.expect(tag::SEQUENCE, "SignerInfo")?;
            signers.push(signer_info(&si, limits)?);
            count("signers", signers.len(), limits.max_signers)?;
        }
        (
            version,
            digest_oids,
            content_type,
            content,
            certificates,
            has_crls,
            signers,
        )
    };
    Ok(SignedData {
        der: der_bytes,
        version,
        digest_oids,
        content_type,
        content,
        certificates,
        has_crls,
        signers,
    })
}

fn attributes(set: &Tlv<'_>, limits: &Limits) -> Result<Vec<Attribute>, CmsError> {
    let mut out: Vec<Attribute> = Vec::new();
    let mut r = Reader::inside(set);
    while !r.is_empty() {
        let a = r.expect(tag::SEQUENCE, "Attribute")?;
        let mut ar = Reader::inside(&a);
        let oid = oid_of(&ar.any()?)?;
        let vals = ar.expect(tag::SET, "attrValues")?;
        ar.finish("Attribute")?;
        let mut vr = Reader::inside(&vals);
        let mut values = Vec::new();
        while !vr.is_empty() {
            values.push(vr.any()?.raw.to_vec());
        }
        if out.iter().any(|o| o.oid == oid) {
            return Err(CmsError::Structure(format!(
                "attribute {oid} appears twice (byte {})",
                a.offset
            )));
        }
        out.push(Attribute { oid, values });
        count("attributes", out.len(), limits.max_attributes)?;
    }
    Ok(out)
}

fn signer_info(si: &Tlv<'_>, limits: &Limits) -> Result<SignerInfo, CmsError> {
    let mut r = Reader::inside(si);
    let version = small_int(&r.expect(tag::INTEGER, "SignerInfo.version")?, "version")?;
    let sid_tlv = r.any()?;
    let sid = match sid_tlv.tag {
        tag::SEQUENCE => {
            let mut sr = Reader::inside(&sid_tlv);
            let issuer = sr.expect(tag::SEQUENCE, "issuer")?;
            let serial = sr.expect(tag::INTEGER, "serialNumber")?;
            sr.finish("issuerAndSerialNumber")?;
            SignerId::IssuerSerial {
                issuer: issuer.raw.to_vec(),
                serial: der::trim_integer(serial.value).to_vec(),
            }
        }
        0x80 => SignerId::SubjectKeyId(sid_tlv.value.to_vec()),
        t => {
            return Err(CmsError::Structure(format!(
                "SignerInfo.sid at byte {} has tag 0x{t:02x}",
                sid_tlv.offset
            )))
        }
    };
    let digest_oid = algorithm(&mut r, "digestAlgorithm")?;
    let (signed_attrs_der, signed_attrs) = match r.optional(0xa0)? {
        Some(t) => (Some(t.raw.to_vec()), attributes(&t, limits)?),
        None => (None, Vec::new()),
    };
    let signature_oid = algorithm(&mut r, "signatureAlgorithm")?;
    let signature = r.expect(tag::OCTET_STRING, "signature")?.value.to_vec();
    let unsigned_attrs = match r.optional(0xa1)? {
        Some(t) => attributes(&t, limits)?,
        None => Vec::new(),
    };
    r.finish("SignerInfo")?;
    Ok(SignerInfo {
        der: si.raw.to_vec(),
        version,
        sid,
        digest_oid,
        signed_attrs_der,
        signed_attrs,
        signature_oid,
        signature,
        unsigned_attrs,
    })
}

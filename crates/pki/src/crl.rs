//! Certificate revocation lists (RFC 5280 §5): parsing full and delta CRLs, signature
//! verification against the issuer, freshness, and an indexed lookup by serial number.
//!
//! CRLs are matched to a certificate by **issuer name + authority key identifier**, never
//! only by the certificate's distribution point: a real NCA test certificate (the GOST-2004
//! first-head certificate) names the RSA CRL although it is listed in the GOST one
//! (KZ-PKI.md §1.6). See [`CrlSet`] for how full and delta CRLs are combined.

use std::sync::Arc;

use tanba_crypto::{AlgorithmPolicy, SignatureAlgorithm, SignatureEncoding};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, ParsedExtension};
use x509_parser::revocation_list::CertificateRevocationList;

use crate::der;

const OID_CRL_NUMBER: &str = "2.5.29.20";
const OID_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const OID_AKI: &str = "2.5.29.35";
const OID_ISSUING_DP: &str = "2.5.29.28";
const OID_FRESHEST_CRL: &str = "2.5.29.46";

/// Why a CRL could not be read or used.
#[derive(Debug, thiserror::Error)]
pub enum CrlError {
    /// The bytes are not a DER (or PEM `X509 CRL`) certificate list.
    #[error("malformed CRL: {0}")]
    Malformed(String),
    /// A critical CRL or entry extension this implementation does not process.
    #[error("CRL has an unsupported critical extension {oid}")]
    UnsupportedCriticalExtension {
        /// The extension's OID.
        oid: String,
    },
    /// The entry extension `certificateIssuer` (indirect CRL) is not supported.
    #[error("indirect CRLs (certificateIssuer entry extension) are not supported")]
    IndirectCrl,
    /// The CRL's signature algorithm is not known to tanba-crypto.
    #[error("CRL signature algorithm {oid} is not supported: {detail}")]
    UnsupportedAlgorithm {
        /// Signature algorithm OID.
        oid: String,
        /// Why.
        detail: String,
    },
    /// The CRL's signature does not verify with the issuer's key (or the key/algorithm is refused).
    #[error("CRL signature does not verify against the issuer: {0}")]
    BadSignature(String),
}

/// A revocation reason (RFC 5280 §5.3.1 `CRLReason`, also used by OCSP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RevocationReason {
    /// unspecified (0) — also what an entry without a reasonCode extension means.
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// cACompromise (2).
    CaCompromise,
    /// affiliationChanged (3).
    AffiliationChanged,
    /// superseded (4).
    Superseded,
    /// cessationOfOperation (5).
    CessationOfOperation,
    /// certificateHold (6).
    CertificateHold,
    /// removeFromCRL (8): in a delta CRL, "this certificate is no longer revoked/on hold".
    RemoveFromCrl,
    /// privilegeWithdrawn (9).
    PrivilegeWithdrawn,
    /// aACompromise (10).
    AaCompromise,
}

impl RevocationReason {
    /// Map a `CRLReason` code; `None` for the unused value 7 and anything above 10.
    pub fn from_code(code: u8) -> Option<Self> {
        use RevocationReason::*;
        Some(match code {
            0 => Unspecified,
            1 => KeyCompromise,
            2 => CaCompromise,
            3 => AffiliationChanged,
            4 => Superseded,
            5 => CessationOfOperation,
            6 => CertificateHold,
            8 => RemoveFromCrl,
            9 => PrivilegeWithdrawn,
            10 => AaCompromise,
            _ => return None,
        })
    }

    /// The `CRLReason` code (inverse of [`RevocationReason::from_code`]).
    pub fn code(self) -> u8 {
        use RevocationReason::*;
        match self {
            Unspecified => 0,
            KeyCompromise => 1,
            CaCompromise => 2,
            AffiliationChanged => 3,
            Superseded => 4,
            CessationOfOperation => 5,
            CertificateHold => 6,
            RemoveFromCrl => 8,
            PrivilegeWithdrawn => 9,
            AaCompromise => 10,
        }
    }

    /// The RFC 5280 name of the reason.
    pub fn name(self) -> &'static str {
        use RevocationReason::*;
        match self {
            Unspecified => "unspecified",
            KeyCompromise => "keyCompromise",
            CaCompromise => "cACompromise",
            AffiliationChanged => "affiliationChanged",
            Superseded => "superseded",
            CessationOfOperation => "cessationOfOperation",
            CertificateHold => "certificateHold",
            RemoveFromCrl => "removeFromCRL",
            PrivilegeWithdrawn => "privilegeWithdrawn",
            AaCompromise => "aACompromise",
        }
    }
}

impl std::fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One revoked certificate as listed in a CRL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevokedEntry {
    /// `revocationDate`.
    pub revoked_at: OffsetDateTime,
    /// The reasonCode entry extension; `None` when absent (which means unspecified).
    pub reason: Option<RevocationReason>,
}

/// Whether a CRL is a complete CRL or a delta against a base CRL number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrlKind {
    /// A complete CRL.
    Full,
    /// A delta CRL (deltaCRLIndicator present) with the base CRL number it updates.
    Delta {
        /// `BaseCRLNumber`, big-endian magnitude without leading zeros.
        base_crl_number: Vec<u8>,
    },
}

/// A parsed, owned CRL with its entries in a compact sorted index (binary-search lookup).
///
/// Memory: 32 bytes per entry whose serial has at most 20 octets (RFC 5280 §4.1.2.2;
/// every NCA serial), more for longer, non-conforming serials; plus, until the signature
/// has been verified once, the signed bytes (`tbsCertList`), which a successful
/// [`Crl::verify_signature`] releases. [`Crl::index_bytes`] reports the total. Cloning
/// shares the index.
pub struct Crl {
    issuer_der: Vec<u8>,
    issuer: String,
    aki: Option<Vec<u8>>,
    number: Option<Vec<u8>>,
    kind: CrlKind,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    signature_oid: String,
    /// `tbsCertList` while the signature has not been verified; `None` once it has.
    tbs: std::sync::Mutex<Option<Arc<[u8]>>>,
    signature: Vec<u8>,
    entries: Arc<SerialIndex>,
    has_idp: bool,
    freshest_crl: bool,
    /// Where the CRL came from (a URL, a file name), for reports.
    source: Option<Arc<str>>,
    /// The issuer SPKI whose key verified the signature (a signature verifies with one
    /// key only, so the signed bytes are released afterwards).
    verified_by: std::sync::OnceLock<Vec<u8>>,
}

impl Clone for Crl {
    fn clone(&self) -> Self {
        Crl {
            issuer_der: self.issuer_der.clone(),
            issuer: self.issuer.clone(),
            aki: self.aki.clone(),
            number: self.number.clone(),
            kind: self.kind.clone(),
            this_update: self.this_update,
            next_update: self.next_update,
            signature_oid: self.signature_oid.clone(),
            tbs: std::sync::Mutex::new(self.signed_bytes()),
            signature: self.signature.clone(),
            entries: self.entries.clone(),
            has_idp: self.has_idp,
            freshest_crl: self.freshest_crl,
            source: self.source.clone(),
            verified_by: self.verified_by.clone(),
        }
    }
}

impl std::fmt::Debug for Crl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crl")
            .field("issuer", &self.issuer)
            .field("number", &self.number.as_deref().map(hex::encode))
            .field("kind", &self.kind)
            .field("this_update", &self.this_update)
            .field("next_update", &self.next_update)
            .field("entries", &self.entries.len())
            .field("index_bytes", &self.index_bytes())
            .finish()
    }
}

/// Convert an x509-parser time.
pub(crate) fn asn1_time(t: x509_parser::time::ASN1Time) -> OffsetDateTime {
    t.to_datetime()
}

fn pem_or_der(data: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, CrlError> {
    let trimmed = data.trim_ascii_start();
    if trimmed.starts_with(b"-----BEGIN") {
        let (_, pem) = x509_parser::pem::parse_x509_pem(trimmed)
            .map_err(|e| CrlError::Malformed(format!("PEM: {e}")))?;
        if pem.label != "X509 CRL" {
            return Err(CrlError::Malformed(format!(
                "PEM block is '{}', expected 'X509 CRL'",
                pem.label
            )));
        }
        Ok(std::borrow::Cow::Owned(pem.contents))
    } else {
        Ok(std::borrow::Cow::Borrowed(data))
    }
}

impl Crl {
    /// Parse a CRL from DER, or from a PEM `X509 CRL` block.
    ///
    /// Unknown critical extensions (of the CRL or of an entry) are refused, except
    /// `freshestCRL` which the 2026 NCA profiles reportedly mark critical (KZ-PKI.md §3.2).
    pub fn from_bytes(data: &[u8]) -> Result<Crl, CrlError> {
        Self::parse(data, None).map(|(crl, _)| crl)
    }

    /// [`Crl::from_bytes`] reusing an index file that [`Crl::index_file`] wrote for the
    /// same bytes (a cache next to a downloaded CRL, so that a restart does not index a
    /// 500,000-entry CRL again). The file is used only when it names these exact bytes
    /// (SHA-256), its own checksum holds and its serials are in order; otherwise it is
    /// ignored and the index is built from the CRL. Returns whether the file was used.
    ///
    /// The header and the signature are read from the CRL as always; only the entry walk
    /// is skipped. The checksum detects corruption and truncation, not forgery: the cache
    /// folder must be as trusted as the trust store kept beside it.
    pub fn from_bytes_with_index(
        data: &[u8],
        index_file: Option<&[u8]>,
    ) -> Result<(Crl, bool), CrlError> {
        Self::parse(data, index_file)
    }

    /// The index as a cache file, bound to `data` — the bytes this CRL was read from —
    /// by their SHA-256, and closed by a checksum.
    pub fn index_file(&self, data: &[u8]) -> Vec<u8> {
        self.entries.to_file(&sha256(data))
    }

    fn parse(data: &[u8], index_file: Option<&[u8]>) -> Result<(Crl, bool), CrlError> {
        let der = pem_or_der(data)?;
        // x509-parser decodes the header, extensions and signature; the (possibly
        // hundreds of thousands of) entries are indexed by a lean DER walk instead, which
        // keeps a 500k-entry CRL well under a second.
        let split = split_entries(&der)?;
        let (rest, crl) = CertificateRevocationList::from_der(&split.header_only)
            .map_err(|e| CrlError::Malformed(e.to_string()))?;
        if !rest.is_empty() {
            return Err(CrlError::Malformed(format!(
                "{} bytes of trailing data after the CRL",
                rest.len()
            )));
        }
        let tbs = &crl.tbs_cert_list;
        if !der::signed_algorithms_match(&der, false).unwrap_or(false) {
            return Err(CrlError::Malformed(
                "signatureAlgorithm differs from the signature field of tbsCertList (RFC 5280 5.1.1.2)"
                    .into(),
            ));
        }
        let mut aki = None;
        let mut number = None;
        let mut kind = CrlKind::Full;
        let mut has_idp = false;
        let mut freshest_crl = false;
        for ext in tbs.extensions() {
            let oid = ext.oid.to_id_string();
            match oid.as_str() {
                OID_CRL_NUMBER => {
                    number = Some(int_ext(ext.value, "cRLNumber")?);
                }
                OID_DELTA_CRL_INDICATOR => {
                    kind = CrlKind::Delta {
                        base_crl_number: int_ext(ext.value, "deltaCRLIndicator")?,
                    };
                }
                OID_AKI => {
                    if let ParsedExtension::AuthorityKeyIdentifier(a) = ext.parsed_extension() {
                        aki = a.key_identifier.as_ref().map(|k| k.0.to_vec());
                    } else {
                        return Err(CrlError::Malformed(
                            "malformed authorityKeyIdentifier".into(),
                        ));
                    }
                }
                OID_ISSUING_DP => has_idp = true,
                OID_FRESHEST_CRL => freshest_crl = true,
                _ if ext.critical => {
                    return Err(CrlError::UnsupportedCriticalExtension { oid });
                }
                _ => {}
            }
        }
        let stored = index_file.and_then(|f| SerialIndex::from_file(f, &sha256(data)));
        let used = stored.is_some();
        let entries = match (stored, split.entries) {
            (Some(index), _) => index,
            (None, Some(range)) => index_entries(&der[range])?,
            (None, None) => SerialIndex::default(),
        };
        let crl = Crl {
            issuer_der: tbs.issuer.as_raw().to_vec(),
            issuer: tbs.issuer.to_string(),
            aki,
            number,
            kind,
            this_update: asn1_time(tbs.this_update),
            next_update: tbs.next_update.map(asn1_time),
            signature_oid: crl.signature_algorithm.algorithm.to_id_string(),
            tbs: std::sync::Mutex::new(Some(split.tbs)),
            signature: crl.signature_value.data.to_vec(),
            entries: Arc::new(entries),
            has_idp,
            freshest_crl,
            source: None,
            verified_by: std::sync::OnceLock::new(),
        };
        Ok((crl, used))
    }

    /// Name where the CRL came from (a URL or a file name); reports cite it as the
    /// evidence of a decision.
    pub fn with_source(mut self, source: impl Into<Arc<str>>) -> Crl {
        self.source = Some(source.into());
        self
    }

    /// Where the CRL came from, when known (see [`Crl::with_source`]).
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The CRL number as hex, or "(no number)", for reports.
    pub fn number_hex(&self) -> String {
        number_display(self)
    }

    /// The issuer's distinguished name (DER).
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer_der
    }

    /// The issuer's distinguished name, for display.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The authority key identifier (keyIdentifier), if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.aki.as_deref()
    }

    /// The CRL number (big-endian, no leading zeros), if present.
    pub fn number(&self) -> Option<&[u8]> {
        self.number.as_deref()
    }

    /// Full or delta.
    pub fn kind(&self) -> &CrlKind {
        &self.kind
    }

    /// `thisUpdate`.
    pub fn this_update(&self) -> OffsetDateTime {
        self.this_update
    }

    /// `nextUpdate`, if present.
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }

    /// Whether the CRL carries an issuingDistributionPoint extension (its scope is not
    /// narrowed further by this implementation).
    pub fn has_issuing_distribution_point(&self) -> bool {
        self.has_idp
    }

    /// Whether the CRL announces a delta CRL (freshestCRL extension).
    pub fn announces_delta(&self) -> bool {
        self.freshest_crl
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the CRL lists no certificate.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Look up a serial number (big-endian magnitude; leading zero bytes are ignored):
    /// a binary search, O(log n).
    pub fn lookup(&self, serial: &[u8]) -> Option<RevokedEntry> {
        self.entries.get(der::trim_integer(serial))
    }

    /// Bytes held for this CRL beyond its header: the serial index, plus the signed bytes
    /// while the signature has not been verified.
    pub fn index_bytes(&self) -> usize {
        self.entries.bytes() + self.signed_bytes().map_or(0, |t| t.len())
    }

    fn signed_bytes(&self) -> Option<Arc<[u8]>> {
        match self.tbs.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Whether this CRL was issued by the CA with this subject name (DER) and, when both
    /// sides carry one, this subject key identifier.
    pub fn issued_by(&self, issuer_subject_der: &[u8], issuer_ski: Option<&[u8]>) -> bool {
        if self.issuer_der != issuer_subject_der {
            return false;
        }
        match (self.aki.as_deref(), issuer_ski) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        }
    }

    /// Verify the CRL's signature with the issuer's `SubjectPublicKeyInfo` (DER). A
    /// successful verification is remembered for that key, and the signed bytes are then
    /// released (the index alone stays in memory): a later call with another key fails.
    pub fn verify_signature(
        &self,
        issuer_spki_der: &[u8],
        policy: &AlgorithmPolicy,
    ) -> Result<(), CrlError> {
        let alg = SignatureAlgorithm::from_oid(&self.signature_oid).map_err(|e| {
            CrlError::UnsupportedAlgorithm {
                oid: self.signature_oid.clone(),
                detail: e.to_string(),
            }
        })?;
        if let Some(k) = self.verified_by.get() {
            if k != issuer_spki_der {
                return Err(CrlError::BadSignature(
                    "the CRL was verified with another issuer key".into(),
                ));
            }
            // the algorithm policy may differ from the one of the first verification
            return policy
                .check_signature(alg)
                .map_err(|e| CrlError::BadSignature(e.to_string()));
        }
        let tbs = self.signed_bytes().ok_or_else(|| {
            CrlError::BadSignature("the CRL was verified with another issuer key".into())
        })?;
        tanba_crypto::verify_signature(
            alg,
            issuer_spki_der,
            &tbs,
            &self.signature,
            SignatureEncoding::X509,
            policy,
        )
        .map_err(|e| CrlError::BadSignature(e.to_string()))?;
        let _ = self.verified_by.set(issuer_spki_der.to_vec());
        match self.tbs.lock() {
            Ok(mut g) => *g = None,
            Err(p) => *p.into_inner() = None,
        }
        Ok(())
    }

    /// Whether the CRL may be relied on for a decision about instant `at`: it must not be
    /// past its `nextUpdate` at `at` (a CRL issued after `at` is authoritative about it too).
    /// A CRL without `nextUpdate` is usable for `max_age` after `thisUpdate`.
    pub fn is_usable_at(&self, at: OffsetDateTime, max_age: time::Duration) -> bool {
        if self.this_update >= at {
            return true;
        }
        match self.next_update {
            Some(n) => at <= n,
            None => at - self.this_update <= max_age,
        }
    }
}

/// Width of an inline serial: RFC 5280 §4.1.2.2 allows at most 20 octets.
const SERIAL_WIDTH: usize = 20;
/// `reason` of a record whose entry has no reasonCode.
const NO_REASON: u8 = 0xff;
/// The first bytes of an index cache file (format version 1).
const INDEX_MAGIC: &[u8; 16] = b"TANBA-CRL-IDX-1\n";

fn sha256(data: &[u8]) -> Vec<u8> {
    tanba_crypto::DigestAlgorithm::Sha256.digest(data)
}

/// Revoked serials, sorted for binary search. Serials of up to 20 octets (every
/// conforming one) are 32-byte records: the serial left-padded with zeros (so byte order
/// is numeric order), the reason code and the revocation date in Unix seconds. Longer,
/// non-conforming serials go to a second sorted list.
#[derive(Default)]
struct SerialIndex {
    records: Vec<Record>,
    long: Vec<(Box<[u8]>, Record)>,
}

#[derive(Clone, Copy)]
struct Record {
    key: [u8; SERIAL_WIDTH],
    reason: u8,
    revoked_at: i64,
}

impl Record {
    /// The serial left-padded to the record width (`serial` has at most 20 octets).
    fn key(serial: &[u8]) -> [u8; SERIAL_WIDTH] {
        let mut key = [0u8; SERIAL_WIDTH];
        if serial.len() <= SERIAL_WIDTH {
            key[SERIAL_WIDTH - serial.len()..].copy_from_slice(serial);
        }
        key
    }

    fn new(serial: &[u8], e: RevokedEntry) -> Record {
        Record {
            key: Record::key(serial),
            reason: e.reason.map_or(NO_REASON, RevocationReason::code),
            revoked_at: e.revoked_at.unix_timestamp(),
        }
    }

    fn entry(&self) -> RevokedEntry {
        RevokedEntry {
            // stored from an OffsetDateTime, so always in range
            revoked_at: OffsetDateTime::from_unix_timestamp(self.revoked_at)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
            reason: RevocationReason::from_code(self.reason),
        }
    }
}

/// Keep one record per serial; a serial listed twice keeps its earliest revocation.
fn keep_earliest(next: &mut Record, kept: &mut Record) {
    if next.revoked_at < kept.revoked_at {
        *kept = *next;
    }
}

impl SerialIndex {
    fn with_capacity(n: usize) -> Self {
        SerialIndex {
            records: Vec::with_capacity(n),
            long: Vec::new(),
        }
    }

    fn insert(&mut self, serial: &[u8], e: RevokedEntry) {
        if serial.len() <= SERIAL_WIDTH {
            self.records.push(Record::new(serial, e));
        } else {
            self.long.push((serial.into(), Record::new(&[], e)));
        }
    }

    /// Sort and remove duplicates; called once after the last insert.
    fn seal(mut self) -> Self {
        self.records.sort_unstable_by_key(|r| r.key);
        self.records.dedup_by(|next, kept| {
            next.key == kept.key && {
                keep_earliest(next, kept);
                true
            }
        });
        self.records.shrink_to_fit();
        self.long.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.long.dedup_by(|next, kept| {
            next.0 == kept.0 && {
                keep_earliest(&mut next.1, &mut kept.1);
                true
            }
        });
        self.long.shrink_to_fit();
        self
    }

    fn get(&self, serial: &[u8]) -> Option<RevokedEntry> {
        if serial.len() <= SERIAL_WIDTH {
            let key = Record::key(serial);
            let i = self.records.binary_search_by(|r| r.key.cmp(&key)).ok()?;
            Some(self.records[i].entry())
        } else {
            let i = self
                .long
                .binary_search_by(|(s, _)| (**s).cmp(serial))
                .ok()?;
            Some(self.long[i].1.entry())
        }
    }

    fn len(&self) -> usize {
        self.records.len() + self.long.len()
    }

    /// The cache-file form: magic, the CRL's SHA-256, the counts, the records (29 bytes
    /// each), the long serials, and a SHA-256 of all of it.
    fn to_file(&self, crl_sha256: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.records.len() * 29 + 32);
        out.extend_from_slice(INDEX_MAGIC);
        out.extend_from_slice(crl_sha256);
        out.extend_from_slice(&(self.records.len() as u64).to_le_bytes());
        out.extend_from_slice(&(self.long.len() as u64).to_le_bytes());
        let put = |out: &mut Vec<u8>, r: &Record| {
            out.push(r.reason);
            out.extend_from_slice(&r.revoked_at.to_le_bytes());
        };
        for r in &self.records {
            out.extend_from_slice(&r.key);
            put(&mut out, r);
        }
        for (serial, r) in &self.long {
            out.extend_from_slice(&(serial.len() as u32).to_le_bytes());
            out.extend_from_slice(serial);
            put(&mut out, r);
        }
        let sum = sha256(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// Read [`SerialIndex::to_file`]'s form if it is for the CRL with this SHA-256 and
    /// intact (checksum, lengths, order); `None` otherwise.
    fn from_file(file: &[u8], crl_sha256: &[u8]) -> Option<SerialIndex> {
        let (body, sum) = file.split_at_checked(file.len().checked_sub(32)?)?;
        if sha256(body) != sum {
            return None;
        }
        let rest = body.strip_prefix(INDEX_MAGIC)?.strip_prefix(crl_sha256)?;
        let (n, rest) = rest.split_first_chunk::<8>()?;
        let (n_long, mut rest) = rest.split_first_chunk::<8>()?;
        let n = usize::try_from(u64::from_le_bytes(*n)).ok()?;
        let n_long = usize::try_from(u64::from_le_bytes(*n_long)).ok()?;
        if n.checked_mul(29)? > rest.len() {
            return None;
        }
        let tail = |rest: &mut &[u8]| -> Option<(u8, i64)> {
            let (&reason, r) = rest.split_first()?;
            let (date, r) = r.split_first_chunk::<8>()?;
            *rest = r;
            if reason != NO_REASON && RevocationReason::from_code(reason).is_none() {
                return None;
            }
            let date = i64::from_le_bytes(*date);
            OffsetDateTime::from_unix_timestamp(date).ok()?;
            Some((reason, date))
        };
        let mut records = Vec::with_capacity(n);
        for _ in 0..n {
            let (key, r) = rest.split_first_chunk::<SERIAL_WIDTH>()?;
            rest = r;
            let (reason, revoked_at) = tail(&mut rest)?;
            records.push(Record {
                key: *key,
                reason,
                revoked_at,
            });
        }
        let mut long = Vec::with_capacity(n_long.min(rest.len() / 13));
        for _ in 0..n_long {
            let (len, r) = rest.split_first_chunk::<4>()?;
            let (serial, r) = r.split_at_checked(u32::from_le_bytes(*len) as usize)?;
            rest = r;
            let (reason, revoked_at) = tail(&mut rest)?;
            long.push((
                serial.into(),
                Record {
                    key: [0; SERIAL_WIDTH],
                    reason,
                    revoked_at,
                },
            ));
        }
        let sorted = records.windows(2).all(|w| w[0].key < w[1].key)
            && long.windows(2).all(|w| w[0].0 < w[1].0);
        (rest.is_empty() && sorted).then_some(SerialIndex { records, long })
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn bytes(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<Record>()
            + self
                .long
                .iter()
                .map(|(s, _)| s.len() + std::mem::size_of::<(Box<[u8]>, Record)>())
                .sum::<usize>()
    }
}

struct Split {
    /// The CRL re-encoded without its revokedCertificates (for x509-parser).
    header_only: Vec<u8>,
    /// The original TBSCertList (what the signature covers).
    tbs: Arc<[u8]>,
    /// Byte range of the revokedCertificates contents in the input.
    entries: Option<std::ops::Range<usize>>,
}

fn malformed(e: der::DerError) -> CrlError {
    CrlError::Malformed(e.to_string())
}

/// Locate revokedCertificates inside the TBSCertList and rebuild the CRL without it.
fn split_entries(der: &[u8]) -> Result<Split, CrlError> {
    use der::{tag, Reader};
    let mut outer = Reader::new(der);
    let top = outer
        .expect(tag::SEQUENCE, "CertificateList")
        .map_err(malformed)?;
    if !outer.is_empty() {
        return Err(CrlError::Malformed(format!(
            "{} bytes of trailing data after the CRL",
            der.len() - top.raw.len()
        )));
    }
    let mut r = Reader::inside(&top);
    let tbs = r.expect(tag::SEQUENCE, "tbsCertList").map_err(malformed)?;
    let rest_of_top = &top.value[tbs.raw.len()..];
    let mut t = Reader::inside(&tbs);
    let mut kept: Vec<u8> = Vec::with_capacity(1024);
    let mut entries = None;
    let mut last_tag = 0u8;
    while !t.is_empty() {
        let f = t.any().map_err(malformed)?;
        // version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0]?
        // revokedCertificates is the SEQUENCE that follows thisUpdate / nextUpdate.
        let after_time = last_tag == tag::UTC_TIME || last_tag == tag::GENERALIZED_TIME;
        if f.tag == tag::SEQUENCE && after_time && entries.is_none() {
            let start = f.offset + (f.raw.len() - f.value.len());
            entries = Some(start..start + f.value.len());
        } else {
            kept.extend_from_slice(f.raw);
        }
        last_tag = f.tag;
    }
    let tbs_only = der::write(tag::SEQUENCE, &kept);
    let mut body = tbs_only;
    body.extend_from_slice(rest_of_top);
    Ok(Split {
        header_only: der::write(tag::SEQUENCE, &body),
        tbs: Arc::from(tbs.raw),
        entries,
    })
}

/// Index the contents of revokedCertificates by serial number.
fn index_entries(list: &[u8]) -> Result<SerialIndex, CrlError> {
    use der::{tag, Reader};
    // ≈ 45 bytes per NCA entry (≥ 16 for any entry): a capacity estimate that avoids
    // regrowing; `seal` gives the excess back.
    let mut entries = SerialIndex::with_capacity(list.len() / 40 + 1);
    let mut r = Reader::new(list);
    while !r.is_empty() {
        let e = r
            .expect(tag::SEQUENCE, "revoked certificate entry")
            .map_err(malformed)?;
        let mut er = Reader::inside(&e);
        let serial = er
            .expect(tag::INTEGER, "userCertificate")
            .map_err(malformed)?;
        if serial.value.is_empty() {
            return Err(CrlError::Malformed(format!(
                "empty serial number at byte {}",
                serial.offset
            )));
        }
        let when = er.any().map_err(malformed)?;
        let revoked_at = der::x509_time(&when).map_err(malformed)?;
        let mut reason = None;
        if let Some(exts) = er.optional(tag::SEQUENCE).map_err(malformed)? {
            let mut xr = Reader::inside(&exts);
            while !xr.is_empty() {
                let ext = xr
                    .expect(tag::SEQUENCE, "entry extension")
                    .map_err(malformed)?;
                let mut x = Reader::inside(&ext);
                let oid_tlv = x.expect(tag::OID, "extnID").map_err(malformed)?;
                let critical = match x.optional(tag::BOOLEAN).map_err(malformed)? {
                    Some(b) => b.value == [0xff],
                    None => false,
                };
                let value = x
                    .expect(tag::OCTET_STRING, "extnValue")
                    .map_err(malformed)?;
                x.finish("entry extension").map_err(malformed)?;
                // Compare encoded OIDs (2.5.29.21 / .24 / .29): no allocation per entry.
                match oid_tlv.value {
                    [0x55, 0x1d, 0x15] => {
                        let v = der::single(value.value, tag::ENUMERATED, "reasonCode")
                            .map_err(malformed)?;
                        let code = match v.value {
                            [c] => *c,
                            _ => 255,
                        };
                        reason = Some(RevocationReason::from_code(code).ok_or_else(|| {
                            CrlError::Malformed(format!(
                                "entry {}: invalid reasonCode {code}",
                                hex::encode(serial.value)
                            ))
                        })?);
                    }
                    [0x55, 0x1d, 0x18] => {}
                    [0x55, 0x1d, 0x1d] => return Err(CrlError::IndirectCrl),
                    _ if critical => {
                        return Err(CrlError::UnsupportedCriticalExtension {
                            oid: der::oid_to_string(oid_tlv.value, oid_tlv.offset)
                                .map_err(malformed)?,
                        })
                    }
                    _ => {}
                }
            }
        }
        er.finish("revoked certificate entry").map_err(malformed)?;
        entries.insert(
            der::trim_integer(serial.value),
            RevokedEntry { revoked_at, reason },
        );
    }
    Ok(entries.seal())
}

fn int_ext(value: &[u8], what: &str) -> Result<Vec<u8>, CrlError> {
    let tlv = der::single(value, der::tag::INTEGER, what)
        .map_err(|e| CrlError::Malformed(format!("{what}: {e}")))?;
    if tlv.value.is_empty() || tlv.value[0] & 0x80 != 0 {
        return Err(CrlError::Malformed(format!(
            "{what}: not a positive INTEGER"
        )));
    }
    Ok(der::trim_integer(tlv.value).to_vec())
}

fn cmp_number(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let (a, b) = (der::trim_integer(a), der::trim_integer(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The answer of a CRL lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrlStatus {
    /// Not listed in a usable full CRL (nor in a usable delta for it).
    Good {
        /// The full CRL's number, when present.
        crl_number: Option<Vec<u8>>,
        /// Whether a delta CRL was applied.
        delta_applied: bool,
    },
    /// Listed, but revoked only after the instant in question (the caller decides, by
    /// reason, whether that still counts — see `policy::RevokedLater`).
    RevokedLater {
        /// Revocation date (after the instant).
        revoked_at: OffsetDateTime,
        /// Reason (unspecified when the entry had none).
        reason: RevocationReason,
        /// Whether the entry came from a delta CRL.
        from_delta: bool,
    },
    /// Listed, and the revocation date is not after the instant in question.
    Revoked {
        /// Revocation date.
        revoked_at: OffsetDateTime,
        /// Reason (unspecified when the entry had none).
        reason: RevocationReason,
        /// Whether the entry came from a delta CRL.
        from_delta: bool,
    },
    /// No usable CRL could decide (none for this issuer, signature failure, stale...).
    Unknown {
        /// Why no decision was possible.
        reason: String,
    },
}

/// The issuer as needed for CRL selection: its subject name, SKI and public key.
#[derive(Debug, Clone, Copy)]
pub struct CrlIssuer<'a> {
    /// Issuer's subject name (DER).
    pub subject_der: &'a [u8],
    /// Issuer's subject key identifier, if it has one.
    pub ski: Option<&'a [u8]>,
    /// Issuer's `SubjectPublicKeyInfo` (DER).
    pub spki_der: &'a [u8],
}

/// A collection of CRLs (full and delta, any issuers) to decide revocation from.
#[derive(Debug, Clone, Default)]
pub struct CrlSet {
    crls: Vec<Crl>,
}

impl CrlSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a CRL.
    pub fn push(&mut self, crl: Crl) {
        self.crls.push(crl);
    }

    /// The CRLs held.
    pub fn crls(&self) -> &[Crl] {
        &self.crls
    }

    /// Whether the set holds no CRL.
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty()
    }

    /// Decide the status of `serial` issued by `issuer` as of `at`.
    ///
    /// Selection: CRLs whose issuer name and AKI match the issuer, whose signature
    /// verifies with the issuer's key, and which are usable at `at` (see
    /// [`Crl::is_usable_at`]); among full CRLs the highest CRL number wins. A delta CRL is
    /// applied when its base CRL number is ≤ the full CRL's number and its own number is
    /// greater. A delta entry with `removeFromCRL` cancels the full CRL's entry. A
    /// revocation dated after `at` is reported as [`CrlStatus::RevokedLater`].
    pub fn status(
        &self,
        serial: &[u8],
        issuer: &CrlIssuer<'_>,
        at: OffsetDateTime,
        max_age: time::Duration,
        policy: &AlgorithmPolicy,
    ) -> CrlStatus {
        status_of(self.crls.iter(), serial, issuer, at, max_age, policy)
    }
}

/// [`CrlSet::status`] over any collection of CRLs (e.g. given ones plus fetched ones).
pub fn status_of<'a>(
    crls: impl IntoIterator<Item = &'a Crl>,
    serial: &[u8],
    issuer: &CrlIssuer<'_>,
    at: OffsetDateTime,
    max_age: time::Duration,
    policy: &AlgorithmPolicy,
) -> CrlStatus {
    decide(crls, serial, issuer, at, max_age, policy).status
}

/// A CRL decision with the CRLs it rests on.
#[derive(Debug)]
pub struct CrlDecision<'a> {
    /// The status.
    pub status: CrlStatus,
    /// The full CRL used (none when the status is unknown).
    pub full: Option<&'a Crl>,
    /// The delta CRL applied on top of it, if any.
    pub delta: Option<&'a Crl>,
}

/// [`status_of`], also naming the full and delta CRLs the decision rests on (its
/// evidence).
pub fn decide<'a>(
    crls: impl IntoIterator<Item = &'a Crl>,
    serial: &[u8],
    issuer: &CrlIssuer<'_>,
    at: OffsetDateTime,
    max_age: time::Duration,
    policy: &AlgorithmPolicy,
) -> CrlDecision<'a> {
    let undecided = |status| CrlDecision {
        status,
        full: None,
        delta: None,
    };
    let mut problems: Vec<String> = Vec::new();
    let mut fulls: Vec<&Crl> = Vec::new();
    let mut deltas: Vec<&Crl> = Vec::new();
    for crl in crls {
        if !crl.issued_by(issuer.subject_der, issuer.ski) {
            continue;
        }
        if let Err(e) = crl.verify_signature(issuer.spki_der, policy) {
            problems.push(format!("CRL #{}: {e}", number_display(crl)));
            continue;
        }
        if !crl.is_usable_at(at, max_age) {
            problems.push(format!(
                "CRL #{} is stale at {} (nextUpdate {})",
                number_display(crl),
                crate::validate::ts(at),
                crl.next_update
                    .map(crate::validate::ts)
                    .unwrap_or_else(|| "absent".into())
            ));
            continue;
        }
        match crl.kind {
            CrlKind::Full => fulls.push(crl),
            CrlKind::Delta { .. } => deltas.push(crl),
        }
    }
    let Some(full) = fulls.into_iter().max_by(|a, b| {
        cmp_number(a.number().unwrap_or(&[]), b.number().unwrap_or(&[]))
            .then(a.this_update.cmp(&b.this_update))
    }) else {
        let reason = if problems.is_empty() {
            "no CRL from this issuer".to_string()
        } else {
            problems.join("; ")
        };
        return undecided(CrlStatus::Unknown { reason });
    };
    let full_no = full.number().unwrap_or(&[]);
    let delta = deltas
        .into_iter()
        .filter(|d| match &d.kind {
            CrlKind::Delta { base_crl_number } => {
                cmp_number(base_crl_number, full_no).is_le()
                    && cmp_number(d.number().unwrap_or(&[]), full_no).is_gt()
            }
            CrlKind::Full => false,
        })
        .max_by(|a, b| cmp_number(a.number().unwrap_or(&[]), b.number().unwrap_or(&[])));
    let decided = |status| CrlDecision {
        status,
        full: Some(full),
        delta,
    };
    let from = |e: &RevokedEntry, from_delta: bool| {
        let reason = e.reason.unwrap_or(RevocationReason::Unspecified);
        Some(if e.revoked_at > at {
            CrlStatus::RevokedLater {
                revoked_at: e.revoked_at,
                reason,
                from_delta,
            }
        } else {
            CrlStatus::Revoked {
                revoked_at: e.revoked_at,
                reason,
                from_delta,
            }
        })
    };
    if let Some(d) = delta {
        if let Some(e) = d.lookup(serial) {
            let e = &e;
            if e.reason == Some(RevocationReason::RemoveFromCrl) {
                return decided(CrlStatus::Good {
                    crl_number: full.number.clone(),
                    delta_applied: true,
                });
            }
            if let Some(s) = from(e, true) {
                return decided(s);
            }
        }
    }
    if let Some(e) = full.lookup(serial) {
        if e.reason != Some(RevocationReason::RemoveFromCrl) {
            if let Some(s) = from(&e, false) {
                return decided(s);
            }
        }
    }
    decided(CrlStatus::Good {
        crl_number: full.number.clone(),
        delta_applied: delta.is_some(),
    })
}

fn number_display(crl: &Crl) -> String {
    crl.number()
        .map(hex::encode)
        .unwrap_or_else(|| "(no number)".into())
}

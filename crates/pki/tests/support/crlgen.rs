//! Test-only CRL writer (RFC 5280 §5.1, DER) signed with RSA PKCS#1 v1.5 / SHA-256 via
//! `ring`. rcgen cannot write delta CRLs or removeFromCRL entries, so the generated test
//! PKI, the tests and the benches share this small encoder
//! (`#[path = "../tests/support/crlgen.rs"] mod crlgen;`).
#![allow(dead_code)]

use time::OffsetDateTime;

/// One CRL entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Serial (big-endian magnitude).
    pub serial: Vec<u8>,
    /// revocationDate.
    pub revoked_at: OffsetDateTime,
    /// reasonCode (RFC 5280 CRLReason), if any.
    pub reason: Option<u8>,
}

/// What to put in the CRL.
#[derive(Debug, Clone)]
pub struct CrlSpec<'a> {
    /// Issuer name, DER.
    pub issuer_der: &'a [u8],
    /// Issuer SKI, for the AKI extension.
    pub aki: &'a [u8],
    /// cRLNumber.
    pub number: u64,
    /// For a delta CRL: the base CRL number (deltaCRLIndicator).
    pub delta_base: Option<u64>,
    /// thisUpdate.
    pub this_update: OffsetDateTime,
    /// nextUpdate.
    pub next_update: Option<OffsetDateTime>,
    /// Entries.
    pub entries: &'a [Entry],
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let b = (len as u32).to_be_bytes();
        let skip = b.iter().take_while(|x| **x == 0).count();
        out.push(0x80 | (4 - skip) as u8);
        out.extend_from_slice(&b[skip..]);
    }
    out.extend_from_slice(value);
    out
}

fn int(magnitude: &[u8]) -> Vec<u8> {
    let mut m = magnitude;
    while m.len() > 1 && m[0] == 0 {
        m = &m[1..];
    }
    let mut v = Vec::new();
    if m.first().is_some_and(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(m);
    tlv(0x02, &v)
}

fn utc_time(t: OffsetDateTime) -> Vec<u8> {
    let s = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        t.year() % 100,
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    tlv(0x17, s.as_bytes())
}

fn ext(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut v = tlv(0x06, oid);
    if critical {
        v.extend(tlv(0x01, &[0xff]));
    }
    v.extend(tlv(0x04, value));
    tlv(0x30, &v)
}

const SHA256_RSA: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const OID_CRL_NUMBER: [u8; 3] = [0x55, 0x1d, 0x14];
const OID_DELTA: [u8; 3] = [0x55, 0x1d, 0x1b];
const OID_AKI: [u8; 3] = [0x55, 0x1d, 0x23];
const OID_REASON: [u8; 3] = [0x55, 0x1d, 0x15];

/// The DER TBSCertList.
pub fn tbs(spec: &CrlSpec<'_>) -> Vec<u8> {
    let alg = tlv(0x30, &[tlv(0x06, &SHA256_RSA), tlv(0x05, &[])].concat());
    let mut body = Vec::new();
    body.extend(int(&[1])); // v2
    body.extend(&alg);
    body.extend_from_slice(spec.issuer_der);
    body.extend(utc_time(spec.this_update));
    if let Some(n) = spec.next_update {
        body.extend(utc_time(n));
    }
    if !spec.entries.is_empty() {
        let mut list = Vec::with_capacity(spec.entries.len() * 48);
        for e in spec.entries {
            let mut ev = int(&e.serial);
            ev.extend(utc_time(e.revoked_at));
            if let Some(r) = e.reason {
                let exts = ext(&OID_REASON, false, &tlv(0x0a, &[r]));
                ev.extend(tlv(0x30, &exts));
            }
            list.extend(tlv(0x30, &ev));
        }
        body.extend(tlv(0x30, &list));
    }
    let mut exts = Vec::new();
    exts.extend(ext(&OID_AKI, false, &tlv(0x30, &tlv(0x80, spec.aki))));
    exts.extend(ext(
        &OID_CRL_NUMBER,
        false,
        &int(&spec.number.to_be_bytes()),
    ));
    if let Some(base) = spec.delta_base {
        exts.extend(ext(&OID_DELTA, true, &int(&base.to_be_bytes())));
    }
    body.extend(tlv(0xa0, &tlv(0x30, &exts)));
    tlv(0x30, &body)
}

/// The signed CRL (DER), signed with `key` (PKCS#8 DER of an RSA key).
pub fn signed_crl(spec: &CrlSpec<'_>, key_pkcs8: &[u8]) -> Vec<u8> {
    let tbs = tbs(spec);
    let kp = ring::signature::RsaKeyPair::from_pkcs8(key_pkcs8).expect("RSA PKCS#8 key");
    let mut sig = vec![0u8; kp.public().modulus_len()];
    kp.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        &tbs,
        &mut sig,
    )
    .expect("RSA signing");
    let alg = tlv(0x30, &[tlv(0x06, &SHA256_RSA), tlv(0x05, &[])].concat());
    let mut bits = vec![0u8];
    bits.extend(sig);
    tlv(0x30, &[tbs, alg, tlv(0x03, &bits)].concat())
}

//! Bare public keys in `KeyInfo`: `ds:KeyValue` (`ds:RSAKeyValue`, XMLDSig 1.1
//! `dsig11:ECKeyValue` with a named curve) and `dsig11:DEREncodedKeyValue`, each turned into
//! a DER `SubjectPublicKeyInfo` that `tanba_crypto::verify_signature` takes.
//!
//! Such a key comes with no certificate, so nothing about who holds it can be decided from
//! the document: the report says where the key came from ([`crate::KeySource`]).

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use crate::algorithms::DSIG_NS;
use crate::base64::decode_lenient;
use crate::dom::{Doc, Node};
use crate::{DsigError, KeySource};

/// The XMLDSig 1.1 namespace (`ECKeyValue`, `DEREncodedKeyValue`).
pub const DSIG11_NS: &str = "http://www.w3.org/2009/xmldsig11#";

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

#[derive(der::Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    exponent: UintRef<'a>,
}

fn bad(signature: usize, detail: impl Into<String>) -> DsigError {
    DsigError::BadKeyValue {
        signature,
        detail: detail.into(),
    }
}

fn der_error(signature: usize, what: &str) -> impl Fn(der::Error) -> DsigError + '_ {
    move |e| bad(signature, format!("{what}: {e}"))
}

/// `SubjectPublicKeyInfo { rsaEncryption NULL, RSAPublicKey { n, e } }`.
pub(crate) fn rsa_spki(signature: usize, n: &[u8], e: &[u8]) -> Result<Vec<u8>, DsigError> {
    let significant = |b: &[u8]| b.iter().any(|&x| x != 0);
    if !significant(n) {
        return Err(bad(signature, "RSAKeyValue: empty or zero Modulus"));
    }
    if !significant(e) {
        return Err(bad(signature, "RSAKeyValue: empty or zero Exponent"));
    }
    let key = RsaPublicKey {
        modulus: UintRef::new(n).map_err(der_error(signature, "RSAKeyValue Modulus"))?,
        exponent: UintRef::new(e).map_err(der_error(signature, "RSAKeyValue Exponent"))?,
    }
    .to_der()
    .map_err(der_error(signature, "RSAPublicKey"))?;
    let spki = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: OID_RSA,
            parameters: Some(AnyRef::from(der::asn1::Null)),
        },
        subject_public_key: BitStringRef::from_bytes(&key)
            .map_err(der_error(signature, "RSA subjectPublicKey"))?,
    };
    spki.to_der()
        .map_err(der_error(signature, "RSA SubjectPublicKeyInfo"))
}

/// `SubjectPublicKeyInfo { id-ecPublicKey namedCurve, point }`.
pub(crate) fn ec_spki(signature: usize, curve: &str, point: &[u8]) -> Result<Vec<u8>, DsigError> {
    let curve_oid = ObjectIdentifier::new(curve).map_err(|e| {
        bad(
            signature,
            format!("ECKeyValue: NamedCurve {curve:?} is not an OID: {e}"),
        )
    })?;
    if point.is_empty() {
        return Err(bad(signature, "ECKeyValue: empty PublicKey"));
    }
    let params = curve_oid
        .to_der()
        .map_err(der_error(signature, "ECKeyValue NamedCurve"))?;
    let spki = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: OID_EC,
            parameters: Some(
                AnyRef::from_der(&params).map_err(der_error(signature, "ECKeyValue NamedCurve"))?,
            ),
        },
        subject_public_key: BitStringRef::from_bytes(point)
            .map_err(der_error(signature, "EC subjectPublicKey"))?,
    };
    spki.to_der()
        .map_err(der_error(signature, "EC SubjectPublicKeyInfo"))
}

/// The one direct child `ns:local` of `parent`, its text decoded as base64.
fn base64_child(
    doc: &Doc,
    parent: Node,
    ns: &str,
    local: &'static str,
    signature: usize,
) -> Result<Vec<u8>, DsigError> {
    let found: Vec<Node> = doc
        .child_elements(parent)
        .into_iter()
        .filter(|&c| doc.is(c, ns, local))
        .collect();
    match found.as_slice() {
        [one] => decode_lenient(&doc.text_content(*one), local),
        [] => Err(bad(
            signature,
            format!("{} without {local}", doc.qname(parent)),
        )),
        _ => Err(bad(
            signature,
            format!("{} with more than one {local}", doc.qname(parent)),
        )),
    }
}

fn ec_key_value(doc: &Doc, ec: Node, signature: usize) -> Result<Vec<u8>, DsigError> {
    let children = doc.child_elements(ec);
    if children
        .iter()
        .any(|&c| doc.is(c, DSIG11_NS, "ECParameters"))
    {
        return Err(bad(
            signature,
            "ECKeyValue with explicit ECParameters: only NamedCurve is supported",
        ));
    }
    let named: Vec<Node> = children
        .into_iter()
        .filter(|&c| doc.is(c, DSIG11_NS, "NamedCurve"))
        .collect();
    let [named] = named.as_slice() else {
        return Err(bad(signature, "ECKeyValue needs exactly one NamedCurve"));
    };
    let uri = doc
        .attr(*named, "URI")
        .ok_or_else(|| bad(signature, "ECKeyValue NamedCurve without a URI"))?;
    let oid = uri.strip_prefix("urn:oid:").ok_or_else(|| {
        bad(
            signature,
            format!("ECKeyValue NamedCurve URI {uri:?} is not urn:oid:…"),
        )
    })?;
    let point = base64_child(doc, ec, DSIG11_NS, "PublicKey", signature)?;
    ec_spki(signature, oid, &point)
}

/// Every bare key in `KeyInfo`, in document order: `ds:KeyValue` (RSA or EC) and
/// `dsig11:DEREncodedKeyValue`. A `KeyValue` of another kind (DSA, RFC 4050
/// `ECDSAKeyValue`…) is skipped; a malformed one is an error.
pub(crate) fn keyinfo_bare_keys(
    doc: &Doc,
    key_info: Node,
    signature: usize,
) -> Result<Vec<KeySource>, DsigError> {
    let mut out = Vec::new();
    for child in doc.child_elements(key_info) {
        if doc.is(child, DSIG_NS, "KeyValue") {
            for kv in doc.child_elements(child) {
                key_value_entry(doc, kv, signature, &mut out)?;
            }
        } else if doc.is(child, DSIG11_NS, "DEREncodedKeyValue") {
            out.push(der_encoded_key_value(doc, child, signature)?);
        } else if let Some(target) = retrieval_target(doc, child)? {
            // a same-document RetrievalMethod naming a key value (XMLDSig §4.5.3)
            if doc.is(target, DSIG11_NS, "DEREncodedKeyValue") {
                out.push(der_encoded_key_value(doc, target, signature)?);
            } else {
                key_value_entry(doc, target, signature, &mut out)?;
            }
        }
    }
    Ok(out)
}

/// One `RSAKeyValue` / `dsig11:ECKeyValue`; other kinds (DSA, RFC 4050 …) are skipped.
fn key_value_entry(
    doc: &Doc,
    kv: Node,
    signature: usize,
    out: &mut Vec<KeySource>,
) -> Result<(), DsigError> {
    if doc.is(kv, DSIG_NS, "RSAKeyValue") {
        let n = base64_child(doc, kv, DSIG_NS, "Modulus", signature)?;
        let e = base64_child(doc, kv, DSIG_NS, "Exponent", signature)?;
        out.push(KeySource::KeyValue {
            spki: rsa_spki(signature, &n, &e)?,
        });
    } else if doc.is(kv, DSIG11_NS, "ECKeyValue") {
        out.push(KeySource::KeyValue {
            spki: ec_key_value(doc, kv, signature)?,
        });
    }
    Ok(())
}

fn der_encoded_key_value(doc: &Doc, el: Node, signature: usize) -> Result<KeySource, DsigError> {
    let der = decode_lenient(&doc.text_content(el), "DEREncodedKeyValue")?;
    // must be one complete SubjectPublicKeyInfo, nothing after it
    SubjectPublicKeyInfoRef::from_der(&der).map_err(|e| {
        bad(
            signature,
            format!("DEREncodedKeyValue is not a DER SubjectPublicKeyInfo: {e}"),
        )
    })?;
    Ok(KeySource::DerEncodedKeyValue { spki: der })
}

/// A `ds:RetrievalMethod` child of `KeyInfo` whose URI leaves the document is refused by
/// name ([`DsigError::RemoteRetrievalMethod`]): keys are never fetched.
pub(crate) fn refuse_remote_retrieval(
    doc: &Doc,
    key_info: Node,
    signature: usize,
) -> Result<(), DsigError> {
    for child in doc.child_elements(key_info) {
        if doc.is(child, DSIG_NS, "RetrievalMethod") {
            let uri = doc.attr(child, "URI").unwrap_or("");
            if !uri.is_empty() && !uri.starts_with('#') {
                return Err(DsigError::RemoteRetrievalMethod {
                    signature,
                    uri: uri.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// The element a `ds:RetrievalMethod` points at, when it is a same-document reference
/// (`URI="#id"`) without transforms; remote URIs are never fetched and give `None`, as do
/// other elements. The caller checks that the target is of a kind it reads.
pub(crate) fn retrieval_target(doc: &Doc, el: Node) -> Result<Option<Node>, DsigError> {
    if !doc.is(el, DSIG_NS, "RetrievalMethod") || !doc.child_elements(el).is_empty() {
        return Ok(None);
    }
    match doc.attr(el, "URI").and_then(|u| u.strip_prefix('#')) {
        Some(id) if !id.is_empty() => doc.find_id(id),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_spki_decodes_back_to_the_same_numbers() {
        use x509_parser::prelude::FromDer as _;
        // a modulus with the top bit set needs a leading zero in DER; leading zeros in the
        // XML CryptoBinary are dropped
        let n: Vec<u8> = std::iter::once(0xc5).chain(1..=127).collect();
        let mut padded = vec![0, 0];
        padded.extend_from_slice(&n);
        let der = rsa_spki(0, &padded, &[1, 0, 1]).unwrap();
        let (rest, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&der).unwrap();
        assert!(rest.is_empty());
        assert_eq!(
            spki.algorithm.algorithm.to_id_string(),
            "1.2.840.113549.1.1.1"
        );
        match spki.parsed().unwrap() {
            x509_parser::public_key::PublicKey::RSA(k) => {
                // DER INTEGER contents: one 0x00 sign byte before the top-bit-set modulus
                assert_eq!(k.modulus[0], 0);
                assert_eq!(&k.modulus[1..], &n[..]);
                assert_eq!(k.exponent, &[1, 0, 1][..]);
            }
            other => panic!("not RSA: {other:?}"),
        }
        let info = tanba_crypto::PublicKeyInfo::from_der(&der).unwrap();
        assert_eq!(info.describe(), "RSA-1024");
    }

    #[test]
    fn ec_spki_carries_curve_and_point() {
        let point = [4u8; 65];
        let der = ec_spki(0, "1.2.840.10045.3.1.7", &point).unwrap();
        let info = tanba_crypto::PublicKeyInfo::from_der(&der).unwrap();
        assert_eq!(info.kind, Some(tanba_crypto::KeyKind::Ec));
        assert_eq!(info.curve_oid.as_deref(), Some("1.2.840.10045.3.1.7"));
        assert_eq!(info.key_bits, point);
    }

    #[test]
    fn malformed_values_are_named_errors() {
        for (n, e) in [
            (&[][..], &[1u8, 0, 1][..]),
            (&[0, 0], &[3]),
            (&[0xc5; 8], &[]),
        ] {
            assert!(
                matches!(
                    rsa_spki(3, n, e),
                    Err(DsigError::BadKeyValue { signature: 3, .. })
                ),
                "{n:?} {e:?}"
            );
        }
        for curve in ["", "P-256", "1"] {
            assert!(
                matches!(
                    ec_spki(0, curve, &[4; 65]),
                    Err(DsigError::BadKeyValue { .. })
                ),
                "{curve:?}"
            );
        }
        assert!(matches!(
            ec_spki(0, "1.2.840.10045.3.1.7", &[]),
            Err(DsigError::BadKeyValue { .. })
        ));
    }
}

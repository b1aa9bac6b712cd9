//! GOST 34.310-2004 in CMS: the real NCA RK time-stamp token (`tsp/tsp_token.bin`, made by
//! the NCA test TSA with Kalkan). The SignerInfo signature is checked through
//! `tanba_crypto::verify_signature` over DER(signedAttrs) with the tag set to SET (0x31),
//! with the TSA certificate embedded in the token; the messageDigest attribute must equal
//! GOST 34.311-95 of the TSTInfo (GOST.md §2); the TSA certificate must verify against the
//! 2004 test CA. One flipped bit → rejected.

use tanba_crypto::{
    verify_signature, AlgorithmPolicy, CryptoError, DigestAlgorithm, SignatureAlgorithm,
    SignatureEncoding,
};
use tanba_tests::der::{children, tlv};
use x509_parser::prelude::*;

const OID_MESSAGE_DIGEST: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
];

#[test]
fn nca_gost2004_time_stamp_token_verifies() {
    let der = tanba_testdata::read_nca("tsp/tsp_token.bin");
    let (_, _, content_info) = tlv(&der);
    let ci = children(content_info);
    let (_, _, signed_data) = tlv(ci[1].2);
    let sd = children(signed_data);
    // encapContentInfo: eContentType, [0] { OCTET STRING eContent }
    let encap = children(sd[2].2);
    let (_, _, e_content) = tlv(encap[1].2);
    // certificates [0] IMPLICIT
    let certs: Vec<&[u8]> = sd
        .iter()
        .find(|c| c.0 == 0xa0)
        .map(|c| children(c.2).iter().map(|x| x.1).collect())
        .expect("the token embeds the TSA certificate");
    let signer_infos = sd.last().unwrap();
    assert_eq!(signer_infos.0, 0x31);
    let si = children(children(signer_infos.2)[0].2);
    let signed_attrs = si.iter().find(|c| c.0 == 0xa0).expect("signedAttrs").1;
    let signature = si.last().unwrap();
    assert_eq!(signature.0, 0x04, "SignerInfo signature is an OCTET STRING");
    let sig_alg = children(si[si.len() - 2].2);
    let (_, oid) = x509_parser::der_parser::der::parse_der_oid(sig_alg[0].1).unwrap();
    let alg = SignatureAlgorithm::from_oid(&oid.as_oid_val().unwrap().to_id_string()).unwrap();
    assert_eq!(alg, SignatureAlgorithm::Gost2004);

    // messageDigest = GOST 34.311-95(eContent), raw byte order
    let md = children(tlv(signed_attrs).2)
        .into_iter()
        .find(|a| a.2.starts_with(OID_MESSAGE_DIGEST))
        .expect("messageDigest attribute");
    let (_, _, set) = tlv(&md.2[OID_MESSAGE_DIGEST.len()..]);
    let (_, _, value) = tlv(set);
    assert_eq!(
        value,
        DigestAlgorithm::Gost34311.digest(e_content).as_slice()
    );

    let mut message = signed_attrs.to_vec();
    message[0] = 0x31;
    let (_, tsa) = X509Certificate::from_der(certs[0]).unwrap();
    let tsa_spki = tsa.public_key().raw;
    let policy = AlgorithmPolicy::strict();
    verify_signature(
        alg,
        tsa_spki,
        &message,
        signature.2,
        SignatureEncoding::X509,
        &policy,
    )
    .expect("the TSA signature over the signed attributes must verify");

    // with the [0] tag kept (a classic CMS mistake) it must not verify
    assert_eq!(
        verify_signature(
            alg,
            tsa_spki,
            signed_attrs,
            signature.2,
            SignatureEncoding::X509,
            &policy
        ),
        Err(CryptoError::BadSignature)
    );
    let mut flipped = signature.2.to_vec();
    flipped[40] ^= 0x02;
    assert!(verify_signature(
        alg,
        tsa_spki,
        &message,
        &flipped,
        SignatureEncoding::X509,
        &policy
    )
    .is_err());

    // the TSA certificate is issued by the 2004 test CA
    let ca_pem = tanba_testdata::read_nca("ca/nca_gost_test.crt");
    let (_, pem) = x509_parser::pem::parse_x509_pem(&ca_pem).unwrap();
    let (_, ca) = X509Certificate::from_der(&pem.contents).unwrap();
    verify_signature(
        SignatureAlgorithm::Gost2004,
        ca.public_key().raw,
        tsa.tbs_certificate.as_ref(),
        &tsa.signature_value.data,
        SignatureEncoding::X509,
        &policy,
    )
    .expect("the TSA certificate must verify against the 2004 test CA");
}

//! Cross-crate: a WS-Security envelope signed through tanba-keys verifies with tanba-wss,
//! and the signer certificate it returns goes through tanba-pki validation as of the
//! certificate's validity period — with the real NCA RK test CA and CRL.

use tanba_keys::{KeySelector, Keystore, Password};
use tanba_pki::{
    CertPool, Crl, IdPolicy, Policy, RequiredUsage, RevocationSources, TrustRole, TrustStore,
    ValidationTime, Validator, Verdict,
};
use tanba_wss::{sign, verify, Data, SendMessage, Sender, SignOptions, SoapVersion, VerifyOptions};
use time::macros::datetime;

fn signed_with(p12: &str) -> Vec<u8> {
    let name = std::path::Path::new(p12)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    let signer = Keystore::open_pkcs12(
        &tanba_testdata::read_nca(p12),
        &Password::new(tanba_testdata::nca_password(name)),
    )
    .unwrap()
    .signer(&KeySelector::Single)
    .unwrap();
    let env = SendMessage::new("GBDFL_UniversalServiceSync", Sender::new("login"))
        .with_data(Data::inline_document(b"<iin>123456789011</iin>").unwrap())
        .to_xml(SoapVersion::Soap11)
        .unwrap();
    sign(env.as_bytes(), &signer, &SignOptions::new()).unwrap()
}

fn validate(cert: &[u8], at: time::OffsetDateTime) -> (Verdict, Option<String>) {
    validate_with(cert, at, "ca/nca_rsa_test.crt", "crl/nca_rsa_test.crl")
}

fn validate_with(
    cert: &[u8],
    at: time::OffsetDateTime,
    ca: &str,
    crl: &str,
) -> (Verdict, Option<String>) {
    let mut store = TrustStore::new();
    store
        .add_path(tanba_testdata::nca(ca), TrustRole::Anchor)
        .unwrap();
    let (pool, errors) = CertPool::from_trust_store(&store);
    assert!(errors.is_empty(), "{errors:?}");
    let policy = Policy::builder()
        .time(ValidationTime::At(at))
        .revocation_sources(RevocationSources::CrlOnly)
        .required_usage(RequiredUsage::Any)
        .id_policy(IdPolicy::AcceptTestIds)
        .build();
    let mut v = Validator::new(pool, policy);
    v.add_crl(Crl::from_bytes(&tanba_testdata::read_nca(crl)).unwrap());
    let r = v.validate(cert, &[]);
    (r.verdict, r.refusal())
}

#[test]
fn transport_signer_certificate_is_validated_by_tanba_pki() {
    // valid key: signature valid; certificate valid as of its validity period, with the CRL
    let xml = signed_with("keys/individual_valid_sign_rsa_2004.p12");
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    let (verdict, refusal) = validate(&v.signer_certificate, datetime!(2021-12-01 00:00 UTC));
    assert_eq!(verdict, Verdict::Valid, "{refusal:?}");
    // the same certificate after it expired
    let (verdict, _) = validate(&v.signer_certificate, datetime!(2023-06-01 00:00 UTC));
    assert_eq!(verdict, Verdict::Invalid);

    // a revoked key: the transport signature itself is fine, the certificate is not
    let xml = signed_with("keys/individual_sign_revoked_rsa_2004.p12");
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    let (verdict, refusal) = validate(&v.signer_certificate, datetime!(2022-12-01 00:00 UTC));
    assert_eq!(verdict, Verdict::Invalid);
    assert!(
        refusal
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .contains("revo"),
        "{refusal:?}"
    );
}

#[test]
fn gost_2015_transport_signer_is_validated_by_tanba_pki() {
    let xml = signed_with("keys/individual_valid_gost_2015.p12");
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    assert_eq!(
        v.signature_algorithm,
        tanba_crypto::SignatureAlgorithm::Gost2015_512
    );
    let (verdict, refusal) = validate_with(
        &v.signer_certificate,
        datetime!(2022-12-01 00:00 UTC),
        "ca/nca_gost2015_test.cer",
        "crl/nca_gost2022_test.crl",
    );
    assert_eq!(verdict, Verdict::Valid, "{refusal:?}");
    // the revoked CEO key of the same CA
    let xml = signed_with("keys/ceo_revoked_gost_2015.p12");
    let v = verify(&xml, &VerifyOptions::default()).unwrap();
    let (verdict, _) = validate_with(
        &v.signer_certificate,
        datetime!(2022-12-01 00:00 UTC),
        "ca/nca_gost2015_test.cer",
        "crl/nca_gost2022_test.crl",
    );
    assert_eq!(verdict, Verdict::Invalid);
}

//! Validate a real NCA RK test certificate the way a backend would before accepting a
//! signed request: chain to the (test) issuing CA, validity "as of" a moment, SIGN key
//! usage, the applicant's IIN, and revocation from the CA's CRL.
//!
//! ```sh
//! cargo run -p tanba-pki --example check_certificate
//! ```

use tanba_pki::{
    CertPool, ChainCert, Crl, IdPolicy, Policy, RevocationSources, ValidationTime, Validator,
};

fn main() {
    let read = tanba_testdata::read_nca;
    let mut pool = CertPool::new();
    pool.add_anchor(ChainCert::from_bytes(&read("ca/nca_rsa_test.crt")).expect("CA"));

    let at = time::OffsetDateTime::parse(
        "2022-06-01T00:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let policy = Policy::builder()
        .time(ValidationTime::At(at))
        .revocation_sources(RevocationSources::OcspThenCrl)
        .expected_iin("123456789011")
        .id_policy(IdPolicy::AcceptTestIds) // NCA test identifiers fail the checksum
        .build();

    let mut validator = Validator::new(pool, policy);
    validator.add_crl(Crl::from_bytes(&read("crl/nca_rsa_test.crl")).expect("CRL"));

    let report = validator.validate(&read("certs/individual_valid_sign_2004_rsa.cer"), &[]);
    println!("{:?}: {}", report.verdict, report.subject);
    for c in &report.checks {
        println!("  {:?} {:?}: {}", c.kind, c.outcome, c.detail);
    }
    if let Some(refusal) = report.refusal() {
        println!("{refusal}");
    }
}

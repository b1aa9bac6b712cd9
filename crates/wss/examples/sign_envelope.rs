//! Build a SmartBridge SendMessage request, add the WS-Security transport signature with
//! the NCA RK RSA test key, verify it, and print the envelope.
//!
//! `cargo run -p tanba-wss --example sign_envelope`

use tanba_keys::{KeySelector, Keystore, Password};
use tanba_wss::{
    sign, verify, Data, Secret, SendMessage, Sender, SignOptions, SoapVersion, VerifyOptions,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let envelope = SendMessage::new(
        "GBDFL_UniversalServiceSync",
        Sender::with_password("my-login", Secret::new("my-password")),
    )
    .with_data(Data::typed_document(
        b"<r><senderCode>TEST</senderCode><iin>123456789011</iin></r>",
        "cs",
        "http://message.persistence.interactive.nat",
        "Request",
    )?)
    .to_xml(SoapVersion::Soap11)?;

    let p12 = tanba_testdata::read_nca("keys/individual_valid_sign_rsa_2004.p12");
    let signer =
        Keystore::open_pkcs12(&p12, &Password::new("Qwerty12"))?.signer(&KeySelector::Single)?;
    let signed = sign(envelope.as_bytes(), &signer, &SignOptions::new())?;

    let report = verify(&signed, &VerifyOptions::default())?;
    eprintln!(
        "valid: {:?} over {:?}, signer certificate {} bytes (validate it with tanba-pki)",
        report.signature_algorithm,
        report.signed_parts,
        report.signer_certificate.len()
    );
    println!("{}", String::from_utf8(signed)?);
    Ok(())
}

//! Print the NCA RK profile of a certificate: `cargo run -p tanba-pki --example cert_profile
//! -- CERT [--json]` (PEM or DER; without an argument, the NCA test CEO certificate).

use tanba_pki::{IdPolicy, KzCertificate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().map_or_else(
        || tanba_testdata::nca("certs/ceo_valid_sign_2004_gost.cer"),
        std::path::PathBuf::from,
    );
    let json = args.next().as_deref() == Some("--json");
    for cert in KzCertificate::from_pem_or_der(&std::fs::read(&path)?)? {
        if json {
            println!("{}", serde_json::to_string_pretty(&cert.summary())?);
            continue;
        }
        println!("subject:   {}", cert.subject_string());
        println!("issuer:    {}", cert.issuer_string());
        println!("type:      {}", cert.subject_type());
        let roles: Vec<String> = cert.roles().iter().map(ToString::to_string).collect();
        println!("roles:     {}", roles.join(", "));
        println!("key usage: {}", cert.key_usage_class());
        if let Some(iin) = cert.iin() {
            let verdict = match iin.check(IdPolicy::Strict) {
                Ok(()) => "valid".to_owned(),
                Err(e) => e.to_string(),
            };
            println!("IIN:       {iin} ({verdict})");
        }
        if let Some(bin) = cert.bin() {
            let verdict = match bin.check(IdPolicy::Strict) {
                Ok(()) => "valid".to_owned(),
                Err(e) => e.to_string(),
            };
            println!("BIN:       {bin} ({verdict})");
        }
        println!("CRL:       {}", cert.crl_urls().join(" "));
        println!("OCSP:      {}", cert.ocsp_urls().join(" "));
    }
    Ok(())
}

//! Print what a PKCS#12 keystore holds.
//!
//! ```text
//! TANBA_P12_PASSWORD=Qwerty12 cargo run -p tanba-keys --example key_info -- file.p12
//! ```

use tanba_keys::{Keystore, Password};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: key_info FILE.p12   (password in TANBA_P12_PASSWORD)");
        std::process::exit(2);
    };
    let password = Password::new(std::env::var("TANBA_P12_PASSWORD").unwrap_or_default());
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let store = match Keystore::open_pkcs12(&data, &password) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    for entry in store.entries() {
        println!("alias:     {}", entry.alias());
        println!("key:       {}", entry.key_algorithm());
        println!("purpose:   {}", entry.purpose());
        if let Some(cert) = entry.certificate() {
            println!("subject:   {}", cert.subject());
            println!("issuer:    {}", cert.issuer());
            println!("serial:    {}", cert.serial_hex());
        }
        println!("chain:     {} certificate(s)", entry.chain().len());
    }
}

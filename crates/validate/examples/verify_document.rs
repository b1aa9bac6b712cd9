//! Verify every signature of a signed XML document — an XMLDSig document, a WS-Security
//! envelope, a SmartBridge submission — and print the report as JSON.
//!
//! ```sh
//! cargo run -p tanba-validate --example verify_document -- signed.xml [EXPECTED_IIN]
//! ```
//!
//! Certificates are not validated here (see `tanba verify` for trust, revocation and
//! time); the expected IIN, when given, is checked on the document's signers.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: verify_document FILE [EXPECTED_IIN]");
        std::process::exit(2);
    };
    let xml = match std::fs::read(&path) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let opts = tanba_validate::DocumentOptions {
        expected: tanba_pki::ExpectedIdentity {
            iin: args.next(),
            bin: None,
        },
        ..Default::default()
    };
    match tanba_validate::verify_document_vec(xml, &opts) {
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
        Ok(report) => {
            println!("{}", serde_json::to_string_pretty(&report).unwrap());
            std::process::exit(if report.is_passed() { 0 } else { 1 });
        }
    }
}

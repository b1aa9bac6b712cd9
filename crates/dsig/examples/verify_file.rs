//! Verify every XML signature of a file and print the signers in signing order.
//!
//! ```text
//! cargo run -p tanba-dsig --example verify_file -- signed.xml
//! ```
//! Also used to measure peak memory on large documents (`/usr/bin/time -v`).

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: verify_file FILE.xml");
        std::process::exit(2);
    };
    let xml = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let opts = tanba_dsig::VerifyOptions {
        discard_digested_bytes: true,
        ..Default::default()
    };
    match tanba_dsig::verify_vec(xml, &opts) {
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        }
        Ok(report) => {
            for s in &report.signatures {
                match &s.result {
                    Ok(v) => println!(
                        "signature #{} (signer {}): valid, {:?}, {} certificate(s) in KeyInfo",
                        s.index,
                        v.signing_order + 1,
                        v.signature_algorithm,
                        v.certificates.len()
                    ),
                    Err(e) => println!("signature #{}: INVALID: {e}", s.index),
                }
            }
            std::process::exit(if report.all_valid() { 0 } else { 1 });
        }
    }
}

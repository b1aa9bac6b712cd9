//! Helper of `benches/compare_python_xmlsec.sh`:
//!
//! * `peer_compare gen DIR N` — writes N signed 4 KB SendMessage envelopes (distinct
//!   message ids, NCA RSA-2048 test key, KeyIdentifier profile) and `cert.pem` into DIR;
//! * `peer_compare verify DIR SECONDS` — verifies them round-robin on one thread for
//!   SECONDS of CPU time and prints `tanba-wss <envelopes per CPU-second>`.

use std::time::Instant;

use base64::Engine as _;
use tanba_keys::{KeySelector, Keystore, Password};
use tanba_wss::{sign, verify, Data, SendMessage, Sender, SignOptions, SoapVersion, VerifyOptions};

fn envelope(message_id: &str, size: usize) -> String {
    let mut rows = String::new();
    let mut i = 0u64;
    loop {
        let env = SendMessage::new("GBDFL_UniversalServiceSync", Sender::new("tanba-bench"))
            .with_message_id(message_id)
            .with_data(
                Data::inline_document(
                    format!("<r><senderCode>TEST</senderCode>{rows}</r>").as_bytes(),
                )
                .expect("well-formed"),
            )
            .to_xml(SoapVersion::Soap11)
            .expect("valid envelope");
        if env.len() >= size {
            return env;
        }
        rows.push_str(&format!(
            "<person><iin>{:012}</iin><name>Тест</name></person>",
            123456789000 + i
        ));
        i += 1;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") => {
            let dir = std::path::PathBuf::from(&args[2]);
            let n: usize = args[3].parse()?;
            std::fs::create_dir_all(&dir)?;
            let p12 = tanba_testdata::read_nca("keys/individual_valid_sign_rsa_2004.p12");
            let signer = Keystore::open_pkcs12(&p12, &Password::new("Qwerty12"))?
                .signer(&KeySelector::Single)?;
            for i in 0..n {
                let env = envelope(&tanba_wss::uuid::new_v4(), 4096);
                let signed = sign(env.as_bytes(), &signer, &SignOptions::new())?;
                std::fs::write(dir.join(format!("env{i:04}.xml")), signed)?;
            }
            let cert = tanba_crypto::Signer::certificate_chain(&signer)[0].clone();
            let b64 = base64::engine::general_purpose::STANDARD.encode(cert);
            let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
            for c in b64.as_bytes().chunks(64) {
                pem.push_str(std::str::from_utf8(c)?);
                pem.push('\n');
            }
            pem.push_str("-----END CERTIFICATE-----\n");
            std::fs::write(dir.join("cert.pem"), pem)?;
        }
        Some("verify") => {
            let dir = std::path::PathBuf::from(&args[2]);
            let secs: f64 = args[3].parse()?;
            let mut files: Vec<_> = std::fs::read_dir(&dir)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "xml"))
                .collect();
            files.sort();
            let envs: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
            let opts = VerifyOptions::default();
            // CPU time of this thread (Linux), so that other processes competing for the
            // core do not count; wall time elsewhere.
            let cpu = || -> Option<f64> {
                let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
                Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
            };
            let wall = Instant::now();
            let now = || cpu().unwrap_or_else(|| wall.elapsed().as_secs_f64());
            let start = now();
            let mut n = 0u64;
            while now() - start < secs {
                for e in &envs {
                    verify(e, &opts)?;
                    n += 1;
                }
            }
            let rate = n as f64 / (now() - start);
            println!("tanba-wss {rate:.0}");
        }
        _ => eprintln!("usage: peer_compare gen DIR N | verify DIR SECONDS"),
    }
    Ok(())
}

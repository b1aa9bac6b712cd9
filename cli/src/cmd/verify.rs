//! `tanba verify` — every XML signature of a document: validity, signing order, signer
//! identity and what was signed.

use std::path::PathBuf;

use serde_json::json;
use tanba_dsig::{verify_vec, CheckMode, SignedNode, VerifyOptions};

use crate::error::CliError;
use crate::io::{display_name, read_input};

/// Arguments of `tanba verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba verify signed.xml
  tanba verify signed.xml --json --expect-iin 123456789011

Checks every ds:Signature (any prefix) with same-document references only; documents
signed by several Kalkan/NCANode signers are checked in peeling order and reported in
signing order. SHA-1 based signatures are refused unless --allow-legacy is given.
Certificate trust / revocation is NOT checked by this command yet: use `tanba cert check`
on the signer certificate (the report says so).

JSON (--json): {\"file\", \"valid\", \"certificate_validation\": \"not-performed\",
\"signatures\": [{\"index\", \"signing_order\", \"valid\", \"error\", \"mode\"
(\"standard\"|\"peeled\"), \"signature_algorithm\", \"references\": [{\"uri\", \"signed\"
(\"document\" | element name), \"id\"}], \"signer\": {\"subject\", \"iin\", \"bin\",
\"serial\", \"not_before\", \"not_after\"}}]}

Exit codes: 0 every signature valid (and --expect-iin/--expect-bin matched),
1 a signature is invalid or an expectation failed, 2 unreadable or malformed input,
or no signature.")]
pub struct Args {
    /// The signed XML document (`-` for stdin).
    pub file: PathBuf,
    /// Accept SHA-1 digests/signatures (legacy documents).
    #[arg(long)]
    pub allow_legacy: bool,
    /// Require every signer's certificate to carry this IIN.
    #[arg(long, value_name = "IIN")]
    pub expect_iin: Option<String>,
    /// Require every signer's certificate to carry this BIN.
    #[arg(long, value_name = "BIN")]
    pub expect_bin: Option<String>,
    /// Print one JSON object instead of a human report.
    #[arg(long)]
    pub json: bool,
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    let name = display_name(&args.file);
    let xml = read_input(&args.file)?;
    let opts = VerifyOptions {
        allow_legacy: args.allow_legacy,
        discard_digested_bytes: true,
        public_key: None,
    };
    let report = verify_vec(xml, &opts).map_err(|e| CliError::input(format!("{name}: {e}")))?;
    let doc = report.document();

    let mut all_ok = report.all_valid();
    let mut problems = Vec::new();
    let mut sigs_json = Vec::new();
    let mut human = Vec::new();
    for s in &report.signatures {
        match &s.result {
            Err(e) => {
                problems.push(e.to_string());
                human.push(format!("signature #{}: INVALID: {e}", s.index));
                sigs_json.push(json!({"index": s.index, "valid": false, "error": e.to_string()}));
            }
            Ok(v) => {
                let signer = v
                    .signer_certificate_der()
                    .map(tanba_pki::KzCertificate::from_der);
                let (signer_json, who, iin, bin) = match signer {
                    Some(Ok(c)) => {
                        let iin = c.iin().map(|i| i.as_str().to_owned());
                        let bin = c.bin().map(|b| b.as_str().to_owned());
                        let who = c.subject_string();
                        (
                            json!({
                                "subject": who,
                                "iin": iin,
                                "bin": bin,
                                "serial": c.serial_hex(),
                                "not_before": c.not_before().to_string(),
                                "not_after": c.not_after().to_string(),
                            }),
                            who,
                            iin,
                            bin,
                        )
                    }
                    Some(Err(e)) => (
                        json!({"error": e.to_string()}),
                        format!("(certificate not readable: {e})"),
                        None,
                        None,
                    ),
                    None => (json!(null), "(no certificate)".into(), None, None),
                };
                if let Some(want) = &args.expect_iin {
                    if iin.as_deref() != Some(want.as_str()) {
                        all_ok = false;
                        problems.push(format!(
                            "signature #{}: signer IIN {} is not the expected {want}",
                            s.index,
                            iin.as_deref().unwrap_or("(none)")
                        ));
                    }
                }
                if let Some(want) = &args.expect_bin {
                    if bin.as_deref() != Some(want.as_str()) {
                        all_ok = false;
                        problems.push(format!(
                            "signature #{}: signer BIN {} is not the expected {want}",
                            s.index,
                            bin.as_deref().unwrap_or("(none)")
                        ));
                    }
                }
                let refs: Vec<_> = v
                    .references
                    .iter()
                    .map(|r| match r.signed_node {
                        SignedNode::Document => {
                            json!({"uri": r.uri.to_uri_string(), "signed": "document"})
                        }
                        SignedNode::Element(e) => json!({
                            "uri": r.uri.to_uri_string(),
                            "signed": doc.qualified_name(e),
                            "id": doc.ids(e).next(),
                        }),
                    })
                    .collect();
                let mode = match &v.mode {
                    CheckMode::Standard => "standard",
                    CheckMode::Peeled { .. } => "peeled",
                };
                human.push(format!(
                    "signature #{} (signer {} of {}): valid, {:?}, {}; signer: {who}{}{}",
                    s.index,
                    v.signing_order + 1,
                    report.signatures.len(),
                    v.signature_algorithm,
                    v.references
                        .iter()
                        .map(|r| match r.signed_node {
                            SignedNode::Document => "whole document".to_owned(),
                            SignedNode::Element(e) => format!(
                                "element <{}> ({})",
                                doc.qualified_name(e),
                                r.uri.to_uri_string()
                            ),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    iin.as_deref()
                        .map(|i| format!(", IIN {i}"))
                        .unwrap_or_default(),
                    bin.as_deref()
                        .map(|b| format!(", BIN {b}"))
                        .unwrap_or_default(),
                ));
                sigs_json.push(json!({
                    "index": s.index,
                    "signing_order": v.signing_order,
                    "valid": true,
                    "mode": mode,
                    "signature_algorithm": format!("{:?}", v.signature_algorithm),
                    "signature_method": v.signature_algorithm.xml_uri(),
                    "references": refs,
                    "signer": signer_json,
                }));
            }
        }
    }
    if args.json {
        let out = json!({
            "file": name,
            "valid": all_ok,
            "certificate_validation": "not-performed",
            "signatures": sigs_json,
            "problems": problems,
        });
        println!("{out}");
    } else {
        for line in &human {
            println!("{line}");
        }
        println!(
            "certificate validation: not performed by `tanba verify` yet (use `tanba cert check`)"
        );
    }
    if all_ok {
        Ok(())
    } else {
        Err(CliError::check_failed(format!(
            "{name}: {}",
            problems.join("; ")
        )))
    }
}

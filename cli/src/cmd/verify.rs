//! `tanba verify` — every XML signature of a document: validity, signing order, signer
//! identity and what was signed.

use std::path::PathBuf;

use serde_json::json;
use tanba_dsig::{verify_vec, CheckMode, SignedNode, VerifyOptions};

use crate::cmd::cert_check::{
    load_pool, make_fetcher, make_policy, make_validator, ValidationArgs,
};
use crate::error::CliError;
use crate::io::{display_name, read_input};

/// Arguments of `tanba verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba verify signed.xml
  tanba verify signed.xml --json --expect-iin 123456789011

A SOAP envelope with a wsse:Security header is recognised and checked as `tanba wss verify`
does (transport signature over this envelope's Body, timestamp window, signer certificate).
Otherwise: checks every ds:Signature (any prefix) with same-document references only; documents
signed by several Kalkan/NCANode signers are checked in peeling order and reported in
signing order. SHA-1 based signatures are refused unless --allow-legacy is given.
Each signer's certificate (from KeyInfo; the other KeyInfo certificates serve as chain
candidates) is then validated with tanba-pki for a SIGN key under the trust / revocation /
time flags, exactly as `tanba cert check` does; --no-cert-check skips that step.
The signing time is not known from an XMLDSig: --at sets the validation moment.

JSON (--json): {\"file\", \"valid\", \"certificate_validation\": \"performed\" |
\"not-performed\", ... per signature \"certificate\": {\"verdict\", \"refusal\"},
\"signatures\": [{\"index\", \"signing_order\", \"valid\", \"error\", \"mode\"
(\"standard\"|\"peeled\"), \"signature_algorithm\", \"references\": [{\"uri\", \"signed\"
(\"document\" | element name), \"id\"}], \"signer\": {\"subject\", \"iin\", \"bin\",
\"serial\", \"not_before\", \"not_after\"}, \"key_source\": \"certificate\" |
\"key-value\" | \"der-encoded-key-value\" (a bare key: no signer identity)}]}

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
    /// Skip certificate validation (trust, revocation, time, key usage): report signature
    /// validity and the signer only.
    #[arg(long)]
    pub no_cert_check: bool,
    #[command(flatten)]
    pub validation: ValidationArgs,
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    let name = display_name(&args.file);
    let xml = read_input(&args.file)?;
    if tanba_wss::is_ws_security_envelope(&xml) {
        // A SOAP envelope with a wsse:Security header: the transport signature is checked
        // with the WS-Security rules (the signed Body must be this envelope's Body, …).
        let wss_args = crate::cmd::wss::VerifyArgs {
            envelope: args.file.clone(),
            validation: args.validation.clone(),
            pinned: Vec::new(),
            max_skew: 300,
            require_timestamp: false,
            require_header: Vec::new(),
            no_cert_check: args.no_cert_check,
            allow_legacy: args.allow_legacy,
            json: args.json,
        };
        return crate::cmd::wss::verify_envelope(
            &name,
            &xml,
            &wss_args,
            args.expect_iin.as_deref(),
            args.expect_bin.as_deref(),
        );
    }
    let opts = VerifyOptions {
        allow_legacy: args.allow_legacy,
        discard_digested_bytes: true,
        public_key: None,
    };
    let report = verify_vec(xml, &opts).map_err(|e| CliError::input(format!("{name}: {e}")))?;
    let doc = report.document();
    let validator = if args.no_cert_check {
        None
    } else {
        let policy = make_policy(
            &args.validation,
            tanba_pki::RequiredUsage::Sign,
            args.expect_iin.as_deref(),
            args.expect_bin.as_deref(),
        )?;
        let pool = load_pool(&args.validation)?;
        Some((pool, policy))
    };
    let fetcher = make_fetcher(&args.validation)?;
    let validator = match validator {
        None => None,
        Some((pool, policy)) => Some(make_validator(
            &args.validation,
            pool,
            policy,
            fetcher.as_ref(),
        )?),
    };

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
                    None if v.key_source.is_bare_key() => (
                        json!(null),
                        "(no certificate: a bare key from KeyInfo, whose owner cannot be established)"
                            .into(),
                        None,
                        None,
                    ),
                    None => (json!(null), "(no certificate)".into(), None, None),
                };
                let key_source = match &v.key_source {
                    tanba_dsig::KeySource::Supplied => "supplied",
                    tanba_dsig::KeySource::Certificate(_) => "certificate",
                    tanba_dsig::KeySource::KeyValue { .. } => "key-value",
                    tanba_dsig::KeySource::DerEncodedKeyValue { .. } => "der-encoded-key-value",
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
                let mut cert_line = None;
                let cert_json = match (&validator, v.signer_certificate) {
                    (None, _) => json!(null),
                    (Some(_), None) => {
                        all_ok = false;
                        problems.push(format!(
                            "signature #{}: no signer certificate to validate",
                            s.index
                        ));
                        json!({"verdict": "invalid", "refusal": "no certificate"})
                    }
                    (Some(val), Some(ci)) => {
                        let extra: Vec<tanba_pki::ChainCert> = v
                            .certificates
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| *i != ci)
                            .filter_map(|(_, d)| tanba_pki::ChainCert::from_der(d).ok())
                            .collect();
                        let rep = val.validate(&v.certificates[ci], &extra);
                        let ok = rep.verdict == tanba_pki::Verdict::Valid;
                        let refusal = rep.refusal();
                        if !ok {
                            all_ok = false;
                            problems.push(format!(
                                "signature #{}: signer certificate: {}",
                                s.index,
                                refusal.clone().unwrap_or_else(|| "not valid".into())
                            ));
                        }
                        cert_line = Some(format!(
                            "  certificate: {}{}",
                            if ok { "VALID" } else { "INVALID" },
                            refusal
                                .as_deref()
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default()
                        ));
                        json!({"verdict": if ok { "valid" } else { "invalid" }, "refusal": refusal})
                    }
                };
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
                human.extend(cert_line);
                sigs_json.push(json!({
                    "index": s.index,
                    "signing_order": v.signing_order,
                    "valid": true,
                    "mode": mode,
                    "signature_algorithm": format!("{:?}", v.signature_algorithm),
                    "signature_method": v.signature_algorithm.xml_uri(),
                    "references": refs,
                    "signer": signer_json,
                    "key_source": key_source,
                    "certificate": cert_json,
                }));
            }
        }
    }
    if args.json {
        let out = json!({
            "file": name,
            "valid": all_ok,
            "certificate_validation": if validator.is_some() { "performed" } else { "not-performed" },
            "signatures": sigs_json,
            "problems": problems,
        });
        println!("{out}");
    } else {
        for line in &human {
            println!("{line}");
        }
        if validator.is_none() {
            println!("certificate validation: not performed (--no-cert-check)");
        }
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

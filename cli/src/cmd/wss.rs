//! `tanba wss sign|verify` — the WS-Security transport signature of a SOAP envelope.

use std::path::PathBuf;

use serde_json::json;
use tanba_pki::{RequiredUsage, Verdict};
use tanba_wss::{KeyInfoForm, SignOptions, SignedPart, TokenReference, VerifyOptions};

use super::cert_check::{load_pool, make_fetcher, make_policy, make_validator, ValidationArgs};
use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};
use crate::keyarg::Pkcs12Args;

/// Arguments of `tanba wss`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// `tanba wss` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Add the WS-Security transport signature to a SOAP envelope.
    Sign(SignArgs),
    /// Check the transport signature, that it covers the Body actually present, the
    /// timestamp window, and the signer's certificate.
    Verify(VerifyArgs),
}

/// Arguments of `tanba wss sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba envelope --data req.xml --service-id S --sender-id login | \\
      tanba wss sign - --key RSA256_abc.p12 --password-env PW --out signed.xml
  tanba wss sign envelope.xml --key GOST512_abc.p12 --password-file pw.txt --timestamp 300

The SmartBridge reference profile (SMARTBRIDGE.md §6.2): wsse:Security with
mustUnderstand=\"1\" in the Header, one ds:Signature over the Body (which gets
wsu:Id=\"id-<uuid>\"), exclusive C14N, the algorithm of the key (RSA-SHA256, GOST
2015-512 with the pkigovkz URIs), KeyInfo = wsse:SecurityTokenReference/KeyIdentifier
(X509v3) holding the certificate; --bst uses a BinarySecurityToken instead; --timestamp
adds a signed wsu:Timestamp. Empty template signatures are removed first; an envelope
already carrying a transport signature is refused. Output: compact UTF-8, stdout or --out.
Exit codes: 0 signed, 2 unreadable input, not an envelope, wrong password, unusable key.")]
pub struct SignArgs {
    /// The SOAP envelope (`-` for stdin).
    pub envelope: PathBuf,
    #[command(flatten)]
    pub key: Pkcs12Args,
    /// Add a signed wsu:Timestamp valid for this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timestamp: Option<u32>,
    /// Reference the certificate through a wsse:BinarySecurityToken.
    #[arg(long)]
    pub bst: bool,
    /// Write the signed envelope here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// Arguments of `tanba wss verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba wss verify signed.xml --trust nca_rsa_test.crt --crl nca_rsa_test.crl \\
      --at 2022-06-01T00:00:00Z --allow-test-identifiers
  tanba wss verify response.xml --pinned smartbridge.cer --trust ca/ --no-revocation --json

Checks: exactly one Body (a direct child of the Envelope; a second Body, a Body inside the
Header, an Id collision or a signature over something else are rejected as signature
wrapping, naming the attack); one wsse:Security header (mustUnderstand) with one
ds:Signature; exclusive C14N; digests and SignatureValue; --require-header parts signed;
the wsu:Timestamp window (--at, --max-skew; --require-timestamp makes it mandatory); then
the signer's certificate with the trust / revocation / time flags, as `tanba cert check`
(--no-cert-check skips that step and says so). IssuerSerial and ThumbprintSHA1 token
references are resolved against --pinned certificates.

JSON (--json): {\"file\", \"valid\", \"error\", \"signature_algorithm\", \"token\",
\"signed_parts\": [{\"part\" (body|timestamp|token|header), \"id\", \"name\"}], \"timestamp\":
{\"created\", \"expires\"}|null, \"signer\": {\"subject\", \"iin\", \"bin\", \"serial\"},
\"certificate\": {\"verdict\", \"refusal\"}|\"not-checked\"}

Exit codes: 0 valid; 1 the signature, a wrapping check, the timestamp or the certificate
failed; 2 unreadable input, not a SOAP envelope, bad flags.")]
pub struct VerifyArgs {
    /// The signed SOAP envelope (`-` for stdin).
    pub envelope: PathBuf,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// Certificates known out of band (e.g. SmartBridge's), PEM or DER; repeatable.
    #[arg(long, value_name = "CERT")]
    pub pinned: Vec<PathBuf>,
    /// Allowed clock difference for the Timestamp, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "300")]
    pub max_skew: u32,
    /// Require a signed wsu:Timestamp.
    #[arg(long)]
    pub require_timestamp: bool,
    /// A header block that must be present and signed: '{namespace}local'; repeatable.
    #[arg(long, value_name = "{NS}LOCAL")]
    pub require_header: Vec<String>,
    /// Do not validate the signer's certificate (the report says so).
    #[arg(long)]
    pub no_cert_check: bool,
    /// Accept SHA-1 based algorithms (legacy messages).
    #[arg(long)]
    pub allow_legacy: bool,
    /// Print one JSON object instead of a human report.
    #[arg(long)]
    pub json: bool,
}

/// Run `tanba wss …`.
pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        Sub::Sign(a) => sign(a),
        Sub::Verify(a) => verify(a),
    }
}

fn sign(args: &SignArgs) -> Result<(), CliError> {
    let name = display_name(&args.envelope);
    let xml = read_input(&args.envelope)?;
    let signer = args.key.signer()?;
    let mut opts = SignOptions::new();
    if args.bst {
        opts = opts.with_key_info(KeyInfoForm::BinarySecurityToken);
    }
    if let Some(s) = args.timestamp {
        opts = opts.with_timestamp(time::Duration::seconds(i64::from(s)));
    }
    let signed = tanba_wss::sign(&xml, &signer, &opts)
        .map_err(|e| CliError::input(format!("{name}: {e}")))?;
    write_output(args.out.as_deref(), &signed)
}

fn parse_header(s: &str) -> Result<(String, String), CliError> {
    let err = || {
        CliError::input(format!(
            "--require-header {s:?}: expected '{{namespace}}local'"
        ))
    };
    let rest = s.strip_prefix('{').ok_or_else(err)?;
    let (ns, local) = rest.split_once('}').ok_or_else(err)?;
    if local.is_empty() {
        return Err(err());
    }
    Ok((ns.to_owned(), local.to_owned()))
}

fn verify(args: &VerifyArgs) -> Result<(), CliError> {
    let name = display_name(&args.envelope);
    let xml = read_input(&args.envelope)?;
    verify_envelope(&name, &xml, args, None, None)
}

/// Verify an already-read envelope (`tanba wss verify`, and `tanba verify` when it recognises
/// a WS-Security envelope); `expect_iin` / `expect_bin` also require the signer's identifier.
pub fn verify_envelope(
    name: &str,
    xml: &[u8],
    args: &VerifyArgs,
    expect_iin: Option<&str>,
    expect_bin: Option<&str>,
) -> Result<(), CliError> {
    let at = match &args.validation.at {
        Some(s) => Some(
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map_err(|e| {
                    CliError::input(format!("--at {s:?} is not an RFC 3339 instant: {e}"))
                })?,
        ),
        None => None,
    };
    let mut pinned = Vec::new();
    for p in &args.pinned {
        let bytes = read_input(p)?;
        let ders = tanba_pki::chain_cert::certificates_from_pem_or_der(&bytes)
            .map_err(|e| CliError::input(format!("{}: {e}", display_name(p))))?;
        pinned.extend(ders);
    }
    let opts = VerifyOptions {
        at,
        clock_skew: time::Duration::seconds(i64::from(args.max_skew)),
        require_timestamp: args.require_timestamp,
        required_headers: args
            .require_header
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<_, _>>()?,
        pinned_certificates: pinned,
        allow_legacy: args.allow_legacy,
        ..VerifyOptions::default()
    };
    // Build the certificate policy before verifying, so flag errors are usage errors.
    let cert_ctx = if args.no_cert_check {
        None
    } else {
        let policy = make_policy(&args.validation, RequiredUsage::Any, expect_iin, expect_bin)?;
        Some((
            policy,
            load_pool(&args.validation)?,
            make_fetcher(&args.validation)?,
        ))
    };

    let result = tanba_wss::verify(xml, &opts);
    let v = match result {
        Ok(v) => v,
        Err(e) => {
            let input_error = matches!(e, tanba_wss::WssError::Envelope(_));
            let msg = format!("{name}: {e}");
            if args.json {
                println!(
                    "{}",
                    json!({"file": name, "valid": false, "error": e.to_string()})
                );
            } else if !input_error {
                println!("INVALID: {e}");
            }
            return Err(if input_error {
                CliError::input(msg)
            } else {
                CliError::check_failed(msg)
            });
        }
    };

    let parts: Vec<_> = v
        .signed_parts
        .iter()
        .map(|p| match p {
            SignedPart::Body { id } => json!({"part": "body", "id": id}),
            SignedPart::Timestamp { id } => json!({"part": "timestamp", "id": id}),
            SignedPart::SecurityToken { id } => json!({"part": "token", "id": id}),
            SignedPart::Header {
                namespace,
                local,
                id,
            } => json!({"part": "header", "id": id, "name": format!("{{{namespace}}}{local}")}),
        })
        .collect();
    let token = match &v.token {
        TokenReference::KeyIdentifier => "KeyIdentifier".to_owned(),
        TokenReference::BinarySecurityToken { id } => format!("BinarySecurityToken #{id}"),
        TokenReference::X509Certificate => "X509Certificate".to_owned(),
        TokenReference::IssuerSerial { .. } => "X509IssuerSerial (pinned)".to_owned(),
        TokenReference::ThumbprintSha1 => "ThumbprintSHA1 (pinned)".to_owned(),
    };
    let signer = tanba_pki::KzCertificate::from_der(&v.signer_certificate);
    let signer_json = match &signer {
        Ok(c) => json!({
            "subject": c.subject_string(),
            "iin": c.iin().map(|i| i.as_str().to_owned()),
            "bin": c.bin().map(|b| b.as_str().to_owned()),
            "serial": c.serial_hex(),
        }),
        Err(e) => json!({"error": e.to_string()}),
    };
    let who = match &signer {
        Ok(c) => c.subject_string(),
        Err(e) => format!("(certificate not readable: {e})"),
    };

    let mut problem = None;
    let cert_json = match cert_ctx {
        None => json!("not-checked"),
        Some((policy, pool, fetcher)) => {
            let val = make_validator(&args.validation, pool, policy, fetcher.as_ref())?;
            let report = val.validate(&v.signer_certificate, &[]);
            if report.verdict == Verdict::Invalid {
                problem = Some(
                    report
                        .refusal()
                        .unwrap_or_else(|| "the signer's certificate is not valid".into()),
                );
            }
            json!({
                "verdict": if report.verdict == Verdict::Valid { "valid" } else { "invalid" },
                "refusal": report.refusal(),
            })
        }
    };
    let ts = v.timestamp.map(|t| {
        json!({
            "created": tanba_wss::datetime::format(t.created),
            "expires": t.expires.map(tanba_wss::datetime::format),
        })
    });
    if args.json {
        println!(
            "{}",
            json!({
                "file": name,
                "valid": problem.is_none(),
                "error": problem,
                "signature_algorithm": v.signature_algorithm.xml_uri(),
                "token": token,
                "signed_parts": parts,
                "timestamp": ts,
                "signer": signer_json,
                "certificate": cert_json,
            })
        );
    } else {
        println!(
            "transport signature: valid ({:?}, token {token}); signed: {}",
            v.signature_algorithm,
            v.signed_parts
                .iter()
                .map(|p| match p {
                    SignedPart::Body { id } => format!("the envelope's Body (#{id})"),
                    SignedPart::Timestamp { id } => format!("Timestamp (#{id})"),
                    SignedPart::SecurityToken { id } => format!("BinarySecurityToken (#{id})"),
                    SignedPart::Header { local, id, .. } => format!("header {local} (#{id})"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(t) = v.timestamp {
            println!(
                "timestamp: created {}{}",
                tanba_wss::datetime::format(t.created),
                t.expires
                    .map(|e| format!(", expires {}", tanba_wss::datetime::format(e)))
                    .unwrap_or_default()
            );
        }
        println!("signer: {who}");
        match (&problem, args.no_cert_check) {
            (_, true) => println!("certificate: not checked (--no-cert-check)"),
            (None, false) => println!("certificate: valid"),
            (Some(p), false) => println!("certificate: INVALID: {p}"),
        }
    }
    match problem {
        None => Ok(()),
        Some(p) => Err(CliError::check_failed(format!("{name}: {p}"))),
    }
}

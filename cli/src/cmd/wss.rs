//! `tanba wss sign|verify` — the WS-Security transport signature of a SOAP envelope.

use std::path::PathBuf;

use tanba_pki::ExpectedIdentity;
use tanba_validate::{Request, Scope};
use tanba_wss::{KeyInfoForm, SignOptions};

use super::cert_check::ValidationArgs;
use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};
use crate::keyarg::Pkcs12Args;

/// Arguments of `tanba wss`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// `tanba wss` subcommands (parsed once per run: their size does not matter).
#[allow(clippy::large_enum_variant)]
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

Only the transport signature is judged; `tanba verify` checks every layer of the message
(the business signatures inside the Body too).

JSON (--json): the report `tanba verify --json` gives, with the transport signature only:
{\"file\", \"valid\", \"verdict\", \"format\", \"signatures\": [{\"layer\": \"transport\",
\"valid\", \"error\", \"signature_method\", \"signer\", \"transport\": {\"token\",
\"signed_parts\": [{\"part\" (body|timestamp|token|header), \"id\", \"name\"}], \"timestamp\"},
\"identity\", \"certificate\": {\"verdict\", \"refusal\", \"report\"}|null}], \"problems\"}

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
    /// Require the transport signer to carry this IIN (checked even with --no-cert-check).
    #[arg(long, value_name = "IIN")]
    pub expect_iin: Option<String>,
    /// Require the transport signer to carry this BIN (checked even with --no-cert-check).
    #[arg(long, value_name = "BIN")]
    pub expect_bin: Option<String>,
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
    let mut wss = crate::cmd::verify::wss_options(args.allow_legacy);
    for p in &args.pinned {
        let bytes = read_input(p)?;
        let ders = tanba_pki::chain_cert::certificates_from_pem_or_der(&bytes)
            .map_err(|e| CliError::input(format!("{}: {e}", display_name(p))))?;
        wss.pinned_certificates.extend(ders);
    }
    wss.clock_skew = time::Duration::seconds(i64::from(args.max_skew));
    wss.require_timestamp = args.require_timestamp;
    wss.required_headers = args
        .require_header
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<_, _>>()?;
    let request = Request {
        at: super::cert_check::at(&args.validation)?,
        expected: ExpectedIdentity {
            iin: args.expect_iin.clone(),
            bin: args.expect_bin.clone(),
        },
        skip_certificates: args.no_cert_check,
        scope: Scope::TransportOnly,
        dsig: tanba_dsig::VerifyOptions {
            allow_legacy: args.allow_legacy,
            ..tanba_dsig::VerifyOptions::default()
        },
        wss,
        revocation: None,
    };
    crate::cmd::verify::verify_with_certificates(&name, xml, &request, &args.validation, args.json)
}

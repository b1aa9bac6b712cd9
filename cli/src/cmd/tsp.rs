//! `tanba tsp` — RFC 3161 time stamps: `stamp` asks a TSA for a token over a file,
//! `verify` judges a token (the core's report, format `time_stamp`).

use std::path::PathBuf;

use tanba_cms::tsp::Stamped;
use tanba_crypto::DigestAlgorithm;
use tanba_validate::{Request, Validator};

use crate::cmd::cert_check::{document_trust_config, ValidationArgs};
use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};

/// Arguments of `tanba tsp`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Ask a TSA for a time-stamp token over a file.
    Stamp(StampArgs),
    /// Verify a time-stamp token (and what it stamps) and judge the TSA.
    Verify(VerifyArgs),
}

/// `tanba tsp stamp`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba tsp stamp contract.pdf --tsa http://tsp.pki.gov.kz --hash streebog512 --out contract.tsr

The request carries the file's digest, the policy (default by the hash: streebog512 →
1.2.398.3.3.2.6.4, gost34311 → .6.1, SHA-2 → .6.2), 8 random nonce bytes and certReq.
The answer is checked (granted, the TSA's signature, the imprint, the nonce, the
timeStamping EKU) before the token is written; trust in the TSA is `tsp verify`'s job.
Exit codes: 0 written, 1 the TSA refused or its answer does not hold, 2 unreadable input.")]
pub struct StampArgs {
    /// The file to stamp (`-` for stdin).
    pub file: PathBuf,
    /// The TSA's URL.
    #[arg(long, value_name = "URL")]
    pub tsa: String,
    /// The imprint's hash: sha256, sha384, sha512, streebog256, streebog512, gost34311.
    #[arg(long, value_name = "ALG", default_value = "sha256")]
    pub hash: String,
    /// The policy to ask for.
    #[arg(long, value_name = "OID")]
    pub tsa_policy: Option<String>,
    /// One deadline for the answer, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    pub tsa_deadline: u64,
    /// Write the token (DER) here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// `tanba tsp verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba tsp verify contract.tsr --data contract.pdf --trust-set nca-prod
  tanba tsp verify token.der --digest sha256:HEX --no-cert-check --json

The TSA is the token's one signer: its signature over the TSTInfo, the imprint over the
--data file (or the --digest), the timeStamping EKU, then its certificate under the trust /
revocation flags at genTime. JSON (--json): the report of `tanba verify` with \"format\":
\"time_stamp\". Exit codes: 0 the token holds, 1 it does not, 2 unreadable input.")]
pub struct VerifyArgs {
    /// The token (DER, PEM or base64; a whole TimeStampResp too; `-` for stdin).
    pub token: PathBuf,
    /// The stamped data.
    #[arg(long, value_name = "FILE", required_unless_present = "digest")]
    pub data: Option<PathBuf>,
    /// The stamped digest (ALG:HEX) instead of the data.
    #[arg(long, value_name = "ALG:HEX", conflicts_with = "data")]
    pub digest: Option<String>,
    /// Accept SHA-1 imprints and signatures (old tokens).
    #[arg(long)]
    pub allow_legacy: bool,
    /// Do not judge the TSA certificate (the report says so).
    #[arg(long)]
    pub no_cert_check: bool,
    /// Print one JSON object (the core's report).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub validation: ValidationArgs,
}

/// Run `tanba tsp …`.
pub fn run(a: &Args) -> Result<(), CliError> {
    match &a.command {
        Sub::Stamp(s) => stamp(s),
        Sub::Verify(v) => verify(v),
    }
}

fn stamp(a: &StampArgs) -> Result<(), CliError> {
    let (alg, _) = crate::cmd::cms::parse_digest(&format!("{}:", a.hash), false)?;
    let data = read_input(&a.file)?;
    let policy = a.tsa_policy.clone().unwrap_or_else(|| {
        match alg {
            DigestAlgorithm::Streebog512 | DigestAlgorithm::Streebog256 => {
                tanba_cms::tsp::policy::GOST_2015
            }
            DigestAlgorithm::Gost34311 => tanba_cms::tsp::policy::GOST_2004,
            _ => tanba_cms::tsp::policy::RSA,
        }
        .to_string()
    });
    let request = tanba_cms::TimeStampRequest::new(
        alg,
        alg.digest(&data),
        Some(&policy),
        Some(tanba_cms::TimeStampRequest::random_nonce()),
    );
    let fetcher = tanba_pki::Fetcher::new(tanba_pki::FetchConfig::default())
        .map_err(|e| CliError::input(e.to_string()))?;
    let (token, _) = tanba_cms::tsp::stamp(
        &fetcher,
        &a.tsa,
        &request,
        std::time::Instant::now() + std::time::Duration::from_secs(a.tsa_deadline),
        &tanba_crypto::AlgorithmPolicy::default(),
    )
    .map_err(|e| CliError::check_failed(format!("{}: {e}", a.tsa)))?;
    write_output(a.out.as_deref(), token.cms.der())
}

fn verify(a: &VerifyArgs) -> Result<(), CliError> {
    let name = display_name(&a.token);
    let bytes = read_input(&a.token)?;
    let data = a.data.as_deref().map(read_input).transpose()?;
    let digest = a
        .digest
        .as_deref()
        .map(|d| crate::cmd::cms::parse_digest(d, true))
        .transpose()?;
    let stamped = match (&data, &digest) {
        (Some(d), _) => Stamped::Data(d),
        (None, Some((algorithm, value))) => Stamped::Digest {
            algorithm: *algorithm,
            value,
        },
        (None, None) => return Err(CliError::input("give --data FILE or --digest ALG:HEX")),
    };
    let request = Request {
        skip_certificates: a.no_cert_check,
        dsig: tanba_dsig::VerifyOptions {
            allow_legacy: a.allow_legacy,
            ..Default::default()
        },
        ..Default::default()
    };
    let config = document_trust_config(&a.validation, a.no_cert_check)?;
    let report = Validator::new(config)
        .validate_time_stamp(&bytes, stamped, &request)
        .map_err(|e| crate::cmd::report::error(&name, &e, a.json))?;
    crate::cmd::report::finish(&name, &report, a.json)
}

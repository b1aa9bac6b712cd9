//! `tanba result` — the provider side: build an issued result (licence, permit,
//! conclusion, certificate, act, refusal) from JSON and sign it as an employee of the
//! issuing body.

use std::path::PathBuf;

use tanba_egov::{sign_result, ResultDocument, Timestamp};

use crate::cmd::application::{egov_error, write_signed};
use crate::cmd::licence::CheckArgs;
use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};
use crate::keyarg::KeyArgs;

/// Arguments of `tanba result`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands (parsed once per run: their size does not matter).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Build a result document XML from JSON (validated; errors name the field).
    Build(BuildArgs),
    /// Sign a result document as the provider (an employee of the issuing body).
    Sign(SignArgs),
}

/// `tanba result build`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba result build testdata/examples/licence-result.json --out licence.xml

JSON: {kind: licence|permit|conclusion|certificate|act|refusal, number, issued_at?
(RFC 3339, default now), issue_date? (DD.MM.YYYY, default the date of issued_at),
validity? {from, until?}, holder {id {iin|bin}, name}, issuing_body {name, bin},
service_code, application_id, decision {text?, sub_types?}}. A refusal needs
decision.text and has no validity.
Exit codes: 0 written, 2 unreadable or invalid input (the message names the field).")]
pub struct BuildArgs {
    /// The JSON description (`-` for stdin).
    pub file: PathBuf,
    /// Write the XML here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// `tanba result sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba result sign licence.xml --key employee.p12 --password-env PW --trust root.pem --crl ca.crl --out licence.signed.xml

Before signing, the signer's certificate must be valid and not revoked at the document's
IssuedAt, a SIGN key, carry the issuing body's BIN and a legal-entity employee role;
otherwise \"authenticity of the EDS not confirmed: ...\" and nothing is written.
Exit codes: 0 signed, 1 refused, 2 unreadable or invalid input.")]
pub struct SignArgs {
    /// The result document (`-` for stdin).
    pub file: PathBuf,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub check: CheckArgs,
    /// Write the signed document here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        Sub::Build(a) => {
            let name = display_name(&a.file);
            let json = read_input(&a.file)?;
            let r = ResultDocument::from_json(&json, Timestamp::now_utc())
                .map_err(|e| CliError::input(format!("{name}: {e}")))?;
            write_output(a.out.as_deref(), &r.to_xml())
        }
        Sub::Sign(a) => {
            let name = display_name(&a.file);
            let xml = read_input(&a.file)?;
            let checker = a.check.checker()?;
            let signer = a.key.signer()?;
            let signed = sign_result(&xml, &signer, &checker).map_err(|e| egov_error(&name, e))?;
            write_signed(a.out.as_deref(), &signed, "signed")
        }
    }
}

//! `tanba application` — build an application from JSON, sign it as the applicant (after
//! the pre-sign checks), countersign it as an operator, verify it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;
use tanba_egov::{
    countersign_application, sign_application, verify_application, Application, BuildContext,
    EgovError, Signed, Timestamp,
};

use crate::cmd::licence::CheckArgs;
use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};
use crate::keyarg::KeyArgs;

/// Arguments of `tanba application`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands (parsed once per run: their size does not matter).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Build an application XML from a JSON form (validated; errors name the field).
    Build(BuildArgs),
    /// Sign an application as the applicant, after the pre-sign certificate checks.
    Sign(SignArgs),
    /// Add an operator's countersignature to an applicant-signed application.
    Countersign(CountersignArgs),
    /// Verify a signed application: signatures, signers and roles, attachments.
    Verify(VerifyArgs),
    /// Wrap a signed application in a transport-signed SendMessage; `--send URL` posts it.
    Submit(SubmitArgs),
}

/// `tanba application submit`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba application submit signed.xml --service-id ELICENSE_APPLICATION_SYNC --sender-id my-portal \\
      --key portal.p12 --password-env PW --send http://127.0.0.1:8080/bip-sync-wss-gost/ --trust sb.pem

The signed application travels byte for byte as an xs:string inside requestData/data (its
signature survives); the envelope gets the WS-Security transport signature. Without
--send the envelope is written to --out or stdout. With --send the answer is parsed:
a status (code, message) or a SOAP fault; retries resend the same bytes (same messageId).
Exit codes: 0 written / status received, 1 SOAP fault or response signature not valid,
2 bad input (not a validly signed application) or endpoint unreachable.")]
pub struct SubmitArgs {
    /// The signed application (`-` for stdin).
    pub file: PathBuf,
    /// SmartBridge serviceId of the receiving service.
    #[arg(long, value_name = "ID")]
    pub service_id: String,
    #[command(flatten)]
    pub common: crate::cmd::gateway::Common,
}

/// `tanba application build`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba application build testdata/examples/import-licence.json --out app.xml
  tanba application build form.json --attachments scans/ --out app.xml

The JSON shape is documented in the README (see testdata/examples/*.json): service,
applicant {kind, id {iin|bin}, name}, optional representative with power_of_attorney,
form {type: import_export_licence | qualification_conformity | generic, ...},
attachments [{file_name, media_type, size?, sha256?}], optional payment, consent.
Missing id / created_at / consent text / consent time are filled in (a new id, now).
With --attachments DIR each attachment's size and SHA-256 are computed from DIR/file_name.
Exit codes: 0 written, 2 unreadable or invalid input (the message names the field).")]
pub struct BuildArgs {
    /// The JSON form (`-` for stdin).
    pub form: PathBuf,
    /// Folder holding the attachments listed in the form.
    #[arg(long, value_name = "DIR")]
    pub attachments: Option<PathBuf>,
    /// Application id to use when the JSON has none (default: a new random id).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Write the XML here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// `tanba application sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  TANBA_PW=Qwerty12 tanba application sign app.xml --key RSA256_abc.p12 --password-env TANBA_PW --out signed.xml
  tanba application sign app.xml --key testdata/pki/keys/individual.key.pem \\
      --cert testdata/pki/certs/individual.pem --trust testdata/pki/certs/root.pem \\
      --trust testdata/pki/certs/ca.pem --crl testdata/pki/crl/ca.crl --at 2026-06-01T00:00:00Z --out signed.xml

Before signing (seed 004 L149-157) the signer's certificate is checked: chain to a
trusted root, validity, revocation, SIGN key usage, and IIN/BIN equal to the applicant's
(a BIN applicant's certificate must carry the same BIN and a first-head / signatory role;
with a representative, the representative's IIN). With --attachments DIR the files must
match the digests in the application. If any check fails the command refuses with
\"authenticity of the EDS not confirmed: <check>: <detail>\" and writes nothing.
Exit codes: 0 signed, 1 refused (a check failed), 2 unreadable or invalid input.")]
pub struct SignArgs {
    /// The application XML (`-` for stdin).
    pub file: PathBuf,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Folder holding the attachments: they must match their recorded digests.
    #[arg(long, value_name = "DIR")]
    pub attachments: Option<PathBuf>,
    #[command(flatten)]
    pub check: CheckArgs,
    /// Write the signed application here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// `tanba application countersign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba application countersign signed.xml --key operator.p12 --password-env PW --operator-bin 123456789021 --out certified.xml

The application must carry a valid applicant signature. The operator's certificate must
be a legal-entity employee's SIGN certificate (of --operator-bin when given), valid and
not revoked. The new enveloped signature covers the application, its attachment digests
and the applicant's signature.
Exit codes: 0 signed, 1 refused, 2 unreadable input or no valid applicant signature.")]
pub struct CountersignArgs {
    /// The applicant-signed application (`-` for stdin).
    pub file: PathBuf,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Require the operator's certificate to carry this BIN (the State Corporation's).
    #[arg(long, value_name = "BIN")]
    pub operator_bin: Option<String>,
    #[command(flatten)]
    pub check: CheckArgs,
    /// Write the countersigned application here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// `tanba application verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba application verify certified.xml --attachments scans/ --trust root.pem --crl ca.crl

Checks every signature (covering the whole application), the applicant's certificate
against the pre-sign rules, operators' certificates (legal-entity employees, SIGN), and
the attachments in --attachments DIR against their digests (missing / altered named).
JSON (--json): {\"file\", \"valid\", \"failures\": [..], \"signers\": [{\"role\"
(\"applicant\"|\"operator\"), \"signer\": {\"subject\", \"common_name\", \"iin\", \"bin\",
\"organization\", \"roles\", \"key_usage\", \"serial\"}, \"algorithm\"}], \"application\":
{\"id\", \"service_code\", \"applicant\"}, \"attachments\": [{\"file_name\", \"status\"}]}
Exit codes: 0 valid, 1 a check failed, 2 unreadable input or no signature.")]
pub struct VerifyArgs {
    /// The signed application (`-` for stdin).
    pub file: PathBuf,
    /// Folder holding the attachments to re-hash.
    #[arg(long, value_name = "DIR")]
    pub attachments: Option<PathBuf>,
    #[command(flatten)]
    pub check: CheckArgs,
    /// Print one JSON object instead of a human report.
    #[arg(long)]
    pub json: bool,
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        Sub::Build(a) => build(a),
        Sub::Sign(a) => sign(a),
        Sub::Countersign(a) => countersign(a),
        Sub::Verify(a) => verify(a),
        Sub::Submit(a) => submit(a),
    }
}

/// Map a library error: refusals and failed checks exit 1, everything else 2.
pub fn egov_error(name: &str, e: EgovError) -> CliError {
    match e {
        EgovError::EdsNotConfirmed { .. } | EgovError::Attachments { .. } => {
            CliError::check_failed(format!("{name}: {e}"))
        }
        other => CliError::input(format!("{name}: {other}")),
    }
}

/// Write a signed document to `out` (or stdout); with `--out`, say on stderr who signed
/// (`verb` = "signed", "countersigned").
pub fn write_signed(out: Option<&Path>, signed: &Signed, verb: &str) -> Result<(), CliError> {
    write_output(out, &signed.xml)?;
    if out.is_some() {
        let _ = writeln!(std::io::stderr(), "{verb} by {}", signed.signer.describe());
    }
    Ok(())
}

/// A new application id: `APP-` and 16 hex digits from the clock and the process.
pub fn new_application_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u128);
    h.write_u32(std::process::id());
    format!("APP-{:016X}", h.finish())
}

fn build(a: &BuildArgs) -> Result<(), CliError> {
    let name = display_name(&a.form);
    let json = read_input(&a.form)?;
    let id = a.id.clone().unwrap_or_else(new_application_id);
    let ctx = BuildContext {
        id: id
            .parse()
            .map_err(|e: tanba_egov::values::ValueError| CliError::input(format!("--id: {e}")))?,
        now: Timestamp::now_utc(),
        attachments_dir: a.attachments.as_deref(),
    };
    let app =
        Application::from_json(&json, &ctx).map_err(|e| CliError::input(format!("{name}: {e}")))?;
    write_output(a.out.as_deref(), &app.to_xml())
}

fn sign(a: &SignArgs) -> Result<(), CliError> {
    let name = display_name(&a.file);
    let xml = read_input(&a.file)?;
    let checker = a.check.checker()?;
    let signer = a.key.signer()?;
    let signed = sign_application(&xml, &signer, &checker, a.attachments.as_deref())
        .map_err(|e| egov_error(&name, e))?;
    write_signed(a.out.as_deref(), &signed, "signed")
}

fn countersign(a: &CountersignArgs) -> Result<(), CliError> {
    let name = display_name(&a.file);
    let xml = read_input(&a.file)?;
    let checker = a.check.checker()?;
    let signer = a.key.signer()?;
    let signed = countersign_application(&xml, &signer, &checker, a.operator_bin.as_deref())
        .map_err(|e| egov_error(&name, e))?;
    write_signed(a.out.as_deref(), &signed, "countersigned")
}

fn verify(a: &VerifyArgs) -> Result<(), CliError> {
    let name = display_name(&a.file);
    let xml = read_input(&a.file)?;
    let checker = a.check.checker()?;
    let v = verify_application(&xml, &checker, a.attachments.as_deref())
        .map_err(|e| egov_error(&name, e))?;
    if a.json {
        let out = json!({
            "file": name,
            "valid": v.valid,
            "failures": v.failures,
            "revocation_checked": checker.checks_revocation(),
            "signers": v.signers.iter().map(|s| json!({
                "role": s.role,
                "signer": s.signer,
                "algorithm": s.algorithm,
            })).collect::<Vec<_>>(),
            "application": v.application.as_ref().map(|app| json!({
                "id": app.id.as_str(),
                "service_code": app.service.code.as_str(),
                "applicant": app.applicant,
            })),
            "attachments": v.attachments,
        });
        crate::io::outln!("{out}");
    } else {
        crate::io::outln!("{name}: {}", if v.valid { "VALID" } else { "INVALID" });
        for s in &v.signers {
            crate::io::outln!("  {:?} signature: {}", s.role, s.signer.describe());
        }
        if let Some(app) = &v.application {
            crate::io::outln!(
                "  application {} for service {} by {} ({})",
                app.id,
                app.service.code,
                app.applicant.id,
                app.applicant.name
            );
        }
        for c in &v.attachments {
            crate::io::outln!(
                "  attachment {}: {}",
                c.file_name,
                tanba_egov::signing::status_text(&c.status)
            );
        }
        if !checker.checks_revocation() {
            crate::io::outln!("  revocation: not checked (--no-revocation)");
        }
        for f in &v.failures {
            crate::io::outln!("  FAILED {f}");
        }
    }
    if v.valid {
        Ok(())
    } else {
        Err(CliError::check_failed(format!(
            "{name}: {}",
            v.failures.join("; ")
        )))
    }
}

fn submit(a: &SubmitArgs) -> Result<(), CliError> {
    let name = display_name(&a.file);
    let xml = read_input(&a.file)?;
    Application::from_xml(&xml).map_err(|e| CliError::input(format!("{name}: {e}")))?;
    let v = tanba_dsig::verify(&xml, &tanba_dsig::VerifyOptions::default())
        .map_err(|e| CliError::input(format!("{name}: {e}")))?;
    if !v.all_valid() {
        return Err(CliError::input(format!(
            "{name}: the application's signature does not verify; sign it first"
        )));
    }
    let c = &a.common;
    let signer = c.key.signer()?;
    let env = tanba_egov::application_envelope(
        &xml,
        &a.service_id,
        &c.sender_id,
        c.message_id.as_deref(),
        None,
    )
    .map_err(|e| egov_error(&name, e))?;
    let env =
        tanba_egov::sign_transport(env.as_bytes(), &signer).map_err(|e| egov_error(&name, e))?;
    crate::cmd::gateway::send_and_report(c, &env, |body| {
        serde_json::to_value(
            tanba_egov::parse_acknowledgement(body).map_err(|e| egov_error("response", e))?,
        )
        .map_err(|e| CliError::input(e.to_string()))
    })
}

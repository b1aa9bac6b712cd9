//! `tanba licence verify` — verify an issued licence (or permit, conclusion, certificate,
//! act, refusal) as its holder or a third party; a folder is verified in batch.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde_json::json;
use tanba_egov::{verify_result, CertChecker, ResultVerification, ResultVerifyOptions, TaxId};

use crate::cmd::application::egov_error;
use crate::error::CliError;
use crate::io::{display_name, read_input, write_file_atomic};

/// The trust, revocation, time and policy flags of the licensing commands: the group every
/// verifying command shares (`--trust`, `--intermediate`, `--trust-set`, `--crl`,
/// `--ocsp-response`, `--online`, `--revocation`, `--soft-fail`, `--at`, `--policy`, …).
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub validation: crate::cmd::cert_check::ValidationArgs,
}

impl CheckArgs {
    /// The checker these flags describe: one verification-core validator (trust, one
    /// revocation engine for every document, named policy and overrides), with `--at`
    /// fixing the validation time.
    pub fn checker(&self) -> Result<CertChecker, CliError> {
        let config = crate::cmd::cert_check::trust_config(&self.validation)?;
        let mut c = CertChecker::from_validator(std::sync::Arc::new(
            tanba_validate::Validator::new(config),
        ));
        if let Some(at) = crate::cmd::cert_check::at(&self.validation)? {
            c = c.at(at);
        }
        Ok(c)
    }
}

/// Arguments of `tanba licence`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands (parsed once per run: their size does not matter).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Verify an issued licence / permit / conclusion / certificate / act / refusal, or a
    /// folder of them.
    Verify(VerifyArgs),
}

/// `tanba licence verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba licence verify licence.xml --trust trust.pem --no-revocation
  tanba licence verify licence.xml --trust root.pem --trust ca.pem --crl ca.crl --holder-iin 900101300007 --json
  tanba licence verify inbox/ --trust trust.pem --crl ca.crl --report report.jsonl

Checks, each named in the report: signature (valid, one issuer signature), signed-content
(it covers the whole document: the data shown come only from signed content), document
(well-formed per schema/egov.xsd), chain, validity and revocation of the signer's
certificate at the issue time the document claims (IssuedAt; --at overrides), key-usage
(SIGN), issuing-body (certificate BIN = the document's issuing body BIN and a legal-entity
employee role), holder (with --holder-iin / --holder-bin).
JSON (--json, one object per document; JSON lines for a folder): {\"file\", \"valid\",
\"checks\": [{\"name\", \"ok\", \"detail\"}], \"result\": {\"kind\", \"number\", \"issue_date\",
\"issued_at\", \"validity\", \"holder\", \"issuing_body\", \"service_code\", \"application_id\",
\"decision\"} | null, \"signer\": {\"subject\", \"common_name\", \"iin\", \"bin\",
\"organization\", \"roles\", \"key_usage\", \"serial\"} | null, \"revocation_checked\"}
A folder: every *.xml file; a progress bar on a terminal, then a summary table (valid /
invalid by failed check); --report FILE writes the JSON lines there (for one file, its
JSON object).
Exit codes: 0 valid (every document), 1 a check failed, 2 unreadable or malformed input.")]
pub struct VerifyArgs {
    /// The result document, or a folder of them (`-` for stdin).
    pub path: PathBuf,
    #[command(flatten)]
    pub check: CheckArgs,
    /// The holder must have this IIN.
    #[arg(long, value_name = "IIN", conflicts_with = "holder_bin")]
    pub holder_iin: Option<String>,
    /// The holder must have this BIN.
    #[arg(long, value_name = "BIN")]
    pub holder_bin: Option<String>,
    /// Print JSON (one object; JSON lines for a folder) instead of a human report.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON report to this file (atomically): the object of a single file,
    /// or the JSON lines of a folder. A failed write is said on stderr and never hides the
    /// verdict: invalid documents still exit 1.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        Sub::Verify(a) => verify(a),
    }
}

fn holder(a: &VerifyArgs) -> Result<Option<TaxId>, CliError> {
    Ok(match (&a.holder_iin, &a.holder_bin) {
        (Some(i), _) => Some(TaxId::Iin(i.parse().map_err(
            |e: tanba_egov::values::ValueError| CliError::input(format!("--holder-iin: {e}")),
        )?)),
        (_, Some(b)) => Some(TaxId::Bin(b.parse().map_err(
            |e: tanba_egov::values::ValueError| CliError::input(format!("--holder-bin: {e}")),
        )?)),
        _ => None,
    })
}

/// The JSON object of one verification.
pub fn report_json(name: &str, v: &ResultVerification, checker: &CertChecker) -> serde_json::Value {
    json!({
        "file": name,
        "valid": v.valid,
        "checks": v.checks,
        "result": v.result,
        "signer": v.signer,
        "revocation_checked": checker.checks_revocation(),
    })
}

/// The human report of one verification.
pub fn report_human(name: &str, v: &ResultVerification, checker: &CertChecker) -> String {
    let mut s = format!("{name}: {}\n", if v.valid { "VALID" } else { "INVALID" });
    if let Some(r) = &v.result {
        s.push_str(&format!(
            "  {} {} issued {} ({}) to {} ({})\n",
            r.kind, r.number, r.issue_date, r.issued_at, r.holder.id, r.holder.name
        ));
        if let Some(val) = &r.validity {
            s.push_str(&format!(
                "  valid from {} {}\n",
                val.from,
                val.until
                    .map(|u| format!("until {u}"))
                    .unwrap_or_else(|| "indefinitely".into())
            ));
        }
        s.push_str(&format!(
            "  issuing body {} (BIN {})\n",
            r.issuing_body.name, r.issuing_body.bin
        ));
    }
    if let Some(sg) = &v.signer {
        s.push_str(&format!("  signed by {}\n", sg.describe()));
    }
    for c in &v.checks {
        s.push_str(&format!(
            "  [{}] {}: {}\n",
            if c.ok { "ok" } else { "FAILED" },
            c.name,
            c.detail
        ));
    }
    if !checker.checks_revocation() {
        s.push_str("  revocation: not checked (--no-revocation)\n");
    }
    s
}

fn verify(a: &VerifyArgs) -> Result<(), CliError> {
    let checker = a.check.checker()?;
    let opts = ResultVerifyOptions {
        expected_holder: holder(a)?,
    };
    if a.path.as_os_str() != "-" && a.path.is_dir() {
        return verify_dir(a, &checker, &opts);
    }
    let name = display_name(&a.path);
    let xml = read_input(&a.path)?;
    let v = verify_result(&xml, &checker, &opts).map_err(|e| egov_error(&name, e))?;
    let object = report_json(&name, &v, &checker);
    if a.json {
        crate::io::outln!("{object}");
    } else {
        crate::io::print_text(&report_human(&name, &v, &checker));
    }
    let verdict = if v.valid {
        Ok(())
    } else {
        let failed: Vec<String> = v.failures().map(|c| c.name.clone()).collect();
        Err(CliError::check_failed(format!(
            "{name}: failed check(s): {}",
            failed.join(", ")
        )))
    };
    with_report(
        verdict,
        a.report.as_deref(),
        format!("{object}\n").as_bytes(),
    )
}

/// Writes the `--report` file, if asked, without letting a failed write hide the verdict:
/// an invalid verdict keeps its exit code 1 (the write error joins its message); a valid
/// one becomes the write error (exit 2).
fn with_report(
    verdict: Result<(), CliError>,
    report: Option<&Path>,
    bytes: &[u8],
) -> Result<(), CliError> {
    let Some(path) = report else {
        return verdict;
    };
    match (verdict, write_file_atomic(path, bytes)) {
        (v, Ok(())) => v,
        (Ok(()), Err(w)) => Err(CliError::input(format!(
            "every document verified, but the report was not written: {w}"
        ))),
        (Err(v), Err(w)) => Err(CliError::check_failed(format!(
            "{v} (and the report was not written: {w})"
        ))),
    }
}

fn verify_dir(
    a: &VerifyArgs,
    checker: &CertChecker,
    opts: &ResultVerifyOptions,
) -> Result<(), CliError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&a.path)
        .map_err(|e| CliError::input(format!("cannot read folder {}: {e}", a.path.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(CliError::input(format!(
            "{}: no *.xml files",
            a.path.display()
        )));
    }
    let bar = if std::io::stderr().is_terminal() && !a.json {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
            b.set_style(style);
        }
        Some(b)
    } else {
        None
    };
    let mut lines = String::new();
    let mut valid = 0usize;
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        let name = f.display().to_string();
        if let Some(b) = &bar {
            b.set_message(
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
        let line = match std::fs::read(f) {
            Err(e) => {
                *by_reason.entry("unreadable".into()).or_default() += 1;
                json!({"file": name, "valid": false, "error": e.to_string()})
            }
            Ok(xml) => match verify_result(&xml, checker, opts) {
                Err(e) => {
                    *by_reason.entry("malformed".into()).or_default() += 1;
                    json!({"file": name, "valid": false, "error": e.to_string()})
                }
                Ok(v) => {
                    if v.valid {
                        valid += 1;
                    } else {
                        for c in v.failures() {
                            *by_reason.entry(c.name.clone()).or_default() += 1;
                        }
                    }
                    report_json(&name, &v, checker)
                }
            },
        };
        lines.push_str(&line.to_string());
        lines.push('\n');
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let invalid = files.len() - valid;
    if a.json {
        crate::io::print_text(&lines);
    } else {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{:<24} {:>6}", "outcome", "count");
        let _ = writeln!(out, "{:<24} {:>6}", "valid", valid);
        let _ = writeln!(out, "{:<24} {:>6}", "invalid", invalid);
        for (reason, n) in &by_reason {
            let _ = writeln!(out, "  {:<22} {:>6}", reason, n);
        }
    }
    let verdict = if invalid == 0 {
        Ok(())
    } else {
        Err(CliError::check_failed(format!(
            "{}: {invalid} of {} document(s) invalid",
            a.path.display(),
            files.len()
        )))
    };
    with_report(verdict, a.report.as_deref(), lines.as_bytes())
}

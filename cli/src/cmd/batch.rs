//! `tanba verify FILE… | DIR…`: many documents through one validator on every core
//! (`tanba_validate::validate_batch`), a line (or a JSON line) per document as it is ready,
//! and a summary naming every document that did not pass.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tanba_validate::{validate_batch, BatchError, Job, Order, Request, Validator};

use crate::cmd::verify::{Args, OrderArg};
use crate::error::CliError;
use crate::io::outln;

/// The files to verify: files as given, folders walked recursively for `*.xml` (sorted);
/// the other files of the folders are counted as skipped.
fn collect(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), CliError> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            return Err(CliError::input(
                "`-` (stdin) cannot be part of a batch: give it alone",
            ));
        }
        if p.is_dir() {
            walk(p, &mut files, &mut skipped)?;
        } else {
            files.push(p.clone());
        }
    }
    Ok((files, skipped))
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, skipped: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| CliError::input(format!("cannot read folder {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        // symbolic links to folders are not followed (no loops)
        let is_link = std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
        if p.is_dir() && !is_link {
            walk(&p, files, skipped)?;
        } else if p.is_file() {
            if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")) {
                files.push(p);
            } else {
                skipped.push(p);
            }
        }
    }
    Ok(())
}

/// Run a batch.
pub fn run(args: &Args, request: Request) -> Result<(), CliError> {
    let (files, skipped) = collect(&args.files)?;
    if files.is_empty() {
        return Err(CliError::input(format!(
            "no *.xml files in {}",
            args.files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let validator = Validator::new(crate::cmd::cert_check::document_trust_config(
        &args.validation,
        request.skip_certificates,
    )?);
    let threads = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    let order = match args.order {
        OrderArg::Input => Order::Input,
        OrderArg::Completion => Order::Completion,
    };
    let total = files.len();
    let mut by_outcome: BTreeMap<String, usize> = BTreeMap::new();
    let mut not_passed: Vec<String> = Vec::new();
    let mut code = 0u8;
    let jobs = files.into_iter().map(Job::file);
    validate_batch(&validator, &request, jobs, threads, order, |item| {
        let (outcome, item_code, line) = match &item.result {
            Ok(report) => {
                let outcome = verdict(report);
                let line = if args.json {
                    crate::cmd::report::file_json(&item.name, report)
                } else if report.is_passed() {
                    format!("{}: {outcome}", item.name)
                } else {
                    format!("{}: {outcome}: {}", item.name, report.problems.join("; "))
                };
                (outcome, u8::from(!report.is_passed()), line)
            }
            Err(e) => {
                let (kind, code) = match e {
                    BatchError::Read(_) => ("unreadable", 2),
                    BatchError::Document(d) => {
                        let (kind, err) = crate::cmd::report::error_kind(&item.name, d);
                        (kind, err.code)
                    }
                };
                let line = if args.json {
                    crate::cmd::report::error_json(&item.name, kind, &e.to_string())
                } else {
                    format!("{}: ERROR ({kind}): {e}", item.name)
                };
                (kind.to_owned(), code, line)
            }
        };
        outln!("{line}");
        code = code.max(item_code);
        if item_code != 0 {
            not_passed.push(format!("{} ({outcome})", item.name));
        }
        *by_outcome.entry(outcome).or_default() += 1;
    });
    // the summary: on stderr when stdout carries JSON lines
    let mut summary = vec![format!("{total} document(s):")];
    for (k, n) in &by_outcome {
        summary.push(format!("  {k:<48} {n:>6}"));
    }
    if !skipped.is_empty() {
        summary.push(format!(
            "  skipped (not *.xml): {}",
            skipped
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !not_passed.is_empty() {
        summary.push("did not pass:".into());
        summary.extend(not_passed.iter().map(|n| format!("  {n}")));
    }
    for line in &summary {
        if args.json {
            eprintln_quiet(line);
        } else {
            outln!("{line}");
        }
    }
    match code {
        0 => Ok(()),
        1 => Err(CliError::check_failed(format!(
            "{} of {total} document(s) did not pass",
            not_passed.len()
        ))),
        _ => Err(CliError::input(format!(
            "{} of {total} document(s) did not pass or could not be verified",
            not_passed.len()
        ))),
    }
}

fn verdict(report: &tanba_validate::DocumentReport) -> String {
    let v = serde_json::to_value(report.indication).unwrap_or_default();
    match v["sub_indication"].as_str() {
        Some(sub) => format!("{} ({sub})", report.indication.name().to_ascii_uppercase()),
        None => report.indication.name().to_ascii_uppercase(),
    }
}

fn eprintln_quiet(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

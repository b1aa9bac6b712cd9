//! `tanba trust update` — download the NCA RK roots and issuing CAs into the cache
//! folder, check each issuing CA against its root, print subjects, validity and SHA-256
//! fingerprints. Later `cert check` / `verify` runs use that folder as the default
//! trust store.

use std::fmt::Write as _;
use std::path::PathBuf;

use tanba_pki::trust_update::{default_cache_dir, production_sources, update_trust, TrustSource};
use tanba_pki::{FetchConfig, Fetcher};

use crate::error::CliError;
use crate::io::write_output;

/// Arguments of `tanba trust`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The trust command.
    #[command(subcommand)]
    pub command: TrustCommand,
}

/// The `tanba trust` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TrustCommand {
    /// Download the NCA RK production roots and issuing CAs (RSA and GOST, current and
    /// previous generation) into the cache folder.
    #[command(after_long_help = UPDATE_HELP)]
    Update(UpdateArgs),
}

const UPDATE_HELP: &str = "\
Examples:
  tanba trust update
  tanba trust update --cache-dir /var/cache/tanba --json
  tanba trust update --base-url http://mirror.example/cert
  tanba trust update --pair http://host/root.cer,http://host/ca.cer

Sources (KZ-PKI.md §3.1): root_gost_2022 → nca_gost_2022, root_rsa_2020 → nca_rsa_2022,
root_gost → nca_gost, root_rsa → nca_rsa (pki.gov.kz / root.gov.kz). Each issuing CA is
stored only if it names its root and its signature verifies with the root's key.
The roots come over plain HTTP: compare the printed SHA-256 fingerprints with the ones
NCA RK publishes before relying on them.

Files: CACHE/trust/anchors/NAME.cer, CACHE/trust/intermediates/NAME.cer (DER).
Exit codes: 0 everything downloaded and verified; 1 a download failed or a CA did not
verify (what was verified is still stored); 2 bad flags or an unwritable folder.

JSON fields (--json): entries [{name, role, url, subject, not_before, not_after, sha256,
stored_at, problems}], failures [text], trust_dir.";

/// Arguments of `tanba trust update`.
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Cache folder (the trust store goes to DIR/trust). Default: $TANBA_CACHE_DIR, else
    /// $XDG_CACHE_HOME/tanba, else ~/.cache/tanba.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Fetch every built-in certificate from BASE/<file name> instead of its official URL.
    #[arg(long, value_name = "URL", conflicts_with = "pair")]
    pub base_url: Option<String>,
    /// Use this root and issuing CA instead of the built-in list: ROOT_URL,CA_URL;
    /// repeatable.
    #[arg(long, value_name = "ROOT_URL,CA_URL")]
    pub pair: Vec<String>,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
}

/// Run `tanba trust …`.
pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        TrustCommand::Update(a) => run_update(a),
    }
}

fn stem(url: &str) -> String {
    let file = url.rsplit('/').next().unwrap_or(url);
    let s = file.rsplit_once('.').map_or(file, |(s, _)| s);
    if s.is_empty() {
        "cert".into()
    } else {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

fn run_update(a: &UpdateArgs) -> Result<(), CliError> {
    let sources: Vec<TrustSource> = if !a.pair.is_empty() {
        let mut v = Vec::new();
        for p in &a.pair {
            let (root, ca) = p.split_once(',').ok_or_else(|| {
                CliError::input(format!("--pair {p:?}: expected ROOT_URL,CA_URL"))
            })?;
            v.push(TrustSource {
                root_name: stem(root),
                root_url: root.to_string(),
                issuing_name: stem(ca),
                issuing_url: ca.to_string(),
            });
        }
        v
    } else {
        let base = production_sources();
        match &a.base_url {
            Some(b) => base.iter().map(|s| s.rebased(b)).collect(),
            None => base,
        }
    };
    let dir = a
        .cache_dir
        .clone()
        .or_else(default_cache_dir)
        .ok_or_else(|| CliError::input("no cache folder: pass --cache-dir"))?
        .join("trust");
    let fetcher =
        Fetcher::new(FetchConfig::default()).map_err(|e| CliError::input(e.to_string()))?;
    let result = update_trust(&fetcher, &sources, &dir, time::OffsetDateTime::now_utc())
        .map_err(|e| CliError::input(format!("{}: {e}", dir.display())))?;
    let out = if a.json {
        let mut v = serde_json::to_value(&result)
            .map_err(|e| CliError::input(format!("cannot serialise: {e}")))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("trust_dir".into(), dir.display().to_string().into());
        }
        let mut s = serde_json::to_string_pretty(&v)
            .map_err(|e| CliError::input(format!("cannot serialise: {e}")))?;
        s.push('\n');
        s
    } else {
        let mut o = String::new();
        let _ = writeln!(o, "Trust store: {}", dir.display());
        for e in &result.entries {
            let _ = writeln!(
                o,
                "{} {} ({})\n  subject:  {}\n  valid:    {} .. {}\n  SHA-256:  {}\n  {}",
                if e.problems.is_empty() {
                    "OK  "
                } else {
                    "FAIL"
                },
                e.name,
                e.role,
                e.subject,
                e.not_before,
                e.not_after,
                e.sha256,
                match &e.stored_at {
                    Some(p) => format!("stored:   {}", p.display()),
                    None => format!("not stored: {}", e.problems.join("; ")),
                }
            );
        }
        for f in &result.failures {
            let _ = writeln!(o, "FAIL download {f}");
        }
        o
    };
    write_output(None, out.as_bytes())?;
    if result.is_complete() {
        Ok(())
    } else {
        Err(CliError::check_failed(format!(
            "trust update incomplete: {} download failure(s), {} certificate(s) not accepted",
            result.failures.len(),
            result
                .entries
                .iter()
                .filter(|e| !e.problems.is_empty())
                .count()
        )))
    }
}

//! `tanba trust update` — download the NCA RK roots and issuing CAs into the cache
//! folder, check each issuing CA against its root, print subjects, validity and SHA-256
//! fingerprints. Later `cert check` / `verify` runs use that folder as the default
//! trust store.

use std::fmt::Write as _;
use std::path::PathBuf;

use tanba_pki::trust_sets::{Confirmation, TrustSet};
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
    /// List the trust in force: the embedded, pinned sets and what `trust update` stored,
    /// with each certificate's fingerprint and how far it is confirmed.
    #[command(after_long_help = LIST_HELP)]
    List(ListArgs),
}

const LIST_HELP: &str = "\
Examples:
  tanba trust list
  tanba trust list --trust-set nca-test --json

Confirmation of each pinned certificate:
  two-sources      the same bytes from two independent public sources
  single-source    from one public source only, NOT confirmed against pki.gov.kz
  confirmed        single-source, and the copy `tanba trust update` downloaded matches the pin
  test-material    NCA test certificates (never for production)

JSON fields (--json): sets [{name, certificates [{name, role, subject, not_before,
not_after, sha256, url, confirmation, expired}]}], update_folder {path, certificates [{file,
role, subject, sha256, pinned}]} | null.";

/// Arguments of `tanba trust list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The sets to list (default: nca-prod and nca-test); repeatable.
    #[arg(long, value_name = "NAME", value_parser = parse_set)]
    pub trust_set: Vec<TrustSet>,
    /// Cache folder holding `trust update`'s store (default as for `trust update`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
}

fn parse_set(s: &str) -> Result<TrustSet, String> {
    TrustSet::parse(s).ok_or_else(|| format!("unknown trust set {s:?}: nca-prod, nca-test or none"))
}

#[derive(serde::Serialize)]
struct ListedCert {
    name: &'static str,
    role: &'static str,
    subject: String,
    not_before: String,
    not_after: String,
    sha256: &'static str,
    url: &'static str,
    confirmation: &'static str,
    expired: bool,
}

#[derive(serde::Serialize)]
struct ListedSet {
    name: &'static str,
    certificates: Vec<ListedCert>,
}

#[derive(serde::Serialize)]
struct StoredCert {
    file: String,
    role: &'static str,
    subject: String,
    sha256: String,
    pinned: Option<&'static str>,
}

#[derive(serde::Serialize)]
struct UpdateFolder {
    path: String,
    certificates: Vec<StoredCert>,
}

#[derive(serde::Serialize)]
struct Listing {
    sets: Vec<ListedSet>,
    update_folder: Option<UpdateFolder>,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

fn run_list(a: &ListArgs) -> Result<(), CliError> {
    let now = time::OffsetDateTime::now_utc();
    let dir = a
        .cache_dir
        .clone()
        .or_else(default_cache_dir)
        .map(|d| d.join("trust"));
    // what `trust update` stored, with the pin each file matches
    let mut stored = Vec::new();
    if let Some(d) = dir.as_ref().filter(|d| d.is_dir()) {
        for (sub, role) in [("anchors", "anchor"), ("intermediates", "intermediate")] {
            let Ok(entries) = std::fs::read_dir(d.join(sub)) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for f in files {
                let Ok(c) = std::fs::read(&f)
                    .map_err(|e| e.to_string())
                    .and_then(|b| tanba_pki::ChainCert::from_bytes(&b).map_err(|e| e.to_string()))
                else {
                    continue;
                };
                let sha = hex::encode(c.sha256_fingerprint());
                stored.push(StoredCert {
                    file: f.display().to_string(),
                    role,
                    subject: c.subject().to_string(),
                    pinned: TrustSet::find_pinned(&sha).map(|(_, p)| p.name),
                    sha256: sha,
                });
            }
        }
    }
    let sets = if a.trust_set.is_empty() {
        vec![TrustSet::NcaProd, TrustSet::NcaTest]
    } else {
        a.trust_set.clone()
    };
    let mut listing = Listing {
        sets: Vec::new(),
        update_folder: dir.as_ref().filter(|d| d.is_dir()).map(|d| UpdateFolder {
            path: d.display().to_string(),
            certificates: Vec::new(),
        }),
    };
    for set in sets {
        let mut certificates = Vec::new();
        for p in set.certificates() {
            let c = p
                .certificate()
                .map_err(|e| CliError::input(format!("--trust-set {}: {e}", set.name())))?;
            let confirmed = stored.iter().any(|s| s.sha256 == p.sha256);
            certificates.push(ListedCert {
                name: p.name,
                role: match p.role {
                    tanba_pki::TrustRole::Anchor => "anchor",
                    tanba_pki::TrustRole::Intermediate => "intermediate",
                },
                subject: c.subject().to_string(),
                not_before: rfc3339(c.not_before()),
                not_after: rfc3339(c.not_after()),
                sha256: p.sha256,
                url: p.url,
                confirmation: match p.confirmation {
                    Confirmation::TwoSources => "two-sources",
                    Confirmation::SingleSource if confirmed => "confirmed",
                    Confirmation::SingleSource => "single-source",
                    Confirmation::TestMaterial => "test-material",
                },
                expired: c.not_after() < now,
            });
        }
        listing.sets.push(ListedSet {
            name: set.name(),
            certificates,
        });
    }
    if let Some(u) = listing.update_folder.as_mut() {
        u.certificates = stored;
    }
    let out = if a.json {
        crate::io::pretty_json(&listing, "the listing")?
    } else {
        let mut o = String::new();
        for set in &listing.sets {
            let _ = writeln!(o, "trust set {} (embedded, pinned by SHA-256):", set.name);
            for c in &set.certificates {
                let _ = writeln!(
                    o,
                    "  {:<20} {:<12} {}{}\n      {} … {}\n      SHA-256 {}\n      {}",
                    c.name,
                    c.role,
                    c.subject,
                    if c.expired { "  [EXPIRED]" } else { "" },
                    c.not_before,
                    c.not_after,
                    c.sha256,
                    match c.confirmation {
                        "single-source" => "single-source, not confirmed against pki.gov.kz",
                        "confirmed" =>
                            "confirmed: the copy `tanba trust update` downloaded matches the pin",
                        "two-sources" => "the same bytes from two independent public sources",
                        _ => "NCA test material, never for production",
                    }
                );
            }
        }
        match &listing.update_folder {
            None => {
                let _ = writeln!(o, "no `tanba trust update` store");
            }
            Some(u) => {
                let _ = writeln!(o, "`tanba trust update` store {}:", u.path);
                for c in &u.certificates {
                    let _ = writeln!(
                        o,
                        "  {:<12} {}  ({})",
                        c.role,
                        c.subject,
                        c.pinned
                            .map(|p| format!("matches the pin {p}"))
                            .unwrap_or_else(|| {
                                "not pinned: an issuing CA that chains to a pinned root".into()
                            })
                    );
                }
            }
        }
        o
    };
    write_output(None, out.as_bytes())
}

const UPDATE_HELP: &str = "\
Examples:
  tanba trust update
  tanba trust update --cache-dir /var/cache/tanba --json
  tanba trust update --base-url http://mirror.example/cert
  tanba trust update --pair http://host/root.cer,http://host/ca.cer

Sources (KZ-PKI.md §3.1): root_gost_2022 → nca_gost_2022, root_rsa_2020 → nca_rsa_2022,
root_gost → nca_gost, root_rsa → nca_rsa (pki.gov.kz / root.gov.kz). A root is stored only
if its SHA-256 is one this build pins (`tanba trust list`), so a tampered plain-HTTP
download cannot add trust; an issuing CA only if it names that root and its signature
verifies with the root's key. A downloaded copy matching a single-source pin confirms it.
A failed download leaves the store as it was. The embedded nca-prod set is trusted by
default either way: the store only adds issuing CAs published since this build.

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
        TrustCommand::List(a) => run_list(a),
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
        crate::io::pretty_json(&v, "the update result")?
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

//! `tanba cert check` — full validation of one certificate (path to a trust anchor,
//! validity, key usage, identifiers, revocation) with `tanba_pki::Validator`. The trust /
//! revocation / time flags live in [`ValidationArgs`] so other commands (`verify`) can
//! reuse them.

use std::path::{Path, PathBuf};

use tanba_pki::trust_update::{default_cache_dir, load_trust_dir};
use tanba_pki::{
    CertPool, ChainCert, Crl, EngineConfig, FetchConfig, Fetcher, IdPolicy, NetworkMode,
    OcspResponse, RequiredUsage, RevocationEngine, RevocationSources, TrustRole, TrustStore,
    UnknownStatus,
};

use crate::error::CliError;
use crate::io::{display_name, read_input};

/// Trust, revocation and time flags (CLI.md conventions).
#[derive(Debug, Clone, clap::Args)]
pub struct ValidationArgs {
    /// Trust anchor(s): a certificate file (PEM/DER, bundles) or a folder; repeatable.
    /// Every certificate given is an anchor (an issuing CA too, e.g. the NCA test CAs).
    /// Given alone, only these (and --trust-set sets) are trusted. (--trust-anchor is the
    /// licensing commands' former name for it.)
    #[arg(long, visible_alias = "trust-anchor", value_name = "CERT|DIR")]
    pub trust: Vec<PathBuf>,
    /// An embedded, pinned trust set: nca-prod (the NCA RK roots and CAs; the default
    /// when neither --trust nor --trust-set is given, with what `tanba trust update`
    /// added), nca-test (the NCA test roots and CAs), none; repeatable.
    #[arg(long, value_name = "NAME", value_parser = parse_trust_set)]
    pub trust_set: Vec<tanba_pki::trust_sets::TrustSet>,
    /// Extra intermediate CA certificate(s) (file or folder); repeatable.
    #[arg(long, value_name = "CERT|DIR")]
    pub intermediate: Vec<PathBuf>,
    /// A CRL (full or delta, DER or PEM; at most --max-crl-size); repeatable.
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<PathBuf>,
    /// A stored OCSP response (DER); repeatable.
    #[arg(long = "ocsp-response", value_name = "FILE")]
    pub ocsp_response: Vec<PathBuf>,
    /// Fetch CRLs and ask OCSP responders at the URLs in the certificates (with a cache).
    #[arg(long)]
    pub online: bool,
    /// Do not check revocation (the report says so).
    #[arg(long, conflicts_with_all = ["online", "crl", "ocsp_response"])]
    pub no_revocation: bool,
    /// Revocation sources and their order.
    #[arg(long, value_enum, default_value = "ocsp-then-crl")]
    pub revocation: RevocationArg,
    /// Accept a certificate whose revocation status cannot be determined (soft-fail).
    #[arg(long)]
    pub soft_fail: bool,
    /// Validate as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Accept IIN/BIN values that fail the national checksum (NCA test certificates).
    #[arg(long)]
    pub allow_test_identifiers: bool,
    /// The validation policy: kz-2026 (the 2026 Kazakh rules: hard-fail revocation, SIGN
    /// key usage for document signers) or ncanode-compat (NCANode 3.x judgements: key
    /// usage not checked, revocation only with --crl/--ocsp-response/--online; none of its
    /// fail-open behaviours).
    #[arg(long, value_name = "NAME", default_value = "kz-2026", value_parser = parse_policy)]
    pub policy: tanba_validate::PolicyName,
    /// Cache folder (trust store from `tanba trust update`, downloaded CRLs). Default:
    /// $TANBA_CACHE_DIR, else $XDG_CACHE_HOME/tanba, else ~/.cache/tanba.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// With --online: one deadline for all revocation requests of a certificate's
    /// validation (OCSP, CRL, delta CRL together); past it the status is unavailable.
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    pub revocation_deadline: u64,
    /// Use only cached CRLs (no network) even with --online.
    #[arg(long)]
    pub offline: bool,
    /// Rewrite URL prefixes before fetching (mirrors, local test servers): FROM=TO;
    /// repeatable.
    #[arg(long, value_name = "FROM=TO")]
    pub rewrite_url: Vec<String>,
    /// With --online: an OCSP responder asked after the certificate's own (and, for
    /// http://ocsp.pki.gov.kz, its mirror http://ocsp1.pki.gov.kz), in order until one
    /// gives a verified answer; repeatable. A responder of another CA answers "unknown",
    /// which is a refusal: name only responders of the certificates' CA.
    #[arg(long, value_name = "URL", requires = "online")]
    pub ocsp_responder: Vec<String>,
    /// With --online: fetch an issuer certificate missing from the trust store from the
    /// AIA caIssuers URL of the certificate that needs it (at most 1 MiB each, cached).
    /// A fetched certificate is only a candidate: the chain must still reach a trusted
    /// root with every signature verified. The URL comes from a certificate not yet
    /// trusted, so tanba then makes requests a document's author chooses: leave it off
    /// where that matters.
    #[arg(long, requires = "online")]
    pub fetch_intermediates: bool,
    /// Time-stamp authorities' trust anchors (certificate file or folder; repeatable): a
    /// TSA is judged on its own trust, not the signers'. Default: the embedded NCA
    /// production and test sets together.
    #[arg(long, value_name = "CERT|DIR")]
    pub tsa_trust: Vec<PathBuf>,
    /// The largest CRL accepted, given with --crl or downloaded, in MiB (a larger one is
    /// refused before it is read).
    #[arg(long, value_name = "MIB", default_value_t = crate::io::DEFAULT_MAX_CRL_MIB)]
    pub max_crl_size: u64,
}

/// `--revocation` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RevocationArg {
    /// OCSP first, then CRLs.
    OcspThenCrl,
    /// CRLs first, then OCSP.
    CrlThenOcsp,
    /// OCSP only.
    Ocsp,
    /// CRLs only.
    Crl,
}

/// `--usage` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UsageArg {
    /// Document signing (digitalSignature + nonRepudiation).
    Sign,
    /// Authentication (digitalSignature).
    Auth,
    /// No key-usage requirement.
    Any,
}

/// Arguments of `tanba cert check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The certificate (PEM or DER; `-` for stdin). Further certificates in the same input
    /// are used as intermediates.
    pub cert: PathBuf,
    /// Trust / revocation / time flags.
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// Required key usage.
    #[arg(long, value_enum, default_value = "sign")]
    pub usage: UsageArg,
    /// Also require the certificate's IIN to equal this value.
    #[arg(long, value_name = "IIN")]
    pub iin: Option<String>,
    /// Also require the certificate's BIN to equal this value.
    #[arg(long, value_name = "BIN")]
    pub bin: Option<String>,
    /// Require one of these roles (EKU): a role code such as first_head, signatory,
    /// financial_signatory, individual, or a role OID; repeatable (any one suffices).
    #[arg(long, value_name = "ROLE")]
    pub role: Vec<String>,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
}

/// Help text of `tanba cert check`.
pub const CHECK_HELP: &str = "\
Examples:
  tanba cert check signer.cer --trust nca_rsa_test.crt --crl nca_rsa_test.crl \\
      --at 2022-06-01T00:00:00Z --allow-test-identifiers --iin 123456789011
  tanba cert check signer.cer --online          # trust store from `tanba trust update`
  tanba cert check signer.cer --trust ca/ --no-revocation --json

Exit codes: 0 valid; 1 a check failed (untrusted, expired, wrong key usage, IIN/BIN
mismatch, revoked, or revocation unknown without --soft-fail); 2 unreadable input or
bad flags.

JSON (--json; one object): the report every verifying command prints
(crates/validate/schema/report.schema.json) with \"format\": \"certificate\":
  indication, sub_indication   total_passed | total_failed | indeterminate, and why
  policy, validation_time      the named policy and the RFC 3339 instant used
  signers[0].identity          subject, IIN/BIN, organisation, roles, key usage, serial
  signers[0].checks            [{name, outcome, reason, rule}]: certificate_chain,
                               certificate_validity, certificate_key_usage,
                               certificate_role, certificate_identifier,
                               certificate_revocation (passed | failed | indeterminate)
  signers[0].certificate       the certificate validation in full (verdict, path, checks)
  problems                     every reason it did not pass, in words";

fn parse_trust_set(s: &str) -> Result<tanba_pki::trust_sets::TrustSet, String> {
    tanba_pki::trust_sets::TrustSet::parse(s)
        .ok_or_else(|| format!("unknown trust set {s:?}: nca-prod, nca-test or none"))
}

fn parse_policy(s: &str) -> Result<tanba_validate::PolicyName, String> {
    tanba_validate::PolicyName::parse(s)
        .ok_or_else(|| format!("unknown policy {s:?}: kz-2026 or ncanode-compat"))
}

/// `--at` as an instant (`None`: now).
pub fn at(a: &ValidationArgs) -> Result<Option<time::OffsetDateTime>, CliError> {
    a.at.as_deref().map(parse_at).transpose()
}

fn parse_at(s: &str) -> Result<time::OffsetDateTime, CliError> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| CliError::input(format!("--at {s:?} is not an RFC 3339 instant: {e}")))
}

fn cache_dir(a: &ValidationArgs) -> Option<PathBuf> {
    a.cache_dir.clone().or_else(default_cache_dir)
}

/// The pool of anchors and intermediates the flags describe: the `--trust-set` sets, the
/// `--trust` anchors and `--intermediate` CAs; with neither --trust nor --trust-set, the
/// embedded nca-prod set plus what `tanba trust update` stored (only certificates that
/// chain to a pinned root ever get there).
pub fn load_pool(a: &ValidationArgs) -> Result<CertPool, CliError> {
    use tanba_pki::trust_sets::TrustSet;
    let mut store = TrustStore::new();
    let mut pool = CertPool::new();
    let default = a.trust.is_empty() && a.trust_set.is_empty();
    let sets: Vec<TrustSet> = if default {
        vec![TrustSet::NcaProd]
    } else {
        a.trust_set.clone()
    };
    for set in sets {
        set.add_to(&mut pool)
            .map_err(|e| CliError::input(format!("--trust-set {}: {e}", set.name())))?;
    }
    if default {
        if let Some(d) = cache_dir(a).map(|d| d.join("trust")) {
            if d.join("anchors").is_dir() {
                store = load_trust_dir(&d).map_err(|e| CliError::input(e.to_string()))?;
            }
        }
    }
    for t in &a.trust {
        store
            .add_path(t, TrustRole::Anchor)
            .map_err(|e| CliError::input(e.to_string()))?;
    }
    for t in &a.intermediate {
        store
            .add_path(t, TrustRole::Intermediate)
            .map_err(|e| CliError::input(e.to_string()))?;
    }
    let (extra, errors) = CertPool::from_trust_store(&store);
    if let Some(e) = errors.first() {
        return Err(CliError::input(format!("trust store: {e}")));
    }
    for c in extra.anchors() {
        pool.add_anchor(c.clone());
    }
    for c in extra.intermediates() {
        pool.add_intermediate(c.clone());
    }
    if pool.anchors().is_empty() {
        return Err(CliError::input(
            "no trust anchors: --trust-set none and no --trust CERT|DIR",
        ));
    }
    Ok(pool)
}

/// The TSA anchors of `--tsa-trust` (`None`: the embedded NCA sets).
fn tsa_pool(a: &ValidationArgs) -> Result<Option<CertPool>, CliError> {
    if a.tsa_trust.is_empty() {
        return Ok(None);
    }
    let mut store = TrustStore::new();
    for t in &a.tsa_trust {
        store
            .add_path(t, TrustRole::Anchor)
            .map_err(|e| CliError::input(format!("--tsa-trust: {e}")))?;
    }
    let (pool, errors) = CertPool::from_trust_store(&store);
    if let Some(e) = errors.first() {
        return Err(CliError::input(format!("--tsa-trust: {e}")));
    }
    Ok(Some(pool))
}

/// The fetcher for `--online` (None without it).
pub fn make_fetcher(a: &ValidationArgs) -> Result<Option<Fetcher>, CliError> {
    if !a.online {
        return Ok(None);
    }
    let mut rewrites = Vec::new();
    for r in &a.rewrite_url {
        let (from, to) = r
            .split_once('=')
            .ok_or_else(|| CliError::input(format!("--rewrite-url {r:?}: expected FROM=TO")))?;
        rewrites.push((from.to_string(), to.to_string()));
    }
    let cfg = FetchConfig {
        mode: if a.offline {
            NetworkMode::Offline
        } else {
            NetworkMode::Online
        },
        cache_dir: cache_dir(a).map(|d| d.join("crl")),
        rewrites,
        max_crl_bytes: a.max_crl_size.saturating_mul(1 << 20),
        ..FetchConfig::default()
    };
    Fetcher::new(cfg)
        .map(Some)
        .map_err(|e| CliError::input(e.to_string()))
}

/// The trust configuration for verifying documents: the one [`trust_config`] describes, or
/// with `skip_certificates` (`--no-cert-check`: signatures and identities only) none but
/// the named policy, so no trust store, CRL or OCSP file is read.
pub fn document_trust_config(
    a: &ValidationArgs,
    skip_certificates: bool,
) -> Result<tanba_validate::TrustConfig, CliError> {
    if skip_certificates {
        Ok(tanba_validate::TrustConfig {
            policy: a.policy,
            ..Default::default()
        })
    } else {
        trust_config(a)
    }
}

/// The trust configuration the flags describe: anchors and intermediates, `--crl` /
/// `--ocsp-response` evidence, the fetcher for `--online`, the named policy and the
/// overrides (`--revocation`, `--no-revocation`, `--soft-fail`,
/// `--allow-test-identifiers`, `--revocation-deadline`).
pub fn trust_config(a: &ValidationArgs) -> Result<tanba_validate::TrustConfig, CliError> {
    trust_config_with(a, Vec::new())
}

/// [`trust_config`] whose revocation engine also keeps the CRLs of `crl_urls` (warmed up
/// and refreshed by a long-running service, and what its readiness waits for).
pub fn trust_config_with(
    a: &ValidationArgs,
    crl_urls: Vec<String>,
) -> Result<tanba_validate::TrustConfig, CliError> {
    let mut revocation = RevocationEngine::with_config(EngineConfig {
        ocsp_responders: a.ocsp_responder.clone(),
        fetch_missing_issuers: a.fetch_intermediates,
        crl_urls,
        ..EngineConfig::default()
    });
    if let Some(f) = make_fetcher(a)? {
        revocation = revocation.with_fetcher(f);
    }
    for p in &a.crl {
        let bytes = crate::io::read_input_capped(p, a.max_crl_size.saturating_mul(1 << 20), "CRL")?;
        revocation.add_crl(
            Crl::from_bytes(&bytes)
                .map_err(|e| CliError::input(format!("{}: {e}", display_name(p))))?
                .with_source(display_name(p)),
        );
    }
    for p in &a.ocsp_response {
        let bytes = crate::io::read_input_capped(p, crate::io::max_ocsp_bytes(), "OCSP response")?;
        revocation.add_ocsp_response(
            OcspResponse::from_der(&bytes)
                .map_err(|e| CliError::input(format!("{}: {e}", display_name(p))))?,
        );
    }
    Ok(tanba_validate::TrustConfig {
        pool: load_pool(a)?,
        tsa_pool: tsa_pool(a)?,
        revocation: std::sync::Arc::new(revocation),
        policy: a.policy,
        overrides: tanba_validate::Overrides {
            revocation: Some(if a.no_revocation {
                RevocationSources::None
            } else {
                match a.revocation {
                    RevocationArg::OcspThenCrl => RevocationSources::OcspThenCrl,
                    RevocationArg::CrlThenOcsp => RevocationSources::CrlThenOcsp,
                    RevocationArg::Ocsp => RevocationSources::OcspOnly,
                    RevocationArg::Crl => RevocationSources::CrlOnly,
                }
            }),
            unknown_status: Some(if a.soft_fail {
                UnknownStatus::Allow
            } else {
                UnknownStatus::Deny
            }),
            id_policy: Some(if a.allow_test_identifiers {
                IdPolicy::AcceptTestIds
            } else {
                IdPolicy::ChecksumOnly
            }),
            online_deadline: Some(std::time::Duration::from_secs(a.revocation_deadline)),
        },
    })
}

fn read_chain(path: &Path) -> Result<Vec<ChainCert>, CliError> {
    let bytes = read_input(path)?;
    let ders = tanba_pki::chain_cert::certificates_from_pem_or_der(&bytes)
        .map_err(|e| CliError::input(format!("{}: {e}", display_name(path))))?;
    ders.iter()
        .map(|d| {
            ChainCert::from_der(d)
                .map_err(|e| CliError::input(format!("{}: {e}", display_name(path))))
        })
        .collect()
}

/// Run `tanba cert check`.
pub fn run(a: &CheckArgs) -> Result<(), CliError> {
    let chain = read_chain(&a.cert)?;
    let usage = match a.usage {
        UsageArg::Sign => RequiredUsage::Sign,
        UsageArg::Auth => RequiredUsage::Auth,
        UsageArg::Any => RequiredUsage::Any,
    };
    let v = tanba_validate::Validator::new(trust_config(&a.validation)?);
    let mut b = v
        .certificate_policy(tanba_validate::Layer::Document, at(&a.validation)?)
        .to_builder();
    if v.policy() == tanba_validate::PolicyName::Kz2026 {
        // ncanode-compat does not judge key usage
        b = b.required_usage(usage);
    }
    if let Some(i) = &a.iin {
        b = b.expected_iin(i);
    }
    if let Some(x) = &a.bin {
        b = b.expected_bin(x);
    }
    for r in &a.role {
        let role: tanba_pki::Role = r
            .parse()
            .map_err(|e: tanba_pki::UnknownRole| CliError::input(format!("--role: {e}")))?;
        b = b.require_any_role(role);
    }
    let report = v.validate_certificate_report(chain[0].der(), &chain[1..], &b.build());
    crate::cmd::report::print(&display_name(&a.cert), &report, a.json);
    if report.is_passed() {
        return Ok(());
    }
    // the KZ refusal text of the certificate report, else the problems
    let refusal = report
        .signers
        .first()
        .and_then(|s| s.certificate.as_ref())
        .and_then(|c| c.refusal())
        .unwrap_or_else(|| report.problems.join("; "));
    Err(CliError::check_failed(crate::cmd::report::with_hints(
        refusal,
    )))
}

//! `tanba serve`: the HTTP signature service (NCANode 3.x-compatible API and the native
//! `/v1` API) — parse flags, build the trust once, hand it to `tanba_server::run`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::cmd::cert_check::{self, ValidationArgs};
use crate::error::CliError;

/// Help text of `tanba serve`.
pub const HELP: &str = "\
Examples:
  # the NCA test PKI, validation time fixed (tests), on the NCANode port
  tanba serve --trust-set nca-test --allow-test-identifiers --at 2022-06-01T00:00:00Z
  # production: NCA trust, CRLs kept fresh, OCSP online, 4 MB bodies, signing behind a token
  tanba serve --listen 0.0.0.0:14579 --online \\
      --crl-url http://crl.pki.gov.kz/nca_gost_2022.crl --crl-url http://crl.pki.gov.kz/nca_rsa_2022.crl \\
      --body-limit 4194304 --sign-token-file /run/secrets/tanba-token

Settings come from flags, then TANBA_* variables, then --config FILE (TOML: each key a flag's long
name, e.g. listen = \"0.0.0.0:14579\", online = true, crl-url = [\"http://…\"]), in that order.
Every flag can also come from the environment: TANBA_LISTEN, TANBA_CRL_URL, TANBA_TSA_URL, … (the
flag's name in capitals). NCANode's variables are read where they mean the same thing:
NCANODE_PORT (the port of --listen), NCANODE_CRL_URL and NCANODE_CRL_DELTA_URL (--crl-url,
space-separated), NCANODE_OCSP_URL (--ocsp-responder), NCANODE_TSP_URL (--tsa-url).

Endpoints: the NCANode 3.x API (POST /xml/sign, /xml/verify, /wsse/sign, /wsse/verify, /cms/sign,
/cms/sign/add, /cms/verify, /cms/extract, /pkcs12/info, /pkcs12/aliases, /x509/info, /x509/verify;
GET /actuator/health), judged under the ncanode-compat policy with revocation only as the request's
revocationCheck asks; the native API (POST /v1/verify, /v1/certificates/validate, /v1/sign/xml,
/v1/sign/cms; GET /v1/trust) under --policy; GET /healthz, /readyz (503 until every --crl-url has a
usable CRL), /metrics (Prometheus). /pdf/* and /jwt/* answer 501.

Stops on SIGTERM or Ctrl-C after the requests in flight finish.";

/// Arguments of `tanba serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A TOML file of settings: each key is a flag's long name (`listen = "0.0.0.0:14579"`,
    /// `crl-url = ["http://…", …]`, `online = true`). Flags win over TANBA_* variables,
    /// which win over the file.
    #[arg(long, value_name = "FILE", env = "TANBA_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on (default: loopback only, NCANode's port).
    #[arg(long, value_name = "ADDR:PORT", env = "TANBA_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Trust / revocation / time flags, as every verifying command takes them. --at fixes
    /// the validation time of every request (tests, forensic use; /healthz shows it).
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// A CRL the service keeps: downloaded at start, refreshed before its nextUpdate,
    /// and waited for by /readyz (needs --online); repeatable.
    #[arg(long, value_name = "URL", env = "TANBA_CRL_URL", value_delimiter = ' ')]
    pub crl_url: Vec<String>,
    /// The time-stamp authority for withTsp.
    #[arg(long, value_name = "URL", env = "TANBA_TSA_URL")]
    pub tsa_url: Option<String>,
    /// The largest request body, in bytes (413 above).
    #[arg(long, value_name = "BYTES", env = "TANBA_BODY_LIMIT", default_value_t = 32 * 1024 * 1024)]
    pub body_limit: usize,
    /// Requests worked on at once; more are refused with 503 and Retry-After.
    #[arg(
        long,
        value_name = "N",
        env = "TANBA_CONCURRENCY",
        default_value_t = 256
    )]
    pub concurrency: usize,
    /// Threads for CPU work (signing, verification); default: the number of cores.
    #[arg(long, value_name = "N", env = "TANBA_WORKERS")]
    pub workers: Option<usize>,
    /// One deadline per request, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "TANBA_REQUEST_TIMEOUT",
        default_value_t = 60
    )]
    pub request_timeout: u64,
    /// A connection must send its request headers within this many seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "TANBA_HEADER_TIMEOUT",
        default_value_t = 10
    )]
    pub header_timeout: u64,
    /// A file holding the bearer token the signing endpoints require (without it they are
    /// open, as NCANode's are).
    #[arg(long, value_name = "FILE", env = "TANBA_SIGN_TOKEN_FILE")]
    pub sign_token_file: Option<PathBuf>,
    /// Terminate TLS with this certificate chain (PEM, leaf first); needs --tls-key.
    #[arg(
        long,
        value_name = "FILE",
        env = "TANBA_TLS_CERT",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM).
    #[arg(
        long,
        value_name = "FILE",
        env = "TANBA_TLS_KEY",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// Mutual TLS: clients must present a certificate issued by these CAs (PEM).
    #[arg(
        long,
        value_name = "FILE",
        env = "TANBA_TLS_CLIENT_CA",
        requires = "tls_cert"
    )]
    pub tls_client_ca: Option<PathBuf>,
    /// Logs as JSON lines (default: text).
    #[arg(long, env = "TANBA_JSON_LOGS")]
    pub json_logs: bool,
}

/// NCANode's whitespace-separated URL list variables.
fn ncanode_list(name: &str) -> Vec<String> {
    std::env::var(name)
        .map(|v| v.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Run the service until SIGTERM.
pub fn run(a: &Args) -> Result<(), CliError> {
    init_logs(a.json_logs);
    let mut validation = a.validation.clone();
    if validation.ocsp_responder.is_empty() && validation.online {
        validation.ocsp_responder = ncanode_list("NCANODE_OCSP_URL");
    }
    let mut crl_urls = a.crl_url.clone();
    if crl_urls.is_empty() {
        crl_urls = ncanode_list("NCANODE_CRL_URL");
        crl_urls.extend(ncanode_list("NCANODE_CRL_DELTA_URL"));
    }
    if !crl_urls.is_empty() && !validation.online {
        return Err(CliError::input(
            "--crl-url needs --online (the service downloads and refreshes those CRLs)",
        ));
    }
    let trust = cert_check::trust_config_with(&validation, crl_urls)?;
    let listen = match a.listen {
        Some(l) => l,
        None => {
            let port = std::env::var("NCANODE_PORT")
                .ok()
                .and_then(|p| p.parse::<u16>().ok())
                .unwrap_or(14579);
            SocketAddr::from(([127, 0, 0, 1], port))
        }
    };
    let sign_token = match &a.sign_token_file {
        Some(p) => {
            let t = std::fs::read_to_string(p)
                .map_err(|e| CliError::input(format!("{}: {e}", p.display())))?;
            let t = t.trim().to_string();
            if t.is_empty() {
                return Err(CliError::input(format!(
                    "{}: the token file is empty",
                    p.display()
                )));
            }
            Some(t)
        }
        None => None,
    };
    let read = |p: &PathBuf| {
        std::fs::read(p).map_err(|e| CliError::input(format!("{}: {e}", p.display())))
    };
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => {
            let key = zeroize::Zeroizing::new(read(key)?);
            let ca = a.tls_client_ca.as_ref().map(read).transpose()?;
            Some(
                tanba_server::tls_config(&read(cert)?, &key, ca.as_deref())
                    .map_err(|e| CliError::input(e.to_string()))?,
            )
        }
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let config = tanba_server::ServerConfig {
        body_limit: a.body_limit,
        concurrency: a.concurrency.max(1),
        request_timeout: Duration::from_secs(a.request_timeout.max(1)),
        header_timeout: Duration::from_secs(a.header_timeout.max(1)),
        at: cert_check::at(&validation)?,
        tsa_url: a
            .tsa_url
            .clone()
            .or_else(|| ncanode_list("NCANODE_TSP_URL").into_iter().next())
            .unwrap_or_else(|| "http://tsp.pki.gov.kz/".into()),
        sign_token,
        tls,
        ..Default::default()
    };
    let service = tanba_server::Service::new(trust, config);
    // CRLs downloaded in the background (/readyz says when they are in), refreshed before
    // their nextUpdate for as long as the service runs
    let _refresh = validation
        .online
        .then(|| service.keep_crls(Duration::from_secs(60)));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let blocking = a.workers.unwrap_or(cores).max(1);
    tanba_server::run(listen, service, (cores / 2).max(1), blocking, |addr| {
        // the one line a supervisor (or a test) waits for
        eprintln!("tanba serve: listening on {scheme}://{addr}");
    })
    .map_err(|e| CliError::input(format!("serve on {listen}: {e}")))
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TANBA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        b.json().try_init()
    } else {
        b.try_init()
    };
}

/// The command line with the settings of `--config FILE` (or `TANBA_CONFIG`) added for
/// `tanba serve`: every key of the TOML file becomes `--key value` unless the command line
/// gives that flag or its `TANBA_*` variable is set (flags, then variables, then the
/// file). Other commands' arguments are returned unchanged.
pub fn with_config_file(
    args: Vec<std::ffi::OsString>,
) -> Result<Vec<std::ffi::OsString>, CliError> {
    if args.get(1).and_then(|a| a.to_str()) != Some("serve") {
        return Ok(args);
    }
    let text: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let path = text
        .iter()
        .position(|a| a == "--config")
        .and_then(|i| text.get(i + 1).cloned())
        .or_else(|| {
            text.iter()
                .find_map(|a| a.strip_prefix("--config=").map(str::to_string))
        })
        .or_else(|| std::env::var("TANBA_CONFIG").ok());
    let Some(path) = path else {
        return Ok(args);
    };
    let body = std::fs::read_to_string(&path)
        .map_err(|e| CliError::input(format!("--config {path}: {e}")))?;
    let table: toml::Table = body
        .parse()
        .map_err(|e| CliError::input(format!("--config {path}: {e}")))?;
    let given = |key: &str| {
        text.iter()
            .any(|a| a == &format!("--{key}") || a.starts_with(&format!("--{key}=")))
    };
    let mut out = args;
    for (key, value) in &table {
        let var = format!("TANBA_{}", key.to_ascii_uppercase().replace('-', "_"));
        if key == "config" || given(key) || std::env::var_os(&var).is_some() {
            continue;
        }
        let items: Vec<&toml::Value> = match value {
            toml::Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        for item in items {
            match item {
                toml::Value::Boolean(true) => out.push(format!("--{key}").into()),
                toml::Value::Boolean(false) => {}
                toml::Value::String(v) => out.push(format!("--{key}={v}").into()),
                toml::Value::Integer(v) => out.push(format!("--{key}={v}").into()),
                toml::Value::Float(v) => out.push(format!("--{key}={v}").into()),
                other => {
                    return Err(CliError::input(format!(
                        "--config {path}: {key}: expected a string, number, boolean or a list of them, not {}",
                        other.type_str()
                    )))
                }
            }
        }
    }
    Ok(out)
}

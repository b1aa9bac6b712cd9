//! `tanba gateway` — queries to the state databases through SmartBridge: individuals by
//! IIN (GBD FL) and legal entities by BIN (GBD UL), in a transport-signed SendMessage
//! envelope; `--send URL` posts it and reads the answer (found / not found / fault).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;
use tanba_egov::gateway::{
    gbdfl_query, gbdul_query, parse_gbdfl_response, parse_gbdul_response, post, SendOptions,
};
use tanba_egov::{sign_transport, verify_transport, Digits12};
use time::OffsetDateTime;

use crate::cmd::application::egov_error;
use crate::cmd::licence::CheckArgs;
use crate::error::CliError;
use crate::io::write_output;
use crate::keyarg::KeyArgs;

/// Arguments of `tanba gateway`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands (parsed once per run: their size does not matter).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// GBD FL: an individual by IIN (GBDFL_UniversalServiceSync).
    QueryIin(IinArgs),
    /// GBD UL: a legal entity by BIN (GbdulInfoByBin_v2; the request is signed too).
    QueryBin(BinArgs),
}

/// Flags shared by both queries.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// The sender (information system) login registered with SmartBridge.
    #[arg(long, value_name = "ID")]
    pub sender_id: String,
    /// messageId to use (default: a new UUID). Retries always reuse the same one.
    #[arg(long, value_name = "UUID")]
    pub message_id: Option<String>,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Post the signed envelope to this URL (http://) and report the answer.
    #[arg(long, value_name = "URL")]
    pub send: Option<String>,
    /// Request timeout in seconds (with --send).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// For an https:// --send URL: trust only this CA certificate (PEM/DER; repeatable)
    /// instead of the built-in Mozilla roots.
    #[arg(long, value_name = "CERT")]
    pub tls_root: Vec<PathBuf>,
    /// Further attempts after a transport failure or HTTP 502/503/504 (with --send).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// With --send and --trust: require the response's transport signature to verify and
    /// its certificate to be valid.
    #[command(flatten)]
    pub check: CheckArgs,
    /// Write the signed request envelope here (atomically); without --send and without
    /// --out it goes to stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
    /// Print the answer as JSON: {"outcome": "found"|"not_found"|"fault", "record"|"code",
    /// "message", "attempts", "response_signer"}.
    #[arg(long)]
    pub json: bool,
}

/// `tanba gateway query-iin`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba gateway query-iin 900101300007 --sender-id my-is --sender-code MYIS --key is.p12 --password-env PW --out request.xml
  tanba gateway query-iin 900101300007 --sender-id my-is --sender-code MYIS --key is.p12 --password-env PW \\
      --send http://127.0.0.1:8080/bip-sync-wss-gost/ --trust sb-root.pem --json

Exit codes: 0 request written, or answer received (found or not found — see the outcome),
1 SOAP fault or response signature not valid, 2 bad input or the endpoint unreachable
after the retries.")]
pub struct IinArgs {
    /// The IIN to look up.
    pub iin: String,
    /// senderCode in the GBD FL payload (issued on agreement).
    #[arg(long, value_name = "CODE")]
    pub sender_code: String,
    #[command(flatten)]
    pub common: Common,
}

/// `tanba gateway query-bin`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba gateway query-bin 050440000012 --requestor-bin 990340005977 --sender-id my-is --key is.p12 --password-env PW --send URL

The <ul:Request> (RequestorBIN, BIN) is signed with the same key (enveloped) and carried as
an xs:string; the envelope then gets the transport signature.
Exit codes as for query-iin.")]
pub struct BinArgs {
    /// The BIN to look up.
    pub bin: String,
    /// BIN of the requesting state information system's owner.
    #[arg(long, value_name = "BIN")]
    pub requestor_bin: String,
    #[command(flatten)]
    pub common: Common,
}

fn digits(v: &str, what: &str) -> Result<Digits12, CliError> {
    v.parse()
        .map_err(|e: tanba_egov::values::ValueError| CliError::input(format!("{what}: {e}")))
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    let now = OffsetDateTime::now_utc();
    let common = match &args.command {
        Sub::QueryIin(a) => &a.common,
        Sub::QueryBin(a) => &a.common,
    };
    let signer = common.key.signer()?;
    let (query, is_fl) = match &args.command {
        Sub::QueryIin(a) => (
            gbdfl_query(
                &digits(&a.iin, "IIN")?,
                &common.sender_id,
                &a.sender_code,
                common.message_id.as_deref(),
                now,
            ),
            true,
        ),
        Sub::QueryBin(a) => (
            gbdul_query(
                &digits(&a.bin, "BIN")?,
                &digits(&a.requestor_bin, "--requestor-bin")?,
                &common.sender_id,
                &signer,
                common.message_id.as_deref(),
                now,
            ),
            false,
        ),
    };
    let query = query.map_err(|e| egov_error("query", e))?;
    let envelope = sign_transport(query.as_bytes(), &signer)
        .map_err(|e| egov_error("transport signature", e))?;
    send_and_report(common, &envelope, |body| {
        if is_fl {
            serde_json::to_value(parse_gbdfl_response(body).map_err(|e| egov_error("response", e))?)
        } else {
            serde_json::to_value(parse_gbdul_response(body).map_err(|e| egov_error("response", e))?)
        }
        .map_err(|e| CliError::input(e.to_string()))
    })
}

/// Write the envelope (`--out` / stdout without `--send`), or post it, check the
/// response's transport signature when `--trust` is given, parse it with `parse` into a
/// JSON outcome (`"outcome"`: … / `"fault"`) and report it.
pub fn send_and_report(
    common: &Common,
    envelope: &[u8],
    parse: impl Fn(&[u8]) -> Result<serde_json::Value, CliError>,
) -> Result<(), CliError> {
    let Some(url) = &common.send else {
        return write_output(common.out.as_deref(), envelope);
    };
    if let Some(out) = &common.out {
        write_output(Some(out), envelope)?;
    }
    let opts = SendOptions {
        timeout: Duration::from_secs(common.timeout),
        retries: common.retries,
        tls_roots: common
            .tls_root
            .iter()
            .map(|p| {
                std::fs::read(p).map_err(|e| {
                    CliError::input(format!("cannot read --tls-root {}: {e}", p.display()))
                })
            })
            .collect::<Result<_, _>>()?,
        ..SendOptions::default()
    };
    let posted = post(url, envelope, &opts).map_err(|e| CliError::input(e.to_string()))?;
    let mut response_signer = None;
    let mut problems = Vec::new();
    if !common.check.validation.trust.is_empty() {
        let checker = common.check.checker()?;
        match verify_transport(&posted.body, &checker) {
            Ok((t, _)) => {
                for f in t.certificate.failures() {
                    problems.push(format!("response signer certificate: {}", f.detail));
                }
                response_signer = t.signer;
            }
            Err(e) => problems.push(format!("response transport signature: {e}")),
        }
    }
    let outcome = parse(&posted.body)?;
    let fault = outcome["outcome"] == "fault";
    if common.json {
        let mut o = outcome.clone();
        o["attempts"] = json!(posted.attempts);
        o["response_signer"] = json!(response_signer);
        o["problems"] = json!(problems);
        crate::io::outln!("{o}");
    } else {
        crate::io::outln!("{}", human(&outcome));
        if let Some(s) = &response_signer {
            crate::io::outln!("response signed by {}", s.describe());
        }
        for p in &problems {
            crate::io::outln!("FAILED {p}");
        }
    }
    if fault || !problems.is_empty() {
        return Err(CliError::check_failed(if fault {
            format!(
                "{url}: SOAP fault {}: {}",
                outcome["code"], outcome["message"]
            )
        } else {
            problems.join("; ")
        }));
    }
    Ok(())
}

fn human(o: &serde_json::Value) -> String {
    match o["outcome"].as_str() {
        Some("found") => format!("found: {}", o["record"]),
        Some("status") => format!(
            "status {}: {} (provider messageId {})",
            o["code"], o["message"], o["message_id"]
        ),
        Some("not_found") => format!("data not found ({}: {})", o["code"], o["message"]),
        _ => format!("fault {}: {}", o["code"], o["message"]),
    }
}

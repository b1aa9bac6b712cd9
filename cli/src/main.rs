//! `tanba` — electronic signatures and document integrity for Kazakhstan's e-government.
//!
//! A thin wrapper: each command parses its arguments, calls one library function of the
//! `tanba-*` crates and prints. Exit codes: 0 success / valid, 1 a verification or policy
//! check failed, 2 usage error or unreadable / malformed input.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod error;
mod io;
mod keyarg;

/// tanba (таңба, "mark") — sign and verify Kazakh e-government XML: canonicalization,
/// XMLDSig and WS-Security signatures, NCA RK keys and certificates.
#[derive(Debug, Parser)]
#[command(name = "tanba", version, propagate_version = true)]
#[command(after_help = "Exit codes: 0 success/valid, 1 a check failed, 2 usage or input error.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Applications for state services: `build` from JSON, `sign` (after the pre-sign
    /// checks), `countersign` (operator), `verify`.
    #[command(subcommand_required = true)]
    Application(cmd::application::Args),
    /// Canonical form (C14N 1.0 or exclusive C14N) of an XML document or subtree.
    C14n(cmd::c14n::Args),
    /// Certificates: `info` describes one with the NCA RK profile (IIN/BIN, roles, key usage).
    #[command(subcommand_required = true)]
    Cert(cmd::cert::Args),
    /// CMS / CAdES signatures as Kalkan and NCALayer make them: `sign`, `add-signer`,
    /// `verify`, `extract`.
    #[command(subcommand_required = true)]
    Cms(cmd::cms::Args),
    /// The full licensing flow on the bundled test PKI, step by step.
    Demo(cmd::demo::Args),
    /// SmartBridge queries: `query-iin` (GBD FL) / `query-bin` (GBD UL), signed; `--send URL`.
    #[command(subcommand_required = true)]
    Gateway(cmd::gateway::Args),
    /// Keystores: `info` lists the keys of a PKCS#12 file (alias, algorithm, SIGN/AUTH, IIN/BIN).
    #[command(subcommand_required = true)]
    Key(cmd::key::Args),
    /// SmartBridge SyncChannel SendMessage request around business data.
    Envelope(cmd::envelope::Args),
    /// Issued licences, permits, conclusions, refusals: `verify` one or a folder.
    #[command(subcommand_required = true)]
    Licence(cmd::licence::Args),
    /// The provider side: `build` a result document (licence, permit, …) and `sign` it.
    #[command(subcommand_required = true)]
    Result(cmd::result::Args),
    /// The HTTP signature service: the NCANode 3.x API (drop-in), the native /v1 API,
    /// health, readiness and metrics.
    #[command(after_help = cmd::serve::HELP)]
    Serve(cmd::serve::Args),
    /// Sign an XML document (enveloped XMLDSig, Kalkan-compatible; --id signs one element).
    Sign(cmd::sign::Args),
    /// RFC 3161 time stamps: `stamp` a file at a TSA, `verify` a token and judge the TSA.
    #[command(subcommand_required = true)]
    Tsp(cmd::tsp::Args),
    /// Trust store: `update` downloads the NCA RK roots and issuing CAs into the cache.
    #[command(subcommand_required = true)]
    Trust(cmd::trust::Args),
    /// Verify every signature of a document at every layer (XMLDSig, the WS-Security
    /// transport signature, the business document inside an envelope); report signers and
    /// exactly what was signed.
    Verify(cmd::verify::Args),
    /// WS-Security transport signature: `sign` an envelope, `verify` one.
    #[command(subcommand_required = true)]
    Wss(cmd::wss::Args),
}

fn main() -> ExitCode {
    let cli = match cmd::serve::with_config_file(std::env::args_os().collect()) {
        Ok(args) => Cli::parse_from(args),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "tanba: {e}");
            return e.exit_code();
        }
    };
    let result = match &cli.command {
        Command::Application(args) => cmd::application::run(args),
        Command::C14n(args) => cmd::c14n::run(args),
        Command::Cert(args) => cmd::cert::run(args),
        Command::Cms(args) => cmd::cms::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Gateway(args) => cmd::gateway::run(args),
        Command::Key(args) => cmd::key::run(args),
        Command::Licence(args) => cmd::licence::run(args),
        Command::Result(args) => cmd::result::run(args),
        Command::Envelope(args) => cmd::envelope::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Sign(args) => cmd::sign::run(args),
        Command::Tsp(args) => cmd::tsp::run(args),
        Command::Trust(args) => cmd::trust::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Wss(args) => cmd::wss::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // a closed stderr must not turn a verdict into a panic either
            let _ = writeln!(std::io::stderr(), "tanba: {e}");
            e.exit_code()
        }
    }
}

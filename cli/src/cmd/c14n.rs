//! `tanba c14n` — canonical form of an XML document.

use std::path::PathBuf;

use crate::error::CliError;

/// Arguments of `tanba c14n`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The XML document (`-` for stdin).
    pub file: PathBuf,
}

/// Run the command.
pub fn run(_args: &Args) -> Result<(), CliError> {
    Err(CliError::input("c14n is not available yet"))
}

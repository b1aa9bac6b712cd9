//! Errors of the command-line tool and their exit codes (CLI.md: 0 ok, 1 check failed,
//! 2 usage error or unreadable / malformed input).

use std::process::ExitCode;

/// A failed command: what to print on stderr and which exit code to return.
#[derive(Debug)]
pub struct CliError {
    /// Exit code: 1 = a verification or policy check failed, 2 = usage / input error.
    pub code: u8,
    /// The message (printed as `tanba: <message>`).
    pub message: String,
}

impl CliError {
    /// Exit code 2: bad usage, unreadable or malformed input.
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    /// Exit code 1: a verification or policy check failed.
    pub fn check_failed(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

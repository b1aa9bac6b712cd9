//! Input, output and password handling shared by every command: `-` means stdin, `--out`
//! is written atomically (temp file in the same folder, then rename; nothing left behind on
//! failure), passwords come from an environment variable, a file or a terminal prompt.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use zeroize::Zeroizing;

use crate::error::CliError;

/// Read a whole input file; `-` reads stdin.
pub fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::input(format!("cannot read stdin: {e}")))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))
}

/// Read an input of at most `limit` bytes (`-` reads stdin); a larger one is refused with
/// `what` and the limit named, before it is read into memory (a CRL costs several times
/// its size once parsed).
pub fn read_input_capped(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, CliError> {
    let too_large = || {
        CliError::input(format!(
            "{}: the {what} is larger than the {} MiB limit",
            display_name(path),
            limit >> 20
        ))
    };
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| CliError::input(format!("cannot read stdin: {e}")))?;
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
        if f.metadata().is_ok_and(|m| m.len() > limit) {
            return Err(too_large());
        }
        f.take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
    }
    if buf.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(buf)
}

/// The largest CRL accepted by default, local (`--crl`) or downloaded: 256 MiB (NCA's
/// production CRLs are ≈ 21 MB; the index costs 32 bytes per entry). `--max-crl-size`
/// changes it for the verifying commands.
pub const DEFAULT_MAX_CRL_MIB: u64 = 256;

/// The largest local OCSP response accepted (`--ocsp-response`): the fetcher's cap.
pub fn max_ocsp_bytes() -> u64 {
    tanba_pki::FetchConfig::default().max_ocsp_bytes
}

/// The name to use for an input in messages (`<stdin>` for `-`).
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Set once stdout's reader has gone away (`tanba … | head -c1`): nothing more is written.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Write to stdout. A closed pipe is not an error: the reader stopped reading, so writing
/// stops and the command still ends with its verdict's exit code. Any other write error
/// is returned.
pub fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other,
    }
}

/// A [`Write`] to stdout for streamed output (canonical forms): once the reader closes
/// the pipe, further writes are dropped, as [`write_stdout`] does.
pub struct StdoutWriter;

impl Write for StdoutWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        write_stdout(buf).map(|_| buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Print a report line (or several) on stdout: what `println!` does, without panicking
/// when stdout is closed (see [`write_stdout`]); another write error is said on stderr.
pub fn print_out(text: std::fmt::Arguments<'_>) {
    let mut s = text.to_string();
    s.push('\n');
    if let Err(e) = write_stdout(s.as_bytes()) {
        let _ = writeln!(std::io::stderr(), "tanba: cannot write to stdout: {e}");
    }
}

/// Print text as it is (no newline added), as [`print_out`] does.
pub fn print_text(text: &str) {
    if let Err(e) = write_stdout(text.as_bytes()) {
        let _ = writeln!(std::io::stderr(), "tanba: cannot write to stdout: {e}");
    }
}

/// `println!` for command output: a closed stdout stops the output, never panics.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::io::print_out(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// `value` as indented JSON ending in a newline, as every `--json` report is printed
/// (`what` names it in the error should it not serialise).
pub fn pretty_json<T: serde::Serialize + ?Sized>(
    value: &T,
    what: &str,
) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::input(format!("cannot serialise {what}: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Write `bytes` to `out` atomically, or to stdout when `out` is `None`.
pub fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match out {
        None => {
            write_stdout(bytes).map_err(|e| CliError::input(format!("cannot write to stdout: {e}")))
        }
        Some(path) => write_file_atomic(path, bytes),
    }
}

/// The prefix of this program's temporary files: `.tanba-<pid>-<random>.tmp`.
const TEMP_PREFIX: &str = ".tanba-";
const TEMP_SUFFIX: &str = ".tmp";

/// Write `bytes` to `path` without ever leaving it half-written or replacing something
/// that is not a regular file:
///
/// * a regular file (or a new one) is written atomically: a temporary file in the same
///   folder, fsync, then rename over the target. A replaced file keeps its permission
///   bits; a new one gets the usual `0666` minus the umask;
/// * a symbolic link is followed and its final target replaced the same way (the link
///   stays a link);
/// * a device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written directly —
///   never replaced by a regular file;
/// * a folder is an error.
///
/// Temporary files a killed earlier run left in that folder (`.tanba-<pid>-*.tmp` of a
/// process that no longer exists) are removed first.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::input(format!("cannot write {}: {e}", path.display()));
    // follow symbolic links to the file that is really written
    let target: PathBuf = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(path) {
            Ok(t) => t,
            // a dangling link: create its target
            Err(_) => {
                let link = std::fs::read_link(path).map_err(fail)?;
                match path.parent() {
                    Some(p) if link.is_relative() => p.join(link),
                    _ => link,
                }
            }
        },
        _ => path.to_path_buf(),
    };
    let existing = std::fs::metadata(&target).ok();
    if let Some(m) = &existing {
        if m.is_dir() {
            return Err(fail(std::io::Error::other("it is a folder")));
        }
        if !m.is_file() {
            // a device, FIFO or socket: write into it, do not replace it
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(fail)?;
            return f.write_all(bytes).and_then(|_| f.flush()).map_err(fail);
        }
    }
    let dir: PathBuf = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    remove_stale_temp_files(&dir);
    let mut builder = tempfile::Builder::new();
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // created with 0666: the kernel applies the umask, as for any new file
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    if let Some(m) = &existing {
        // a replaced file keeps its mode
        tmp.as_file()
            .set_permissions(m.permissions())
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Removes `.tanba-<pid>-*.tmp` files in `dir` whose process no longer runs (left by a
/// run that was killed between creating and renaming its temporary file). Where process
/// ids cannot be checked, files older than a day are taken as stale. Best effort.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let proc_fs = Path::new("/proc/self").exists();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let stale = if proc_fs {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(86_400))
        };
        if stale && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Where a password comes from (CLI.md: never a plain `--password VALUE`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PasswordArgs {
    /// Read the keystore password from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Read the keystore password from the first line of this file.
    #[arg(long, value_name = "FILE", conflicts_with = "password_env")]
    pub password_file: Option<PathBuf>,
}

impl PasswordArgs {
    /// The password: from the variable, the file, or a prompt when stdin is a terminal.
    pub fn read(&self, what: &str) -> Result<Zeroizing<String>, CliError> {
        if let Some(var) = &self.password_env {
            return std::env::var(var).map(Zeroizing::new).map_err(|_| {
                CliError::input(format!(
                    "environment variable {var} (--password-env) is not set"
                ))
            });
        }
        if let Some(file) = &self.password_file {
            let raw = Zeroizing::new(std::fs::read_to_string(file).map_err(|e| {
                CliError::input(format!("cannot read password file {}: {e}", file.display()))
            })?);
            let line = raw.lines().next().unwrap_or("");
            return Ok(Zeroizing::new(line.to_owned()));
        }
        if std::io::stdin().is_terminal() {
            return rpassword::prompt_password(format!("Password for {what}: "))
                .map(Zeroizing::new)
                .map_err(|e| CliError::input(format!("cannot read the password: {e}")));
        }
        Err(CliError::input(format!(
            "a password is needed for {what}: give --password-env VAR or --password-file FILE"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.xml");
        write_file_atomic(&target, b"one").unwrap();
        write_file_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn atomic_write_into_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no-such-dir").join("out.xml");
        let err = write_file_atomic(&target, b"x").unwrap_err();
        assert_eq!(err.code, 2);
        assert!(err.message.contains("out.xml"));
    }

    #[test]
    fn password_from_file_takes_the_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "Qwerty12\nignored\n").unwrap();
        let args = PasswordArgs {
            password_env: None,
            password_file: Some(f),
        };
        assert_eq!(args.read("test").unwrap().as_str(), "Qwerty12");
    }
}

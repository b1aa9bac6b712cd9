//! Helpers shared by the `tanba` CLI integration tests: running the binary under test and
//! naming the test artifacts (always through `tanba_testdata`).

// Each test file is its own crate and uses only some of these helpers.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A `Command` for the `tanba` binary under test.
pub fn command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tanba"))
}

/// Run `tanba args` with the extra environment variables `env`, writing `stdin` to it
/// (`None`: stdin is closed at once); stdout and stderr are captured.
pub fn tanba_io(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
    let mut c = command();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("run tanba");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait tanba")
}

/// Run `tanba args` with no input.
pub fn tanba(args: &[&str]) -> Output {
    tanba_io(args, &[], None)
}

/// Run `tanba` with owned arguments.
pub fn run(args: Vec<String>) -> Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    tanba(&refs)
}

/// Assert that `tanba` exited with `code`, showing its stderr when it did not.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A file of the generated test PKI (workspace `testdata/pki/`).
pub fn pki(rel: &str) -> String {
    tanba_testdata::own(&format!("pki/{rel}"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// A file of the shared NCA RK test artifacts.
pub fn nca(rel: &str) -> String {
    tanba_testdata::nca(rel).to_str().unwrap().to_owned()
}

/// Full certificate validation of the NCA RSA test key as of its validity period: the
/// test CA as trust, its real stored OCSP answer, test identifiers accepted.
pub fn nca_rsa_validation() -> Vec<String> {
    vec![
        "--trust".into(),
        nca("ca/nca_rsa_test.crt"),
        "--ocsp-response".into(),
        nca("ocsp/ocsp_response_individual_sign_2004.bin"),
        "--at".into(),
        "2021-06-01T00:00:00Z".into(),
        "--allow-test-identifiers".into(),
    ]
}

/// Run `tanba args` with `stdin`, having closed our end of its stdout before it writes
/// (`| head -c0`).
pub fn with_closed_stdout(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tanba");
    drop(child.stdout.take());
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait tanba")
}

/// Sign `input` with the NCA RK test key `key` (a file name under `keys/`, its password
/// passed in `PW`): `tanba <command> - --key … --password-env PW <extra>`, where `command`
/// is `["sign"]` (the Kalkan-profile business signature) or `["wss", "sign"]`. Returns
/// the signed document; panics with tanba's stderr if signing failed.
#[track_caller]
pub fn sign_with_nca_key(command: &[&str], key: &str, input: &[u8], extra: &[&str]) -> Vec<u8> {
    let path = nca(&format!("keys/{key}"));
    let mut args = command.to_vec();
    args.extend_from_slice(&["-", "--key", &path, "--password-env", "PW"]);
    args.extend_from_slice(extra);
    let out = tanba_io(
        &args,
        &[("PW", tanba_testdata::nca_password(key))],
        Some(input),
    );
    assert_exit(&out, 0);
    out.stdout
}

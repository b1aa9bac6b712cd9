//! `tanba key info` end to end on the real NCA RK keystores: human and `--json` reports,
//! `--alias`, password sources, and that a password is never taken from the command line.
//! Expected identities are those of ../shared/testdata/nca/README.md.

mod common;

use std::process::Output;

const PW_VAR: &str = "TANBA_KEY_INFO_TEST_PW";

fn nca(name: &str) -> String {
    tanba_testdata::nca(&format!("keys/{name}"))
        .to_str()
        .unwrap()
        .to_string()
}

fn tanba(args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = common::command();
    cmd.args(args).env_remove(PW_VAR);
    if let Some(p) = password {
        cmd.env(PW_VAR, p);
    }
    cmd.output().expect("run tanba")
}

fn key_info(name: &str, extra: &[&str]) -> Output {
    let path = nca(name);
    let mut args = vec!["key", "info", path.as_str(), "--password-env", PW_VAR];
    args.extend_from_slice(extra);
    tanba(&args, Some(tanba_testdata::nca_password(name)))
}

fn json(name: &str, extra: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(extra);
    let out = key_info(name, &a);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_report_for_every_nca_keystore() {
    // (file, key_kind, purpose, iin, bin, roles, not_before)
    let cases = [
        (
            "individual_valid_sign_rsa_2004.p12",
            "rsa",
            "SIGN",
            "123456789011",
            None,
            vec!["individual"],
            "2021-01-18",
        ),
        (
            "individual_sign_revoked_rsa_2004.p12",
            "rsa",
            "SIGN",
            "123456789011",
            None,
            vec!["individual"],
            "2022-01-18",
        ),
        (
            "individual_auth_revoked_rsa_2004.p12",
            "rsa",
            "AUTH",
            "123456789011",
            None,
            vec!["individual"],
            "2022-01-18",
        ),
        (
            "ceo_sign_revoked_gost_2004.p12",
            "gost2004",
            "SIGN",
            "123456789011",
            Some("123456789021"),
            vec!["legal_entity", "first_head"],
            "2022-01-18",
        ),
        (
            "individual_valid_gost_2015.p12",
            "gost2015_512",
            "SIGN",
            "123456789012",
            None,
            vec!["individual"],
            "2022-07-28",
        ),
        (
            "ceo_revoked_gost_2015.p12",
            "gost2015_512",
            "SIGN",
            "123456789011",
            Some("123456789021"),
            vec!["legal_entity", "first_head"],
            "2022-07-27",
        ),
    ];
    for (name, kind, purpose, iin, bin, roles, not_before) in cases {
        let v = json(name, &[]);
        assert_eq!(v["certificates"], 1, "{name}");
        let keys = v["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1, "{name}");
        let k = &keys[0];
        assert_eq!(k["key_kind"], kind, "{name}");
        assert_eq!(k["purpose"], purpose, "{name}");
        assert_eq!(k["iin"], iin, "{name}");
        assert_eq!(
            k["bin"],
            bin.map_or(serde_json::Value::Null, Into::into),
            "{name}"
        );
        let got_roles: Vec<&str> = k["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(got_roles, roles, "{name}");
        assert!(
            k["not_before"].as_str().unwrap().starts_with(not_before),
            "{name}: {}",
            k["not_before"]
        );
        assert_eq!(k["certificate_match"], "local_key_id", "{name}");
        assert_eq!(k["alias"], k["friendly_name"], "{name}");
        assert_eq!(
            k["local_key_id"].as_str().unwrap(),
            k["alias"].as_str().unwrap().to_uppercase(),
            "{name}"
        );
        assert!(
            k["subject"]
                .as_str()
                .unwrap()
                .contains(&format!("SERIALNUMBER=IIN{iin}")),
            "{name}"
        );
        assert_eq!(k["certificate"]["iin"]["value"], iin, "{name}");
        if kind == "rsa" {
            assert_eq!(k["key_bits"], 2048, "{name}");
            assert_eq!(k["key_algorithm"], "RSA-2048", "{name}");
        } else {
            assert!(
                k["gost_param_set"]
                    .as_str()
                    .unwrap()
                    .starts_with("1.2.398.3.10.1.1."),
                "{name}"
            );
        }
    }
}

#[test]
fn human_report_names_the_key_and_the_person() {
    let out = key_info("ceo_sign_revoked_gost_2004.p12", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "1 key(s), 1 certificate(s)",
        "Alias:           f91cff24c3e44f4ccd1d44c3e3972749507555d5",
        "Key algorithm:   GOST 34.310-2004",
        "Purpose:         SIGN",
        "IIN:             123456789011",
        "BIN:             123456789021",
        "Roles:           legal_entity, first_head",
        "Serial:          12E3E7B9966D09EB9CDA64251457E815C2A8DDED",
        "Valid:           2022-01-18",
        "ҰКО 3.0 (GOST TEST)",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let out = key_info("individual_auth_revoked_rsa_2004.p12", &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Purpose:         AUTH"), "{text}");
    assert!(text.contains("Key algorithm:   RSA-2048"), "{text}");
}

#[test]
fn alias_selects_or_fails_with_exit_2() {
    let name = "individual_valid_sign_rsa_2004.p12";
    let v = json(
        name,
        &["--alias", "E3FE35ADDA3B45CBEA3A3F1ED48F263DC55C556E"],
    );
    assert_eq!(v["keys"].as_array().unwrap().len(), 1);
    let out = key_info(name, &["--alias", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no key with alias \"nope\""), "{err}");
    assert!(
        err.contains("e3fe35adda3b45cbea3a3f1ed48f263dc55c556e"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn wrong_password_exits_2_with_its_own_message() {
    let path = nca("individual_valid_gost_2015.p12");
    let out = tanba(
        &["key", "info", &path, "--password-env", PW_VAR],
        Some("Qwerty12"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wrong password"), "{err}");
    assert!(
        !err.contains("Qwerty12"),
        "the password must not be echoed: {err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn damaged_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = tanba_testdata::read_nca("keys/individual_valid_sign_rsa_2004.p12");
    let cut = dir.path().join("cut.p12");
    std::fs::write(&cut, &data[..data.len() / 2]).unwrap();
    let out = tanba(
        &[
            "key",
            "info",
            cut.to_str().unwrap(),
            "--password-env",
            PW_VAR,
        ],
        Some("Qwerty12"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    let missing = dir.path().join("missing.p12");
    let out = tanba(
        &[
            "key",
            "info",
            missing.to_str().unwrap(),
            "--password-env",
            PW_VAR,
        ],
        Some("x"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.p12"));
}

#[test]
fn password_file_and_stdin_input() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "Aa123456\n").unwrap();
    let path = nca("ceo_revoked_gost_2015.p12");
    let out = tanba(
        &[
            "key",
            "info",
            &path,
            "--password-file",
            pw.to_str().unwrap(),
            "--json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["keys"][0]["bin"], "123456789021");

    // `-` reads the keystore from stdin.
    let out = common::command()
        .args(["key", "info", "-", "--password-env", PW_VAR, "--json"])
        .env(PW_VAR, "Aa123456")
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["file"], "<stdin>");
    assert_eq!(v["keys"][0]["key_kind"], "gost2015_512");
}

#[test]
fn no_password_is_ever_accepted_on_the_command_line() {
    let path = nca("individual_valid_sign_rsa_2004.p12");
    for args in [
        vec!["key", "info", path.as_str(), "--password", "Qwerty12"],
        vec!["key", "info", path.as_str(), "--password=Qwerty12"],
        vec!["key", "info", path.as_str(), "-p", "Qwerty12"],
        vec!["key", "info", path.as_str(), "Qwerty12"],
    ] {
        let out = tanba(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // No source at all and stdin is not a terminal: a usage error that names the options.
    let out = common::command()
        .args(["key", "info", &path])
        .env_remove(PW_VAR)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--password-env") && err.contains("--password-file"),
        "{err}"
    );
    // An unset variable is an error, not an empty password.
    let out = tanba(&["key", "info", &path, "--password-env", PW_VAR], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(PW_VAR));
}

#[test]
fn help_documents_the_json_fields() {
    let out = tanba(&["key", "info", "--help"], None);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for field in [
        "alias",
        "local_key_id",
        "key_algorithm",
        "key_kind",
        "purpose",
        "iin",
        "bin",
        "roles",
        "not_before",
        "not_after",
        "certificate_match",
        "--password-env",
        "--password-file",
        "--alias",
    ] {
        assert!(help.contains(field), "--help does not mention {field}");
    }
    assert!(!help.contains("--password "), "no plain --password option");
}

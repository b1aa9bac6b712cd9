//! `tanba envelope` end to end: the SendMessage request around business data, data modes,
//! password from the environment, atomic --out, usage errors.

mod common;

use std::process::Output;

fn tanba(args: &[&str], env: &[(&str, &str)]) -> Output {
    common::tanba_io(args, env, None)
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn inline_request_with_password_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.xml");
    std::fs::write(
        &data,
        "<?xml version=\"1.0\"?>\n<r><iin>123456789011</iin></r>\n",
    )
    .unwrap();
    let o = tanba(
        &[
            "envelope",
            "--data",
            data.to_str().unwrap(),
            "--service-id",
            "GBDFL_UniversalServiceSync",
            "--sender-id",
            "login",
            "--sender-password-env",
            "SB_PW",
            "--message-id",
            "0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10",
            "--property",
            "CONNECTOR_CLIENT=true",
        ],
        &[("SB_PW", "s3cret&")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let xml = text(&o);
    assert!(xml.starts_with("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/><soap:Body><sb:SendMessage xmlns:sb=\"http://bip.bee.kz/SyncChannel/v10/Types\"><request><requestInfo><messageId>0b6a4c0e-3a8e-4f8e-9d0c-5c2a3c1b2a10</messageId><serviceId>GBDFL_UniversalServiceSync</serviceId><messageDate>"));
    assert!(xml.contains("<sender><senderId>login</senderId><password>s3cret&amp;</password></sender><properties><key>CONNECTOR_CLIENT</key><value>true</value></properties></requestInfo>"));
    assert!(xml.ends_with("<requestData><data><r><iin>123456789011</iin></r></data></requestData></request></sb:SendMessage></soap:Body></soap:Envelope>"));
    assert!(!xml.contains('\n'));
}

#[test]
fn signed_data_goes_in_as_an_escaped_string_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.xml");
    let signed = dir.path().join("signed.xml");
    std::fs::write(
        &doc,
        "<ul:Request xmlns:ul=\"urn:ul\"><BIN>123456789021</BIN></ul:Request>",
    )
    .unwrap();
    let p12 = tanba_testdata::nca("keys/individual_valid_sign_rsa_2004.p12");
    let o = tanba(
        &[
            "sign",
            doc.to_str().unwrap(),
            "--key",
            p12.to_str().unwrap(),
            "--password-env",
            "PW",
            "--out",
            signed.to_str().unwrap(),
        ],
        &[("PW", "Qwerty12")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("env.xml");
    let o = tanba(
        &[
            "envelope",
            "--data",
            signed.to_str().unwrap(),
            "--service-id",
            "GbdulInfoByBin_v2",
            "--sender-id",
            "login",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let env = std::fs::read_to_string(&out).unwrap();
    assert!(env.contains("<data xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">&lt;?xml"));
    // the carried string is the signed document byte for byte
    let back = tanba_wss_data(&env);
    assert_eq!(back.as_bytes(), std::fs::read(&signed).unwrap());
    // forcing inline works too
    let o = tanba(
        &[
            "envelope",
            "--data",
            signed.to_str().unwrap(),
            "--service-id",
            "S",
            "--sender-id",
            "l",
            "--data-mode",
            "inline",
        ],
        &[],
    );
    assert!(text(&o).contains("<data><ul:Request xmlns:ul=\"urn:ul\">"));
    // typed inline
    let o = tanba(
        &[
            "envelope",
            "--data",
            doc.to_str().unwrap(),
            "--service-id",
            "S",
            "--sender-id",
            "l",
            "--xsi-type",
            "cs:Request=http://message.persistence.interactive.nat",
        ],
        &[],
    );
    assert!(text(&o).contains("<data xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cs=\"http://message.persistence.interactive.nat\" xsi:type=\"cs:Request\"><ul:Request"));
}

/// The unescaped text of `<data …>…</data>` (independent of tanba-wss: plain unescaping).
fn tanba_wss_data(env: &str) -> String {
    let s = env.find("xsi:type=\"xs:string\">").unwrap() + "xsi:type=\"xs:string\">".len();
    let e = env.find("</data>").unwrap();
    env[s..e]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

#[test]
fn usage_and_input_errors_exit_2_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<a><b></a>").unwrap();
    let out = dir.path().join("out.xml");
    let o = tanba(
        &[
            "envelope",
            "--data",
            bad.to_str().unwrap(),
            "--service-id",
            "S",
            "--sender-id",
            "l",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.xml"));
    assert!(!out.exists());
    let good = dir.path().join("good.xml");
    std::fs::write(&good, "<a/>").unwrap();
    for (args, msg) in [
        (
            vec!["--sender-password-env", "NO_SUCH_VAR_TANBA"],
            "NO_SUCH_VAR_TANBA",
        ),
        (vec!["--property", "novalue"], "KEY=VALUE"),
        (
            vec!["--property", &format!("{}=v", "k".repeat(31))],
            "properties/key",
        ),
        (vec!["--xsi-type", "nonamespace"], "PREFIX:TYPE=NAMESPACE"),
    ] {
        let mut a = vec![
            "envelope",
            "--data",
            good.to_str().unwrap(),
            "--service-id",
            "S",
            "--sender-id",
            "l",
        ];
        a.extend(args);
        let o = tanba(&a, &[]);
        assert_eq!(o.status.code(), Some(2), "{msg}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(msg),
            "{msg}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

//! Keeps the serializer, the parser and `schema/egov.xsd` in step: generated documents are
//! validated by an independent validator (`xmllint --schema`, libxml2) and parsed back to
//! equal values; documents the schema rejects are rejected by the parser too.

use std::path::{Path, PathBuf};
use std::process::Command;

use tanba_egov::{Application, BuildContext, EgovError, ResultDocument, Timestamp};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/examples")
}

fn schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/egov.xsd")
}

fn ctx() -> BuildContext<'static> {
    BuildContext {
        id: "APP-2026-0001".parse().unwrap(),
        now: "2026-03-01T10:00:00+05:00".parse::<Timestamp>().unwrap(),
        attachments_dir: None,
    }
}

/// Run `xmllint --schema`; `Ok(())` when valid, `Err(stderr)` when not. Panics (failing
/// the test with a clear message) when xmllint is not installed.
fn xmllint(xml: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("doc.xml");
    std::fs::write(&f, xml).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(&f)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint is required for this test (apt-get install libxml2-utils): {e}")
        });
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn build(name: &str) -> Application {
    let json = std::fs::read(examples().join(name)).unwrap();
    Application::from_json(&json, &ctx()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_example_application_validates_and_round_trips() {
    for name in [
        "import-licence.json",
        "qualification-conformity.json",
        "generic.json",
    ] {
        let app = build(name);
        let xml = app.to_xml();
        xmllint(&xml).unwrap_or_else(|e| panic!("{name}: schema rejects our output:\n{e}"));
        assert_eq!(Application::from_xml(&xml).unwrap(), app, "{name}");
    }
}

#[test]
fn result_document_validates_and_round_trips() {
    let json = std::fs::read(examples().join("licence-result.json")).unwrap();
    let now = "2026-03-10T15:20:00+05:00".parse().unwrap();
    let r = ResultDocument::from_json(&json, now).unwrap();
    assert_eq!(r.issue_date.to_string(), "10.03.2026");
    let xml = r.to_xml();
    xmllint(&xml).unwrap();
    assert_eq!(ResultDocument::from_xml(&xml).unwrap(), r);
}

#[test]
fn signed_documents_still_follow_the_schema() {
    let app = build("import-licence.json");
    let xml = String::from_utf8(app.to_xml()).unwrap();
    let sig = r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>"#;
    let signed = xml.replace("</Application>", &format!("{sig}{sig}</Application>"));
    xmllint(signed.as_bytes()).unwrap();
    assert_eq!(Application::from_xml(signed.as_bytes()).unwrap(), app);
}

#[test]
fn output_is_compact_escaped_utf8() {
    let app = build("import-licence.json");
    let xml = String::from_utf8(app.to_xml()).unwrap();
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Application xmlns=\"urn:tanba:egov:1\">"
    ));
    assert_eq!(
        xml.lines().count(),
        2,
        "compact: declaration line + one line of content"
    );
    // Cyrillic kept as UTF-8, not as character references.
    assert!(xml.contains("<Unit>дана</Unit>"));
    // Markup characters escaped.
    assert!(xml.contains("&lt;test &amp; check&gt;"));
    assert!(xml.contains("АО \"ТЕСТ\""));
    // Carriage returns survive as references (a raw CR would be normalised away).
    let mut app2 = app.clone();
    app2.applicant.name = "ТЕСТ\r\nЖШС".parse().unwrap();
    let x2 = app2.to_xml();
    assert!(String::from_utf8_lossy(&x2).contains("ТЕСТ&#13;\nЖШС"));
    assert_eq!(Application::from_xml(&x2).unwrap(), app2);
}

fn json_error(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(examples().join(name)).unwrap()).unwrap();
    edit(&mut v);
    let bytes = serde_json::to_vec(&v).unwrap();
    match Application::from_json(&bytes, &ctx()) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

#[test]
fn validation_errors_name_the_field() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v["form"]["contract"]["date"] = "2026-02-15".into()),
            "form.contract.date: expected DD.MM.YYYY",
        ),
        (
            Box::new(|v| v["form"]["validity"]["to"] = "31.02.2026".into()),
            "form.validity.to: expected DD.MM.YYYY, 31.02.2026 is not a calendar date",
        ),
        (
            Box::new(|v| v["form"]["validity"]["to"] = "01.01.2026".into()),
            "form.validity.to: 01.01.2026 is before validity.from",
        ),
        (
            Box::new(|v| v["form"]["commodity"]["code"] = "852589000".into()),
            "form.commodity.code: expected a 10-digit EAEU commodity code",
        ),
        (
            Box::new(|v| v["form"]["value"] = serde_json::json!(1250.5)),
            "form.value: decimal given as a JSON float",
        ),
        (
            Box::new(|v| v["form"]["quantity"] = "-1".into()),
            "form.quantity: must not be negative",
        ),
        (
            Box::new(|v| v["form"]["currency"] = "usd".into()),
            "form.currency: expected an ISO 4217",
        ),
        (
            Box::new(|v| v["form"]["licence_type"] = "TRANSIT".into()),
            "form.licence_type: unknown variant `TRANSIT`",
        ),
        (
            Box::new(|v| v["form"]["colour"] = "red".into()),
            "form.colour",
        ),
        (
            Box::new(|v| v["form"]["type"] = "passport".into()),
            "form.type: unknown form type",
        ),
        (
            Box::new(|v| {
                v["form"].as_object_mut().unwrap().remove("basis");
            }),
            "form: missing field `basis`",
        ),
        (
            Box::new(|v| v["applicant"]["id"] = serde_json::json!({"iin": "123456789011"})),
            "applicant.id: a legal-entity applicant is identified by a BIN",
        ),
        (
            Box::new(|v| v["applicant"]["id"] = serde_json::json!({"bin": "12345"})),
            "applicant.id.bin: expected 12 digits",
        ),
        (
            Box::new(|v| v["attachments"][0]["file_name"] = "../etc/passwd".into()),
            "attachments[0].file_name: \"../etc/passwd\" is not a plain file name",
        ),
        (
            Box::new(|v| v["attachments"][0]["sha256"] = "00".into()),
            "attachments[0].sha256: expected 64 lowercase hexadecimal digits",
        ),
        (
            Box::new(|v| v["payment"]["amount"] = "0".into()),
            "payment.amount: must be greater than zero",
        ),
        (
            Box::new(|v| v["consent"]["given_at"] = "yesterday".into()),
            "consent.given_at: expected an RFC 3339 time",
        ),
        (
            Box::new(|v| v["applicant"]["name"] = "a\u{1}b".into()),
            "applicant.name: character U+0001",
        ),
    ];
    for (edit, want) in cases {
        let got = json_error("import-licence.json", edit);
        assert!(
            got.starts_with(want) || got.contains(want),
            "want {want:?}\n got {got:?}"
        );
    }
}

#[test]
fn power_of_attorney_rules() {
    let got = json_error("qualification-conformity.json", |v| {
        v["representative"]["power_of_attorney"]["kind"] = "other".into();
    });
    assert!(
        got.starts_with("representative.power_of_attorney.number: not filled in"),
        "{got}"
    );
    let got = json_error("qualification-conformity.json", |v| {
        v["representative"]["power_of_attorney"]
            .as_object_mut()
            .unwrap()
            .remove("date");
    });
    assert!(
        got.starts_with("representative.power_of_attorney.date: required"),
        "{got}"
    );
    let got = json_error("qualification-conformity.json", |v| {
        v["form"]["measuring_instruments"][0]["certificate"]["valid_until"] = "01.01.2025".into();
    });
    assert!(
        got.starts_with(
            "form.measuring_instruments[0].certificate.valid_until: 01.01.2025 is before"
        ),
        "{got}"
    );
    let got = json_error("generic.json", |v| {
        v["form"]["sections"][0]["fields"][1]["key"] = "Мекенжай".into();
    });
    assert!(
        got.starts_with("form.sections[0].fields[1].key: duplicate key"),
        "{got}"
    );
}

#[test]
fn malformed_json_reports_line_and_column() {
    let e = Application::from_json(b"{\n  \"service\": ,\n}", &ctx()).unwrap_err();
    assert!(matches!(e, EgovError::Json { .. }), "{e:?}");
    assert!(e.to_string().contains("line 2"), "{e}");
}

/// Each edit makes the XML invalid; both xmllint and our parser must reject it.
#[test]
fn schema_and_parser_agree_on_invalid_documents() {
    let app = build("import-licence.json");
    let xml = String::from_utf8(app.to_xml()).unwrap();
    let edits: Vec<(&str, String)> = vec![
        (
            "commodity code with 9 digits",
            xml.replace("<Code>8525890000</Code>", "<Code>852589000</Code>"),
        ),
        (
            "ISO date",
            xml.replace("<Date>15.02.2026</Date>", "<Date>2026-02-15</Date>"),
        ),
        (
            "float-looking value",
            xml.replace("<Value>125000.00</Value>", "<Value>1.25E5</Value>"),
        ),
        (
            "unknown licence type",
            xml.replace(
                "<LicenceType>IMPORT</LicenceType>",
                "<LicenceType>TRANSIT</LicenceType>",
            ),
        ),
        ("missing basis", {
            let s = xml.find("<Basis>").unwrap();
            let e = xml.find("</Basis>").unwrap() + "</Basis>".len();
            format!("{}{}", &xml[..s], &xml[e..])
        }),
        (
            "extra element",
            xml.replace("<Consent>", "<Extra>x</Extra><Consent>"),
        ),
        (
            "wrong namespace",
            xml.replace("urn:tanba:egov:1", "urn:other"),
        ),
        (
            "bad applicant kind",
            xml.replace("kind=\"legal-entity\"", "kind=\"company\""),
        ),
        (
            "uppercase digest",
            xml.replace("27500e817be7", "27500E817BE7"),
        ),
        (
            "attribute on a leaf",
            xml.replace("<Unit>", "<Unit Id=\"u\">"),
        ),
        (
            "attribute on the root",
            xml.replace(
                "<Application xmlns=\"urn:tanba:egov:1\">",
                "<Application xmlns=\"urn:tanba:egov:1\" Id=\"a\">",
            ),
        ),
        (
            "attribute on a container",
            xml.replace("<Contract>", "<Contract status=\"x\">"),
        ),
        (
            "empty name",
            xml.replace("<Unit>дана</Unit>", "<Unit></Unit>"),
        ),
        (
            "elements out of order",
            xml.replace("<Unit>дана</Unit>", "")
                .replace("<Quantity>", "<Unit>дана</Unit><Quantity>"),
        ),
    ];
    for (what, doc) in edits {
        assert!(xmllint(doc.as_bytes()).is_err(), "xmllint accepted: {what}");
        assert!(
            Application::from_xml(doc.as_bytes()).is_err(),
            "parser accepted: {what}"
        );
    }
}

#[test]
fn parser_errors_carry_position_and_path() {
    let app = build("import-licence.json");
    let xml = String::from_utf8(app.to_xml())
        .unwrap()
        .replace("<Code>8525890000</Code>", "<Code>85</Code>");
    let e = Application::from_xml(xml.as_bytes()).unwrap_err();
    match &e {
        EgovError::Schema {
            path,
            line,
            column,
            message,
        } => {
            assert_eq!(path, "Application/Form/ImportExportLicence/Commodity/Code");
            assert_eq!(*line, 2);
            assert!(*column > 1);
            assert!(message.contains("10-digit"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

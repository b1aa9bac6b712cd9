//! Rendering of `tanba_validate::DocumentReport` (`tanba verify`, `tanba wss verify`): the
//! JSON is the report itself plus `file`; the human form says, per signer, its layer, the
//! indication, who signed, what exactly was signed (path and line:column) and each check.

use tanba_validate::{
    CertificateValidation, CheckMode, CheckOutcome, DocumentError, DocumentFormat, DocumentReport,
    Layer, SignedKind, SignerReport,
};

use crate::error::CliError;
use crate::io::outln;

/// The JSON of one verified file: the report with the file's name.
#[derive(serde::Serialize)]
struct FileReport<'a> {
    file: &'a str,
    #[serde(flatten)]
    report: &'a DocumentReport,
}

/// The JSON of a file that could not be verified.
#[derive(serde::Serialize)]
struct ErrorReport<'a> {
    error: ErrorBody<'a>,
}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    kind: &'static str,
    message: String,
    file: &'a str,
}

/// Print the report (`json`: one object) and turn the verdict into the exit status.
pub fn finish(name: &str, report: &DocumentReport, json: bool) -> Result<(), CliError> {
    print(name, report, json);
    if report.is_passed() {
        Ok(())
    } else {
        Err(CliError::check_failed(with_hints(format!(
            "{name}: {}",
            report.problems.join("; ")
        ))))
    }
}

/// Print the report: one JSON object (`json`) or the human form.
pub fn print(name: &str, report: &DocumentReport, json: bool) {
    if json {
        outln!("{}", file_json(name, report));
    } else {
        human(report);
    }
}

/// `message` followed by the flag that would fix a refusal that names a known cause:
/// NCA test identifiers, a certificate issued by an NCA test CA.
pub fn with_hints(message: String) -> String {
    let mut hints = Vec::new();
    if message.contains("fails the national checksum") && message.contains("123456789") {
        hints.push("NCA test certificates carry identifiers that fail the national checksum: add --allow-test-identifiers");
    }
    if message.contains("no trusted issuer found") && message.contains("TEST") {
        hints.push("the certificate was issued by an NCA test CA: add --trust-set nca-test");
    }
    if hints.is_empty() {
        message
    } else {
        format!("{message}\nhint: {}", hints.join("\nhint: "))
    }
}

/// The JSON line of one verified file: the report with the file's name (made by serde).
pub fn file_json(name: &str, report: &DocumentReport) -> String {
    serde_json::to_string(&FileReport { file: name, report })
        .unwrap_or_else(|e| error_json(name, "internal", &format!("cannot render the report: {e}")))
}

/// The JSON of a file that could not be verified: `{"error": {"kind", "message", "file"}}`.
pub fn error_json(name: &str, kind: &'static str, message: &str) -> String {
    let body = ErrorReport {
        error: ErrorBody {
            kind,
            message: message.to_owned(),
            file: name,
        },
    };
    serde_json::to_string(&body).unwrap_or_default()
}

/// The kind of a document error (as `--json` names it) and the command error: a refusal
/// by the work budget is a failed check (1), anything else unreadable input (2).
pub fn error_kind(name: &str, e: &DocumentError) -> (&'static str, CliError) {
    match e {
        DocumentError::WorkLimit(_) => {
            ("work_limit", CliError::check_failed(format!("{name}: {e}")))
        }
        DocumentError::NoSignature => ("no_signature", CliError::input(format!("{name}: {e}"))),
        DocumentError::Xml(_) => ("malformed_xml", CliError::input(format!("{name}: {e}"))),
        DocumentError::NotAnEnvelope(_) => {
            ("not_an_envelope", CliError::input(format!("{name}: {e}")))
        }
        DocumentError::Cms(_) => ("malformed_cms", CliError::input(format!("{name}: {e}"))),
    }
}

/// The command error for a document that could not be verified at all; under `--json`
/// the error object is printed too.
pub fn error(name: &str, e: &DocumentError, json: bool) -> CliError {
    let (kind, err) = error_kind(name, e);
    if json {
        outln!("{}", error_json(name, kind, &e.to_string()));
    }
    err
}

fn human(report: &DocumentReport) {
    outln!(
        "format: {}",
        match report.format {
            DocumentFormat::Xmldsig => "XML document with XMLDSig signatures",
            DocumentFormat::Wss =>
                "WS-Security message (transport signature judged by the WS-Security profile)",
            DocumentFormat::Submission =>
                "WS-Security message carrying a signed document (both layers verified)",
            DocumentFormat::Soap =>
                "SOAP envelope WITHOUT a transport signature (no wsse:Security)",
            DocumentFormat::Certificate => "a certificate, validated on its own (no signature)",
            DocumentFormat::Cms => "CMS SignedData (every SignerInfo a signer of the content)",
            DocumentFormat::TimeStamp => "an RFC 3161 time-stamp token (the TSA its signer)",
            DocumentFormat::Raw => "a raw signature over bytes, with its certificate",
        }
    );
    outln!(
        "policy: {}; validation time {} ({})",
        report.policy.as_str(),
        report.validation_time,
        match report.validation_time_source {
            tanba_validate::TimeSource::Request => "--at",
            tanba_validate::TimeSource::Now => "now",
            tanba_validate::TimeSource::TimeStamp => "the time stamp's genTime",
        }
    );
    for s in &report.signers {
        // signing order counts within the signer's own document and layer
        let total = report
            .signers
            .iter()
            .filter(|o| o.layer == s.layer && o.payload == s.payload)
            .count();
        signer(s, total);
    }
    for n in &report.notes {
        outln!("note: {n}");
    }
    if report.certificate_validation == CertificateValidation::NotPerformed {
        outln!(
            "certificate: not checked (--no-cert-check): signatures and identities only, not trust"
        );
    }
    outln!("verdict: {}", verdict(report.indication));
}

fn verdict(i: tanba_validate::Indication) -> String {
    match serde_json::to_value(i) {
        Ok(v) => match v["sub_indication"].as_str() {
            Some(sub) => format!("{} ({sub})", i.name().to_ascii_uppercase()),
            None => i.name().to_ascii_uppercase(),
        },
        Err(_) => i.name().to_ascii_uppercase(),
    }
}

fn signer(s: &SignerReport, total: usize) {
    if s.signed.is_none() && s.error.is_none() && s.algorithm.is_none() {
        // a bare certificate (format `certificate`): no signature to describe
        outln!("certificate: {}", verdict(s.indication));
        if let Some(who) = &s.identity {
            outln!("  subject: {}", who.describe());
        }
        if let Some(c) = &s.certificate {
            for (i, p) in c.path.iter().enumerate() {
                outln!("  path[{i}] {p}");
            }
        }
        checks(s);
        return;
    }
    let layer = match (s.layer, &s.payload) {
        (Layer::Transport, _) => "transport".to_owned(),
        (Layer::Document, _) => "document".to_owned(),
        (Layer::Inner, Some(p)) => format!("in the document carried in {p}"),
        (Layer::Inner, None) => "inner".to_owned(),
    };
    let at = s
        .element
        .as_ref()
        .map(|e| format!(" at {}:{}", e.line, e.column))
        .unwrap_or_default();
    let order = match (s.signing_order, s.mode) {
        (Some(o), Some(CheckMode::Peeled)) => format!(", signer {} of {total}, peeled", o + 1),
        (Some(o), Some(CheckMode::Standard)) => format!(", signer {} of {total}", o + 1),
        _ => String::new(),
    };
    outln!(
        "signer #{} ({layer}){at}: {}{order}{}",
        s.index,
        verdict(s.indication),
        s.algorithm
            .as_ref()
            .map(|a| format!(", {}", a.name))
            .unwrap_or_default()
    );
    if let Some(t) = &s.transport {
        outln!(
            "  token {}{}",
            t.token,
            t.timestamp
                .as_ref()
                .map(|ts| format!(
                    "; timestamp created {}{}",
                    ts.created,
                    ts.expires
                        .as_deref()
                        .map(|e| format!(", expires {e}"))
                        .unwrap_or_default()
                ))
                .unwrap_or_default()
        );
    }
    for r in &s.references {
        let what = match (r.kind, &r.element) {
            (SignedKind::Document, _) => "the whole document".to_owned(),
            (SignedKind::Element, Some(e)) => format!(
                "element <{}> {} at {}:{}{}",
                e.name,
                e.path,
                e.line,
                e.column,
                r.id.as_deref().map(|i| format!(" (Id {i})")).unwrap_or_default()
            ),
            (SignedKind::Content, Some(e)) => format!(
                "ONLY the base64-decoded text of <{}> {} at {}:{} (not the element, its attributes or children)",
                e.name, e.path, e.line, e.column
            ),
            (_, None) => "?".to_owned(),
        };
        let label = r
            .part
            .unwrap_or(if r.uri.is_empty() { "URI=\"\"" } else { &r.uri });
        outln!("  signed ({label}): {what}");
        if r.inside_own_signature {
            outln!("    WARNING: the signed element sits inside this signature's own ds:Object/KeyInfo, not in the document proper");
        }
        if !r.excluded.is_empty() {
            outln!(
                "    excluding: {}",
                r.excluded
                    .iter()
                    .map(|x| format!("<{}> {} at {}:{}", x.name, x.path, x.line, x.column))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    match &s.identity {
        Some(who) => outln!("  signer: {}", who.describe()),
        None if matches!(
            s.key_source,
            Some(tanba_validate::KeySource::KeyValue)
                | Some(tanba_validate::KeySource::DerEncodedKeyValue)
        ) =>
        {
            outln!("  signer: unknown (a bare key from KeyInfo, whose owner cannot be established)")
        }
        None if s.error.is_none() => outln!("  signer: unknown (no readable certificate)"),
        None => {}
    }
    checks(s);
}

fn checks(s: &SignerReport) {
    for c in &s.checks {
        if c.outcome == CheckOutcome::NotChecked && c.name == "certificate" {
            continue; // said once for the document
        }
        outln!(
            "  [{}] {}: {}",
            match c.outcome {
                CheckOutcome::Passed => "ok",
                CheckOutcome::Failed => "FAILED",
                CheckOutcome::Indeterminate => "UNDECIDED",
                CheckOutcome::NotChecked => "not checked",
            },
            c.name.replace('_', " "),
            c.reason
        );
    }
}

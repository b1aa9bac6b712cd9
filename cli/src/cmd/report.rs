//! Rendering of `tanba_validate::DocumentReport` (`tanba verify`, `tanba wss verify`): the
//! JSON is the report itself plus `file` and `valid`; the human form says, per signature,
//! its layer, whether it verified, who signed, what exactly was signed (path and
//! line:column) and the certificate verdict.

use tanba_validate::{
    CertificateValidation, CheckMode, DocumentError, DocumentFormat, DocumentReport, Layer,
    SignatureReport, SignedKind,
};

use crate::error::CliError;
use crate::io::outln;

/// Print the report (`json`: one object) and turn the verdict into the exit status.
pub fn finish(name: &str, report: &DocumentReport, json: bool) -> Result<(), CliError> {
    if json {
        let mut v = serde_json::to_value(report)
            .map_err(|e| CliError::input(format!("cannot render the report: {e}")))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("file".into(), name.into());
            o.insert("valid".into(), report.is_valid().into());
        }
        outln!("{v}");
    } else {
        human(report);
    }
    if report.is_valid() {
        Ok(())
    } else {
        Err(CliError::check_failed(format!(
            "{name}: {}",
            report.problems.join("; ")
        )))
    }
}

/// The exit status of a document that could not be verified at all: a refusal by the
/// work budget is a failed check (1), anything else unreadable input (2).
pub fn error(name: &str, e: &DocumentError) -> CliError {
    match e {
        DocumentError::WorkLimit(_) => CliError::check_failed(format!("{name}: {e}")),
        _ => CliError::input(format!("{name}: {e}")),
    }
}

fn human(report: &DocumentReport) {
    outln!(
        "format: {}",
        match report.format {
            DocumentFormat::Xmldsig => "XML document with XMLDSig signatures",
            DocumentFormat::WsSecurity =>
                "WS-Security message (transport signature judged by the WS-Security profile)",
            DocumentFormat::SoapWithoutTransportSignature =>
                "SOAP envelope WITHOUT a transport signature (no wsse:Security)",
        }
    );
    for s in &report.signatures {
        // signing order counts within the signature's own document and layer
        let total = report
            .signatures
            .iter()
            .filter(|o| o.layer == s.layer && o.payload == s.payload)
            .count();
        signature(s, total);
    }
    for n in &report.notes {
        outln!("note: {n}");
    }
    if report.certificate_validation == CertificateValidation::NotPerformed {
        outln!(
            "certificate: not checked (--no-cert-check): signatures and identities only, not trust"
        );
    }
    outln!(
        "verdict: {}",
        if report.is_valid() {
            "VALID"
        } else {
            "INVALID"
        }
    );
}

fn signature(s: &SignatureReport, total: usize) {
    let layer = match (s.layer, &s.payload) {
        (Layer::Transport, _) => "transport".to_owned(),
        (Layer::Document, _) => "document".to_owned(),
        (Layer::Payload, Some(p)) => format!("in the document carried in {p}"),
        (Layer::Payload, None) => "payload".to_owned(),
    };
    let at = s
        .element
        .as_ref()
        .map(|e| format!(" at {}:{}", e.line, e.column))
        .unwrap_or_default();
    if !s.valid {
        outln!(
            "signature #{} ({layer}){at}: INVALID: {}",
            s.index,
            s.error.as_deref().unwrap_or("not verified")
        );
        return;
    }
    let order = match (s.signing_order, s.mode) {
        (Some(o), Some(CheckMode::Peeled)) => format!(", signer {} of {total}, peeled", o + 1),
        (Some(o), Some(CheckMode::Standard)) => format!(", signer {} of {total}", o + 1),
        _ => String::new(),
    };
    outln!(
        "signature #{} ({layer}){at}: valid{order}, {}",
        s.index,
        s.signature_method.as_deref().unwrap_or("?")
    );
    if let Some(t) = &s.transport {
        let parts: Vec<String> = t
            .signed_parts
            .iter()
            .map(|p| match (p.part, &p.name) {
                ("body", _) => format!("the envelope's Body (#{})", p.id),
                ("timestamp", _) => format!("Timestamp (#{})", p.id),
                ("token", _) => format!("BinarySecurityToken (#{})", p.id),
                (_, Some(n)) => format!("header {n} (#{})", p.id),
                (other, None) => format!("{other} (#{})", p.id),
            })
            .collect();
        outln!("  token {}; signed: {}", t.token, parts.join(", "));
        if let Some(ts) = &t.timestamp {
            outln!(
                "  timestamp: created {}{}",
                ts.created,
                ts.expires
                    .as_deref()
                    .map(|e| format!(", expires {e}"))
                    .unwrap_or_default()
            );
        }
    }
    for r in &s.references {
        let what = match (r.signed, &r.element) {
            (SignedKind::Document, _) => "the whole document".to_owned(),
            (SignedKind::Element, Some(e)) => format!(
                "element <{}> {} at {}:{}{}",
                e.name,
                e.path,
                e.line,
                e.column,
                r.id.as_deref().map(|i| format!(" (Id {i})")).unwrap_or_default()
            ),
            (SignedKind::DecodedText, Some(e)) => format!(
                "ONLY the base64-decoded text of <{}> {} at {}:{} (not the element, its attributes or children)",
                e.name, e.path, e.line, e.column
            ),
            (_, None) => "?".to_owned(),
        };
        outln!("  signed ({}): {what}", display_uri(&r.uri));
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
    match &s.signer {
        Some(who) => outln!("  signer: {}", who.describe()),
        None if matches!(
            s.key_source,
            Some(tanba_validate::KeySource::KeyValue)
                | Some(tanba_validate::KeySource::DerEncodedKeyValue)
        ) =>
        {
            outln!("  signer: unknown (a bare key from KeyInfo, whose owner cannot be established)")
        }
        None => outln!("  signer: unknown (no readable certificate)"),
    }
    for c in &s.identity {
        outln!(
            "  expected {}: {}",
            c.kind,
            if c.passed {
                c.detail.clone()
            } else {
                format!("FAILED: {}", c.detail)
            }
        );
    }
    if let Some(c) = &s.certificate {
        match &c.refusal {
            None => outln!("  certificate: VALID"),
            Some(r) => outln!("  certificate: INVALID ({r})"),
        }
    }
}

fn display_uri(uri: &str) -> &str {
    if uri.is_empty() {
        "URI=\"\""
    } else {
        uri
    }
}

//! Splitting an input into DER certificates: PEM (any number of `CERTIFICATE` blocks, text
//! around them ignored, other block types skipped), one or more concatenated DER
//! certificates, or bare base64 of a DER certificate (some `.cer` downloads).

use base64::Engine as _;

use crate::error::PkiError;

/// Which encoding an input was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Binary DER.
    Der,
    /// PEM text.
    Pem,
    /// Bare base64 text without PEM armour.
    Base64,
}

const PEM_CERT_LABELS: [&str; 2] = ["CERTIFICATE", "X509 CERTIFICATE"];

/// Split `input` into the DER encodings of the certificates it holds (not yet parsed).
/// DER input is returned whole (it may hold several concatenated certificates; the parser
/// splits them). Errors: empty input, malformed PEM, no certificate block.
pub fn split(input: &[u8]) -> Result<(Encoding, Vec<Vec<u8>>), PkiError> {
    let start = input.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(PkiError::NoCertificate {
            what: "the input (it is empty)".into(),
        });
    };
    if input[start] == 0x30 {
        return Ok((Encoding::Der, vec![input[start..].to_vec()]));
    }
    let text = std::str::from_utf8(input).map_err(|e| PkiError::Unrecognized {
        detail: format!(
            "neither DER (does not start with a SEQUENCE) nor PEM text (invalid UTF-8 at byte {})",
            e.valid_up_to()
        ),
    })?;
    if text.contains("-----BEGIN ") {
        return pem_blocks(text).map(|v| (Encoding::Pem, v));
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(der) if der.first() == Some(&0x30) => Ok((Encoding::Base64, vec![der])),
        _ => Err(PkiError::Unrecognized {
            detail: "neither DER, nor PEM (no -----BEGIN line), nor base64 of a DER certificate"
                .into(),
        }),
    }
}

fn pem_blocks(text: &str) -> Result<Vec<Vec<u8>>, PkiError> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut index = 0;
    while let Some(pos) = rest.find("-----BEGIN ") {
        index += 1;
        let after = &rest[pos + "-----BEGIN ".len()..];
        let bad = |detail: String| PkiError::Pem { index, detail };
        let label_end = after
            .find("-----")
            .ok_or_else(|| bad("unterminated BEGIN line".into()))?;
        let label = &after[..label_end];
        if label.contains('\n') {
            return Err(bad("unterminated BEGIN line".into()));
        }
        let body_and_rest = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let end = body_and_rest
            .find(&end_marker)
            .ok_or_else(|| bad(format!("no matching {end_marker} line")))?;
        let body = &body_and_rest[..end];
        rest = &body_and_rest[end + end_marker.len()..];
        if !PEM_CERT_LABELS.contains(&label) {
            continue;
        }
        if body.contains(':') {
            return Err(bad(
                "encapsulated headers are not supported in a CERTIFICATE block".into(),
            ));
        }
        let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| bad(format!("invalid base64: {e}")))?;
        if der.is_empty() {
            return Err(bad("empty CERTIFICATE block".into()));
        }
        out.push(der);
    }
    if out.is_empty() {
        return Err(PkiError::NoCertificate {
            what: "the PEM input (no CERTIFICATE block)".into(),
        });
    }
    Ok(out)
}

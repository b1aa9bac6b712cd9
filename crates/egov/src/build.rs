//! Building an [`Application`] from JSON: defaults filled in (id, times, consent text),
//! attachments hashed from a directory, everything validated with field paths.

use std::path::Path;

use serde::Deserialize;

use crate::application::{
    Applicant, Application, Consent, Payment, Representative, Service, CONSENT_TEXT_KK,
};
use crate::attachment::{check_file_name, check_media_type, hash_file, Attachment};
use crate::error::EgovError;
use crate::forms::Form;
use crate::values::{Code, Sha256Digest, Text, Timestamp};

/// Values used where the JSON leaves them out.
#[derive(Debug, Clone)]
pub struct BuildContext<'a> {
    /// Application id when the JSON has no `"id"`.
    pub id: Code,
    /// Creation time (and consent time) when the JSON gives none.
    pub now: Timestamp,
    /// Where the attachments are; their size and SHA-256 are computed from the files
    /// (and must match any values the JSON gives). Without it, the JSON must give both.
    pub attachments_dir: Option<&'a Path>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttachmentJson {
    file_name: Text,
    media_type: Text,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    sha256: Option<Sha256Digest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationJson {
    id: Code,
    created_at: Timestamp,
    service: Service,
    applicant: Applicant,
    #[serde(default)]
    representative: Option<Representative>,
    form: serde_json::Value,
    #[serde(default)]
    attachments: Vec<AttachmentJson>,
    #[serde(default)]
    payment: Option<Payment>,
    consent: Consent,
}

impl Application {
    /// Build from JSON (see `testdata/examples/*.json` and the README for the shape),
    /// filling `id`, `created_at`, `consent.text` and `consent.given_at` from `ctx` when
    /// absent, hashing attachments from `ctx.attachments_dir`, and validating.
    pub fn from_json(bytes: &[u8], ctx: &BuildContext<'_>) -> Result<Application, EgovError> {
        let mut v = crate::json::parse_value(bytes)?;
        let serde_json::Value::Object(m) = &mut v else {
            return Err(EgovError::invalid("(document)", "expected a JSON object"));
        };
        m.entry("id").or_insert_with(|| ctx.id.to_string().into());
        m.entry("created_at")
            .or_insert_with(|| ctx.now.to_string().into());
        if let Some(serde_json::Value::Object(c)) = m.get_mut("consent") {
            c.entry("text").or_insert_with(|| CONSENT_TEXT_KK.into());
            c.entry("given_at")
                .or_insert_with(|| ctx.now.to_string().into());
        }
        if !m.contains_key("form") {
            return Err(EgovError::invalid("form", "missing"));
        }
        let raw: ApplicationJson = crate::json::from_value(v, "")?;
        let form = Form::from_json_value(raw.form, "form")?;
        let mut attachments = Vec::with_capacity(raw.attachments.len());
        for (i, a) in raw.attachments.into_iter().enumerate() {
            let field = |f: &str| format!("attachments[{i}].{f}");
            check_file_name(a.file_name.as_str())
                .map_err(|m| EgovError::invalid(field("file_name"), m))?;
            check_media_type(a.media_type.as_str())
                .map_err(|m| EgovError::invalid(field("media_type"), m))?;
            let (size, sha256) = match ctx.attachments_dir {
                Some(dir) => {
                    let (size, digest) = hash_file(&dir.join(a.file_name.as_str()))?;
                    if a.size.is_some_and(|s| s != size) {
                        return Err(EgovError::invalid(
                            field("size"),
                            format!("the file has {size} bytes"),
                        ));
                    }
                    if a.sha256.is_some_and(|d| d != digest) {
                        return Err(EgovError::invalid(
                            field("sha256"),
                            format!("the file's digest is {digest}"),
                        ));
                    }
                    (size, digest)
                }
                None => match (a.size, a.sha256) {
                    (Some(s), Some(d)) => (s, d),
                    (None, _) => {
                        return Err(EgovError::invalid(
                            field("size"),
                            "missing (or give the attachments directory)",
                        ))
                    }
                    (_, None) => {
                        return Err(EgovError::invalid(
                            field("sha256"),
                            "missing (or give the attachments directory)",
                        ))
                    }
                },
            };
            attachments.push(Attachment {
                file_name: a.file_name,
                media_type: a.media_type,
                size,
                sha256,
            });
        }
        let app = Application {
            id: raw.id,
            created_at: raw.created_at,
            service: raw.service,
            applicant: raw.applicant,
            representative: raw.representative,
            form,
            attachments,
            payment: raw.payment,
            consent: raw.consent,
        };
        app.validate()?;
        Ok(app)
    }
}

//! Attachments (scans of originals, PDFs…): referenced inside the signed XML by file name,
//! media type, size and SHA-256 digest, so the signature covers their content; checked
//! again by re-hashing the files found beside the document.

use crate::values::ValueError;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EgovError;
use crate::values::{Sha256Digest, Text};
use crate::xml_in::Elems;
use crate::xml_out::XmlOut;

/// One attachment as recorded in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Plain file name (no directory part).
    pub file_name: Text,
    /// Media type, e.g. `application/pdf`.
    pub media_type: Text,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content.
    pub sha256: Sha256Digest,
}

/// Check that a file name is a plain name: no directory separators, not `.`/`..`.
pub fn check_file_name(name: &str) -> Result<(), ValueError> {
    if name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(|c| c.is_control())
    {
        return Err(ValueError::new(format!(
            "{name:?} is not a plain file name"
        )));
    }
    Ok(())
}

/// Check a media type's shape (`type/subtype`, RFC 6838 characters).
pub fn check_media_type(mt: &str) -> Result<(), ValueError> {
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.len() <= 127
            && p.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
    };
    match mt.split_once('/') {
        Some((a, b)) if ok_part(a) && ok_part(b) => Ok(()),
        _ => Err(ValueError::new(format!(
            "expected a media type such as application/pdf, got {mt:?}"
        ))),
    }
}

/// Hash a file: its size and SHA-256, read in a streaming fashion.
pub fn hash_file(path: &Path) -> Result<(u64, Sha256Digest), EgovError> {
    let io = |source| EgovError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = File::open(path).map_err(io)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, Sha256Digest(h.finalize().into())))
}

impl Attachment {
    /// Describe a file on disk (its name, the given media type, size and digest).
    pub fn from_file(path: &Path, media_type: &str) -> Result<Self, EgovError> {
        let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            EgovError::invalid(
                "file_name",
                format!("{} has no UTF-8 file name", path.display()),
            )
        })?;
        check_file_name(name).map_err(|m| EgovError::invalid("file_name", m))?;
        check_media_type(media_type).map_err(|m| EgovError::invalid("media_type", m))?;
        let (size, sha256) = hash_file(path)?;
        Ok(Attachment {
            file_name: name
                .parse()
                .map_err(|m: ValueError| EgovError::invalid("file_name", m))?,
            media_type: media_type
                .parse()
                .map_err(|m: ValueError| EgovError::invalid("media_type", m))?,
            size,
            sha256,
        })
    }

    /// Shape checks on the name and media type.
    pub fn validate(&self) -> Result<(), EgovError> {
        check_file_name(self.file_name.as_str()).map_err(|m| EgovError::invalid("file_name", m))?;
        check_media_type(self.media_type.as_str()).map_err(|m| EgovError::invalid("media_type", m))
    }

    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("Attachment")
            .leaf("FileName", &self.file_name)
            .leaf("MediaType", &self.media_type)
            .leaf("Size", self.size)
            .leaf("Sha256", self.sha256)
            .end();
    }

    pub(crate) fn read(mut e: Elems<'_>) -> Result<Self, EgovError> {
        let (n, p) = e.req("FileName")?;
        let file_name: Text = crate::xml_in::value(e.doc(), n, &p)?;
        check_file_name(file_name.as_str())
            .map_err(|m| crate::xml_in::schema_err(e.doc(), n, &p, m))?;
        let (n, p) = e.req("MediaType")?;
        let media_type: Text = crate::xml_in::value(e.doc(), n, &p)?;
        check_media_type(media_type.as_str())
            .map_err(|m| crate::xml_in::schema_err(e.doc(), n, &p, m))?;
        let (n, p) = e.req("Size")?;
        let size: SizeValue = crate::xml_in::value(e.doc(), n, &p)?;
        let sha256 = e.req_val("Sha256")?;
        e.end(false)?;
        Ok(Attachment {
            file_name,
            media_type,
            size: size.0,
            sha256,
        })
    }
}

struct SizeValue(u64);
impl std::str::FromStr for SizeValue {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(ValueError::new(format!(
                "expected a size in bytes, got {s:?}"
            )));
        }
        s.parse()
            .map(SizeValue)
            .map_err(|e| ValueError::new(e.to_string()))
    }
}

/// What re-hashing one attachment found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AttachmentStatus {
    /// The file is there with the recorded size and digest.
    Ok,
    /// No such file beside the document.
    Missing,
    /// The file differs from what the document records.
    Altered {
        /// Size found on disk.
        size: u64,
        /// Digest found on disk (hex).
        sha256: String,
    },
    /// The file could not be read.
    Unreadable {
        /// Why.
        error: String,
    },
}

/// One row of an attachment check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentCheck {
    /// The recorded file name.
    pub file_name: String,
    /// Where it was looked for.
    #[serde(skip)]
    pub path: PathBuf,
    /// The result.
    #[serde(flatten)]
    pub status: AttachmentStatus,
}

/// Re-hash every attachment in `dir`; one row per attachment, in document order.
pub fn verify_attachments(attachments: &[Attachment], dir: &Path) -> Vec<AttachmentCheck> {
    attachments
        .iter()
        .map(|a| {
            let path = dir.join(a.file_name.as_str());
            let status = if !path.exists() {
                AttachmentStatus::Missing
            } else {
                match hash_file(&path) {
                    Ok((size, digest)) if size == a.size && digest == a.sha256 => {
                        AttachmentStatus::Ok
                    }
                    Ok((size, digest)) => AttachmentStatus::Altered {
                        size,
                        sha256: digest.to_string(),
                    },
                    Err(e) => AttachmentStatus::Unreadable {
                        error: e.to_string(),
                    },
                }
            };
            AttachmentCheck {
                file_name: a.file_name.to_string(),
                path,
                status,
            }
        })
        .collect()
}

/// Did every attachment check come out [`AttachmentStatus::Ok`]?
pub fn all_ok(checks: &[AttachmentCheck]) -> bool {
    checks.iter().all(|c| c.status == AttachmentStatus::Ok)
}

//! Errors of the licensing domain, each naming what is wrong and where.

use std::path::PathBuf;

/// Everything that can go wrong building, reading or checking an e-government document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EgovError {
    /// A value failed validation; `field` is its path, e.g. `form.contract.date`.
    #[error("{field}: {message}")]
    Invalid {
        /// Dotted path of the offending field (`attachments[2].sha256`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The JSON input is not well-formed or has the wrong shape at `field`.
    #[error("{field}: {message}")]
    Json {
        /// Dotted path where the problem was found (`.` for the top level).
        field: String,
        /// serde_json's description, including line and column.
        message: String,
    },
    /// The XML is not well-formed (or exceeds parser limits).
    #[error("XML: {0}")]
    Xml(#[from] tanba_xml::XmlError),
    /// The XML is well-formed but does not follow the tanba e-gov schema.
    #[error("{line}:{column}: {path}: {message}")]
    Schema {
        /// Element path, e.g. `Application/Form/ImportExportLicence/Contract`.
        path: String,
        /// 1-based line of the offending node.
        line: usize,
        /// 1-based column of the offending node.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A pre-sign check of the signer's certificate failed: the seeds' refusal
    /// "authenticity of the EDS not confirmed" (ЭЦҚ-ның түпнұсқалығы расталмады), with the
    /// checks that failed.
    #[error("authenticity of the EDS not confirmed: {}", failed.join("; "))]
    EdsNotConfirmed {
        /// Each failed check, `kind: detail` (e.g. `identifier: IIN mismatch: …`).
        failed: Vec<String>,
    },
    /// Attachments beside the document are missing or differ from their digests.
    #[error("attachments do not match the document: {}", problems.join("; "))]
    Attachments {
        /// One line per problem (`contract.pdf: missing`).
        problems: Vec<String>,
    },
    /// Signing or signature processing failed (XMLDSig / WS-Security layer).
    #[error("signature: {0}")]
    Signature(String),
    /// The document is not in the state this operation needs (e.g. signing an
    /// application that is already signed, countersigning an unsigned one).
    #[error("{0}")]
    State(String),
    /// Reading an attachment or a directory failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl EgovError {
    /// Shorthand for [`EgovError::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        EgovError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Prefix the field path of an [`EgovError::Invalid`] with `prefix.`.
    pub(crate) fn within(self, prefix: &str) -> Self {
        match self {
            EgovError::Invalid { field, message } => EgovError::Invalid {
                field: join_path(prefix, &field),
                message,
            },
            other => other,
        }
    }
}

pub(crate) fn join_path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_string()
    } else if field.is_empty() {
        prefix.to_string()
    } else if field.starts_with('[') {
        format!("{prefix}{field}")
    } else {
        format!("{prefix}.{field}")
    }
}

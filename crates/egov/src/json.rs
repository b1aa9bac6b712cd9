//! JSON input: serde with field paths in every error (`form.contract.date: …`).

use serde::de::DeserializeOwned;

use crate::error::{join_path, EgovError};

/// Parse bytes into a JSON value (syntax errors carry line and column).
pub(crate) fn parse_value(bytes: &[u8]) -> Result<serde_json::Value, EgovError> {
    serde_json::from_slice(bytes).map_err(|e| EgovError::Json {
        field: ".".into(),
        message: e.to_string(),
    })
}

/// Deserialize `value` into `T`; a failure names the path below `prefix`.
pub(crate) fn from_value<T: DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
) -> Result<T, EgovError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let inner = if inner == "." { String::new() } else { inner };
        EgovError::Invalid {
            field: {
                let p = join_path(prefix, &inner);
                if p.is_empty() {
                    "(document)".into()
                } else {
                    p
                }
            },
            message: e.into_inner().to_string(),
        }
    })
}

//! The signing key a request carries (NCANode's `SignerRequest`: a base64 PKCS#12, its
//! password and an optional alias), opened with NCANode's error messages.

use base64::Engine as _;
use serde::Deserialize;
use tanba_keys::{KeyError, KeySelector, Keystore, Password};
use zeroize::Zeroizing;

use crate::error::ApiError;

/// One signer of a request. The password and the decoded container are wiped on drop.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SignerRequest {
    /// The `.p12` file, base64.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub key: Option<Zeroizing<String>>,
    /// Its password.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub password: Option<Zeroizing<String>>,
    /// The key's alias; honoured (NCANode takes the first alias whatever is asked).
    #[serde(default)]
    pub key_alias: Option<String>,
    /// `/xml/sign`: the Reference URI (`#id`), default the whole document.
    #[serde(default)]
    pub reference_uri: Option<String>,
}

impl std::fmt::Debug for SignerRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignerRequest")
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("key_alias", &self.key_alias)
            .field("reference_uri", &self.reference_uri)
            .finish()
    }
}

/// Base64 as NCANode's clients send it: standard alphabet, whitespace ignored, `=`
/// padding optional.
pub(crate) fn base64_lenient(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let clean: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_ascii_whitespace()).collect());
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine.decode(clean.as_bytes()).ok().map(Zeroizing::new)
}

/// A base64 request field decoded ([`base64_lenient`]), or 400 naming the field.
pub(crate) fn decode_field(text: &str, field: &str) -> Result<Vec<u8>, ApiError> {
    base64_lenient(text)
        .map(|z| z.to_vec())
        .ok_or_else(|| ApiError::bad_request(format!("{field}: not valid base64")))
}

/// The keystore of `r`.
pub(crate) fn open(r: &SignerRequest) -> Result<Keystore, ApiError> {
    let key = r
        .key
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("Key reading error: the key is missing"))?;
    let p12 = base64_lenient(key).ok_or_else(|| {
        ApiError::bad_request(
            "Key reading error: Invalid Base64 format. Key must be in valid Base64 format.",
        )
    })?;
    let password = Password::new(
        r.password
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
    );
    Keystore::open_pkcs12(&p12, &password).map_err(key_error)
}

/// The signer `r` names: its alias when given, else the store's first key.
pub(crate) fn signer(r: &SignerRequest) -> Result<tanba_crypto::KeySigner, ApiError> {
    let store = open(r)?;
    match &r.key_alias {
        Some(alias) => store
            .signer(&KeySelector::Alias(alias.clone()))
            .map_err(key_error),
        None => store
            .entries()
            .first()
            .ok_or_else(|| ApiError::bad_request("Key reading error: Key does not have aliases."))?
            .signer()
            .map_err(key_error),
    }
}

/// NCANode's message for a key error (400: the request is wrong).
fn key_error(e: KeyError) -> ApiError {
    let m = match &e {
        KeyError::WrongPassword => "Password incorrect.".to_string(),
        KeyError::AliasNotFound { alias, available } => {
            format!("Key does not have '{alias}' alias (it has: {available})")
        }
        KeyError::NoPrivateKey => "Key does not have aliases.".into(),
        KeyError::Truncated { .. } | KeyError::Malformed { .. } | KeyError::Pem(_) => {
            format!("Invalid format. ({e})")
        }
        KeyError::Crypto(_) => format!("Cannot extract private key. ({e})"),
        other => other.to_string(),
    };
    ApiError::bad_request(format!("Key reading error: {m}"))
}

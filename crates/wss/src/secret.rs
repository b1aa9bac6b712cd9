//! The SmartBridge sender password: zeroized on drop, never shown by `Debug`.

use zeroize::Zeroizing;

/// A secret string (the `sender/password` issued by SmartBridge).
///
/// ```
/// let p = tanba_wss::Secret::new("s3cret");
/// assert_eq!(p.expose(), "s3cret");
/// assert_eq!(format!("{p:?}"), "Secret(***)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(Zeroizing::new(s.into()))
    }
    /// The secret text (to write it into the envelope).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

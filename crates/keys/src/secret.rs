//! [`Password`]: a keystore password held in a zeroizing buffer and never printed.

use zeroize::Zeroizing;

/// A keystore password. The text is wiped from memory when the value is dropped and
/// `Debug` prints `Password(<redacted>)`.
///
/// ```
/// let p = tanba_keys::Password::new("Qwerty12");
/// assert_eq!(format!("{p:?}"), "Password(<redacted>)");
/// ```
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wrap a password (the given `String` is moved in, not copied).
    pub fn new(text: impl Into<String>) -> Self {
        Password(Zeroizing::new(text.into()))
    }

    /// The password as UTF-8 bytes (what PBES2 / PBKDF2 uses).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Whether the password is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The PKCS#12 form (RFC 7292 appendix B.1): UTF-16 big-endian ("BMPString") followed by
    /// two zero bytes. Characters outside the Basic Multilingual Plane are encoded as
    /// surrogate pairs, as OpenSSL does.
    pub(crate) fn bmp(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.0.len() * 2 + 2));
        for unit in self.0.encode_utf16() {
            out.extend_from_slice(&unit.to_be_bytes());
        }
        out.extend_from_slice(&[0, 0]);
        out
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::new(s)
    }
}

impl From<String> for Password {
    fn from(s: String) -> Self {
        Password::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_encoding_is_utf16be_with_terminator() {
        // RFC 7292 B.1 example style: "Beavis" -> 00 42 00 65 ... 00 00
        assert_eq!(
            Password::new("Ab").bmp().as_slice(),
            &[0x00, 0x41, 0x00, 0x62, 0x00, 0x00]
        );
        assert_eq!(Password::new("").bmp().as_slice(), &[0, 0]);
        // Cyrillic 'Ж' = U+0416
        assert_eq!(Password::new("Ж").bmp().as_slice(), &[0x04, 0x16, 0, 0]);
    }

    #[test]
    fn debug_is_redacted() {
        let p = Password::new("Qwerty12");
        assert!(!format!("{p:?}").contains("Qwerty"));
    }
}

//! The error type of this crate: every way loading a keystore or picking a key can fail.

use tanba_crypto::CryptoError;

/// Everything that can go wrong while opening a keystore, decrypting its contents or
/// choosing a key. Variants are distinct on purpose: a caller can tell a wrong password
/// from a damaged file from a hostile one without parsing messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The password does not open the file: the integrity MAC does not match **and** the
    /// encrypted contents do not decrypt with it.
    #[error("wrong password")]
    WrongPassword,
    /// The contents decrypt with the given password but the file's integrity MAC does not
    /// match: the file was modified after it was written.
    #[error("integrity check failed: the PKCS#12 MAC does not match although the password decrypts the contents (the file was altered)")]
    MacMismatch,
    /// The input ends before the structure it announces is complete.
    #[error("truncated input: {what} ends early (at byte offset {offset})")]
    Truncated {
        /// Which structure was being read.
        what: &'static str,
        /// Byte offset (in the buffer being parsed) where more data was expected.
        offset: usize,
    },
    /// The input is not the structure it should be.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// Which structure was being read.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// A key-derivation iteration count read from the file is above the configured cap
    /// (see [`crate::Limits`]); nothing was derived.
    #[error("{what} asks for {requested} key-derivation iterations, above the limit of {limit} (see Limits)")]
    IterationLimit {
        /// Which derivation (MAC, key bag, certificate bag, PKCS#8...).
        what: &'static str,
        /// The count the file asks for (or the running total, for the whole-file budget).
        requested: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The file holds more safe bags than [`crate::Limits::max_bags`].
    #[error("the keystore holds more than {limit} safe bags (see Limits)")]
    TooManyBags {
        /// The configured limit.
        limit: usize,
    },
    /// An algorithm (encryption scheme, MAC digest, content type...) that is recognised as
    /// valid PKCS#12/PKCS#5 but not supported here, or not recognised at all.
    #[error("unsupported {what}: {oid}")]
    UnsupportedAlgorithm {
        /// What the OID was for.
        what: &'static str,
        /// The OID as dotted text.
        oid: String,
    },
    /// Decryption with a password that is known to be right (the MAC matched, or the
    /// container has no MAC) failed: the encrypted content is damaged.
    #[error("cannot decrypt {what}: the encrypted content is damaged or the password is wrong")]
    DecryptionFailed {
        /// Which object could not be decrypted.
        what: &'static str,
    },
    /// The PKCS#12 file carries no integrity MAC (`MacData`): nothing shows it was not
    /// altered. Refused unless [`crate::Pkcs12Options::allow_missing_mac`] is set.
    #[error("the PKCS#12 file has no integrity MAC (MacData): it may have been altered without anyone noticing; refused (opening it anyway needs the explicit switch, e.g. --allow-no-mac)")]
    NoMac,
    /// An encrypted PKCS#8 key or keystore needs a password and none was given.
    #[error("{what} is encrypted and no password was given")]
    PasswordRequired {
        /// What needed the password.
        what: &'static str,
    },
    /// PEM input without any block this crate understands.
    #[error("PEM: {0}")]
    Pem(String),
    /// The keystore holds no private key.
    #[error("the keystore holds no private key")]
    NoPrivateKey,
    /// No key has this alias.
    #[error("no key with alias {alias:?} (available: {available})")]
    AliasNotFound {
        /// The alias asked for.
        alias: String,
        /// The aliases present, comma-separated.
        available: String,
    },
    /// No key whose certificate has this purpose (SIGN / AUTH).
    #[error("no {purpose} key in the keystore (available: {available})")]
    NoKeyForPurpose {
        /// The purpose asked for.
        purpose: crate::KeyPurpose,
        /// The keys present as `alias=PURPOSE`, comma-separated.
        available: String,
    },
    /// More than one key fits the selection; choose one by alias.
    #[error("{count} keys fit the selection; choose one by alias ({aliases})")]
    Ambiguous {
        /// How many keys fit.
        count: usize,
        /// Their aliases, comma-separated.
        aliases: String,
    },
    /// The certificate that carries the key's local key id holds a different public key.
    #[error(
        "key {alias:?}: the certificate with the same localKeyId holds a different public key"
    )]
    KeyCertificateMismatch {
        /// The key's alias.
        alias: String,
    },
    /// A certificate could not be parsed.
    #[error("certificate {index}: {detail}")]
    Certificate {
        /// Position of the certificate in the input (0-based).
        index: usize,
        /// The parser's message.
        detail: String,
    },
    /// The decrypted private key is not usable (unknown algorithm OID, bad encoding...).
    #[error("private key: {0}")]
    Crypto(#[from] CryptoError),
}

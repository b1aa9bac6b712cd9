//! Errors of the certificate-profile half of the crate: parsing certificates, PEM/DER
//! bundles, names, extensions, and loading trust stores.

use std::path::PathBuf;

/// Why a certificate, bundle or trust-store file could not be loaded.
///
/// Every variant names what is wrong and where (which certificate of a bundle, which
/// extension, which file).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// The bytes are not a DER-encoded X.509 certificate.
    #[error("{what} is not a valid DER X.509 certificate: {detail}")]
    Der {
        /// What was being parsed ("certificate", "certificate #2 of the bundle", ...).
        what: String,
        /// The parser's explanation.
        detail: String,
    },
    /// The input is neither DER, nor PEM, nor base64 of a DER certificate.
    #[error("not a certificate: {detail}")]
    Unrecognized {
        /// What the input looks like instead.
        detail: String,
    },
    /// A DER certificate is followed by extra bytes.
    #[error("{what} has {extra} trailing byte(s) after the certificate")]
    TrailingData {
        /// What was being parsed.
        what: String,
        /// How many bytes follow the certificate.
        extra: usize,
    },
    /// A PEM block could not be decoded.
    #[error("PEM block #{index}: {detail}")]
    Pem {
        /// 1-based index of the PEM block in the input.
        index: usize,
        /// What is wrong.
        detail: String,
    },
    /// The input holds no certificate at all (empty, or PEM without a CERTIFICATE block).
    #[error("no certificate found in {what}")]
    NoCertificate {
        /// What was searched.
        what: String,
    },
    /// A certificate extension is malformed.
    #[error("malformed extension {oid}{}: {detail}", if *critical { " (critical)" } else { "" })]
    MalformedExtension {
        /// The extension OID (dotted).
        oid: String,
        /// Whether the extension is marked critical.
        critical: bool,
        /// What is wrong.
        detail: String,
    },
    /// The same extension appears twice (RFC 5280 §4.2 forbids it).
    #[error("extension {oid} appears more than once")]
    DuplicateExtension {
        /// The extension OID (dotted).
        oid: String,
    },
    /// The signature algorithm inside the signed part differs from the outer one
    /// (RFC 5280 §4.1.1.2).
    #[error("signature algorithm mismatch: tbsCertificate says {inner}, certificate says {outer}")]
    SignatureAlgorithmMismatch {
        /// OID in `tbsCertificate.signature`.
        inner: String,
        /// OID in `Certificate.signatureAlgorithm`.
        outer: String,
    },
    /// The SubjectPublicKeyInfo could not be decoded.
    #[error("subject public key: {0}")]
    PublicKey(#[from] tanba_crypto::CryptoError),
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file was read but its content is not usable.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with its content.
        #[source]
        source: Box<PkiError>,
    },
}

impl PkiError {
    /// Attach the file this error came from.
    pub fn in_file(self, path: impl Into<PathBuf>) -> Self {
        PkiError::InFile {
            path: path.into(),
            source: Box::new(self),
        }
    }
}

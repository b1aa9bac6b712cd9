//! Why a CMS could not be read, made or checked.

use tanba_pki::der::DerError;

/// A CMS that cannot be read or made. Failed checks of a readable CMS are not errors:
/// they are facts in [`crate::SignerFacts`].
#[derive(Debug, thiserror::Error)]
pub enum CmsError {
    /// Neither DER, nor PEM (`CMS` / `PKCS7`), nor bare base64.
    #[error("not a CMS: {0}")]
    Encoding(String),
    /// The DER structure is wrong (what and where).
    #[error("malformed CMS: {0}")]
    Malformed(#[from] DerError),
    /// A structure that is not what this place of the CMS allows.
    #[error("malformed CMS: {0}")]
    Structure(String),
    /// The ContentInfo holds something other than SignedData.
    #[error("not a SignedData (content type {0})")]
    NotSignedData(String),
    /// More of something than the limits allow (hostile input).
    #[error("too many {what}: {found}, at most {max}")]
    TooMany {
        /// What.
        what: &'static str,
        /// How many were found.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// The SignedData has no SignerInfo: nothing was signed.
    #[error("the CMS has no signer (no SignerInfo)")]
    NoSigner,
    /// Detached CMS and neither the content nor its digest given.
    #[error("the CMS is detached: give the signed content (or its digest)")]
    ContentMissing,
    /// The signer has no certificate to put in the CMS.
    #[error("the signing key has no certificate")]
    NoCertificate,
    /// A certificate could not be read.
    #[error("certificate: {0}")]
    Certificate(#[from] tanba_pki::chain_cert::CertParseError),
    /// Signing failed.
    #[error("signing: {0}")]
    Sign(#[source] tanba_crypto::CryptoError),
    /// The time-stamp authority could not be asked.
    #[error("time-stamp authority: {0}")]
    Fetch(#[from] tanba_pki::fetch::FetchError),
}

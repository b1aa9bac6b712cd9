//! [`ExpectedIdentity`]: the IIN / BIN a signer's certificate must carry (`--expect-iin`,
//! `--expect-bin`), checked on its own — with or without certificate validation — so that
//! an identity expectation is never dropped because trust was not decided.
//!
//! ```
//! use tanba_pki::{ExpectedIdentity, IdKind, KzCertificate};
//! let cert = KzCertificate::from_pem_or_der(&tanba_testdata::read_nca(
//!     "certs/individual_valid_sign_2004_rsa.cer")).unwrap().remove(0);
//! let want = ExpectedIdentity { iin: Some("123456789012".into()), bin: None };
//! let checks = want.check(Some(&cert));
//! assert_eq!(checks[0].kind, IdKind::Iin);
//! assert!(!checks[0].passed); // the certificate carries 123456789011
//! assert!(checks[0].detail.contains("IIN mismatch"));
//! ```

use serde::Serialize;

use crate::cert::KzCertificate;
use crate::ident::{Bin, IdKind, Iin};

/// The identifiers a signer must have. Empty (both `None`) expects nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedIdentity {
    /// The IIN the certificate must carry (12 digits).
    pub iin: Option<String>,
    /// The BIN the certificate must carry (12 digits).
    pub bin: Option<String>,
}

/// One comparison of an expected identifier with the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityCheck {
    /// IIN or BIN.
    pub kind: IdKind,
    /// The value expected.
    pub expected: String,
    /// The value the certificate carries (`None`: it carries none, or there is no
    /// certificate).
    pub found: Option<String>,
    /// Whether they are equal.
    pub passed: bool,
    /// The outcome in words.
    pub detail: String,
}

impl ExpectedIdentity {
    /// Whether nothing is expected.
    pub fn is_empty(&self) -> bool {
        self.iin.is_none() && self.bin.is_none()
    }

    /// Compares the expectations with `cert` (`None`: the signer has no readable
    /// certificate, so every expectation fails). One check per expected identifier.
    pub fn check(&self, cert: Option<&KzCertificate>) -> Vec<IdentityCheck> {
        let mut out = Vec::new();
        if let Some(want) = &self.iin {
            let found = cert.and_then(|c| c.iin()).map(|i| i.as_str().to_owned());
            out.push(compare(
                IdKind::Iin,
                want,
                Iin::parse(want).err().map(|e| e.to_string()),
                found,
                cert.is_some(),
            ));
        }
        if let Some(want) = &self.bin {
            let found = cert.and_then(|c| c.bin()).map(|b| b.as_str().to_owned());
            out.push(compare(
                IdKind::Bin,
                want,
                Bin::parse(want).err().map(|e| e.to_string()),
                found,
                cert.is_some(),
            ));
        }
        out
    }
}

fn compare(
    kind: IdKind,
    want: &str,
    malformed: Option<String>,
    found: Option<String>,
    has_cert: bool,
) -> IdentityCheck {
    let (passed, detail) = match (&malformed, &found) {
        (Some(e), _) => (false, format!("expected {kind} '{want}' is malformed: {e}")),
        (None, _) if !has_cert => (
            false,
            format!("expected {kind} {want}, but the signer has no certificate to read it from"),
        ),
        (None, None) => (
            false,
            format!("expected {kind} {want}, the certificate has no {kind}"),
        ),
        (None, Some(got)) if got == want => (true, format!("{kind} equals the expected {want}")),
        (None, Some(got)) => (
            false,
            format!("{kind} mismatch: expected {want}, certificate has {got}"),
        ),
    };
    IdentityCheck {
        kind,
        expected: want.to_owned(),
        found,
        passed,
        detail,
    }
}

//! The verdict as ETSI EN 319 102-1 states it: a main indication and, unless the
//! signature passed, a sub-indication saying why. The sub-indications a main indication
//! allows are separate types, so a `TotalFailed` with an "indeterminate" reason cannot be
//! built.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Why a signature or document is `TOTAL-FAILED`: it is proven wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Failed {
    /// Not a well-formed signature of a known format, or a layout the profile refuses
    /// (signature wrapping, a refused transform, zero signatures).
    FormatFailure,
    /// A reference digest does not match: the signed content was altered.
    HashFailure,
    /// The signature value does not verify with the signer's key.
    SigCryptoFailure,
    /// The signer's certificate was revoked at or before the validation time (or the
    /// OCSP responder says it was never issued).
    Revoked,
    /// The validation time is before the signer's certificate became valid.
    NotYetValid,
}

/// Why a signature or document is `INDETERMINATE`: it could not be shown valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undetermined {
    /// A constraint on the signature failed: the signer is not the one expected (IIN /
    /// BIN), a required header is not signed, the WS-Security timestamp is outside its
    /// window.
    SigConstraintsFailure,
    /// A constraint on the certificate failed: key usage, required role, identifiers.
    ChainConstraintsFailure,
    /// The certificate could not be read or processed.
    CertificateChainGeneralFailure,
    /// An algorithm or key the policy does not accept (SHA-1 without the legacy switch,
    /// an unknown algorithm, a short RSA key).
    CryptoConstraintsFailure,
    /// No certificate identifies the signer (a bare key, none at all).
    NoSigningCertificateFound,
    /// No path from the signer's certificate to a trusted anchor.
    NoCertificateChainFound,
    /// A certificate of the chain had expired at the validation time and nothing proves
    /// the signature existed before (no time stamp).
    OutOfBoundsNoPoe,
    /// The revocation status could not be obtained (no source, unreachable, past the
    /// deadline, stale, or "unknown"): try later.
    TryLater,
    /// A reference names content that is not in the document.
    SignedDataNotFound,
}

/// The main indication with its sub-indication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "an indication is a verdict"]
pub enum Indication {
    /// Every check passed.
    TotalPassed,
    /// Proven wrong, for this reason.
    TotalFailed(Failed),
    /// Not shown valid, for this reason.
    Indeterminate(Undetermined),
}

impl Indication {
    /// Whether this is [`Indication::TotalPassed`].
    pub fn is_passed(self) -> bool {
        self == Indication::TotalPassed
    }

    /// `total_passed`, `total_failed` or `indeterminate`.
    pub fn name(self) -> &'static str {
        match self {
            Indication::TotalPassed => "total_passed",
            Indication::TotalFailed(_) => "total_failed",
            Indication::Indeterminate(_) => "indeterminate",
        }
    }

    /// The worse of two indications: a failure over an indeterminate result over a pass;
    /// between two of the same rank, the first.
    pub fn worst(self, other: Indication) -> Indication {
        let rank = |i: Indication| match i {
            Indication::TotalPassed => 0,
            Indication::Indeterminate(_) => 1,
            Indication::TotalFailed(_) => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// Serialized as two fields, `indication` and `sub_indication` (`null` for a pass), so that
/// it can be flattened into a report.
impl Serialize for Indication {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Indication", 2)?;
        st.serialize_field("indication", self.name())?;
        match self {
            Indication::TotalPassed => st.serialize_field("sub_indication", &None::<()>)?,
            Indication::TotalFailed(f) => st.serialize_field("sub_indication", f)?,
            Indication::Indeterminate(u) => st.serialize_field("sub_indication", u)?,
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_prefers_failure_then_indeterminate() {
        let f = Indication::TotalFailed(Failed::HashFailure);
        let i = Indication::Indeterminate(Undetermined::TryLater);
        let p = Indication::TotalPassed;
        assert_eq!(p.worst(i), i);
        assert_eq!(i.worst(f), f);
        assert_eq!(f.worst(i), f);
        assert_eq!(p.worst(p), p);
        assert_eq!(
            f.worst(Indication::TotalFailed(Failed::Revoked)),
            f,
            "the first of equal rank"
        );
    }

    #[test]
    fn serializes_as_two_fields() {
        let v = serde_json::to_value(Indication::TotalFailed(Failed::SigCryptoFailure)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"indication": "total_failed", "sub_indication": "sig_crypto_failure"})
        );
        let v = serde_json::to_value(Indication::TotalPassed).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"indication": "total_passed", "sub_indication": null})
        );
    }
}

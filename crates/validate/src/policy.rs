//! Named validation policies: `kz-2026` (the default) and `ncanode-compat`, as starting
//! points for the certificate policy of each layer; every knob can still be overridden on
//! the returned [`tanba_pki::PolicyBuilder`].

use serde::Serialize;
use tanba_pki::{Policy, PolicyBuilder, RequiredUsage, RevocationSources, UnknownStatus};

use crate::report::Layer;

/// A named validation policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum PolicyName {
    /// The 2026 Kazakh verification rules as KZ-2026-LANDSCAPE.md reads orders 500/НҚ and
    /// 522/НҚ: the whole chain valid at the validation time; revocation by OCSP or CRL,
    /// hard-fail (an expired CRL, OCSP `unknown` or no answer is negative, never
    /// fail-open); SIGN key usage for document signatures.
    #[default]
    #[serde(rename = "kz-2026")]
    Kz2026,
    /// The judgements NCANode 3.x makes (NCANODE-API.md §3): key usage is not part of
    /// validity, and revocation is checked only when evidence or online checking is asked
    /// for. None of NCANode's fail-open behaviours is kept: the whole chain is built,
    /// OCSP and CRL signatures are verified, a missing CRL is not "good".
    #[serde(rename = "ncanode-compat")]
    NcanodeCompat,
}

impl PolicyName {
    /// `kz-2026` or `ncanode-compat`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyName::Kz2026 => "kz-2026",
            PolicyName::NcanodeCompat => "ncanode-compat",
        }
    }

    /// The name as given (`kz-2026`, `ncanode-compat`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "kz-2026" => Some(PolicyName::Kz2026),
            "ncanode-compat" => Some(PolicyName::NcanodeCompat),
            _ => None,
        }
    }

    /// The certificate policy this named policy starts from for signers of `layer`;
    /// `revocation_asked`: the caller gave revocation evidence or asked for online checks
    /// (under `ncanode-compat` revocation is checked only then).
    ///
    /// ```
    /// use tanba_validate::{Layer, PolicyName};
    /// use tanba_pki::RequiredUsage;
    /// let p = PolicyName::Kz2026.certificate_policy(Layer::Document, false).build();
    /// assert_eq!(p.required_usage(), RequiredUsage::Sign);
    /// let p = PolicyName::NcanodeCompat.certificate_policy(Layer::Document, false).build();
    /// assert_eq!(p.required_usage(), RequiredUsage::Any);
    /// assert_eq!(p.sources(), tanba_pki::RevocationSources::None);
    /// ```
    pub fn certificate_policy(self, layer: Layer, revocation_asked: bool) -> PolicyBuilder {
        let b = Policy::builder();
        match self {
            PolicyName::Kz2026 => b
                .revocation_sources(RevocationSources::OcspThenCrl)
                .unknown_status(UnknownStatus::Deny)
                .required_usage(match layer {
                    // information-system certificates carry varied key usages
                    Layer::Transport => RequiredUsage::Any,
                    Layer::Document | Layer::Inner => RequiredUsage::Sign,
                }),
            PolicyName::NcanodeCompat => b
                .revocation_sources(if revocation_asked {
                    RevocationSources::OcspThenCrl
                } else {
                    RevocationSources::None
                })
                .unknown_status(UnknownStatus::Deny)
                .required_usage(RequiredUsage::Any),
        }
    }
}

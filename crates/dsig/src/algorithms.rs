//! Canonicalization and transform URIs: what tanba implements, and typed refusals for
//! everything else (XSLT, XPath filters, C14N 1.1, decompression…), naming the URI.

use crate::{error::AlgorithmRole, DsigError};

/// `http://www.w3.org/TR/2001/REC-xml-c14n-20010315`
pub const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// `http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments`
pub const C14N_WITH_COMMENTS: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
/// `http://www.w3.org/2001/10/xml-exc-c14n#`
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// `http://www.w3.org/2001/10/xml-exc-c14n#WithComments`
pub const EXC_C14N_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
/// `http://www.w3.org/2000/09/xmldsig#enveloped-signature`
pub const ENVELOPED_SIGNATURE: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// `http://www.w3.org/2000/09/xmldsig#base64`
pub const BASE64: &str = "http://www.w3.org/2000/09/xmldsig#base64";
/// The XMLDSig namespace, `http://www.w3.org/2000/09/xmldsig#`.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Known transform URIs tanba deliberately does not implement, with the reason.
const REFUSED: &[(&str, &str)] = &[
    ("http://www.w3.org/TR/1999/REC-xslt-19991116", "XSLT"),
    (
        "http://www.w3.org/TR/1999/REC-xpath-19991116",
        "XPath filter",
    ),
    (
        "http://www.w3.org/2002/06/xmldsig-filter2",
        "XPath Filter 2.0",
    ),
    ("http://www.w3.org/2006/12/xml-c14n11", "C14N 1.1"),
    (
        "http://www.w3.org/2006/12/xml-c14n11#WithComments",
        "C14N 1.1",
    ),
    (
        "http://www.w3.org/2002/07/decrypt#XML",
        "decryption transform",
    ),
    (
        "http://www.w3.org/2002/07/decrypt#Binary",
        "decryption transform",
    ),
];

/// A canonicalization algorithm with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum C14nMethod {
    /// Canonical XML 1.0 (inclusive).
    Inclusive {
        /// `#WithComments` variant.
        with_comments: bool,
    },
    /// Exclusive XML Canonicalization 1.0.
    Exclusive {
        /// `#WithComments` variant.
        with_comments: bool,
        /// `InclusiveNamespaces/@PrefixList`, split on whitespace (`#default` kept as is).
        inclusive_prefixes: Vec<String>,
    },
}

impl C14nMethod {
    /// The algorithm named by `uri`, with the `PrefixList` of an `InclusiveNamespaces`
    /// child if there is one (ignored for inclusive C14N).
    pub fn from_uri(
        uri: &str,
        prefix_list: Option<&str>,
        role: AlgorithmRole,
    ) -> Result<Self, DsigError> {
        let prefixes = || {
            prefix_list
                .map(|p| p.split_ascii_whitespace().map(str::to_owned).collect())
                .unwrap_or_default()
        };
        Ok(match uri {
            C14N => C14nMethod::Inclusive {
                with_comments: false,
            },
            C14N_WITH_COMMENTS => C14nMethod::Inclusive {
                with_comments: true,
            },
            EXC_C14N => C14nMethod::Exclusive {
                with_comments: false,
                inclusive_prefixes: prefixes(),
            },
            EXC_C14N_WITH_COMMENTS => C14nMethod::Exclusive {
                with_comments: true,
                inclusive_prefixes: prefixes(),
            },
            _ => {
                return Err(DsigError::UnsupportedAlgorithm {
                    role,
                    uri: uri.to_owned(),
                })
            }
        })
    }

    /// The algorithm URI.
    pub fn uri(&self) -> &'static str {
        match self {
            C14nMethod::Inclusive {
                with_comments: false,
            } => C14N,
            C14nMethod::Inclusive {
                with_comments: true,
            } => C14N_WITH_COMMENTS,
            C14nMethod::Exclusive {
                with_comments: false,
                ..
            } => EXC_C14N,
            C14nMethod::Exclusive {
                with_comments: true,
                ..
            } => EXC_C14N_WITH_COMMENTS,
        }
    }

    /// Whether comments are kept.
    pub fn with_comments(&self) -> bool {
        match self {
            C14nMethod::Inclusive { with_comments }
            | C14nMethod::Exclusive { with_comments, .. } => *with_comments,
        }
    }

    /// Whether this is exclusive C14N.
    pub fn is_exclusive(&self) -> bool {
        matches!(self, C14nMethod::Exclusive { .. })
    }

    /// The `InclusiveNamespaces` prefix list (empty for inclusive C14N).
    pub fn inclusive_prefixes(&self) -> &[String] {
        match self {
            C14nMethod::Inclusive { .. } => &[],
            C14nMethod::Exclusive {
                inclusive_prefixes, ..
            } => inclusive_prefixes,
        }
    }
}

/// One `Reference` transform tanba implements.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Transform {
    /// `enveloped-signature`: removes the signature that holds the reference.
    Enveloped,
    /// A canonicalization transform.
    C14n(C14nMethod),
    /// `xmldsig#base64`: the text content of the node set, base64-decoded.
    Base64,
}

impl Transform {
    /// Classifies a `Transform/@Algorithm` (with its `InclusiveNamespaces/@PrefixList`).
    pub fn from_uri(uri: &str, prefix_list: Option<&str>) -> Result<Self, DsigError> {
        match uri {
            ENVELOPED_SIGNATURE => Ok(Transform::Enveloped),
            BASE64 => Ok(Transform::Base64),
            _ => {
                if let Some((_, _what)) = REFUSED.iter().find(|(u, _)| *u == uri) {
                    return Err(DsigError::UnsupportedAlgorithm {
                        role: AlgorithmRole::Transform,
                        uri: uri.to_owned(),
                    });
                }
                C14nMethod::from_uri(uri, prefix_list, AlgorithmRole::Transform)
                    .map(Transform::C14n)
            }
        }
    }

    /// The algorithm URI.
    pub fn uri(&self) -> &'static str {
        match self {
            Transform::Enveloped => ENVELOPED_SIGNATURE,
            Transform::Base64 => BASE64,
            Transform::C14n(m) => m.uri(),
        }
    }
}

/// A short human name for a refused transform URI (`"XSLT"`, `"XPath filter"`…), if known.
pub fn refused_transform_name(uri: &str) -> Option<&'static str> {
    REFUSED.iter().find(|(u, _)| *u == uri).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implemented_transforms() {
        assert_eq!(
            Transform::from_uri(ENVELOPED_SIGNATURE, None).unwrap(),
            Transform::Enveloped
        );
        assert_eq!(
            Transform::from_uri(BASE64, None).unwrap(),
            Transform::Base64
        );
        assert_eq!(
            Transform::from_uri(C14N_WITH_COMMENTS, None).unwrap(),
            Transform::C14n(C14nMethod::Inclusive {
                with_comments: true
            })
        );
        assert_eq!(
            Transform::from_uri(EXC_C14N, Some(" ds  #default\txsi ")).unwrap(),
            Transform::C14n(C14nMethod::Exclusive {
                with_comments: false,
                inclusive_prefixes: vec!["ds".into(), "#default".into(), "xsi".into()]
            })
        );
        for t in [
            Transform::Enveloped,
            Transform::Base64,
            Transform::C14n(C14nMethod::Exclusive {
                with_comments: true,
                inclusive_prefixes: vec![],
            }),
        ] {
            assert_eq!(Transform::from_uri(t.uri(), None).unwrap(), t);
        }
    }

    #[test]
    fn refused_transforms_name_the_uri() {
        for (uri, name) in REFUSED {
            let e = Transform::from_uri(uri, None).unwrap_err();
            assert_eq!(
                e,
                DsigError::UnsupportedAlgorithm {
                    role: AlgorithmRole::Transform,
                    uri: uri.to_string()
                }
            );
            assert!(e.to_string().contains(uri));
            assert_eq!(refused_transform_name(uri), Some(*name));
        }
        let e = Transform::from_uri("http://example.com/unknown", None).unwrap_err();
        assert!(e.is_unsupported());
        assert!(e.to_string().contains("http://example.com/unknown"));
    }

    #[test]
    fn canonicalization_method_refuses_transforms_only_uris() {
        assert!(
            C14nMethod::from_uri(ENVELOPED_SIGNATURE, None, AlgorithmRole::Canonicalization)
                .is_err()
        );
        assert!(
            C14nMethod::from_uri(EXC_C14N, None, AlgorithmRole::Canonicalization)
                .unwrap()
                .is_exclusive()
        );
    }
}

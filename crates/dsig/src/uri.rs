//! `Reference/@URI`: the same-document forms tanba dereferences, nothing else.
//!
//! Accepted: `""` (the whole document, comments removed), `#xpointer(/)` (the whole
//! document with comments), `#id` (the element with that Id, comments removed) and
//! `#xpointer(id('id'))` (the element with that Id, comments kept). Everything else —
//! external URIs, other XPointer expressions, a missing `URI` — is a typed error. The
//! string is never evaluated as XPath: an Id is compared as a plain string.

use crate::DsigError;

/// A parsed same-document reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReferenceUri {
    /// `URI=""` or `URI="#xpointer(/)"`: the whole document (minus the enveloping signature
    /// when the enveloped transform is present).
    Document {
        /// `#xpointer(/)` keeps comments; `""` removes them.
        keep_comments: bool,
    },
    /// `URI="#id"` or `URI="#xpointer(id('id'))"`: the subtree of the element with that Id.
    Id {
        /// The Id value.
        id: String,
        /// `#xpointer(id(…))` keeps comments; a bare name removes them.
        keep_comments: bool,
    },
}

impl ReferenceUri {
    /// Parses the `URI` attribute (`None` = attribute absent).
    pub fn parse(uri: Option<&str>) -> Result<Self, DsigError> {
        let Some(uri) = uri else {
            return Err(unsupported(
                "",
                "Reference without a URI attribute (the object would be chosen by the application)",
            ));
        };
        if uri.is_empty() {
            return Ok(ReferenceUri::Document {
                keep_comments: false,
            });
        }
        let Some(fragment) = uri.strip_prefix('#') else {
            return Err(unsupported(
                uri,
                "only same-document references (\"\", \"#id\", \"#xpointer(...)\") are dereferenced",
            ));
        };
        if let Some(expr) = fragment.strip_prefix("xpointer(") {
            let Some(expr) = expr.strip_suffix(')') else {
                return Err(unsupported(uri, "malformed xpointer()"));
            };
            if expr == "/" {
                return Ok(ReferenceUri::Document {
                    keep_comments: true,
                });
            }
            let inner = expr
                .strip_prefix("id(")
                .and_then(|s| s.strip_suffix(')'))
                .ok_or_else(|| {
                    unsupported(
                        uri,
                        "only xpointer(/) and xpointer(id('...')) are supported",
                    )
                })?;
            let id = strip_quotes(inner).ok_or_else(|| {
                unsupported(uri, "xpointer id() argument must be a quoted string")
            })?;
            check_id(uri, id)?;
            return Ok(ReferenceUri::Id {
                id: id.to_owned(),
                keep_comments: true,
            });
        }
        check_id(uri, fragment)?;
        Ok(ReferenceUri::Id {
            id: fragment.to_owned(),
            keep_comments: false,
        })
    }

    /// Whether comments survive dereferencing.
    pub fn keeps_comments(&self) -> bool {
        match self {
            ReferenceUri::Document { keep_comments } | ReferenceUri::Id { keep_comments, .. } => {
                *keep_comments
            }
        }
    }

    /// The URI text tanba writes for this reference.
    pub fn to_uri_string(&self) -> String {
        match self {
            ReferenceUri::Document {
                keep_comments: false,
            } => String::new(),
            ReferenceUri::Document {
                keep_comments: true,
            } => "#xpointer(/)".into(),
            ReferenceUri::Id {
                id,
                keep_comments: false,
            } => format!("#{id}"),
            ReferenceUri::Id {
                id,
                keep_comments: true,
            } => format!("#xpointer(id('{id}'))"),
        }
    }
}

fn strip_quotes(s: &str) -> Option<&str> {
    s.strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|r| r.strip_suffix('"')))
}

/// An Id must be an XML NCName; we check the parts that matter for safety (no quotes,
/// brackets, whitespace, colons, `#`, `/`, markup characters) rather than the full Unicode
/// NCName tables.
fn check_id(uri: &str, id: &str) -> Result<(), DsigError> {
    let bad_char = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '\'' | '"'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '#'
                    | '/'
                    | ':'
                    | '<'
                    | '>'
                    | '&'
                    | '='
                    | '@'
                    | '*'
                    | ','
                    | '|'
                    | '$'
                    | '!'
                    | '?'
                    | '{'
                    | '}'
                    | '\\'
                    | ';'
                    | '+'
                    | '%'
            )
    };
    let first_ok = id
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii_digit() && c != '-' && c != '.');
    if !first_ok || id.chars().any(bad_char) {
        return Err(unsupported(uri, "the Id is not an XML name"));
    }
    Ok(())
}

fn unsupported(uri: &str, reason: &'static str) -> DsigError {
    DsigError::UnsupportedReferenceUri {
        uri: uri.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_document_forms() {
        assert_eq!(
            ReferenceUri::parse(Some("")).unwrap(),
            ReferenceUri::Document {
                keep_comments: false
            }
        );
        assert_eq!(
            ReferenceUri::parse(Some("#xpointer(/)")).unwrap(),
            ReferenceUri::Document {
                keep_comments: true
            }
        );
        assert_eq!(
            ReferenceUri::parse(Some("#body-1")).unwrap(),
            ReferenceUri::Id {
                id: "body-1".into(),
                keep_comments: false
            }
        );
        assert_eq!(
            ReferenceUri::parse(Some("#xpointer(id('to-be-signed'))")).unwrap(),
            ReferenceUri::Id {
                id: "to-be-signed".into(),
                keep_comments: true
            }
        );
        assert_eq!(
            ReferenceUri::parse(Some("#xpointer(id(\"x\"))")).unwrap(),
            ReferenceUri::Id {
                id: "x".into(),
                keep_comments: true
            }
        );
    }

    #[test]
    fn round_trip_to_string() {
        for u in ["", "#xpointer(/)", "#a", "#xpointer(id('a'))"] {
            assert_eq!(ReferenceUri::parse(Some(u)).unwrap().to_uri_string(), u);
        }
    }

    #[test]
    fn everything_else_is_refused_by_name() {
        for u in [
            "http://www.ietf.org/rfc/rfc3161.txt",
            "iaikTests.example1.xml",
            "t't",
            "#t't",
            "#",
            "#xpointer(//Assertion)",
            "#xpointer(id('a') | id('b'))",
            "#xpointer(id(a))",
            "#xpointer(id('a')",
            "#a b",
            "#1abc",
            "#a' or '1'='1",
        ] {
            let e = ReferenceUri::parse(Some(u)).unwrap_err();
            assert!(
                matches!(&e, DsigError::UnsupportedReferenceUri { uri, .. } if uri == u),
                "{u}: {e}"
            );
            assert!(e.is_unsupported());
        }
        assert!(ReferenceUri::parse(None).is_err());
    }
}

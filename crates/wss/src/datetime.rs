//! `xs:dateTime` values as SmartBridge uses them: milliseconds and an explicit offset.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Formats `t` as `2025-01-31T10:15:30.123+06:00` (or `…Z` for UTC).
pub fn format(t: OffsetDateTime) -> String {
    let base = t
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]"
        ))
        .unwrap_or_default();
    let off = t.offset();
    if off == UtcOffset::UTC {
        format!("{base}Z")
    } else {
        let (h, m, _) = off.as_hms();
        let sign = if off.is_negative() { '-' } else { '+' };
        format!(
            "{base}{sign}{:02}:{:02}",
            h.unsigned_abs(),
            m.unsigned_abs()
        )
    }
}

/// Why a text is not an `xs:dateTime` with a UTC offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeError {
    /// The value has no `Z` / `±hh:mm`: the moment is ambiguous.
    #[error("no UTC offset (Z or ±hh:mm): the moment is ambiguous")]
    NoOffset,
    /// Not an `xs:dateTime`.
    #[error("not an xs:dateTime: {0}")]
    Invalid(String),
}

/// Parses an `xs:dateTime` that carries a UTC offset (`Z` or `±hh:mm`), with or without
/// fractional seconds. A value without an offset is ambiguous and refused.
pub fn parse(s: &str) -> Result<OffsetDateTime, DateTimeError> {
    let s = s.trim();
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| {
        let has_offset =
            s.ends_with('Z') || s.len() > 6 && matches!(s.as_bytes()[s.len() - 6], b'+' | b'-');
        if has_offset {
            DateTimeError::Invalid(e.to_string())
        } else {
            DateTimeError::NoOffset
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn format_with_offset_and_utc() {
        assert_eq!(
            format(datetime!(2025-01-31 10:15:30.123 +6)),
            "2025-01-31T10:15:30.123+06:00"
        );
        assert_eq!(
            format(datetime!(2025-01-31 04:15:30 UTC)),
            "2025-01-31T04:15:30.000Z"
        );
        assert_eq!(
            format(datetime!(2025-01-31 04:15:30 -03:30)),
            "2025-01-31T04:15:30.000-03:30"
        );
    }

    #[test]
    fn parse_forms() {
        let t = parse("2025-01-31T10:15:30.123+06:00").unwrap();
        assert_eq!(t, datetime!(2025-01-31 04:15:30.123 UTC));
        assert_eq!(
            parse("2025-01-31T04:15:30Z").unwrap(),
            datetime!(2025-01-31 04:15:30 UTC)
        );
        assert_eq!(
            parse("2025-01-31T10:15:30").unwrap_err(),
            DateTimeError::NoOffset
        );
        assert!(parse("yesterday").is_err());
    }
}

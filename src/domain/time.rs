//! Times and dates as design §3 writes them: RFC 3339 times (`at`,
//! `logged_at`, `harvested_at`) and `YYYY-MM-DD` dates.

use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

/// A time that is not RFC 3339, or a date that is not `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("times are RFC 3339 (2026-11-21T08:00:00Z) and dates YYYY-MM-DD")]
pub struct BadTime;

/// An instant, kept in UTC. Parsed from any RFC 3339 offset; the statement
/// text itself is never rewritten, so the signer's spelling stays signed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Parses RFC 3339 (`2026-11-21T08:00:00Z`, `2026-11-21T15:00:00+07:00`).
    pub fn parse(s: &str) -> Result<Self, BadTime> {
        OffsetDateTime::parse(s, &Rfc3339)
            .map(|t| Self(t.to_offset(UtcOffset::UTC)))
            .map_err(|_| BadTime)
    }

    /// Wraps a clock reading, dropping sub-second precision (leaves carry
    /// whole seconds).
    pub fn from_clock(t: OffsetDateTime) -> Self {
        let utc = t.to_offset(UtcOffset::UTC);
        Self(utc.replace_nanosecond(0).unwrap_or(utc))
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The calendar date in UTC.
    pub fn date(&self) -> Date {
        self.0.date()
    }

    /// The inner `time` value.
    pub fn inner(&self) -> OffsetDateTime {
        self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.format(&Rfc3339).map_err(|_| fmt::Error)?;
        f.write_str(&s)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<Date, BadTime> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(|_| BadTime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_with_offsets_compare_in_utc() {
        let a = Timestamp::parse("2026-11-21T15:00:00+07:00").expect("parses");
        let b = Timestamp::parse("2026-11-21T08:00:00Z").expect("parses");
        assert_eq!(a, b);
        assert_eq!(b.to_string(), "2026-11-21T08:00:00Z");
    }

    #[test]
    fn bad_times_and_dates_are_refused() {
        assert_eq!(Timestamp::parse("2026-11-21"), Err(BadTime));
        assert_eq!(Timestamp::parse("21/11/2026 08:00"), Err(BadTime));
        assert_eq!(parse_date("2026-13-01"), Err(BadTime));
        assert!(parse_date("2026-02-28").is_ok());
    }
}

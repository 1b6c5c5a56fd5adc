//! Times and dates as spec §3 writes them: RFC 3339 times (`at`,
//! `logged_at`, `harvested_at`) and `YYYY-MM-DD` dates.
//!
//! A [`Timestamp`] is parsed from any RFC 3339 offset and kept in UTC; from
//! the clock it keeps whole seconds. [`Day`] is a `YYYY-MM-DD` date and
//! [`HarvestTime`] a time or a bare date. Dates are Vietnamese calendar
//! dates ([`LOCAL_OFFSET_HOURS`], [`Timestamp::local_date`]): a bare harvest
//! date is midnight in Vietnam, and a contract's period is compared with the
//! Vietnamese date of a shipment (spec §3.5).

use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

/// The ledger's civil time zone: Vietnam, UTC+7 all year (no daylight
/// saving). Dates in statements (`from`, `to`, `valid_until`, a bare
/// `harvested_at`) are Vietnamese calendar dates; spec §3 leaves the zone
/// open, and a clerk in Bắc Giang means her own calendar.
pub const LOCAL_OFFSET_HOURS: i8 = 7;

fn local_offset() -> UtcOffset {
    UtcOffset::from_hms(LOCAL_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// A time that is not RFC 3339, or a date that is not `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("times are RFC 3339 (2026-11-21T08:00:00Z) and dates YYYY-MM-DD")]
pub struct BadTime;

/// The years (in UTC) an instant may fall in (spec §3.5). Inside them every
/// conversion the ledger makes, to UTC from the signer's offset and from
/// UTC to Vietnam's clock, stays inside the calendar the `time` crate
/// holds (years -9999 to 9999), so no input can make one overflow
/// (issue 16: `9999-12-31T23:59:59-00:01` panicked a handler).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9998;

/// The instant `t` in UTC, when it falls in [`YEARS`].
fn in_years(t: OffsetDateTime) -> Result<Timestamp, BadTime> {
    t.checked_to_offset(UtcOffset::UTC)
        .filter(|u| YEARS.contains(&u.year()))
        .map(Timestamp)
        .ok_or(BadTime)
}

/// An instant, kept in UTC. Parsed from any RFC 3339 offset; the statement
/// text itself is never rewritten, so the signer's spelling stays signed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Parses RFC 3339 (`2026-11-21T08:00:00Z`, `2026-11-21T15:00:00+07:00`)
    /// of an instant in [`YEARS`].
    pub fn parse(s: &str) -> Result<Self, BadTime> {
        in_years(OffsetDateTime::parse(s, &Rfc3339).map_err(|_| BadTime)?)
    }

    /// Wraps a clock reading, dropping sub-second precision (leaves carry
    /// whole seconds).
    pub fn from_clock(t: OffsetDateTime) -> Self {
        let utc = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
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

    /// The calendar date in Vietnam ([`LOCAL_OFFSET_HOURS`]): what a
    /// contract's `from`/`to` and a bare harvest date are compared with.
    pub fn local_date(&self) -> Date {
        self.local().date()
    }

    /// The instant on Vietnam's clock ([`LOCAL_OFFSET_HOURS`]). An instant
    /// in [`YEARS`] always has one; a clock reading past them (never in
    /// practice) is shown in UTC rather than overflowing.
    pub fn local(&self) -> OffsetDateTime {
        self.0.checked_to_offset(local_offset()).unwrap_or(self.0)
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

/// The spelling [`parse_date`] accepts, as a regular expression (whole
/// match): a four-digit year, which may carry a sign; it must also be a day
/// of the (proleptic Gregorian) calendar.
pub const DATE_PATTERN: &str = "[+-]?[0-9]{4}-[0-9]{2}-[0-9]{2}";

/// Text of the error a bad date gives (the statement parser maps it to
/// `bad_time`).
pub const BAD_DATE: &str = "a date must be written YYYY-MM-DD";

/// A calendar date written `YYYY-MM-DD` (`from`, `to`, `valid_until`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Day(Date);

impl Day {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, BadTime> {
        parse_date(s).map(Self)
    }

    /// Parses a date given as the query or field `name`: a malformed one
    /// is refused with `bad_date` naming it (exports, linkage figures).
    pub fn param(name: &str, s: &str) -> Result<Self, crate::domain::messages::Refusal> {
        use crate::domain::messages::{Code, Refusal};
        Self::parse(s).map_err(|_| Refusal::with(Code::BadDate, format!("{name}: {s:?}")))
    }

    /// The date.
    pub fn date(&self) -> Date {
        self.0
    }
}

impl From<Date> for Day {
    fn from(d: Date) -> Self {
        Self(d)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self
            .0
            .format(format_description!("[year]-[month]-[day]"))
            .map_err(|_| fmt::Error)?;
        f.write_str(&s)
    }
}

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(|_| serde::de::Error::custom(format!("{BAD_DATE} (got {s:?})")))
    }
}

/// A harvest or production time: RFC 3339, or a bare `YYYY-MM-DD` date
/// (spec §3). The text is kept as the signer wrote it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct HarvestTime {
    text: String,
    earliest: Timestamp,
}

impl HarvestTime {
    /// Parses either form.
    pub fn parse(s: &str) -> Result<Self, BadTime> {
        let earliest = match Timestamp::parse(s) {
            Ok(t) => t,
            Err(_) => in_years(parse_date(s)?.midnight().assume_offset(local_offset()))?,
        };
        Ok(Self {
            text: s.to_owned(),
            earliest,
        })
    }

    /// The instant it stands for (midnight in Vietnam for a bare date).
    pub fn earliest(&self) -> Timestamp {
        self.earliest
    }

    /// As written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl serde::Serialize for HarvestTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for HarvestTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(|_| {
            serde::de::Error::custom(format!("{BAD_DATE} or as an RFC 3339 time (got {s:?})"))
        })
    }
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

    #[test]
    fn harvest_times_take_a_time_or_a_bare_date() {
        let d = HarvestTime::parse("2026-06-01").expect("date");
        assert_eq!(d.earliest().to_string(), "2026-05-31T17:00:00Z");
        let t = HarvestTime::parse("2026-06-01T06:30:00+07:00").expect("time");
        assert_eq!(t.earliest().to_string(), "2026-05-31T23:30:00Z");
        assert_eq!(t.as_str(), "2026-06-01T06:30:00+07:00");
        assert!(HarvestTime::parse("mùa hè").is_err());
        // 06:00 in Hà Nội on 1 June is still 31 May in UTC.
        let early = Timestamp::parse("2026-06-01T06:00:00+07:00").expect("time");
        assert_eq!(early.local_date().to_string(), "2026-06-01");
        assert!(d.earliest() <= early);
        assert_eq!(
            Day::parse("2026-06-01").map(|d| d.to_string()),
            Ok("2026-06-01".into())
        );
    }

    /// Issue 16: an offset that carries an instant past the calendar's edge
    /// panicked `Timestamp::parse` (`to_offset` overflows); now every such
    /// time, and every time outside [`YEARS`], is refused as `BadTime`.
    #[test]
    fn issue_16_times_at_the_calendar_edge_are_refused_not_panicked() {
        for s in [
            "9999-12-31T23:59:59-00:01",
            "9999-12-31T23:59:59-23:59",
            "0000-01-01T00:00:00+23:59",
            "9999-12-31T20:00:00Z",
            "1899-12-31T23:59:59Z",
            "-0001-01-01T00:00:00Z",
        ] {
            assert_eq!(Timestamp::parse(s), Err(BadTime), "{s}");
            assert!(HarvestTime::parse(s).is_err(), "{s}");
        }
        for s in ["0000-01-01", "9999-12-31", "1899-12-31"] {
            assert!(HarvestTime::parse(s).is_err(), "{s}");
        }
        // The edges themselves, and Vietnam's clock on them.
        let last = Timestamp::parse("9998-12-31T23:59:59Z").expect("last instant");
        assert_eq!(last.local_date().to_string(), "9999-01-01");
        let first = Timestamp::parse("1900-01-01T07:00:00+07:00").expect("first instant");
        assert_eq!(first.to_string(), "1900-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::parse("1900-01-01T06:59:59+07:00"),
            Err(BadTime),
            "1899 in UTC"
        );
    }
}

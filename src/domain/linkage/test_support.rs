//! Helpers the linkage tests share: dates and ids written as text.

use crate::domain::ids::ActorId;
use crate::domain::time::Day;

/// The day `s` (`YYYY-MM-DD`), for a test.
pub(super) fn day(s: &str) -> Day {
    Day::parse(s).expect("test date")
}

/// The actor id `s`, for a test.
pub(super) fn id(s: &str) -> ActorId {
    s.parse().expect("test id")
}

//! The ledger's clock, a trait so that tests can fix the time the
//! sequencer stamps on leaves and the date the linkage figures default to.

/// The ledger's clock, passed in so tests can fix it.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> time::OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc()
    }
}

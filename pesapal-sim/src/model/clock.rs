//! The virtual clock: real time plus an offset that the control API moves forward.

use crate::lock::lock;
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// Real time shifted by an offset; tokens expire and subscriptions charge on this clock.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Mutex<Duration>,
    /// Where the offset starts, and where a reset returns it.
    start: Duration,
}

impl Clock {
    /// A clock `start` ahead of real time.
    pub(crate) fn starting_at(start: Duration) -> Clock {
        Clock { offset: Mutex::new(start), start }
    }

    /// The simulator's "now".
    pub(crate) fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }

    /// How far the clock is ahead of real time.
    pub(crate) fn offset(&self) -> Duration {
        *lock(&self.offset)
    }

    /// Moves the clock forward (never backward: a negative duration is ignored).
    pub(crate) fn advance(&self, by: Duration) -> DateTime<Utc> {
        if by > Duration::zero() {
            *lock(&self.offset) += by;
        }
        self.now()
    }

    /// Back to where it started.
    pub(crate) fn reset(&self) {
        *lock(&self.offset) = self.start;
    }
}

//! The virtual clock: real time plus an offset that the control API moves forward.

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
    pub fn starting_at(start: Duration) -> Clock {
        Clock { offset: Mutex::new(start), start }
    }

    /// The simulator's "now".
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }

    /// How far the clock is ahead of real time.
    pub fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Moves the clock forward (never backward: a negative duration is ignored).
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        if by > Duration::zero() {
            *self.offset.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) += by;
        }
        self.now()
    }

    /// Back to where it started.
    pub fn reset(&self) {
        *self.offset.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = self.start;
    }
}

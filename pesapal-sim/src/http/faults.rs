//! Fault injection on the Pesapal API routes: latency, 5xx answers, connections dropped after
//! the request was read (not processed), answers lost (the request was processed, then the
//! connection dropped before the answer), and tokens revoked after a number of calls. The
//! control API, the payment page and IPN delivery are never faulted.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::Notify;

/// The faults to inject; all off by default. Counted faults (`fail_next`, `drop_next`) are
/// deterministic, for tests; rates are random, for demos and soak runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Delay added before every API answer, in milliseconds.
    pub latency_ms: u64,
    /// The HTTP status of injected errors (default 503).
    pub error_status: u16,
    /// Fraction (0.0–1.0) of API requests answered with `error_status`.
    pub error_rate: f64,
    /// The next N API requests are answered with `error_status`.
    pub fail_next: u32,
    /// Fraction (0.0–1.0) of API requests whose connection is closed, without an answer, after
    /// the request was read.
    pub drop_rate: f64,
    /// The next N API requests have their connection closed after the request was read.
    pub drop_next: u32,
    /// Fraction (0.0–1.0) of API requests that are **processed** (an order created, a refund
    /// recorded, …) and whose answer is then lost: the connection closes without it. The
    /// failure that makes payments hard: the client cannot tell whether anything happened.
    pub lose_answer_rate: f64,
    /// The next N API requests are processed and their answer lost (see `lose_answer_rate`).
    pub lose_answer_next: u32,
    /// A bearer token is revoked (HTTP 401) on its call after N successful ones.
    pub revoke_tokens_after: Option<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency_ms: 0,
            error_status: 503,
            error_rate: 0.0,
            fail_next: 0,
            drop_rate: 0.0,
            drop_next: 0,
            lose_answer_rate: 0.0,
            lose_answer_next: 0,
            revoke_tokens_after: None,
        }
    }
}

/// How many faults were injected since the last reset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FaultStats {
    /// API requests delayed.
    pub delayed: u64,
    /// API requests answered with an injected error status.
    pub errors: u64,
    /// Connections dropped after reading a request (not processed).
    pub dropped: u64,
    /// Requests processed whose answer was then lost (connection closed instead).
    pub answers_lost: u64,
}

/// What to do with one API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Delay(u64),
    Error(u16),
    /// Close the connection without processing the request.
    Drop,
    /// Process the request, then close the connection without its answer.
    LoseAnswer,
}

impl Faults {
    /// Decides the faults of the next request and consumes counted ones.
    pub(crate) fn decide(&mut self, stats: &mut FaultStats) -> Vec<Decision> {
        let mut decisions = Vec::new();
        if self.latency_ms > 0 {
            stats.delayed += 1;
            decisions.push(Decision::Delay(self.latency_ms));
        }
        if self.drop_next > 0 {
            self.drop_next -= 1;
            stats.dropped += 1;
            decisions.push(Decision::Drop);
        } else if self.lose_answer_next > 0 {
            self.lose_answer_next -= 1;
            stats.answers_lost += 1;
            decisions.push(Decision::LoseAnswer);
        } else if self.fail_next > 0 {
            self.fail_next -= 1;
            stats.errors += 1;
            decisions.push(Decision::Error(self.error_status));
        } else if self.drop_rate > 0.0 && fastrand::f64() < self.drop_rate {
            stats.dropped += 1;
            decisions.push(Decision::Drop);
        } else if self.lose_answer_rate > 0.0 && fastrand::f64() < self.lose_answer_rate {
            stats.answers_lost += 1;
            decisions.push(Decision::LoseAnswer);
        } else if self.error_rate > 0.0 && fastrand::f64() < self.error_rate {
            stats.errors += 1;
            decisions.push(Decision::Error(self.error_status));
        }
        decisions
    }
}

/// Put in each request's extensions by the server: closes the request's connection without
/// an answer.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionKiller(pub Arc<Notify>);

impl ConnectionKiller {
    /// Closes the connection; the caller should then never answer.
    pub fn kill(&self) {
        self.0.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_are_consumed_in_order() {
        let mut faults = Faults { drop_next: 1, lose_answer_next: 1, fail_next: 1, ..Faults::default() };
        let mut stats = FaultStats::default();
        assert_eq!(faults.decide(&mut stats), vec![Decision::Drop]);
        assert_eq!(faults.decide(&mut stats), vec![Decision::LoseAnswer]);
        assert_eq!(faults.decide(&mut stats), vec![Decision::Error(503)]);
        assert_eq!(faults.decide(&mut stats), vec![]);
        assert_eq!(stats, FaultStats { delayed: 0, errors: 1, dropped: 1, answers_lost: 1 });
    }

    #[test]
    fn a_lost_answer_rate_of_one_loses_every_answer() {
        let mut faults = Faults { lose_answer_rate: 1.0, ..Faults::default() };
        let mut stats = FaultStats::default();
        for _ in 0..3 {
            assert_eq!(faults.decide(&mut stats), vec![Decision::LoseAnswer]);
        }
        assert_eq!(stats.answers_lost, 3);
    }
}

//! What polling GetTransactionStatus sees and how it polls, for integrations whose IPN never
//! arrives (an unreachable IPN URL, a lost notification, no IPN endpoint at all):
//! [`PaymentProgress`], [`WaitOptions`], [`WaitOutcome`]. The polling itself is
//! [`Pesapal::wait_for_final_status`](crate::Pesapal::wait_for_final_status).

use crate::confirmation::{Confirmation, Expectation};
use crate::responses::{PaymentStatus, TransactionStatus};
use std::time::Duration;
use uuid::Uuid;

/// How [`Pesapal::wait_for_final_status_with`](crate::Pesapal::wait_for_final_status_with)
/// polls: the first delay grows by half after each poll, up to the longest delay, until the
/// status is final or the timeout has passed.
///
/// ```
/// use pesapal_api::WaitOptions;
/// use std::time::Duration;
///
/// let options = WaitOptions::new(Duration::from_secs(600)).with_first_delay(Duration::from_millis(500));
/// assert_eq!(options.max_delay(), Duration::from_secs(15));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    timeout: Duration,
    first_delay: Duration,
    max_delay: Duration,
}

impl WaitOptions {
    /// Polls for at most `timeout`, with the default delays (1 s, at most 15 s).
    pub fn new(timeout: Duration) -> WaitOptions {
        WaitOptions { timeout, first_delay: Duration::from_secs(1), max_delay: Duration::from_secs(15) }
    }

    /// The delay after the first poll.
    pub fn with_first_delay(mut self, first_delay: Duration) -> WaitOptions {
        self.first_delay = first_delay;
        self
    }

    /// The longest delay between two polls.
    pub fn with_max_delay(mut self, max_delay: Duration) -> WaitOptions {
        self.max_delay = max_delay;
        self
    }

    /// How long to keep polling.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The delay after the first poll.
    pub fn first_delay(&self) -> Duration {
        self.first_delay
    }

    /// The longest delay between two polls.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }
}

/// What one poll of GetTransactionStatus saw.
///
/// Not `#[non_exhaustive]`: Pesapal either has no payment for the order yet or answers with its
/// status (which [`PaymentStatus`] details); there is no third case, and a `match` needs no
/// wildcard arm.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentProgress {
    /// No payment attempt yet (`payment_details_not_found`): the customer has not paid.
    NoPaymentYet,
    /// Pesapal's answer.
    Status(Box<TransactionStatus>),
}

impl PaymentProgress {
    /// The payment's status ([`PaymentStatus::Pending`] when there is no payment yet).
    pub fn payment_status(&self) -> PaymentStatus {
        match self {
            PaymentProgress::NoPaymentYet => PaymentStatus::Pending,
            PaymentProgress::Status(status) => status.payment_status.clone(),
        }
    }

    /// True when the status is final ([`PaymentStatus::is_final`]).
    pub fn is_final(&self) -> bool {
        matches!(self, PaymentProgress::Status(status) if status.payment_status.is_final())
    }
}

/// The end of a wait: the last poll's answer, and whether the timeout ended it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WaitOutcome {
    /// The order waited for.
    pub order_tracking_id: Uuid,
    /// What the last poll saw.
    pub last: PaymentProgress,
    /// True when the timeout passed before the status became final.
    pub timed_out: bool,
    /// GetTransactionStatus calls made.
    pub polls: u32,
}

impl WaitOutcome {
    /// The last poll's answer judged against `expected`: the same [`Confirmation`] as an IPN,
    /// the callback or [`Pesapal::confirm`](crate::Pesapal::confirm) would give.
    pub fn confirmation(&self, expected: &Expectation) -> Confirmation {
        let status = match &self.last {
            PaymentProgress::Status(status) => Some(status.as_ref().clone()),
            PaymentProgress::NoPaymentYet => None,
        };
        Confirmation::judge(self.order_tracking_id, status, Some(expected), None)
    }
}

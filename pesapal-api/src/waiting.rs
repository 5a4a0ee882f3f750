//! Polling GetTransactionStatus until a payment's status is final, for integrations whose IPN
//! never arrives (an unreachable IPN URL, a lost notification, no IPN endpoint at all).

use crate::client::Pesapal;
use crate::error::Result;
use crate::responses::{PaymentStatus, TransactionStatus};
use std::time::Duration;
use uuid::Uuid;

/// How [`Pesapal::wait_for_final_status_with`] polls: the first delay grows by half after each
/// poll, up to `max_delay`, until the status is final or `timeout` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// How long to keep polling.
    pub timeout: Duration,
    /// Delay after the first poll (default 1 s).
    pub first_delay: Duration,
    /// Longest delay between two polls (default 15 s).
    pub max_delay: Duration,
}

impl WaitOptions {
    /// Polls for at most `timeout`, with the default delays.
    pub fn new(timeout: Duration) -> WaitOptions {
        WaitOptions { timeout, first_delay: Duration::from_secs(1), max_delay: Duration::from_secs(15) }
    }
}

/// What one poll of GetTransactionStatus saw.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// What the last poll saw.
    pub last: PaymentProgress,
    /// True when the timeout passed before the status became final.
    pub timed_out: bool,
    /// GetTransactionStatus calls made.
    pub polls: u32,
}

impl Pesapal {
    /// One GetTransactionStatus, with "no payment yet" as [`PaymentProgress::NoPaymentYet`]
    /// rather than an error.
    pub async fn payment_progress(&self, order_tracking_id: Uuid) -> Result<PaymentProgress> {
        match self.transaction_status(order_tracking_id).await {
            Ok(status) => Ok(PaymentProgress::Status(Box::new(status))),
            Err(error) if error.is_pending() => Ok(PaymentProgress::NoPaymentYet),
            Err(error) => Err(error),
        }
    }

    /// Polls GetTransactionStatus with backoff ([`WaitOptions::new`]: 1 s, growing by half, at
    /// most 15 s apart) until the payment is final ([`PaymentStatus::is_final`]) or `timeout`
    /// has passed; for integrations whose IPN never arrives. Each poll is an idempotent call,
    /// retried by the client's [`crate::RetryPolicy`]; an error that survives it ends the wait.
    ///
    /// ```no_run
    /// # async fn run(pesapal: pesapal_api::Pesapal, id: uuid::Uuid) -> pesapal_api::Result<()> {
    /// use std::time::Duration;
    /// let waited = pesapal.wait_for_final_status(id, Duration::from_secs(600)).await?;
    /// if waited.timed_out {
    ///     println!("still {:?} after ten minutes", waited.last.payment_status());
    /// } else {
    ///     println!("final: {:?}", waited.last.payment_status());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_final_status(&self, order_tracking_id: Uuid, timeout: Duration) -> Result<WaitOutcome> {
        self.wait_for_final_status_with(order_tracking_id, WaitOptions::new(timeout), |_| {}).await
    }

    /// [`Pesapal::wait_for_final_status`] with chosen delays, calling `on_poll` with what each
    /// poll saw (for progress output).
    pub async fn wait_for_final_status_with(
        &self,
        order_tracking_id: Uuid,
        options: WaitOptions,
        mut on_poll: impl FnMut(&PaymentProgress),
    ) -> Result<WaitOutcome> {
        let deadline = tokio::time::Instant::now() + options.timeout;
        let mut delay = options.first_delay;
        let mut polls = 0;
        loop {
            let last = self.payment_progress(order_tracking_id).await?;
            polls += 1;
            on_poll(&last);
            if last.is_final() {
                return Ok(WaitOutcome { last, timed_out: false, polls });
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Ok(WaitOutcome { last, timed_out: true, polls });
            }
            tokio::time::sleep(delay.min(left)).await;
            delay = (delay * 3 / 2).min(options.max_delay);
        }
    }
}

//! Polling GetTransactionStatus: [`Pesapal::payment_progress`] (one poll) and
//! [`Pesapal::wait_for_final_status`] (until the payment is final).

use super::pesapal::Pesapal;
use crate::error::Result;
use crate::waiting::{PaymentProgress, WaitOptions, WaitOutcome};
use std::time::Duration;
use uuid::Uuid;

impl Pesapal {
    /// One GetTransactionStatus, with "no payment yet" as [`PaymentProgress::NoPaymentYet`]
    /// rather than an error; [`Pesapal::confirm`] judges the same answer against your order.
    pub async fn payment_progress(&self, order_tracking_id: Uuid) -> Result<PaymentProgress> {
        match self.transaction_status(order_tracking_id).await {
            Ok(status) => Ok(PaymentProgress::Status(Box::new(status))),
            Err(error) if error.is_pending() => Ok(PaymentProgress::NoPaymentYet),
            Err(error) => Err(error),
        }
    }

    /// Polls GetTransactionStatus with backoff ([`WaitOptions::new`]: 1 s, growing by half, at
    /// most 15 s apart) until the payment is final ([`PaymentStatus::is_final`](crate::PaymentStatus::is_final)) or `timeout`
    /// has passed; for integrations whose IPN never arrives. Each poll is an idempotent call,
    /// retried by the client's [`RetryPolicy`](crate::RetryPolicy); an error that survives it ends the wait.
    ///
    /// The [`WaitOutcome`] gives the verdict against the merchant's order
    /// ([`WaitOutcome::confirmation`]), as an IPN would.
    ///
    /// ```no_run
    /// # async fn run(pesapal: pesapal_api::Pesapal, id: pesapal_api::Uuid) -> pesapal_api::Result<()> {
    /// use pesapal_api::{Decimal, Expectation};
    /// use std::time::Duration;
    /// let waited = pesapal.wait_for_final_status(id, Duration::from_secs(600)).await?;
    /// if waited.timed_out {
    ///     println!("still {:?} after ten minutes", waited.last.payment_status());
    /// }
    /// let expected = Expectation::new("ORDER-1001", Decimal::new(250000, 2), "KES");
    /// println!("verdict: {:?}", waited.confirmation(&expected).verdict);
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
        let deadline = tokio::time::Instant::now() + options.timeout();
        let mut delay = options.first_delay();
        let mut polls = 0;
        loop {
            let last = self.payment_progress(order_tracking_id).await?;
            polls += 1;
            on_poll(&last);
            if last.is_final() {
                return Ok(WaitOutcome { order_tracking_id, last, timed_out: false, polls });
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Ok(WaitOutcome { order_tracking_id, last, timed_out: true, polls });
            }
            tokio::time::sleep(delay.min(left)).await;
            delay = (delay * 3 / 2).min(options.max_delay());
        }
    }
}

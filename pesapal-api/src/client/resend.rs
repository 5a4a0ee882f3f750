//! Unknown outcomes, operation by operation: what the client resends when a request may have
//! reached Pesapal and no answer came back ([`Error::is_outcome_unknown`]).
//!
//! - SubmitOrderRequest is resent once with the same merchant reference: Pesapal answers a
//!   repeated reference with the order it has ([`Pesapal::submit_order`]).
//! - RefundRequest is safe to send again: Pesapal accepts one refund request per payment and
//!   answers a second with "Refund request has been received already".
//!   [`Pesapal::refund_with_resend`] sends it again once after an unknown outcome and reports
//!   that answer as what it means: the first request arrived.

use super::pesapal::Pesapal;
use crate::error::{Error, Result};
use crate::requests::order::OrderRequest;
use crate::requests::refund::RefundRequest;
use crate::responses::{OrderSubmission, RefundOutcome};

impl Pesapal {
    /// Sends `order` once more after its first request's outcome was `unknown`: the order
    /// Pesapal answers with, or `unknown` when the resend fails too.
    pub(super) async fn resubmit(&self, order: &OrderRequest, unknown: Error) -> Result<OrderSubmission> {
        tracing::warn!(error = %unknown, "order outcome unknown; resending once with the same merchant reference");
        match self.pipeline().send(order).await {
            Ok(submitted) => Ok(submitted),
            Err(resend) => {
                tracing::warn!(error = %resend, "the resend failed too: the order's outcome stays unknown");
                Err(unknown)
            }
        }
    }

    /// Asks for a refund (RefundRequest), sending the request once more if the first one's
    /// outcome is unknown (the connection failed after it may have reached Pesapal).
    ///
    /// Resending is safe: Pesapal accepts one refund request per payment and refuses a second
    /// with "Refund request has been received already", which this method returns as
    /// [`RefundOutcome::AlreadyReceived`] (`resent: true`: the first request arrived). If the
    /// resend's outcome is unknown too, the error is returned; calling this method again later
    /// is just as safe.
    ///
    /// ```no_run
    /// # async fn run(pesapal: pesapal_api::Pesapal, refund: pesapal_api::RefundRequest) -> pesapal_api::Result<()> {
    /// use pesapal_api::RefundOutcome;
    /// match pesapal.refund_with_resend(&refund).await? {
    ///     RefundOutcome::Accepted { .. } => println!("refund requested; it awaits approval"),
    ///     RefundOutcome::AlreadyReceived { resent: true, .. } => println!("refund requested (the first request arrived)"),
    ///     RefundOutcome::AlreadyReceived { resent: false, .. } => println!("this payment already had a refund request"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn refund_with_resend(&self, refund: &RefundRequest) -> Result<RefundOutcome> {
        let mut resent = false;
        loop {
            match self.refund(refund).await {
                Ok(receipt) => return Ok(RefundOutcome::Accepted { receipt, resent }),
                Err(error) if error.is_refund_already_received() => {
                    let Error::Rejected { rejection, .. } = error else { return Err(error) };
                    return Ok(RefundOutcome::AlreadyReceived { rejection, resent });
                }
                Err(error) if error.is_outcome_unknown() && !resent => {
                    tracing::warn!(error = %error, "refund outcome unknown; resending once (Pesapal refuses a duplicate)");
                    resent = true;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

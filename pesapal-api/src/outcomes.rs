//! Unknown outcomes, operation by operation: what a caller may do when a request may have
//! reached Pesapal and no answer came back ([`Error::is_outcome_unknown`]).
//!
//! RefundRequest is the one payment call that is safe to send again: Pesapal accepts one refund
//! request per payment and answers a second with "Refund request has been received already".
//! [`Pesapal::refund_with_resend`] sends it again once after an unknown outcome and reports that
//! answer as what it means: the first request arrived.

use crate::client::Pesapal;
use crate::error::{Error, Rejection, Result};
use crate::requests::RefundRequest;
use crate::responses::RefundReceipt;
use pesapal_gen::Operation;

/// Pesapal's message for a second refund request of the same payment (HTTP 200,
/// `{"status":"500","message":"Refund request has been received already"}`, recorded from the
/// sandbox on 2025-11-09).
pub const REFUND_ALREADY_RECEIVED: &str = "Refund request has been received already";

impl Error {
    /// True when Pesapal refused a RefundRequest because it already holds a refund request for
    /// that payment ("Refund request has been received already"). Pesapal accepts one refund
    /// request per payment, so after an unknown outcome this answer to a resend means that the
    /// first request arrived: do not treat it as a failure (see [`Pesapal::refund_with_resend`]).
    pub fn is_refund_already_received(&self) -> bool {
        match self {
            Error::Rejected { operation, rejection } if *operation == Operation::RefundRequest => {
                rejection.message.as_deref().is_some_and(|m| m.trim().eq_ignore_ascii_case(REFUND_ALREADY_RECEIVED))
            }
            _ => false,
        }
    }
}

/// How [`Pesapal::refund_with_resend`] ended, other than with an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefundOutcome {
    /// Pesapal accepted the request (the one sent first, or the resend when the first one's
    /// outcome was unknown).
    Accepted {
        /// Pesapal's answer.
        receipt: RefundReceipt,
        /// True when this answer is the resend's.
        resent: bool,
    },
    /// Pesapal already holds a refund request for this payment. With `resent`, it is the one
    /// whose answer was lost: the refund was requested once, as wanted. Without, a refund of
    /// this payment had been requested before this call (by an earlier run, or an operator).
    AlreadyReceived {
        /// Pesapal's answer ("Refund request has been received already").
        rejection: Box<Rejection>,
        /// True when this answer is the resend's.
        resent: bool,
    },
}

impl RefundOutcome {
    /// True when the request was sent twice (the first one's outcome was unknown).
    pub fn resent(&self) -> bool {
        match self {
            RefundOutcome::Accepted { resent, .. } | RefundOutcome::AlreadyReceived { resent, .. } => *resent,
        }
    }

    /// True when Pesapal answered that it already holds a refund request for the payment.
    pub fn is_already_received(&self) -> bool {
        matches!(self, RefundOutcome::AlreadyReceived { .. })
    }
}

impl Pesapal {
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
    ///     RefundOutcome::AlreadyReceived { .. } => println!("this payment already had a refund request"),
    ///     _ => {}
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

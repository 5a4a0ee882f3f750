//! Notifications confirmed with GetTransactionStatus, through the client's guard:
//! [`Pesapal::verify_notification`] (the status, checked against the notification) and
//! [`Pesapal::confirm_notification`] (the verdict against the merchant's order).

use super::pesapal::Pesapal;
use crate::confirmation::{Confirmation, DedupeKey, Expectation};
use crate::notifications::{Notification, NotificationType};
use crate::responses::TransactionStatus;
use crate::verification::{VerificationError, VerifiedPayment};

impl Pesapal {
    /// Verifies a notification: asks GetTransactionStatus for its tracking id and checks that
    /// the merchant reference matches (for `RECURRING`, the subscription's account number).
    ///
    /// Anyone can send notifications, so their cost is bounded, for this client and its clones:
    /// concurrent verifications of one tracking id share one GetTransactionStatus call, and at
    /// most [`ClientBuilder::max_concurrent_verifications`] such calls are in flight. A caller
    /// beyond the cap waits at most [`ClientBuilder::verification_wait`], then gets
    /// [`VerificationError::Busy`]. "No payment yet" is a [`VerificationError::Status`] for which
    /// [`Error::is_pending`](crate::Error::is_pending) is true.
    ///
    /// [`Pesapal::confirm_notification`] goes one step further: it compares the payment with
    /// the merchant's order.
    ///
    /// [`ClientBuilder::max_concurrent_verifications`]: crate::ClientBuilder::max_concurrent_verifications
    /// [`ClientBuilder::verification_wait`]: crate::ClientBuilder::verification_wait
    pub async fn verify_notification(&self, notification: &Notification) -> Result<VerifiedPayment, VerificationError> {
        let status = self.guarded_status(notification).await?;
        if let Some(actual) = mismatch(notification, &status) {
            return Err(VerificationError::ReferenceMismatch {
                notified: notification.merchant_reference.clone(),
                actual,
            });
        }
        let dedupe_key = DedupeKey::of(notification.order_tracking_id, Some(&status)).into();
        Ok(VerifiedPayment { notification: notification.clone(), status, dedupe_key })
    }

    /// Confirms a notification against the merchant's order: GetTransactionStatus through the
    /// same guard as [`Pesapal::verify_notification`], then the [`Verdict`](crate::Verdict)
    /// against `expected`. "No payment yet" is [`Verdict::NotPaidYet`](crate::Verdict::NotPaidYet),
    /// and a notification (or an expectation) that names another order than Pesapal's record
    /// is [`Verdict::ReferenceMismatch`](crate::Verdict::ReferenceMismatch); an error is a status
    /// that could not be had.
    ///
    /// ```no_run
    /// # async fn run(pesapal: pesapal_api::Pesapal, query: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// use pesapal_api::{Decimal, Expectation, Notification, Verdict};
    /// let notification = Notification::from_query(query)?;
    /// // Your order, looked up by notification.merchant_reference:
    /// let expected = Expectation::new(&notification.merchant_reference, Decimal::new(250000, 2), "KES");
    /// let confirmation = pesapal.confirm_notification(&notification, &expected).await?;
    /// if confirmation.verdict == Verdict::PaidAsExpected {
    ///     println!("credit the order once: {}", confirmation.dedupe_key);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn confirm_notification(
        &self,
        notification: &Notification,
        expected: &Expectation,
    ) -> Result<Confirmation, VerificationError> {
        let status = match self.guarded_status(notification).await {
            Ok(status) => status,
            Err(VerificationError::Status(error)) if error.is_pending() => {
                return Ok(Confirmation::judge(
                    notification.order_tracking_id,
                    None,
                    Some(expected),
                    Some(notification.clone()),
                ));
            }
            Err(error) => return Err(error),
        };
        if let Some(actual) = mismatch(notification, &status) {
            return Ok(Confirmation::mismatch(notification.clone(), status, actual));
        }
        Ok(Confirmation::judge(
            notification.order_tracking_id,
            Some(status),
            Some(expected),
            Some(notification.clone()),
        ))
    }

    /// GetTransactionStatus of the notification's order, through the guard.
    async fn guarded_status(&self, notification: &Notification) -> Result<TransactionStatus, VerificationError> {
        let id = notification.order_tracking_id;
        self.guard().status(id, || self.transaction_status(id)).await
    }
}

/// Pesapal's reference for the order when it is not the one `notification` names (for
/// `RECURRING`, the subscription's account number); `None` when they match.
fn mismatch(notification: &Notification, status: &TransactionStatus) -> Option<Option<String>> {
    let actual = match notification.notification_type {
        NotificationType::Recurring => status.subscription.as_ref().and_then(|s| s.account_reference.clone()),
        _ => status.merchant_reference.clone(),
    };
    (actual.as_deref() != Some(notification.merchant_reference.as_str())).then_some(actual)
}

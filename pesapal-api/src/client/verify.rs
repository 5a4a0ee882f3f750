//! [`Pesapal::verify_notification`]: a notification confirmed with GetTransactionStatus,
//! through the client's guard.

use crate::client::Pesapal;
use crate::notifications::{Notification, NotificationType};
use crate::verification::{VerificationError, VerifiedPayment};

impl Pesapal {
    /// Verifies a notification: asks GetTransactionStatus for its tracking id and checks that
    /// the merchant reference matches (for `RECURRING`, the subscription's account number).
    ///
    /// Anyone can send notifications, so their cost is bounded, for this client and its clones:
    /// concurrent verifications of one tracking id share one GetTransactionStatus call, and at
    /// most [`ClientBuilder::max_concurrent_verifications`] such calls are in flight. A caller
    /// beyond the cap waits at most [`ClientBuilder::verification_wait`], then gets
    /// [`VerificationError::Busy`].
    ///
    /// [`ClientBuilder::max_concurrent_verifications`]: crate::ClientBuilder::max_concurrent_verifications
    /// [`ClientBuilder::verification_wait`]: crate::ClientBuilder::verification_wait
    pub async fn verify_notification(&self, notification: &Notification) -> Result<VerifiedPayment, VerificationError> {
        let id = notification.order_tracking_id;
        let status = self.guard().status(id, || self.transaction_status(id)).await?;
        let actual = match notification.notification_type {
            NotificationType::Recurring => status.subscription.as_ref().and_then(|s| s.account_reference.clone()),
            _ => status.merchant_reference.clone(),
        };
        if actual.as_deref() != Some(notification.merchant_reference.as_str()) {
            return Err(VerificationError::ReferenceMismatch {
                notified: notification.merchant_reference.clone(),
                actual,
            });
        }
        let dedupe_key = format!(
            "{}:{}:{}",
            notification.order_tracking_id,
            status.confirmation_code.as_deref().unwrap_or("-"),
            status.status_code.map_or_else(|| "-".to_owned(), |c| c.to_string()),
        );
        Ok(VerifiedPayment { notification: notification.clone(), status, dedupe_key })
    }
}

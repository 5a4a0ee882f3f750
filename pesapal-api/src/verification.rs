//! What verifying a notification ends with: a [`VerifiedPayment`], or a [`VerificationError`]
//! ([`Pesapal::verify_notification`](crate::Pesapal::verify_notification) verifies, through the
//! guard that bounds what verifying costs).

use crate::error::Error;
use crate::notifications::Notification;
use crate::responses::TransactionStatus;

/// A notification confirmed by GetTransactionStatus.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifiedPayment {
    /// The notification that prompted the check.
    pub notification: Notification,
    /// What Pesapal says about the payment: act on this, not on the notification.
    pub status: TransactionStatus,
    /// Stable for the same payment state: `tracking id:confirmation code:status`. Pesapal
    /// repeats notifications; store this key and skip events whose key you have seen.
    pub dedupe_key: String,
}

/// Why a notification could not be verified.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum VerificationError {
    /// GetTransactionStatus failed (unknown tracking id, network, …).
    #[error("could not confirm the notification with GetTransactionStatus: {0}")]
    Status(#[from] Error),
    /// Pesapal's record names another merchant reference: a forged or misrouted notification.
    #[error("merchant reference mismatch: the notification says {notified:?}, Pesapal says {actual:?}")]
    ReferenceMismatch {
        /// From the notification.
        notified: String,
        /// From GetTransactionStatus.
        actual: Option<String>,
    },
    /// Too many notifications were being verified: no GetTransactionStatus slot freed up in
    /// time, and nothing was sent. Answer with a failure acknowledgement, so that Pesapal
    /// notifies again (see [`ClientBuilder::max_concurrent_verifications`](crate::ClientBuilder::max_concurrent_verifications)).
    #[error(
        "too many notifications being verified: no GetTransactionStatus slot free within {waited:?} (at most {max_in_flight} in flight)"
    )]
    Busy {
        /// The cap on GetTransactionStatus calls in flight for verifications.
        max_in_flight: usize,
        /// How long this verification waited for a slot.
        waited: std::time::Duration,
    },
}

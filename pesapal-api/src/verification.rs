//! Verifying notifications: [`crate::Pesapal::verify_notification`] confirms a notification with
//! GetTransactionStatus ([`VerifiedPayment`], or a [`VerificationError`]), through the guard that
//! bounds what verifying costs.
//!
//! Pesapal's notifications are unsigned, so anyone who knows an IPN URL can make it call
//! GetTransactionStatus, once per request. [`Verifications`] puts two limits on that, shared by
//! every clone of a [`crate::Pesapal`]:
//!
//! - **single flight**: concurrent verifications of one order tracking id share one
//!   GetTransactionStatus call and its outcome. The entry is dropped as soon as the call
//!   completes, so a notification that arrives afterwards asks Pesapal again;
//! - **a cap** on the calls in flight ([`ClientBuilder::max_concurrent_verifications`], default
//!   [`DEFAULT_MAX_CONCURRENT_VERIFICATIONS`]). Callers beyond it queue in arrival order for at
//!   most [`ClientBuilder::verification_wait`] (default [`DEFAULT_VERIFICATION_WAIT`]), then
//!   fail with [`VerificationError::Busy`] without calling Pesapal.
//!
//! A malformed notification never gets here: it is refused while parsing.
//!
//! [`ClientBuilder::max_concurrent_verifications`]: crate::ClientBuilder::max_concurrent_verifications
//! [`ClientBuilder::verification_wait`]: crate::ClientBuilder::verification_wait

use crate::client::Pesapal;
use crate::error::Error;
use crate::notifications::{Notification, NotificationType};
use crate::responses::TransactionStatus;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{OnceCell, Semaphore};
use uuid::Uuid;

/// How many GetTransactionStatus calls made to verify notifications may be in flight at once, by
/// default (see [`crate::ClientBuilder::max_concurrent_verifications`]).
pub const DEFAULT_MAX_CONCURRENT_VERIFICATIONS: usize = 16;

/// How long a verification waits for one of the capped GetTransactionStatus slots, by default
/// (see [`crate::ClientBuilder::verification_wait`]).
pub const DEFAULT_VERIFICATION_WAIT: Duration = Duration::from_secs(10);

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
    /// notifies again (see [`crate::ClientBuilder::max_concurrent_verifications`]).
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
        let status = self.verifications().status(id, || self.transaction_status(id)).await?;
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

/// What one GetTransactionStatus call for a verification ended with.
type Outcome = Result<TransactionStatus, VerificationError>;

/// One verification in progress: its callers share the outcome.
type Flight = OnceCell<Outcome>;

/// Single flight per tracking id, and a cap on the calls in flight.
pub(crate) struct Verifications {
    permits: Semaphore,
    max_in_flight: usize,
    wait: Duration,
    /// Verifications in progress. The `Arc`s are cloned and dropped only under this lock, so
    /// that their strong counts tell how many callers a flight has.
    flights: Mutex<HashMap<Uuid, Arc<Flight>>>,
}

impl fmt::Debug for Verifications {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifications")
            .field("max_in_flight", &self.max_in_flight)
            .field("wait", &self.wait)
            .field("in_progress", &self.lock().len())
            .finish()
    }
}

impl Verifications {
    /// At most `max_in_flight` calls at once (at least 1); callers wait `wait` at most for one.
    pub(crate) fn new(max_in_flight: usize, wait: Duration) -> Verifications {
        Verifications {
            permits: Semaphore::new(max_in_flight),
            max_in_flight,
            wait,
            flights: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Uuid, Arc<Flight>>> {
        // Nothing panics while holding the lock; a poisoned map is still consistent.
        self.flights.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The status of `id`, from `call` or from the call already in flight for `id`.
    ///
    /// The caller that runs `call` gets its outcome; the others get a clone of it (a transport
    /// error shares its `source()`). If the caller running `call` is cancelled, one of the
    /// waiting callers calls again.
    pub(crate) async fn status<F, Fut>(&self, id: Uuid, call: F) -> Outcome
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<TransactionStatus, Error>>,
    {
        let ticket = self.join(id);
        let mut own = None;
        let shared = ticket
            .flight()
            .get_or_init(|| async {
                let outcome = self.call_capped(call).await;
                self.land(id, ticket.flight());
                let shared = outcome.clone();
                own = Some(outcome);
                shared
            })
            .await;
        own.unwrap_or_else(|| shared.clone())
    }

    /// Joins the flight for `id`, starting one if there is none.
    fn join(&self, id: Uuid) -> Ticket<'_> {
        let flight = self.lock().entry(id).or_default().clone();
        Ticket { verifications: self, id, flight: Some(flight) }
    }

    /// The flight for `id` has its outcome: later callers start a new one.
    fn land(&self, id: Uuid, flight: &Flight) {
        let mut flights = self.lock();
        if flights.get(&id).is_some_and(|entry| std::ptr::eq(Arc::as_ptr(entry), flight)) {
            flights.remove(&id);
        }
    }

    async fn call_capped<F, Fut>(&self, call: F) -> Outcome
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<TransactionStatus, Error>>,
    {
        let busy = || VerificationError::Busy { max_in_flight: self.max_in_flight, waited: self.wait };
        // The semaphore is never closed: `Err` cannot happen, and would be "busy" too.
        let Ok(Ok(_permit)) = tokio::time::timeout(self.wait, self.permits.acquire()).await else {
            return Err(busy());
        };
        call().await.map_err(VerificationError::Status)
    }

    #[cfg(test)]
    fn in_progress(&self) -> usize {
        self.lock().len()
    }
}

/// A caller's place in a flight. Dropped by the last caller of a flight that never landed (all
/// of them cancelled), it removes the flight, so that the map cannot grow without bound.
struct Ticket<'a> {
    verifications: &'a Verifications,
    id: Uuid,
    flight: Option<Arc<Flight>>,
}

impl Ticket<'_> {
    fn flight(&self) -> &Flight {
        self.flight.as_deref().expect("present until dropped")
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut flights = self.verifications.lock();
        let Some(flight) = self.flight.take() else { return };
        // Ours and the map's: no other caller is left.
        if Arc::strong_count(&flight) == 2 && flights.get(&self.id).is_some_and(|entry| Arc::ptr_eq(entry, &flight)) {
            flights.remove(&self.id);
        }
        // Still under the lock, like every clone.
        drop(flight);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::sync::Notify;

    fn paid() -> TransactionStatus {
        TransactionStatus::from_json_slice(
            br#"{"status_code":1,"payment_status_description":"Completed","merchant_reference":"R","status":"200"}"#,
        )
        .unwrap()
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_call_and_a_later_caller_calls_again() {
        let verifications = Verifications::new(4, Duration::from_secs(60));
        let (calls, release) = (AtomicUsize::new(0), Notify::new());
        let id = Uuid::new_v4();
        let call = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            release.notified().await;
            Ok(paid())
        };
        let all = async { tokio::join!(verifications.status(id, call), verifications.status(id, call)) };
        let release_when_joined = async {
            while calls.load(Ordering::SeqCst) == 0 {
                tokio::task::yield_now().await;
            }
            release.notify_one();
        };
        let ((a, b), ()) = tokio::join!(all, release_when_joined);
        assert_eq!(a.unwrap(), paid());
        assert_eq!(b.unwrap(), paid());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(verifications.in_progress(), 0, "landed flights are removed");
        release.notify_one(); // the next call does not wait
        verifications.status(id, call).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn followers_get_a_copy_of_the_error() {
        let verifications = Verifications::new(1, Duration::from_secs(60));
        let id = Uuid::new_v4();
        let call = || async { Err(Error::Config("boom".into())) };
        let (a, b) = tokio::join!(verifications.status(id, call), verifications.status(id, call));
        for outcome in [a, b] {
            assert!(matches!(outcome, Err(VerificationError::Status(Error::Config(m))) if m == "boom"));
        }
    }

    #[tokio::test]
    async fn callers_beyond_the_cap_wait_and_then_give_up_without_calling() {
        let verifications = Verifications::new(1, Duration::from_millis(20));
        let calls = AtomicUsize::new(0);
        let hold = Notify::new();
        let blocked = verifications.status(Uuid::new_v4(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            hold.notified().await;
            Ok(paid())
        });
        let refused = async {
            while calls.load(Ordering::SeqCst) == 0 {
                tokio::task::yield_now().await;
            }
            let outcome = verifications
                .status(Uuid::new_v4(), || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok(paid())
                })
                .await;
            hold.notify_one();
            outcome
        };
        let (first, second) = tokio::join!(blocked, refused);
        assert!(first.is_ok());
        assert!(matches!(second, Err(VerificationError::Busy { max_in_flight: 1, .. })), "{second:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "the refused caller did not call");
    }

    #[tokio::test]
    async fn a_cancelled_caller_hands_over_and_abandoned_flights_are_removed() {
        let verifications = Verifications::new(2, Duration::from_secs(60));
        let id = Uuid::new_v4();
        let never = || std::future::pending::<Result<TransactionStatus, Error>>();
        // The caller that runs the call gives up (e.g. the IPN connection closed) …
        let mut first = Box::pin(verifications.status(id, never));
        let mut second = Box::pin(verifications.status(id, || async { Ok(paid()) }));
        assert!(futures_poll(first.as_mut()).is_none());
        assert!(futures_poll(second.as_mut()).is_none());
        drop(first);
        // … and the one still waiting calls instead.
        assert_eq!(second.await.unwrap(), paid());
        assert_eq!(verifications.in_progress(), 0);
        // When every caller gives up, nothing is left behind.
        let mut alone = Box::pin(verifications.status(id, never));
        assert!(futures_poll(alone.as_mut()).is_none());
        assert_eq!(verifications.in_progress(), 1);
        drop(alone);
        assert_eq!(verifications.in_progress(), 0);
    }

    #[test]
    fn the_cap_is_at_least_one() {
        let builder = crate::ClientBuilder::default();
        assert!(matches!(builder.clone().max_concurrent_verifications(0).verifications(), Err(Error::Config(_))));
        let one = builder.max_concurrent_verifications(1).verifications().unwrap();
        assert_eq!((one.max_in_flight, one.permits.available_permits()), (1, 1));
    }

    /// Polls once, without a runtime waker.
    fn futures_poll<T>(future: std::pin::Pin<&mut impl Future<Output = T>>) -> Option<T> {
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.poll(&mut context) {
            std::task::Poll::Ready(value) => Some(value),
            std::task::Poll::Pending => None,
        }
    }
}

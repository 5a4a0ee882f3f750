//! The guard of notification verifications ([`Guard`]).
//!
//! Pesapal's notifications are unsigned, so anyone who knows an IPN URL can make it call
//! GetTransactionStatus, once per request. The guard puts two limits on that, shared by every
//! clone of a [`Pesapal`](crate::Pesapal):
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

use crate::error::Error;
use crate::responses::TransactionStatus;
use crate::sync;
use crate::verification::VerificationError;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{OnceCell, Semaphore};
use uuid::Uuid;

/// How many GetTransactionStatus calls made to verify notifications may be in flight at once, by
/// default (see [`ClientBuilder::max_concurrent_verifications`](crate::ClientBuilder::max_concurrent_verifications)).
pub const DEFAULT_MAX_CONCURRENT_VERIFICATIONS: usize = 16;

/// How long a verification waits for one of the capped GetTransactionStatus slots, by default
/// (see [`ClientBuilder::verification_wait`](crate::ClientBuilder::verification_wait)).
pub const DEFAULT_VERIFICATION_WAIT: Duration = Duration::from_secs(10);

/// What one GetTransactionStatus call for a verification ended with.
type Outcome = Result<TransactionStatus, VerificationError>;

/// One verification in progress: its callers share the outcome.
type Flight = OnceCell<Outcome>;

/// Single flight per tracking id, and a cap on the calls in flight.
pub(crate) struct Guard {
    permits: Semaphore,
    max_in_flight: usize,
    wait: Duration,
    /// Verifications in progress. The `Arc`s are cloned and dropped only under this lock, so
    /// that their strong counts tell how many callers a flight has.
    flights: Mutex<HashMap<Uuid, Arc<Flight>>>,
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("max_in_flight", &self.max_in_flight)
            .field("wait", &self.wait)
            .field("in_progress", &self.lock().len())
            .finish()
    }
}

impl Guard {
    /// At most `max_in_flight` calls at once (at least 1); callers wait `wait` at most for one.
    pub(crate) fn new(max_in_flight: usize, wait: Duration) -> Guard {
        Guard { permits: Semaphore::new(max_in_flight), max_in_flight, wait, flights: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Uuid, Arc<Flight>>> {
        sync::lock(&self.flights)
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
        Ticket { guard: self, id, flight: Some(flight) }
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

    /// The cap on calls in flight.
    #[cfg(test)]
    pub(crate) fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// Slots free now.
    #[cfg(test)]
    pub(crate) fn available_permits(&self) -> usize {
        self.permits.available_permits()
    }
}

/// A caller's place in a flight. Dropped by the last caller of a flight that never landed (all
/// of them cancelled), it removes the flight, so that the map cannot grow without bound.
struct Ticket<'a> {
    guard: &'a Guard,
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
        let mut flights = self.guard.lock();
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
        let verifications = Guard::new(4, Duration::from_secs(60));
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
        let verifications = Guard::new(1, Duration::from_secs(60));
        let id = Uuid::new_v4();
        let call = || async { Err(Error::Config("boom".into())) };
        let (a, b) = tokio::join!(verifications.status(id, call), verifications.status(id, call));
        for outcome in [a, b] {
            assert!(matches!(outcome, Err(VerificationError::Status(Error::Config(m))) if m == "boom"));
        }
    }

    #[tokio::test]
    async fn callers_beyond_the_cap_wait_and_then_give_up_without_calling() {
        let verifications = Guard::new(1, Duration::from_millis(20));
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
        let verifications = Guard::new(2, Duration::from_secs(60));
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

    /// Polls once, without a runtime waker.
    fn futures_poll<T>(future: std::pin::Pin<&mut impl Future<Output = T>>) -> Option<T> {
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.poll(&mut context) {
            std::task::Poll::Ready(value) => Some(value),
            std::task::Poll::Pending => None,
        }
    }
}

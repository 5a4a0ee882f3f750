//! Acting once per payment: the [`DedupeStore`] trait, and [`MemoryDedupeStore`], its
//! in-memory implementation with expiry.

use crate::confirmation::DedupeKey;
use crate::sync;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Where the [`DedupeKey`]s acted on are kept, so that each state of a payment is acted on once,
/// whichever path (IPN, callback, polling) confirms it first and however often Pesapal repeats
/// its notifications.
///
/// The protocol is claim, act, and release on failure: [`DedupeStore::claim`] says whether the
/// key is new (then act) or already claimed (a repeat: skip); when the action fails,
/// [`DedupeStore::release`] gives the claim up, so that the next delivery acts again. A claim
/// must be atomic: of two concurrent claims of one key, one wins.
///
/// # A database store
///
/// In production, keep the keys in the database that holds the orders, in a table with the key
/// as primary key (`CREATE TABLE pesapal_acted (dedupe_key TEXT PRIMARY KEY, at TIMESTAMP NOT
/// NULL)`):
///
/// - `claim`: `INSERT INTO pesapal_acted (dedupe_key, at) VALUES ($1, now()) ON CONFLICT DO
///   NOTHING` (PostgreSQL, SQLite; MySQL: `INSERT IGNORE`); the key is new when one row was
///   inserted;
/// - `release`: `DELETE FROM pesapal_acted WHERE dedupe_key = $1`.
///
/// Better still, make the claim and the action one transaction (insert the key and credit the
/// order, commit once): then no release is needed. Old keys may be deleted after a few days
/// (Pesapal stops notifying about a payment long before).
///
/// ```
/// use pesapal_api::{DedupeKey, DedupeStore};
/// use std::collections::HashSet;
/// use std::sync::Mutex;
///
/// /// Stands for a database table keyed by `dedupe_key`.
/// #[derive(Default)]
/// struct Table(Mutex<HashSet<String>>);
///
/// impl DedupeStore for Table {
///     type Error = std::convert::Infallible;
///
///     async fn claim(&self, key: &DedupeKey) -> Result<bool, Self::Error> {
///         // INSERT … ON CONFLICT DO NOTHING: new when a row was inserted.
///         Ok(self.0.lock().unwrap().insert(key.as_str().to_owned()))
///     }
///
///     async fn release(&self, key: &DedupeKey) -> Result<(), Self::Error> {
///         // DELETE … WHERE dedupe_key = $1
///         self.0.lock().unwrap().remove(key.as_str());
///         Ok(())
///     }
/// }
/// ```
pub trait DedupeStore: Send + Sync + 'static {
    /// Why the store failed (the action is then not taken, and the notification answered as
    /// not processed: Pesapal notifies again).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Claims `key`: `true` when it was not claimed (act now), `false` when it was (a repeat).
    fn claim(&self, key: &DedupeKey) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// Gives up the claim of `key`, whose action failed.
    fn release(&self, key: &DedupeKey) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// A [`DedupeStore`] in memory, for one process: each claim is kept for a while (default
/// [`MemoryDedupeStore::DEFAULT_KEEP`], a day), then forgotten. Keys are lost when the process
/// stops, and not shared between processes: use a database store for that (see
/// [`DedupeStore`]).
///
/// ```
/// use pesapal_api::{Confirmation, DedupeStore, MemoryDedupeStore};
///
/// async fn credit_once(store: &MemoryDedupeStore, confirmation: &Confirmation) {
///     if store.claim(&confirmation.dedupe_key).await.unwrap() {
///         // New: act (and `store.release(…)` if acting fails).
///     } // Otherwise a repeat: skip.
/// }
/// ```
#[derive(Debug)]
pub struct MemoryDedupeStore {
    keep: Duration,
    claims: Mutex<Claims>,
}

#[derive(Debug, Default)]
struct Claims {
    /// When each key was claimed.
    at: HashMap<DedupeKey, Instant>,
    /// The keys in the order they were claimed, to forget the old ones first.
    order: VecDeque<(Instant, DedupeKey)>,
}

impl MemoryDedupeStore {
    /// How long a claim is kept by default: a day.
    pub const DEFAULT_KEEP: Duration = Duration::from_secs(24 * 3600);

    /// A store that keeps each claim for `keep`.
    pub fn new(keep: Duration) -> MemoryDedupeStore {
        MemoryDedupeStore { keep, claims: Mutex::new(Claims::default()) }
    }

    /// How many claims are kept now.
    pub fn len(&self) -> usize {
        let mut claims = sync::lock(&self.claims);
        claims.forget_older_than(Instant::now(), self.keep);
        claims.at.len()
    }

    /// True when no claim is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for MemoryDedupeStore {
    fn default() -> Self {
        MemoryDedupeStore::new(MemoryDedupeStore::DEFAULT_KEEP)
    }
}

impl Claims {
    fn forget_older_than(&mut self, now: Instant, keep: Duration) {
        while let Some((at, _)) = self.order.front() {
            if now.duration_since(*at) < keep {
                break;
            }
            let (at, key) = self.order.pop_front().expect("a front entry");
            // A released and claimed again key has a later time: keep that claim.
            if self.at.get(&key) == Some(&at) {
                self.at.remove(&key);
            }
        }
    }
}

impl DedupeStore for MemoryDedupeStore {
    type Error = Infallible;

    async fn claim(&self, key: &DedupeKey) -> Result<bool, Infallible> {
        let now = Instant::now();
        let mut claims = sync::lock(&self.claims);
        claims.forget_older_than(now, self.keep);
        if claims.at.contains_key(key) {
            return Ok(false);
        }
        claims.at.insert(key.clone(), now);
        claims.order.push_back((now, key.clone()));
        Ok(true)
    }

    async fn release(&self, key: &DedupeKey) -> Result<(), Infallible> {
        // The queue entry stays until it expires; it no longer matches a claim.
        sync::lock(&self.claims).at.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u128) -> DedupeKey {
        DedupeKey::of(uuid::Uuid::from_u128(n), None)
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_is_claimed_once_until_released_or_expired() {
        let store = MemoryDedupeStore::new(Duration::from_millis(50));
        assert!(store.claim(&key(1)).await.unwrap());
        assert!(!store.claim(&key(1)).await.unwrap(), "a repeat");
        assert!(store.claim(&key(2)).await.unwrap(), "another key");
        store.release(&key(1)).await.unwrap();
        assert!(store.claim(&key(1)).await.unwrap(), "released: claimed again");
        assert_eq!(store.len(), 2);
        tokio::time::advance(Duration::from_millis(60)).await;
        assert!(store.is_empty(), "expired claims are forgotten");
        assert!(store.claim(&key(1)).await.unwrap(), "an expired key is new again");
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_claimed_again_after_a_release_outlives_its_first_claim() {
        let store = MemoryDedupeStore::new(Duration::from_millis(80));
        assert!(store.claim(&key(1)).await.unwrap());
        store.release(&key(1)).await.unwrap();
        tokio::time::advance(Duration::from_millis(40)).await;
        assert!(store.claim(&key(1)).await.unwrap());
        tokio::time::advance(Duration::from_millis(50)).await;
        // The first claim's time has passed; the second's has not.
        assert!(!store.claim(&key(1)).await.unwrap());
    }
}

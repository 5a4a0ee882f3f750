//! The simulator's one way of taking a lock: a thread that panicked while holding one leaves
//! plain data behind (orders, deliveries, counters), which stays usable, so a poisoned lock is
//! taken anyway rather than turning one failed test into a cascade.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, also when a panicking thread poisoned it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

//! Retries with jittered exponential backoff, for the calls that are safe to repeat.

use crate::error::Error;
use crate::wire::Operation;
use std::future::Future;
use std::time::Duration;

/// How idempotent calls (RequestToken, GetTransactionStatus, GetIpnList) are retried after a
/// connection error, HTTP 429 or 5xx. Payment calls are retried only when the request certainly
/// did not leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Delay before the first retry, doubled for each further one.
    pub base_delay: Duration,
    /// Longest delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(200), max_delay: Duration::from_secs(5) }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// The delay before retry number `retry` (1-based): "full jitter", uniformly random between
    /// zero and the exponential bound.
    pub fn delay(&self, retry: u32) -> Duration {
        let bound = self.base_delay.saturating_mul(2u32.saturating_pow(retry.saturating_sub(1))).min(self.max_delay);
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Runs `attempt` until it succeeds, or fails with an error that [`Error::is_retry_safe`] does
/// not allow to repeat for `operation`, or the policy's retries are spent.
pub(crate) async fn with_retries<R, Fut>(
    policy: &RetryPolicy,
    operation: Operation,
    mut attempt: impl FnMut() -> Fut,
) -> Result<R, Error>
where
    Fut: Future<Output = Result<R, Error>>,
{
    let mut retries = 0;
    loop {
        match attempt().await {
            Err(error) if retries < policy.max_retries && error.is_retry_safe(operation.is_idempotent()) => {
                retries += 1;
                let delay = policy.delay(retries);
                tracing::warn!(retries, ?delay, error = %error, "retrying");
                tokio::time::sleep(delay).await;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_within_the_cap() {
        let policy =
            RetryPolicy { max_retries: 10, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1) };
        for _ in 0..100 {
            assert!(policy.delay(1) <= Duration::from_millis(100));
            assert!(policy.delay(3) <= Duration::from_millis(400));
            assert!(policy.delay(10) <= Duration::from_secs(1));
        }
    }
}

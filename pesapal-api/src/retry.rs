//! Retries with jittered exponential backoff ([`RetryPolicy`], [`with_retries`]), for the
//! calls that are safe to repeat: which those are is [`Error`]'s one rule.

use crate::error::Error;
use crate::operation::Operation;
use std::future::Future;
use std::time::Duration;

/// How idempotent calls (RequestToken, GetTransactionStatus, GetIpnList) are retried after a
/// connection error, HTTP 429 or 5xx. Payment calls are retried only when the request certainly
/// did not leave.
///
/// ```
/// use pesapal_api::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default().with_max_retries(5).with_max_delay(Duration::from_secs(2));
/// assert_eq!((policy.max_retries(), policy.base_delay()), (5, Duration::from_millis(200)));
/// assert!(policy.delay(3) <= Duration::from_millis(800));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, 200 ms doubling up to 5 s, jittered.
    fn default() -> Self {
        RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(200), max_delay: Duration::from_secs(5) }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy::default().with_max_retries(0)
    }

    /// Retries after the first attempt (0 disables retrying).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The bound of the delay before the first retry, doubled for each further one.
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// The bound of the longest delay.
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The bound of the delay before the first retry.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The bound of the longest delay.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The delay before retry number `retry` (1-based): "full jitter", uniformly random between
    /// zero and the exponential bound.
    pub fn delay(&self, retry: u32) -> Duration {
        let bound = self.base_delay.saturating_mul(2u32.saturating_pow(retry.saturating_sub(1))).min(self.max_delay);
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Runs `attempt` until it succeeds, or fails with an error that [`Error`]'s rule does not
/// allow to repeat for `operation`, or the policy's retries are spent.
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
        let policy = RetryPolicy::default()
            .with_max_retries(10)
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(1));
        for _ in 0..100 {
            assert!(policy.delay(1) <= Duration::from_millis(100));
            assert!(policy.delay(3) <= Duration::from_millis(400));
            assert!(policy.delay(10) <= Duration::from_secs(1));
        }
    }
}

//! The bearer token: fetched on first use, cached, replaced ahead of `expiryDate`, shared by
//! concurrent callers through one in-flight refresh.

use crate::config::Credentials;
use crate::error::Error;
use crate::requests;
use crate::responses;
use crate::retry::{RetryPolicy, with_retries};
use crate::wire::{Operation, Request, Wire, span};
use chrono::{DateTime, Utc};
use reqwest::header::HeaderValue;
use secrecy::ExposeSecret;
use std::fmt;
use std::sync::RwLock;
use std::time::Duration;
use tracing::Instrument;

#[derive(Clone)]
struct Cached {
    /// `Bearer …`, marked sensitive.
    header: HeaderValue,
    /// When to replace it: `expiryDate` less the margin.
    refresh_at: DateTime<Utc>,
    /// Pesapal's `expiryDate`.
    expires_at: DateTime<Utc>,
}

/// Token cache and refresher. RequestToken is its own small call: one exchange, retried by the
/// shared rule.
pub(crate) struct Tokens {
    wire: Wire,
    credentials: Credentials,
    retry: RetryPolicy,
    margin: Duration,
    cached: RwLock<Option<Cached>>,
    refreshing: tokio::sync::Mutex<()>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens").field("consumer_key", &self.credentials.consumer_key()).finish_non_exhaustive()
    }
}

impl Tokens {
    pub fn new(wire: Wire, credentials: Credentials, retry: RetryPolicy, margin: Duration) -> Tokens {
        Tokens { wire, credentials, retry, margin, cached: RwLock::new(None), refreshing: tokio::sync::Mutex::new(()) }
    }

    fn fresh(&self) -> Option<HeaderValue> {
        let cached = self.cached.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.as_ref().filter(|c| Utc::now() < c.refresh_at).map(|c| c.header.clone())
    }

    /// The `Authorization` header, fetching a token when there is none or it is about to expire.
    pub async fn header(&self) -> Result<HeaderValue, Error> {
        match self.fresh() {
            Some(header) => Ok(header),
            // Boxed: the refresh holds a whole RequestToken exchange, which every call's future
            // would otherwise carry (and copy) for the rare call that refreshes.
            None => Box::pin(self.refresh()).await,
        }
    }

    async fn refresh(&self) -> Result<HeaderValue, Error> {
        // One refresh at a time; the others wait and then find the new token.
        let _refreshing = self.refreshing.lock().await;
        if let Some(header) = self.fresh() {
            return Ok(header);
        }
        let issued = with_retries(&self.retry, Operation::RequestToken, || async {
            let body =
                requests::token_body(&self.credentials.consumer_key, self.credentials.consumer_secret.expose_secret())?;
            let answer = self.wire.exchange(Operation::RequestToken, None, &Request::json(&body)?).await?;
            responses::issued_token(Operation::RequestToken, answer)
        })
        .instrument(span(Operation::RequestToken))
        .await?;
        let mut header =
            HeaderValue::try_from(format!("Bearer {}", issued.token.expose_secret())).map_err(|_| Error::Decode {
                operation: Operation::RequestToken,
                http_status: 200,
                reason: "the token is not a valid header value".into(),
                raw_body: "[token withheld]".into(),
            })?;
        header.set_sensitive(true);
        let now = Utc::now();
        let lifetime = (issued.expires_at - now).to_std().unwrap_or_default();
        let margin = self.margin.min(lifetime / 2);
        let refresh_at = issued.expires_at - chrono::Duration::from_std(margin).unwrap_or_default();
        tracing::debug!(expires_at = %issued.expires_at, %refresh_at, "new token");
        *self.cached.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some(Cached { header: header.clone(), refresh_at, expires_at: issued.expires_at });
        Ok(header)
    }

    /// When the current token expires, fetching one first when there is none or it is stale.
    pub async fn expires_at(&self) -> Result<DateTime<Utc>, Error> {
        self.header().await?;
        let cached = self.cached.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.as_ref().map(|c| c.expires_at).ok_or_else(|| Error::Decode {
            operation: Operation::RequestToken,
            http_status: 200,
            reason: "the token was invalidated while being read".into(),
            raw_body: "[token withheld]".into(),
        })
    }

    /// Forgets the token that Pesapal refused, unless it was already replaced.
    pub fn invalidate(&self, refused: &HeaderValue) {
        let mut cached = self.cached.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cached.as_ref().is_some_and(|c| c.header == *refused) {
            *cached = None;
        }
    }
}

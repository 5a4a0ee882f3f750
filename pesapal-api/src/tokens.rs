//! The bearer token ([`Tokens`]): fetched on first use with RequestToken, cached, replaced
//! ahead of `expiryDate`, shared by concurrent callers through one in-flight refresh, and
//! forgotten when Pesapal refuses it.

use crate::call::{Call, attempt};
use crate::config::Credentials;
use crate::error::Error;
use crate::http::Http;
use crate::operations::RequestToken;
use crate::retry::{RetryPolicy, with_retries};
use crate::sync;
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
    http: Http,
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
    /// Tokens for `credentials`, fetched through `http` with `retry`, replaced `margin` before
    /// they expire (at most half their lifetime before).
    pub(crate) fn new(http: Http, credentials: Credentials, retry: RetryPolicy, margin: Duration) -> Tokens {
        Tokens { http, credentials, retry, margin, cached: RwLock::new(None), refreshing: tokio::sync::Mutex::new(()) }
    }

    fn fresh(&self) -> Option<HeaderValue> {
        let cached = sync::read(&self.cached);
        cached.as_ref().filter(|c| Utc::now() < c.refresh_at).map(|c| c.header.clone())
    }

    /// The `Authorization` header, fetching a token when there is none or it is about to expire.
    pub(crate) async fn header(&self) -> Result<HeaderValue, Error> {
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
        let call = RequestToken {
            consumer_key: self.credentials.consumer_key(),
            consumer_secret: self.credentials.consumer_secret(),
        };
        let request = call.request()?;
        let issued = with_retries(&self.retry, RequestToken::OPERATION, || {
            attempt::<RequestToken<'_>>(&self.http, None, &request)
        })
        .instrument(RequestToken::OPERATION.span())
        .await?;
        let mut header = HeaderValue::try_from(format!("Bearer {}", issued.token.expose_secret())).map_err(|_| {
            Error::decode(
                RequestToken::OPERATION,
                200,
                "the token is not a valid header value",
                "[token withheld]".into(),
            )
        })?;
        header.set_sensitive(true);
        let now = Utc::now();
        let lifetime = (issued.expires_at - now).to_std().unwrap_or_default();
        let margin = self.margin.min(lifetime / 2);
        let refresh_at = issued.expires_at - chrono::Duration::from_std(margin).unwrap_or_default();
        tracing::debug!(expires_at = %issued.expires_at, %refresh_at, "new token");
        *sync::write(&self.cached) = Some(Cached { header: header.clone(), refresh_at, expires_at: issued.expires_at });
        Ok(header)
    }

    /// When the current token expires, fetching one first when there is none or it is stale.
    pub(crate) async fn expires_at(&self) -> Result<DateTime<Utc>, Error> {
        self.header().await?;
        let cached = sync::read(&self.cached);
        cached.as_ref().map(|c| c.expires_at).ok_or_else(|| {
            let reason = "the token was invalidated while being read";
            Error::decode(RequestToken::OPERATION, 200, reason, "[token withheld]".into())
        })
    }

    /// Forgets the token that Pesapal refused, unless it was already replaced.
    pub(crate) fn invalidate(&self, refused: &HeaderValue) {
        let mut cached = sync::write(&self.cached);
        if cached.as_ref().is_some_and(|c| c.header == *refused) {
            *cached = None;
        }
    }
}

//! The bearer token ([`Tokens`]): fetched on first use with RequestToken, cached, replaced
//! ahead of `expiryDate`, shared by concurrent callers through one in-flight refresh, and
//! forgotten when Pesapal refuses it. Each token has a generation (1, 2, … in the order they
//! were fetched), and the cache remembers the latest generation Pesapal accepted, so that a
//! refusal can tell a revoked token (tokens of that generation or later work) from a server
//! that refuses every token.

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
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tracing::Instrument;

/// A token as a call uses it: the header, and its generation.
#[derive(Clone)]
pub(crate) struct Token {
    /// `Bearer …`, marked sensitive.
    pub header: HeaderValue,
    /// 1 for the first token fetched, 2 for the next, …
    generation: u64,
}

#[derive(Clone)]
struct Cached {
    token: Token,
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
    /// Generations fetched so far.
    fetched: AtomicU64,
    /// The latest generation Pesapal accepted (0: none yet).
    accepted: AtomicU64,
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
        Tokens {
            http,
            credentials,
            retry,
            margin,
            cached: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            fetched: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
        }
    }

    fn fresh(&self) -> Option<Token> {
        let cached = sync::read(&self.cached);
        cached.as_ref().filter(|c| Utc::now() < c.refresh_at).map(|c| c.token.clone())
    }

    /// The token for the next call, fetching one when there is none or it is about to expire.
    pub(crate) async fn token(&self) -> Result<Token, Error> {
        match self.fresh() {
            Some(token) => Ok(token),
            // Boxed: the refresh holds a whole RequestToken exchange, which every call's future
            // would otherwise carry (and copy) for the rare call that refreshes.
            None => Box::pin(self.refresh()).await,
        }
    }

    async fn refresh(&self) -> Result<Token, Error> {
        // One refresh at a time; the others wait and then find the new token.
        let _refreshing = self.refreshing.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
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
        let token = Token { header, generation: self.fetched.fetch_add(1, Ordering::Relaxed) + 1 };
        tracing::debug!(expires_at = %issued.expires_at, %refresh_at, generation = token.generation, "new token");
        *sync::write(&self.cached) = Some(Cached { token: token.clone(), refresh_at, expires_at: issued.expires_at });
        Ok(token)
    }

    /// When the current token expires, fetching one first when there is none or it is stale.
    pub(crate) async fn expires_at(&self) -> Result<DateTime<Utc>, Error> {
        self.token().await?;
        let cached = sync::read(&self.cached);
        cached.as_ref().map(|c| c.expires_at).ok_or_else(|| {
            let reason = "the token was invalidated while being read";
            Error::decode(RequestToken::OPERATION, 200, reason, "[token withheld]".into())
        })
    }

    /// Pesapal accepted `token` (it answered the call with something else than a refusal of the
    /// token).
    pub(crate) fn accepted(&self, token: &Token) {
        self.accepted.fetch_max(token.generation, Ordering::Relaxed);
    }

    /// Forgets the token that Pesapal refused, unless it was already replaced.
    pub(crate) fn refused(&self, token: &Token) {
        let mut cached = sync::write(&self.cached);
        if cached.as_ref().is_some_and(|c| c.token.generation == token.generation) {
            *cached = None;
        }
    }

    /// True when Pesapal has accepted `token`'s generation or a later one: tokens work, and a
    /// refusal of `token` was a revocation. Otherwise Pesapal may be refusing every token.
    pub(crate) fn accepted_since(&self, token: &Token) -> bool {
        self.accepted.load(Ordering::Relaxed) >= token.generation
    }
}

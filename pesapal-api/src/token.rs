//! The bearer token: fetched on first use, cached, replaced ahead of `expiryDate`, shared by
//! concurrent callers through one in-flight refresh.

use crate::config::Credentials;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::transport::{self, Operation};
use chrono::{DateTime, Utc};
use pesapal_gen::{AuthFuture, Authenticator, types};
use reqwest::header::HeaderValue;
use secrecy::ExposeSecret;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

const REQUEST_TOKEN: Operation = Operation { name: "RequestToken", idempotent: true };

#[derive(Clone)]
struct Cached {
    /// `Bearer …`, marked sensitive.
    header: HeaderValue,
    /// When to replace it: `expiryDate` less the margin.
    refresh_at: DateTime<Utc>,
    /// Pesapal's `expiryDate`.
    expires_at: DateTime<Utc>,
}

/// Token cache and refresher; implements [`Authenticator`] for the generated client.
pub(crate) struct Tokens {
    api: pesapal_gen::Client,
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

/// The generated client used for RequestToken needs an authenticator it never calls.
#[derive(Debug)]
struct NoToken;

impl Authenticator for NoToken {
    fn authorization(&self) -> AuthFuture<'_> {
        Box::pin(async { Err("RequestToken takes no bearer token".to_owned()) })
    }
}

impl Tokens {
    pub fn new(
        base_url: &str,
        http: reqwest::Client,
        credentials: Credentials,
        retry: RetryPolicy,
        margin: Duration,
    ) -> Tokens {
        Tokens {
            api: pesapal_gen::Client::new_with_client(base_url, http, Arc::new(NoToken)),
            credentials,
            retry,
            margin,
            cached: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn fresh(&self) -> Option<HeaderValue> {
        let cached = self.cached.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.as_ref().filter(|c| Utc::now() < c.refresh_at).map(|c| c.header.clone())
    }

    /// The `Authorization` header, fetching a token when there is none or it is about to expire.
    pub async fn header(&self) -> Result<HeaderValue, Error> {
        if let Some(header) = self.fresh() {
            return Ok(header);
        }
        // One refresh at a time; the others wait and then find the new token.
        let _refreshing = self.refreshing.lock().await;
        if let Some(header) = self.fresh() {
            return Ok(header);
        }
        let issued = transport::execute(
            &self.retry,
            None,
            REQUEST_TOKEN,
            || {
                self.api
                    .request_token()
                    .body(types::RequestTokenBody {
                        consumer_key: self.credentials.consumer_key.clone(),
                        consumer_secret: self.credentials.consumer_secret.expose_secret().to_owned(),
                    })
                    .send()
            },
            |answer| answer.token(),
        )
        .await?;
        let mut header =
            HeaderValue::try_from(format!("Bearer {}", issued.token.expose_secret())).map_err(|_| Error::Decode {
                operation: REQUEST_TOKEN.name,
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
            operation: REQUEST_TOKEN.name,
            http_status: 200,
            reason: "the token was invalidated while being read".into(),
            raw_body: "[token withheld]".into(),
        })
    }

    /// Forgets the token that Pesapal refused, unless it was already replaced.
    pub fn invalidate(&self, refused: Option<&HeaderValue>) {
        let mut cached = self.cached.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cached.as_ref().is_some_and(|c| refused.is_none_or(|r| *r == c.header)) {
            *cached = None;
        }
    }
}

/// The generated client's hook asks here; [`Tokens::header`] has normally run just before.
#[derive(Debug, Clone)]
pub(crate) struct SharedTokens(pub Arc<Tokens>);

impl Authenticator for SharedTokens {
    fn authorization(&self) -> AuthFuture<'_> {
        Box::pin(async move { self.0.header().await.map_err(|e| e.to_string()) })
    }
}

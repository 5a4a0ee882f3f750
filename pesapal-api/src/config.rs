//! What can be configured: where the client connects ([`Environment`], a base URL), with which
//! [`Credentials`], and how ([`ClientBuilder`]: timeouts, retries, the token margin, the bound on
//! notification verifications). The settings are checked here; `client` builds the client from
//! them ([`ClientBuilder::build`]).

use crate::error::{Error, Result};
use crate::guard::{DEFAULT_MAX_CONCURRENT_VERIFICATIONS, DEFAULT_VERIFICATION_WAIT, Guard};
use crate::http::Http;
use crate::retry::RetryPolicy;
use crate::validation;
use secrecy::SecretString;
use std::fmt;
use std::time::Duration;

/// Pesapal's two environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Environment {
    /// `https://cybqa.pesapal.com/pesapalv3`: test credentials, no real money.
    #[default]
    Sandbox,
    /// `https://pay.pesapal.com/v3`: real payments; https only.
    Live,
}

impl Environment {
    /// Both environments.
    pub const ALL: [Environment; 2] = [Environment::Sandbox, Environment::Live];

    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://cybqa.pesapal.com/pesapalv3",
            Environment::Live => "https://pay.pesapal.com/v3",
        }
    }

    /// Reads `sandbox` or `live` (any case); the same as `name.parse()`.
    pub fn parse(name: &str) -> Result<Environment> {
        name.parse()
    }

    /// `sandbox` or `live`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Live => "live",
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = Error;

    /// `sandbox` (or `demo`) and `live` (or `production`), in any case.
    ///
    /// ```
    /// use pesapal_api::Environment;
    /// assert_eq!("Live".parse::<Environment>().unwrap(), Environment::Live);
    /// assert!("staging".parse::<Environment>().is_err());
    /// ```
    fn from_str(name: &str) -> Result<Environment> {
        match name.trim().to_ascii_lowercase().as_str() {
            "sandbox" | "demo" => Ok(Environment::Sandbox),
            "live" | "production" => Ok(Environment::Live),
            other => Err(Error::Config(format!("unknown Pesapal environment {other:?}: use sandbox or live"))),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Your merchant consumer key and secret. The secret never appears in [`Debug`](std::fmt::Debug) output, errors or
/// logs.
#[derive(Clone)]
pub struct Credentials {
    consumer_key: String,
    consumer_secret: SecretString,
}

impl Credentials {
    /// Credentials from the merchant dashboard (or Pesapal's demo keys for the sandbox).
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<String>) -> Credentials {
        Credentials { consumer_key: consumer_key.into(), consumer_secret: SecretString::from(consumer_secret.into()) }
    }

    /// The consumer key (not secret).
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// The consumer secret, for RequestToken's body.
    pub(crate) fn consumer_secret(&self) -> &SecretString {
        &self.consumer_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"[REDACTED]")
            .finish()
    }
}

/// Configures a [`Pesapal`](crate::Pesapal) client; see [`Pesapal::builder`](crate::Pesapal::builder).
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) environment: Environment,
    pub(crate) base_url: Option<String>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) retry: RetryPolicy,
    pub(crate) refresh_margin: Duration,
    pub(crate) max_concurrent_verifications: usize,
    pub(crate) verification_wait: Duration,
    /// With `test-util`: what answers in place of the network.
    #[cfg(feature = "test-util")]
    pub(crate) seam: Option<crate::http::Seam>,
}

/// Default time for one HTTP exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long before `expiryDate` a token is replaced, by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            environment: Environment::Sandbox,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("pesapal-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            max_concurrent_verifications: DEFAULT_MAX_CONCURRENT_VERIFICATIONS,
            verification_wait: DEFAULT_VERIFICATION_WAIT,
            #[cfg(feature = "test-util")]
            seam: None,
        }
    }
}

impl ClientBuilder {
    /// The merchant credentials (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sandbox (the default) or live.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Sends to another base URL (a proxy, a local simulator) instead of the environment's.
    /// Live traffic must stay on https; a sandbox override may use plain http (e.g. loopback).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Time allowed for one HTTP exchange (default 30 s). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect (default 10 s). Ignored with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `pesapal-rs/<version>`). Ignored with
    /// [`ClientBuilder::http_client`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses your own `reqwest::Client` (connection pool, proxy, TLS, timeouts are then yours).
    ///
    /// With the default `rustls-ring` feature, reqwest is built without a rustls crypto
    /// provider: install one before building your client, e.g. with
    /// [`install_tls_provider`](crate::install_tls_provider).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Retries of idempotent calls (default: 3 retries, 200 ms doubling up to 5 s, jittered).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How long before its `expiryDate` a token is replaced (default 60 s; at most half the
    /// token's lifetime is used).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// At most this many GetTransactionStatus calls made by [`Pesapal::verify_notification`](crate::Pesapal::verify_notification)
    /// (and so by the axum IPN endpoint) are in flight at once, across the client's clones
    /// (default [`DEFAULT_MAX_CONCURRENT_VERIFICATIONS`], 16; at least 1). Notifications are
    /// unsigned: this bounds what a flood of forged ones costs you and Pesapal. Concurrent
    /// verifications of the same tracking id share one call and count once.
    pub fn max_concurrent_verifications(mut self, max: usize) -> Self {
        self.max_concurrent_verifications = max;
        self
    }

    /// How long a verification beyond [`ClientBuilder::max_concurrent_verifications`] waits for
    /// a free slot, in arrival order, before it fails with
    /// [`VerificationError::Busy`](crate::VerificationError::Busy) without calling Pesapal (default
    /// [`DEFAULT_VERIFICATION_WAIT`], 10 s). The IPN endpoint then answers with the failure
    /// acknowledgement and Pesapal notifies again.
    pub fn verification_wait(mut self, wait: Duration) -> Self {
        self.verification_wait = wait;
        self
    }

    /// The credentials, required.
    pub(crate) fn checked_credentials(&self) -> Result<Credentials> {
        self.credentials.clone().ok_or_else(|| Error::Config("credentials are required".into()))
    }

    /// The guard of notification verifications, checked.
    pub(crate) fn guard(&self) -> Result<Guard> {
        let max = self.max_concurrent_verifications;
        if max == 0 || max > tokio::sync::Semaphore::MAX_PERMITS {
            return Err(Error::Config(format!(
                "max_concurrent_verifications must be between 1 and {}, not {max}",
                tokio::sync::Semaphore::MAX_PERMITS
            )));
        }
        Ok(Guard::new(max, self.verification_wait))
    }

    /// Where requests go: the base URL, checked, and the HTTP client.
    pub(crate) fn http(&self) -> Result<Http> {
        let http = Http::new(self.resolved_base_url()?, self.reqwest_client()?);
        #[cfg(feature = "test-util")]
        let http = http.answered_by(self.seam.clone());
        Ok(http)
    }

    /// The base URL to use, checked: an http(s) URL, https for live traffic.
    fn resolved_base_url(&self) -> Result<String> {
        let raw = self.base_url.as_deref().unwrap_or(self.environment.base_url());
        let url = validation::http_url(raw).map_err(|problem| Error::Config(format!("base URL {raw:?} {problem}")))?;
        if url.scheme() == "http" && self.environment == Environment::Live {
            return Err(Error::Config(format!("live traffic must use https, not {raw:?}")));
        }
        Ok(raw.trim_end_matches('/').to_owned())
    }

    fn reqwest_client(&self) -> Result<reqwest::Client> {
        if let Some(client) = &self.http {
            return Ok(client.clone());
        }
        #[cfg(feature = "rustls-ring")]
        crate::tls::install_tls_provider();
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }

    /// Reads `PESAPAL_CONSUMER_KEY`, `PESAPAL_CONSUMER_SECRET`, `PESAPAL_ENVIRONMENT` (`sandbox`
    /// or `live`, default sandbox) and `PESAPAL_BASE_URL` (optional). A missing key or secret is
    /// an [`Error::Config`] naming every variable that is not set.
    pub fn from_env() -> Result<ClientBuilder> {
        const KEY: &str = "PESAPAL_CONSUMER_KEY";
        const SECRET: &str = "PESAPAL_CONSUMER_SECRET";
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let (key, secret) = match (var(KEY), var(SECRET)) {
            (Some(key), Some(secret)) => (key, secret),
            (key, secret) => {
                let missing: Vec<&str> = [(KEY, key.is_none()), (SECRET, secret.is_none())]
                    .into_iter()
                    .filter_map(|(name, missing)| missing.then_some(name))
                    .collect();
                return Err(Error::Config(format!("missing configuration: {} not set", missing.join(" and "))));
            }
        };
        let mut builder = ClientBuilder::default().credentials(Credentials::new(key, secret));
        if let Some(environment) = var("PESAPAL_ENVIRONMENT") {
            builder = builder.environment(environment.parse()?);
        }
        if let Some(url) = var("PESAPAL_BASE_URL") {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_at_least_one() {
        let builder = ClientBuilder::default();
        assert!(matches!(builder.clone().max_concurrent_verifications(0).guard(), Err(Error::Config(_))));
        let one = builder.max_concurrent_verifications(1).guard().unwrap();
        assert_eq!((one.max_in_flight(), one.available_permits()), (1, 1));
    }
}

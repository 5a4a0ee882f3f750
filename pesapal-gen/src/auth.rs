//! The `Authorization` header of the generated [`Client`](crate::Client): what supplies it
//! ([`Authenticator`]) and how the client holds it ([`SharedAuthenticator`]).

use reqwest::header::HeaderValue;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future returned by [`Authenticator::authorization`].
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<HeaderValue, String>> + Send + 'a>>;

/// Supplies the `Authorization` header for operations that need a bearer token.
///
/// Return the full header value (`Bearer …`); mark it sensitive
/// ([`HeaderValue::set_sensitive`]) so that it never shows in `Debug` output. An `Err` stops the
/// request before it is sent and surfaces as [`Error::Custom`](crate::Error::Custom).
pub trait Authenticator: Debug + Send + Sync + 'static {
    /// The header value for the next request.
    fn authorization(&self) -> AuthFuture<'_>;

    /// Sends one request of the [`Client`](crate::Client) (its `Authorization` header already set). The
    /// default executes it with `client`; override it to observe or time the exchange (the
    /// benchmarks keep the raw answer this way).
    fn execute<'a>(&'a self, client: &'a reqwest::Client, request: reqwest::Request) -> ExecuteFuture<'a> {
        Box::pin(client.execute(request))
    }
}

/// The future returned by [`Authenticator::execute`].
pub type ExecuteFuture<'a> = Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// The authenticator shared by a [`Client`](crate::Client) and its clones.
pub type SharedAuthenticator = Arc<dyn Authenticator>;

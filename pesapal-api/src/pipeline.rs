//! The one call path ([`Pipeline::send`]): the request built once, then, retried by the shared
//! rule ([`with_retries`]): the bearer token ([`Tokens`]), one exchange and the decoding of its
//! answer ([`attempt`]), and one replay with a fresh token when Pesapal refuses the token.

use crate::call::{Call, attempt};
use crate::error::{Error, Result};
use crate::http::{Http, Request};
use crate::retry::{RetryPolicy, with_retries};
use crate::tokens::Tokens;
use tracing::Instrument;

/// What every call goes through: HTTP, the token, the retry policy.
#[derive(Debug)]
pub(crate) struct Pipeline {
    http: Http,
    tokens: Tokens,
    retry: RetryPolicy,
}

impl Pipeline {
    /// A pipeline sending through `http`, with `tokens`, retrying by `retry`.
    pub(crate) fn new(http: Http, tokens: Tokens, retry: RetryPolicy) -> Pipeline {
        Pipeline { http, tokens, retry }
    }

    /// The base URL requests go to.
    pub(crate) fn base_url(&self) -> &str {
        self.http.base_url()
    }

    /// The bearer token's cache.
    pub(crate) fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// Sends `call` with a bearer token and returns its decoded answer; a retry or a replay
    /// sends the same request again.
    pub(crate) async fn send<C: Call>(&self, call: &C) -> Result<C::Output> {
        let request = call.request()?;
        with_retries(&self.retry, C::OPERATION, || self.authorized::<C>(&request)).instrument(C::OPERATION.span()).await
    }

    /// One attempt with the current token, and one replay with a fresh token if Pesapal
    /// refuses it (a refused request was not processed).
    async fn authorized<C: Call>(&self, request: &Request) -> Result<C::Output> {
        let header = self.tokens.header().await?;
        match attempt::<C>(&self.http, Some(header.clone()), request).await {
            Err(error) if error.is_token_refused() => {
                tracing::info!("token refused; refreshing it and replaying the request once");
                self.tokens.invalidate(&header);
                let header = self.tokens.header().await?;
                match attempt::<C>(&self.http, Some(header), request).await {
                    // Refused twice: the credentials, not the token, are the problem.
                    Err(Error::Rejected { rejection, .. }) if rejection.refuses_token() => {
                        Err(Error::Authentication(rejection))
                    }
                    result => result,
                }
            }
            result => result,
        }
    }
}

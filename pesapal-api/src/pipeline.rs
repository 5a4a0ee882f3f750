//! The one call path ([`Pipeline::send`]): the request built once, then, retried by the shared
//! rule ([`with_retries`]): the bearer token ([`Tokens`]), one exchange and the decoding of its
//! answer ([`attempt`]), and a replay with a fresh token each time Pesapal refuses the token
//! ([`MAX_UNPROVEN_REPLAYS`] and [`MAX_REPLAYS`] bound them).

use crate::call::{Call, attempt};
use crate::error::{Error, Result};
use crate::http::{Http, Request};
use crate::retry::{RetryPolicy, with_retries};
use crate::tokens::Tokens;
use tracing::Instrument;

/// How many times one call is replayed while Pesapal accepts no token from the first one it
/// refused to this call on (neither that token's generation nor a later one): Pesapal may be
/// refusing every token.
///
/// A refused token means the request was not processed, so a replay is safe. A refusal of a
/// token Pesapal has accepted before (or a later one) is a revocation: tokens are revoked again
/// while replays are in flight (many concurrent calls share each fresh token), so those replays
/// are bounded only by [`MAX_REPLAYS`]. Bad credentials are a different matter: RequestToken
/// itself refuses them, and that is [`Error::Authentication`] at once.
pub(crate) const MAX_UNPROVEN_REPLAYS: u32 = 2;

/// A safety net: at most this many replays of one call, whatever the refusals.
pub(crate) const MAX_REPLAYS: u32 = 32;

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

    /// One attempt with the current token, replayed with a fresh token when Pesapal refuses
    /// the token (a refused request was not processed), within the bounds above; after them, the
    /// refusal is returned as it is ([`Error::Rejected`]).
    async fn authorized<C: Call>(&self, request: &Request) -> Result<C::Output> {
        let (mut replays, mut unproven, mut first_refused) = (0, 0, None);
        loop {
            let token = self.tokens.token().await?;
            let result = attempt::<C>(&self.http, Some(token.header.clone()), request).await;
            match result {
                Err(error) if error.is_token_refused() => {
                    self.tokens.refused(&token);
                    // Judged when deciding (acceptances of other calls may come in meanwhile).
                    let first = first_refused.get_or_insert(token).clone();
                    unproven = if self.tokens.accepted_since(&first) { 0 } else { unproven + 1 };
                    if unproven > MAX_UNPROVEN_REPLAYS || replays == MAX_REPLAYS {
                        return Err(error);
                    }
                    replays += 1;
                    tracing::info!(replays, "token refused; replaying the request with a fresh token");
                }
                result => {
                    // Any answer but a refusal of the token means Pesapal accepted it.
                    if !matches!(result, Err(Error::Transport { .. })) {
                        self.tokens.accepted(&token);
                    }
                    return result;
                }
            }
        }
    }
}

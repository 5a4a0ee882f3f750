//! One call to Pesapal: the bearer token (looked up once per attempt), one exchange through the
//! generated client, the decoding of its answer, one replay after a refused token, and retries
//! by the shared rule ([`crate::Error`]'s `is_retry_safe`).

use crate::error::Error;
use crate::operation::Operation;
use crate::retry::{RetryPolicy, with_retries};
use crate::token::Tokens;
use crate::wire::{self, Answer, ErrorBody, GenResult};
use reqwest::header::HeaderValue;
use std::future::Future;
use tracing::Instrument;

/// Sends `operation` with a bearer token and decodes its answer with `decode`.
///
/// `send` builds the generated request future; it is called again for a replay or a retry.
pub(crate) async fn execute<T, E, R, Fut>(
    retry: &RetryPolicy,
    tokens: &Tokens,
    operation: Operation,
    send: impl Fn() -> Fut,
    decode: impl Fn(Answer<T>) -> Result<R, Error>,
) -> Result<R, Error>
where
    E: ErrorBody,
    Fut: Future<Output = GenResult<T, E>>,
{
    with_retries(retry, operation, || async {
        let header = tokens.header().await?;
        match attempt(operation, header.clone(), &send, &decode).await {
            Err(error) if error.is_token_refused() => {
                tracing::info!("token refused; refreshing it and replaying the request once");
                tokens.invalidate(&header);
                let header = tokens.header().await?;
                match attempt(operation, header, &send, &decode).await {
                    // Refused twice: the credentials, not the token, are the problem.
                    Err(Error::Rejected { rejection, .. }) if rejection.refuses_token() => {
                        Err(Error::Authentication(rejection))
                    }
                    result => result,
                }
            }
            result => result,
        }
    })
    .instrument(operation.span())
    .await
}

async fn attempt<T, E, R, Fut>(
    operation: Operation,
    header: HeaderValue,
    send: &impl Fn() -> Fut,
    decode: &impl Fn(Answer<T>) -> Result<R, Error>,
) -> Result<R, Error>
where
    E: ErrorBody,
    Fut: Future<Output = GenResult<T, E>>,
{
    tracing::debug!("sending");
    decode(wire::exchange(operation, Some(header), send).await?)
}

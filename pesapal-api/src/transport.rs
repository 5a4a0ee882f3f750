//! One call to Pesapal: the bearer token (looked up once per attempt), one exchange (sent from
//! the generated endpoint, decoded by the generated type), the mapping of its answer, one replay
//! after a refused token, and retries by the shared rule ([`crate::Error`]'s `is_retry_safe`).

use crate::error::Error;
use crate::retry::{RetryPolicy, with_retries};
use crate::token::Tokens;
use crate::wire::{Answer, Operation, Request, Wire, span};
use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;
use tracing::Instrument;

/// Sends `request` to `operation` with a bearer token and maps its answer with `decode`; a
/// replay or a retry sends the same request again.
pub(crate) async fn execute<T: DeserializeOwned, R>(
    wire: &Wire,
    retry: &RetryPolicy,
    tokens: &Tokens,
    operation: Operation,
    request: &Request<'_>,
    decode: impl Fn(Answer<T>) -> Result<R, Error>,
) -> Result<R, Error> {
    with_retries(retry, operation, || async {
        let header = tokens.header().await?;
        match attempt(wire, operation, header.clone(), request, &decode).await {
            Err(error) if error.is_token_refused() => {
                tracing::info!("token refused; refreshing it and replaying the request once");
                tokens.invalidate(&header);
                let header = tokens.header().await?;
                match attempt(wire, operation, header, request, &decode).await {
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
    .instrument(span(operation))
    .await
}

async fn attempt<T: DeserializeOwned, R>(
    wire: &Wire,
    operation: Operation,
    header: HeaderValue,
    request: &Request<'_>,
    decode: &impl Fn(Answer<T>) -> Result<R, Error>,
) -> Result<R, Error> {
    tracing::debug!("sending");
    decode(wire.exchange(operation, Some(header), request).await?)
}

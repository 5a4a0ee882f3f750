//! One call to Pesapal: send through the generated client, classify what happened by stage,
//! retry what is safe to retry, replay once after an expired token, decode leniently.

use crate::error::{Error, INVALID_API_CREDENTIALS, Rejection, Sent};
use crate::models::Answer;
use crate::retry::RetryPolicy;
use crate::token::Tokens;
use pesapal_gen::ResponseValue;
use serde::Serialize;
use serde_json::Value;
use std::future::Future;
use tracing::Instrument;

/// What kind of call this is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation {
    /// Pesapal's name for it.
    pub name: &'static str,
    /// Safe to send twice (reads and token requests).
    pub idempotent: bool,
}

/// The outcome of one attempt, before decoding.
enum Attempt {
    /// Pesapal answered; `body` is its JSON.
    Answered { http_status: u16, body: Value, raw: String },
    /// The attempt failed; `auth_rejected` marks an answer that means "token invalid".
    Failed { error: Error, auth_rejected: bool },
}

pub(crate) async fn execute<T, E, R, Send, Fut>(
    retry: &RetryPolicy,
    tokens: Option<&Tokens>,
    operation: Operation,
    send: Send,
    decode: impl Fn(&Answer<'_>) -> Result<R, Error>,
) -> Result<R, Error>
where
    T: Serialize,
    Send: Fn() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, pesapal_gen::Error<E>>>,
    E: Serialize,
{
    let span = tracing::info_span!("pesapal", operation = operation.name);
    async move {
        let mut retries = 0;
        let mut replayed = false;
        loop {
            let token = match tokens {
                // Boxed: fetching a token runs `execute` itself (for RequestToken, without tokens).
                Some(tokens) => Some(Box::pin(tokens.header()).await?),
                None => None,
            };
            tracing::debug!(retries, replayed, "sending");
            let (result, http_status) = pesapal_gen::with_http_status(send()).await;
            let (error, auth_rejected) = match attempt(operation, result, http_status).await {
                Attempt::Answered { http_status, body, raw } => {
                    let answer = Answer { operation: operation.name, http_status, body: &body, raw: &raw };
                    match decode(&answer) {
                        Err(Error::Rejected { rejection, .. })
                            if rejection.code.as_deref() == Some(INVALID_API_CREDENTIALS) && tokens.is_some() =>
                        {
                            (Error::Rejected { operation: operation.name, rejection }, true)
                        }
                        result => return result,
                    }
                }
                Attempt::Failed { error, auth_rejected } => (error, auth_rejected),
            };
            if auth_rejected {
                if let (Some(tokens), false) = (tokens, replayed) {
                    tracing::info!("token refused; refreshing it and replaying the request once");
                    tokens.invalidate(token.as_ref());
                    replayed = true;
                    continue;
                }
                return Err(match error {
                    Error::Rejected { rejection, .. } => Error::Authentication(rejection),
                    other => other,
                });
            }
            let may_retry = match &error {
                Error::Transport { sent: Sent::NotSent, .. } => true,
                Error::Transport { sent: Sent::MaybeSent, .. } => operation.idempotent,
                Error::Rejected { rejection, .. } => {
                    operation.idempotent && (rejection.http_status == 429 || rejection.http_status >= 500)
                }
                _ => false,
            };
            if !may_retry || retries >= retry.max_retries {
                return Err(error);
            }
            retries += 1;
            let delay = retry.delay(retries);
            tracing::warn!(retries, ?delay, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }
    .instrument(span)
    .await
}

fn transport(operation: Operation, sent: Sent, error: reqwest::Error) -> Error {
    Error::Transport { operation: operation.name, sent, message: error.to_string(), source: Some(error) }
}

/// Whether a reqwest error happened before the request could reach the server.
fn sent(error: &reqwest::Error) -> Sent {
    if error.is_connect() || error.is_builder() { Sent::NotSent } else { Sent::MaybeSent }
}

async fn attempt<T: Serialize, E: Serialize>(
    operation: Operation,
    result: Result<ResponseValue<T>, pesapal_gen::Error<E>>,
    http_status: Option<reqwest::StatusCode>,
) -> Attempt {
    use pesapal_gen::Error as Gen;
    let failed = |error| Attempt::Failed { error, auth_rejected: false };
    match result {
        Ok(response) => {
            let http_status = response.status().as_u16();
            match serde_json::to_value(response.into_inner()) {
                Ok(body) => {
                    let raw = body.to_string();
                    Attempt::Answered { http_status, body, raw }
                }
                Err(e) => failed(Error::Decode {
                    operation: operation.name,
                    http_status,
                    reason: e.to_string(),
                    raw_body: String::new(),
                }),
            }
        }
        // The bytes of an answer the generated types could not decode, with the status it came
        // with: a declared error status (a 401 with an empty body) is a rejection, a success is
        // decoded leniently.
        Err(Gen::InvalidResponsePayload(bytes, _)) => match http_status {
            Some(status) if !status.is_success() => rejected(operation, status.as_u16(), &bytes),
            status => answered(operation, status.map_or(200, |s| s.as_u16()), &bytes),
        },
        Err(Gen::UnexpectedResponse(response)) => {
            let http_status = response.status().as_u16();
            match response.bytes().await {
                Ok(bytes) => rejected(operation, http_status, &bytes),
                Err(e) => failed(transport(operation, Sent::MaybeSent, e)),
            }
        }
        Err(Gen::CommunicationError(e)) => {
            let sent = sent(&e);
            failed(transport(operation, sent, e))
        }
        Err(Gen::ResponseBodyError(e)) | Err(Gen::InvalidUpgrade(e)) => {
            failed(transport(operation, Sent::MaybeSent, e))
        }
        Err(Gen::InvalidRequest(message)) => {
            let mut errors = crate::error::ValidationErrors::default();
            errors.push("request", message);
            failed(Error::InvalidInput(errors))
        }
        Err(Gen::Custom(message)) => failed(Error::Transport {
            operation: operation.name,
            sent: Sent::NotSent,
            message: format!("no bearer token: {message}"),
            source: None,
        }),
        // A declared error answer (401, 4XX, 5XX): the error envelope of the spec.
        Err(Gen::ErrorResponse(response)) => {
            let http_status = response.status().as_u16();
            let body = serde_json::to_vec(&response.into_inner()).unwrap_or_default();
            rejected(operation, http_status, &body)
        }
    }
}

/// A 2xx answer whose body is JSON (or else undecodable).
fn answered(operation: Operation, http_status: u16, bytes: &[u8]) -> Attempt {
    let raw = String::from_utf8_lossy(bytes).into_owned();
    match serde_json::from_slice::<Value>(bytes) {
        Ok(body) => Attempt::Answered { http_status, body, raw },
        Err(e) => Attempt::Failed {
            error: Error::Decode {
                operation: operation.name,
                http_status,
                reason: format!("not JSON: {e}"),
                raw_body: raw,
            },
            auth_rejected: false,
        },
    }
}

/// A non-2xx answer: always a rejection, with whatever the body says.
fn rejected(operation: Operation, http_status: u16, bytes: &[u8]) -> Attempt {
    let raw = String::from_utf8_lossy(bytes).into_owned();
    let body = serde_json::from_slice::<Value>(bytes).unwrap_or(Value::Null);
    let answer = Answer { operation: operation.name, http_status, body: &body, raw: &raw };
    let rejection = answer.rejection().unwrap_or_else(|| Rejection {
        http_status,
        status: None,
        error_type: None,
        code: None,
        message: None,
        raw_body: raw.clone(),
    });
    let auth_rejected = http_status == 401 || rejection.code.as_deref() == Some(INVALID_API_CREDENTIALS);
    Attempt::Failed {
        error: Error::Rejected { operation: operation.name, rejection: Box::new(rejection) },
        auth_rejected,
    }
}

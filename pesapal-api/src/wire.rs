//! The boundary with [`pesapal_gen`], the client generated from the corrected spec: its types
//! are what goes over the wire, and [`exchange`] is one HTTP exchange through its client. No
//! other module of this crate names `pesapal_gen`.

use crate::error::{Error, Rejection, Sent, ValidationErrors};
use crate::operation::Operation;
use bytes::Bytes;
use reqwest::header::HeaderValue;
use std::future::Future;

pub(crate) use pesapal_gen::{Client, types};

/// The generated client on `base_url`. Every bearer header is given per exchange (looked up
/// once by the caller), so its authenticator is never asked.
pub(crate) fn client(base_url: &str, http: reqwest::Client) -> Client {
    Client::new_with_client(base_url, http, std::sync::Arc::new(HeaderPerExchange))
}

#[derive(Debug)]
struct HeaderPerExchange;

impl pesapal_gen::Authenticator for HeaderPerExchange {
    fn authorization(&self) -> pesapal_gen::AuthFuture<'_> {
        Box::pin(async { Err("no bearer header was given for this exchange".to_owned()) })
    }
}

/// What a generated `.send()` future resolves to.
pub(crate) type GenResult<T, E> = Result<pesapal_gen::ResponseValue<T>, pesapal_gen::Error<E>>;

/// A 2xx answer decoded by the generated types, with what arrived.
pub(crate) struct Answer<T> {
    /// The generated type, decoded once from `raw`.
    pub value: T,
    /// The HTTP status.
    pub http_status: u16,
    /// The body as received.
    pub raw: Bytes,
}

impl<T> Answer<T> {
    /// The rejection this answer carries, if its `status`/`error` say so (see
    /// [`crate::responses`]).
    pub fn rejection(
        &self,
        status: Option<&types::CallStatus>,
        error: Option<&types::PesapalError>,
        message: Option<&str>,
    ) -> Option<Rejection> {
        Rejection::from_answer(self.http_status, &self.raw, status, error.and_then(|e| e.0.as_ref()), message)
    }

    /// An error for an answer that decoded but makes no sense (a missing field, say).
    pub fn undecodable(&self, operation: Operation, reason: impl Into<String>) -> Error {
        Error::Decode {
            operation: operation.name,
            http_status: self.http_status,
            reason: reason.into(),
            raw_body: lossy(&self.raw),
        }
    }
}

/// The body as text, for errors.
pub(crate) fn lossy(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

/// The error bodies of the spec's operations: the error envelope, or nothing (RequestToken
/// declares no error response).
pub(crate) trait ErrorBody {
    /// The envelope, when the operation declares one.
    fn envelope(&self) -> Option<&types::PesapalErrorResponse>;
}

impl ErrorBody for () {
    fn envelope(&self) -> Option<&types::PesapalErrorResponse> {
        None
    }
}

impl ErrorBody for types::PesapalErrorResponse {
    fn envelope(&self) -> Option<&types::PesapalErrorResponse> {
        Some(self)
    }
}

/// Sends one request (`send` builds a generated `.send()` future) with the bearer header
/// `authorization` (looked up once by the caller) and classifies what happened by stage. Every
/// body is decoded once, by the generated types; the raw bytes and HTTP status are kept for
/// errors.
///
/// The generated future (about 2 KB: request, response and decode state) is boxed where it is
/// made, so that the futures of the layers around it (retries, token, tracing) stay small:
/// moved by value through each of them it was copied several times per call.
pub(crate) async fn exchange<T, E, Fut>(
    operation: Operation,
    authorization: Option<HeaderValue>,
    send: impl FnOnce() -> Fut,
) -> Result<Answer<T>, Error>
where
    E: ErrorBody,
    Fut: Future<Output = GenResult<T, E>>,
{
    use pesapal_gen::Error as Gen;
    let (result, raw) = pesapal_gen::exchange(authorization, Box::pin(send())).await;
    let (http_status, body) = match &raw {
        Some(raw) => (raw.status.as_u16(), raw.body.clone()),
        None => (0, Bytes::new()),
    };
    let transport = |sent, source| Error::Transport { operation: operation.name, sent, source };
    match result {
        Ok(response) => Ok(Answer { http_status: response.status().as_u16(), value: response.into_inner(), raw: body }),
        // A declared error answer (a 401): the envelope, decoded once by the generated type.
        Err(Gen::ErrorResponse(response)) => {
            let http_status = response.status().as_u16();
            Err(rejected(operation, envelope_rejection(http_status, &body, response.into_inner().envelope())))
        }
        // Bytes the generated types cannot read: at an error status (a 401 with an empty body,
        // say) that is a rejection; at a success status, an undecodable answer.
        Err(Gen::InvalidResponsePayload(bytes, error)) => {
            if (200..300).contains(&http_status) {
                Err(Error::Decode {
                    operation: operation.name,
                    http_status,
                    reason: error.to_string(),
                    raw_body: lossy(&bytes),
                })
            } else {
                Err(rejected(operation, Rejection::bare(http_status, &bytes)))
            }
        }
        // A status the spec does not declare (429, 5xx, …): whatever envelope the body holds.
        Err(Gen::UnexpectedResponse(_)) => {
            let envelope = serde_json::from_slice::<types::PesapalErrorResponse>(&body).ok();
            Err(rejected(operation, envelope_rejection(http_status, &body, envelope.as_ref())))
        }
        Err(Gen::CommunicationError(e)) => {
            let sent = if e.is_connect() || e.is_builder() { Sent::NotSent } else { Sent::MaybeSent };
            Err(transport(sent, Some(e.into())))
        }
        Err(Gen::ResponseBodyError(e) | Gen::InvalidUpgrade(e)) => Err(transport(Sent::MaybeSent, Some(e.into()))),
        Err(Gen::InvalidRequest(message)) => {
            let mut errors = ValidationErrors::default();
            errors.push("request", message);
            Err(Error::InvalidInput(errors))
        }
        // The authenticator is only asked when no header was given: a configuration error.
        Err(Gen::Custom(message)) => Err(Error::Config(format!("no bearer token for {}: {message}", operation.name))),
    }
}

/// The rejection an error answer reports through its envelope, or a bare one when it has none
/// or the envelope says nothing.
fn envelope_rejection(http_status: u16, raw: &[u8], envelope: Option<&types::PesapalErrorResponse>) -> Rejection {
    envelope
        .and_then(|e| {
            let error = e.error.as_ref().and_then(|error| error.0.as_ref());
            Rejection::from_answer(http_status, raw, e.status.as_ref(), error, e.message.as_deref())
        })
        .unwrap_or_else(|| Rejection::bare(http_status, raw))
}

fn rejected(operation: Operation, rejection: Rejection) -> Error {
    Error::Rejected { operation: operation.name, rejection: Box::new(rejection) }
}

//! The boundary with [`pesapal_gen`], generated from the corrected spec: its types are what
//! goes over the wire and its [`endpoints`] say how each operation is sent; [`Wire::exchange`]
//! is one HTTP exchange. No other module of this crate names `pesapal_gen`.
//!
//! Requests are sent with reqwest directly, from the generated endpoint table, rather than
//! through the generated client's `send()`: the answer's bytes are then at hand for errors
//! (`raw_body`) with no hook capturing and rebuilding the response, and each body is decoded
//! once, by the generated type, straight from them. Measured against a hand-written reqwest +
//! serde client, GetTransactionStatus costs 1.03–1.06× per call this way; through the generated
//! client's `send()`, with the raw answer kept through its hooks, it cost 1.11–1.18×
//! (docs/PERFORMANCE.md).

use crate::error::{Error, Rejection, Sent, ValidationErrors};
use crate::operation::Operation;
use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) use pesapal_gen::{Endpoint, endpoints, types};

/// Where requests go: the HTTP client and the base URL. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Wire {
    http: reqwest::Client,
    base_url: String,
}

/// What one request carries besides its endpoint: the values of the endpoint's query
/// parameters (in the order the endpoint names them) and the JSON body, serialised once (a
/// retry or replay sends the same bytes).
#[derive(Debug, Clone, Default)]
pub(crate) struct Request<'a> {
    query: &'a [&'a str],
    body: Option<Bytes>,
}

impl<'a> Request<'a> {
    /// A request with a JSON body (a generated body type).
    pub fn json(body: &impl Serialize) -> Result<Request<'a>, Error> {
        let body = serde_json::to_vec(body).map_err(|e| {
            let mut errors = ValidationErrors::default();
            errors.push("body", format!("cannot be written as JSON ({e})"));
            Error::InvalidInput(errors)
        })?;
        Ok(Request { query: &[], body: Some(body.into()) })
    }

    /// A request with the values of the endpoint's query parameters.
    pub fn query(values: &'a [&'a str]) -> Request<'a> {
        Request { query: values, body: None }
    }
}

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
            operation: operation.name(),
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

impl Wire {
    /// `base_url` as the builder resolved it (checked, without a trailing `/`).
    pub fn new(base_url: String, http: reqwest::Client) -> Wire {
        Wire { http, base_url }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `request` to `operation`'s endpoint with the bearer header `authorization` (looked
    /// up once by the caller; required by endpoints that need a token) and classifies what
    /// happened by stage. A declared success status is decoded once, by the generated type `T`,
    /// from the bytes received; a declared error status by the error envelope; the raw bytes
    /// and the HTTP status are kept for errors.
    pub async fn exchange<T: DeserializeOwned>(
        &self,
        operation: Operation,
        authorization: Option<HeaderValue>,
        request: &Request<'_>,
    ) -> Result<Answer<T>, Error> {
        let endpoint = operation.endpoint;
        let transport = |sent, source: reqwest::Error| Error::Transport {
            operation: operation.name(),
            sent,
            source: Some(source.into()),
        };
        let method = reqwest::Method::from_bytes(endpoint.method.as_bytes())
            .map_err(|_| Error::Config(format!("{}: unsupported method {}", operation.name(), endpoint.method)))?;
        if request.query.len() != endpoint.query.len() {
            return Err(Error::Config(format!(
                "{}: {} query values for the parameters {:?}",
                operation.name(),
                request.query.len(),
                endpoint.query
            )));
        }
        let mut builder = self
            .http
            .request(method, format!("{}{}", self.base_url, endpoint.path))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in endpoint.query.iter().zip(request.query) {
            builder = builder.query(&[(name, value)]);
        }
        if endpoint.bearer {
            let Some(mut value) = authorization else {
                return Err(Error::Config(format!("no bearer token for {}", operation.name())));
            };
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some(body) = &request.body {
            builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(body.clone());
        }
        let response = builder.send().await.map_err(|e| {
            let sent = if e.is_connect() || e.is_builder() { Sent::NotSent } else { Sent::MaybeSent };
            transport(sent, e)
        })?;
        let http_status = response.status().as_u16();
        let raw = response.bytes().await.map_err(|e| transport(Sent::MaybeSent, e))?;
        if endpoint.success.contains(&http_status) {
            return match serde_json::from_slice(&raw) {
                Ok(value) => Ok(Answer { value, http_status, raw }),
                Err(e) => Err(Error::Decode {
                    operation: operation.name(),
                    http_status,
                    reason: e.to_string(),
                    raw_body: lossy(&raw),
                }),
            };
        }
        // A declared error answer (a 401) or a status the spec does not declare (429, 5xx, …):
        // whatever the error envelope says, or a bare rejection (an empty 401, an HTML 502).
        let envelope = serde_json::from_slice::<types::PesapalErrorResponse>(&raw).ok();
        Err(rejected(operation, envelope_rejection(http_status, &raw, envelope.as_ref())))
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

/// The error of an answer that `rejection` describes.
pub(crate) fn rejected(operation: Operation, rejection: Rejection) -> Error {
    Error::Rejected { operation: operation.name(), rejection: Box::new(rejection) }
}

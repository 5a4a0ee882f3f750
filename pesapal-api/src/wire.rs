//! The boundary with [`pesapal_gen`], generated from the corrected spec: its types are what
//! goes over the wire and its [`Operation`]s' endpoints say how each operation is sent;
//! [`Wire::exchange`] is one HTTP exchange, and the error envelope of an answer is read here.
//! No other module of this crate names `pesapal_gen` but `error`, a leaf module that names the
//! operation enum and the error codes.
//!
//! Requests are sent with reqwest directly, from the generated endpoint table, rather than
//! through the generated client's `send()`: the answer's bytes are then at hand for errors
//! (`raw_body`) with no hook capturing and rebuilding the response, and each body is decoded
//! once, by the generated type, straight from them. docs/PERFORMANCE.md has the measurements
//! against a hand-written reqwest + serde client and against the generated client's `send()`.

use crate::error::{Error, Rejection, Sent, ValidationErrors};
use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) use pesapal_gen::{Operation, facts, notification_parameters, types};

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
        rejection_of(self.http_status, &self.raw, status, error.and_then(|e| e.0.as_ref()), message)
    }

    /// A rejection of this answer that its body does not describe (the caller fills in what it
    /// knows).
    pub fn bare_rejection(&self) -> Rejection {
        bare_rejection(self.http_status, &self.raw)
    }

    /// An error for an answer that decoded but makes no sense (a missing field, say).
    pub fn undecodable(&self, operation: Operation, reason: impl Into<String>) -> Error {
        Error::Decode { operation, http_status: self.http_status, reason: reason.into(), raw_body: lossy(&self.raw) }
    }
}

/// The rejection an answer carries: a `status` other than `"200"`, or an error object with a
/// non-empty field; `None` when it reports success. At an error HTTP status the answer is a
/// rejection whatever its body says.
fn rejection_of(
    http_status: u16,
    raw: &[u8],
    status: Option<&types::CallStatus>,
    error: Option<&types::PesapalErrorInner>,
    message: Option<&str>,
) -> Option<Rejection> {
    // Success is the common case: decided without allocating.
    let failed_status = status.is_some_and(|s| match s {
        types::CallStatus::String(s) => s.trim() != "200",
        types::CallStatus::Integer(n) => *n != 200,
    });
    let has_error = error.is_some_and(|e| {
        [&e.error_type, &e.type_, &e.code, &e.message].into_iter().any(|field| non_empty(field.as_ref()).is_some())
    });
    if !failed_status && !has_error && (200..300).contains(&http_status) {
        return None;
    }
    let owned = |value: Option<&String>| non_empty(value).map(str::to_owned);
    let status = status.map(ToString::to_string);
    let error_type = error.and_then(|e| owned(e.error_type.as_ref()).or_else(|| owned(e.type_.as_ref())));
    let code = error.and_then(|e| owned(e.code.as_ref()));
    let error_message = error.and_then(|e| owned(e.message.as_ref()));
    let message = error_message
        .or_else(|| {
            message
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .filter(|_| failed_status || !(200..300).contains(&http_status))
        })
        .or_else(|| code.clone());
    Some(Rejection { http_status, status, error_type, code, message, raw_body: lossy(raw) })
}
/// A rejection whose body says nothing usable (empty, not JSON, no error object).
fn bare_rejection(http_status: u16, raw: &[u8]) -> Rejection {
    Rejection { http_status, status: None, error_type: None, code: None, message: None, raw_body: lossy(raw) }
}

/// The field's text, trimmed, unless it is null or blank.
fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
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
        let endpoint = operation.endpoint();
        let transport =
            |sent, source: reqwest::Error| Error::Transport { operation, sent, source: Some(source.into()) };
        // The endpoint table is generated from the spec and checked by tests (pesapal-gen's
        // `tests/tables.rs`: every method is GET or POST; this crate's tests: every call sends
        // its endpoint's query parameters), not at run time.
        let method = if endpoint.method == "POST" { reqwest::Method::POST } else { reqwest::Method::GET };
        debug_assert_eq!(
            request.query.len(),
            endpoint.query.len(),
            "{operation}: query values for {:?}",
            endpoint.query
        );
        let mut builder = self
            .http
            .request(method, format!("{}{}", self.base_url, endpoint.path))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in endpoint.query.iter().zip(request.query) {
            builder = builder.query(&[(name, value)]);
        }
        debug_assert_eq!(endpoint.bearer, authorization.is_some(), "{operation}: bearer token");
        if let Some(mut value) = authorization.filter(|_| endpoint.bearer) {
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
                Err(e) => Err(Error::Decode { operation, http_status, reason: e.to_string(), raw_body: lossy(&raw) }),
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
            rejection_of(http_status, raw, e.status.as_ref(), error, e.message.as_deref())
        })
        .unwrap_or_else(|| bare_rejection(http_status, raw))
}

/// The error of an answer that `rejection` describes.
pub(crate) fn rejected(operation: Operation, rejection: Rejection) -> Error {
    Error::Rejected { operation, rejection: Box::new(rejection) }
}

/// The tracing span of one call: `pesapal{operation="…"}`.
pub(crate) fn span(operation: Operation) -> tracing::Span {
    tracing::info_span!("pesapal", operation = operation.operation_id())
}

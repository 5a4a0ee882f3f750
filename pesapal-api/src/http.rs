//! HTTP: one exchange with Pesapal ([`Http::exchange`]), sent with reqwest from the generated
//! endpoint table (`pesapal_gen::endpoints`, through [`Operation`]) and decoded once, by the
//! generated answer type, from the bytes received.
//!
//! Requests are sent with reqwest directly rather than through the generated client's `send()`:
//! the answer's bytes are then at hand for errors (`raw_body`) with no hook capturing and
//! rebuilding the response, and each body is decoded once, straight from them.
//! docs/PERFORMANCE.md has the measurements against a hand-written reqwest + serde client and
//! against the generated client's `send()`.

use crate::envelope;
use crate::error::{Error, Sent};
use crate::operation::Operation;
use crate::rejection::Rejection;
use bytes::Bytes;
use pesapal_gen::types;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Where requests go: the HTTP client and the base URL.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    base_url: String,
    /// With `test-util`: answers every exchange instead of the network.
    #[cfg(feature = "test-util")]
    seam: Option<Seam>,
}

/// An answer for every exchange, in place of the network (`test-util`): the HTTP status and
/// body of `operation`'s answer to a request with these query values.
#[cfg(feature = "test-util")]
#[derive(Clone)]
pub(crate) struct Seam(pub std::sync::Arc<SeamFn>);

/// What a [`Seam`] calls: the operation and the request's query values in, the HTTP status and
/// the body out.
#[cfg(feature = "test-util")]
pub(crate) type SeamFn = dyn Fn(Operation, &[String]) -> (u16, Bytes) + Send + Sync;

#[cfg(feature = "test-util")]
impl std::fmt::Debug for Seam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seam")
    }
}

/// What one request carries besides its endpoint: the values of the endpoint's query
/// parameters (in the order the endpoint names them) and the JSON body, serialised once (a
/// retry or a replay sends the same bytes).
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    query: Vec<String>,
    body: Option<Bytes>,
}

impl Request {
    /// A request with a JSON body (a generated body type).
    pub(crate) fn json(body: &impl Serialize) -> Result<Request, Error> {
        let body =
            serde_json::to_vec(body).map_err(|e| Error::invalid("body", format!("cannot be written as JSON ({e})")))?;
        Ok(Request { query: Vec::new(), body: Some(body.into()) })
    }

    /// A request with the values of the endpoint's query parameters.
    pub(crate) fn query(values: Vec<String>) -> Request {
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
    /// The rejection this answer carries in its envelope, if it reports one.
    pub(crate) fn rejection(
        &self,
        status: Option<&types::CallStatus>,
        error: Option<&types::PesapalError>,
        message: Option<&str>,
    ) -> Option<Rejection> {
        envelope::rejection(self.http_status, &self.raw, status, error, message)
    }

    /// A rejection of this answer that its envelope does not describe (the caller fills in
    /// what it knows).
    pub(crate) fn bare_rejection(&self) -> Rejection {
        Rejection::bare(self.http_status, envelope::lossy(&self.raw))
    }

    /// An error for an answer that decoded but makes no sense (a missing field, say).
    pub(crate) fn undecodable(&self, operation: Operation, reason: impl Into<String>) -> Error {
        Error::decode(operation, self.http_status, reason, envelope::lossy(&self.raw))
    }
}

impl Http {
    /// `base_url` as the configuration resolved it (checked, without a trailing `/`).
    pub(crate) fn new(base_url: String, client: reqwest::Client) -> Http {
        Http {
            client,
            base_url,
            #[cfg(feature = "test-util")]
            seam: None,
        }
    }

    /// The same, answered by `seam` instead of the network.
    #[cfg(feature = "test-util")]
    pub(crate) fn answered_by(self, seam: Option<Seam>) -> Http {
        Http { seam, ..self }
    }

    /// The base URL requests go to.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `request` to `operation`'s endpoint with the bearer header `authorization` (looked
    /// up once by the caller; required by endpoints that need a token) and classifies what
    /// happened by stage. A declared success status is decoded once, by the generated type `T`,
    /// from the bytes received; any other status is a rejection, read from the error envelope;
    /// the raw bytes and the HTTP status are kept for errors.
    pub(crate) async fn exchange<T: DeserializeOwned>(
        &self,
        operation: Operation,
        authorization: Option<HeaderValue>,
        request: &Request,
    ) -> Result<Answer<T>, Error> {
        let endpoint = operation.endpoint();
        #[cfg(feature = "test-util")]
        if let Some(seam) = &self.seam {
            let (http_status, raw) = (seam.0)(operation, &request.query);
            return classify(operation, http_status, raw);
        }
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
            .client
            .request(method, format!("{}{}", self.base_url, endpoint.path))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in endpoint.query.iter().zip(&request.query) {
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
            Error::transport(operation, sent, e)
        })?;
        let http_status = response.status().as_u16();
        let raw = response.bytes().await.map_err(|e| Error::transport(operation, Sent::MaybeSent, e))?;
        classify(operation, http_status, raw)
    }
}

/// `operation`'s answer by its HTTP status: a declared success status decoded once, by the
/// generated type `T`; any other status a rejection, read from the error envelope.
fn classify<T: DeserializeOwned>(operation: Operation, http_status: u16, raw: Bytes) -> Result<Answer<T>, Error> {
    if !operation.endpoint().success.contains(&http_status) {
        return Err(Error::rejected(operation, envelope::error_answer(http_status, &raw)));
    }
    match serde_json::from_slice(&raw) {
        Ok(value) => Ok(Answer { value, http_status, raw }),
        Err(e) => Err(Error::decode(operation, http_status, e.to_string(), envelope::lossy(&raw))),
    }
}

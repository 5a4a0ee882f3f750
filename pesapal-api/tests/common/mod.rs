//! What the tests share (`mod common;` in each test binary): a client pointed at a loopback mock, the token dance (a RequestToken
//! answer, mocked), the request scaffold (a mocked answer that records what arrived), mocked
//! answers (JSON, or a recording of the corpus served verbatim), canned GetTransactionStatus
//! answers, and the order fixture.

use httpmock::prelude::*;
use pesapal_api::{OrderRequestBuilder, Pesapal, RetryPolicy};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub const KEY: &str = "test-consumer-key";
pub const SECRET: &str = "test-consumer-SECRET-value";
pub const TOKEN: &str = "eyJ.sandbox.TOKEN";
pub const TRACKING_ID: &str = pesapal_test_support::TRACKING_ID;
pub const IPN_ID: &str = pesapal_test_support::IPN_ID;

pub fn fast_retries() -> RetryPolicy {
    pesapal_test_support::fast_retries(2)
}

pub fn client(server: &MockServer) -> Pesapal {
    pesapal_test_support::client(&server.base_url(), KEY, SECRET, 2)
}

/// A minimal valid order (see [`pesapal_test_support::order`]).
pub fn valid_order() -> OrderRequestBuilder {
    pesapal_test_support::order()
}

/// A RequestToken answer valid for `valid_for`, in the recorded shape (UTC, 7 fractional digits).
pub fn token_answer(token: &str, valid_for: chrono::Duration) -> Value {
    let at = chrono::Utc::now() + valid_for;
    let expiry = pesapal_gen::facts::TimestampShape::UtcSevenDigits.format(at);
    json!({"token": token, "expiryDate": expiry, "error": null, "status": "200", "message": "Request processed successfully"})
}

/// Mocks RequestToken with a one-hour token.
pub async fn mock_token(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Auth/RequestToken")
                .json_body(json!({"consumer_key": KEY, "consumer_secret": SECRET}));
            then.status(200).json_body(token_answer(TOKEN, chrono::Duration::hours(1)));
        })
        .await
}

/// A loopback Pesapal that hands out a one-hour token: the start of most tests.
pub async fn server_with_token() -> MockServer {
    let server = MockServer::start_async().await;
    mock_token(&server).await;
    server
}

/// Mocks `method path`, answering the JSON `body` with HTTP `status`.
pub async fn mock_json<'s>(
    server: &'s MockServer,
    method: httpmock::Method,
    path: &str,
    status: u16,
    body: Value,
) -> httpmock::Mock<'s> {
    server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.status(status).json_body(body);
        })
        .await
}

/// A recording of the corpus as text, by operation and file name
/// (`tests/corpus/<operation>/<file>`).
#[allow(unused_macros, reason = "not every test binary serves recordings")]
macro_rules! recording {
    ($operation:literal, $file:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/", $operation, "/", $file))
    };
}
#[allow(unused_imports, reason = "not every test binary serves recordings")]
pub(crate) use recording;

/// Mocks `method path`, answering `body` verbatim with HTTP 200, as Pesapal did (a
/// [`recording!`]).
pub async fn verbatim<'s>(
    server: &'s MockServer,
    method: httpmock::Method,
    path: &str,
    body: &'static str,
) -> httpmock::Mock<'s> {
    server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.status(200).header("content-type", "application/json").body(body);
        })
        .await
}

/// Matches every request: assert zero calls on it to prove that nothing was sent.
pub async fn mock_any_request(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await
}

/// Mocks `method path`, answering `body` with HTTP `status`; returns the recorder of what
/// arrived.
pub async fn answer(server: &MockServer, method: httpmock::Method, path: &str, status: u16, body: Value) -> Recorder {
    let recorder = Recorder::default();
    let matcher = recorder.matcher();
    server
        .mock_async(|when, then| {
            when.method(method).path(path).is_true(matcher);
            then.status(status).header("content-type", "application/json").json_body(body);
        })
        .await;
    recorder
}

/// Mocks GetTransactionStatus of [`TRACKING_ID`], answering `body` with HTTP 200.
pub async fn status_says(server: &MockServer, body: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Transactions/GetTransactionStatus").query_param("orderTrackingId", TRACKING_ID);
            then.status(200).json_body(body);
        })
        .await
}

/// GetTransactionStatus: a completed M-Pesa payment of KES 10.00 with the order's `reference`,
/// confirmation code `QX12ABC`.
pub fn completed(reference: &str) -> Value {
    json!({"payment_method": "MpesaKE", "amount": 10.00, "created_date": "2024-05-01T10:00:00.123",
           "confirmation_code": "QX12ABC", "payment_status_description": "Completed", "status_code": 1,
           "merchant_reference": reference, "currency": "KES", "error": null, "status": "200"})
}

/// GetTransactionStatus: no payment yet (`payment_details_not_found`, HTTP 200 with status 500).
pub fn pending() -> Value {
    json!({"payment_method": null, "amount": 0, "status_code": 0, "payment_status_description": "INVALID",
           "error": {"error_type": "api_error", "code": "payment_details_not_found", "message": "Pending Payment"},
           "status": "500"})
}

/// Requests seen by a mock, in order.
#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Seen>>>);

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Recorder {
    pub fn matcher(&self) -> impl Fn(&httpmock::HttpMockRequest) -> bool + Send + Sync + 'static {
        let seen = self.0.clone();
        move |request| {
            let body = serde_json::from_slice(request.body_ref()).unwrap_or(Value::Null);
            seen.lock().unwrap().push(Seen {
                method: request.method().to_string(),
                path: request.uri().path().to_owned(),
                query: request.uri().query().map(str::to_owned),
                headers: request
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
                    .collect(),
                body,
            });
            true
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }

    pub fn only(&self) -> Seen {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "exactly one request expected: {requests:?}");
        requests[0].clone()
    }
}

/// The error object of a successful answer, as the real API sends it.
pub fn null_error() -> Value {
    json!({"error_type": null, "code": null, "message": null, "call_back_url": null})
}

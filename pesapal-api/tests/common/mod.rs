//! Shared fixtures: a client pointed at a loopback mock, canned answers, a request recorder.
#![allow(dead_code, reason = "each test file uses a different subset")]

use httpmock::prelude::*;
use pesapal_api::{BillingAddress, OrderRequest, OrderRequestBuilder, Pesapal, RetryPolicy};
use rust_decimal::Decimal;
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

/// A RequestToken answer valid for an hour, in the recorded shape (UTC, 7 fractional digits).
pub fn token_answer(token: &str, valid_for: chrono::Duration) -> Value {
    let at = chrono::Utc::now() + valid_for;
    let expiry = pesapal_api::generated::facts::TimestampShape::UtcSevenDigits.format(at);
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

/// Matches every request: assert zero calls on it to prove that nothing was sent.
pub async fn mock_any_request(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await
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

/// A minimal valid order.
pub fn valid_order() -> OrderRequestBuilder {
    OrderRequest::builder()
        .merchant_reference("ORDER-1")
        .amount(Decimal::new(1000, 2))
        .currency("KES")
        .description("Coffee")
        .callback_url("https://shop.example.com/callback")
        .notification_id(IPN_ID.parse().unwrap())
        .billing_address(BillingAddress::builder().email_address("jane@example.com"))
}

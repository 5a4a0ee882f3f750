//! Every answer recorded from Pesapal's real sandbox (`tests/corpus/*/…-sandbox-…json`, copied
//! from `evidence/` with their provenance; see docs/WIRE.md), served as is: the client
//! decodes each one and classifies it as Pesapal meant it, a success or a rejection with its
//! code and message, whether or not the answer carries an `error` object.

use crate::common::*;
use httpmock::prelude::*;
use pesapal_api::{Error, IpnMethod, PaymentStatus, RefundRequest, Rejection};
use rust_decimal::Decimal;

/// Serves `body` verbatim (HTTP 200, as Pesapal did) for `path`, with a token.
async fn serve(server: &MockServer, method: httpmock::Method, path: &str, body: &'static str) {
    mock_token(server).await;
    verbatim(server, method, path, body).await;
}

/// The rejection of `error`, checked to keep the body as received.
fn rejection<'e>(error: &'e Error, body: &str) -> &'e Rejection {
    let Error::Rejected { rejection, .. } = error else { panic!("expected a rejection, got {error:?}") };
    assert_eq!(rejection.http_status(), 200);
    assert_eq!(rejection.status(), Some("500"));
    assert_eq!(rejection.raw_body(), body, "the body exactly as received");
    rejection
}

fn refund_request() -> RefundRequest {
    RefundRequest::builder()
        .confirmation_code("7626999206576973904606")
        .amount(Decimal::new(40, 2))
        .username("John Doe")
        .remarks("Service not offered")
        .build()
        .unwrap()
}

async fn refund(body: &'static str) -> Result<pesapal_api::RefundReceipt, Error> {
    let server = MockServer::start_async().await;
    serve(&server, POST, "/api/Transactions/RefundRequest", body).await;
    client(&server).refund(&refund_request()).await
}

async fn cancel(body: &'static str) -> Result<pesapal_api::CancellationReceipt, Error> {
    let server = MockServer::start_async().await;
    serve(&server, POST, "/api/Transactions/CancelOrder", body).await;
    client(&server).cancel_order(TRACKING_ID.parse().unwrap()).await
}

async fn status(body: &'static str) -> Result<pesapal_api::TransactionStatus, Error> {
    let server = MockServer::start_async().await;
    serve(&server, GET, "/api/Transactions/GetTransactionStatus", body).await;
    client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await
}

#[tokio::test]
async fn refund_accepted_without_an_error_key() {
    let receipt = refund(recording!("RefundRequest", "200-sandbox-2025-11-09-refund-ok.json")).await.unwrap();
    assert_eq!(receipt.message.as_deref(), Some("Refund request successfully"));
}

#[tokio::test]
async fn refund_refused_with_only_status_and_message_invalid_amount() {
    let body = recording!("RefundRequest", "200-sandbox-2025-11-09-refund-invalid-amount.json");
    let error = refund(body).await.unwrap_err();
    let r = rejection(&error, body);
    assert_eq!((r.error_type(), r.code()), (None, None));
    assert_eq!(r.message(), Some("Invalid amount provided. Please check your transaction details"));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn refund_refused_as_a_duplicate() {
    let body = recording!("RefundRequest", "200-sandbox-2025-11-09-refund-duplicate.json");
    let error = refund(body).await.unwrap_err();
    let r = rejection(&error, body);
    assert_eq!(r.code(), None);
    assert_eq!(r.message(), Some("Refund request has been received already"));
}

#[tokio::test]
async fn refund_refused_with_the_error_object_and_no_message() {
    let body = recording!("RefundRequest", "200-sandbox-2025-11-09-refund-invalid-params.json");
    let error = refund(body).await.unwrap_err();
    let r = rejection(&error, body);
    assert_eq!(r.error_type(), Some("invalid_request_error"));
    assert_eq!(r.code(), Some("invalid_api_request_parameters"));
    assert_eq!(r.message(), Some("Invalid API request."));
}

#[tokio::test]
async fn cancel_accepted_without_an_error_key() {
    let receipt = cancel(recording!("CancelOrder", "200-sandbox-2025-11-09-cancel-ok.json")).await.unwrap();
    assert_eq!(receipt.message.as_deref(), Some("Order successfully cancelled."));
}

#[tokio::test]
async fn cancel_refused_with_only_status_and_message() {
    let body = recording!("CancelOrder", "200-sandbox-2025-11-09-cancel-refused.json");
    let error = cancel(body).await.unwrap_err();
    let r = rejection(&error, body);
    assert_eq!(r.code(), None);
    assert_eq!(r.message(), Some("Invalid order request. Transaction cannot be cancelled"));
}

#[tokio::test]
async fn register_ipn_refused_with_invalid_url() {
    let body = recording!("RegisterIPN", "200-sandbox-2025-11-09-registeripn-invalid-url.json");
    let server = MockServer::start_async().await;
    serve(&server, POST, "/api/URLSetup/RegisterIPN", body).await;
    let error = client(&server).register_ipn("https://example.com/ipn", IpnMethod::Get).await.unwrap_err();
    let r = rejection(&error, body);
    assert_eq!((r.error_type(), r.code()), (Some("api_error"), Some("invalid_url")));
    assert_eq!(r.message(), Some("The specified url provided is invalid"));
}

#[tokio::test]
async fn status_of_a_completed_card_payment() {
    let body = recording!("GetTransactionStatus", "200-sandbox-2025-11-09-status-card-completed.json");
    let status = status(body).await.unwrap();
    assert_eq!(status.payment_status, PaymentStatus::Completed);
    assert_eq!(status.payment_method.as_deref(), Some("MasterCard"));
    assert_eq!(status.confirmation_code.as_deref(), Some("7626999206576973904606"));
    assert_eq!(status.payment_account.as_deref(), Some("520000XXXXXX0007"));
    assert_eq!(status.amount, Some(Decimal::new(40, 2)));
    assert_eq!(status.currency.as_deref(), Some("USD"));
    assert_eq!(status.merchant_reference.as_deref(), Some("TX-testing5"));
    assert_eq!(status.order_tracking_id, Some("ac70fcfa-62ef-4d7b-96ee-db1c2d3719bd".parse().unwrap()));
}

#[tokio::test]
async fn status_of_a_pending_payment_is_a_pending_rejection() {
    let body = recording!("GetTransactionStatus", "200-sandbox-2025-11-09-status-pending.json");
    let error = status(body).await.unwrap_err();
    let r = rejection(&error, body);
    assert_eq!((r.error_type(), r.code()), (Some("api_error"), Some("payment_details_not_found")));
    assert_eq!(r.message(), Some("Pending Payment"));
    assert!(error.is_pending());
}

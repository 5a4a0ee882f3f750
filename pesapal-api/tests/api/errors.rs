//! Every documented error shape and every one recorded from the real API, retries of what is
//! safe to retry, and a payment request that is never sent twice.

use crate::common::*;
use httpmock::prelude::*;
use pesapal_api::{Credentials, Error, Operation, OrderRequest, Pesapal, Sent};
use rust_decimal::Decimal;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn order() -> OrderRequest {
    valid_order().build().unwrap()
}

async fn status_answer(server: &MockServer, status: u16, body: serde_json::Value) -> httpmock::Mock<'_> {
    mock_json(server, GET, "/api/Transactions/GetTransactionStatus", status, body).await
}

fn rejection(error: &Error) -> &pesapal_api::Rejection {
    match error {
        Error::Rejected { rejection, .. } => rejection,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn http_200_with_status_500_is_a_rejection() {
    let server = server_with_token().await;
    let body = json!({"payment_method": null, "amount": 0, "status_code": 0,
           "error": {"error_type": "api_error   ", "code": "payment_details_not_found",
                     "message": "Pending Payment", "call_back_url": "https://x"},
           "status": "500"});
    status_answer(&server, 200, body.clone()).await;
    let error = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap_err();
    let r = rejection(&error);
    assert_eq!(r.http_status(), 200);
    assert_eq!(r.status(), Some("500"));
    assert_eq!(r.error_type(), Some("api_error"));
    assert_eq!(r.code(), Some("payment_details_not_found"));
    assert_eq!(r.message(), Some("Pending Payment"));
    assert_eq!(r.raw_body(), body.to_string(), "the body exactly as the mock sent it");
    assert!(error.is_pending());
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "GetTransactionStatus: rejected by Pesapal: HTTP 200, status 500, api_error/payment_details_not_found: Pending Payment"
    );
}

#[tokio::test]
async fn numeric_status_500_and_null_message_fall_back_to_the_code() {
    let server = server_with_token().await;
    status_answer(&server, 200, json!({"error": {"error_type": "validation_error", "code": "invalid_tracking_id", "message": null}, "status": 500})).await;
    let error = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap_err();
    let r = rejection(&error);
    assert_eq!(r.status(), Some("500"));
    assert_eq!(r.message(), Some("invalid_tracking_id"));
}

#[tokio::test]
async fn the_documented_error_object_with_type_instead_of_error_type() {
    let server = server_with_token().await;
    status_answer(&server, 200, json!({"error": {"type": "error_type", "code": "response_code", "message": "Detailed error message goes here.."}})).await;
    let error = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap_err();
    let r = rejection(&error);
    assert_eq!((r.error_type(), r.code()), (Some("error_type"), Some("response_code")));
}

#[tokio::test]
async fn a_failed_submit_with_an_all_zero_tracking_id_is_a_rejection() {
    let server = server_with_token().await;
    let failed = json!({"order_tracking_id": "00000000-0000-0000-0000-000000000000",
        "merchant_reference": "ORDER-1", "redirect_url": null, "error": null, "status": "200"});
    mock_json(&server, POST, "/api/Transactions/SubmitOrderRequest", 200, failed).await;
    let error = client(&server).submit_order(&order()).await.unwrap_err();
    assert!(rejection(&error).message().unwrap().contains("all-zero"));
}

#[tokio::test]
async fn a_non_json_answer_is_undecodable_with_its_raw_body() {
    let server = server_with_token().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Transactions/GetTransactionStatus");
            then.status(200).header("content-type", "text/html").body("<html>Service Unavailable</html>");
        })
        .await;
    let error = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap_err();
    let Error::Decode { raw_body, http_status, .. } = &error else { panic!("{error:?}") };
    assert_eq!(*http_status, 200);
    assert_eq!(raw_body, "<html>Service Unavailable</html>");
}

#[tokio::test]
async fn a_json_answer_of_the_wrong_shape_is_undecodable() {
    let server = server_with_token().await;
    mock_json(&server, GET, "/api/URLSetup/GetIpnList", 200, json!({"unexpected": true})).await;
    let error = client(&server).list_ipns().await.unwrap_err();
    assert!(matches!(error, Error::Decode { ref raw_body, .. } if raw_body == r#"{"unexpected":true}"#), "{error:?}");
}

#[tokio::test]
async fn http_errors_keep_status_and_body() {
    let server = server_with_token().await;
    let refused = json!({"status": "500", "message": "Refund rejected: already refunded"});
    mock_json(&server, POST, "/api/Transactions/RefundRequest", 400, refused).await;
    let refund = pesapal_api::RefundRequest::builder()
        .confirmation_code("AA11")
        .amount(Decimal::ONE)
        .username("ops")
        .remarks("duplicate")
        .build()
        .unwrap();
    let error = client(&server).refund(&refund).await.unwrap_err();
    let r = rejection(&error);
    assert_eq!(r.http_status(), 400);
    assert_eq!(r.message(), Some("Refund rejected: already refunded"));
}

#[tokio::test]
async fn idempotent_calls_are_retried_on_5xx_and_429() {
    let server = server_with_token().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let status = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Transactions/GetTransactionStatus");
            then.respond_with(move |_| {
                let code = match seen.fetch_add(1, Ordering::SeqCst) {
                    0 => 503,
                    1 => 429,
                    _ => 200,
                };
                httpmock::HttpMockResponse::builder()
                    .status(code)
                    .header("content-type", "application/json")
                    .body(
                        json!({"status_code": 1, "payment_status_description": "Completed", "status": "200"})
                            .to_string(),
                    )
                    .build()
            });
        })
        .await;
    let result = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap();
    assert!(result.payment_status.is_paid());
    status.assert_calls_async(3).await;
}

#[tokio::test]
async fn retries_stop_at_the_policy_limit() {
    let server = server_with_token().await;
    let status = status_answer(&server, 502, json!({})).await;
    let error = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap_err();
    assert_eq!(rejection(&error).http_status(), 502);
    assert!(error.is_retryable());
    status.assert_calls_async(3).await; // 1 + max_retries (2)
}

#[tokio::test]
async fn payment_calls_are_not_retried_on_5xx() {
    let server = server_with_token().await;
    let submit = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Transactions/SubmitOrderRequest");
            then.status(503);
        })
        .await;
    let error = client(&server).submit_order(&order()).await.unwrap_err();
    assert_eq!(rejection(&error).http_status(), 503);
    submit.assert_calls_async(1).await;
}

#[tokio::test]
async fn connection_refused_means_not_sent() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let pesapal = Pesapal::builder()
        .credentials(Credentials::new(KEY, SECRET))
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let error = pesapal.submit_order(&order()).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { sent: Sent::NotSent, operation: Operation::RequestToken, .. }),
        "{error:?}"
    );
    assert!(!error.is_outcome_unknown());
}

/// A loopback server that answers RequestToken, reads each other request in full, and drops
/// the connection without answering the first `drops` of them; later ones get `later` (with
/// HTTP 200). Records the bodies of the requests other than RequestToken.
async fn dropping_server(drops: usize, later: serde_json::Value) -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (seen, later) = (seen.clone(), later.clone());
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                loop {
                    // Read one request: headers, then Content-Length bytes of body.
                    let head_end = loop {
                        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 4096];
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buffer[..head_end]).to_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    while buffer.len() < head_end + length {
                        let mut chunk = [0u8; 4096];
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let body: Vec<u8> = buffer.drain(..head_end + length).skip(head_end).collect();
                    let answer = if head.contains("requesttoken") {
                        token_answer(TOKEN, chrono::Duration::hours(1))
                    } else {
                        let arrived = {
                            let mut bodies = seen.lock().unwrap();
                            bodies.push(body);
                            bodies.len()
                        };
                        if arrived <= drops {
                            return; // drop the connection: no answer
                        }
                        later.clone()
                    }
                    .to_string();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    socket.write_all(response.as_bytes()).await.unwrap();
                }
            });
        }
    });
    (address, bodies)
}

fn dropping_client(address: String) -> Pesapal {
    Pesapal::builder()
        .credentials(Credentials::new(KEY, SECRET))
        .base_url(address)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_submit_whose_answer_is_lost_is_resent_once_with_the_same_reference_and_returns_the_order() {
    // Pesapal's answer to a repeated merchant reference: the order it has.
    let existing = json!({"order_tracking_id": TRACKING_ID, "merchant_reference": "ORDER-1",
                          "redirect_url": "https://pay.example/x", "error": null, "status": "200"});
    let (address, bodies) = dropping_server(1, existing).await;
    let submitted = dropping_client(address).submit_order(&order()).await.unwrap();
    assert_eq!(submitted.order_tracking_id.to_string(), TRACKING_ID);
    let bodies = bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2, "the first request and one resend");
    assert_eq!(bodies[0], bodies[1], "the same order, merchant reference and all");
}

#[tokio::test]
async fn a_dropped_connection_after_a_submit_and_its_resend_leaves_the_outcome_unknown() {
    let (address, bodies) = dropping_server(usize::MAX, json!({})).await;
    let error = dropping_client(address).submit_order(&order()).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { sent: Sent::MaybeSent, operation: Operation::SubmitOrderRequest, .. }),
        "{error:?}"
    );
    assert!(error.is_outcome_unknown());
    assert!(error.to_string().contains("outcome unknown"), "{error}");
    // The one retry rule: what the client did not retry, `is_retryable` does not promise either.
    assert!(!error.is_retryable(), "a payment whose outcome is unknown is not retryable");
    // Display says the stage; the cause is the source, not repeated.
    let source = std::error::Error::source(&error).expect("the transport error").to_string();
    assert!(!error.to_string().contains(&source), "{error} repeats {source}");
    // Give a wrongly retried request time to arrive before counting.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(bodies.lock().unwrap().len(), 2, "the SubmitOrderRequest and one resend, never more");
}

#[tokio::test]
async fn a_refused_resend_leaves_the_first_unknown_outcome() {
    let refused = json!({"order_tracking_id": "00000000-0000-0000-0000-000000000000", "merchant_reference": "ORDER-1",
                         "redirect_url": null, "error": null, "status": "500", "message": "Something went wrong"});
    let (address, bodies) = dropping_server(1, refused).await;
    let error = dropping_client(address).submit_order(&order()).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "the first request's outcome, not the resend's refusal: {error:?}");
    assert_eq!(bodies.lock().unwrap().len(), 2);
}

//! The axum IPN endpoint: GET and POST, JSON and form, verification, acknowledgements, 400 on
//! malformed input, 500 when verification or the handler fails, duplicates.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use httpmock::prelude::*;
use pesapal_api::VerifiedPayment;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const PATH: &str = "/pesapal/ipn";

/// A router whose handler records the dedupe keys it is given; `fail` makes it return an error.
fn router(server: &MockServer, fail: bool) -> (axum::Router, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keys = seen.clone();
    let app = pesapal_api::axum::ipn_router(client(server), PATH, move |payment: VerifiedPayment| {
        let keys = keys.clone();
        async move {
            keys.lock().unwrap().push(payment.dedupe_key);
            if fail { Err("database down") } else { Ok(()) }
        }
    });
    (app, seen)
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// The body as JSON (objects are unordered: acknowledgements are compared as values).
fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn query() -> String {
    format!("OrderTrackingId={TRACKING_ID}&OrderMerchantReference=ORDER-1&OrderNotificationType=IPNCHANGE")
}

fn ack(status: u16) -> serde_json::Value {
    serde_json::from_str(&format!(
        r#"{{"orderNotificationType":"IPNCHANGE","orderTrackingId":"{TRACKING_ID}","orderMerchantReference":"ORDER-1","status":{status}}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn get_post_json_and_form_are_verified_and_acknowledged_with_duplicates_detectable() {
    let server = server_with_token().await;
    status_says(&server, completed("ORDER-1")).await;
    let (app, seen) = router(&server, false);
    let get = Request::get(format!("{PATH}?{}", query())).body(Body::empty()).unwrap();
    let json_body = format!(
        r#"{{"OrderTrackingId":"{TRACKING_ID}","OrderMerchantReference":"ORDER-1","OrderNotificationType":"IPNCHANGE"}}"#
    );
    let post_json = Request::post(PATH).header("content-type", "application/json").body(Body::from(json_body)).unwrap();
    let post_form = Request::post(PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(query()))
        .unwrap();
    for request in [get, post_json, post_form] {
        let (status, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json(&body), ack(200));
    }
    let keys = seen.lock().unwrap().clone();
    assert_eq!(keys.len(), 3, "every delivery reaches the handler");
    assert!(keys.iter().all(|k| *k == keys[0]), "the same payment has the same dedupe key: {keys:?}");
}

#[tokio::test]
async fn a_forged_notification_is_acknowledged_with_500_and_never_reaches_the_handler() {
    let server = server_with_token().await;
    status_says(&server, pending()).await;
    let (app, seen) = router(&server, false);
    let (status, body) = send(&app, Request::get(format!("{PATH}?{}", query())).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json(&body), ack(500));
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_handler_failure_is_acknowledged_with_500_so_pesapal_retries() {
    let server = server_with_token().await;
    status_says(&server, completed("ORDER-1")).await;
    let (app, _) = router(&server, true);
    let (status, body) = send(&app, Request::get(format!("{PATH}?{}", query())).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json(&body), ack(500));
}

#[tokio::test]
async fn malformed_notifications_get_a_clear_400_and_no_status_call() {
    let server = MockServer::start_async().await;
    let any = mock_any_request(&server).await;
    let (app, _) = router(&server, false);
    let cases = [
        Request::get(PATH).body(Body::empty()).unwrap(),
        Request::get(format!("{PATH}?OrderTrackingId=not-a-guid&OrderMerchantReference=x"))
            .body(Body::empty())
            .unwrap(),
        Request::post(PATH).body(Body::from("{\"OrderTrackingId\": ")).unwrap(),
        Request::post(PATH).body(Body::from(vec![0xff, 0x00, 0xfe])).unwrap(),
    ];
    for request in cases {
        let (status, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.starts_with("malformed Pesapal notification: "), "{body}");
    }
    any.assert_calls_async(0).await;
}

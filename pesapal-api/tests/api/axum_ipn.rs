//! The axum IPN endpoint: GET and POST, JSON, form and an empty POST with the query,
//! confirmation against the order, acknowledgements, duplicates acted on once, 400 on malformed
//! input, 500 when confirmation or the handler fails (and the next delivery acts again).

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint, Verdict};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const PATH: &str = "/pesapal/ipn";

/// A router whose handler records the confirmations it is given; it fails the first `failures`
/// times.
fn router<T>(server: &httpmock::MockServer, failures: usize) -> (axum::Router<T>, Arc<Mutex<Vec<Confirmation>>>)
where
    T: Clone + Send + Sync + 'static,
{
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (handled, calls) = (seen.clone(), Arc::new(AtomicUsize::new(0)));
    let endpoint = PaymentEndpoint::new(
        client(server),
        // The order: ORDER-1, KES 10.00 (what `completed` answers).
        async |reference: String| {
            Ok::<_, std::io::Error>((reference == "ORDER-1").then(|| Expectation::new(reference, Decimal::TEN, "KES")))
        },
        // An async closure that captures state.
        async move |confirmation: Confirmation| {
            if calls.fetch_add(1, Ordering::SeqCst) < failures {
                return Err("database down");
            }
            handled.lock().unwrap().push(confirmation);
            Ok(())
        },
    );
    (pesapal_api::axum::ipn_router("/pesapal/ipn", endpoint), seen)
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

fn get() -> Request<Body> {
    Request::get(format!("{PATH}?{}", query())).body(Body::empty()).unwrap()
}

fn ack(status: u16) -> serde_json::Value {
    serde_json::from_str(&format!(
        r#"{{"orderNotificationType":"IPNCHANGE","orderTrackingId":"{TRACKING_ID}","orderMerchantReference":"ORDER-1","status":{status}}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn get_post_json_form_and_empty_post_are_confirmed_acknowledged_and_acted_on_once() {
    let server = server_with_token().await;
    let status = status_says(&server, completed("ORDER-1")).await;
    let (app, seen) = router(&server, 0);
    let json_body = format!(
        r#"{{"OrderTrackingId":"{TRACKING_ID}","OrderMerchantReference":"ORDER-1","OrderNotificationType":"IPNCHANGE"}}"#
    );
    let post_json = Request::post(PATH).header("content-type", "application/json").body(Body::from(json_body)).unwrap();
    let post_form = Request::post(PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(query()))
        .unwrap();
    let empty_post = Request::post(format!("{PATH}?{}", query())).body(Body::empty()).unwrap();
    for request in [get(), post_json, post_form, empty_post] {
        let (status, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json(&body), ack(200));
    }
    status.assert_calls_async(4).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "the same payment state is acted on once: {seen:?}");
    assert_eq!(seen[0].verdict, Verdict::PaidAsExpected);
    assert_eq!(seen[0].dedupe_key.as_str(), format!("{TRACKING_ID}:QX12ABC:1"));
}

#[tokio::test]
async fn a_forged_notification_is_acknowledged_with_500_and_never_reaches_the_handler() {
    let server = server_with_token().await;
    status_says(&server, pending()).await;
    let (app, seen) = router(&server, 0);
    let (status, body) = send(&app, get()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json(&body), ack(500));
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_order_is_acknowledged_with_500_without_asking_pesapal() {
    let server = server_with_token().await;
    let status = status_says(&server, completed("ORDER-1")).await;
    let (app, seen) = router(&server, 0);
    let other = Request::get(format!("{PATH}?OrderTrackingId={TRACKING_ID}&OrderMerchantReference=NOT-OURS"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, other).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    status.assert_calls_async(0).await;
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_handler_failure_is_acknowledged_with_500_and_the_next_delivery_acts_again() {
    let server = server_with_token().await;
    status_says(&server, completed("ORDER-1")).await;
    let (app, seen) = router(&server, 1);
    let (status, body) = send(&app, get()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json(&body), ack(500));
    // Pesapal notifies again: the released claim lets the handler act this time.
    assert_eq!(send(&app, get()).await.0, StatusCode::OK);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_notifications_get_a_clear_400_and_no_status_call() {
    let server = httpmock::MockServer::start_async().await;
    let any = mock_any_request(&server).await;
    let (app, _) = router(&server, 0);
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
    let (status, _) = send(&app, Request::put(format!("{PATH}?{}", query())).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_router_merges_into_an_application_with_state() {
    #[derive(Clone)]
    struct Shop {
        name: &'static str,
    }
    let server = server_with_token().await;
    status_says(&server, completed("ORDER-1")).await;
    let (ipn, _) = router(&server, 0);
    let app: axum::Router = axum::Router::new()
        .route(
            "/name",
            axum::routing::get(|axum::extract::State(shop): axum::extract::State<Shop>| async move { shop.name }),
        )
        .merge(ipn)
        .with_state(Shop { name: "coffee" });
    assert_eq!(send(&app, Request::get("/name").body(Body::empty()).unwrap()).await.1, "coffee");
    assert_eq!(send(&app, get()).await.0, StatusCode::OK);
}

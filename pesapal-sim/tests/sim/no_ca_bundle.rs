//! The binary starts where the system has no CA certificates (a `FROM scratch` container, a
//! minimal CI image): IPNs to `http://` URLs are delivered, and a call to an `https://` IPN URL
//! fails with an error that says why. `SSL_CERT_FILE` and `SSL_CERT_DIR` pointing nowhere take
//! the certificates away, as an empty container does.

use crate::cli::Server;
use crate::common::http::Http;
use crate::common::serve;
use axum::extract::Query;
use axum::routing::get;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A merchant that acknowledges every IPN; its IPN URL.
async fn merchant() -> String {
    let app = axum::Router::new().route(
        "/ipn",
        get(|Query(query): Query<HashMap<String, String>>| async move {
            axum::Json(json!({
                "orderNotificationType": query.get("OrderNotificationType"),
                "orderTrackingId": query.get("OrderTrackingId"),
                "orderMerchantReference": query.get("OrderMerchantReference"),
                "status": 200,
            }))
        }),
    );
    format!("{}/ipn", serve(app).await)
}

/// RegisterIPN for `ipn_url`, an order notifying it, paid: the order's tracking id.
async fn paid_order(http: &Http, token: &str, ipn_url: &str) -> String {
    let ipn = json!({"url": ipn_url, "ipn_notification_type": "GET"});
    let (_, ipn) = http.post_json("/api/URLSetup/RegisterIPN", Some(token), &ipn).await;
    let order = json!({
        "id": format!("CA-{}", uuid::Uuid::new_v4().simple()),
        "currency": "KES",
        "amount": 10,
        "description": "no CA bundle",
        "callback_url": "http://127.0.0.1:9/callback",
        "notification_id": ipn["ipn_id"],
        "billing_address": {"email_address": "a@example.com"},
    });
    let (_, order) = http.post_json("/api/Transactions/SubmitOrderRequest", Some(token), &order).await;
    let id = order["order_tracking_id"].as_str().expect("a tracking id").to_owned();
    let (paid, _) = http.control(Method::POST, &format!("/_sim/orders/{id}/pay"), None).await;
    assert!(paid.is_success());
    id
}

#[tokio::test]
async fn without_ca_certificates_the_binary_starts_and_delivers_http_ipns() {
    let no_certificates =
        [("SSL_CERT_FILE", "/nonexistent/pesapal-sim-test/ca.pem"), ("SSL_CERT_DIR", "/nonexistent/pesapal-sim-test")];
    let args = ["--consumer-key", "k", "--consumer-secret", "s", "--ipn-attempts", "1"];
    let (_server, printed) = Server::start(&args, &no_certificates);
    let base = printed.get("PESAPAL_BASE_URL").expect("the binary starts and prints its base URL");

    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = Http::new(base);
    let token = http.token("k", "s").await;
    let http_ipn = merchant().await;
    let https_ipn = http_ipn.replacen("http://", "https://", 1);
    let delivered = paid_order(&http, &token, &http_ipn).await;
    let refused = paid_order(&http, &token, &https_ipn).await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let deliveries = loop {
        let (_, deliveries) = http.control(Method::GET, "/_sim/ipn/deliveries", None).await;
        let finished = deliveries.as_array().into_iter().flatten().filter(|d| d["finished"] == true).count();
        if finished >= 2 || Instant::now() > deadline {
            break deliveries;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let about = |id: &str| -> Value {
        deliveries.as_array().into_iter().flatten().find(|d| d["order_tracking_id"] == id).cloned().expect("a delivery")
    };
    assert_eq!(about(&delivered)["acknowledged"], true, "{deliveries:#}");
    let https = about(&refused);
    assert_eq!(https["acknowledged"], false, "{https:#}");
    let error = https["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("cannot verify https:// IPN URLs because it found no CA certificates"), "{error}");
}

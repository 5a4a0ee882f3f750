//! `ensure_ipn`: an active registration of the URL and method is reused; otherwise the URL is
//! registered, once.

use crate::common::*;
use httpmock::prelude::*;
use pesapal_api::IpnMethod;
use serde_json::{Value, json};

const URL: &str = "https://shop.example.com/pesapal/ipn";
const NEW_ID: &str = "0c6b9d1e-7f7a-4d0e-9a52-3f4e2b1c0d9e";

fn registration(url: &str, id: &str, method: &str, status: i64, created: &str) -> Value {
    json!({"url": url, "created_date": created, "ipn_id": id, "ipn_notification_type_description": method,
           "ipn_status": status, "error": null, "status": "200"})
}

/// A Pesapal whose GetIpnList answers `list` and whose RegisterIPN registers [`NEW_ID`].
async fn pesapal_listing(list: Value) -> (httpmock::MockServer, Recorder) {
    let server = server_with_token().await;
    answer(&server, GET, "/api/URLSetup/GetIpnList", 200, list).await;
    let registered = answer(
        &server,
        POST,
        "/api/URLSetup/RegisterIPN",
        200,
        registration(URL, NEW_ID, "GET", 1, "2025-11-09T10:00:00.0000000Z"),
    )
    .await;
    (server, registered)
}

#[tokio::test]
async fn an_active_registration_of_the_url_and_method_is_reused() {
    let (server, registered) = pesapal_listing(json!([
        registration(URL, IPN_ID, "GET", 1, "2024-07-01T10:00:00.0000000Z"),
        // The most recent of two matches is taken; the URL is compared as a URL.
        registration("HTTPS://Shop.example.com/pesapal/ipn", TRACKING_ID, "GET", 1, "2025-01-01T10:00:00.0000000Z"),
        registration(URL, NEW_ID, "POST", 1, "2025-06-01T10:00:00.0000000Z"),
    ]))
    .await;
    let ipn = client(&server).ensure_ipn(URL, IpnMethod::Get).await.unwrap();
    assert_eq!(ipn.ipn_id, TRACKING_ID);
    assert!(registered.requests().is_empty(), "nothing registered");
}

#[tokio::test]
async fn the_url_is_registered_when_no_active_registration_matches() {
    let (server, registered) = pesapal_listing(json!([
        registration(URL, IPN_ID, "POST", 1, "2024-07-01T10:00:00.0000000Z"),
        registration(URL, TRACKING_ID, "GET", 0, "2024-07-01T10:00:00.0000000Z"),
        registration("https://shop.example.com/other", NEW_ID, "GET", 1, "2024-07-01T10:00:00.0000000Z"),
        registration(URL, "c3bb813ba750-0983-4fa0-91bc-e32182ca", "GET", 1, "2024-07-01T10:00:00.0000000Z"),
    ]))
    .await;
    let ipn = client(&server).ensure_ipn(URL, IpnMethod::Get).await.unwrap();
    assert_eq!(ipn.ipn_id, NEW_ID);
    assert_eq!(registered.only().body, json!({"url": URL, "ipn_notification_type": "GET"}));
}

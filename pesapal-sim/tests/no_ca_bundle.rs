//! The binary starts where the system has no CA certificates (a `FROM scratch` container, a
//! minimal CI image): IPNs to `http://` URLs are delivered, and a call to an `https://` IPN URL
//! fails with an error that says why. `SSL_CERT_FILE` and `SSL_CERT_DIR` pointing nowhere take
//! the certificates away, as an empty container does.

use axum::extract::Query;
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ipn", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn post(client: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("an answer").json().await.expect("JSON")
}

/// RegisterIPN for `ipn_url`, an order notifying it, paid: the order's tracking id.
async fn paid_order(client: &reqwest::Client, base: &str, token: &str, ipn_url: &str) -> String {
    let ipn = json!({"url": ipn_url, "ipn_notification_type": "GET"});
    let ipn = post(client, format!("{base}/api/URLSetup/RegisterIPN"), Some(token), ipn).await;
    let order = json!({
        "id": format!("CA-{}", uuid::Uuid::new_v4().simple()),
        "currency": "KES",
        "amount": 10,
        "description": "no CA bundle",
        "callback_url": "http://127.0.0.1:9/callback",
        "notification_id": ipn["ipn_id"],
        "billing_address": {"email_address": "a@example.com"},
    });
    let order = post(client, format!("{base}/api/Transactions/SubmitOrderRequest"), Some(token), order).await;
    let id = order["order_tracking_id"].as_str().expect("a tracking id").to_owned();
    let paid = client.post(format!("{base}/_sim/orders/{id}/pay")).send().await.unwrap();
    assert!(paid.status().is_success());
    id
}

#[tokio::test]
async fn without_ca_certificates_the_binary_starts_and_delivers_http_ipns() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pesapal-sim"))
        .args(["--port", "0", "--consumer-key", "k", "--consumer-secret", "s", "--ipn-attempts", "1"])
        .env("SSL_CERT_FILE", "/nonexistent/pesapal-sim-test/ca.pem")
        .env("SSL_CERT_DIR", "/nonexistent/pesapal-sim-test")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("PESAPAL_BASE_URL=").map(str::to_owned))
        .expect("the binary starts and prints its base URL");

    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let credentials = json!({"consumer_key": "k", "consumer_secret": "s"});
    let token = post(&client, format!("{base}/api/Auth/RequestToken"), None, credentials).await;
    let token = token["token"].as_str().expect("a token");
    let http_ipn = merchant().await;
    let https_ipn = http_ipn.replacen("http://", "https://", 1);
    let delivered = paid_order(&client, &base, token, &http_ipn).await;
    let refused = paid_order(&client, &base, token, &https_ipn).await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let deliveries = loop {
        let deliveries: Vec<Value> =
            client.get(format!("{base}/_sim/ipn/deliveries")).send().await.unwrap().json().await.unwrap();
        if deliveries.iter().filter(|d| d["finished"] == true).count() >= 2 || Instant::now() > deadline {
            break deliveries;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let about = |id: &str| deliveries.iter().find(|d| d["order_tracking_id"] == id).cloned().expect("a delivery");
    assert_eq!(about(&delivered)["acknowledged"], true, "{deliveries:#?}");
    let https = about(&refused);
    assert_eq!(https["acknowledged"], false, "{https:#}");
    let error = https["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("cannot verify https:// IPN URLs because it found no CA certificates"), "{error}");
}

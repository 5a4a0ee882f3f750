//! Every URL the simulator hands out follows the address the client used (`Host`, and
//! `X-Forwarded-Host` / `X-Forwarded-Proto` behind a proxy), unless `SimConfig::public_url`
//! (`--public-url`) says otherwise: a browser sent to an order's `redirect_url` from a container
//! published on `localhost:8080` must reach it.

use pesapal_sim::{SimConfig, Simulator};
use serde_json::{Value, json};

/// Calls the simulator with these extra headers; the decoded JSON answer.
async fn call(
    sim: &Simulator,
    path: &str,
    headers: &[(&str, &str)],
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let client = reqwest::Client::new();
    let url = format!("http://{}{path}", sim.address());
    let mut request = match &body {
        Some(body) => client.post(&url).json(body),
        None => client.get(&url),
    };
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.expect("an answer");
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
    answer.json().await.expect("JSON")
}

/// An order's `redirect_url` when SubmitOrderRequest is sent with these headers.
async fn redirect_url(sim: &Simulator, headers: &[(&str, &str)]) -> String {
    let credentials = json!({"consumer_key": sim.consumer_key(), "consumer_secret": sim.consumer_secret()});
    let token = call(sim, "/api/Auth/RequestToken", headers, None, Some(credentials)).await;
    let token = token["token"].as_str().expect("a token").to_owned();
    let ipn = json!({"url": "http://127.0.0.1:9/ipn", "ipn_notification_type": "GET"});
    let ipn = call(sim, "/api/URLSetup/RegisterIPN", headers, Some(&token), Some(ipn)).await;
    let order = json!({
        "id": format!("URL-{}", uuid::Uuid::new_v4().simple()),
        "currency": "KES",
        "amount": 10,
        "description": "where is the page?",
        "callback_url": "http://127.0.0.1:9/callback",
        "notification_id": ipn["ipn_id"],
        "billing_address": {"email_address": "a@example.com"},
    });
    let order = call(sim, "/api/Transactions/SubmitOrderRequest", headers, Some(&token), Some(order)).await;
    order["redirect_url"].as_str().expect("a redirect_url").to_owned()
}

#[tokio::test]
async fn urls_follow_the_host_the_client_used() {
    let sim = Simulator::start().await.unwrap();
    let host = [("host", "localhost:8080")];

    let page = redirect_url(&sim, &host).await;
    assert!(page.starts_with("http://localhost:8080/pesapaliframe/PesapalIframe3/Index?"), "{page}");
    assert_eq!(call(&sim, "/_sim", &host, None, None).await["base_url"], "http://localhost:8080");
    let inspector = reqwest::Client::new()
        .get(format!("{}/_sim/", sim.base_url()))
        .header("host", "localhost:8080")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(inspector.contains(r#"<code id="base-url">http://localhost:8080</code>"#), "{inspector}");

    // Without another Host, the address it listens on (what reqwest sends).
    let page = redirect_url(&sim, &[]).await;
    assert!(page.starts_with(&format!("{}/pesapaliframe/", sim.base_url())), "{page}");
}

#[tokio::test]
async fn behind_a_proxy_urls_follow_the_forwarded_host_and_proto() {
    let sim = Simulator::start().await.unwrap();
    let proxied = [("x-forwarded-host", "pay.example.test"), ("x-forwarded-proto", "https")];
    let page = redirect_url(&sim, &proxied).await;
    assert!(page.starts_with("https://pay.example.test/pesapaliframe/PesapalIframe3/Index?"), "{page}");

    // A Host that is not a bare authority is not taken.
    let page = redirect_url(&sim, &[("x-forwarded-host", "evil.test/phish")]).await;
    assert!(page.starts_with(&format!("{}/", sim.base_url())), "{page}");
}

#[tokio::test]
async fn a_public_url_overrides_the_client_address() {
    let config = SimConfig { public_url: Some("https://sim.example.test/".into()), ..SimConfig::default() };
    let sim = Simulator::start_with(config).await.unwrap();
    let headers = [("host", "localhost:8080"), ("x-forwarded-host", "pay.example.test")];
    let page = redirect_url(&sim, &headers).await;
    assert!(page.starts_with("https://sim.example.test/pesapaliframe/PesapalIframe3/Index?"), "{page}");
    assert_eq!(call(&sim, "/_sim", &headers, None, None).await["base_url"], "https://sim.example.test");
    assert_eq!(sim.base_url(), "https://sim.example.test");
}

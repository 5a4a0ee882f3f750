//! Reproducible runs: with the same `SimConfig::seed`, the same calls give the same tracking
//! ids, IPN ids, confirmation codes and tokens (the GUID a token carries and its signing key;
//! its times follow the clock).

use crate::common::http::Http;
use pesapal_sim::{PaymentMethod, SimConfig, Simulator};
use serde_json::{Value, json};

/// Everything a run's answers draw at random: token, IPN id, tracking ids, confirmation codes.
async fn run(seed: Option<u64>) -> Vec<String> {
    let config =
        SimConfig { consumer_key: "key".into(), consumer_secret: "secret".into(), seed, ..SimConfig::default() };
    let sim = Simulator::start_with(config).await.expect("simulator starts");
    let http = Http::new(sim.base_url());
    let token = http.token("key", "secret").await;
    let ipn = json!({"url": "http://127.0.0.1:9/ipn", "ipn_notification_type": "GET"});
    let ipn = http.post_json("/api/URLSetup/RegisterIPN", Some(&token), &ipn).await.1["ipn_id"]
        .as_str()
        .expect("an ipn_id")
        .to_owned();
    // A token is a JWT whose times follow the clock (and whose issuer is the simulator's URL):
    // what the seed decides is the GUID it carries and the key that signs it.
    let mut drawn = vec![userdata(&token), ipn.clone()];
    for (n, method) in [PaymentMethod::Mpesa, PaymentMethod::Card].into_iter().enumerate() {
        let order = json!({
            "id": format!("SEED-{n}"), "currency": "KES", "amount": "10.00", "description": "seeded",
            "callback_url": "http://127.0.0.1:9/cb", "notification_id": ipn,
            "billing_address": {"email_address": "jane@example.com"}
        });
        let submitted = http.post_json("/api/Transactions/SubmitOrderRequest", Some(&token), &order).await.1;
        let id = submitted["order_tracking_id"].as_str().expect("a tracking id").to_owned();
        let paid = sim.pay(id.parse().unwrap(), method).expect("paid");
        drawn.push(id);
        drawn.push(paid.payment.expect("a payment").confirmation_code);
    }
    sim.shutdown().await;
    drawn
}

/// The `…/claims/userdata` GUID of a token.
fn userdata(token: &str) -> String {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).expect("a JWT");
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url claims"),
    )
    .expect("JSON claims");
    claims["http://schemas.microsoft.com/ws/2008/06/identity/claims/userdata"].as_str().expect("userdata").to_owned()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_ids() {
    let first = run(Some(42)).await;
    assert_eq!(first, run(Some(42)).await, "two runs with seed 42");
    assert_ne!(first, run(Some(43)).await, "another seed, other ids");
    assert_ne!(run(None).await, run(None).await, "unseeded runs are random");
}

//! Fixtures for the simulator's throughput: a running `pesapal-sim` with one paid order and an
//! SDK client pointed at it.

use pesapal_sim::{PaymentMethod, Simulator};
use uuid::Uuid;

/// A simulator holding one completed order, and a client with its token already cached.
pub async fn paid_order() -> (Simulator, pesapal_api::Pesapal, Uuid) {
    let sim = Simulator::start().await.expect("the simulator starts");
    let client = pesapal_api::Pesapal::builder()
        .credentials(pesapal_api::Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(sim.base_url())
        .http_client(reqwest::Client::new())
        .retry_policy(pesapal_api::RetryPolicy::none())
        .build()
        .expect("client builds");
    let ipn = client.register_ipn("http://127.0.0.1:9/ipn", pesapal_api::IpnMethod::Get).await.expect("RegisterIPN");
    let order = pesapal_api::OrderRequest::builder()
        .merchant_reference("BENCH-SIM-1")
        .amount(rust_decimal::Decimal::new(10000, 2))
        .currency("KES")
        .description("Benchmark order")
        .callback_url("http://127.0.0.1:9/callback")
        .notification_id(ipn.notification_id().expect("a GUID"))
        .billing_address(pesapal_api::BillingAddress::builder().email_address("jane@example.com"))
        .build()
        .expect("valid order");
    let id = client.submit_order(&order).await.expect("SubmitOrderRequest").order_tracking_id;
    sim.pay(id, PaymentMethod::Mpesa).expect("pays");
    client.transaction_status(id).await.expect("status");
    (sim, client, id)
}

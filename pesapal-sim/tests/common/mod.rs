//! A simulator, an SDK client pointed at it, and a merchant IPN endpoint built with
//! `pesapal_api::axum::ipn_router` that records what it verified.
#![allow(dead_code, reason = "each test file uses a different subset")]

use pesapal_api::{
    BillingAddress, Credentials, IpnMethod, OrderRequest, OrderRequestBuilder, Pesapal, RetryPolicy, VerifiedPayment,
};
use pesapal_sim::{Delivery, Simulator};
use rust_decimal::Decimal;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// Generous: only a bound on a hung test, never a measured time.
pub const WAIT: Duration = Duration::from_secs(20);

pub fn client(sim: &Simulator) -> Pesapal {
    Pesapal::builder()
        .credentials(Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(sim.base_url())
        .retry_policy(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        })
        .build()
        .expect("client builds")
}

pub struct Shop {
    pub sim: Simulator,
    pub pesapal: Pesapal,
    pub ipn_id: Uuid,
    pub ipn_url: String,
    /// Payments the IPN endpoint verified, in order.
    pub verified: Arc<Mutex<Vec<VerifiedPayment>>>,
}

/// A simulator and a merchant whose IPN endpoint is registered with `method`.
pub async fn shop(method: IpnMethod) -> Shop {
    let sim = Simulator::start().await.expect("simulator starts");
    let pesapal = client(&sim);
    let verified = Arc::new(Mutex::new(Vec::new()));
    let seen = verified.clone();
    let app = pesapal_api::axum::ipn_router(pesapal.clone(), "/pesapal/ipn", move |payment: VerifiedPayment| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(payment);
            Ok::<(), std::convert::Infallible>(())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ipn_url = format!("http://{}/pesapal/ipn", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let ipn = pesapal.register_ipn(&ipn_url, method).await.expect("RegisterIPN");
    let ipn_id = ipn.notification_id().expect("a GUID");
    Shop { sim, pesapal, ipn_id, ipn_url, verified }
}

impl Shop {
    pub fn order(&self, reference: &str) -> OrderRequestBuilder {
        OrderRequest::builder()
            .merchant_reference(reference)
            .amount(Decimal::new(250000, 2))
            .currency("KES")
            .description("2 bags of coffee")
            .callback_url("http://127.0.0.1:9/callback")
            .notification_id(self.ipn_id)
            .billing_address(
                BillingAddress::builder()
                    .email_address("jane@example.com")
                    .phone_number("0723000000")
                    .first_name("Jane")
                    .last_name("Doe"),
            )
    }

    /// Submits an order and returns its tracking id.
    pub async fn submit(&self, reference: &str) -> Uuid {
        let order = self.order(reference).build().expect("valid order");
        self.pesapal.submit_order(&order).await.expect("SubmitOrderRequest").order_tracking_id
    }

    /// Waits for `n` finished deliveries about `id`.
    pub async fn deliveries(&self, id: Uuid, n: usize) -> Vec<Delivery> {
        self.sim.wait_for_deliveries(n, WAIT, |d| d.order_tracking_id == id).await.expect("deliveries finish")
    }

    pub fn verified(&self) -> Vec<VerifiedPayment> {
        self.verified.lock().unwrap().clone()
    }
}

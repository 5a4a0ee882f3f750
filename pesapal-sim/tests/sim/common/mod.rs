//! What the simulator's tests share: a simulator whose every answer is checked against the spec,
//! an SDK client pointed at it, a merchant IPN endpoint built with `pesapal_api::axum::ipn_router`
//! that records what it confirmed and acted on (once per payment state), the order every test submits, raw HTTP as any client sends it
//! ([`http`]) and the recorded answers ([`evidence`]).
#![allow(dead_code, reason = "each test binary uses a different subset")]

pub mod http;

use pesapal_api::{
    BillingAddress, Confirmation, Expectation, IpnMethod, OrderRequest, OrderRequestBuilder, PaymentEndpoint, Pesapal,
};
use pesapal_sim::{Delivery, SimConfig, Simulator};
use pesapal_tests::conformance::AnswerChecker;
use rust_decimal::Decimal;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// Generous: only a bound on a hung test, never a measured time.
pub const WAIT: Duration = Duration::from_secs(20);

/// Checks every answer of a simulator's Pesapal API against the response its operation declares
/// for the answer's HTTP status (strictly: a field the spec does not declare fails). When
/// dropped at the end of a test, it prints how many answers it checked and fails the test if
/// any did not conform.
pub struct SpecCheck(Arc<Mutex<AnswerChecker>>);

impl SpecCheck {
    /// Installs the check as `config`'s answer observer.
    pub fn install(config: &mut SimConfig) -> SpecCheck {
        let checker = Arc::new(Mutex::new(AnswerChecker::for_committed_spec()));
        let seen = checker.clone();
        config.answer_observer = Some(Arc::new(move |answer: &pesapal_sim::ObservedAnswer| {
            let mut checker = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            checker.check(answer.operation.operation_id(), answer.http_status, &answer.body);
        }));
        SpecCheck(checker)
    }

    /// How many answers were checked so far.
    pub fn checked(&self) -> usize {
        self.0.lock().unwrap().checked()
    }
}

impl Drop for SpecCheck {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let checker = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        println!("spec conformance: {} simulator answers checked", checker.checked());
        let failures = checker.failures();
        assert!(failures.is_empty(), "{} simulator answer(s) break the spec:\n{}", failures.len(), failures.join("\n"));
    }
}

/// A simulator (default settings) whose answers are checked against the spec.
pub async fn checked_simulator() -> (Simulator, SpecCheck) {
    let mut config = SimConfig::default();
    let check = SpecCheck::install(&mut config);
    (Simulator::start_with(config).await.expect("simulator starts"), check)
}

pub fn client(sim: &Simulator) -> Pesapal {
    pesapal_test_support::client(sim.base_url(), sim.consumer_key(), sim.consumer_secret(), 3)
}

pub struct Shop {
    pub sim: Simulator,
    pub pesapal: Pesapal,
    pub ipn_id: Uuid,
    pub ipn_url: String,
    /// Payments the IPN endpoint confirmed and acted on (once per payment state), in order.
    pub verified: Arc<Mutex<Vec<Confirmation>>>,
    /// Checks the simulator's answers; last, so that it reports when the test is over.
    pub spec_check: SpecCheck,
}

/// A simulator and a merchant whose IPN endpoint is registered with `method`.
pub async fn shop(method: IpnMethod) -> Shop {
    let (sim, spec_check) = checked_simulator().await;
    let pesapal = client(&sim);
    let verified = Arc::new(Mutex::new(Vec::new()));
    let seen = verified.clone();
    let endpoint = PaymentEndpoint::new(pesapal.clone(), expectations, async move |confirmation: Confirmation| {
        seen.lock().unwrap().push(confirmation);
        Ok::<(), std::convert::Infallible>(())
    });
    let app = pesapal_api::axum::ipn_router("/pesapal/ipn", endpoint);
    let ipn_url = format!("{}/pesapal/ipn", serve(app).await);
    let ipn = pesapal.register_ipn(&ipn_url, method).await.expect("RegisterIPN");
    let ipn_id = ipn.notification_id().expect("a GUID");
    Shop { sim, pesapal, ipn_id, ipn_url, verified, spec_check }
}

/// The merchant's orders, for its IPN endpoint: every reference is an [`order`] (2500.00 KES).
pub async fn expectations(reference: String) -> Result<Option<Expectation>, std::convert::Infallible> {
    Ok(Some(Expectation::new(reference, Decimal::new(250000, 2), "KES")))
}

/// The order every test submits through the SDK: 2500.00 KES for two bags of coffee, notifying
/// `ipn_id`, billed to Jane Doe (email and phone).
pub fn order(reference: &str, ipn_id: Uuid) -> OrderRequestBuilder {
    OrderRequest::builder()
        .merchant_reference(reference)
        .amount(Decimal::new(250000, 2))
        .currency("KES")
        .description("2 bags of coffee")
        .callback_url("http://127.0.0.1:9/callback")
        .notification_id(ipn_id)
        .billing_address(
            BillingAddress::builder()
                .email_address("jane@example.com")
                .phone_number("0723000000")
                .first_name("Jane")
                .last_name("Doe"),
        )
}

/// Serves `app` on a free loopback port; returns its base URL.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A recorded answer of Pesapal's (`evidence/` at the repository's root, provenance in its
/// README).
pub fn evidence(name: &str) -> serde_json::Value {
    let path = format!("{}/../evidence/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

/// A body of the conformance corpus (`tests/corpus/` at the repository's root): the founders'
/// notes of what the API answered, and the documentation's samples.
pub fn corpus(name: &str) -> serde_json::Value {
    let path = format!("{}/../tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

impl Shop {
    /// The [`order`] fixture, notifying this shop's IPN endpoint.
    pub fn order(&self, reference: &str) -> OrderRequestBuilder {
        order(reference, self.ipn_id)
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

    pub fn verified(&self) -> Vec<Confirmation> {
        self.verified.lock().unwrap().clone()
    }
}

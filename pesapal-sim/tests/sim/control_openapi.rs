//! The control API's OpenAPI description (spec/pesapal-sim-control.openapi.json) stays true to
//! what the simulator answers: every described operation is called, in every state that changes
//! its answer's shape (orders of each kind, paid, failed, refunded, charged; deliveries
//! acknowledged and failed; controls and faults set; refusals), and each JSON answer is checked
//! against the schema described for its status with the strict checker of the Pesapal spec
//! (`pesapal_tests::conformance`: undeclared fields fail). The served copy is the committed
//! one, with this simulator as its server.

use crate::common::http::Http;
use crate::common::shop;
use pesapal_api::{Frequency, IpnMethod, RefundRequest, StkPushRequest, Subscription};
use pesapal_tests::conformance::Conformance;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

fn committed() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/pesapal-sim-control.openapi.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("the committed description")).expect("JSON")
}

/// Calls the control API and checks each answer against the description.
struct Checker {
    http: Http,
    conformance: Conformance,
    /// `(method, path template)` → operationId.
    operations: Vec<(String, String, String)>,
    called: BTreeSet<String>,
    failures: Vec<String>,
}

impl Checker {
    fn new(base: &str, description: &Value) -> Checker {
        let mut operations = Vec::new();
        for (path, item) in description["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                operations.push((
                    method.to_uppercase(),
                    path.clone(),
                    operation["operationId"].as_str().unwrap().into(),
                ));
            }
        }
        Checker {
            http: Http::new(base),
            conformance: Conformance::new(description),
            operations,
            called: BTreeSet::new(),
            failures: Vec::new(),
        }
    }

    /// The operation a concrete `path` answers to (`{id}` matches one segment).
    fn operation(&self, method: &str, path: &str) -> Option<String> {
        let segments: Vec<&str> = path.split('/').collect();
        self.operations.iter().find_map(|(m, template, id)| {
            let wanted: Vec<&str> = template.split('/').collect();
            let fits = m == method
                && wanted.len() == segments.len()
                && wanted.iter().zip(&segments).all(|(w, s)| w.starts_with('{') || w == s);
            fits.then(|| id.clone())
        })
    }

    async fn call(&mut self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let (status, body) = self.http.control(method.parse().unwrap(), path, body).await;
        let status = status.as_u16();
        match self.operation(method, path) {
            None => self.failures.push(format!("{method} {path}: answered {status} but is not described")),
            Some(id) => {
                for error in self.conformance.response_errors(&id, status, &body) {
                    self.failures.push(format!("{method} {path} ({id}, HTTP {status}): {error}"));
                }
                self.called.insert(id);
            }
        }
        (status, body)
    }
}

#[tokio::test]
async fn every_operation_is_described_and_every_answer_fits_its_description() {
    let shop = shop(IpnMethod::Get).await;
    let served: Value =
        reqwest::get(format!("{}/_sim/openapi.json", shop.sim.base_url())).await.unwrap().json().await.unwrap();
    let mut expected = committed();
    expected["servers"] = json!([{ "url": shop.sim.base_url(), "description": "This simulator." }]);
    assert_eq!(served, expected, "the served description is the committed one, with this simulator as its server");

    let mut check = Checker::new(shop.sim.base_url(), &committed());
    let spec_problems = Conformance::new(&committed()).example_errors();
    assert!(spec_problems.is_empty(), "{spec_problems:#?}");

    // Orders of every kind and state: paid by card and refunded; an STK prompt; a recurring
    // order, paid, then charged by a clock advance; one failed; one reversed.
    let paid = shop.submit("C-PAID").await;
    let failed = shop.submit("C-FAILED").await;
    let reversed = shop.submit("C-REVERSED").await;
    let stk = StkPushRequest::builder().order(shop.order("C-STK")).msisdn("254723000111").payment_method("MpesaKE");
    let stk = shop.pesapal.stk_push(&stk.build().unwrap()).await.unwrap().order_tracking_id;
    let today = shop.sim.now().date_naive();
    let subscription = Subscription::new(today, today + chrono::Duration::days(365), Frequency::Monthly);
    let recurring = shop.order("C-SUB").recurring("ACC-7", Some(subscription)).build().unwrap();
    let recurring = shop.pesapal.submit_order(&recurring).await.unwrap().order_tracking_id;

    check.call("GET", "/_sim", None).await;
    check.call("GET", "/_sim/openapi.json", None).await;
    let (status, order) =
        check.call("POST", &format!("/_sim/orders/{paid}/pay"), Some(json!({"card": "4111111111111111"}))).await;
    assert_eq!((status, order["status"].as_str()), (200, Some("completed")), "{order}");
    check.call("POST", &format!("/_sim/orders/{failed}/pay"), Some(json!({"card": "4000000000000002"}))).await;
    check.call("POST", &format!("/_sim/orders/{failed}/fail"), Some(json!({"method": "card"}))).await;
    check.call("POST", &format!("/_sim/orders/{reversed}/pay"), None).await;
    check.call("POST", &format!("/_sim/orders/{reversed}/reverse"), None).await;
    check.call("POST", &format!("/_sim/orders/{stk}/decline"), None).await;
    check.call("POST", &format!("/_sim/orders/{stk}/approve"), None).await;
    check.call("POST", &format!("/_sim/orders/{recurring}/pay"), Some(json!({"method": "card"}))).await;
    shop.deliveries(recurring, 1).await;
    let code = shop.sim.order(paid).unwrap().payment.unwrap().confirmation_code;
    let refund = RefundRequest::builder().confirmation_code(&code).amount(Decimal::ONE).username("ops").remarks("r");
    shop.pesapal.refund(&refund.build().unwrap()).await.unwrap();
    let (_, advanced) = check.call("POST", "/_sim/clock/advance", Some(json!({"seconds": 40 * 86_400}))).await;
    assert_eq!(advanced["charges"].as_array().map(Vec::len), Some(1), "a subscription charge: {advanced}");

    check.call("GET", "/_sim/orders", None).await;
    check.call("GET", &format!("/_sim/orders/{recurring}"), None).await;
    check.call("GET", "/_sim/clock", None).await;
    check.call("GET", "/_sim/refunds", None).await;
    check.call("PUT", &format!("/_sim/orders/{paid}/ipn"), Some(json!({"duplicates": 1}))).await;
    check.call("PUT", "/_sim/ipn/controls", Some(json!({"delay_ms": 1, "out_of_order": false}))).await;
    check.call("GET", "/_sim/ipn/controls", None).await;
    check.call("PUT", "/_sim/faults", Some(json!({"latency_ms": 0, "revoke_tokens_after": 100}))).await;
    check.call("GET", "/_sim/faults", None).await;
    // Deliveries: acknowledged ones, and one whose merchant never answers (failed attempts).
    let unreachable = shop.pesapal.register_ipn("http://127.0.0.1:9/ipn", IpnMethod::Get).await.unwrap();
    let lost = shop.order("C-LOST").notification_id(unreachable.notification_id().unwrap()).build().unwrap();
    let lost = shop.pesapal.submit_order(&lost).await.unwrap().order_tracking_id;
    check.call("POST", &format!("/_sim/orders/{lost}/pay"), None).await;
    shop.sim.wait_for_deliveries(1, Duration::from_secs(10), |d| d.order_tracking_id == lost).await.unwrap();
    shop.deliveries(paid, 1).await;
    let (_, deliveries) = check.call("GET", "/_sim/ipn/deliveries", None).await;
    assert!(deliveries.as_array().unwrap().iter().any(|d| d["acknowledged"] == false), "{deliveries:#}");

    // Refusals: unknown order, malformed id and body, a transition the state refuses.
    let unknown = "00000000-0000-0000-0000-0000000000aa";
    assert_eq!(check.call("GET", &format!("/_sim/orders/{unknown}"), None).await.0, 404);
    assert_eq!(check.call("POST", "/_sim/orders/not-a-guid/pay", None).await.0, 400);
    assert_eq!(check.call("POST", &format!("/_sim/orders/{paid}/fail"), None).await.0, 409);
    assert_eq!(check.call("PUT", "/_sim/faults", Some(json!({"fail_next": "x"}))).await.0, 400);
    assert_eq!(check.call("POST", "/_sim/clock/advance", Some(json!({"seconds": "x"}))).await.0, 400);
    assert_eq!(check.call("PUT", &format!("/_sim/orders/{unknown}/ipn"), Some(json!({}))).await.0, 404);
    check.call("POST", "/_sim/reset", None).await;

    assert!(check.failures.is_empty(), "{:#?}", check.failures);
    let described: BTreeSet<String> = check.operations.iter().map(|(_, _, id)| id.clone()).collect();
    assert_eq!(check.called, described, "every described operation is called by this test");
}

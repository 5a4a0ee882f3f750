//! The simulator answers as Pesapal was recorded answering (issue 24's table), a test per row:
//! byte-equal to the recording where one exists (key order aside, drawn values such as tracking
//! ids and dates put in), the documented Web API shape where only the message is recorded.
//! Recordings are in `evidence/` (provenance in its README), the founders' notes in
//! `tests/corpus/`.

use crate::common::http::Http;
use crate::common::{SpecCheck, checked_simulator, corpus, evidence};
use pesapal_gen::facts::parse_timestamp;
use pesapal_sim::{Instrument, Simulator, test_values};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

const STATUS: &str = "/api/Transactions/GetTransactionStatus?orderTrackingId=";
const SUBMIT: &str = "/api/Transactions/SubmitOrderRequest";

/// A checked simulator, raw HTTP to it, a token and a registered IPN.
struct Merchant {
    sim: Simulator,
    http: Http,
    token: String,
    ipn: String,
    _spec_check: SpecCheck,
}

impl Merchant {
    async fn new() -> Merchant {
        let (sim, _spec_check) = checked_simulator().await;
        let http = Http::new(sim.base_url());
        let token = http.token(sim.consumer_key(), sim.consumer_secret()).await;
        let ipn = register(&http, &token, "https://payment-helper.onrender.com/payments/ipn").await["ipn_id"]
            .as_str()
            .unwrap()
            .to_owned();
        Merchant { sim, http, token, ipn, _spec_check }
    }

    /// SubmitOrderRequest of `amount` `currency` with reference `id`, back to `callback_url`.
    async fn submit(&self, id: &str, amount: &str, currency: &str, callback_url: &str) -> Value {
        let body = json!({
            "id": id, "currency": currency, "amount": amount, "description": "recorded",
            "callback_url": callback_url, "notification_id": self.ipn,
            "billing_address": {"phone_number": "0712318241", "first_name": "Samuel", "last_name": "Nyamai"}
        });
        let (status, answer) = self.http.post_json(SUBMIT, Some(&self.token), &body).await;
        assert_eq!(status, StatusCode::OK);
        answer
    }

    async fn status(&self, id: &Value) -> Value {
        self.http.get_json(&format!("{STATUS}{}", id.as_str().unwrap()), &self.token).await
    }

    async fn refund(&self, code: &Value, amount: &str) -> Value {
        let body = json!({"confirmation_code": code, "amount": amount, "username": "ops", "remarks": "r"});
        self.http.post_json("/api/Transactions/RefundRequest", Some(&self.token), &body).await.1
    }
}

async fn register(http: &Http, token: &str, url: &str) -> Value {
    let body = json!({"url": url, "ipn_notification_type": "GET"});
    http.post_json("/api/URLSetup/RegisterIPN", Some(token), &body).await.1
}

/// `recorded` with the values the simulator drew (`keys`) taken from `answered`.
fn with_drawn(mut recorded: Value, answered: &Value, keys: &[&str]) -> Value {
    for key in keys {
        recorded[*key] = answered[*key].clone();
    }
    recorded
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn a_repeated_merchant_reference_returns_the_existing_order() {
    let merchant = Merchant::new().await;
    let callback = "https://payment-helper.onrender.com/payments/callback";
    let first = merchant.submit("TX-testing4", "1000.0", "TZS", callback).await;
    assert_eq!(first["status"], "200", "{first}");
    // Submitted again with another amount and currency: the same order, unchanged.
    let again = merchant.submit("TX-testing4", "2000.0", "KES", callback).await;
    assert_eq!(again, first, "the same tracking id, reference and payment page");
    assert_eq!(merchant.sim.orders().len(), 1);
    let status = merchant.status(&first["order_tracking_id"]).await;
    assert_eq!((status["amount"].as_f64(), &status["currency"]), (Some(1000.0), &json!("TZS")), "{status}");
    // The answer is the recorded one, drawn values aside.
    let recorded = evidence("sandbox-2024-03-18_submitorder.json");
    assert_eq!(again, with_drawn(recorded, &again, &["order_tracking_id", "merchant_reference", "redirect_url"]));
}

#[tokio::test]
async fn register_ipn_makes_a_new_id_every_call_and_the_list_grows() {
    let merchant = Merchant::new().await;
    let url = "https://payment-helper.onrender.com/payments/ipn";
    let again = register(&merchant.http, &merchant.token, url).await;
    let third = register(&merchant.http, &merchant.token, url).await;
    let ids = [merchant.ipn.as_str(), again["ipn_id"].as_str().unwrap(), third["ipn_id"].as_str().unwrap()];
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2], "a new ipn_id each time: {ids:?}");
    let recorded = evidence("sandbox-2024-03-18_registeripn.json");
    let drawn = ["id", "url", "created_date", "ipn_id"];
    assert_eq!(third, with_drawn(recorded, &third, &drawn), "as recorded, drawn values aside");
    assert_eq!(third["id"], 3, "Pesapal's number of the registration");

    let list = merchant.http.get_json("/api/URLSetup/GetIpnList", &merchant.token).await;
    let listed: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["ipn_id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids, "every registration, oldest first");
    let item = evidence("sandbox-log_ipnlist_item.json")[0].clone();
    assert_eq!(list[2], with_drawn(item, &list[2], &drawn[1..]), "the recorded item, drawn values aside");
}

#[tokio::test]
async fn the_status_call_back_url_is_the_callback_url_with_tracking_id_and_reference() {
    let merchant = Merchant::new().await;
    // The recorded pending status, byte for byte but for what the simulator draws.
    let callback = "https://payment-helper.onrender.com/payments/callback";
    let order = merchant.submit("TX-testing1", "1000.0", "TZS", callback).await;
    let pending = merchant.status(&order["order_tracking_id"]).await;
    let id = order["order_tracking_id"].as_str().unwrap();
    let expected = format!("{callback}?OrderTrackingId={id}&OrderMerchantReference=TX-testing1");
    assert_eq!(pending["call_back_url"], expected.as_str(), "{pending}");
    let mut recorded = evidence("sandbox-2025-11-09_status_pending.json");
    recorded["error"]["call_back_url"] = json!(expected);
    assert_eq!(pending, with_drawn(recorded, &pending, &["order_tracking_id", "created_date", "call_back_url"]));

    // A callback URL without a path, as Pesapal's own SDK recorded it: nothing added but the query.
    let order = merchant.submit("752E6A48", "1.0", "KES", "http://localhost:56522").await;
    let id = order["order_tracking_id"].as_str().unwrap();
    let status = merchant.status(&order["order_tracking_id"]).await;
    let recorded = evidence("pesapal-sdk_status_mpesa_completed.json")["call_back_url"].as_str().unwrap().to_owned();
    assert_eq!(status["call_back_url"], recorded.replace("e26a9c93-d016-4d97-947c-dd8e164757d3", id));

    // A callback URL with a query of its own keeps it first.
    let order = merchant.submit("Q-1", "1.0", "KES", "http://127.0.0.1:9/cb?session=7").await;
    let id = order["order_tracking_id"].as_str().unwrap();
    let status = merchant.status(&order["order_tracking_id"]).await;
    let expected = format!("http://127.0.0.1:9/cb?session=7&OrderTrackingId={id}&OrderMerchantReference=Q-1");
    assert_eq!(status["call_back_url"], expected.as_str());
}

#[tokio::test]
async fn an_unknown_notification_id_is_refused_as_quoted() {
    let merchant = Merchant::new().await;
    let body = json!({
        "id": "U-1", "currency": "KES", "amount": "1.00", "description": "d",
        "callback_url": "http://127.0.0.1:9/cb", "notification_id": Uuid::new_v4(),
        "billing_address": {"email_address": "a@b.c"}
    });
    let (status, answer) = merchant.http.post_json(SUBMIT, Some(&merchant.token), &body).await;
    assert_eq!((status, answer), (StatusCode::OK, evidence("quoted_submitorder_unknown_notification_id.json")));
    assert!(merchant.sim.orders().is_empty());
}

#[tokio::test]
async fn an_order_without_billing_address_is_refused_as_quoted() {
    let merchant = Merchant::new().await;
    let quoted = evidence("quoted_submitorder_missing_billing.json");
    let mut body = json!({
        "id": "B-1", "currency": "KES", "amount": "1.00", "description": "d",
        "callback_url": "http://127.0.0.1:9/cb", "notification_id": merchant.ipn,
    });
    assert_eq!(merchant.http.post_json(SUBMIT, Some(&merchant.token), &body).await.1, quoted, "absent");
    body["billing_address"] = Value::Null;
    assert_eq!(merchant.http.post_json(SUBMIT, Some(&merchant.token), &body).await.1, quoted, "null");
    body["billing_address"] = json!({"first_name": "Jane"});
    let noted = corpus("SubmitOrderRequest/200-failed-all-zero-tracking-id.json");
    assert_eq!(merchant.http.post_json(SUBMIT, Some(&merchant.token), &body).await.1, noted, "no email, no phone");
}

#[tokio::test]
async fn unserved_paths_and_methods_get_web_api_answers() {
    let merchant = Merchant::new().await;
    let path = "/api/URLSetup/GetRegisteredNotificationUrl";
    let response = merchant.http.client.get(merchant.http.url(path)).bearer_auth(&merchant.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/json; charset=utf-8");
    let uri = format!("{}{path}", merchant.sim.base_url());
    let message = format!("No HTTP resource was found that matches the request URI '{uri}'.");
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "Message": message }));
    // The URI is the one the client used, behind a proxy too.
    let response = merchant
        .http
        .client
        .get(merchant.http.url(path))
        .header("x-forwarded-host", "pay.example.com")
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let message = format!("No HTTP resource was found that matches the request URI 'https://pay.example.com{path}'.");
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "Message": message }));

    let register = merchant.http.url("/api/URLSetup/RegisterIPN");
    let response = merchant.http.client.get(&register).bearer_auth(&merchant.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["content-type"], "application/json; charset=utf-8");
    assert_eq!(response.headers()["allow"], "POST");
    let message = "The requested resource does not support http method 'GET'.";
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "Message": message }));
    let response = merchant.http.client.delete(merchant.http.url(STATUS)).send().await.unwrap();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["Message"], "The requested resource does not support http method 'DELETE'.");
}

#[tokio::test]
async fn a_failed_attempt_has_its_own_code_and_date_and_the_date_moves_with_each_attempt() {
    let merchant = Merchant::new().await;
    let order = merchant.submit("752E6A48", "1.0", "KES", "http://localhost:56522").await;
    let id: Uuid = order["order_tracking_id"].as_str().unwrap().parse().unwrap();
    let created = |status: &Value| parse_timestamp(status["created_date"].as_str().unwrap()).unwrap();

    // A minute later the customer declines the prompt on the phone of the order (0712318241).
    merchant.sim.advance_clock(Duration::from_secs(60));
    let (declined, _) = merchant.http.control(reqwest::Method::POST, &format!("/_sim/orders/{id}/decline"), None).await;
    assert_eq!(declined, StatusCode::OK);
    let failed = merchant.status(&order["order_tracking_id"]).await;
    let recorded = evidence("pesapal-sdk_status_mpesa_failed.json");
    for key in ["payment_method", "payment_status_description", "status_code", "status", "payment_account"] {
        assert_eq!(failed[key], recorded[key], "{key}: {failed}");
    }
    let code = failed["confirmation_code"].as_str().unwrap();
    assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()), "an 8-digit code of its own: {failed}");
    let failed_at = created(&failed);
    assert!((failed_at - merchant.sim.now()).num_seconds().abs() < 5, "the attempt's date: {failed}");

    // 198 s later (as recorded: 22:18:20 → 22:21:38) the customer pays.
    merchant.sim.advance_clock(Duration::from_secs(198));
    merchant.sim.approve_stk(id).unwrap();
    let completed = merchant.status(&order["order_tracking_id"]).await;
    let recorded = evidence("pesapal-sdk_status_mpesa_completed.json");
    for key in ["payment_method", "payment_status_description", "status_code", "status", "payment_account"] {
        assert_eq!(completed[key], recorded[key], "{key}: {completed}");
    }
    assert_ne!(completed["confirmation_code"], failed["confirmation_code"]);
    assert_eq!(completed["confirmation_code"].as_str().unwrap().len(), 10);
    let moved = created(&completed) - failed_at;
    assert!((197..=200).contains(&moved.num_seconds()), "created_date moved with the attempt: {moved}");
}

#[tokio::test]
async fn a_card_charged_in_dollars_reads_dollars_and_refunds_are_checked_against_them() {
    let merchant = Merchant::new().await;
    let callback = "https://payment-helper.onrender.com/payments/callback";
    let order = merchant.submit("TX-testing5", "1000.0", "TZS", callback).await;
    let id: Uuid = order["order_tracking_id"].as_str().unwrap().parse().unwrap();
    merchant.sim.pay_with(id, &Instrument::Card(test_values::CARD_CHARGED_IN_USD.into())).unwrap();
    let status = merchant.status(&order["order_tracking_id"]).await;
    // The recorded body, but for what is drawn and the test value's description.
    let drawn = ["order_tracking_id", "created_date", "confirmation_code", "call_back_url", "description"];
    assert_eq!(status, with_drawn(evidence("sandbox-2025-11-09_status_card_completed.json"), &status, &drawn));
    assert_eq!((status["amount"].as_f64(), &status["currency"]), (Some(0.4), &json!("USD")));

    let code = &status["confirmation_code"];
    let invalid_amount = evidence("sandbox-2025-11-09_refund_invalid_amount.json");
    assert_eq!(merchant.refund(code, "2000").await, invalid_amount, "as recorded");
    assert_eq!(merchant.refund(code, "1000").await, invalid_amount, "the order's amount is not what was charged");
    assert_eq!(merchant.refund(code, "0.40").await, evidence("sandbox-2025-11-09_refund_ok.json"));
    assert_eq!(keys(&status).len(), 17, "every recorded key");
}

//! Raw HTTP against the simulator: Pesapal's real-world shapes, error answers, the control API
//! and the hosted payment page, as any client (curl) sees them.

use crate::common::http::Http;
use crate::common::{SpecCheck, checked_simulator, corpus, evidence};
use pesapal_sim::Simulator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A simulator whose answers are checked against the spec, and raw HTTP to it.
struct Raw {
    sim: Simulator,
    http: Http,
    _spec_check: SpecCheck,
}

impl Raw {
    async fn new() -> Raw {
        // Starting the simulator installs the rustls crypto provider reqwest needs.
        let (sim, _spec_check) = checked_simulator().await;
        let http = Http::new(sim.base_url());
        Raw { sim, http, _spec_check }
    }

    fn url(&self, path: &str) -> String {
        self.http.url(path)
    }

    async fn token(&self) -> String {
        self.http.token(self.sim.consumer_key(), self.sim.consumer_secret()).await
    }

    async fn request_token(&self, consumer_secret: &str) -> Value {
        self.http.request_token(self.sim.consumer_key(), consumer_secret).await
    }

    async fn post(&self, path: &str, token: &str, body: &str) -> (StatusCode, Value) {
        self.http.post(path, Some(token), body).await
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, String) {
        self.http.get(path, token).await
    }

    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.http.control(method, path, body).await
    }

    async fn ipn(&self, token: &str) -> String {
        let body = json!({"url": "http://127.0.0.1:9/ipn", "ipn_notification_type": "GET"});
        let (_, ipn) = self.http.post_json("/api/URLSetup/RegisterIPN", Some(token), &body).await;
        ipn["ipn_id"].as_str().unwrap().to_owned()
    }

    async fn order(&self, token: &str, ipn: &str) -> String {
        let body = order_body("RAW-1", ipn, |body| body["callback_url"] = json!("http://127.0.0.1:9/cb?session=7"));
        let (_, order) = self.submit(token, &body).await;
        order["order_tracking_id"].as_str().unwrap().to_owned()
    }

    async fn submit(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        self.http.post_json("/api/Transactions/SubmitOrderRequest", Some(token), body).await
    }
}

/// A SubmitOrderRequest body: `id`, 100.00 KES, notifying `ipn`, billed to an email address;
/// `edit` changes what a test needs.
fn order_body(id: &str, ipn: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let mut body = json!({
        "id": id, "currency": "KES", "amount": "100.00", "description": "raw",
        "callback_url": "http://127.0.0.1:9/cb", "notification_id": ipn,
        "billing_address": {"email_address": "a@b.c"}
    });
    edit(&mut body);
    body
}

fn seven_digit_utc(text: &str) -> bool {
    regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$").unwrap().is_match(text)
}

#[tokio::test]
async fn token_shapes() {
    let raw = Raw::new().await;
    let good = raw.request_token(raw.sim.consumer_secret()).await;
    assert_eq!(good["status"], "200");
    assert_eq!(good["error"], Value::Null);
    assert!(seven_digit_utc(good["expiryDate"].as_str().unwrap()), "{good}");

    let bad = json!({"consumer_key": raw.sim.consumer_key(), "consumer_secret": "nope"});
    let (status, refused) = raw.http.post_json("/api/Auth/RequestToken", None, &bad).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refused["status"], "500");
    assert_eq!(refused["token"], Value::Null);
    assert_eq!(refused["error"]["code"], "invalid_consumer_key_or_secret_provided");

    let (_, refused) = raw.http.post("/api/Auth/RequestToken", None, "{not json").await;
    assert_eq!(refused["error"]["code"], "invalid_api_request_parameters");
}

#[tokio::test]
async fn a_bad_bearer_token_is_401_without_status() {
    let raw = Raw::new().await;
    for token in ["", "forged"] {
        let (status, body) = raw.get("/api/URLSetup/GetIpnList", token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let body: Value = serde_json::from_str(&body).unwrap();
        assert!(body.get("status").is_none(), "{body}");
        assert_eq!(body["error"]["code"], "invalid_api_credentials_provided");
    }
}

#[tokio::test]
async fn submit_errors_have_pesapal_shapes() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let base = json!({
        "id": "E-1", "currency": "KES", "amount": 10, "description": "d",
        "callback_url": "http://127.0.0.1:9/cb", "notification_id": ipn,
    });

    let (status, no_billing) = raw.submit(&token, &base).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(no_billing, evidence("quoted_submitorder_missing_billing.json"), "as quoted");

    // Neither email nor phone: the all-zero tracking id, null reference and redirect URL.
    let mut empty_billing = base.clone();
    empty_billing["billing_address"] = json!({"first_name": "J"});
    let (_, answer) = raw.submit(&token, &empty_billing).await;
    assert_eq!(answer, corpus("SubmitOrderRequest/200-failed-all-zero-tracking-id.json"), "as noted");

    let mut bad_amount = base.clone();
    bad_amount["billing_address"] = json!({"phone_number": "0723000000"});
    bad_amount["amount"] = json!("ten");
    let (_, answer) = raw.submit(&token, &bad_amount).await;
    assert_eq!(answer["error"]["code"], "invalid_api_request_parameters");

    let (_, answer) = raw.post("/api/Transactions/SubmitOrderRequest", &token, "[1,2").await;
    assert_eq!(answer["error"]["code"], "invalid_api_request_parameters");

    let (_, answer) = raw.post("/api/Transactions/CancelOrder", &token, r#"{"order_tracking_id":"x"}"#).await;
    assert_eq!(answer["status"], "500");
    assert_eq!(answer["error"]["code"], "invalid_api_request_parameters");

    let (_, answer) = raw.get("/api/Transactions/GetTransactionStatus?orderTrackingId=nope", &token).await;
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["error"]["code"], "invalid_api_request_parameters");
}

#[tokio::test]
async fn an_unknown_subscription_frequency_is_refused() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let order = |frequency: &str| {
        order_body("SUB-F", &ipn, |body| {
            body["account_number"] = json!("ACC-1");
            body["subscription_details"] =
                json!({"start_date": "01-01-2026", "end_date": "31-12-2026", "frequency": frequency});
        })
    };
    let (_, monthly) = raw.submit(&token, &order("MONTHLY")).await;
    assert_eq!(monthly["status"], "200", "{monthly}");
    let (_, hourly) = raw.submit(&token, &order("HOURLY")).await;
    assert_eq!(hourly["status"], "500", "never silently yearly: {hourly}");
    assert_eq!(hourly["error"]["code"], "invalid_api_request_parameters");
    assert_eq!(raw.sim.orders().len(), 1);
}

#[test]
fn the_answer_check_rejects_an_undeclared_field() {
    let mut checker = pesapal_tests::conformance::AnswerChecker::for_committed_spec();
    checker.check("CancelOrder", 200, r#"{"status":"200","message":"ok"}"#);
    assert!(checker.failures().is_empty(), "{:?}", checker.failures());
    checker.check("CancelOrder", 200, r#"{"status":"200","message":"ok","surprise":1}"#);
    checker.check("CancelOrder", 503, r#"{"status":"200"}"#);
    checker.check("CancelOrder", 200, "not json");
    assert_eq!((checker.checked(), checker.failures().len()), (4, 3), "{:?}", checker.failures());
}

#[tokio::test]
async fn status_shapes_pending_then_completed() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let id = raw.order(&token, &ipn).await;
    let path = format!("/api/Transactions/GetTransactionStatus?orderTrackingId={id}");

    let (status, pending) = raw.get(&path, &token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pending.contains(r#""amount":100.00"#), "amounts are numbers with their scale: {pending}");
    let pending: Value = serde_json::from_str(&pending).unwrap();
    assert_eq!(pending["status"], "500");
    assert_eq!(pending["status_code"], 0);
    assert_eq!(pending["payment_status_description"], "INVALID");
    assert_eq!(pending["error"]["code"], "payment_details_not_found");

    // The control API, as curl would drive it.
    let (_, paid) = raw.control(Method::POST, &format!("/_sim/orders/{id}/pay"), Some(json!({"method": "card"}))).await;
    assert_eq!(paid["status"], "completed");

    let (_, completed) = raw.get(&path.to_ascii_lowercase().replace(&id.to_ascii_lowercase(), &id), &token).await;
    let completed: Value = serde_json::from_str(&completed).unwrap();
    assert_eq!(completed["status"], "200");
    assert_eq!(completed["status_code"], 1);
    assert_eq!(completed["payment_status_description"], "Completed");
    assert_eq!(
        completed["error"],
        json!({"error_type": null, "code": null, "message": null}),
        "success carries an all-null error object, as recorded (evidence/sandbox-2025-11-09_status_card_completed.json)"
    );
    let created = completed["created_date"].as_str().unwrap();
    assert!(
        regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$").unwrap().is_match(created),
        "offset-less East Africa time: {created}"
    );
    assert_eq!(completed["payment_method"], "Visa");
    assert!(!completed["confirmation_code"].as_str().unwrap().is_empty());

    let (conflict, _) = raw.control(Method::POST, &format!("/_sim/orders/{id}/pay"), None).await;
    assert_eq!(conflict, StatusCode::CONFLICT);
    let (missing, _) = raw.control(Method::POST, &format!("/_sim/orders/{}/pay", uuid::Uuid::nil()), None).await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ipn_list_and_registration_shapes() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let (_, registered) = raw
        .post("/api/URLSetup/RegisterIPN", &token, r#"{"url":"http://127.0.0.1:9/ipn","ipn_notification_type":"POST"}"#)
        .await;
    assert_eq!(registered["status"], "200");
    assert_eq!(registered["ipn_notification_type_description"], "POST");
    assert!(seven_digit_utc(registered["created_date"].as_str().unwrap()));
    let (_, refused) =
        raw.post("/api/URLSetup/RegisterIPN", &token, r#"{"url":"not a url","ipn_notification_type":"GET"}"#).await;
    assert_eq!(refused["error"]["code"], "invalid_url");
    let (_, list) = raw.get("/api/URLSetup/GetIpnList", &token).await;
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["ipn_id"], registered["ipn_id"]);
}

#[tokio::test]
async fn the_hosted_payment_page_pays_and_returns_to_the_callback() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let id = raw.order(&token, &ipn).await;
    let page_url = raw.sim.payment_page_url(id.parse().unwrap());

    let page = raw.http.client.get(&page_url).send().await.unwrap().text().await.unwrap();
    for expected in ["RAW-1", "KES", "100.00", "raw", "Pay with M-Pesa", "Pay with card", "Cancel"] {
        assert!(page.contains(expected), "{expected:?} missing from the page");
    }

    let declined = pesapal_sim::test_values::CARD_DECLINES;
    let form = [("OrderTrackingId", id.as_str()), ("action", "card-pay"), ("card_number", declined)];
    let failed = raw.http.client.post(&page_url).form(&form).send().await.unwrap();
    assert_eq!(failed.status(), StatusCode::SEE_OTHER);
    let form = [("OrderTrackingId", id.as_str()), ("action", "phone-approve"), ("phone", "0723000000")];
    let paid = raw.http.client.post(&page_url).form(&form).send().await.unwrap();
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let location = url::Url::parse(paid.headers()["location"].to_str().unwrap()).unwrap();
    let mut query: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(location.path(), "/cb");
    assert_eq!(query.remove(0), ("session".into(), "7".into()), "the callback URL's own query comes first");
    query.sort();
    assert_eq!(
        query,
        vec![
            ("OrderMerchantReference".into(), "RAW-1".into()),
            ("OrderNotificationType".into(), "CALLBACKURL".into()),
            ("OrderTrackingId".into(), id.clone()),
        ]
    );
    let again = raw.http.client.post(&page_url).form(&form).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "a paid order cannot be paid again");
    let unknown = raw.http.client.get(raw.sim.payment_page_url(uuid::Uuid::new_v4())).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn control_api_clock_faults_reset() {
    let raw = Raw::new().await;
    let (_, advanced) = raw.control(Method::POST, "/_sim/clock/advance", Some(json!({"seconds": 3600}))).await;
    assert_eq!(advanced["charges"], json!([]));
    let (put, _) = raw.control(Method::PUT, "/_sim/faults", Some(json!({"latency_ms": 1}))).await;
    assert_eq!(put, StatusCode::OK);
    let (_, faults) = raw.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(faults["faults"]["latency_ms"], 1);
    let bad = raw.http.client.put(raw.url("/_sim/faults")).body("{oops").send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    raw.control(Method::POST, "/_sim/reset", None).await;
    let (_, clock) = raw.control(Method::GET, "/_sim/clock", None).await;
    assert_eq!(clock["offset_seconds"], 0);
    let (_, deliveries) = raw.control(Method::GET, "/_sim/ipn/deliveries", None).await;
    assert_eq!(deliveries, json!([]));
}

#[tokio::test]
async fn cancel_on_the_page_returns_to_the_cancellation_url_and_leaves_the_order_pending() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let body = order_body("RAW-CANCEL", &ipn, |body| {
        body["amount"] = json!(5);
        body["cancellation_url"] = json!("http://127.0.0.1:9/cancelled");
        body["billing_address"] = json!({"phone_number": "0723000000"});
    });
    let (_, order) = raw.submit(&token, &body).await;
    let id = order["order_tracking_id"].as_str().unwrap().to_owned();
    let form = [("OrderTrackingId", id.as_str()), ("action", "cancel")];
    let page_url = raw.sim.payment_page_url(id.parse().unwrap());
    let cancelled = raw.http.client.post(&page_url).form(&form).send().await.unwrap();
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    let location = cancelled.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1:9/cancelled?"), "{location}");
    assert!(location.contains(&format!("OrderTrackingId={id}")), "{location}");
    let order = raw.sim.order(id.parse().unwrap()).unwrap();
    assert_eq!(order.status, pesapal_sim::OrderStatus::Pending);
    assert!(raw.sim.deliveries().is_empty(), "nothing changed, nothing notified");
}

// ---- The simulator answers as the sandbox recordings do (issue 16 item 2) ----

/// A JSON value's keys and value types, values left out: two answers with the same skeleton
/// have the same keys (nested too) with the same JSON types.
fn skeleton(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), skeleton(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(skeleton).collect()),
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::Null => Value::Null,
    }
}

impl Raw {
    /// A paid order of `amount` KES: its tracking id and confirmation code.
    async fn paid(&self, token: &str, ipn: &str, amount: &str, method: &str) -> (String, String) {
        let body = order_body(&format!("PAID-{method}-{amount}"), ipn, |body| {
            body["amount"] = json!(amount);
            body["billing_address"] = json!({"phone_number": "0712318241"});
        });
        let (_, order) = self.submit(token, &body).await;
        let id = order["order_tracking_id"].as_str().unwrap().to_owned();
        let (_, paid) =
            self.control(Method::POST, &format!("/_sim/orders/{id}/pay"), Some(json!({ "method": method }))).await;
        (id, paid["payment"]["confirmation_code"].as_str().unwrap().to_owned())
    }

    async fn refund(&self, token: &str, code: &str, amount: &str) -> Value {
        let body = json!({"confirmation_code": code, "amount": amount, "username": "ops", "remarks": "r"});
        let (status, answer) = self.http.post_json("/api/Transactions/RefundRequest", Some(token), &body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        answer
    }

    async fn cancel(&self, token: &str, id: &str) -> Value {
        let body = json!({ "order_tracking_id": id });
        self.http.post_json("/api/Transactions/CancelOrder", Some(token), &body).await.1
    }

    async fn status(&self, token: &str, id: &str) -> Value {
        self.http.get_json(&format!("/api/Transactions/GetTransactionStatus?orderTrackingId={id}"), token).await
    }
}

#[tokio::test]
async fn refund_and_cancel_answers_are_the_recorded_ones() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let (_, code) = raw.paid(&token, &ipn, "100.00", "card").await;

    assert_eq!(raw.refund(&token, &code, "0.001").await, evidence("sandbox-2025-11-09_refund_invalid_amount.json"));
    assert_eq!(raw.refund(&token, &code, "40.00").await, evidence("sandbox-2025-11-09_refund_ok.json"));
    assert_eq!(raw.refund(&token, &code, "40.00").await, evidence("sandbox-2025-11-09_refund_duplicate.json"));
    let malformed = raw.post("/api/Transactions/RefundRequest", &token, r#"{"amount":"1"}"#).await.1;
    let recorded = evidence("sandbox-2025-11-09_refund_invalid_params.json");
    assert_eq!(skeleton(&malformed), skeleton(&recorded), "{malformed}");
    assert_eq!(malformed["error"]["error_type"], recorded["error"]["error_type"]);
    assert_eq!(malformed["error"]["code"], recorded["error"]["code"]);

    let pending = raw.order(&token, &ipn).await;
    assert_eq!(raw.cancel(&token, &pending).await, evidence("sandbox-2025-11-09_cancel_ok.json"));
    let (completed, _) = raw.paid(&token, &ipn, "5.00", "mpesa").await;
    assert_eq!(raw.cancel(&token, &completed).await, evidence("sandbox-2025-11-09_cancel_refused.json"));
    assert_eq!(raw.cancel(&token, &pending).await, evidence("sandbox-2025-11-09_cancel_refused.json"), "twice");
}

#[tokio::test]
async fn refunds_follow_pesapals_rules() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let invalid_amount = evidence("sandbox-2025-11-09_refund_invalid_amount.json");

    // Mobile money: in full only.
    let (_, mpesa) = raw.paid(&token, &ipn, "100.00", "mpesa").await;
    assert_eq!(raw.refund(&token, &mpesa, "50.00").await, invalid_amount, "no partial M-Pesa refund");
    assert_eq!(raw.refund(&token, &mpesa, "100.01").await, invalid_amount);
    assert_eq!(raw.refund(&token, &mpesa, "100").await["status"], "200");
    // Once per payment.
    assert_eq!(raw.refund(&token, &mpesa, "100").await["message"], "Refund request has been received already");

    // Cards: also in part, never more than paid.
    let (_, card) = raw.paid(&token, &ipn, "100.00", "card").await;
    assert_eq!(raw.refund(&token, &card, "100.01").await, invalid_amount);
    assert_eq!(raw.refund(&token, &card, "0.50").await["status"], "200");

    // COMPLETED payments only: neither a reversed one nor a failed attempt.
    let (reversed, reversed_code) = raw.paid(&token, &ipn, "10.00", "card").await;
    raw.sim.reverse(reversed.parse().unwrap()).unwrap();
    let refused = raw.refund(&token, &reversed_code, "10.00").await;
    assert_eq!((refused["status"].as_str(), refused.get("error")), (Some("500"), None), "{refused}");
    let unknown = raw.refund(&token, "NOSUCHCODE", "10.00").await;
    assert_eq!((unknown["status"].as_str(), unknown.get("error")), (Some("500"), None), "{unknown}");
    let amounts: Vec<String> = raw.sim.refunds().iter().map(|r| r.amount.to_string()).collect();
    assert_eq!(amounts, ["100.00", "0.50"]);
}

#[tokio::test]
async fn tokens_are_signed_jwts_whose_exp_is_the_expiry_date() {
    use base64::Engine as _;
    let raw = Raw::new().await;
    let answer = raw.request_token(raw.sim.consumer_secret()).await;
    let token = answer["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "header.payload.signature: {token}");
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    assert_eq!(decode(parts[0])["alg"], "HS256");
    let claims = decode(parts[1]);
    let mut names: Vec<&str> = claims.as_object().unwrap().keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["aud", "exp", "http://schemas.microsoft.com/ws/2008/06/identity/claims/userdata", "iat", "iss", "nbf", "uid"]
    );
    let expiry = chrono::DateTime::parse_from_rfc3339(answer["expiryDate"].as_str().unwrap()).unwrap();
    assert_eq!(claims["exp"].as_i64(), Some(expiry.timestamp()), "exp = expiryDate: {answer} {claims}");
    assert_eq!(expiry.timestamp_subsec_nanos(), 0, "to the second");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["nbf"].as_i64().unwrap(), 3600);
    assert!(
        claims["http://schemas.microsoft.com/ws/2008/06/identity/claims/userdata"]
            .as_str()
            .unwrap()
            .parse::<uuid::Uuid>()
            .is_ok()
    );

    // The simulator checks what it signed: the token works, a tampered or expired one does not.
    assert_eq!(raw.get("/api/URLSetup/GetIpnList", token).await.0, StatusCode::OK);
    let forged = format!("{}.{}.{}", parts[0], parts[1], parts[2].chars().rev().collect::<String>());
    assert_eq!(raw.get("/api/URLSetup/GetIpnList", &forged).await.0, StatusCode::UNAUTHORIZED);
    raw.sim.advance_clock(std::time::Duration::from_secs(3600));
    assert_eq!(raw.get("/api/URLSetup/GetIpnList", token).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn status_details_per_payment_method_are_shaped_like_the_recordings() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    let recorded = evidence("sandbox-2025-11-09_status_card_completed.json");

    let (card, _) = raw.paid(&token, &ipn, "10.00", "card").await;
    let card = raw.status(&token, &card).await;
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<std::collections::BTreeSet<_>>();
    assert_eq!(keys(&card), keys(&recorded), "the recorded keys, account_number included: {card}");
    assert_eq!(card["account_number"], Value::Null);
    assert!(["Visa", "MasterCard"].contains(&card["payment_method"].as_str().unwrap()), "{card}");
    assert!(regex::Regex::new(r"^\d{22}$").unwrap().is_match(card["confirmation_code"].as_str().unwrap()), "{card}");
    assert!(
        regex::Regex::new(r"^\d{6}X{6}\d{4}$").unwrap().is_match(card["payment_account"].as_str().unwrap()),
        "{card}"
    );

    let (mpesa, _) = raw.paid(&token, &ipn, "10.00", "mpesa").await;
    let mpesa = raw.status(&token, &mpesa).await;
    assert_eq!(mpesa["payment_method"], "MpesaKE");
    assert!(regex::Regex::new(r"^[A-Z][A-Z0-9]{9}$").unwrap().is_match(mpesa["confirmation_code"].as_str().unwrap()));
    assert_eq!(mpesa["payment_account"], "2547xxx18241", "the payer's 0712318241, as the sandbox masks it");

    let pending = raw.order(&token, &ipn).await;
    let pending = raw.status(&token, &pending).await;
    assert_eq!(keys(&pending), keys(&evidence("sandbox-2025-11-09_status_pending.json")), "{pending}");

    let recurring = order_body("SUB-1", &ipn, |body| body["account_number"] = json!("ACC-7"));
    let (_, order) = raw.submit(&token, &recurring).await;
    let recurring = raw.status(&token, order["order_tracking_id"].as_str().unwrap()).await;
    assert_eq!(recurring["account_number"], "ACC-7");
}

#[tokio::test]
async fn register_ipn_refuses_an_unusable_url_with_invalid_url() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    for url in [
        "not a url",
        "ftp://127.0.0.1/ipn",
        " http://127.0.0.1:9/ipn",
        "http://127.0.0.1:9/ipn ",
        "http://127.0.0.1:9/i\u{0}pn",
    ] {
        let body = json!({ "url": url, "ipn_notification_type": "GET" });
        let (status, answer) = raw.http.post_json("/api/URLSetup/RegisterIPN", Some(&token), &body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer, evidence("sandbox-2025-11-09_registeripn_invalid_url.json"), "{url:?}");
    }
    assert_eq!(raw.get("/api/URLSetup/GetIpnList", &token).await.1, "[]");
}

#[tokio::test]
async fn the_payment_page_is_at_the_imitated_environments_path() {
    let raw = Raw::new().await;
    let id = uuid::Uuid::new_v4();
    let sandbox = url::Url::parse(&raw.sim.payment_page_url(id)).unwrap();
    assert_eq!(sandbox.path(), "/pesapaliframe/PesapalIframe3/Index");

    let config = pesapal_sim::SimConfig { environment: pesapal_sim::SimEnvironment::Live, ..Default::default() };
    let live = pesapal_sim::Simulator::start_with(config).await.unwrap();
    let page = url::Url::parse(&live.payment_page_url(id)).unwrap();
    assert_eq!(page.path(), "/iframe/PesapalIframe3/Index");
    let unknown_order = raw.http.client.get(page.as_str()).send().await.unwrap();
    assert_eq!(unknown_order.status(), StatusCode::NOT_FOUND);
    assert!(unknown_order.text().await.unwrap().contains("Order not found"), "the page answers there");
    let sandbox_path = raw.http.client.get(format!("{}{}?{}", live.base_url(), sandbox.path(), page.query().unwrap()));
    let sandbox_path = sandbox_path.send().await.unwrap();
    assert_eq!(sandbox_path.status(), StatusCode::NOT_FOUND);
    let answer: Value = sandbox_path.json().await.unwrap();
    assert!(
        answer["Message"].as_str().unwrap().starts_with("No HTTP resource"),
        "no page at the sandbox's path: {answer}"
    );
}

/// The fuzzing findings of issue 16, fixed.
#[tokio::test]
async fn order_fields_are_bounded_and_checked_as_sent() {
    let raw = Raw::new().await;
    let token = raw.token().await;
    let ipn = raw.ipn(&token).await;
    // Each order its own reference: a repeated one is answered with the first order.
    let references = std::sync::atomic::AtomicUsize::new(0);
    let order = |edit: &dyn Fn(&mut Value)| {
        let n = references.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        order_body(&format!("FUZZ-{n}"), &ipn, edit).to_string()
    };
    let submit = |body: String| {
        let raw = &raw;
        let token = &token;
        async move { raw.post("/api/Transactions/SubmitOrderRequest", token, &body).await }
    };
    // Refused as a malformed SubmitOrderRequest is, as noted.
    let malformed = corpus("SubmitOrderRequest/200-error-without-tracking-id.json");
    let refused = |answer: &Value| *answer == malformed;

    let (_, zero) = submit(order(&|b| b["amount"] = json!("0.001"))).await;
    assert!(refused(&zero), "zero after rounding: {zero}");
    let (_, cent) = submit(order(&|b| b["amount"] = json!("0.005"))).await;
    assert_eq!(cent["status"], "200", "rounds to 0.01: {cent}");

    let long = "x".repeat(256);
    let (_, name) = submit(order(&|b| b["billing_address"]["first_name"] = json!(long))).await;
    assert!(refused(&name), "{name}");
    let (_, name) = submit(order(&|b| b["billing_address"]["first_name"] = json!(&long[1..]))).await;
    assert_eq!(name["status"], "200", "255 characters are kept");

    for url in [" http://127.0.0.1:9/cb", "http://127.0.0.1:9/cb\u{0}", "http://127.0.0.1:9/c\tb"] {
        let (_, answer) = submit(order(&|b| b["callback_url"] = json!(url))).await;
        assert!(refused(&answer), "{url:?}: {answer}");
        let (_, answer) = submit(order(&|b| b["cancellation_url"] = json!(url))).await;
        assert!(refused(&answer), "{url:?}: {answer}");
    }

    let (_, integers) = submit(order(&|b| {
        b["billing_address"]["postal_code"] = json!(100);
        b["billing_address"]["zip_code"] = json!(200);
    }))
    .await;
    assert_eq!(integers["status"], "200", "the docs type postal and zip codes as Integer: {integers}");

    // Valid JSON padded with 3 MiB of spaces: only the body limit refuses it (and a framework's
    // default limit, 2 MiB in axum, would answer a plain-text 413).
    let oversized = format!("{}{}", " ".repeat(3 << 20), order(&|_| {}));
    let (status, answer) = submit(oversized).await;
    assert_eq!(status, StatusCode::OK);
    assert!(refused(&answer), "an oversized body is answered in the operation's shape: {answer}");
    let big_refund =
        json!({"confirmation_code": "x".repeat(100 * 1024), "amount": "1", "username": "u", "remarks": "r"});
    let (status, answer) = raw.http.post_json("/api/Transactions/RefundRequest", Some(&token), &big_refund).await;
    assert_eq!((status, &answer["error"]["code"]), (StatusCode::OK, &json!("invalid_api_request_parameters")));
    assert_eq!(raw.sim.orders().len(), 3, "only the accepted orders are kept");
}

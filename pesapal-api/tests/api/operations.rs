//! Every operation against a loopback mock: method, path, headers, a snapshot of the body, and
//! the decoding of recorded-shape answers.

use crate::common::*;
use httpmock::prelude::*;
use pesapal_api::{
    BillingAddress, Frequency, IpnMethod, OrderRequest, PaymentStatus, RefundRequest, StkPushRequest, Subscription,
};
use rust_decimal::Decimal;
use serde_json::json;

fn order() -> pesapal_api::OrderRequestBuilder {
    OrderRequest::builder()
        .merchant_reference("AA1122-3344ZZ")
        .amount(Decimal::new(10000, 2))
        .currency("KES")
        .description("Payment description goes here")
        .callback_url("https://www.myapplication.com/response-page")
        .notification_id(IPN_ID.parse().unwrap())
        .billing_address(
            BillingAddress::builder()
                .email_address("john.doe@example.com")
                .phone_number("0723000000")
                .country_code("KE")
                .first_name("John")
                .last_name("Doe")
                .postal_code("00100"),
        )
}

fn assert_authenticated_json(seen: &Seen) {
    assert_eq!(seen.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("api-version"), None);
    assert!(seen.header("user-agent").is_some_and(|ua| ua.starts_with("pesapal-rs/")), "{seen:?}");
}

#[tokio::test]
async fn register_ipn() {
    let server = MockServer::start_async().await;
    let token = mock_token(&server).await;
    let seen = answer(
        &server,
        POST,
        "/api/URLSetup/RegisterIPN",
        200,
        json!({"url": "https://www.myapplication.com/ipn", "created_date": "2022-03-03T17:29:03.7208266Z",
               "ipn_id": IPN_ID, "notification_type": 0, "ipn_notification_type_description": "GET",
               "ipn_status": 1, "ipn_status_decription": "Active", "error": null, "status": "200"}),
    )
    .await;
    let ipn = client(&server).register_ipn("https://www.myapplication.com/ipn", IpnMethod::Get).await.unwrap();
    let request = seen.only();
    assert_authenticated_json(&request);
    assert_eq!(request.header("content-type"), Some("application/json"));
    insta::assert_json_snapshot!("register_ipn_body", request.body);
    assert_eq!(ipn.notification_id(), Some(IPN_ID.parse().unwrap()));
    assert_eq!(ipn.method, Some(IpnMethod::Get));
    assert_eq!(ipn.active, Some(true));
    assert_eq!(ipn.created_at().unwrap().to_rfc3339(), "2022-03-03T17:29:03.720826600+00:00");
    token.assert_calls_async(1).await;
}

#[tokio::test]
async fn list_ipns() {
    let server = server_with_token().await;
    let seen = answer(
        &server,
        GET,
        "/api/URLSetup/GetIpnList",
        200,
        json!([
            {"url": "https://www.myapplication.com/ipn", "created_date": "2022-03-03T17:29:03.7208266Z",
             "ipn_id": IPN_ID, "error": null, "status": "200"},
            // Recorded list items: a non-GUID id and status "1".
            {"url": "https://ipn.myapplication.com/application2", "created_date": "2021-12-05T04:23:45.5509243",
             "ipn_id": "c3bb813ba750-0983-4fa0-91bc-e32182ca", "ipn_notification_type_description": "POST",
             "ipn_status": 1, "error": {"error_type": null, "code": null, "message": null, "call_back_url": null},
             "status": "1"}
        ]),
    )
    .await;
    let ipns = client(&server).list_ipns().await.unwrap();
    let request = seen.only();
    assert_authenticated_json(&request);
    assert_eq!(request.body, serde_json::Value::Null, "no body");
    assert_eq!(ipns.len(), 2);
    assert_eq!(ipns[1].notification_id(), None);
    assert_eq!(ipns[1].method, Some(IpnMethod::Post));
}

#[tokio::test]
async fn submit_order() {
    let server = server_with_token().await;
    let seen = answer(
        &server,
        POST,
        "/api/Transactions/SubmitOrderRequest",
        200,
        json!({"order_tracking_id": TRACKING_ID, "merchant_reference": "AA1122-3344ZZ",
               "redirect_url": "https://cybqa.pesapal.com/pesapaliframe/PesapalIframe3/Index/?OrderTrackingId=b945e4af-80a5-4ec1-8706-e03f8332fb04",
               "error": null, "status": "200"}),
    )
    .await;
    let submitted = client(&server).submit_order(&order().build().unwrap()).await.unwrap();
    let request = seen.only();
    assert_authenticated_json(&request);
    insta::assert_json_snapshot!("submit_order_body", request.body);
    assert_eq!(submitted.order_tracking_id, TRACKING_ID.parse::<pesapal_api::Uuid>().unwrap());
    assert!(submitted.redirect_url.unwrap().contains("OrderTrackingId="));
}

#[tokio::test]
async fn submit_recurring_order() {
    let server = server_with_token().await;
    let seen = answer(
        &server,
        POST,
        "/api/Transactions/SubmitOrderRequest",
        200,
        json!({"order_tracking_id": TRACKING_ID, "merchant_reference": "AA1122-3344ZZ", "redirect_url": "https://x", "error": null, "status": "200"}),
    )
    .await;
    let subscription =
        Subscription::new("2023-01-24".parse().unwrap(), "2023-12-31".parse().unwrap(), Frequency::Daily);
    let order = order().recurring("555-678", Some(subscription)).build().unwrap();
    client(&server).submit_order(&order).await.unwrap();
    insta::assert_json_snapshot!("submit_recurring_order_body", seen.only().body);
}

#[tokio::test]
async fn stk_push() {
    let server = server_with_token().await;
    let seen = answer(
        &server,
        POST,
        "/api/transactions/stk",
        200,
        json!({"order_tracking_id": TRACKING_ID, "merchant_reference": "AA1122-3344ZZ", "redirect_url": null, "error": null, "status": "200"}),
    )
    .await;
    let push = StkPushRequest::builder().order(order()).msisdn("0723241024").payment_method("MpesaKE").build().unwrap();
    let submitted = client(&server).stk_push(&push).await.unwrap();
    let request = seen.only();
    assert_authenticated_json(&request);
    insta::assert_json_snapshot!("stk_push_body", request.body);
    assert_eq!(submitted.redirect_url, None);
}

#[tokio::test]
async fn transaction_status() {
    let server = server_with_token().await;
    let seen = answer(
        &server,
        GET,
        "/api/Transactions/GetTransactionStatus",
        200,
        json!({"payment_method": "Visa", "amount": 100.00, "created_date": "2022-04-30T07:41:09.763",
               "confirmation_code": "6513008693186320103009", "payment_status_description": "Completed",
               "description": "", "message": "Request processed successfully", "payment_account": "476173**0010",
               "call_back_url": "https://test.com/?OrderTrackingId=7e6b62d9", "status_code": 1,
               "merchant_reference": "1515111111", "payment_status_code": "", "currency": "KES",
               "error": null_error(), "status": "200"}),
    )
    .await;
    let status = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap();
    let request = seen.only();
    assert_authenticated_json(&request);
    assert_eq!(request.query.as_deref(), Some(format!("orderTrackingId={TRACKING_ID}").as_str()));
    assert_eq!(status.payment_status, PaymentStatus::Completed);
    assert!(status.payment_status.is_paid());
    assert_eq!(status.amount, Some(Decimal::new(100, 0)));
    assert_eq!(status.created_at().unwrap().to_rfc3339(), "2022-04-30T04:41:09.763+00:00", "EAT is UTC+3");
    assert_eq!(status.confirmation_code.as_deref(), Some("6513008693186320103009"));
    assert_eq!(status.description, None, "empty strings are absent");
}

#[tokio::test]
async fn recurring_transaction_status_with_numeric_status() {
    let server = server_with_token().await;
    answer(
        &server,
        GET,
        "/api/Transactions/GetTransactionStatus",
        200,
        json!({"payment_method": "Visa", "amount": "100.50", "created_date": "2022-04-30T07:41:09.76Z",
               "payment_status_description": "Failed", "status_code": 2, "currency": "KES",
               "subscription_transaction_info": {"account_reference": "555-678", "amount": 100,
                   "first_name": "John", "last_name": "Doe", "correlation_id": 111222},
               "payer_info": {"first_name": "John", "last_name": "Doe"}, "error": null, "status": 200, "new_field": [1, 2]}),
    )
    .await;
    let status = client(&server).transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap();
    assert_eq!(status.payment_status, PaymentStatus::Failed);
    assert!(!status.payment_status.is_paid());
    assert_eq!(status.amount, Some(Decimal::new(10050, 2)));
    let info = status.subscription.unwrap();
    assert_eq!(info.correlation_id.as_deref(), Some("111222"));
    assert_eq!(info.account_reference.as_deref(), Some("555-678"));
    assert_eq!(status.payer_info.unwrap().first_name.as_deref(), Some("John"));
}

#[tokio::test]
async fn refund() {
    let server = server_with_token().await;
    let seen = answer(
        &server,
        POST,
        "/api/Transactions/RefundRequest",
        200,
        json!({"status": "200", "message": "Refund request successfully"}),
    )
    .await;
    let refund = RefundRequest::builder()
        .confirmation_code("AA11BB22")
        .amount(Decimal::new(10000, 2))
        .username("John Doe")
        .remarks("Service not offered")
        .build()
        .unwrap();
    let ack = client(&server).refund(&refund).await.unwrap();
    let request = seen.only();
    assert_authenticated_json(&request);
    insta::assert_json_snapshot!("refund_body", request.body);
    assert_eq!(ack.message.as_deref(), Some("Refund request successfully"));
}

#[tokio::test]
async fn cancel_order() {
    let server = server_with_token().await;
    let seen = answer(
        &server,
        POST,
        "/api/Transactions/CancelOrder",
        200,
        json!({"status": "200", "message": "Order successfully cancelled."}),
    )
    .await;
    let ack = client(&server).cancel_order(TRACKING_ID.parse().unwrap()).await.unwrap();
    let request = seen.only();
    assert_authenticated_json(&request);
    insta::assert_json_snapshot!("cancel_order_body", request.body);
    assert_eq!(ack.message.as_deref(), Some("Order successfully cancelled."));
}

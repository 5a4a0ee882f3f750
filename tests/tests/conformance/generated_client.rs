//! The generated client against a loopback mock: bearer tokens go on every operation but
//! RequestToken, progenitor's `api-version` header stays off the wire, and the corrected spec
//! decodes the response shapes the real API sends.

use crate::support;
use httpmock::prelude::*;
use pesapal_gen::{Client, types};
use serde_json::json;

fn client(server: &MockServer, token: Result<&'static str, &'static str>) -> Client {
    support::client(&server.base_url(), token)
}

#[tokio::test]
async fn request_token_is_sent_without_a_bearer_token() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Auth/RequestToken")
                .header_missing("authorization")
                .header_missing("api-version")
                .json_body(json!({"consumer_key": "key", "consumer_secret": "secret"}));
            then.status(200).json_body(json!({
                "token": "eyJ…", "expiryDate": "2021-08-26T12:29:30.5177702Z",
                "error": null, "status": "200", "message": "Request processed successfully"
            }));
        })
        .await;
    let response = client(&server, Err("must not be asked"))
        .request_token()
        .body(types::RequestTokenBody { consumer_key: "key".into(), consumer_secret: "secret".into() })
        .send()
        .await
        .expect("token response decodes");
    mock.assert_async().await;
    assert_eq!(response.token.as_deref(), Some("eyJ…"));
    assert_eq!(response.error, None);
}

#[tokio::test]
async fn other_operations_carry_the_bearer_token_and_decode_lenient_shapes() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/Transactions/GetTransactionStatus")
                .query_param("orderTrackingId", "b945e4af-80a5-4ec1-8706-e03f8332fb04")
                .header("authorization", "Bearer t0k3n")
                .header_missing("api-version");
            // The recurring sample from the docs, with the all-null error object and an
            // undocumented field.
            then.status(200).json_body(json!({
                "payment_method": "Visa", "amount": 100.50, "created_date": "2022-04-30T07:41:09.763",
                "confirmation_code": "6513008693186320103009", "payment_status_description": "Completed",
                "description": null, "message": "Request processed successfully",
                "payment_account": "476173**0010", "call_back_url": "https://test.com/",
                "status_code": 1, "merchant_reference": "1515111111", "payment_status_code": "",
                "currency": "KES",
                "subscription_transaction_info": {"account_reference": "555-678", "amount": 100,
                    "first_name": "John", "last_name": "Doe", "correlation_id": "111222"},
                "payer_info": {"first_name": "Jane", "last_name": "Doe"},
                "error": {"error_type": null, "code": null, "message": null, "call_back_url": null},
                "status": "200",
                "field_pesapal_added_later": true
            }));
        })
        .await;
    let status = client(&server, Ok("Bearer t0k3n"))
        .get_transaction_status()
        .order_tracking_id(uuid("b945e4af-80a5-4ec1-8706-e03f8332fb04"))
        .send()
        .await
        .expect("status response decodes");
    mock.assert_async().await;
    assert_eq!(status.amount, Some("100.50".parse().unwrap()));
    assert_eq!(status.status, Some(types::CallStatus::String("200".into())));
    let error = status.error.as_ref().and_then(|error| error.0.as_ref()).expect("all-null error object");
    assert_eq!((error.error_type.as_ref(), error.code.as_ref()), (None, None));
    let payer = status.payer_info.as_ref().expect("payer info");
    assert_eq!(payer.first_name.as_deref(), Some("Jane"));
    let info = status.subscription_transaction_info.as_ref().expect("recurring info");
    assert_eq!(info.correlation_id, Some(json!("111222")));
}

#[tokio::test]
async fn a_failing_authenticator_stops_the_request_before_it_is_sent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let error = client(&server, Err("no credentials")).get_ipn_list().send().await.expect_err("no token, no request");
    assert!(matches!(error, pesapal_gen::Error::Custom(ref m) if m == "no credentials"), "{error:?}");
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn submit_order_sends_amounts_as_decimal_strings() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Transactions/SubmitOrderRequest")
                .header("authorization", "Bearer t")
                .json_body_includes(r#"{"amount": "100.10", "account_number": "555-678"}"#)
                .json_body_includes(r#"{"subscription_details": {"frequency": "MONTHLY", "start_date": "24-01-2023"}}"#);
            then.status(200).json_body(json!({
                "order_tracking_id": "00000000-0000-0000-0000-000000000000",
                "merchant_reference": "ref", "redirect_url": null,
                "error": {"error_type": "api_error  ", "code": "invalid_currency", "message": "", "call_back_url": null},
                "status": "500"
            }));
        })
        .await;
    let body = types::SubmitOrderRequestBody::builder()
        .id("ref")
        .currency("KES")
        .amount("100.10".parse::<rust_decimal::Decimal>().unwrap())
        .description("Testing")
        .callback_url("https://example.com/callback")
        .notification_id(uuid("2b31727d-4c75-44ed-a2be-e28906226d1c"))
        .billing_address(types::BillingAddress::builder().email_address("john@doe.com".to_owned()))
        .account_number("555-678".to_owned())
        .subscription_details(Some(
            types::SubmitOrderRequestBodySubscriptionDetails::builder()
                .start_date("24-01-2023")
                .end_date("31-12-2023")
                .frequency(types::SubmitOrderRequestBodySubscriptionDetailsFrequency::Monthly)
                .try_into()
                .expect("valid subscription"),
        ));
    let response = client(&server, Ok("Bearer t"))
        .submit_order_request()
        .body(body)
        .send()
        .await
        .expect("an HTTP 200 error body still decodes");
    mock.assert_async().await;
    let response = response.into_inner();
    assert_eq!(response.status.to_string(), "500");
    assert_eq!(response.order_tracking_id, Some(uuid::Uuid::nil()), "the all-zero tracking id of a failed submit");
    let error = response.error.and_then(|e| e.0).expect("the error object");
    assert_eq!(error.error_type.as_deref(), Some("api_error  "));
}

#[test]
fn subscription_dates_must_be_dd_mm_yyyy() {
    // The spec's pattern `^[0-9]{2}-[0-9]{2}-[0-9]{4}$` is read by the type the generator maps it to.
    let details = |start: &str| {
        serde_json::from_value::<types::SubmitOrderRequestBodySubscriptionDetails>(
            json!({"start_date": start, "end_date": "31-12-2023", "frequency": "MONTHLY"}),
        )
    };
    assert_eq!(details("24-01-2023").unwrap().start_date.to_string(), "24-01-2023");
    for wrong in ["2023-01-24", "24/01/2023", "4-1-2023", "31-02-2023"] {
        let error = details(wrong).unwrap_err();
        assert!(error.to_string().contains("is not a dd-MM-yyyy date"), "{wrong}: {error}");
    }
}

fn uuid(text: &str) -> uuid::Uuid {
    text.parse().unwrap()
}

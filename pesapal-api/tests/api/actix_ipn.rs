//! The actix-web IPN endpoint: GET and POST confirmed and acknowledged, acted on once, 400 on
//! malformed input, 500 when the payment is not there.

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::{App, test};
use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint};
use std::sync::{Arc, Mutex};

const PATH: &str = "/pesapal/ipn";

fn query() -> String {
    format!("OrderTrackingId={TRACKING_ID}&OrderMerchantReference=ORDER-1&OrderNotificationType=IPNCHANGE")
}

#[actix_web::test]
async fn ipns_are_confirmed_acknowledged_and_acted_on_once() {
    let server = server_with_token().await;
    let status = status_says(&server, completed("ORDER-1")).await;
    let acted = Arc::new(Mutex::new(Vec::new()));
    let record = acted.clone();
    let endpoint = PaymentEndpoint::new(
        client(&server),
        async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::TEN, "KES"))),
        async move |confirmation: Confirmation| {
            record.lock().unwrap().push(confirmation.dedupe_key);
            Ok::<(), std::io::Error>(())
        },
    );
    let app = test::init_service(App::new().service(pesapal_api::actix::ipn_resource(PATH, endpoint))).await;
    let json = format!(
        r#"{{"OrderTrackingId":"{TRACKING_ID}","OrderMerchantReference":"ORDER-1","OrderNotificationType":"IPNCHANGE"}}"#
    );
    let requests = [
        test::TestRequest::get().uri(&format!("{PATH}?{}", query())),
        test::TestRequest::post().uri(PATH).insert_header(("content-type", "application/json")).set_payload(json),
        test::TestRequest::post().uri(&format!("{PATH}?{}", query())),
    ];
    for request in requests {
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers().get("content-type").unwrap(), "application/json");
        let body: serde_json::Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
        assert_eq!((body["orderMerchantReference"].as_str(), body["status"].as_i64()), (Some("ORDER-1"), Some(200)));
    }
    status.assert_calls_async(3).await;
    assert_eq!(acted.lock().unwrap().len(), 1, "one payment state, acted on once");

    let malformed = test::TestRequest::get().uri(&format!("{PATH}?OrderTrackingId=nope")).to_request();
    let response = test::call_service(&app, malformed).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    status.assert_calls_async(3).await;
}

#[actix_web::test]
async fn an_ipn_without_a_payment_gets_500_so_that_pesapal_notifies_again() {
    let server = server_with_token().await;
    status_says(&server, pending()).await;
    let endpoint = PaymentEndpoint::new(
        client(&server),
        async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::TEN, "KES"))),
        async |_: Confirmation| Ok::<(), std::io::Error>(()),
    );
    let app = test::init_service(App::new().service(pesapal_api::actix::ipn_resource(PATH, endpoint))).await;
    let response =
        test::call_service(&app, test::TestRequest::get().uri(&format!("{PATH}?{}", query())).to_request()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert_eq!(body["status"], 500);
}

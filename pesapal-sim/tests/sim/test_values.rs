//! Test values decide outcomes without the page: each phone number (sent by the STK push) and
//! card number ends in the status, `payment_status_code` and `description` documented in
//! `pesapal_sim::test_values`, as GetTransactionStatus reports them.

use crate::common::{Shop, WAIT, shop};
use pesapal_api::{IpnMethod, StkPushRequest};
use pesapal_sim::test_values::{self, Reason};
use pesapal_sim::{Instrument, OrderStatus};
use serde_json::Value;
use uuid::Uuid;

/// GetTransactionStatus's answer as sent (the SDK keeps no `payment_status_code`).
async fn raw_status(shop: &Shop, id: Uuid) -> Value {
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/api/Auth/RequestToken", shop.sim.base_url()))
        .json(&serde_json::json!({"consumer_key": shop.sim.consumer_key(), "consumer_secret": shop.sim.consumer_secret()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    http.get(format!("{}/api/Transactions/GetTransactionStatus?orderTrackingId={id}", shop.sim.base_url()))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn stk(shop: &Shop, reference: &str, msisdn: &str) -> Uuid {
    let push = StkPushRequest::builder()
        .order(shop.order(reference))
        .msisdn(msisdn)
        .payment_method("MpesaKE")
        .build()
        .unwrap();
    shop.pesapal.stk_push(&push).await.unwrap().order_tracking_id
}

/// The order's status code and its `payment_status_code` and `description`.
async fn ends_in(shop: &Shop, id: Uuid, status: OrderStatus, code: i64, reason: &Reason) {
    assert_eq!(shop.sim.order(id).unwrap().status, status);
    let answer = raw_status(shop, id).await;
    assert_eq!(answer["status_code"], code, "{answer}");
    assert_eq!(answer["payment_status_code"], reason.code, "{answer}");
    assert_eq!(answer["description"], reason.description, "{answer}");
}

#[tokio::test]
async fn phone_numbers_decide_the_stk_outcome() {
    let shop = shop(IpnMethod::Get).await;
    let approved = stk(&shop, "P-1", test_values::PHONE_APPROVES).await;
    shop.deliveries(approved, 1).await;
    ends_in(&shop, approved, OrderStatus::Completed, 1, &test_values::PAID).await;
    assert!(shop.pesapal.transaction_status(approved).await.unwrap().payment_status.is_paid());

    let declined = stk(&shop, "P-2", "0700000002").await;
    shop.deliveries(declined, 1).await;
    ends_in(&shop, declined, OrderStatus::Failed, 2, &test_values::PHONE_DECLINED).await;

    let poor = stk(&shop, "P-4", test_values::PHONE_INSUFFICIENT_FUNDS).await;
    shop.deliveries(poor, 1).await;
    ends_in(&shop, poor, OrderStatus::Failed, 2, &test_values::INSUFFICIENT_FUNDS).await;

    let silent = stk(&shop, "P-3", test_values::PHONE_TIMES_OUT).await;
    ends_in(&shop, silent, OrderStatus::Pending, 0, &test_values::PHONE_TIMED_OUT).await;
    assert!(shop.pesapal.transaction_status(silent).await.unwrap_err().is_pending());

    let waiting = stk(&shop, "P-5", "254723000111").await;
    assert_eq!(shop.sim.order(waiting).unwrap().status, OrderStatus::Pending, "waits for the phone");
    shop.sim.approve_stk(waiting).unwrap();
    shop.deliveries(waiting, 1).await;

    // The timed-out prompt sent no IPN; every other outcome exactly one.
    let deliveries = shop.sim.deliveries();
    assert!(deliveries.iter().all(|d| d.order_tracking_id != silent));
    assert_eq!(deliveries.len(), 4);
}

#[tokio::test]
async fn card_numbers_decide_the_card_outcome() {
    let shop = shop(IpnMethod::Post).await;
    let card = |n: &str| Instrument::Card(n.to_owned());
    let good = shop.submit("C-1").await;
    shop.sim.pay_with(good, &card("4111 1111 1111 1111")).unwrap();
    shop.deliveries(good, 1).await;
    ends_in(&shop, good, OrderStatus::Completed, 1, &test_values::PAID).await;
    assert_eq!(raw_status(&shop, good).await["payment_account"], "411111XXXXXX1111", "masked as recorded");
    assert_eq!(raw_status(&shop, good).await["payment_method"], "Visa", "the brand of the number");

    let declined = shop.submit("C-2").await;
    shop.sim.pay_with(declined, &card(test_values::CARD_DECLINES)).unwrap();
    shop.deliveries(declined, 1).await;
    ends_in(&shop, declined, OrderStatus::Failed, 2, &test_values::CARD_DECLINED).await;

    let later = shop.submit("C-3").await;
    let accepted = shop.sim.pay_with(later, &card(test_values::CARD_FAILS_LATER)).unwrap();
    assert_eq!(accepted.status, OrderStatus::Pending, "accepted first");
    let delivered = shop.sim.wait_for_deliveries(1, WAIT, |d| d.order_tracking_id == later).await.unwrap();
    assert!(delivered[0].acknowledged);
    ends_in(&shop, later, OrderStatus::Failed, 2, &test_values::CARD_FAILED_LATER).await;
    assert_eq!(shop.verified().len(), 3);
}

#[tokio::test]
async fn the_card_number_decides_the_brand_and_is_masked_as_recorded() {
    let shop = shop(IpnMethod::Get).await;
    let card = |n: &str| Instrument::Card(n.to_owned());
    let mastercard = shop.submit("B-1").await;
    shop.sim.pay_with(mastercard, &card("5200 0000 0000 0007")).unwrap();
    let status = raw_status(&shop, mastercard).await;
    assert_eq!(status["payment_method"], "MasterCard", "{status}");
    assert_eq!(
        status["payment_account"], "520000XXXXXX0007",
        "as evidence/sandbox-2025-11-09_status_card_completed.json"
    );
    let page_card = shop.sim.order(mastercard).unwrap().payment.unwrap();
    assert_eq!((page_card.payment_method.as_str(), page_card.account.as_str()), ("MasterCard", "520000XXXXXX0007"));

    let default_card = shop.submit("B-2").await;
    let paid = shop.sim.pay(default_card, pesapal_sim::PaymentMethod::Card).unwrap().payment.unwrap();
    assert_eq!((paid.payment_method.as_str(), paid.account.as_str()), ("Visa", "476173XXXXXX0010"));

    let neither = shop.submit("B-3").await;
    let refused = shop.sim.pay_with(neither, &card("6011000000000004")).unwrap_err();
    assert_eq!(refused.code(), "invalid_api_request_parameters", "neither Visa nor MasterCard: {refused}");
    assert_eq!(shop.sim.order(neither).unwrap().status, OrderStatus::Pending);
}

//! The lost answer (`Faults::lose_answer_next`): Pesapal processed the request and the answer
//! never came back. For every operation, what the SDK reports and what is safe to do next.

use crate::common::http::Http;
use crate::common::{WAIT, client, shop};
use pesapal_api::{
    IpnMethod, PaymentProgress, PaymentStatus, RefundOutcome, RefundRequest, StkPushRequest, WaitOptions,
};
use pesapal_sim::{Faults, OrderStatus, PaymentMethod, SimConfig, Simulator};
use reqwest::Method;
use std::time::Duration;

fn lose_next(n: u32) -> Faults {
    Faults { lose_answer_next: n, ..Faults::default() }
}

/// A paid order's confirmation code.
async fn paid(shop: &crate::common::Shop, reference: &str) -> (uuid::Uuid, String) {
    let id = shop.submit(reference).await;
    shop.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    // The IPN endpoint verifies the payment with GetTransactionStatus: let it finish before a
    // test sets a fault that this call would consume.
    shop.deliveries(id, 1).await;
    let status = shop.pesapal.transaction_status(id).await.unwrap();
    (id, status.confirmation_code.expect("a confirmation code"))
}

fn full_refund(code: &str) -> RefundRequest {
    RefundRequest::builder()
        .confirmation_code(code)
        .amount(rust_decimal::Decimal::new(250000, 2))
        .username("ops")
        .remarks("customer returned the goods")
        .build()
        .unwrap()
}

#[tokio::test]
async fn request_token_is_retried_and_a_second_token_issued() {
    let shop = shop(IpnMethod::Get).await;
    let before = shop.sim.tokens_issued();
    let fresh = client(&shop.sim);
    shop.sim.set_faults(lose_next(1));
    fresh.token_expiry().await.expect("retried: RequestToken is safe to repeat");
    assert_eq!(shop.sim.fault_stats().answers_lost, 1);
    assert_eq!(shop.sim.tokens_issued(), before + 2, "the lost token and its replacement");
}

#[tokio::test]
async fn register_ipn_is_not_resent_and_the_list_shows_it_arrived() {
    let shop = shop(IpnMethod::Get).await;
    shop.sim.set_faults(lose_next(1));
    let url = "http://127.0.0.1:9/other-ipn";
    let error = shop.pesapal.register_ipn(url, IpnMethod::Post).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(!error.is_retryable());
    // The safe next step: look for the URL in GetIpnList before registering it again.
    let registered: Vec<_> = shop.pesapal.list_ipns().await.unwrap().into_iter().filter(|ipn| ipn.url == url).collect();
    assert_eq!(registered.len(), 1, "registered once, not resent: {registered:?}");
}

#[tokio::test]
async fn get_ipn_list_is_retried() {
    let shop = shop(IpnMethod::Get).await;
    shop.sim.set_faults(lose_next(1));
    assert_eq!(shop.pesapal.list_ipns().await.expect("retried").len(), 1);
    assert_eq!(shop.sim.fault_stats().answers_lost, 1);
}

#[tokio::test]
async fn submit_order_is_resent_once_with_the_same_reference_and_returns_the_order() {
    let shop = shop(IpnMethod::Get).await;
    shop.sim.set_faults(lose_next(1));
    let order = shop.order("LOST-SUBMIT").build().unwrap();
    // The client resends the order once with the same merchant reference; Pesapal answers a
    // repeated reference with the order it has.
    let submitted = shop.pesapal.submit_order(&order).await.expect("the resend's answer");
    assert_eq!(shop.sim.fault_stats().answers_lost, 1);
    let orders = shop.sim.orders();
    assert_eq!(orders.len(), 1, "Pesapal created the order, once");
    assert_eq!(submitted.order_tracking_id, orders[0].order_tracking_id, "the resend returns that order");
    assert_eq!((orders[0].status, orders[0].payment.is_some()), (OrderStatus::Pending, false), "no money moved");

    // Both answers lost: the outcome stays unknown, and still one order.
    shop.sim.set_faults(lose_next(2));
    let again = shop.order("LOST-SUBMIT-2").build().unwrap();
    let error = shop.pesapal.submit_order(&again).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(!error.is_retryable(), "the client resent it once already");
    assert_eq!(shop.sim.orders().iter().filter(|o| o.merchant_reference == "LOST-SUBMIT-2").count(), 1);
}

#[tokio::test]
async fn stk_push_is_not_resent_and_the_ipn_tells_the_outcome() {
    let shop = shop(IpnMethod::Get).await;
    shop.sim.set_faults(lose_next(1));
    let push = StkPushRequest::builder().order(shop.order("LOST-STK")).msisdn("254723000111").payment_method("MpesaKE");
    let error = shop.pesapal.stk_push(&push.build().unwrap()).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(!error.is_retryable(), "a resend would prompt the phone twice");
    let orders = shop.sim.orders();
    assert_eq!(orders.len(), 1, "one prompt reached the phone");

    // The customer approves the one prompt; the IPN brings the tracking id we never received,
    // with our merchant reference, and GetTransactionStatus confirms it.
    let id = orders[0].order_tracking_id;
    shop.sim.approve_stk(id).unwrap();
    shop.deliveries(id, 1).await;
    let verified = shop.verified();
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].notification.as_ref().unwrap().merchant_reference, "LOST-STK");
    assert_eq!(verified[0].order_tracking_id, id);
    assert!(verified[0].status.as_ref().unwrap().payment_status.is_paid());
}

#[tokio::test]
async fn get_transaction_status_is_retried() {
    let shop = shop(IpnMethod::Get).await;
    let (id, _) = paid(&shop, "LOST-STATUS").await;
    shop.sim.set_faults(lose_next(1));
    assert!(shop.pesapal.transaction_status(id).await.expect("retried").payment_status.is_paid());
    assert_eq!(shop.sim.fault_stats().answers_lost, 1);
}

#[tokio::test]
async fn a_plain_refund_resent_after_a_lost_answer_says_the_first_arrived() {
    let shop = shop(IpnMethod::Get).await;
    let (_, code) = paid(&shop, "LOST-REFUND-PLAIN").await;
    shop.sim.set_faults(lose_next(1));
    let refund = full_refund(&code);
    let error = shop.pesapal.refund(&refund).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(!error.is_refund_already_received());
    let again = shop.pesapal.refund(&refund).await.unwrap_err();
    assert!(again.is_refund_already_received(), "{again:?}");
    // The simulator answers as the sandbox did (only `status` and `message`).
    let recorded = crate::common::evidence("sandbox-2025-11-09_refund_duplicate.json");
    let answered: serde_json::Value = serde_json::from_str(again.rejection().unwrap().raw_body()).unwrap();
    assert_eq!(answered, recorded);
    assert_eq!(shop.sim.refunds().len(), 1, "one refund request");
}

#[tokio::test]
async fn refund_with_resend_after_a_lost_answer_is_already_received() {
    let shop = shop(IpnMethod::Get).await;
    let (_, code) = paid(&shop, "LOST-REFUND").await;
    shop.sim.set_faults(lose_next(1));
    let outcome = shop.pesapal.refund_with_resend(&full_refund(&code)).await.expect("resent once");
    assert!(
        matches!(&outcome, RefundOutcome::AlreadyReceived { resent: true, rejection }
            if rejection.message() == Some(pesapal_api::REFUND_ALREADY_RECEIVED)),
        "{outcome:?}"
    );
    assert_eq!(shop.sim.refunds().len(), 1, "one refund request");
}

#[tokio::test]
async fn refund_with_resend_after_a_dropped_request_is_accepted_on_the_resend() {
    let shop = shop(IpnMethod::Get).await;
    let (_, code) = paid(&shop, "DROP-REFUND").await;
    shop.sim.set_faults(Faults { drop_next: 1, ..Faults::default() });
    let outcome = shop.pesapal.refund_with_resend(&full_refund(&code)).await.expect("resent once");
    assert!(matches!(outcome, RefundOutcome::Accepted { resent: true, .. }), "{outcome:?}");
    assert_eq!(shop.sim.refunds().len(), 1);
}

#[tokio::test]
async fn refund_with_resend_without_faults_sends_once() {
    let shop = shop(IpnMethod::Get).await;
    let (_, code) = paid(&shop, "REFUND-ONCE").await;
    let outcome = shop.pesapal.refund_with_resend(&full_refund(&code)).await.unwrap();
    assert!(matches!(outcome, RefundOutcome::Accepted { resent: false, .. }), "{outcome:?}");
    // A later call for the same payment: a refund request was already there before it.
    let later = shop.pesapal.refund_with_resend(&full_refund(&code)).await.unwrap();
    assert!(matches!(later, RefundOutcome::AlreadyReceived { resent: false, .. }), "{later:?}");
    assert_eq!(shop.sim.refunds().len(), 1);
}

#[tokio::test]
async fn refund_with_resend_gives_up_after_two_unknown_outcomes() {
    let shop = shop(IpnMethod::Get).await;
    let (_, code) = paid(&shop, "LOST-REFUND-TWICE").await;
    shop.sim.set_faults(lose_next(2));
    let error = shop.pesapal.refund_with_resend(&full_refund(&code)).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(shop.sim.fault_stats().answers_lost, 2, "sent twice, not more");
}

#[tokio::test]
async fn cancel_order_resent_after_a_lost_answer_is_refused_as_already_cancelled() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("LOST-CANCEL").await;
    shop.sim.set_faults(lose_next(1));
    let error = shop.pesapal.cancel_order(id).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(shop.sim.order(id).unwrap().cancelled, "the first request arrived");
    // Resending is harmless: the order is cancelled once, and the resend is refused.
    let again = shop.pesapal.cancel_order(id).await.unwrap_err();
    assert!(again.rejection().is_some(), "{again:?}");
    assert!(shop.sim.pay(id, PaymentMethod::Mpesa).is_err(), "a cancelled order cannot be paid");
}

#[tokio::test]
async fn the_fault_is_set_through_the_config_and_the_control_api() {
    let config = SimConfig { faults: lose_next(1), ..SimConfig::default() };
    let sim = Simulator::start_with(config).await.unwrap();
    let pesapal = client(&sim);
    pesapal.token_expiry().await.expect("retried");
    assert_eq!((sim.fault_stats().answers_lost, sim.tokens_issued()), (1, 2));

    let http = Http::new(sim.base_url());
    http.control(Method::PUT, "/_sim/faults", Some(serde_json::json!({"lose_answer_rate": 1.0}))).await;
    let (_, shown) = http.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(shown["faults"]["lose_answer_rate"], 1.0, "{shown}");
    assert_eq!(shown["stats"]["answers_lost"], 1, "{shown}");
    let error = pesapal.list_ipns().await.unwrap_err();
    assert!(error.is_outcome_unknown(), "every answer lost, retries spent: {error:?}");
    assert_eq!(sim.fault_stats().answers_lost, 5, "the first call and three retries");
}

fn fast(timeout: Duration) -> WaitOptions {
    WaitOptions::new(timeout).with_first_delay(Duration::from_millis(5)).with_max_delay(Duration::from_millis(20))
}

#[tokio::test]
async fn wait_for_final_status_returns_once_paid() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("WAIT-PAID").await;
    let mut polls = 0;
    let sim = &shop.sim;
    let waited = shop
        .pesapal
        .wait_for_final_status_with(id, fast(WAIT), |progress| {
            polls += 1;
            if polls == 3 {
                assert_eq!(*progress, PaymentProgress::NoPaymentYet);
                sim.pay(id, PaymentMethod::Mpesa).unwrap();
            }
        })
        .await
        .unwrap();
    assert!(!waited.timed_out);
    assert_eq!(waited.last.payment_status(), PaymentStatus::Completed);
    assert_eq!(waited.polls, 4, "three unpaid polls, then the paid one");
}

#[tokio::test]
async fn a_failed_payment_is_not_final_and_the_wait_times_out() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("WAIT-FAILED").await;
    shop.sim.fail(id).unwrap();
    let waited = shop.pesapal.wait_for_final_status_with(id, fast(Duration::from_millis(200)), |_| {}).await.unwrap();
    assert!(waited.timed_out);
    assert_eq!(waited.last.payment_status(), PaymentStatus::Failed);
}

#[tokio::test]
async fn an_unpaid_order_times_out_with_no_payment() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("WAIT-UNPAID").await;
    let waited = shop.pesapal.wait_for_final_status_with(id, fast(Duration::ZERO), |_| {}).await.unwrap();
    assert_eq!((waited.timed_out, waited.polls, waited.last), (true, 1, PaymentProgress::NoPaymentYet));
}

#[tokio::test]
async fn a_reversed_payment_is_final() {
    let shop = shop(IpnMethod::Get).await;
    let (id, _) = paid(&shop, "WAIT-REVERSED").await;
    shop.sim.reverse(id).unwrap();
    let waited = shop.pesapal.wait_for_final_status(id, WAIT).await.unwrap();
    assert_eq!((waited.timed_out, waited.last.payment_status()), (false, PaymentStatus::Reversed));
}

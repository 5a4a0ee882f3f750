//! Each injected fault, seen through the SDK.

use crate::common::shop;
use pesapal_api::IpnMethod;
use pesapal_sim::{Faults, PaymentMethod};

#[tokio::test]
async fn a_5xx_answer_is_retried_for_idempotent_calls() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("F-5XX").await;
    shop.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    shop.sim.set_faults(Faults { fail_next: 2, ..Faults::default() });
    let status = shop.pesapal.transaction_status(id).await.expect("retried past two 503s");
    assert!(status.payment_status.is_paid());
    assert_eq!(shop.sim.fault_stats().errors, 2);
}

#[tokio::test]
async fn a_5xx_answer_to_a_payment_request_is_not_retried() {
    let shop = shop(IpnMethod::Get).await;
    shop.sim.set_faults(Faults { fail_next: 1, ..Faults::default() });
    let order = shop.order("F-5XX-SUBMIT").build().unwrap();
    let error = shop.pesapal.submit_order(&order).await.unwrap_err();
    assert_eq!(error.rejection().map(|r| r.http_status()), Some(503), "{error:?}");
    assert!(shop.sim.orders().is_empty(), "nothing was created");
    assert_eq!(shop.sim.fault_stats().errors, 1);
}

#[tokio::test]
async fn an_error_rate_of_one_exhausts_the_retries() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("F-RATE").await;
    shop.sim.set_faults(Faults { error_rate: 1.0, error_status: 502, ..Faults::default() });
    let error = shop.pesapal.transaction_status(id).await.unwrap_err();
    assert_eq!(error.rejection().map(|r| r.http_status()), Some(502), "{error:?}");
    assert_eq!(shop.sim.fault_stats().errors, 4, "the first call and three retries");
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_idempotent_calls() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("F-DROP").await;
    shop.sim.set_faults(Faults { drop_next: 1, ..Faults::default() });
    let error = shop.pesapal.transaction_status(id).await.unwrap_err();
    assert!(error.is_pending(), "answered after the retry: {error:?}");
    assert_eq!(shop.sim.fault_stats().dropped, 1);
}

#[tokio::test]
async fn a_dropped_payment_request_has_an_unknown_outcome_resent_once_with_the_same_reference() {
    let shop = shop(IpnMethod::Get).await;
    // Dropped twice (the request and the client's one resend): the outcome stays unknown.
    shop.sim.set_faults(Faults { drop_next: 2, ..Faults::default() });
    let order = shop.order("F-DROP-SUBMIT").build().unwrap();
    let error = shop.pesapal.submit_order(&order).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "the request was read, no answer came: {error:?}");
    assert_eq!(shop.sim.fault_stats().dropped, 2);
    assert!(shop.sim.orders().is_empty(), "neither was processed");
    // Dropped once: the resend (same reference) makes the one order.
    shop.sim.set_faults(Faults { drop_next: 1, ..Faults::default() });
    let submitted = shop.pesapal.submit_order(&order).await.expect("the resend's answer");
    assert_eq!(shop.sim.orders().len(), 1);
    assert_eq!(shop.sim.orders()[0].order_tracking_id, submitted.order_tracking_id);
}

#[tokio::test]
async fn latency_delays_but_answers() {
    let shop = shop(IpnMethod::Get).await;
    shop.sim.set_faults(Faults { latency_ms: 20, ..Faults::default() });
    let id = shop.submit("F-SLOW").await;
    assert!(shop.pesapal.transaction_status(id).await.unwrap_err().is_pending());
    assert_eq!(shop.sim.fault_stats().delayed, 2);
}

#[tokio::test]
async fn revoked_tokens_are_replaced() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("F-REVOKE").await;
    shop.sim.set_faults(Faults { revoke_tokens_after: Some(2), ..Faults::default() });
    for _ in 0..6 {
        assert!(shop.pesapal.transaction_status(id).await.unwrap_err().is_pending());
    }
    assert!(shop.sim.tokens_revoked() >= 2, "revoked {}", shop.sim.tokens_revoked());
    assert_eq!(shop.sim.tokens_issued(), 1 + shop.sim.tokens_revoked());
}

#[tokio::test]
async fn ipn_delivery_is_retried_until_acknowledged() {
    use axum::http::StatusCode;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let shop = shop(IpnMethod::Get).await;
    // A second merchant endpoint that fails twice, then acknowledges.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = axum::Router::new().route(
        "/flaky",
        axum::routing::get(move |axum::extract::RawQuery(query): axum::extract::RawQuery| {
            let counter = counter.clone();
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) < 2 {
                    return (StatusCode::INTERNAL_SERVER_ERROR, "try later".to_owned());
                }
                let n = pesapal_api::Notification::from_query(query.as_deref().unwrap_or_default()).unwrap();
                (StatusCode::OK, pesapal_api::Acknowledgement::received(&n).to_json())
            }
        }),
    );
    let url = format!("{}/flaky", crate::common::serve(app).await);
    let ipn = shop.pesapal.register_ipn(&url, IpnMethod::Get).await.unwrap();
    let order = shop.order("F-IPN").notification_id(ipn.notification_id().unwrap()).build().unwrap();
    let id = shop.pesapal.submit_order(&order).await.unwrap().order_tracking_id;
    shop.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    let delivery = shop.deliveries(id, 1).await.remove(0);
    assert!(delivery.acknowledged, "{delivery:?}");
    assert_eq!(delivery.attempts.len(), 3);
    assert_eq!(delivery.attempts[0].http_status, Some(500));
    assert!(!delivery.attempts[0].acknowledged);
    assert!(delivery.attempts[2].acknowledged);
}

#[tokio::test]
async fn ipn_delivery_gives_up_after_the_last_attempt() {
    let shop = shop(IpnMethod::Get).await;
    // Nothing listens on port 9 of loopback (discard): every call fails.
    let ipn = shop.pesapal.register_ipn("http://127.0.0.1:9/ipn", IpnMethod::Post).await.unwrap();
    let order = shop.order("F-GONE").notification_id(ipn.notification_id().unwrap()).build().unwrap();
    let id = shop.pesapal.submit_order(&order).await.unwrap().order_tracking_id;
    shop.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    let delivery = shop.deliveries(id, 1).await.remove(0);
    assert!(!delivery.acknowledged);
    assert_eq!(delivery.attempts.len(), 5);
    assert!(delivery.attempts.iter().all(|a| a.error.is_some()));
}

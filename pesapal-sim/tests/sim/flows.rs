//! The SDK's flows against the simulator: pay, IPN delivered and verified, refund, cancel,
//! failed then completed, reversal, recurring charges, STK, a token expiring mid-flow.

use crate::common::shop;
use pesapal_api::{Frequency, IpnMethod, NotificationType, PaymentStatus, RefundRequest, StkPushRequest, Subscription};
use pesapal_sim::{OrderStatus, PaymentMethod};
use rust_decimal::Decimal;
use std::time::Duration;

fn rejection_code(error: &pesapal_api::Error) -> Option<String> {
    error.rejection().and_then(|r| r.code().map(str::to_owned))
}

#[tokio::test]
async fn pay_ipn_verify_refund() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("ORDER-1").await;

    let pending = shop.pesapal.transaction_status(id).await.unwrap_err();
    assert!(pending.is_pending(), "unpaid order: {pending:?}");

    shop.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    let deliveries = shop.deliveries(id, 1).await;
    assert!(deliveries[0].acknowledged, "{deliveries:?}");
    assert_eq!(deliveries[0].notification_type, pesapal_sim::ipn::NotificationType::Ipnchange);
    assert_eq!(deliveries[0].attempts.len(), 1);

    let verified = shop.verified();
    assert_eq!(verified.len(), 1);
    let notification = verified[0].notification.as_ref().unwrap();
    assert_eq!(notification.merchant_reference, "ORDER-1");
    assert_eq!(notification.notification_type, NotificationType::IpnChange);
    assert!(verified[0].status.as_ref().unwrap().payment_status.is_paid());

    let status = shop.pesapal.transaction_status(id).await.unwrap();
    assert_eq!(status.payment_status, PaymentStatus::Completed);
    assert_eq!(status.amount, Some(Decimal::new(250000, 2)));
    assert_eq!(status.payment_method.as_deref(), Some("MpesaKE"));
    let code = status.confirmation_code.clone().expect("a confirmation code");
    assert!(!code.is_empty());

    let too_much = RefundRequest::builder()
        .confirmation_code(&code)
        .amount(Decimal::new(250001, 2))
        .username("jane")
        .remarks("too much")
        .build()
        .unwrap();
    let refused = shop.pesapal.refund(&too_much).await.unwrap_err();
    let message = |error: &pesapal_api::Error| error.rejection().and_then(|r| r.message().map(str::to_owned));
    assert_eq!(message(&refused).as_deref(), Some("Invalid amount provided. Please check your transaction details"));
    let part =
        RefundRequest::builder().confirmation_code(&code).amount(Decimal::ONE_HUNDRED).username("j").remarks("r");
    let refused = shop.pesapal.refund(&part.build().unwrap()).await.unwrap_err();
    assert!(message(&refused).is_some_and(|m| m.starts_with("Invalid amount")), "M-Pesa in full only: {refused:?}");

    let refund = RefundRequest::builder()
        .confirmation_code(&code)
        .amount(Decimal::new(250000, 2))
        .username("jane")
        .remarks("both bags");
    shop.pesapal.refund(&refund.build().unwrap()).await.expect("refund accepted");
    let unknown = RefundRequest::builder().confirmation_code("NOPE").amount(Decimal::ONE).username("j").remarks("r");
    let refused = shop.pesapal.refund(&unknown.build().unwrap()).await.unwrap_err();
    assert_eq!(rejection_code(&refused), None, "status and message only");
    assert_eq!(shop.sim.refunds().len(), 1);
}

#[tokio::test]
async fn post_ipn_is_delivered_as_json() {
    let shop = shop(IpnMethod::Post).await;
    let id = shop.submit("ORDER-POST").await;
    shop.sim.pay(id, PaymentMethod::Card).unwrap();
    let deliveries = shop.deliveries(id, 1).await;
    assert!(deliveries[0].acknowledged, "{deliveries:?}");
    assert_eq!(deliveries[0].method, pesapal_sim::IpnHttpMethod::Post);
    assert_eq!(shop.verified()[0].status.as_ref().unwrap().payment_method.as_deref(), Some("Visa"));
}

#[tokio::test]
async fn cancel_only_pending_or_failed_and_only_once() {
    let shop = shop(IpnMethod::Get).await;
    let pending = shop.submit("C-1").await;
    shop.pesapal.cancel_order(pending).await.expect("pending orders cancel");
    let again = shop.pesapal.cancel_order(pending).await.unwrap_err();
    let message = |error: &pesapal_api::Error| error.rejection().and_then(|r| r.message().map(str::to_owned));
    assert_eq!(
        message(&again).as_deref(),
        Some("Invalid order request. Transaction cannot be cancelled"),
        "as the sandbox answers"
    );
    assert!(shop.sim.pay(pending, PaymentMethod::Mpesa).is_err(), "a cancelled order cannot be paid");

    let failed = shop.submit("C-2").await;
    shop.sim.fail(failed).unwrap();
    shop.pesapal.cancel_order(failed).await.expect("failed orders cancel");

    let paid = shop.submit("C-3").await;
    shop.sim.pay(paid, PaymentMethod::Mpesa).unwrap();
    let refused = shop.pesapal.cancel_order(paid).await.unwrap_err();
    assert_eq!(
        (rejection_code(&refused), message(&refused).as_deref()),
        (None, Some("Invalid order request. Transaction cannot be cancelled"))
    );
}

#[tokio::test]
async fn failed_then_completed_with_a_new_confirmation_code() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("F-1").await;
    shop.sim.fail(id).unwrap();
    shop.deliveries(id, 1).await;
    let failed = shop.pesapal.transaction_status(id).await.unwrap();
    assert_eq!(failed.payment_status, PaymentStatus::Failed);

    shop.sim.pay(id, PaymentMethod::Card).unwrap();
    let deliveries = shop.deliveries(id, 2).await;
    assert!(deliveries.iter().all(|d| d.acknowledged), "{deliveries:?}");
    let completed = shop.pesapal.transaction_status(id).await.unwrap();
    assert_eq!(completed.payment_status, PaymentStatus::Completed);
    assert_ne!(completed.confirmation_code, failed.confirmation_code);
    let keys: Vec<String> = shop.verified().iter().map(|p| p.dedupe_key.to_string()).collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1], "each state is a distinct event");
    assert!(shop.sim.pay(id, PaymentMethod::Card).is_err(), "a completed order cannot be paid twice");
}

#[tokio::test]
async fn reversal() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("R-1").await;
    assert!(shop.sim.reverse(id).is_err(), "only completed payments reverse");
    shop.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    let code = shop.sim.order(id).unwrap().payment.unwrap().confirmation_code;
    shop.sim.reverse(id).unwrap();
    shop.deliveries(id, 2).await;
    let status = shop.pesapal.transaction_status(id).await.unwrap();
    assert_eq!(status.payment_status, PaymentStatus::Reversed);
    assert_eq!(status.status_code, Some(3));
    let refund = RefundRequest::builder().confirmation_code(&code).amount(Decimal::ONE).username("j").remarks("r");
    assert!(shop.pesapal.refund(&refund.build().unwrap()).await.is_err(), "a reversed payment is not refundable");
}

#[tokio::test]
async fn recurring_charge_after_advancing_the_clock() {
    let shop = shop(IpnMethod::Get).await;
    let today = shop.sim.now().date_naive();
    let subscription = Subscription::new(today, today + chrono::Duration::days(365), Frequency::Monthly);
    let order = shop.order("SUB-1").recurring("ACC-42", Some(subscription)).build().unwrap();
    let id = shop.pesapal.submit_order(&order).await.unwrap().order_tracking_id;

    assert!(shop.sim.advance_clock(Duration::from_secs(40 * 86_400)).is_empty(), "no charge before the first payment");
    shop.sim.pay(id, PaymentMethod::Card).unwrap();
    shop.deliveries(id, 1).await;
    let charges = shop.sim.advance_clock(Duration::from_secs(32 * 86_400));
    assert_eq!(charges.len(), 1, "one month passed: {charges:?}");
    let charge = charges[0].order_tracking_id;

    let delivery = shop.deliveries(charge, 1).await.remove(0);
    assert_eq!(delivery.notification_type, pesapal_sim::ipn::NotificationType::Recurring);
    assert_eq!(delivery.merchant_reference, "ACC-42");
    assert!(delivery.acknowledged, "{delivery:?}");

    let verified = shop.verified().into_iter().find(|p| p.order_tracking_id == charge).unwrap();
    assert_eq!(verified.notification.unwrap().notification_type, NotificationType::Recurring);
    let info = verified.status.unwrap().subscription.expect("subscription_transaction_info");
    assert_eq!(info.account_reference.as_deref(), Some("ACC-42"));
    assert_eq!(info.amount, Some(Decimal::new(250000, 2)));
    assert!(info.correlation_id.is_some());
    assert_eq!(shop.sim.order(charge).unwrap().status, OrderStatus::Completed);
}

#[tokio::test]
async fn stk_push_approved_on_the_phone() {
    let shop = shop(IpnMethod::Get).await;
    let push = StkPushRequest::builder()
        .order(shop.order("STK-1"))
        .msisdn("254723000111")
        .payment_method("MpesaKE")
        .build()
        .unwrap();
    let id = shop.pesapal.stk_push(&push).await.unwrap().order_tracking_id;
    assert!(shop.pesapal.transaction_status(id).await.unwrap_err().is_pending());
    shop.sim.approve_stk(id).unwrap();
    shop.deliveries(id, 1).await;
    let status = shop.pesapal.transaction_status(id).await.unwrap();
    assert!(status.payment_status.is_paid());
    assert_eq!(status.payment_account.as_deref(), Some("2547xxx00111"), "masked as the sandbox does");
}

#[tokio::test]
async fn a_token_that_expires_mid_flow_is_replaced() {
    let shop = shop(IpnMethod::Get).await;
    let id = shop.submit("T-1").await;
    assert_eq!(shop.sim.tokens_issued(), 1);
    // Two hours pass on the simulator's clock: the cached one-hour token is now refused with
    // 401, and the SDK fetches a new one and replays the call.
    shop.sim.advance_clock(Duration::from_secs(7200));
    shop.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    let status = shop.pesapal.transaction_status(id).await.expect("the call succeeds with a new token");
    assert!(status.payment_status.is_paid());
    assert_eq!(shop.sim.tokens_issued(), 2);
}

#[tokio::test]
async fn an_unknown_ipn_id_is_refused() {
    let shop = shop(IpnMethod::Get).await;
    let order = shop.order("X-1").notification_id(uuid::Uuid::new_v4()).build().unwrap();
    let refused = shop.pesapal.submit_order(&order).await.unwrap_err();
    assert_eq!(rejection_code(&refused).as_deref(), Some("invalid_api_request_parameters"), "as quoted");
    let message = refused.rejection().and_then(|r| r.message().map(str::to_owned));
    assert_eq!(message.as_deref(), Some("Invalid IPN URL ID provided.Check format and try again"));
}

#[tokio::test]
async fn wrong_credentials_are_refused() {
    let (sim, _spec_check) = crate::common::checked_simulator().await;
    let pesapal = pesapal_api::Pesapal::builder()
        .credentials(pesapal_api::Credentials::new(sim.consumer_key(), "wrong"))
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let error = pesapal.list_ipns().await.unwrap_err();
    assert!(matches!(error, pesapal_api::Error::Authentication(_)), "{error:?}");
    assert_eq!(rejection_code(&error).as_deref(), Some("invalid_consumer_key_or_secret_provided"));
}

#[tokio::test]
async fn ipns_are_listed_and_registering_again_makes_a_new_id() {
    let shop = shop(IpnMethod::Get).await;
    let again = shop.pesapal.register_ipn(&shop.ipn_url, IpnMethod::Get).await.unwrap();
    assert_ne!(again.notification_id(), Some(shop.ipn_id), "RegisterIPN is not idempotent");
    let list = shop.pesapal.list_ipns().await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|ipn| ipn.url == shop.ipn_url && ipn.active == Some(true)), "{list:?}");
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sim = pesapal_sim::Simulator::start().await.unwrap();
    let address = sim.address();
    sim.shutdown().await;
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

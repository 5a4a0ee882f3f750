//! Every verdict, from recorded GetTransactionStatus answers served as they were recorded, through
//! `Pesapal::confirm`: paid as expected, paid otherwise (another amount; a TZS order charged in
//! USD, as the sandbox did, unless the merchant accepts the conversion), paid (nothing to check
//! against, in a reconciliation), not paid yet, failed, reversed, a recurring charge named by its
//! account number, a reference mismatch; and the deduplication key, the same from every path.

use crate::common::*;
use futures_util::StreamExt;
use httpmock::prelude::*;
use pesapal_api::{Charge, Confirmation, Decimal, Expectation, Uuid, Verdict};

/// `Pesapal::confirm` of `expected` against `body`, served verbatim.
async fn confirm(body: &'static str, expected: &Expectation) -> Confirmation {
    let server = server_with_token().await;
    verbatim(&server, GET, "/api/Transactions/GetTransactionStatus", body).await;
    client(&server).confirm(TRACKING_ID.parse().unwrap(), expected).await.expect("a confirmation")
}

fn kes(reference: &str, amount: Decimal) -> Expectation {
    Expectation::new(reference, amount, "KES")
}

#[tokio::test]
async fn paid_as_expected_and_paid_otherwise() {
    let paid =
        confirm(recording!("GetTransactionStatus", "200-completed.json"), &kes("ORDER-1001", Decimal::TEN)).await;
    assert_eq!(paid.verdict, Verdict::PaidAsExpected);
    assert_eq!(paid.dedupe_key.as_str(), format!("{TRACKING_ID}:SE12ABC3DE:1"));
    let more =
        confirm(recording!("GetTransactionStatus", "200-completed.json"), &kes("ORDER-1001", Decimal::new(1500, 2)))
            .await;
    assert_eq!(
        more.verdict,
        Verdict::PaidOtherwise {
            expected: Charge::new(Decimal::new(1500, 2), "KES"),
            charged: Some(Charge::new(Decimal::TEN, "KES")),
        }
    );
}

#[tokio::test]
async fn a_tzs_order_charged_in_usd_is_paid_otherwise_unless_the_conversion_is_accepted() {
    let body = recording!("GetTransactionStatus", "200-sandbox-2025-11-09-status-card-completed.json");
    let tzs = Expectation::new("TX-testing5", Decimal::new(1000, 0), "TZS");
    let blind = confirm(body, &tzs).await;
    assert_eq!(
        blind.verdict,
        Verdict::PaidOtherwise {
            expected: Charge::new(Decimal::new(1000, 0), "TZS"),
            charged: Some(Charge::new(Decimal::new(4, 1), "USD")),
        },
        "neither accepted blindly nor refused: both sides shown"
    );
    let at_rate = tzs.clone().or_converted_at("USD", Decimal::new(4, 4), Decimal::new(5, 2));
    assert_eq!(confirm(body, &at_rate).await.verdict, Verdict::PaidAsExpected);
    let in_range = tzs.clone().or_charged_in("usd", Decimal::new(38, 2), Decimal::new(42, 2));
    assert_eq!(confirm(body, &in_range).await.verdict, Verdict::PaidAsExpected);
    let too_little = tzs.or_charged_in("USD", Decimal::new(50, 2), Decimal::new(60, 2));
    assert!(matches!(confirm(body, &too_little).await.verdict, Verdict::PaidOtherwise { .. }));
}

#[tokio::test]
async fn not_paid_yet_failed_and_reversed() {
    let pending = confirm(
        recording!("GetTransactionStatus", "200-pending-payment-details-not-found.json"),
        &kes("ORDER-1001", Decimal::TEN),
    )
    .await;
    assert_eq!((pending.verdict, pending.status), (Verdict::NotPaidYet, None));
    let failed =
        confirm(recording!("GetTransactionStatus", "200-failed.json"), &kes("1515111111", Decimal::ONE_HUNDRED)).await;
    assert_eq!(failed.verdict, Verdict::Failed);
    let reversed =
        confirm(recording!("GetTransactionStatus", "200-reversed.json"), &kes("ORDER-1001", Decimal::TEN)).await;
    assert_eq!(reversed.verdict, Verdict::Reversed);
    assert_ne!(
        reversed.dedupe_key,
        confirm(recording!("GetTransactionStatus", "200-completed.json"), &kes("ORDER-1001", Decimal::TEN))
            .await
            .dedupe_key
    );
}

#[tokio::test]
async fn a_recurring_charge_is_named_by_its_account_number() {
    let charge =
        confirm(recording!("GetTransactionStatus", "200-recurring-charge.json"), &kes("555-678", Decimal::ONE_HUNDRED))
            .await;
    assert_eq!(charge.verdict, Verdict::PaidAsExpected);
}

#[tokio::test]
async fn another_orders_payment_is_a_reference_mismatch() {
    let other =
        confirm(recording!("GetTransactionStatus", "200-completed.json"), &kes("ORDER-2002", Decimal::TEN)).await;
    assert_eq!(
        other.verdict,
        Verdict::ReferenceMismatch { expected: "ORDER-2002".into(), actual: Some("ORDER-1001".into()) }
    );
    assert!(!other.verdict.concerns_a_payment());
}

#[tokio::test]
async fn one_dedupe_key_from_polling_notification_and_reconciliation() {
    let server = server_with_token().await;
    status_says(&server, completed("ORDER-1")).await;
    let pesapal = client(&server);
    let id: Uuid = TRACKING_ID.parse().unwrap();
    let expected = kes("ORDER-1", Decimal::TEN);
    let polled = pesapal.confirm(id, &expected).await.unwrap();
    let notification = pesapal_api::Notification::from_query(&format!(
        "OrderTrackingId={TRACKING_ID}&OrderMerchantReference=ORDER-1&OrderNotificationType=IPNCHANGE"
    ))
    .unwrap();
    let notified = pesapal.confirm_notification(&notification, &expected).await.unwrap();
    let verified = pesapal.verify_notification(&notification).await.unwrap();
    let reconciled = pesapal.reconcile([(id, expected.clone())], 4).next().await.unwrap().outcome.unwrap();
    assert_eq!(polled.dedupe_key, notified.dedupe_key);
    assert_eq!(polled.dedupe_key, reconciled.dedupe_key);
    assert_eq!(polled.dedupe_key.as_str(), verified.dedupe_key);
    assert_eq!((polled.verdict, notified.verdict), (Verdict::PaidAsExpected, Verdict::PaidAsExpected));
    // Without an expectation, a reconciliation by tracking id says "paid", unchecked.
    let unchecked = pesapal.reconcile([id], 4).next().await.unwrap().outcome.unwrap();
    assert_eq!(unchecked.verdict, Verdict::Paid);
}

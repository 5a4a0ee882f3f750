//! Notification verification: a notification is only a hint; GetTransactionStatus decides.

use crate::common::*;
use pesapal_api::{Acknowledgement, Notification, NotificationType, PaymentStatus, VerificationError};
use serde_json::json;

fn ipn(reference: &str, kind: &str) -> Notification {
    Notification::from_query(&format!(
        "OrderTrackingId={TRACKING_ID}&OrderMerchantReference={reference}&OrderNotificationType={kind}"
    ))
    .unwrap()
}

#[tokio::test]
async fn a_genuine_notification_is_verified_with_a_stable_dedupe_key() {
    let server = server_with_token().await;
    let status = status_says(&server, completed("ORDER-1")).await;
    let pesapal = client(&server);
    let first = pesapal.verify_notification(&ipn("ORDER-1", "IPNCHANGE")).await.unwrap();
    assert_eq!(first.status.payment_status, PaymentStatus::Completed);
    assert_eq!(first.dedupe_key, format!("{TRACKING_ID}:QX12ABC:1"));
    // Pesapal repeats notifications (GET or POST, JSON or form): same payment, same key.
    let body = format!(
        r#"{{"orderTrackingId":"{TRACKING_ID}","orderMerchantReference":"ORDER-1","orderNotificationType":"IPNCHANGE"}}"#
    );
    let again = pesapal.verify_notification(&Notification::from_body(body.as_bytes()).unwrap()).await.unwrap();
    assert_eq!(again.dedupe_key, first.dedupe_key);
    status.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_forged_notification_for_an_unknown_order_is_never_paid() {
    let server = server_with_token().await;
    status_says(&server, pending()).await;
    let notification = ipn("ORDER-1", "IPNCHANGE");
    let error = client(&server).verify_notification(&notification).await.unwrap_err();
    assert!(matches!(error, VerificationError::Status(ref e) if e.is_pending()), "{error:?}");
    assert!(Acknowledgement::failed(&notification).to_json().ends_with("\"status\":500}"));
}

#[tokio::test]
async fn a_mismatched_merchant_reference_is_rejected() {
    let server = server_with_token().await;
    status_says(&server, completed("ORDER-1")).await;
    let error = client(&server).verify_notification(&ipn("SOMEONE-ELSES", "IPNCHANGE")).await.unwrap_err();
    assert!(
        matches!(error, VerificationError::ReferenceMismatch { ref notified, ref actual, .. } if notified == "SOMEONE-ELSES" && actual.as_deref() == Some("ORDER-1")),
        "{error:?}"
    );
}

#[tokio::test]
async fn recurring_notifications_match_the_account_number() {
    let server = server_with_token().await;
    let mut body = completed("1515111111");
    body["subscription_transaction_info"] = json!({"account_reference": "555-678", "amount": 100, "first_name": "John", "last_name": "Doe", "correlation_id": 111222});
    status_says(&server, body).await;
    let verified = client(&server).verify_notification(&ipn("555-678", "RECURRING")).await.unwrap();
    assert_eq!(verified.notification.notification_type, NotificationType::Recurring);
    assert_eq!(verified.status.subscription.unwrap().correlation_id.as_deref(), Some("111222"));
}

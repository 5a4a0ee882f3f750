//! The `test-util` feature as a user's tests use it: a handler tested with GetTransactionStatus
//! answered by the seam (no server), and the values the library hands out, made as it makes them.

use pesapal_api::test_util::{
    StatusAnswer, client_answering_status, confirmation, dedupe_key, notification, notification_query, status,
    verified_payment,
};
use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint, Uuid, Verdict};
use std::sync::{Arc, Mutex};

/// The merchant's handler under test: credits what is paid as expected.
fn shop(
    pesapal: pesapal_api::Pesapal,
) -> (PaymentEndpoint<impl pesapal_api::Expectations, impl pesapal_api::PaymentHandler>, Arc<Mutex<Vec<Uuid>>>) {
    let credited = Arc::new(Mutex::new(Vec::new()));
    let record = credited.clone();
    let endpoint = PaymentEndpoint::new(
        pesapal,
        async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::TEN, "KES"))),
        async move |confirmation: Confirmation| {
            if confirmation.verdict == Verdict::PaidAsExpected {
                record.lock().unwrap().push(confirmation.order_tracking_id);
            }
            Ok::<(), std::io::Error>(())
        },
    );
    (endpoint, credited)
}

#[tokio::test]
async fn a_handler_tested_with_the_status_seam_credits_once_and_only_what_is_paid_as_expected() {
    let (paid, short, pending) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
    let pesapal = client_answering_status(move |id| match id {
        id if id == paid => StatusAnswer::Status(status().merchant_reference("ORDER-1")),
        id if id == short => StatusAnswer::Status(status().merchant_reference("ORDER-2").amount(Decimal::ONE, "KES")),
        id if id == pending => StatusAnswer::NotPaidYet,
        _ => StatusAnswer::UnknownOrder,
    });
    let (endpoint, credited) = shop(pesapal);
    let ipn = |id: Uuid, reference: &str| {
        let query = notification_query(id, reference);
        let endpoint = &endpoint;
        async move { endpoint.ipn("GET", Some(&query), b"").await.status() }
    };
    assert_eq!(ipn(paid, "ORDER-1").await, 200);
    assert_eq!(ipn(paid, "ORDER-1").await, 200, "a repeat is acknowledged");
    assert_eq!(ipn(short, "ORDER-2").await, 200, "paid otherwise: acted on (not credited)");
    assert_eq!(ipn(pending, "ORDER-3").await, 500);
    assert_eq!(ipn(Uuid::from_u128(4), "ORDER-4").await, 500);
    assert_eq!(*credited.lock().unwrap(), [paid], "credited once, and only the payment as expected");
}

#[test]
fn the_values_the_library_hands_out_are_made_as_it_makes_them() {
    let id = Uuid::from_u128(9);
    let paid = status().confirmation_code("QX12ABC").build();
    let verified = verified_payment(notification(id, "ORDER-1"), paid.clone());
    assert_eq!(verified.dedupe_key, format!("{id}:QX12ABC:1"));
    assert_eq!(dedupe_key(id, Some(&paid)).as_str(), verified.dedupe_key);
    let expected = Expectation::new("ORDER-1", Decimal::TEN, "KES");
    assert_eq!(confirmation(id, Some(paid), Some(&expected)).verdict, Verdict::PaidAsExpected);
    assert_eq!(confirmation(id, None, Some(&expected)).verdict, Verdict::NotPaidYet);
    let usd = status().amount(Decimal::new(4, 1), "USD").build();
    assert!(matches!(confirmation(id, Some(usd), Some(&expected)).verdict, Verdict::PaidOtherwise { .. }));
    let recurring = status().recurring("ACC-42").merchant_reference("SUB-1").build();
    let expected = Expectation::new("ACC-42", Decimal::TEN, "KES");
    assert_eq!(confirmation(id, Some(recurring), Some(&expected)).verdict, Verdict::PaidAsExpected);
    assert_eq!(status().reversed().build().payment_status, pesapal_api::PaymentStatus::Reversed);
}

//! Every verdict against the simulator, a TZS order paid by the card the simulator charges in US
//! dollars among them (as the sandbox charged 0.4 USD for 1000 TZS).

use crate::support::started;
use pesapal_api::{Charge, Decimal, Expectation, Verdict};
use pesapal_sim::{Instrument, PaymentMethod, test_values};

#[tokio::test]
async fn every_verdict_from_the_simulator() {
    let (sim, pesapal, ipn_id) = started().await;
    let submit = |reference: &'static str, amount: Decimal, currency: &'static str| {
        let pesapal = pesapal.clone();
        async move {
            let order = pesapal_test_support::order()
                .merchant_reference(reference)
                .amount(amount)
                .currency(currency)
                .notification_id(ipn_id)
                .build()
                .unwrap();
            pesapal.submit_order(&order).await.unwrap().order_tracking_id
        }
    };
    let verdict = |id, expected: Expectation| {
        let pesapal = pesapal.clone();
        async move { pesapal.confirm(id, &expected).await.unwrap().verdict }
    };
    let kes = |reference: &str, amount: Decimal| Expectation::new(reference, amount, "KES");

    let paid = submit("V-PAID", Decimal::TEN, "KES").await;
    assert_eq!(verdict(paid, kes("V-PAID", Decimal::TEN)).await, Verdict::NotPaidYet);
    sim.pay(paid, PaymentMethod::Mpesa).unwrap();
    assert_eq!(verdict(paid, kes("V-PAID", Decimal::TEN)).await, Verdict::PaidAsExpected);
    assert!(matches!(verdict(paid, kes("V-PAID", Decimal::ONE_HUNDRED)).await, Verdict::PaidOtherwise { .. }));
    assert_eq!(
        verdict(paid, kes("V-OTHER", Decimal::TEN)).await,
        Verdict::ReferenceMismatch { expected: "V-OTHER".into(), actual: Some("V-PAID".into()) }
    );
    sim.reverse(paid).unwrap();
    assert_eq!(verdict(paid, kes("V-PAID", Decimal::TEN)).await, Verdict::Reversed);

    let failed = submit("V-FAILED", Decimal::TEN, "KES").await;
    sim.fail(failed).unwrap();
    assert_eq!(verdict(failed, kes("V-FAILED", Decimal::TEN)).await, Verdict::Failed);

    let tzs = submit("V-TZS", Decimal::new(1000, 0), "TZS").await;
    sim.pay_with(tzs, &Instrument::Card(test_values::CARD_CHARGED_IN_USD.into())).unwrap();
    let expected = Expectation::new("V-TZS", Decimal::new(1000, 0), "TZS");
    assert_eq!(
        verdict(tzs, expected.clone()).await,
        Verdict::PaidOtherwise {
            expected: Charge::new(Decimal::new(1000, 0), "TZS"),
            charged: Some(Charge::new(Decimal::new(40, 2), "USD")),
        },
        "charged in dollars: neither accepted blindly nor refused"
    );
    let converted = expected.or_converted_at("USD", Decimal::ONE / test_values::USD_RATE, Decimal::new(2, 2));
    assert_eq!(verdict(tzs, converted).await, Verdict::PaidAsExpected);
}

//! Reconciliation against the simulator: many orders at once, a bounded number in flight, each
//! with its verdict (paid, not paid yet, failed, reversed) or its error (an unknown tracking
//! id), whether or not their IPNs arrived.

use crate::support::started;
use futures_util::StreamExt;
use pesapal_api::{Decimal, Expectation, Uuid, Verdict};
use pesapal_sim::{IpnControls, PaymentMethod};

#[tokio::test]
async fn paid_pending_failed_reversed_and_unknown_orders_with_ipns_dropped() {
    let (sim, pesapal, ipn_id) = started().await;
    sim.set_ipn_controls(IpnControls { drop: true, ..IpnControls::default() });
    let mut orders = Vec::new();
    for reference in ["R-PAID", "R-PENDING", "R-FAILED", "R-REVERSED"] {
        let order =
            pesapal_test_support::order().merchant_reference(reference).notification_id(ipn_id).build().unwrap();
        orders.push((pesapal.submit_order(&order).await.unwrap().order_tracking_id, reference));
    }
    sim.pay(orders[0].0, PaymentMethod::Mpesa).unwrap();
    sim.fail(orders[2].0).unwrap();
    sim.pay(orders[3].0, PaymentMethod::Mpesa).unwrap();
    sim.reverse(orders[3].0).unwrap();
    let unknown = Uuid::new_v4();
    let mut lookups: Vec<(Uuid, Expectation)> =
        orders.iter().map(|(id, reference)| (*id, Expectation::new(*reference, Decimal::TEN, "KES"))).collect();
    lookups.push((unknown, Expectation::new("R-UNKNOWN", Decimal::TEN, "KES")));

    let lines: Vec<_> = pesapal.reconcile(lookups, 2).collect().await;
    let ids: Vec<Uuid> = lines.iter().map(|line| line.order_tracking_id).collect();
    assert_eq!(ids, [orders[0].0, orders[1].0, orders[2].0, orders[3].0, unknown], "in the order given");
    let verdicts: Vec<_> = lines[..4].iter().map(|line| line.outcome.as_ref().unwrap().verdict.clone()).collect();
    assert_eq!(verdicts, [Verdict::PaidAsExpected, Verdict::NotPaidYet, Verdict::Failed, Verdict::Reversed]);
    assert!(lines[4].failed(), "an unknown tracking id is a line with its error: {:?}", lines[4]);
    assert!(sim.deliveries().iter().all(|d| d.dropped), "no IPN arrived");
}

#[tokio::test]
async fn a_thousand_orders_with_eight_in_flight_each_get_a_line() {
    let (sim, pesapal, ipn_id) = started().await;
    let order = pesapal_test_support::order().merchant_reference("R-MANY").notification_id(ipn_id).build().unwrap();
    let paid = pesapal.submit_order(&order).await.unwrap().order_tracking_id;
    sim.pay(paid, PaymentMethod::Card).unwrap();
    let lines: Vec<_> = pesapal.reconcile(std::iter::repeat_n(paid, 1000), 8).collect().await;
    assert_eq!(lines.len(), 1000);
    assert!(lines.iter().all(|line| matches!(&line.outcome, Ok(c) if c.verdict == Verdict::Paid)));
}

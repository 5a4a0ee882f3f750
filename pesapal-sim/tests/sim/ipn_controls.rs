//! IPN delivery controls (delay, duplicates, drop, out of order) against a merchant built with
//! `pesapal_api::axum::ipn_router`, whose endpoint acts once per `dedupe_key` (its dedupe store):
//! every payment is acted on once, and the state the merchant acted on last is what
//! GetTransactionStatus says.

use crate::common::{SpecCheck, WAIT, checked_simulator, client, expectations, order, serve};
use pesapal_api::{Confirmation, IpnMethod, PaymentEndpoint, PaymentStatus, Pesapal};
use pesapal_sim::{Delivery, IpnControls, PaymentMethod, Simulator};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// A merchant whose IPN endpoint acts on each `dedupe_key` once.
struct Merchant {
    sim: Simulator,
    pesapal: Pesapal,
    ipn_id: Uuid,
    /// What the merchant acted on (new dedupe keys only, by the endpoint's store): the order and
    /// its status then.
    acted: Arc<Mutex<Vec<(Uuid, PaymentStatus)>>>,
    /// Notifications received (repeats included).
    received: Arc<Mutex<u32>>,
    _spec_check: SpecCheck,
}

impl Merchant {
    async fn start() -> Merchant {
        let (sim, spec_check) = checked_simulator().await;
        let pesapal = client(&sim);
        let acted: Arc<Mutex<Vec<(Uuid, PaymentStatus)>>> = Arc::default();
        let received = Arc::new(Mutex::new(0));
        let (actions, count) = (acted.clone(), received.clone());
        let endpoint = PaymentEndpoint::new(
            pesapal.clone(),
            // Every notification is looked up: the count includes repeats.
            async move |reference: String| {
                *count.lock().unwrap() += 1;
                expectations(reference).await
            },
            async move |confirmation: Confirmation| {
                let status = confirmation.status.expect("a payment").payment_status;
                actions.lock().unwrap().push((confirmation.order_tracking_id, status));
                Ok::<(), std::convert::Infallible>(())
            },
        );
        let app = pesapal_api::axum::ipn_router("/ipn", endpoint);
        let url = format!("{}/ipn", serve(app).await);
        let ipn_id = pesapal.register_ipn(&url, IpnMethod::Get).await.unwrap().notification_id().unwrap();
        Merchant { sim, pesapal, ipn_id, acted, received, _spec_check: spec_check }
    }

    async fn submit(&self, reference: &str) -> Uuid {
        let order = order(reference, self.ipn_id).build().unwrap();
        self.pesapal.submit_order(&order).await.unwrap().order_tracking_id
    }

    async fn finished(&self, id: Uuid, n: usize) -> Vec<Delivery> {
        self.sim.wait_for_deliveries(n, WAIT, |d| d.order_tracking_id == id).await.expect("deliveries finish")
    }

    /// The payment was acted on exactly once, in the state GetTransactionStatus says now.
    async fn acted_once_on_the_final_state(&self, id: Uuid) {
        let final_status = self.pesapal.transaction_status(id).await.unwrap().payment_status;
        let acted = self.acted.lock().unwrap().clone();
        let mine: Vec<_> = acted.iter().filter(|(order, _)| *order == id).collect();
        assert_eq!(mine, vec![&(id, final_status)], "acted once, on the final state: {acted:?}");
    }
}

#[tokio::test]
async fn delayed_deliveries_arrive_later() {
    let merchant = Merchant::start().await;
    merchant.sim.set_ipn_controls(IpnControls { delay_ms: 300, ..IpnControls::default() });
    let id = merchant.submit("D-1").await;
    let paid_at = chrono::Utc::now();
    merchant.sim.pay(id, PaymentMethod::Mpesa).unwrap();
    assert!(merchant.sim.deliveries()[0].attempts.is_empty(), "not called yet");
    let delivered = merchant.finished(id, 1).await;
    assert!(delivered[0].acknowledged);
    // A lower bound the delay guarantees (a sleep never ends early), not a measured speed.
    let waited = delivered[0].attempts[0].at - paid_at;
    assert!(waited >= chrono::Duration::milliseconds(300), "called after {waited}");
    merchant.acted_once_on_the_final_state(id).await;
}

#[tokio::test]
async fn duplicates_are_acted_on_once() {
    let merchant = Merchant::start().await;
    merchant.sim.set_ipn_controls(IpnControls { duplicates: 2, ..IpnControls::default() });
    let id = merchant.submit("DUP-1").await;
    merchant.sim.pay(id, PaymentMethod::Card).unwrap();
    let delivered = merchant.finished(id, 3).await;
    assert!(delivered.iter().all(|d| d.acknowledged), "{delivered:?}");
    assert_eq!(delivered.iter().filter(|d| d.duplicate_of.is_some()).count(), 2);
    assert_eq!(*merchant.received.lock().unwrap(), 3);
    merchant.acted_once_on_the_final_state(id).await;
}

#[tokio::test]
async fn a_dropped_notification_is_found_by_polling() {
    let merchant = Merchant::start().await;
    let (dropped, delivered) = (merchant.submit("DROP-1").await, merchant.submit("DROP-2").await);
    merchant.sim.set_order_ipn_controls(dropped, IpnControls { drop: true, ..IpnControls::default() });
    merchant.sim.pay(dropped, PaymentMethod::Mpesa).unwrap();
    merchant.sim.pay(delivered, PaymentMethod::Mpesa).unwrap();
    merchant.finished(delivered, 1).await;
    let lost = merchant.finished(dropped, 1).await;
    assert!(lost[0].dropped && lost[0].attempts.is_empty(), "{lost:?}");
    assert_eq!(*merchant.received.lock().unwrap(), 1, "only the other order's IPN arrived");
    // The IPN never comes: GetTransactionStatus is the truth.
    let status = merchant.pesapal.transaction_status(dropped).await.unwrap();
    assert_eq!(status.payment_status, PaymentStatus::Completed);
    merchant.acted_once_on_the_final_state(delivered).await;
}

#[tokio::test]
async fn a_failed_notification_after_completed_changes_nothing() {
    let merchant = Merchant::start().await;
    let id = merchant.submit("OOO-1").await;
    merchant.sim.set_order_ipn_controls(id, IpnControls { out_of_order: true, ..IpnControls::default() });
    merchant.sim.fail(id).unwrap();
    assert!(merchant.sim.deliveries()[0].held, "the FAILED notification waits");
    merchant.sim.pay(id, PaymentMethod::Card).unwrap();
    let delivered = merchant.finished(id, 2).await;
    let (failed, completed) = (&delivered[0], &delivered[1]);
    assert!(failed.acknowledged && completed.acknowledged, "{delivered:?}");
    assert!(
        completed.attempts[0].at <= failed.attempts[0].at,
        "the COMPLETED notification arrived first: {delivered:?}"
    );
    assert_eq!(*merchant.received.lock().unwrap(), 2);
    merchant.acted_once_on_the_final_state(id).await;
    assert_eq!(merchant.pesapal.transaction_status(id).await.unwrap().payment_status, PaymentStatus::Completed);
}

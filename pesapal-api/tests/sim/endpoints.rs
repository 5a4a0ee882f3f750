//! The payment endpoint served by axum and by actix-web, with the simulator delivering IPNs:
//! each payment acted on once, duplicates and out-of-order notifications included.

use crate::support::client;
use pesapal_api::{Confirmation, Decimal, Expectation, IpnMethod, PaymentEndpoint, Pesapal, Verdict};
use pesapal_sim::{IpnControls, PaymentMethod, Simulator};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

type Acted = Arc<Mutex<Vec<(pesapal_api::Uuid, Verdict)>>>;

/// The endpoint of a shop whose every order is KES 10.00, recording what it acts on.
fn endpoint(
    pesapal: Pesapal,
) -> (PaymentEndpoint<impl pesapal_api::Expectations, impl pesapal_api::PaymentHandler>, Acted) {
    let acted: Acted = Arc::default();
    let record = acted.clone();
    let endpoint = PaymentEndpoint::new(
        pesapal,
        async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::TEN, "KES"))),
        async move |confirmation: Confirmation| {
            record.lock().unwrap().push((confirmation.order_tracking_id, confirmation.verdict));
            Ok::<(), std::io::Error>(())
        },
    );
    (endpoint, acted)
}

/// Pays an order notified to `ipn_url`, its IPN sent three times; then fails and pays another,
/// the FAILED notification held back until after the COMPLETED one. Checks that each payment
/// state was acted on once.
async fn pays_with_duplicates_and_out_of_order(sim: &Simulator, pesapal: &Pesapal, ipn_url: &str, acted: &Acted) {
    let ipn_id = pesapal.ensure_ipn(ipn_url, IpnMethod::Get).await.unwrap().notification_id().unwrap();
    let order = |reference: &str| {
        pesapal_test_support::order().merchant_reference(reference).notification_id(ipn_id).build().unwrap()
    };
    let duplicated = pesapal.submit_order(&order("E-DUP")).await.unwrap().order_tracking_id;
    sim.set_order_ipn_controls(duplicated, IpnControls { duplicates: 2, ..IpnControls::default() });
    sim.pay(duplicated, PaymentMethod::Mpesa).unwrap();
    let delivered = sim.wait_for_deliveries(3, WAIT, |d| d.order_tracking_id == duplicated).await.unwrap();
    assert!(delivered.iter().all(|d| d.acknowledged), "{delivered:?}");

    let reordered = pesapal.submit_order(&order("E-OOO")).await.unwrap().order_tracking_id;
    sim.set_order_ipn_controls(reordered, IpnControls { out_of_order: true, ..IpnControls::default() });
    sim.fail(reordered).unwrap();
    sim.pay(reordered, PaymentMethod::Card).unwrap();
    let delivered = sim.wait_for_deliveries(2, WAIT, |d| d.order_tracking_id == reordered).await.unwrap();
    assert!(delivered.iter().all(|d| d.acknowledged), "{delivered:?}");

    let acted = acted.lock().unwrap().clone();
    assert_eq!(
        acted,
        [(duplicated, Verdict::PaidAsExpected), (reordered, Verdict::PaidAsExpected)],
        "each payment acted on once, in the state GetTransactionStatus says"
    );
}

#[tokio::test]
async fn the_axum_endpoint_acts_once_per_payment() {
    let sim = Simulator::start().await.unwrap();
    let pesapal = client(&sim);
    let (endpoint, acted) = endpoint(pesapal.clone());
    let app: axum::Router = pesapal_api::axum::ipn_router("/ipn", endpoint);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ipn", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    pays_with_duplicates_and_out_of_order(&sim, &pesapal, &url, &acted).await;
}

#[cfg(feature = "actix")]
#[tokio::test]
async fn the_actix_endpoint_acts_once_per_payment() {
    let sim = Simulator::start().await.unwrap();
    let pesapal = client(&sim);
    let (endpoint, acted) = endpoint(pesapal.clone());
    let endpoint = Arc::new(endpoint);
    // actix-web runs its own runtime, on a thread of its own.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ipn", listener.local_addr().unwrap());
    let (started, server) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || {
                actix_web::App::new().service(pesapal_api::actix::ipn_resource("/ipn", endpoint.clone()))
            })
            .workers(1)
            .listen(listener)
            .unwrap()
            .run();
            started.send(server.handle()).unwrap();
            server.await
        })
    });
    let server = server.recv().unwrap();
    pays_with_duplicates_and_out_of_order(&sim, &pesapal, &url, &acted).await;
    server.stop(true).await;
}

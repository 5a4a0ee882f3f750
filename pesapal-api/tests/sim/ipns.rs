//! IPN registrations against the simulator: `ensure_ipn` leaves one registration however often
//! it runs (Pesapal makes a new `ipn_id` on every RegisterIPN call).

use crate::support::client;
use pesapal_api::IpnMethod;
use pesapal_sim::Simulator;

#[tokio::test]
async fn two_ensure_ipn_calls_leave_one_registration() {
    let sim = Simulator::start().await.unwrap();
    let pesapal = client(&sim);
    let url = "http://127.0.0.1:9/pesapal/ipn";
    let first = pesapal.ensure_ipn(url, IpnMethod::Get).await.unwrap();
    let second = pesapal.ensure_ipn(url, IpnMethod::Get).await.unwrap();
    assert_eq!(second.ipn_id, first.ipn_id);
    let registered: Vec<_> = sim.ipns().into_iter().filter(|ipn| ipn.url == url).collect();
    assert_eq!(registered.len(), 1, "{registered:?}");
}

//! What the tests against the simulator share: a client of it, and a simulator already set up.

use pesapal_api::Pesapal;
use pesapal_sim::Simulator;

/// A client of `sim` with fast retries.
pub fn client(sim: &Simulator) -> Pesapal {
    pesapal_test_support::client(sim.base_url(), sim.consumer_key(), sim.consumer_secret(), 3)
}

/// A simulator with an IPN registration (its URL answers nothing) and a client of it.
pub async fn started() -> (Simulator, Pesapal, pesapal_api::Uuid) {
    let sim = Simulator::start().await.expect("the simulator starts");
    let pesapal = client(&sim);
    let ipn = pesapal.register_ipn("http://127.0.0.1:9/ipn", pesapal_api::IpnMethod::Get).await.expect("RegisterIPN");
    let ipn_id = ipn.notification_id().expect("a GUID");
    (sim, pesapal, ipn_id)
}

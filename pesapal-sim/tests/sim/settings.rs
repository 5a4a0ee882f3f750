//! The settings a simulator starts with (`SimConfig`; the binary's flags) are in force from the
//! start, and a reset returns to them: IPN controls, faults, the clock's offset.

use crate::common::http::Http;
use pesapal_sim::{Faults, IpnControls, SimConfig, Simulator};
use std::time::Duration;

#[tokio::test]
async fn starting_settings_hold_from_the_start_and_after_a_reset() {
    let ipn_controls = IpnControls { delay_ms: 5, duplicates: 1, drop: true, out_of_order: false };
    let faults = Faults { fail_next: 2, ..Faults::default() };
    let config = SimConfig {
        ipn_controls: ipn_controls.clone(),
        faults: faults.clone(),
        clock_offset: Duration::from_secs(3600),
        ..SimConfig::default()
    };
    let sim = Simulator::start_with(config).await.unwrap();
    let http = Http::new(sim.base_url());
    let get = |path: &'static str| {
        let http = &http;
        async move { http.control(reqwest::Method::GET, &format!("/_sim{path}"), None).await.1 }
    };
    let offset = |sim: &Simulator| (sim.now() - chrono::Utc::now()).num_seconds();

    assert_eq!(get("/ipn/controls").await["all"], serde_json::to_value(&ipn_controls).unwrap());
    assert_eq!(get("/faults").await["faults"]["fail_next"], 2);
    assert_eq!(get("/clock").await["offset_seconds"], 3600);
    assert!((3599..=3600).contains(&offset(&sim)));

    sim.set_ipn_controls(IpnControls::default());
    sim.set_faults(Faults::default());
    sim.advance_clock(Duration::from_secs(60));
    assert_eq!(get("/clock").await["offset_seconds"], 3660);

    sim.reset();
    assert_eq!(get("/ipn/controls").await["all"], serde_json::to_value(&ipn_controls).unwrap());
    assert_eq!(get("/faults").await["faults"], serde_json::to_value(&faults).unwrap());
    assert_eq!(get("/clock").await["offset_seconds"], 3600);
}

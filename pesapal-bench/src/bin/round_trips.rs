//! Cold-start fan-out and steady-state round trips, printed as `key=value` lines for
//! `cargo xtask bench`.
//!
//! - fan-out: 1000 concurrent `transaction_status` calls on a fresh client; counts RequestToken
//!   calls and times the batch, against the raw client doing the same (token fetched once).
//! - steady state: 10,000 calls within one token lifetime; HTTP requests per call.

use pesapal_bench::{TRACKING_ID, raw::RawClient, sdk, server};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

const FAN_OUT: usize = 1000;
const STEADY: u64 = 10_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tracking_id: uuid::Uuid = TRACKING_ID.parse().expect("GUID");

    // Cold start, SDK: the token is fetched inside the batch.
    let sdk_server = server::start().await;
    let client = sdk(&sdk_server.base_url);
    let started = Instant::now();
    let calls: Vec<_> = (0..FAN_OUT)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.transaction_status(tracking_id).await.expect("status") })
        })
        .collect();
    for call in calls {
        call.await.expect("task");
    }
    let sdk_fan_out = started.elapsed();
    println!("fan_out_token_requests={}", sdk_server.counts.token.load(Ordering::Relaxed));
    println!("fan_out_sdk_ms={:.1}", sdk_fan_out.as_secs_f64() * 1000.0);

    // Cold start, raw: token fetched once, then the same batch.
    let raw_server = server::start().await;
    let started = Instant::now();
    let raw = Arc::new(RawClient::connect(&raw_server.base_url).await);
    let calls: Vec<_> = (0..FAN_OUT)
        .map(|_| {
            let raw = raw.clone();
            tokio::spawn(async move { raw.status(TRACKING_ID).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task");
    }
    let raw_fan_out = started.elapsed();
    println!("fan_out_raw_ms={:.1}", raw_fan_out.as_secs_f64() * 1000.0);
    println!("fan_out_ratio={:.2}", sdk_fan_out.as_secs_f64() / raw_fan_out.as_secs_f64());

    // Steady state on a fresh client and server: every request the server sees counts.
    let steady_server = server::start().await;
    let client = sdk(&steady_server.base_url);
    for _ in 0..STEADY {
        client.transaction_status(tracking_id).await.expect("status");
    }
    let requests = steady_server.counts.total();
    println!("steady_calls={STEADY}");
    println!("steady_requests={requests}");
    println!("steady_round_trips_per_call={:.4}", requests as f64 / STEADY as f64);
}

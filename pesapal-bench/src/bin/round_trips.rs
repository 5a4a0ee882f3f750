//! Cold-start fan-out and steady-state round trips, printed as `key=value` lines for
//! `cargo xtask bench`.
//!
//! - fan-out: 1000 concurrent `transaction_status` calls on a fresh client; counts RequestToken
//!   calls and times the batch, against the raw client doing the same (token fetched once).
//! - steady state: 10,000 calls within one token lifetime; HTTP requests per call.
//! - paired per-call latency: raw and SDK calls alternate on the same server, so that drift of
//!   the shared 2-core machine hits both alike; the ratio of the medians is reported.
//! - the pairing's zero: the floor against a second floor client (its own connection), which
//!   should come out at 1.00.
//! - the alternatives pesapal-api's transport was chosen against, for GetTransactionStatus: the
//!   generated client's `send()` alone (`pesapal-gen`, a fixed token, nothing kept), the same
//!   through `pesapal_bench::exchange` (which keeps the raw answer through the client's hooks), and
//!   the floor's own request code decoding into the generated type (the generated decode alone).

use pesapal_bench::exchange::{KeepingAnswers, exchange};
use pesapal_bench::{TRACKING_ID, order, raw::RawClient, sdk, server};
use reqwest::header::HeaderValue;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use std::time::Instant;

const FAN_OUT: usize = 1000;
const STEADY: u64 = 10_000;
const PAIRS: usize = 5_000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// Alternates `raw` and `sdk` calls `PAIRS` times (after as many warm-up pairs) and prints the
/// medians and their ratio under `name`.
async fn paired<R, S, RF, SF>(name: &str, raw: R, sdk: S)
where
    R: Fn() -> RF,
    S: Fn() -> SF,
    RF: std::future::Future<Output = ()>,
    SF: std::future::Future<Output = ()>,
{
    let (mut raw_times, mut sdk_times) = (Vec::with_capacity(PAIRS), Vec::with_capacity(PAIRS));
    for round in 0..2 * PAIRS {
        let started = Instant::now();
        raw().await;
        let raw_time = started.elapsed();
        let started = Instant::now();
        sdk().await;
        let sdk_time = started.elapsed();
        if round >= PAIRS {
            raw_times.push(raw_time);
            sdk_times.push(sdk_time);
        }
    }
    let (raw, sdk) = (median(raw_times), median(sdk_times));
    println!("paired_{name}_raw_us={:.1}", raw.as_secs_f64() * 1e6);
    println!("paired_{name}_sdk_us={:.1}", sdk.as_secs_f64() * 1e6);
    println!("paired_{name}_ratio={:.3}", sdk.as_secs_f64() / raw.as_secs_f64());
}

/// The bearer header the bench server's token stands for (the server does not check it).
const BEARER: &str = "Bearer eyJhbGciOiJIUzI1NiJ9.bench.token";

/// Hands the generated client a fixed bearer header: no cache, no refresh.
#[derive(Debug)]
struct FixedToken;

impl pesapal_gen::Authenticator for FixedToken {
    fn authorization(&self) -> pesapal_gen::AuthFuture<'_> {
        Box::pin(async { Ok(HeaderValue::from_static(BEARER)) })
    }
}

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

    // Paired per-call latency, same server, same HTTP settings.
    let raw = RawClient::connect(&steady_server.base_url).await;
    let order = order();
    paired(
        "status",
        || async { drop(raw.status(TRACKING_ID).await) },
        || async { drop(client.transaction_status(tracking_id).await.expect("status")) },
    )
    .await;
    // The pairing's zero: two floor clients, each on its own connection.
    let second_raw = RawClient::connect(&steady_server.base_url).await;
    paired(
        "floor",
        || async { drop(raw.status(TRACKING_ID).await) },
        || async { drop(second_raw.status(TRACKING_ID).await) },
    )
    .await;
    paired(
        "generated_decode",
        || async { drop(raw.status(TRACKING_ID).await) },
        || async {
            drop(second_raw.status_as::<pesapal_gen::types::TransactionStatus>(TRACKING_ID).await);
        },
    )
    .await;
    // The alternatives to pesapal-api's transport, for GetTransactionStatus.
    let generated =
        pesapal_gen::Client::new_with_client(&steady_server.base_url, reqwest::Client::new(), Arc::new(FixedToken));
    let status = || generated.get_transaction_status().order_tracking_id(tracking_id).send();
    paired(
        "generated",
        || async { drop(raw.status(TRACKING_ID).await) },
        || async { drop(status().await.expect("status")) },
    )
    .await;
    let keeping = pesapal_gen::Client::new_with_client(
        &steady_server.base_url,
        reqwest::Client::new(),
        Arc::new(KeepingAnswers { bearer: HeaderValue::from_static(BEARER) }),
    );
    paired(
        "exchange",
        || async { drop(raw.status(TRACKING_ID).await) },
        || async {
            let (result, answer) =
                exchange(keeping.get_transaction_status().order_tracking_id(tracking_id).send()).await;
            drop((result.expect("status"), answer));
        },
    )
    .await;
    paired(
        "submit",
        || async { drop(raw.submit().await) },
        || async { drop(client.submit_order(&order).await.expect("submit")) },
    )
    .await;
}

//! Per-call overhead of pesapal-api over a hand-written reqwest + serde client, against the same
//! loopback server in the same run, and decode cost of pesapal-api (generated type + mapping) against plain serde.
//! `cargo xtask bench` turns the results into ratios.

use criterion::{Criterion, criterion_group, criterion_main};
use pesapal_bench::{TRACKING_ID, order, raw::RawClient, raw::StatusAnswer, sdk, sdk_with_defaults, server};
use std::hint::black_box;
use std::time::Duration;

fn calls(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (server, raw, sdk, defaults) = runtime.block_on(async {
        let server = server::start().await;
        let raw = RawClient::connect(&server.base_url).await;
        let (sdk, defaults) = (sdk(&server.base_url), sdk_with_defaults(&server.base_url));
        for client in [&sdk, &defaults] {
            client.transaction_status(TRACKING_ID.parse().unwrap()).await.unwrap(); // token cached
        }
        (server, raw, sdk, defaults)
    });
    let tracking_id = TRACKING_ID.parse().unwrap();
    let order = order();

    let mut group = c.benchmark_group("GetTransactionStatus");
    group.bench_function("raw", |b| b.to_async(&runtime).iter(|| async { black_box(raw.status(TRACKING_ID).await) }));
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| async { black_box(sdk.transaction_status(tracking_id).await.unwrap()) })
    });
    group.bench_function("sdk_defaults", |b| {
        b.to_async(&runtime).iter(|| async { black_box(defaults.transaction_status(tracking_id).await.unwrap()) })
    });
    group.finish();

    let mut group = c.benchmark_group("SubmitOrderRequest");
    group.bench_function("raw", |b| b.to_async(&runtime).iter(|| async { black_box(raw.submit().await) }));
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| async { black_box(sdk.submit_order(&order).await.unwrap()) })
    });
    group.bench_function("sdk_defaults", |b| {
        b.to_async(&runtime).iter(|| async { black_box(defaults.submit_order(&order).await.unwrap()) })
    });
    group.finish();
    drop(server);
}

fn decoding(c: &mut Criterion) {
    let body = server::STATUS_BODY.as_bytes();
    let mut group = c.benchmark_group("decode GetTransactionStatus");
    group.throughput(criterion::Throughput::Bytes(body.len() as u64));
    group.bench_function("raw", |b| {
        b.iter(|| black_box(serde_json::from_slice::<StatusAnswer>(black_box(body)).unwrap()))
    });
    group.bench_function("sdk", |b| {
        b.iter(|| black_box(pesapal_api::TransactionStatus::from_json_slice(black_box(body)).unwrap()))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4))
}

criterion_group! { name = benches; config = config(); targets = calls, decoding }
criterion_main!(benches);

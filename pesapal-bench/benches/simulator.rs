//! Throughput of the simulator (`pesapal-sim`): GetTransactionStatus calls per second on
//! loopback through pesapal-api, one at a time and 32 in flight. Criterion reports the
//! throughput in elements (calls) per second. Recorded in docs/PERFORMANCE.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const IN_FLIGHT: usize = 32;

fn throughput(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (_sim, client, id) = runtime.block_on(pesapal_bench::sim::paid_order());

    let mut group = c.benchmark_group("simulator GetTransactionStatus");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sequential", |b| {
        b.to_async(&runtime).iter(|| async { black_box(client.transaction_status(id).await.unwrap()) })
    });
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    group.bench_function("32 in flight", |b| {
        b.to_async(&runtime).iter(|| async {
            let mut calls = tokio::task::JoinSet::new();
            for _ in 0..IN_FLIGHT {
                let client = client.clone();
                calls.spawn(async move { client.transaction_status(id).await.unwrap() });
            }
            while let Some(done) = calls.join_next().await {
                black_box(done.unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);

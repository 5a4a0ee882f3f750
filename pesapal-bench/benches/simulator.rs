//! Throughput of the simulator (`pesapal-sim`): GetTransactionStatus calls per second on
//! loopback through pesapal-api, one at a time and 32 in flight. Criterion reports the
//! throughput in elements (calls) per second. Recorded in docs/PERFORMANCE.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pesapal_sim::{PaymentMethod, Simulator};
use std::hint::black_box;
use uuid::Uuid;

const IN_FLIGHT: usize = 32;

/// A simulator holding one completed order, and a client with its token already cached.
async fn paid_order() -> (Simulator, pesapal_api::Pesapal, Uuid) {
    let sim = Simulator::start().await.expect("the simulator starts");
    let client = pesapal_api::Pesapal::builder()
        .credentials(pesapal_api::Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(sim.base_url())
        .http_client(reqwest::Client::new())
        .retry_policy(pesapal_api::RetryPolicy::none())
        .build()
        .expect("client builds");
    let ipn = client.register_ipn("http://127.0.0.1:9/ipn", pesapal_api::IpnMethod::Get).await.expect("RegisterIPN");
    let order = pesapal_api::OrderRequest::builder()
        .merchant_reference("BENCH-SIM-1")
        .amount(rust_decimal::Decimal::new(10000, 2))
        .currency("KES")
        .description("Benchmark order")
        .callback_url("http://127.0.0.1:9/callback")
        .notification_id(ipn.notification_id().expect("a GUID"))
        .billing_address(pesapal_api::BillingAddress::builder().email_address("jane@example.com"))
        .build()
        .expect("valid order");
    let id = client.submit_order(&order).await.expect("SubmitOrderRequest").order_tracking_id;
    sim.pay(id, PaymentMethod::Mpesa).expect("pays");
    client.transaction_status(id).await.expect("status");
    (sim, client, id)
}

fn throughput(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (_sim, client, id) = runtime.block_on(paid_order());

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

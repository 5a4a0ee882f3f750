//! The simulator as a test bench: how long `Simulator::start()` takes, and how many full
//! in-process checkouts run per second (RequestToken → RegisterIPN → SubmitOrderRequest → pay →
//! IPN delivered and verified by `pesapal_api::axum::ipn_router` → RefundRequest). Targets
//! (issue 19): start ≤ 5 ms median, ≥ 500 checkouts per second. Recorded in
//! docs/PERFORMANCE.md; `cargo xtask bench` reads the results.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pesapal_api::{
    BillingAddress, Confirmation, Credentials, Expectation, IpnMethod, OrderRequest, PaymentEndpoint, Pesapal,
    RefundRequest, RetryPolicy,
};
use pesapal_sim::{PaymentMethod, Simulator};
use rust_decimal::Decimal;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime")
}

fn start(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("simulator start");
    group.bench_function("start", |b| {
        b.to_async(&runtime).iter(|| async { black_box(Simulator::start().await.expect("starts")) })
    });
    group.finish();
}

/// A merchant: its IPN endpoint (the SDK's axum router) forwards confirmed payments.
struct Merchant {
    ipn_url: String,
    verified: mpsc::UnboundedReceiver<Confirmation>,
}

async fn merchant(pesapal: Pesapal) -> Merchant {
    let (tx, verified) = mpsc::unbounded_channel();
    let endpoint = PaymentEndpoint::new(
        pesapal,
        // Every order of the bench: KES 100.00.
        async |reference: String| {
            Ok::<_, std::convert::Infallible>(Some(Expectation::new(reference, Decimal::new(10000, 2), "KES")))
        },
        async move |confirmation: Confirmation| {
            let _ = tx.send(confirmation);
            Ok::<(), std::convert::Infallible>(())
        },
    );
    let app = pesapal_api::axum::ipn_router("/ipn", endpoint);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let ipn_url = format!("http://{}/ipn", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Merchant { ipn_url, verified }
}

fn client(sim: &Simulator, http: &reqwest::Client) -> Pesapal {
    Pesapal::builder()
        .credentials(Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(sim.base_url())
        .http_client(http.clone())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// One whole checkout, with a new client (so a new token) each time.
async fn checkout(sim: &Simulator, http: &reqwest::Client, merchant: &mut Merchant, n: u64) {
    let pesapal = client(sim, http);
    let ipn = pesapal.register_ipn(&merchant.ipn_url, IpnMethod::Get).await.expect("RegisterIPN");
    let order = OrderRequest::builder()
        .merchant_reference(format!("BENCH-{n}"))
        .amount(Decimal::new(10000, 2))
        .currency("KES")
        .description("Benchmark order")
        .callback_url("http://127.0.0.1:9/callback")
        .notification_id(ipn.notification_id().expect("a GUID"))
        .billing_address(BillingAddress::builder().email_address("jane@example.com"))
        .build()
        .expect("valid order");
    let id = pesapal.submit_order(&order).await.expect("SubmitOrderRequest").order_tracking_id;
    sim.pay(id, PaymentMethod::Mpesa).expect("pays");
    let verified = merchant.verified.recv().await.expect("the IPN is delivered and confirmed");
    let status = verified.status.expect("a payment");
    assert_eq!(status.order_tracking_id, Some(id));
    let code = status.confirmation_code.expect("a confirmation code");
    let refund = RefundRequest::builder()
        .confirmation_code(code)
        .amount(Decimal::new(10000, 2))
        .username("ops")
        .remarks("benchmark")
        .build()
        .expect("valid refund");
    black_box(pesapal.refund(&refund).await.expect("RefundRequest"));
}

fn checkouts(c: &mut Criterion) {
    let runtime = runtime();
    let http = reqwest::Client::new();
    let sim = runtime.block_on(Simulator::start()).expect("starts");
    let merchant_client = client(&sim, &http);
    let merchant = tokio::sync::Mutex::new(runtime.block_on(merchant(merchant_client)));
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group("simulator checkout");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("checkout", |b| {
        b.to_async(&runtime).iter(|| async {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            checkout(&sim, &http, &mut *merchant.lock().await, n).await;
        })
    });
    group.finish();
}

criterion_group!(benches, start, checkouts);
criterion_main!(benches);

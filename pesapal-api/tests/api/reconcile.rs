//! Reconciliation keeps at most the given number of GetTransactionStatus calls in flight, and
//! hands out one line per order, in order, however many orders there are.

use crate::common::*;
use axum::routing::{get, post};
use futures_util::StreamExt;
use pesapal_api::{Uuid, Verdict};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_in_flight_calls_at_once_and_one_line_per_order_in_order() {
    let counts = Arc::new(InFlight::default());
    let seen = counts.clone();
    let app = axum::Router::new()
        .route("/api/Auth/RequestToken", post(|| async { token_answer(TOKEN, chrono::Duration::hours(1)).to_string() }))
        .route(
            "/api/Transactions/GetTransactionStatus",
            get(move || {
                let seen = seen.clone();
                async move {
                    let now = seen.now.fetch_add(1, Ordering::SeqCst) + 1;
                    seen.most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    seen.now.fetch_sub(1, Ordering::SeqCst);
                    completed("ORDER-1").to_string()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let pesapal = pesapal_test_support::client(&base_url, KEY, SECRET, 0);

    let ids: Vec<Uuid> = (0..500).map(|n| Uuid::from_u128(n + 1)).collect();
    let lines: Vec<_> = pesapal.reconcile(ids.clone(), 8).collect().await;
    assert_eq!(lines.iter().map(|line| line.order_tracking_id).collect::<Vec<_>>(), ids);
    assert!(lines.iter().all(|line| matches!(&line.outcome, Ok(c) if c.verdict == Verdict::Paid)));
    let most = counts.most.load(Ordering::SeqCst);
    assert!(most <= 8, "{most} GetTransactionStatus calls in flight, at most 8 asked");
    assert!(most > 1, "calls overlapped ({most} at most)");
}

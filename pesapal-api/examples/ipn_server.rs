//! A minimal payment endpoint in axum: ensures its IPN registration with Pesapal, confirms each
//! IPN and each customer's return against the shop's orders, and acts once per payment state.
//!
//! ```sh
//! PESAPAL_CONSUMER_KEY=… PESAPAL_CONSUMER_SECRET=… PESAPAL_ENVIRONMENT=sandbox \
//! PUBLIC_IPN_URL=https://your-host.example.com/pesapal/ipn \
//! cargo run -p pesapal-api --features axum --example ipn_server
//! ```
//!
//! `PUBLIC_IPN_URL` must reach this server from the internet (Pesapal calls it); `LISTEN`
//! (default `0.0.0.0:8080`) is the local address. The callback URL of orders is
//! `/pesapal/callback` on the same host.

use axum::Router;
use axum::extract::RawQuery;
use axum::routing::get;
use pesapal_api::{Confirmation, Decimal, Expectation, IpnMethod, PaymentEndpoint, Pesapal, Verdict};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The shop's orders by merchant reference: amount and currency (your database in production).
type Orders = Arc<Mutex<HashMap<String, (Decimal, String)>>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
    let pesapal = Pesapal::from_env()?;
    let public_url = std::env::var("PUBLIC_IPN_URL")?;
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".to_owned());
    let path = url::Url::parse(&public_url)?.path().to_owned();

    // Registered once, reused at every start.
    let registration = pesapal.ensure_ipn(&public_url, IpnMethod::Get).await?;
    tracing::info!(ipn_id = %registration.ipn_id, url = %registration.url, "IPN URL registered: use ipn_id as notification_id");

    let orders: Orders = Arc::default();
    orders.lock().expect("not poisoned").insert("ORDER-1001".to_owned(), (Decimal::new(250000, 2), "KES".to_owned()));
    let endpoint = Arc::new(PaymentEndpoint::new(
        pesapal,
        async move |reference: String| {
            let order = orders.lock().expect("not poisoned").get(&reference).cloned();
            Ok::<_, std::convert::Infallible>(
                order.map(|(amount, currency)| Expectation::new(reference, amount, currency)),
            )
        },
        // Called once per payment state (the endpoint's dedupe store skips repeats).
        async |confirmation: Confirmation| {
            match &confirmation.verdict {
                Verdict::PaidAsExpected => tracing::info!(order = %confirmation.order_tracking_id, "paid: ship it"),
                Verdict::PaidOtherwise { expected, charged } => {
                    tracing::warn!(order = %confirmation.order_tracking_id, %expected, ?charged, "paid otherwise: review")
                }
                Verdict::Failed => {
                    tracing::info!(order = %confirmation.order_tracking_id, "failed (the customer may retry)")
                }
                Verdict::Reversed => {
                    tracing::warn!(order = %confirmation.order_tracking_id, "reversed: take the goods back")
                }
                other => tracing::info!(order = %confirmation.order_tracking_id, verdict = ?other, "nothing to do"),
            }
            Ok::<(), std::convert::Infallible>(())
        },
    ));
    let callback = endpoint.clone();
    let app = Router::new()
        .route(
            "/pesapal/callback",
            get(move |RawQuery(query): RawQuery| async move {
                match callback.callback(query.as_deref()).await.map(|c| c.verdict) {
                    Ok(Verdict::PaidAsExpected) => "Thank you: your payment is confirmed.",
                    Ok(Verdict::NotPaidYet) => "We are waiting for your payment.",
                    _ => "We could not confirm your payment yet; we will email you.",
                }
            }),
        )
        .merge(pesapal_api::axum::ipn_router(&path, endpoint));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    tracing::info!(%listen, %path, "listening for Pesapal IPNs");
    axum::serve(listener, app).await?;
    Ok(())
}

//! A minimal IPN server: registers its IPN URL with Pesapal and logs verified payments.
//!
//! ```sh
//! PESAPAL_CONSUMER_KEY=… PESAPAL_CONSUMER_SECRET=… PESAPAL_ENVIRONMENT=sandbox \
//! PUBLIC_IPN_URL=https://your-host.example.com/pesapal/ipn \
//! cargo run -p pesapal-api --features axum --example ipn_server
//! ```
//!
//! `PUBLIC_IPN_URL` must reach this server from the internet (Pesapal calls it); `LISTEN`
//! (default `0.0.0.0:8080`) is the local address.

use pesapal_api::{IpnMethod, Pesapal, VerifiedPayment};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
    let pesapal = Pesapal::from_env()?;
    let public_url = std::env::var("PUBLIC_IPN_URL")?;
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".to_owned());
    let path = url::Url::parse(&public_url)?.path().to_owned();

    let registration = pesapal.register_ipn(&public_url, IpnMethod::Get).await?;
    tracing::info!(ipn_id = %registration.ipn_id, url = %registration.url, "IPN URL registered: use ipn_id as notification_id");

    // Pesapal repeats notifications: remember what was handled (a database in production).
    let handled = Arc::new(Mutex::new(HashSet::new()));
    let app = pesapal_api::axum::ipn_router(pesapal, &path, move |payment: VerifiedPayment| {
        let handled = handled.clone();
        async move {
            if !handled.lock().expect("not poisoned").insert(payment.dedupe_key.clone()) {
                tracing::info!(key = %payment.dedupe_key, "repeat notification, already handled");
                return Ok::<(), std::convert::Infallible>(());
            }
            let status = &payment.status;
            tracing::info!(
                reference = %payment.notification.merchant_reference,
                kind = %payment.notification.notification_type,
                status = ?status.payment_status,
                amount = ?status.amount,
                currency = ?status.currency,
                confirmation = ?status.confirmation_code,
                "verified payment"
            );
            Ok(())
        }
    });
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    tracing::info!(%listen, %path, "listening for Pesapal IPNs");
    axum::serve(listener, app).await?;
    Ok(())
}

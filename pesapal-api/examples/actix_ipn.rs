//! The payment endpoint in actix-web 4: the IPN route, confirmed against the shop's orders and
//! acted on once per payment state.
//!
//! ```sh
//! PESAPAL_CONSUMER_KEY=… PESAPAL_CONSUMER_SECRET=… PESAPAL_ENVIRONMENT=sandbox \
//! cargo run -p pesapal-api --features actix --example actix_ipn
//! ```
//!
//! Register `http(s)://<this host>/pesapal/ipn` with `pesapal ipn ensure` (or
//! `Pesapal::ensure_ipn`); `LISTEN` (default `0.0.0.0:8080`) is the local address.

use actix_web::{App, HttpServer};
use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint, Pesapal, Verdict};
use std::sync::Arc;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let pesapal = Pesapal::from_env().map_err(std::io::Error::other)?;
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".to_owned());
    let endpoint = Arc::new(PaymentEndpoint::new(
        pesapal,
        // Your orders, by merchant reference (your database in production).
        async |reference: String| {
            let known = reference.starts_with("ORDER-");
            Ok::<_, std::io::Error>(known.then(|| Expectation::new(reference, Decimal::new(250000, 2), "KES")))
        },
        async |confirmation: Confirmation| {
            if confirmation.verdict == Verdict::PaidAsExpected {
                println!("paid: order {}", confirmation.order_tracking_id);
            }
            Ok::<(), std::io::Error>(())
        },
    ));
    println!("listening for Pesapal IPNs on {listen}/pesapal/ipn");
    HttpServer::new(move || App::new().service(pesapal_api::actix::ipn_resource("/pesapal/ipn", endpoint.clone())))
        .bind(listen)?
        .run()
        .await
}

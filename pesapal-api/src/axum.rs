//! The IPN endpoint in [axum](https://docs.rs/axum) 0.8 (cargo feature `axum`): [`ipn_router`]
//! serves a [`PaymentEndpoint`]'s IPN answer ([`PaymentEndpoint::ipn`], through
//! [`IpnService`]) on one path, for GET and POST. Its router is generic over your state, so it
//! merges into your application's router before `with_state`.
//!
//! Uses `endpoint` and `service`; nothing in the crate uses it.
//!
//! ```no_run
//! use axum::Router;
//! use axum::extract::{RawQuery, State};
//! use axum::routing::get;
//! use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint, Pesapal, Verdict};
//! use std::sync::{Arc, Mutex};
//!
//! #[derive(Clone, Default)]
//! struct Shop {
//!     paid: Arc<Mutex<Vec<String>>>, // your database
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let shop = Shop::default();
//! let credited = shop.clone();
//! let endpoint = Arc::new(PaymentEndpoint::new(
//!     Pesapal::from_env()?,
//!     // Your orders, by merchant reference.
//!     async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::new(250000, 2), "KES"))),
//!     // Called once per payment state: an async closure that captures your state.
//!     async move |confirmation: Confirmation| {
//!         if confirmation.verdict == Verdict::PaidAsExpected {
//!             credited.paid.lock().unwrap().push(confirmation.order_tracking_id.to_string());
//!         }
//!         Ok::<(), std::io::Error>(())
//!     },
//! ));
//! let callback = endpoint.clone();
//! let app: Router = Router::new()
//!     .route("/orders", get(|State(shop): State<Shop>| async move { format!("{:?}", shop.paid.lock().unwrap()) }))
//!     // The customer's return: the same confirmation, acted on once with the IPN's.
//!     .route("/pesapal/callback", get(move |RawQuery(query): RawQuery| async move {
//!         match callback.callback(query.as_deref()).await {
//!             Ok(confirmation) if confirmation.verdict == Verdict::PaidAsExpected => "Thank you, paid.",
//!             Ok(_) => "We are waiting for your payment.",
//!             Err(_) => "We could not confirm your payment yet.",
//!         }
//!     }))
//!     .merge(pesapal_api::axum::ipn_router("/pesapal/ipn", endpoint))
//!     .with_state(shop);
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```

use crate::dedupe::DedupeStore;
use crate::endpoint::{Expectations, PaymentEndpoint, PaymentHandler};
use crate::service::IpnService;
use axum::Router;
use axum::routing::{get_service, post_service};
use std::sync::Arc;

/// A router answering Pesapal's IPN calls, GET and POST, on `path` with `endpoint`; generic over
/// your application's state `T`, so that `.merge(ipn_router(…))` works before `.with_state(…)`.
pub fn ipn_router<T, X, H, S>(path: &str, endpoint: impl Into<Arc<PaymentEndpoint<X, H, S>>>) -> Router<T>
where
    T: Clone + Send + Sync + 'static,
    X: Expectations,
    H: PaymentHandler,
    S: DedupeStore,
{
    let service = IpnService::new(endpoint);
    Router::new().route(path, get_service(service.clone()).merge(post_service(service)))
}

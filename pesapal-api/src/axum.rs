//! A ready IPN endpoint for [axum](https://docs.rs/axum) 0.8 (cargo feature `axum`).
//!
//! Uses `client`, `notifications` and `verification`; nothing in the crate uses it.
//!
//! [`ipn_router`] accepts Pesapal's GET and POST notifications on one path, verifies each with
//! GetTransactionStatus, calls your handler with the [`VerifiedPayment`], and answers with the
//! acknowledgement Pesapal expects: `"status":200` when your handler succeeded, `"status":500`
//! (and HTTP 500) when verification or your handler failed, so that Pesapal notifies again.
//! A malformed notification gets HTTP 400 with the reason.
//!
//! Anyone can send notifications. A malformed one costs no call to Pesapal; the others are
//! verified through [`Pesapal::verify_notification`], so concurrent ones for the same tracking
//! id share one GetTransactionStatus call and at most
//! [`ClientBuilder::max_concurrent_verifications`](crate::ClientBuilder::max_concurrent_verifications)
//! calls are in flight.
//!
//! Pesapal repeats notifications: make the handler idempotent with
//! [`VerifiedPayment::dedupe_key`].
//!
//! ```no_run
//! use pesapal_api::{Pesapal, VerifiedPayment};
//! use std::collections::HashSet;
//! use std::sync::{Arc, Mutex};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let pesapal = Pesapal::from_env()?;
//! let seen = Arc::new(Mutex::new(HashSet::new())); // use your database in production
//! let app = pesapal_api::axum::ipn_router(pesapal, "/pesapal/ipn", move |payment: VerifiedPayment| {
//!     let seen = seen.clone();
//!     async move {
//!         if !seen.lock().unwrap().insert(payment.dedupe_key.clone()) {
//!             return Ok(()); // a repeat: already handled
//!         }
//!         if payment.status.payment_status.is_paid() {
//!             println!("credit order {}", payment.notification.merchant_reference);
//!         }
//!         Ok::<(), std::io::Error>(())
//!     }
//! });
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```

use crate::client::Pesapal;
use crate::notifications::{Acknowledgement, Notification};
use crate::verification::VerifiedPayment;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

/// Your code that acts on a verified payment. Implemented for async closures
/// `Fn(VerifiedPayment) -> impl Future<Output = Result<(), E>>`.
pub trait PaymentHandler: Send + Sync + 'static {
    /// The error your handler may return; it is logged and answered with `"status":500`.
    type Error: Display;
    /// Handles one verified notification.
    fn handle(&self, payment: VerifiedPayment) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

impl<F, Fut, E> PaymentHandler for F
where
    F: Fn(VerifiedPayment) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: Display,
{
    type Error = E;
    fn handle(&self, payment: VerifiedPayment) -> impl Future<Output = Result<(), E>> + Send {
        self(payment)
    }
}

struct Endpoint<H> {
    pesapal: Pesapal,
    handler: H,
}

/// A router answering Pesapal's IPN calls, GET and POST, on `path`.
pub fn ipn_router<H: PaymentHandler>(pesapal: Pesapal, path: &str, handler: H) -> Router {
    let endpoint = Arc::new(Endpoint { pesapal, handler });
    Router::new().route(path, get(on_get::<H>).post(on_post::<H>)).with_state(endpoint)
}

async fn on_get<H: PaymentHandler>(State(endpoint): State<Arc<Endpoint<H>>>, RawQuery(query): RawQuery) -> Response {
    match Notification::from_query(query.as_deref().unwrap_or_default()) {
        Ok(notification) => process(&endpoint, notification).await,
        Err(e) => bad_request(e),
    }
}

async fn on_post<H: PaymentHandler>(
    State(endpoint): State<Arc<Endpoint<H>>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    // The POST format is undocumented: a JSON or form body, or the parameters in the query.
    let parsed = if body.iter().all(u8::is_ascii_whitespace) {
        Notification::from_query(query.as_deref().unwrap_or_default())
    } else {
        Notification::from_body(&body)
    };
    match parsed {
        Ok(notification) => process(&endpoint, notification).await,
        Err(e) => bad_request(e),
    }
}

fn bad_request(error: impl Display) -> Response {
    tracing::warn!(%error, "malformed Pesapal notification");
    (StatusCode::BAD_REQUEST, format!("malformed Pesapal notification: {error}")).into_response()
}

async fn process<H: PaymentHandler>(endpoint: &Endpoint<H>, notification: Notification) -> Response {
    let ok = match endpoint.pesapal.verify_notification(&notification).await {
        Ok(payment) => match endpoint.handler.handle(payment).await {
            Ok(()) => true,
            Err(error) => {
                tracing::error!(%error, tracking_id = %notification.order_tracking_id, "IPN handler failed");
                false
            }
        },
        Err(error) => {
            tracing::warn!(%error, tracking_id = %notification.order_tracking_id, "IPN not verified");
            false
        }
    };
    let (status, ack) = if ok {
        (StatusCode::OK, Acknowledgement::received(&notification))
    } else {
        (StatusCode::INTERNAL_SERVER_ERROR, Acknowledgement::failed(&notification))
    };
    (status, [(header::CONTENT_TYPE, "application/json")], ack.to_json()).into_response()
}

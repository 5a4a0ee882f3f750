//! The IPN endpoint in [actix-web](https://docs.rs/actix-web) 4 (cargo feature `actix`):
//! [`ipn_resource`] serves a [`PaymentEndpoint`]'s IPN answer ([`PaymentEndpoint::ipn`]) on one
//! path, for GET and POST.
//!
//! Uses `endpoint`; nothing in the crate uses it.
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint, Pesapal, Verdict};
//! use std::sync::Arc;
//!
//! # async fn run() -> std::io::Result<()> {
//! let endpoint = Arc::new(PaymentEndpoint::new(
//!     Pesapal::from_env().expect("PESAPAL_CONSUMER_KEY and PESAPAL_CONSUMER_SECRET"),
//!     async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::new(250000, 2), "KES"))),
//!     async |confirmation: Confirmation| {
//!         if confirmation.verdict == Verdict::PaidAsExpected {
//!             println!("credit order {}", confirmation.order_tracking_id);
//!         }
//!         Ok::<(), std::io::Error>(())
//!     },
//! ));
//! HttpServer::new(move || App::new().service(pesapal_api::actix::ipn_resource("/pesapal/ipn", endpoint.clone())))
//!     .bind(("0.0.0.0", 8080))?
//!     .run()
//!     .await
//! # }
//! ```

use crate::dedupe::DedupeStore;
use crate::endpoint::{Expectations, PaymentEndpoint, PaymentHandler};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Resource, web};
use std::sync::Arc;

/// A resource answering Pesapal's IPN calls, GET and POST, on `path` with `endpoint`.
pub fn ipn_resource<X, H, S>(path: &str, endpoint: impl Into<Arc<PaymentEndpoint<X, H, S>>>) -> Resource
where
    X: Expectations,
    H: PaymentHandler,
    S: DedupeStore,
{
    web::resource(path)
        .app_data(web::Data::from(endpoint.into()))
        .route(web::get().to(answer::<X, H, S>))
        .route(web::post().to(answer::<X, H, S>))
}

async fn answer<X, H, S>(
    request: HttpRequest,
    body: web::Bytes,
    endpoint: web::Data<PaymentEndpoint<X, H, S>>,
) -> HttpResponse
where
    X: Expectations,
    H: PaymentHandler,
    S: DedupeStore,
{
    let query = Some(request.query_string()).filter(|q| !q.is_empty());
    let answer = endpoint.ipn(request.method().as_str(), query, &body).await;
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).content_type(answer.content_type()).body(answer.into_body())
}

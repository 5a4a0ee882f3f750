//! [`IpnService`]: the [`PaymentEndpoint`]'s IPN answer as a `tower::Service` over `http` types,
//! for any tower-based server (axum, hyper, tonic's web side, …).

use crate::dedupe::DedupeStore;
use crate::endpoint::{EndpointAnswer, Expectations, PaymentEndpoint, PaymentHandler};
use http_body_util::{BodyExt, Limited};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The largest notification body read, in bytes (Pesapal's are about 150); a larger one gets
/// HTTP 413 without being read further.
pub const MAX_NOTIFICATION_BODY: usize = 64 * 1024;

/// A `tower::Service` answering Pesapal's IPN calls with a [`PaymentEndpoint`]
/// ([`PaymentEndpoint::ipn`]): any method and path; the body is read up to
/// [`MAX_NOTIFICATION_BODY`] bytes. Cheap to clone (the endpoint is shared).
///
/// ```
/// use pesapal_api::{Confirmation, Decimal, Expectation, IpnService, PaymentEndpoint, Pesapal};
/// use tower_service::Service;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let pesapal = Pesapal::builder().credentials(pesapal_api::Credentials::new("key", "secret")).build()?;
/// let endpoint = PaymentEndpoint::new(
///     pesapal,
///     async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::ONE_HUNDRED, "KES"))),
///     async |_: Confirmation| Ok::<(), std::io::Error>(()),
/// );
/// let mut service = IpnService::new(endpoint);
/// let malformed = http::Request::get("/pesapal/ipn").body(String::new())?;
/// let answer = service.call(malformed).await?;
/// assert_eq!(answer.status(), 400);
/// # Ok(())
/// # }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
/// ```
pub struct IpnService<X, H, S> {
    endpoint: Arc<PaymentEndpoint<X, H, S>>,
}

impl<X, H, S> Clone for IpnService<X, H, S> {
    fn clone(&self) -> Self {
        IpnService { endpoint: self.endpoint.clone() }
    }
}

impl<X, H, S> fmt::Debug for IpnService<X, H, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IpnService").field("endpoint", &self.endpoint).finish()
    }
}

impl<X, H, S> IpnService<X, H, S> {
    /// The service of `endpoint` (or of an endpoint already shared in an `Arc`, e.g. with the
    /// callback route).
    pub fn new(endpoint: impl Into<Arc<PaymentEndpoint<X, H, S>>>) -> IpnService<X, H, S> {
        IpnService { endpoint: endpoint.into() }
    }
}

impl<X, H, S, B> tower_service::Service<http::Request<B>> for IpnService<X, H, S>
where
    X: Expectations,
    H: PaymentHandler,
    S: DedupeStore,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<String>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<http::Response<String>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let endpoint = self.endpoint.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = match Limited::new(body, MAX_NOTIFICATION_BODY).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(error) => return Ok(unreadable(&*error)),
            };
            let answer = endpoint.ipn(parts.method.as_str(), parts.uri.query(), &body).await;
            Ok(response(answer))
        })
    }
}

/// `answer` as an `http` response.
fn response(answer: EndpointAnswer) -> http::Response<String> {
    let status = http::StatusCode::from_u16(answer.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = http::Response::new(String::new());
    *response.status_mut() = status;
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(answer.content_type()));
    *response.body_mut() = answer.into_body();
    response
}

/// The answer to a body that could not be read: too large (413) or broken (400).
fn unreadable(error: &(dyn std::error::Error + Send + Sync + 'static)) -> http::Response<String> {
    let status = if error.is::<http_body_util::LengthLimitError>() {
        http::StatusCode::PAYLOAD_TOO_LARGE
    } else {
        http::StatusCode::BAD_REQUEST
    };
    let mut response = http::Response::new(format!("malformed Pesapal notification: {error}"));
    *response.status_mut() = status;
    response
}

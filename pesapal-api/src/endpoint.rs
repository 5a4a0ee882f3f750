//! The payment endpoint, for any web framework ([`PaymentEndpoint`]): an IPN call or the
//! browser callback in (method, query, body), the verdict against the merchant's order acted on
//! once, and for an IPN the answer out (status, content type, body). `service` offers it as
//! a `tower::Service` over `http` types; `axum` and `actix` adapt it to their frameworks.

use crate::client::Pesapal;
use crate::confirmation::{Confirmation, Expectation};
use crate::dedupe::{DedupeStore, MemoryDedupeStore};
use crate::notifications::{Acknowledgement, Notification, NotificationError};
use crate::verification::VerificationError;
use std::fmt::{self, Display};
use std::future::Future;

/// Your orders, as the endpoint asks for them: the [`Expectation`] of the order a notification's
/// merchant reference names (for a recurring charge, the account number), or `None` when there
/// is no such order.
///
/// Implemented for async closures `async move |merchant_reference: String| -> Result<Option<Expectation>, E>`,
/// including those that capture state (the closure is cloned for each call: capture an `Arc` or
/// other cheap clone).
pub trait Expectations: Send + Sync + 'static {
    /// Why the lookup failed (logged; the IPN is answered as not processed).
    type Error: Display + Send;

    /// The expectation of the order `merchant_reference` names.
    fn expectation(
        &self,
        merchant_reference: &str,
    ) -> impl Future<Output = Result<Option<Expectation>, Self::Error>> + Send;
}

impl<F, Fut, E> Expectations for F
where
    F: FnOnce(String) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Expectation>, E>> + Send,
    E: Display + Send,
{
    type Error = E;

    fn expectation(&self, merchant_reference: &str) -> impl Future<Output = Result<Option<Expectation>, E>> + Send {
        (self.clone())(merchant_reference.to_owned())
    }
}

/// Your code that acts on a confirmed payment (credit the order, mark it failed or reversed, …).
/// It is called once per state of a payment ([`Confirmation::dedupe_key`]), whichever path
/// confirms it first, for every verdict that concerns a payment
/// ([`Verdict::concerns_a_payment`](crate::Verdict::concerns_a_payment)): match on
/// [`Confirmation::verdict`] and credit only [`Verdict::PaidAsExpected`](crate::Verdict::PaidAsExpected).
///
/// Implemented for async closures `async move |confirmation: Confirmation| -> Result<(), E>`,
/// including those that capture state (cloned for each call, like [`Expectations`]).
pub trait PaymentHandler: Send + Sync + 'static {
    /// Why handling failed (logged; the claim is released and the IPN answered as not
    /// processed, so that Pesapal notifies again).
    type Error: Display + Send;

    /// Acts on one confirmed payment.
    fn handle(&self, confirmation: Confirmation) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

impl<F, Fut, E> PaymentHandler for F
where
    F: FnOnce(Confirmation) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: Display + Send,
{
    type Error = E;

    fn handle(&self, confirmation: Confirmation) -> impl Future<Output = Result<(), E>> + Send {
        (self.clone())(confirmation)
    }
}

/// Why a notification was not confirmed, or not acted on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The request is not a notification (HTTP 400, or 405 for another method).
    #[error("malformed Pesapal notification: {0}")]
    Malformed(#[from] NotificationError),
    /// Your [`Expectations`] know no order by this merchant reference: a forged or misrouted
    /// notification (or an order your system lost).
    #[error("no order has the merchant reference {0:?}")]
    UnknownOrder(String),
    /// Your [`Expectations`] failed.
    #[error("the order could not be looked up: {0}")]
    Expectations(String),
    /// GetTransactionStatus could not be had (see [`VerificationError`]).
    #[error(transparent)]
    Verification(#[from] VerificationError),
    /// The [`DedupeStore`] failed.
    #[error("the deduplication store failed: {0}")]
    Store(String),
    /// Your [`PaymentHandler`] failed.
    #[error("the payment handler failed: {0}")]
    Handler(String),
}

/// The HTTP answer to an IPN call: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointAnswer {
    status: u16,
    content_type: &'static str,
    body: String,
}

impl EndpointAnswer {
    /// The HTTP status: 200, 500 (not processed: Pesapal notifies again), 400 (malformed) or 405
    /// (neither GET nor POST).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type`: `application/json` for an acknowledgement, `text/plain` otherwise.
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> String {
        self.body
    }

    fn acknowledgement(ack: &Acknowledgement) -> EndpointAnswer {
        EndpointAnswer { status: ack.status(), content_type: "application/json", body: ack.to_json() }
    }

    fn refusal(error: &NotificationError) -> EndpointAnswer {
        let status = if matches!(error, NotificationError::Method(_)) { 405 } else { 400 };
        EndpointAnswer {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("malformed Pesapal notification: {error}"),
        }
    }
}

/// The payment endpoint, for any web framework: [`PaymentEndpoint::ipn`] answers Pesapal's IPN
/// calls, [`PaymentEndpoint::callback`] confirms the customer's return to your callback URL.
/// Both confirm the notification against your order ([`Expectations`]), through the client's
/// guard ([`ClientBuilder::max_concurrent_verifications`](crate::ClientBuilder::max_concurrent_verifications)),
/// and call your [`PaymentHandler`] once per state of a payment, deduplicated by a
/// [`DedupeStore`] (by default a [`MemoryDedupeStore`]; use your database in production). Share
/// one endpoint (in an `Arc`) between the IPN route and the callback route, so that they share
/// the store.
///
/// ```no_run
/// use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint, Pesapal, Verdict};
///
/// # async fn run(query: Option<&str>, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
/// let endpoint = PaymentEndpoint::new(
///     Pesapal::from_env()?,
///     // Your orders: look the reference up in your database.
///     async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::new(250000, 2), "KES"))),
///     async |confirmation: Confirmation| {
///         if confirmation.verdict == Verdict::PaidAsExpected {
///             println!("credit order {}", confirmation.order_tracking_id);
///         }
///         Ok::<(), std::io::Error>(())
///     },
/// );
/// // In your framework's handler for the IPN URL:
/// let answer = endpoint.ipn("GET", query, body).await;
/// println!("HTTP {} {}: {}", answer.status(), answer.content_type(), answer.body());
/// # Ok(())
/// # }
/// ```
pub struct PaymentEndpoint<X, H, S = MemoryDedupeStore> {
    pesapal: Pesapal,
    expectations: X,
    handler: H,
    store: S,
}

impl<X, H, S> fmt::Debug for PaymentEndpoint<X, H, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentEndpoint").field("pesapal", &self.pesapal).finish_non_exhaustive()
    }
}

impl<X: Expectations, H: PaymentHandler> PaymentEndpoint<X, H> {
    /// An endpoint confirming notifications with `pesapal` against `expectations`, acting with
    /// `handler`, deduplicated in memory ([`MemoryDedupeStore::default`]).
    pub fn new(pesapal: Pesapal, expectations: X, handler: H) -> PaymentEndpoint<X, H> {
        PaymentEndpoint { pesapal, expectations, handler, store: MemoryDedupeStore::default() }
    }
}

impl<X: Expectations, H: PaymentHandler, S: DedupeStore> PaymentEndpoint<X, H, S> {
    /// The same endpoint, deduplicated by `store` (your database; see [`DedupeStore`]).
    pub fn with_store<T: DedupeStore>(self, store: T) -> PaymentEndpoint<X, H, T> {
        PaymentEndpoint { pesapal: self.pesapal, expectations: self.expectations, handler: self.handler, store }
    }

    /// The client.
    pub fn pesapal(&self) -> &Pesapal {
        &self.pesapal
    }

    /// The deduplication store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Answers one IPN call: the request's `method`, `query` (without `?`) and `body` in, the
    /// HTTP answer out. Any web framework can serve it.
    ///
    /// - The notification is read by [`Notification::from_request`]: GET has the parameters in
    ///   the query; POST in the body (JSON or form), **or in the query when the body is empty**.
    ///   A malformed one gets HTTP 400 (405 for another method), without any call to Pesapal.
    /// - It is confirmed ([`PaymentEndpoint::callback`] says how, and when your handler runs).
    /// - The answer is Pesapal's acknowledgement: `"status":200` with HTTP 200 when the payment
    ///   was acted on (or had been: a repeat); `"status":500` **with HTTP 500** otherwise (no
    ///   payment yet, a reference mismatch, an unknown order, a failed status call, store or
    ///   handler), so that Pesapal notifies again.
    pub async fn ipn(&self, method: &str, query: Option<&str>, body: &[u8]) -> EndpointAnswer {
        let notification = match Notification::from_request(method, query, body) {
            Ok(notification) => notification,
            Err(error) => {
                tracing::warn!(%error, "malformed Pesapal notification");
                return EndpointAnswer::refusal(&error);
            }
        };
        let acted = match self.confirm(&notification).await {
            Ok(confirmation) if confirmation.verdict.concerns_a_payment() => true,
            Ok(confirmation) => {
                tracing::info!(verdict = ?confirmation.verdict, tracking_id = %notification.order_tracking_id, "IPN not acted on");
                false
            }
            Err(error) => {
                tracing::warn!(%error, tracking_id = %notification.order_tracking_id, "IPN not processed");
                false
            }
        };
        let ack = if acted { Acknowledgement::received(&notification) } else { Acknowledgement::failed(&notification) };
        EndpointAnswer::acknowledgement(&ack)
    }

    /// Confirms the customer's return to your callback URL (its `query`), for the page you show
    /// them; the IPN path does the same.
    ///
    /// The notification's merchant reference is looked up in your [`Expectations`] (an unknown
    /// order is [`EndpointError::UnknownOrder`], without any call to Pesapal), then confirmed
    /// with GetTransactionStatus ([`Pesapal::confirm_notification`]). When the verdict concerns
    /// a payment, its [`DedupeKey`](crate::DedupeKey) is claimed in the store and, if new, your
    /// handler runs (a failure releases the claim, and is an error). The confirmation is
    /// returned either way, [`Verdict::NotPaidYet`](crate::Verdict::NotPaidYet) included (the
    /// customer may be back before the payment is complete: show "we are waiting for your
    /// payment").
    pub async fn callback(&self, query: Option<&str>) -> Result<Confirmation, EndpointError> {
        let notification = Notification::from_query(query.unwrap_or_default())?;
        self.confirm(&notification).await
    }

    async fn confirm(&self, notification: &Notification) -> Result<Confirmation, EndpointError> {
        let reference = &notification.merchant_reference;
        let expected = match self.expectations.expectation(reference).await {
            Ok(Some(expected)) => expected,
            Ok(None) => return Err(EndpointError::UnknownOrder(reference.clone())),
            Err(error) => return Err(EndpointError::Expectations(error.to_string())),
        };
        let confirmation = self.pesapal.confirm_notification(notification, &expected).await?;
        if confirmation.verdict.concerns_a_payment() {
            self.act_once(&confirmation).await?;
        }
        Ok(confirmation)
    }

    /// Runs the handler on `confirmation` unless its key was claimed already.
    async fn act_once(&self, confirmation: &Confirmation) -> Result<(), EndpointError> {
        let key = &confirmation.dedupe_key;
        let store = |error: S::Error| EndpointError::Store(error.to_string());
        if !self.store.claim(key).await.map_err(store)? {
            tracing::debug!(%key, "payment already acted on");
            return Ok(());
        }
        if let Err(error) = self.handler.handle(confirmation.clone()).await {
            self.store.release(key).await.map_err(store)?;
            return Err(EndpointError::Handler(error.to_string()));
        }
        Ok(())
    }
}

//! [`Pesapal`]: the client's handle, one method per operation (each a
//! [`Call`](crate::call::Call) sent through the pipeline), and the building of one from a
//! [`ClientBuilder`].

use crate::config::ClientBuilder;
use crate::error::Result;
use crate::guard::Guard;
use crate::operations::{Cancellation, IpnList, RegisterIpn, StatusOf};
use crate::pipeline::Pipeline;
use crate::requests::order::OrderRequest;
use crate::requests::refund::RefundRequest;
use crate::requests::stk::StkPushRequest;
use crate::responses::{
    CancellationReceipt, IpnMethod, IpnRegistration, OrderSubmission, RefundReceipt, TransactionStatus,
};
use crate::tokens::Tokens;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// A Pesapal API 3.0 client. Cheap to clone; clones share the connection pool, the token and
/// the guard of notification verifications.
#[derive(Debug, Clone)]
pub struct Pesapal {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    pipeline: Pipeline,
    guard: Guard,
}

impl ClientBuilder {
    /// Checks the configuration and builds the client. No request is sent.
    pub fn build(self) -> Result<Pesapal> {
        let credentials = self.checked_credentials()?;
        let http = self.http()?;
        let tokens = Tokens::new(http.clone(), credentials, self.retry, self.refresh_margin);
        let pipeline = Pipeline::new(http, tokens, self.retry);
        Ok(Pesapal { shared: Arc::new(Shared { pipeline, guard: self.guard()? }) })
    }
}

impl Pesapal {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `PESAPAL_CONSUMER_KEY`, `PESAPAL_CONSUMER_SECRET`,
    /// `PESAPAL_ENVIRONMENT` and `PESAPAL_BASE_URL` (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Pesapal> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.pipeline().base_url()
    }

    /// The one call path, shared by clones.
    pub(super) fn pipeline(&self) -> &Pipeline {
        &self.shared.pipeline
    }

    /// The guard that bounds notification verifications, shared by clones.
    pub(super) fn guard(&self) -> &Guard {
        &self.shared.guard
    }

    /// Obtains a token (RequestToken) if none is cached or it is about to expire, and returns
    /// its `expiryDate`. Checks the credentials; the token itself is never exposed.
    pub async fn token_expiry(&self) -> Result<DateTime<Utc>> {
        self.pipeline().tokens().expires_at().await
    }

    /// Registers the URL Pesapal notifies on payment status changes (RegisterIPN). Keep the
    /// returned `ipn_id`: orders need it as their `notification_id`.
    ///
    /// Pesapal makes a new `ipn_id` on every call, even for a URL already registered:
    /// [`Pesapal::ensure_ipn`] reuses a registration instead.
    ///
    /// **Unknown outcome** ([`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)): not
    /// resent by the client. [`Pesapal::ensure_ipn`] finds the registration if it arrived, and
    /// registers the URL if it did not.
    pub async fn register_ipn(&self, url: &str, method: IpnMethod) -> Result<IpnRegistration> {
        self.pipeline().send(&RegisterIpn { url, method }).await
    }

    /// Every IPN URL registered for the account (GetIpnList).
    pub async fn list_ipns(&self) -> Result<Vec<IpnRegistration>> {
        self.pipeline().send(&IpnList).await
    }

    /// Creates an order, one-off or recurring (SubmitOrderRequest): redirect the customer to
    /// the returned `redirect_url`.
    ///
    /// **Unknown outcome** (the request may have reached Pesapal and no answer came back): the
    /// order is sent once more, with the same merchant reference. Pesapal answers a repeated
    /// reference with the order it already has (same `order_tracking_id`), or creates it if the
    /// first request never arrived, so the resend returns the order either way, and never makes
    /// a second one. If the resend fails too (refused, or its answer lost as well), the first
    /// error stands: [`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown) is true, and
    /// submitting the same order again later is just as safe. No money moves before the customer
    /// opens the `redirect_url`.
    pub async fn submit_order(&self, order: &OrderRequest) -> Result<OrderSubmission> {
        match self.pipeline().send(order).await {
            // Boxed: the rare resend would otherwise double every submit's future.
            Err(unknown) if unknown.is_outcome_unknown() => Box::pin(self.resubmit(order, unknown)).await,
            result => result,
        }
    }

    /// Sends a mobile-money payment prompt to the customer's phone.
    ///
    /// **Unverified shape**: Pesapal documents this endpoint only by a Postman sample; the
    /// request is SubmitOrderRequest's plus `msisdn` and `payment_method`, and the answer is
    /// assumed to be SubmitOrderRequest's. Confirm the payment with
    /// [`Pesapal::transaction_status`].
    ///
    /// **Unknown outcome** ([`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)):
    /// **never send it again**: a resend would prompt the customer's phone twice. If the prompt
    /// arrived and the customer approves it, the IPN brings the tracking id with your merchant
    /// reference: confirm it with [`Pesapal::transaction_status`] or
    /// [`Pesapal::wait_for_final_status`]. Only once the prompt has expired with no IPN, send a
    /// new push with a new merchant reference.
    pub async fn stk_push(&self, request: &StkPushRequest) -> Result<OrderSubmission> {
        self.pipeline().send(request).await
    }

    /// The status of an order's payment (GetTransactionStatus, the only trustworthy source), as
    /// the operation answers it: "not paid yet" comes back as an error for which
    /// [`Error::is_pending`](crate::Error::is_pending) is true.
    ///
    /// **To ask whether an order is paid, use [`Pesapal::confirm`]**: the same call, judged
    /// against your order (amount, currency, reference), "not paid yet" a verdict rather than an
    /// error, with the deduplication key every path shares. [`Pesapal::payment_progress`] is the
    /// same without an order to judge against.
    pub async fn transaction_status(&self, order_tracking_id: Uuid) -> Result<TransactionStatus> {
        self.pipeline().send(&StatusOf(order_tracking_id)).await
    }

    /// Asks for a refund of a completed payment (RefundRequest). Acceptance means the request
    /// awaits the merchant's approval, not that money moved.
    ///
    /// **Unknown outcome** ([`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)):
    /// resending is safe, since Pesapal accepts one refund request per payment and answers a
    /// second with "Refund request has been received already"
    /// ([`Error::is_refund_already_received`](crate::Error::is_refund_already_received): the
    /// first one arrived). [`Pesapal::refund_with_resend`] does it for you.
    pub async fn refund(&self, refund: &RefundRequest) -> Result<RefundReceipt> {
        self.pipeline().send(refund).await
    }

    /// Cancels a failed or pending order (CancelOrder); only once per order.
    ///
    /// **Unknown outcome** ([`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)):
    /// resending is harmless. A success means the order is cancelled; a refusal means that the
    /// first request arrived and cancelled it, or that the order can no longer be cancelled
    /// (paid meanwhile): [`Pesapal::transaction_status`] tells which.
    pub async fn cancel_order(&self, order_tracking_id: Uuid) -> Result<CancellationReceipt> {
        self.pipeline().send(&Cancellation(order_tracking_id)).await
    }
}

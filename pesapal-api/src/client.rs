//! The client: one method per Pesapal operation.

use crate::error::{Result, ValidationErrors};
use crate::requests::{self, OrderRequest, RefundRequest, StkPushRequest};
use crate::responses::{
    self, CancellationReceipt, IpnMethod, IpnRegistration, OrderSubmission, RefundReceipt, TransactionStatus,
};
use crate::retry::RetryPolicy;
use crate::token::Tokens;
use crate::transport;
use crate::verification::Verifications;
use crate::wire::{Answer, Operation, Request, Wire};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use uuid::Uuid;

/// A Pesapal API 3.0 client. Cheap to clone; clones share the connection pool and the token.
#[derive(Debug, Clone)]
pub struct Pesapal {
    pub(crate) wire: Wire,
    pub(crate) tokens: Arc<Tokens>,
    pub(crate) retry: RetryPolicy,
    pub(crate) verifications: Arc<Verifications>,
}

impl Pesapal {
    /// Starts configuring a client.
    pub fn builder() -> crate::ClientBuilder {
        crate::ClientBuilder::default()
    }

    /// A client configured from `PESAPAL_CONSUMER_KEY`, `PESAPAL_CONSUMER_SECRET`,
    /// `PESAPAL_ENVIRONMENT` and `PESAPAL_BASE_URL` (see [`crate::ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Pesapal> {
        crate::ClientBuilder::from_env()?.build()
    }

    /// The guard that bounds notification verifications, shared by clones.
    pub(crate) fn verifications(&self) -> &Verifications {
        &self.verifications
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.wire.base_url()
    }

    /// Obtains a token (RequestToken) if none is cached or it is about to expire, and returns
    /// its `expiryDate`. Checks the credentials; the token itself is never exposed.
    pub async fn token_expiry(&self) -> Result<chrono::DateTime<chrono::Utc>> {
        self.tokens.expires_at().await
    }

    async fn call<T: DeserializeOwned, R>(
        &self,
        operation: Operation,
        request: Request<'_>,
        decode: fn(Operation, Answer<T>) -> Result<R>,
    ) -> Result<R> {
        transport::execute(&self.wire, &self.retry, &self.tokens, operation, &request, |answer| {
            decode(operation, answer)
        })
        .await
    }

    /// Registers the URL Pesapal notifies on payment status changes (RegisterIPN). Keep the
    /// returned `ipn_id`: orders need it as their `notification_id`.
    ///
    /// **Unknown outcome** ([`crate::Error::is_outcome_unknown`]): not resent by the client. Look
    /// for the URL in [`Pesapal::list_ipns`] and reuse its `ipn_id`; registering again only adds a
    /// second id for the same URL.
    pub async fn register_ipn(&self, url: &str, method: IpnMethod) -> Result<IpnRegistration> {
        let mut errors = ValidationErrors::default();
        match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
            _ => errors.push("url", format!("{url:?} is not an http(s) URL")),
        }
        errors.into_result(|| ())?;
        let body = requests::ipn_registration_body(url, method)?;
        self.call(Operation::RegisterIpn, Request::json(&body)?, responses::ipn_registration).await
    }

    /// Every IPN URL registered for the account (GetIpnList).
    pub async fn list_ipns(&self) -> Result<Vec<IpnRegistration>> {
        self.call(Operation::GetIpnList, Request::default(), responses::ipn_list).await
    }

    /// Creates an order, one-off or recurring (SubmitOrderRequest): redirect the customer to
    /// the returned `redirect_url`. Never retried once the request may have reached Pesapal.
    ///
    /// **Unknown outcome** ([`crate::Error::is_outcome_unknown`]): Pesapal may have created the
    /// order, but **no money has moved**: a customer pays only by opening the order's
    /// `redirect_url`, which nobody received. Submit again with a **new** merchant reference
    /// (Pesapal documents the reference as unique; what it does with a repeated one is not
    /// recorded), mapped to the same order in your system; the lost order stays unpaid.
    pub async fn submit_order(&self, order: &OrderRequest) -> Result<OrderSubmission> {
        self.call(Operation::SubmitOrderRequest, Request::json(&order.body)?, responses::order_submission).await
    }

    /// Sends a mobile-money payment prompt to the customer's phone.
    ///
    /// **Unverified shape**: Pesapal documents this endpoint only by a Postman sample; the
    /// request is SubmitOrderRequest's plus `msisdn` and `payment_method`, and the answer is
    /// assumed to be SubmitOrderRequest's. Confirm the payment with
    /// [`Pesapal::transaction_status`].
    ///
    /// **Unknown outcome** ([`crate::Error::is_outcome_unknown`]): **never send it again**: a
    /// resend would prompt the customer's phone twice. If the prompt arrived and the customer
    /// approves it, the IPN brings the tracking id with your merchant reference: confirm it with
    /// [`Pesapal::transaction_status`] or [`Pesapal::wait_for_final_status`]. Only once the prompt
    /// has expired with no IPN, send a new push with a new merchant reference.
    pub async fn stk_push(&self, request: &StkPushRequest) -> Result<OrderSubmission> {
        self.call(Operation::DirectMobileMoneyStk, Request::json(&request.body)?, responses::order_submission).await
    }

    /// The status of an order's payment (GetTransactionStatus): the only trustworthy source.
    /// "Not paid yet" may come back as an error for which [`crate::Error::is_pending`] is true.
    pub async fn transaction_status(&self, order_tracking_id: Uuid) -> Result<TransactionStatus> {
        let mut buffer = Uuid::encode_buffer();
        let id: &str = order_tracking_id.hyphenated().encode_lower(&mut buffer);
        self.call(Operation::GetTransactionStatus, Request::query(&[id]), responses::transaction_status).await
    }

    /// Asks for a refund of a completed payment (RefundRequest). Acceptance means the request
    /// awaits the merchant's approval, not that money moved.
    ///
    /// **Unknown outcome** ([`crate::Error::is_outcome_unknown`]): resending is safe, since
    /// Pesapal accepts one refund request per payment and answers a second with "Refund request
    /// has been received already" ([`crate::Error::is_refund_already_received`]: the first one
    /// arrived). [`Pesapal::refund_with_resend`] does it for you.
    pub async fn refund(&self, refund: &RefundRequest) -> Result<RefundReceipt> {
        self.call(Operation::RefundRequest, Request::json(&refund.body)?, responses::refund).await
    }

    /// Cancels a failed or pending order (CancelOrder); only once per order.
    ///
    /// **Unknown outcome** ([`crate::Error::is_outcome_unknown`]): resending is harmless. A
    /// success means the order is cancelled; a refusal means that the first request arrived and
    /// cancelled it, or that the order can no longer be cancelled (paid meanwhile):
    /// [`Pesapal::transaction_status`] tells which.
    pub async fn cancel_order(&self, order_tracking_id: Uuid) -> Result<CancellationReceipt> {
        let body = requests::cancellation_body(order_tracking_id)?;
        self.call(Operation::CancelOrder, Request::json(&body)?, responses::cancellation).await
    }
}

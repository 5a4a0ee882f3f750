//! The client: one method per Pesapal operation.

use crate::config::ClientBuilder;
use crate::error::{Error, Result, ValidationErrors};
use crate::models::{
    CancelAcknowledgement, IpnMethod, IpnRegistration, OrderSubmission, RefundAcknowledgement, TransactionStatus,
};
use crate::requests::{OrderRequest, RefundRequest, StkPushRequest};
use crate::retry::RetryPolicy;
use crate::token::{SharedTokens, Tokens};
use crate::transport::{self, Operation};
use pesapal_gen::types;
use std::sync::Arc;
use uuid::Uuid;

/// A Pesapal API 3.0 client. Cheap to clone; clones share the connection pool and the token.
#[derive(Debug, Clone)]
pub struct Pesapal {
    api: pesapal_gen::Client,
    tokens: Arc<Tokens>,
    retry: RetryPolicy,
    base_url: String,
}

const REGISTER_IPN: Operation = Operation { name: "RegisterIPN", idempotent: false };
const GET_IPN_LIST: Operation = Operation { name: "GetIpnList", idempotent: true };
const SUBMIT_ORDER: Operation = Operation { name: "SubmitOrderRequest", idempotent: false };
const STK_PUSH: Operation = Operation { name: "DirectMobileMoneyStk", idempotent: false };
const TRANSACTION_STATUS: Operation = Operation { name: "GetTransactionStatus", idempotent: true };
const REFUND: Operation = Operation { name: "RefundRequest", idempotent: false };
const CANCEL_ORDER: Operation = Operation { name: "CancelOrder", idempotent: false };

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
        &self.base_url
    }

    /// Obtains a token (RequestToken) if none is cached or it is about to expire, and returns
    /// its `expiryDate`. Checks the credentials; the token itself is never exposed.
    pub async fn token_expiry(&self) -> Result<chrono::DateTime<chrono::Utc>> {
        self.tokens.expires_at().await
    }

    async fn call<T, R, Fut>(
        &self,
        operation: Operation,
        send: impl Fn() -> Fut,
        decode: impl Fn(&crate::models::Answer<'_>) -> Result<R>,
    ) -> Result<R>
    where
        T: serde::Serialize,
        Fut: std::future::Future<Output = std::result::Result<pesapal_gen::ResponseValue<T>, pesapal_gen::Error<()>>>,
    {
        transport::execute(&self.retry, Some(&self.tokens), operation, send, decode).await
    }

    /// Registers the URL Pesapal notifies on payment status changes (RegisterIPN). Keep the
    /// returned `ipn_id`: orders need it as their `notification_id`.
    pub async fn register_ipn(&self, url: &str, method: IpnMethod) -> Result<IpnRegistration> {
        let mut errors = ValidationErrors::default();
        match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
            _ => errors.push("url", format!("{url:?} is not an http(s) URL")),
        }
        errors.into_result(|| ())?;
        let method = match method {
            IpnMethod::Get => types::RegisterIpnBodyIpnNotificationType::Get,
            IpnMethod::Post => types::RegisterIpnBodyIpnNotificationType::Post,
        };
        self.call(
            REGISTER_IPN,
            || {
                self.api
                    .register_ipn()
                    .body(types::RegisterIpnBody { url: url.to_owned(), ipn_notification_type: method })
                    .send()
            },
            |answer| {
                answer.rejected()?;
                answer.ipn_registration(answer.body)
            },
        )
        .await
    }

    /// Every IPN URL registered for the account (GetIpnList).
    pub async fn list_ipns(&self) -> Result<Vec<IpnRegistration>> {
        self.call(GET_IPN_LIST, || self.api.get_ipn_list().send(), |answer| answer.ipn_list()).await
    }

    /// Creates an order, one-off or recurring (SubmitOrderRequest): redirect the customer to
    /// the returned `redirect_url`. Never retried once the request may have reached Pesapal.
    pub async fn submit_order(&self, order: &OrderRequest) -> Result<OrderSubmission> {
        self.call(
            SUBMIT_ORDER,
            || self.api.submit_order_request().body(order.to_wire()).send(),
            |answer| answer.order_submission(),
        )
        .await
    }

    /// Sends a mobile-money payment prompt to the customer's phone.
    ///
    /// **Unverified shape**: Pesapal documents this endpoint only by a Postman sample; the
    /// request is SubmitOrderRequest's plus `msisdn` and `payment_method`, and the answer is
    /// assumed to be SubmitOrderRequest's. Confirm the payment with
    /// [`Pesapal::transaction_status`].
    pub async fn stk_push(&self, request: &StkPushRequest) -> Result<OrderSubmission> {
        self.call(
            STK_PUSH,
            || {
                self.api
                    .direct_mobile_money_stk()
                    .body(request.order.to_stk_wire(&request.msisdn, &request.payment_method))
                    .send()
            },
            |answer| answer.order_submission(),
        )
        .await
    }

    /// The status of an order's payment (GetTransactionStatus): the only trustworthy source.
    /// "Not paid yet" may come back as an error for which [`Error::is_pending`] is true.
    pub async fn transaction_status(&self, order_tracking_id: Uuid) -> Result<TransactionStatus> {
        self.call(
            TRANSACTION_STATUS,
            || self.api.get_transaction_status().order_tracking_id(order_tracking_id).send(),
            |answer| answer.transaction_status(),
        )
        .await
    }

    /// Asks for a refund of a completed payment (RefundRequest). Acceptance means the request
    /// awaits the merchant's approval, not that money moved.
    pub async fn refund(&self, refund: &RefundRequest) -> Result<RefundAcknowledgement> {
        self.call(REFUND, || self.api.refund_request().body(refund.to_wire()).send(), |answer| answer.refund()).await
    }

    /// Cancels a failed or pending order (CancelOrder); only once per order.
    pub async fn cancel_order(&self, order_tracking_id: Uuid) -> Result<CancelAcknowledgement> {
        self.call(
            CANCEL_ORDER,
            || self.api.cancel_order().body(types::CancelOrderBody { order_tracking_id }).send(),
            |answer| answer.cancel(),
        )
        .await
    }
}

impl ClientBuilder {
    /// Checks the configuration and builds the client. No request is sent.
    pub fn build(self) -> Result<Pesapal> {
        let credentials = self.credentials.clone().ok_or_else(|| Error::Config("credentials are required".into()))?;
        let base_url = self.resolved_base_url()?;
        let http = self.http()?;
        let tokens = Arc::new(Tokens::new(&base_url, http.clone(), credentials, self.retry, self.refresh_margin));
        let api = pesapal_gen::Client::new_with_client(&base_url, http, Arc::new(SharedTokens(tokens.clone())));
        Ok(Pesapal { api, tokens, retry: self.retry, base_url })
    }
}

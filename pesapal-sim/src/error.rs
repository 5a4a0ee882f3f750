//! Why the simulator refuses a request, and the Pesapal error code each refusal answers with.

use crate::model::machine::{OrderStatus, Transition};
use pesapal_gen::facts::ErrorCode;
use uuid::Uuid;

/// Why a bearer token is refused (HTTP 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenRefusal {
    /// No `Authorization: Bearer …` header.
    Missing,
    /// A token the simulator never issued.
    Unknown,
    /// A token past its `expiryDate` (on the simulator's clock).
    Expired,
    /// A token revoked by [`crate::Faults::revoke_tokens_after`].
    Revoked,
}

/// A refused API or control request. Its `Display` is the simulator's own explanation (the
/// control API's `message`); the API answers it with the code and words Pesapal was seen using
/// (the crate docs' "Refusals and error codes" table); [`SimError::code`] is its code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The bearer token is missing, unknown, expired or revoked: HTTP 401.
    #[error("bearer token refused: {0:?}")]
    Unauthorized(TokenRefusal),
    /// The body is not JSON, lacks a field, or a field breaks a rule.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// An order without `billing_address` (absent or null).
    #[error("the order has no billing_address")]
    MissingBillingAddress,
    /// An order whose billing address names neither an email address nor a phone number.
    #[error("a billing address needs an email address or a phone number")]
    BillingAddressWithoutContact,
    /// RequestToken with a wrong consumer key or secret.
    #[error("invalid consumer key or secret")]
    InvalidCredentials,
    /// `notification_id` names no registered IPN.
    #[error("no IPN is registered with id {0}")]
    UnknownIpn(Uuid),
    /// No order has this tracking id.
    #[error("no order has tracking id {0}")]
    UnknownOrder(Uuid),
    /// GetTransactionStatus of an order nobody has paid yet.
    #[error("pending payment")]
    PaymentPending,
    /// CancelOrder of an order that is completed or reversed: answered, as the sandbox does,
    /// with only `status` "500" and this message.
    #[error("Invalid order request. Transaction cannot be cancelled")]
    NotCancellable,
    /// CancelOrder of an order already cancelled (answered as [`SimError::NotCancellable`]).
    #[error("Invalid order request. Transaction cannot be cancelled")]
    AlreadyCancelled,
    /// RegisterIPN with a URL that is not a usable http(s) URL: `invalid_url`, as the sandbox
    /// answers.
    #[error("The specified url provided is invalid")]
    InvalidUrl,
    /// A payment on a cancelled order.
    #[error("the order was cancelled")]
    OrderCancelled,
    /// RefundRequest with a confirmation code of no payment.
    #[error("no payment has confirmation code {0:?}")]
    UnknownConfirmationCode(String),
    /// RefundRequest for a payment that is not COMPLETED (failed or reversed): Pesapal refunds
    /// completed payments only.
    #[error("Refunds are only allowed for completed payments")]
    RefundNotCompleted,
    /// RefundRequest for nothing (zero after rounding to cents), for more than was paid, or for
    /// part of a mobile-money payment (only cards may be refunded in part): answered, as the
    /// sandbox does, with only `status` "500" and this message.
    #[error("Invalid amount provided. Please check your transaction details")]
    RefundInvalidAmount,
    /// RefundRequest for a payment that already has a refund request: Pesapal allows one per
    /// payment and answers with only `status` "500" and this message.
    #[error("Refund request has been received already")]
    RefundAlreadyReceived,
    /// A control action that the order's state does not allow (e.g. paying a completed order).
    #[error("{action} is not allowed on a {status} order")]
    InvalidTransition {
        /// The transition asked for.
        action: Transition,
        /// The order's status.
        status: OrderStatus,
    },
}

impl SimError {
    /// The error code of the refusal: Pesapal's code where one was seen ([`ErrorCode`], with
    /// its source), else one of the simulator's own, which only the control API and logs show
    /// (`refund_already_received`, `order_cancelled`, `invalid_state_transition`). An API
    /// answer carries the code only where Pesapal's does (RefundRequest and CancelOrder refusals
    /// carry none); the crate docs' "Refusals" table lists each answer.
    pub fn code(&self) -> &'static str {
        let code = match self {
            SimError::Unauthorized(_) => ErrorCode::InvalidApiCredentials,
            SimError::InvalidRequest(_) | SimError::UnknownIpn(_) => ErrorCode::InvalidApiRequestParameters,
            SimError::MissingBillingAddress | SimError::BillingAddressWithoutContact => {
                ErrorCode::MissingMandatoryBillingAddress
            }
            SimError::InvalidCredentials => ErrorCode::InvalidConsumerKeyOrSecret,
            SimError::UnknownOrder(_) => ErrorCode::InvalidTrackingId,
            SimError::PaymentPending => ErrorCode::PaymentDetailsNotFound,
            SimError::InvalidUrl => ErrorCode::InvalidUrl,
            SimError::NotCancellable | SimError::AlreadyCancelled => ErrorCode::OrderNotCancellable,
            SimError::RefundInvalidAmount | SimError::RefundNotCompleted | SimError::UnknownConfirmationCode(_) => {
                ErrorCode::RefundRejected
            }
            SimError::RefundAlreadyReceived => return "refund_already_received",
            SimError::OrderCancelled => return "order_cancelled",
            SimError::InvalidTransition { .. } => return "invalid_state_transition",
        };
        code.as_str()
    }
}

/// Why [`crate::Simulator`] could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: std::net::SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The HTTP client for IPN calls could not be built.
    #[error("cannot build the IPN HTTP client: {0}")]
    HttpClient(String),
}

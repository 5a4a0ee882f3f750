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

/// A refused API or control request. [`SimError::code`] is the `error.code` Pesapal-style
/// answers carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The bearer token is missing, unknown, expired or revoked: HTTP 401.
    #[error("bearer token refused: {0:?}")]
    Unauthorized(TokenRefusal),
    /// The body is not JSON, lacks a field, or a field breaks a rule.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// An order names neither an email address nor a phone number.
    #[error("a billing address needs an email address or a phone number")]
    MissingBillingAddress,
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
    /// The `error.code` of the Pesapal-style answer: Pesapal's known codes
    /// ([`ErrorCode`]); `invalid_state_transition` for a control action the order's state does
    /// not allow (control API only).
    pub fn code(&self) -> &'static str {
        let code = match self {
            SimError::Unauthorized(_) => ErrorCode::InvalidApiCredentials,
            SimError::InvalidRequest(_) => ErrorCode::InvalidApiRequestParameters,
            SimError::MissingBillingAddress => ErrorCode::MissingMandatoryBillingAddress,
            SimError::InvalidCredentials => ErrorCode::InvalidConsumerKeyOrSecret,
            SimError::UnknownIpn(_) => ErrorCode::InvalidIpnId,
            SimError::UnknownOrder(_) => ErrorCode::InvalidOrderTrackingId,
            SimError::PaymentPending => ErrorCode::PaymentDetailsNotFound,
            SimError::NotCancellable => ErrorCode::OrderCancellationNotAllowed,
            SimError::InvalidUrl => ErrorCode::InvalidUrl,
            SimError::AlreadyCancelled => ErrorCode::OrderAlreadyCancelled,
            SimError::OrderCancelled => ErrorCode::OrderCancelled,
            SimError::UnknownConfirmationCode(_) => ErrorCode::InvalidConfirmationCode,
            // Refund refusals are sent without an error object (status and message only), as
            // Pesapal does: these codes appear only in the simulator's own logs.
            SimError::RefundInvalidAmount => ErrorCode::RefundAmountExceedsPaidAmount,
            SimError::RefundNotCompleted => return "refund_not_allowed",
            SimError::RefundAlreadyReceived => return "refund_already_received",
            SimError::InvalidTransition { .. } => return "invalid_state_transition",
        };
        code.as_str()
    }

    /// The `error.error_type`: `invalid_request_error` for a malformed request (as the sandbox
    /// answers one, `evidence/sandbox-2025-11-09_refund_invalid_params.json`),
    /// `api_error` otherwise.
    pub fn error_type(&self) -> &'static str {
        match self {
            SimError::InvalidRequest(_) => "invalid_request_error",
            _ => "api_error",
        }
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

//! Why the simulator refuses a request, and the Pesapal error code each refusal answers with.

use uuid::Uuid;

/// A refused API or control request. [`SimError::code`] is the `error.code` Pesapal-style
/// answers carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
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
    /// CancelOrder of an order that is completed or reversed.
    #[error("only pending or failed orders can be cancelled")]
    NotCancellable,
    /// CancelOrder of an order already cancelled.
    #[error("the order is already cancelled")]
    AlreadyCancelled,
    /// A payment on a cancelled order.
    #[error("the order was cancelled")]
    OrderCancelled,
    /// RefundRequest with a confirmation code of no completed payment.
    #[error("no completed payment has confirmation code {0:?}")]
    UnknownConfirmationCode(String),
    /// RefundRequest for more than was paid (less what was already refunded).
    #[error("the refund exceeds the amount paid")]
    RefundTooLarge,
    /// RefundRequest for a payment that already has a refund request: Pesapal allows one per
    /// payment and answers with only `status` "500" and this message.
    #[error("Refund request has been received already")]
    RefundAlreadyReceived,
    /// A control action that the order's state does not allow (e.g. paying a completed order).
    #[error("{action} is not allowed on a {status} order")]
    InvalidTransition {
        /// The action asked for.
        action: &'static str,
        /// The order's status.
        status: &'static str,
    },
}

impl SimError {
    /// The `error.code` of the Pesapal-style answer.
    pub fn code(&self) -> &'static str {
        match self {
            SimError::InvalidRequest(_) => "invalid_api_request_parameters",
            SimError::MissingBillingAddress => "missing_mandatory_billing_address",
            SimError::InvalidCredentials => "invalid_consumer_key_or_secret_provided",
            SimError::UnknownIpn(_) => "invalid_ipn_id",
            SimError::UnknownOrder(_) => "invalid_order_tracking_id",
            SimError::PaymentPending => "payment_details_not_found",
            SimError::NotCancellable => "order_cancellation_not_allowed",
            SimError::AlreadyCancelled => "order_already_cancelled",
            SimError::OrderCancelled => "order_cancelled",
            SimError::UnknownConfirmationCode(_) => "invalid_confirmation_code",
            SimError::RefundTooLarge => "refund_amount_exceeds_paid_amount",
            SimError::RefundAlreadyReceived => "refund_already_received",
            SimError::InvalidTransition { .. } => "invalid_state_transition",
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

//! What Pesapal says when it refuses a request: [`Rejection`], and its known error codes,
//! [`ErrorCode`] (mapped once to [`pesapal_gen::facts::ErrorCode`], which holds the codes as
//! they are written on the wire).
//!
//! A leaf module: it uses no other module of this crate.

use pesapal_gen::facts;
use std::fmt;

/// What Pesapal said when it refused a request: the HTTP status, the body's `status`, its
/// `error` object (trimmed: Pesapal pads it with spaces) and the body exactly as received.
///
/// Read through its accessors; the fields are private so that more can be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    http_status: u16,
    status: Option<String>,
    error_type: Option<String>,
    code: Option<String>,
    message: Option<String>,
    raw_body: String,
}

impl Rejection {
    /// A rejection with nothing but the HTTP status and the body (empty, not JSON, or without
    /// an error object).
    pub(crate) fn bare(http_status: u16, raw_body: String) -> Rejection {
        Rejection { http_status, status: None, error_type: None, code: None, message: None, raw_body }
    }

    /// A rejection with what the body's envelope says.
    pub(crate) fn with(
        mut self,
        status: Option<String>,
        error_type: Option<String>,
        code: Option<String>,
        message: Option<String>,
    ) -> Rejection {
        (self.status, self.error_type, self.code, self.message) = (status, error_type, code, message);
        self
    }

    /// HTTP status of the answer (often 200 even for errors).
    pub fn http_status(&self) -> u16 {
        self.http_status
    }

    /// The body's `status` field (`"500"`), if any.
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// `error.error_type` (or the documented `error.type`), trimmed.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// `error.code`, e.g. `invalid_api_credentials_provided`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// `error.message`, or the body's `message`; when Pesapal leaves both empty or null, the
    /// code stands in for it.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The body as received (lossily converted to UTF-8).
    pub fn raw_body(&self) -> &str {
        &self.raw_body
    }

    /// [`Rejection::code`] as one of Pesapal's known error codes; `None` when absent or unknown.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.as_deref().and_then(ErrorCode::from_code)
    }

    /// True when Pesapal refused the bearer token (HTTP 401 or `invalid_api_credentials_provided`).
    pub(crate) fn refuses_token(&self) -> bool {
        self.http_status == 401 || self.error_code() == Some(ErrorCode::InvalidApiCredentials)
    }

    /// True when the refusal's message is `message` (surrounding spaces and case ignored).
    pub(crate) fn says(&self, message: &str) -> bool {
        self.message.as_deref().is_some_and(|m| m.trim().eq_ignore_ascii_case(message))
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.http_status)?;
        if let Some(status) = &self.status {
            write!(f, ", status {status}")?;
        }
        match (&self.error_type, &self.code) {
            (Some(kind), Some(code)) => write!(f, ", {kind}/{code}")?,
            (Some(one), None) | (None, Some(one)) => write!(f, ", {one}")?,
            (None, None) => {}
        }
        if let Some(message) = self.message.as_ref().filter(|m| Some(*m) != self.code.as_ref()) {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// The error codes Pesapal's answers carry in `error.code` that this crate knows: only codes
/// seen from Pesapal (recorded, or noted from the API by the project's founders). The codes
/// themselves, as written on the wire, and where each was seen, are kept once, in
/// `pesapal_gen::facts`.
///
/// `#[non_exhaustive]`: Pesapal sends codes it does not document; a newly seen one becomes a
/// new variant.
///
/// ```
/// use pesapal_api::ErrorCode;
///
/// assert_eq!(ErrorCode::from_code(" payment_details_not_found "), Some(ErrorCode::PaymentDetailsNotFound));
/// assert_eq!(ErrorCode::InvalidUrl.as_str(), "invalid_url");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_api_credentials_provided`: a refused bearer token (HTTP 401) or consumer key.
    InvalidApiCredentials,
    /// `payment_details_not_found`: GetTransactionStatus has no payment yet (keep waiting).
    PaymentDetailsNotFound,
    /// `invalid_api_request_parameters`: a malformed request, or (SubmitOrderRequest) an unknown
    /// `notification_id` ("Invalid IPN URL ID provided.Check format and try again").
    InvalidApiRequestParameters,
    /// `invalid_url`: RegisterIPN refused the URL.
    InvalidUrl,
    /// `missing_mandatory_billing_address`: an order without a billing address, or without
    /// email address and phone number.
    MissingMandatoryBillingAddress,
    /// `invalid_consumer_key_or_secret_provided`: RequestToken refused the key or secret.
    InvalidConsumerKeyOrSecret,
    /// `invalid_tracking_id`: GetTransactionStatus of a tracking id Pesapal does not know.
    InvalidTrackingId,
    /// `order_not_cancellable`: CancelOrder of an order that can no longer be cancelled (the
    /// 2025 sandbox answers this with only `status` and `message`, no code).
    OrderNotCancellable,
    /// `refund_rejected`: RefundRequest refused (the 2025 sandbox answers refused refunds with
    /// only `status` and `message`, no code).
    RefundRejected,
}

impl ErrorCode {
    /// Every known code.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::InvalidApiCredentials,
        ErrorCode::PaymentDetailsNotFound,
        ErrorCode::InvalidApiRequestParameters,
        ErrorCode::InvalidUrl,
        ErrorCode::MissingMandatoryBillingAddress,
        ErrorCode::InvalidConsumerKeyOrSecret,
        ErrorCode::InvalidTrackingId,
        ErrorCode::OrderNotCancellable,
        ErrorCode::RefundRejected,
    ];

    /// The fact this is: the one mapping between the two.
    const fn fact(self) -> facts::ErrorCode {
        match self {
            ErrorCode::InvalidApiCredentials => facts::ErrorCode::InvalidApiCredentials,
            ErrorCode::PaymentDetailsNotFound => facts::ErrorCode::PaymentDetailsNotFound,
            ErrorCode::InvalidApiRequestParameters => facts::ErrorCode::InvalidApiRequestParameters,
            ErrorCode::InvalidUrl => facts::ErrorCode::InvalidUrl,
            ErrorCode::MissingMandatoryBillingAddress => facts::ErrorCode::MissingMandatoryBillingAddress,
            ErrorCode::InvalidConsumerKeyOrSecret => facts::ErrorCode::InvalidConsumerKeyOrSecret,
            ErrorCode::InvalidTrackingId => facts::ErrorCode::InvalidTrackingId,
            ErrorCode::OrderNotCancellable => facts::ErrorCode::OrderNotCancellable,
            ErrorCode::RefundRejected => facts::ErrorCode::RefundRejected,
        }
    }

    /// The code as on the wire.
    pub const fn as_str(self) -> &'static str {
        self.fact().as_str()
    }

    /// The known code `code` is (surrounding spaces ignored); `None` for any other.
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        let fact = facts::ErrorCode::from_code(code)?;
        ErrorCode::ALL.into_iter().find(|known| known.fact() == fact)
    }
}

impl fmt::Display for ErrorCode {
    /// The code as on the wire.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Pesapal's message for a second refund request of the same payment (HTTP 200,
/// `{"status":"500","message":"Refund request has been received already"}`, recorded from the
/// sandbox on 2025-11-09; see [`Error::is_refund_already_received`](crate::Error::is_refund_already_received)).
pub const REFUND_ALREADY_RECEIVED: &str = "Refund request has been received already";

/// Pesapal's code for "no payment yet" on GetTransactionStatus ([`ErrorCode::PaymentDetailsNotFound`]).
pub const PAYMENT_DETAILS_NOT_FOUND: &str = ErrorCode::PaymentDetailsNotFound.as_str();
/// Pesapal's code for a bad consumer key/secret or an invalid bearer token
/// ([`ErrorCode::InvalidApiCredentials`]).
pub const INVALID_API_CREDENTIALS: &str = ErrorCode::InvalidApiCredentials.as_str();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_fact_has_one_code() {
        let ours: Vec<_> = ErrorCode::ALL.into_iter().map(ErrorCode::fact).collect();
        assert_eq!(ours, facts::ErrorCode::ALL, "one variant per known error code, in the same order");
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
        }
    }
}

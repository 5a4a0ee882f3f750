//! One error type that says at which stage a call failed.

//!
//! A leaf module: it uses no other module of this crate (the error envelope is read in `wire`).

use pesapal_gen::Operation;
use pesapal_gen::facts::ErrorCode;
use std::fmt;

/// Everything that can go wrong with a Pesapal call, by the stage at which it went wrong.
///
/// | variant | stage | did Pesapal receive the request? |
/// | --- | --- | --- |
/// | [`Error::InvalidInput`] | validation | no, nothing was sent |
/// | [`Error::Transport`] | network | [`Sent::NotSent`] or [`Sent::MaybeSent`] |
/// | [`Error::Authentication`] | token | the token request was refused |
/// | [`Error::Rejected`] | Pesapal answered with an error | yes |
/// | [`Error::Decode`] | reading the answer | yes; the raw body is kept |
/// | [`Error::Config`] | building the client | no |
///
/// Secrets never appear in an error: not the consumer secret, not the bearer token.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input broke the documented rules; every offending field is listed. Nothing was sent.
    #[error("invalid input, nothing was sent: {0}")]
    InvalidInput(ValidationErrors),
    /// The HTTP exchange failed; [`std::error::Error::source`] says how.
    #[error("{operation}: transport failure, {sent}")]
    Transport {
        /// The operation, e.g. `SubmitOrderRequest`.
        operation: Operation,
        /// Whether the request may have reached Pesapal.
        sent: Sent,
        /// The underlying error (shared, so that the error can be cloned).
        #[source]
        source: Option<std::sync::Arc<reqwest::Error>>,
    },
    /// Pesapal refused the consumer key and secret, or the token could not be obtained.
    #[error("authentication failed: {0}")]
    Authentication(Box<Rejection>),
    /// Pesapal answered with an error: an HTTP error status, or (often) HTTP 200 with
    /// `"status": "500"` and an `error` object.
    #[error("{operation}: rejected by Pesapal: {rejection}")]
    Rejected {
        /// The operation, e.g. `GetTransactionStatus`.
        operation: Operation,
        /// What Pesapal said.
        rejection: Box<Rejection>,
    },
    /// Pesapal's answer could not be understood; the raw body is kept for diagnosis.
    #[error("{operation}: undecodable response (HTTP {http_status}): {reason}")]
    Decode {
        /// The operation.
        operation: Operation,
        /// HTTP status of the answer.
        http_status: u16,
        /// Why it could not be decoded.
        reason: String,
        /// The body as received (lossily converted to UTF-8).
        raw_body: String,
    },
    /// The client could not be configured (bad base URL, missing environment variable, …).
    #[error("configuration: {0}")]
    Config(String),
}

/// Whether a request that failed in transport may have reached Pesapal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The request certainly did not leave (connection refused, DNS, TLS handshake, …).
    NotSent,
    /// The request may have been received and processed: the outcome is unknown. What is safe
    /// next depends on the operation (each method's docs, and the README's "When the answer is
    /// lost"): a lost SubmitOrderRequest moved no money (nobody received its `redirect_url`:
    /// submit again with a new merchant reference); never resend an STK push (wait for the IPN);
    /// a refund may be resent (`Pesapal::refund_with_resend`); CancelOrder may be resent.
    MaybeSent,
}

impl fmt::Display for Sent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sent::NotSent => "the request was not sent",
            Sent::MaybeSent => "the request may have reached Pesapal (outcome unknown)",
        })
    }
}

/// What Pesapal said when it refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status of the answer (often 200 even for errors).
    pub http_status: u16,
    /// The body's `status` field (`"500"`), if any.
    pub status: Option<String>,
    /// `error.error_type`, trimmed (Pesapal pads it with spaces).
    pub error_type: Option<String>,
    /// `error.code`, e.g. `invalid_api_credentials_provided`.
    pub code: Option<String>,
    /// `error.message`; when Pesapal leaves it empty or null, the code stands in for it.
    pub message: Option<String>,
    /// The body as received.
    pub raw_body: String,
}

impl Rejection {
    /// True when Pesapal refused the bearer token (HTTP 401 or `invalid_api_credentials_provided`).
    pub(crate) fn refuses_token(&self) -> bool {
        self.http_status == 401 || self.error_code() == Some(ErrorCode::InvalidApiCredentials)
    }

    /// `code` as one of Pesapal's known error codes; `None` when absent or unknown.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.as_deref().and_then(ErrorCode::from_code)
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

/// Pesapal's code for "no payment yet" on GetTransactionStatus ([`ErrorCode::PaymentDetailsNotFound`]).
pub const PAYMENT_DETAILS_NOT_FOUND: &str = ErrorCode::PaymentDetailsNotFound.as_str();
/// Pesapal's code for a bad consumer key/secret or an invalid bearer token
/// ([`ErrorCode::InvalidApiCredentials`]).
pub const INVALID_API_CREDENTIALS: &str = ErrorCode::InvalidApiCredentials.as_str();

impl Error {
    /// Whether the same request may be sent again, automatically, for an operation that is (or
    /// is not) idempotent: the one rule used by the retry loop and by [`Error::is_retryable`].
    ///
    /// A request that certainly did not leave may always be sent again. One that may have
    /// reached Pesapal, or that Pesapal refused with HTTP 429 or 5xx, only when sending it twice
    /// does no harm (RequestToken, GetTransactionStatus, GetIpnList).
    pub(crate) fn is_retry_safe(&self, idempotent: bool) -> bool {
        match self {
            Error::Transport { sent: Sent::NotSent, .. } => true,
            Error::Transport { sent: Sent::MaybeSent, .. } => idempotent,
            Error::Rejected { rejection, .. } => {
                idempotent && (rejection.http_status == 429 || rejection.http_status >= 500)
            }
            _ => false,
        }
    }

    /// True when sending the same call again is safe and may succeed: exactly the errors this
    /// client retries by itself (see [`crate::RetryPolicy`]). A payment call whose outcome is
    /// unknown ([`Error::is_outcome_unknown`]) is not: check
    /// [`crate::Pesapal::transaction_status`] first.
    pub fn is_retryable(&self) -> bool {
        let idempotent = match self {
            Error::Transport { operation, .. } | Error::Rejected { operation, .. } => operation.is_idempotent(),
            _ => false,
        };
        self.is_retry_safe(idempotent)
    }

    /// True when Pesapal says the payment is simply not there yet (`payment_details_not_found`):
    /// the customer has not paid, keep waiting.
    pub fn is_pending(&self) -> bool {
        self.rejection().is_some_and(|r| r.error_code() == Some(ErrorCode::PaymentDetailsNotFound))
    }

    /// True when the request may have reached Pesapal but no answer came back: see
    /// [`Sent::MaybeSent`] for the safe next step of each operation.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::Transport { sent: Sent::MaybeSent, .. })
    }

    /// True when Pesapal refused the bearer token (HTTP 401 or `invalid_api_credentials_provided`).
    pub(crate) fn is_token_refused(&self) -> bool {
        matches!(self, Error::Rejected { rejection, .. } if rejection.refuses_token())
    }

    /// The operation that failed, for the errors of a call ([`Error::Transport`],
    /// [`Error::Rejected`], [`Error::Decode`]).
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Transport { operation, .. }
            | Error::Rejected { operation, .. }
            | Error::Decode { operation, .. } => Some(*operation),
            _ => None,
        }
    }

    /// Pesapal's answer, for [`Error::Rejected`] and [`Error::Authentication`].
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            Error::Rejected { rejection, .. } | Error::Authentication(rejection) => Some(rejection),
            _ => None,
        }
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Error {
        Error::InvalidInput(errors)
    }
}

/// One broken rule of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field, as named on the wire (`billing_address.country_code`).
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

/// Every broken rule of an input, all reported at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.violations.iter().map(|v| format!("{}: {}", v.field, v.problem)).collect::<Vec<_>>().join("; "))]
pub struct ValidationErrors {
    /// The violations, in field order.
    pub violations: Vec<Violation>,
}

impl ValidationErrors {
    pub(crate) fn push(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        self.violations.push(Violation { field: field.into(), problem: problem.into() });
    }

    /// Runs `validate` on a nested object, naming its violations `prefix.field`.
    pub(crate) fn prefixed<T>(&mut self, prefix: &str, validate: impl FnOnce(&mut ValidationErrors) -> T) -> T {
        let mut nested = ValidationErrors::default();
        let value = validate(&mut nested);
        for v in nested.violations {
            self.push(format!("{prefix}.{}", v.field), v.problem);
        }
        value
    }

    /// The names of the offending fields.
    pub fn fields(&self) -> Vec<&str> {
        self.violations.iter().map(|v| v.field.as_str()).collect()
    }

    pub(crate) fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Error> {
        if self.violations.is_empty() { Ok(value()) } else { Err(Error::InvalidInput(self)) }
    }

    /// `value` when there is no violation; every violation otherwise.
    pub(crate) fn into_value<T>(self, value: Option<T>) -> Result<T, Error> {
        match value {
            Some(value) if self.violations.is_empty() => Ok(value),
            _ => Err(Error::InvalidInput(self)),
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! One error type that says at which stage a call failed ([`Error`]), and the violations of
//! invalid input ([`ValidationErrors`]).
//!
//! Uses only the leaf modules `operation` and `rejection`.

use crate::operation::Operation;
use crate::rejection::{ErrorCode, REFUND_ALREADY_RECEIVED, Rejection};
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
/// [`Display`](std::fmt::Display) names the stage (and the operation); the details are in the accessors
/// ([`Error::operation`], [`Error::rejection`], [`Error::sent`], [`Error::http_status`],
/// [`Error::raw_body`]) and, for a transport failure, in [`std::error::Error::source`]. The
/// struct variants are `#[non_exhaustive]`: match them with `..`.
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
    #[non_exhaustive]
    Transport {
        /// The operation, e.g. `SubmitOrderRequest`.
        operation: Operation,
        /// Whether the request may have reached Pesapal.
        sent: Sent,
        /// The underlying error (shared, so that the error can be cloned).
        #[source]
        source: Option<std::sync::Arc<reqwest::Error>>,
    },
    /// RequestToken refused the consumer key and secret: the credentials are wrong.
    #[error("authentication failed: {0}")]
    Authentication(Box<Rejection>),
    /// Pesapal answered with an error: an HTTP error status, or (often) HTTP 200 with
    /// `"status": "500"` and an `error` object.
    #[error("{operation}: rejected by Pesapal: {rejection}")]
    #[non_exhaustive]
    Rejected {
        /// The operation, e.g. `GetTransactionStatus`.
        operation: Operation,
        /// What Pesapal said.
        rejection: Box<Rejection>,
    },
    /// Pesapal's answer could not be understood; the raw body is kept for diagnosis.
    #[error("{operation}: undecodable response (HTTP {http_status}): {reason}")]
    #[non_exhaustive]
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
///
/// Not `#[non_exhaustive]`: a request either certainly did not leave or may have; there is no
/// third case to handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The request certainly did not leave (connection refused, DNS, TLS handshake, …).
    NotSent,
    /// The request may have been received and processed: the outcome is unknown. What is safe
    /// next depends on the operation (each method's docs, and the crate docs' "When the answer
    /// is lost"): `Pesapal::submit_order` has already resent the order once with the same
    /// merchant reference (doing it again later is as safe); never resend an STK push (wait for
    /// the IPN); a refund may be resent (`Pesapal::refund_with_resend`); CancelOrder may be
    /// resent.
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

impl Error {
    /// A refusal of `operation`, described by `rejection`.
    pub(crate) fn rejected(operation: Operation, rejection: Rejection) -> Error {
        Error::Rejected { operation, rejection: Box::new(rejection) }
    }

    /// A transport failure of `operation`.
    pub(crate) fn transport(operation: Operation, sent: Sent, source: reqwest::Error) -> Error {
        Error::Transport { operation, sent, source: Some(source.into()) }
    }

    /// An answer of `operation` that could not be understood.
    pub(crate) fn decode(operation: Operation, http_status: u16, reason: impl Into<String>, raw_body: String) -> Error {
        Error::Decode { operation, http_status, reason: reason.into(), raw_body }
    }

    /// Invalid input with one violation.
    pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Error {
        let mut errors = ValidationErrors::default();
        errors.push(field, problem);
        Error::InvalidInput(errors)
    }

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
                idempotent && (rejection.http_status() == 429 || rejection.http_status() >= 500)
            }
            _ => false,
        }
    }

    /// True when sending the same call again is safe and may succeed: exactly the errors this
    /// client retries by itself (see [`RetryPolicy`](crate::RetryPolicy)). A payment call whose
    /// outcome is unknown ([`Error::is_outcome_unknown`]) is not: check
    /// [`Pesapal::transaction_status`](crate::Pesapal::transaction_status) first.
    pub fn is_retryable(&self) -> bool {
        let idempotent = self.operation().is_some_and(Operation::is_idempotent);
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
        self.sent() == Some(Sent::MaybeSent)
    }

    /// True when Pesapal refused a RefundRequest because it already holds a refund request for
    /// that payment ("Refund request has been received already", [`REFUND_ALREADY_RECEIVED`]).
    /// Pesapal accepts one refund request per payment, so after an unknown outcome this answer
    /// to a resend means that the first request arrived: do not treat it as a failure (see
    /// [`Pesapal::refund_with_resend`](crate::Pesapal::refund_with_resend)).
    pub fn is_refund_already_received(&self) -> bool {
        matches!(self, Error::Rejected { operation: Operation::RefundRequest, rejection }
            if rejection.says(REFUND_ALREADY_RECEIVED))
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

    /// Whether the request may have reached Pesapal, for [`Error::Transport`].
    pub fn sent(&self) -> Option<Sent> {
        match self {
            Error::Transport { sent, .. } => Some(*sent),
            _ => None,
        }
    }

    /// The HTTP status of Pesapal's answer, when one came ([`Error::Rejected`],
    /// [`Error::Authentication`], [`Error::Decode`]).
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Decode { http_status, .. } => Some(*http_status),
            _ => self.rejection().map(Rejection::http_status),
        }
    }

    /// The body of Pesapal's answer as received, when one came ([`Error::Rejected`],
    /// [`Error::Authentication`], [`Error::Decode`]).
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            Error::Decode { raw_body, .. } => Some(raw_body),
            _ => self.rejection().map(Rejection::raw_body),
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
    field: String,
    problem: String,
}

impl Violation {
    /// A violation of `field` (as named on the wire), saying what is wrong with it.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Violation {
        Violation { field: field.into(), problem: problem.into() }
    }

    /// The field, as named on the wire (`billing_address.country_code`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for Violation {
    /// `field: problem`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// Every broken rule of an input, all reported at once, in field order.
///
/// ```
/// use pesapal_api::{ValidationErrors, Violation};
///
/// let mut errors = ValidationErrors::default();
/// errors.push("amount", "is required");
/// errors.extend([Violation::new("currency", "is required")]);
/// assert_eq!(errors.fields(), ["amount", "currency"]);
/// assert_eq!(errors.to_string(), "amount: is required; currency: is required");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.violations.iter().map(Violation::to_string).collect::<Vec<_>>().join("; "))]
pub struct ValidationErrors {
    violations: Vec<Violation>,
}

impl ValidationErrors {
    /// Adds a violation of `field`.
    pub fn push(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        self.violations.push(Violation::new(field, problem));
    }

    /// The violations, in field order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// True when there is no violation.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// How many violations there are.
    pub fn len(&self) -> usize {
        self.violations.len()
    }

    /// The names of the offending fields.
    pub fn fields(&self) -> Vec<&str> {
        self.violations.iter().map(Violation::field).collect()
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

    /// `value` when there is no violation; every violation otherwise.
    pub(crate) fn into_value<T>(self, value: Option<T>) -> Result<T, Error> {
        match value {
            Some(value) if self.violations.is_empty() => Ok(value),
            _ => Err(Error::InvalidInput(self)),
        }
    }
}

impl Extend<Violation> for ValidationErrors {
    fn extend<I: IntoIterator<Item = Violation>>(&mut self, violations: I) {
        self.violations.extend(violations);
    }
}

impl FromIterator<Violation> for ValidationErrors {
    fn from_iter<I: IntoIterator<Item = Violation>>(violations: I) -> ValidationErrors {
        ValidationErrors { violations: violations.into_iter().collect() }
    }
}

impl IntoIterator for ValidationErrors {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.violations.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.violations.iter()
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

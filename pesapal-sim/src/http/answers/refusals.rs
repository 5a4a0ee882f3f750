//! Refusals, in the shape each operation answers them: HTTP 401 for a refused bearer token,
//! otherwise HTTP 200 with `"status":"500"` and the error object, or only `status` and `message`
//! where the sandbox answers so (RefundRequest, CancelOrder).

use super::dress::{ErrorField, answer, dress, ok, pesapal_error, pesapal_error_of, status};
use crate::error::{SimError, TokenRefusal};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pesapal_gen::types;
use serde_json::json;
use uuid::Uuid;

impl IntoResponse for SimError {
    /// A refused bearer token answers HTTP 401 with an `error` object and no `status`; any other
    /// refusal HTTP 200 with `"status":"500"` and the error object, as Pesapal does.
    fn into_response(self) -> Response {
        match self {
            SimError::Unauthorized(refusal) => answer(StatusCode::UNAUTHORIZED, unauthorized(refusal)),
            error => ok(rejected(&error)),
        }
    }
}

/// A refusal of RefundRequest, as the sandbox answers them: a malformed request gets the error
/// object and no `message`; every other refusal only `status` "500" and `message` ("Refund
/// request has been received already", "Invalid amount provided. …").
#[derive(Debug)]
pub(crate) struct RefundRefused(pub SimError);

impl From<SimError> for RefundRefused {
    fn from(error: SimError) -> Self {
        RefundRefused(error)
    }
}

impl IntoResponse for RefundRefused {
    fn into_response(self) -> Response {
        match self.0 {
            error @ (SimError::Unauthorized(_) | SimError::InvalidRequest(_)) => error.into_response(),
            error => ok(refused_with_message(&error)),
        }
    }
}

/// A refusal of CancelOrder, as the sandbox answers them: only `status` "500" and `message`
/// ("Invalid order request. Transaction cannot be cancelled"); a malformed request also gets
/// the error object.
#[derive(Debug)]
pub(crate) struct CancelRefused(pub SimError);

impl From<SimError> for CancelRefused {
    fn from(error: SimError) -> Self {
        CancelRefused(error)
    }
}

impl IntoResponse for CancelRefused {
    fn into_response(self) -> Response {
        match self.0 {
            error @ SimError::Unauthorized(_) => error.into_response(),
            error @ SimError::InvalidRequest(_) => {
                let body = types::CancellationOutcome::builder()
                    .error(Some(pesapal_error_of(&error, None)))
                    .status(status("500"))
                    .message(Some(error.to_string()))
                    .try_into();
                ok(dress::<types::CancellationOutcome>(body, ErrorField::Keep, &[]))
            }
            error => ok(refused_with_message(&error)),
        }
    }
}

/// A refusal of SubmitOrderRequest or DirectMobileMoneyStk: their answer has its own shape.
#[derive(Debug)]
pub(crate) struct OrderRefused(pub SimError);

impl From<SimError> for OrderRefused {
    fn from(error: SimError) -> Self {
        OrderRefused(error)
    }
}

impl IntoResponse for OrderRefused {
    fn into_response(self) -> Response {
        match self.0 {
            SimError::Unauthorized(_) => self.0.into_response(),
            error => ok(order_refused(&error)),
        }
    }
}

/// A refusal of RequestToken: a null token with the error.
#[derive(Debug)]
pub(crate) struct TokenRefused(pub SimError);

impl From<SimError> for TokenRefused {
    fn from(error: SimError) -> Self {
        TokenRefused(error)
    }
}

impl IntoResponse for TokenRefused {
    fn into_response(self) -> Response {
        ok(token_refused(&self.0))
    }
}

/// RequestToken refused: HTTP 200, `"status":"500"`, a null token.
fn token_refused(error: &SimError) -> String {
    let body = types::AccessToken::builder()
        .token(None::<String>)
        .expiry_date(None::<String>)
        .message(None::<String>)
        .error(Some(pesapal_error_of(error, None)))
        .status(status("500"))
        .try_into();
    dress::<types::AccessToken>(body, ErrorField::Keep, &[])
}

/// The HTTP 401 body for a missing, unknown, expired or revoked bearer token: an `error`
/// object and no `status`.
fn unauthorized(refusal: TokenRefusal) -> String {
    let message = match refusal {
        TokenRefusal::Missing => "Authorization header with a bearer token is required",
        TokenRefusal::Unknown => "Invalid access token",
        TokenRefusal::Expired => "Access token has expired",
        TokenRefusal::Revoked => "Access token has been revoked",
    };
    json!({ "error": pesapal_error("invalid_api_credentials_provided", message, None) }).to_string()
}

/// Any other refusal: HTTP 200, `"status":"500"` and the error object, nothing else (as the
/// sandbox's `invalid_url` and malformed-request answers).
fn rejected(error: &SimError) -> String {
    let body = types::PesapalErrorResponse::builder()
        .error(Some(pesapal_error_of(error, None)))
        .status(Some(status("500")))
        .try_into();
    dress::<types::PesapalErrorResponse>(body, ErrorField::Keep, &[])
}

/// SubmitOrderRequest and DirectMobileMoneyStk refused: an all-zero tracking id, null
/// reference and redirect URL.
fn order_refused(error: &SimError) -> String {
    let body = types::SubmittedOrder::builder()
        .order_tracking_id(Some(Uuid::nil()))
        .error(Some(pesapal_error_of(error, None)))
        .status(status("500"))
        .try_into();
    dress::<types::SubmittedOrder>(body, ErrorField::Keep, &["merchant_reference", "redirect_url"])
}

/// A refusal as Pesapal sends some of them: only `status` "500" and `message`, no `error` key
/// (e.g. "Refund request has been received already"). RefundRequest's and CancelOrder's
/// answers both have this shape.
fn refused_with_message(error: &SimError) -> String {
    let body = types::RefundOutcome::builder().status(status("500")).message(Some(error.to_string())).try_into();
    dress::<types::RefundOutcome>(body, ErrorField::Keep, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn refusals_carry_the_error_object_and_string_status() {
        let body: Value = serde_json::from_str(&order_refused(&SimError::MissingBillingAddress)).unwrap();
        assert_eq!(body["order_tracking_id"], "00000000-0000-0000-0000-000000000000");
        assert_eq!(body["status"], "500");
        assert_eq!(body["redirect_url"], Value::Null);
        assert_eq!(body["error"]["code"], "missing_mandatory_billing_address");
    }
}

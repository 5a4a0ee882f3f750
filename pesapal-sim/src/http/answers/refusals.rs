//! Refusals, each in the shape and with the words Pesapal answered it (the crate docs'
//! "Refusals" table lists them with their sources): HTTP 401 for a refused bearer token; HTTP
//! 200 with `"status":"500"` and an error object; or only `status` and `message` where the
//! sandbox answers so (RefundRequest, CancelOrder). An operation whose refusals have a shape of
//! their own answers with [`Refused`] of its [`shape`]; the others with [`SimError`] itself.

use super::dress::{ErrorField, answer, dress, ok, status};
use crate::error::{SimError, TokenRefusal};
use ErrorCode::{
    InvalidApiCredentials, InvalidApiRequestParameters, InvalidConsumerKeyOrSecret, InvalidTrackingId, InvalidUrl,
    MissingMandatoryBillingAddress,
};
use Field::{Absent, Null, Text};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pesapal_gen::facts::ErrorCode;
use pesapal_gen::types;
use std::marker::PhantomData;
use uuid::Uuid;

/// A field of a recorded error object.
#[derive(Debug, Clone, Copy)]
enum Field {
    Text(&'static str),
    /// Sent as `null`.
    Null,
    /// Not sent.
    Absent,
}

/// An error object as a recording has it.
#[derive(Debug, Clone, Copy)]
struct ErrorObject {
    error_type: &'static str,
    code: &'static str,
    message: Field,
    call_back_url: Field,
}

impl ErrorObject {
    const fn new(error_type: &'static str, code: ErrorCode, message: Field, call_back_url: Field) -> Self {
        ErrorObject { error_type, code: code.as_str(), message, call_back_url }
    }

    /// The typed object (its `null`s are written by [`ErrorObject::nulls`]).
    fn typed(self) -> types::PesapalError {
        let text = |field| match field {
            Field::Text(text) => Some(text.to_owned()),
            Field::Null | Field::Absent => None,
        };
        types::PesapalError(Some(types::PesapalErrorInner {
            error_type: Some(self.error_type.to_owned()),
            code: Some(self.code.to_owned()),
            message: text(self.message),
            call_back_url: text(self.call_back_url),
            ..Default::default()
        }))
    }

    /// Where the body writes `null` inside the object.
    fn nulls(self) -> Vec<&'static str> {
        [("error.message", self.message), ("error.call_back_url", self.call_back_url)]
            .into_iter()
            .filter_map(|(path, field)| matches!(field, Field::Null).then_some(path))
            .collect()
    }
}

/// A malformed request: `evidence/sandbox-2025-11-09_refund_invalid_params.json`.
const MALFORMED: ErrorObject =
    ErrorObject::new("invalid_request_error", InvalidApiRequestParameters, Text(MALFORMED_MESSAGE), Absent);
const MALFORMED_MESSAGE: &str = "Invalid API request.";
/// A malformed SubmitOrderRequest: notes, `tests/corpus/SubmitOrderRequest/200-error-without-tracking-id.json`.
const MALFORMED_ORDER: ErrorObject = ErrorObject::new("api_error", InvalidApiRequestParameters, Null, Null);
/// An unknown `notification_id`: `evidence/quoted_submitorder_unknown_notification_id.json`.
const UNKNOWN_IPN: ErrorObject = ErrorObject::new(
    "invalid_request_error",
    InvalidApiRequestParameters,
    Text("Invalid IPN URL ID provided.Check format and try again"),
    Absent,
);
/// No billing address: `evidence/quoted_submitorder_missing_billing.json`.
const NO_BILLING_ADDRESS: ErrorObject = ErrorObject::new(
    "api_error",
    MissingMandatoryBillingAddress,
    Text("Please provide billing details information on your API request."),
    Absent,
);
/// A billing address without email and phone: notes,
/// `tests/corpus/SubmitOrderRequest/200-failed-all-zero-tracking-id.json`.
const NO_BILLING_CONTACT: ErrorObject = ErrorObject::new(
    "api_error",
    MissingMandatoryBillingAddress,
    Text("Either email address or phone number is required"),
    Null,
);
/// An unusable IPN URL: `evidence/sandbox-2025-11-09_registeripn_invalid_url.json`.
const UNUSABLE_URL: ErrorObject =
    ErrorObject::new("api_error", InvalidUrl, Text("The specified url provided is invalid"), Absent);
/// An unknown tracking id: notes, `tests/corpus/GetTransactionStatus/200-invalid-tracking-id.json`.
const UNKNOWN_TRACKING_ID: ErrorObject = ErrorObject::new("validation_error   ", InvalidTrackingId, Null, Null);
/// A wrong consumer key or secret: notes, `tests/corpus/RequestToken/200-invalid-consumer-keys.json`.
const BAD_KEYS: ErrorObject = ErrorObject::new("api_error  ", InvalidConsumerKeyOrSecret, Text(""), Null);
/// A refused bearer token: notes, `tests/corpus/CancelOrder/401-no-status.json`.
const TOKEN_REFUSED: ErrorObject = ErrorObject::new("api_error", InvalidApiCredentials, Null, Null);
/// An expired bearer token: notes, `tests/corpus/SubmitOrderRequest/401-expired-token.json`.
const TOKEN_EXPIRED: ErrorObject = ErrorObject::new("api_error", InvalidApiCredentials, Text("Token expired"), Null);

/// CancelOrder refused: `evidence/sandbox-2025-11-09_cancel_refused.json`.
const NOT_CANCELLABLE: &str = "Invalid order request. Transaction cannot be cancelled";
/// RefundRequest for an amount that cannot be refunded:
/// `evidence/sandbox-2025-11-09_refund_invalid_amount.json`.
const INVALID_AMOUNT: &str = "Invalid amount provided. Please check your transaction details";
/// A second RefundRequest: `evidence/sandbox-2025-11-09_refund_duplicate.json`.
const ALREADY_RECEIVED: &str = "Refund request has been received already";
/// RefundRequest for a payment that is not COMPLETED: the simulator's own words (Pesapal's
/// refund page states the rule; no answer is recorded).
const NOT_COMPLETED: &str = "Refunds are only allowed for completed payments";
/// RefundRequest with a confirmation code of no payment: the simulator's own words (no answer is
/// recorded).
const UNKNOWN_CONFIRMATION_CODE: &str = "No payment has this confirmation code";

/// The error object a refusal carries in an answer that has one.
fn error_object(error: &SimError) -> ErrorObject {
    match error {
        SimError::Unauthorized(TokenRefusal::Expired) => TOKEN_EXPIRED,
        SimError::Unauthorized(_) => TOKEN_REFUSED,
        SimError::InvalidCredentials => BAD_KEYS,
        SimError::InvalidUrl => UNUSABLE_URL,
        SimError::UnknownIpn(_) => UNKNOWN_IPN,
        SimError::MissingBillingAddress => NO_BILLING_ADDRESS,
        SimError::BillingAddressWithoutContact => NO_BILLING_CONTACT,
        SimError::UnknownOrder(_) => UNKNOWN_TRACKING_ID,
        // A malformed request, and what only reaches an answer of another shape.
        _ => MALFORMED,
    }
}

/// The message of a refusal that is only `status` and `message`.
fn message(error: &SimError) -> &'static str {
    match error {
        SimError::RefundInvalidAmount => INVALID_AMOUNT,
        SimError::RefundAlreadyReceived => ALREADY_RECEIVED,
        SimError::RefundNotCompleted => NOT_COMPLETED,
        SimError::UnknownConfirmationCode(_) => UNKNOWN_CONFIRMATION_CODE,
        SimError::NotCancellable | SimError::AlreadyCancelled | SimError::UnknownOrder(_) => NOT_CANCELLABLE,
        _ => MALFORMED_MESSAGE,
    }
}

impl IntoResponse for SimError {
    /// A refused bearer token answers HTTP 401 with the error object and no `status`; any other
    /// refusal HTTP 200 with `"status":"500"` and the error object, nothing else (RegisterIPN,
    /// GetIpnList, GetTransactionStatus).
    fn into_response(self) -> Response {
        let object = error_object(&self);
        match self {
            SimError::Unauthorized(_) => {
                let body = types::PesapalErrorResponse::builder().error(Some(object.typed())).try_into();
                answer(
                    StatusCode::UNAUTHORIZED,
                    dress::<types::PesapalErrorResponse>(body, ErrorField::Keep, &object.nulls()),
                )
            }
            _ => ok(envelope(object)),
        }
    }
}

/// `{"error":…,"status":"500"}`.
fn envelope(object: ErrorObject) -> String {
    let body =
        types::PesapalErrorResponse::builder().error(Some(object.typed())).status(Some(status("500"))).try_into();
    dress::<types::PesapalErrorResponse>(body, ErrorField::Keep, &object.nulls())
}

/// `{"status":"500","message":…}`, no error object.
fn status_and_message(message: &str) -> String {
    let body = types::RefundOutcome::builder().status(status("500")).message(Some(message.to_owned())).try_into();
    dress::<types::RefundOutcome>(body, ErrorField::Keep, &[])
}

/// The shapes of the operations whose refusals differ from the plain error envelope.
pub(crate) mod shape {
    /// RequestToken: a null token, the error object, `"message":null`.
    pub(crate) enum Token {}
    /// SubmitOrderRequest and DirectMobileMoneyStk.
    pub(crate) enum Order {}
    /// RefundRequest: only `status` and `message`, but for a malformed request.
    pub(crate) enum Refund {}
    /// CancelOrder: only `status` and `message`, but for a malformed request.
    pub(crate) enum Cancel {}
}

/// How an operation's answer says a refusal.
pub(crate) trait Shape {
    /// The answer to `error` (never a refused bearer token: that is answered before).
    fn refuse(error: SimError) -> Response;
}

/// A refusal answered in the shape `S`.
#[derive(Debug)]
pub(crate) struct Refused<S>(SimError, PhantomData<S>);

impl<S> From<SimError> for Refused<S> {
    fn from(error: SimError) -> Self {
        Refused(error, PhantomData)
    }
}

impl<S: Shape> IntoResponse for Refused<S> {
    fn into_response(self) -> Response {
        match self.0 {
            error @ SimError::Unauthorized(_) => error.into_response(),
            error => S::refuse(error),
        }
    }
}

impl Shape for shape::Token {
    fn refuse(error: SimError) -> Response {
        let object = error_object(&error);
        let body = types::AccessToken::builder()
            .token(None::<String>)
            .expiry_date(None::<String>)
            .message(None::<String>)
            .error(Some(object.typed()))
            .status(status("500"))
            .try_into();
        let nulls = [&["token", "expiryDate", "message"][..], &object.nulls()].concat();
        ok(dress::<types::AccessToken>(body, ErrorField::Keep, &nulls))
    }
}

impl Shape for shape::Order {
    fn refuse(error: SimError) -> Response {
        match error {
            // The all-zero tracking id, null reference and redirect URL.
            SimError::BillingAddressWithoutContact => {
                let object = error_object(&error);
                let body = types::SubmittedOrder::builder()
                    .order_tracking_id(Some(Uuid::nil()))
                    .error(Some(object.typed()))
                    .status(status("500"))
                    .try_into();
                let nulls = [&["merchant_reference", "redirect_url", "message"][..], &object.nulls()].concat();
                ok(dress::<types::SubmittedOrder>(body, ErrorField::Keep, &nulls))
            }
            SimError::InvalidRequest(_) => ok(envelope(MALFORMED_ORDER)),
            error => ok(envelope(error_object(&error))),
        }
    }
}

impl Shape for shape::Refund {
    fn refuse(error: SimError) -> Response {
        match error {
            error @ SimError::InvalidRequest(_) => error.into_response(),
            error => ok(status_and_message(message(&error))),
        }
    }
}

impl Shape for shape::Cancel {
    fn refuse(error: SimError) -> Response {
        match error {
            SimError::InvalidRequest(_) => {
                let body = types::CancellationOutcome::builder()
                    .error(Some(MALFORMED.typed()))
                    .status(status("500"))
                    .message(Some(MALFORMED_MESSAGE.to_owned()))
                    .try_into();
                ok(dress::<types::CancellationOutcome>(body, ErrorField::Keep, &MALFORMED.nulls()))
            }
            error => ok(status_and_message(message(&error))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    async fn body(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn error_objects_write_their_recorded_nulls() {
        let refused = Refused::<shape::Order>::from(SimError::BillingAddressWithoutContact).into_response();
        let refused = body(refused).await;
        assert_eq!(refused["order_tracking_id"], "00000000-0000-0000-0000-000000000000");
        assert_eq!((&refused["redirect_url"], &refused["message"]), (&Value::Null, &Value::Null));
        assert_eq!(refused["error"]["call_back_url"], Value::Null);
        assert!(refused["error"].as_object().unwrap().contains_key("call_back_url"));
        let unauthorized = body(SimError::Unauthorized(TokenRefusal::Missing).into_response()).await;
        assert_eq!(
            unauthorized,
            json!({"error": {"error_type": "api_error", "code": "invalid_api_credentials_provided", "message": null, "call_back_url": null}})
        );
    }
}

//! Every answer the simulator sends on the Pesapal API, built with the generated types of
//! `pesapal_gen::types` (the spec is the one source of truth for field names), then "dressed"
//! with what the real API does that the types cannot say: amounts as JSON numbers with two
//! decimals (`10.00`), `error` as `null` or an all-null object, explicit `null`s, and Pesapal's
//! date formats. A regenerated type is a fix in this module only. [`SimError`] becomes an answer
//! here ([`IntoResponse`]).

use crate::error::{SimError, TokenRefusal};
use crate::machine::OrderStatus;
use crate::state::{Ipn, IpnMethod, Order, OrderKind};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pesapal_gen::facts::{PaymentStatusCode, TimestampShape};
use pesapal_gen::types::{self, NotificationType};
use rust_decimal::Decimal;
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use uuid::Uuid;

/// A Pesapal JSON answer.
fn answer(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

/// HTTP 200, as Pesapal answers everything but a refused bearer token.
fn ok(body: String) -> Response {
    answer(StatusCode::OK, body)
}

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

const PROCESSED: &str = "Request processed successfully";

/// What the `error` field of a successful answer looks like.
#[derive(Clone, Copy)]
enum ErrorField {
    /// `"error": null`.
    Null,
    /// `"error": {"error_type":null,"code":null,"message":null,"call_back_url":null}`.
    AllNull,
    /// As the typed value says.
    Keep,
}

/// A body built with a generated builder (`types::X::builder()` then `TryFrom`), so that a field
/// the spec adds keeps the simulator compiling.
type Built<T> = Result<T, types::error::ConversionError>;

/// Serializes a typed body and applies the real API's dressing. A body the generated builder
/// refused (a required field left unset: a simulator bug) becomes Pesapal's error envelope
/// naming the problem, never a panic.
fn dress<T: Serialize>(body: Built<T>, error: ErrorField, explicit_nulls: &[&str]) -> String {
    let body = match body {
        Ok(body) => body,
        Err(problem) => return unbuildable(&problem),
    };
    let mut value = serde_json::to_value(body).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut value {
        match error {
            ErrorField::Null => {
                fields.insert("error".into(), Value::Null);
            }
            ErrorField::AllNull => {
                fields.insert(
                    "error".into(),
                    json!({"error_type": null, "code": null, "message": null, "call_back_url": null}),
                );
            }
            ErrorField::Keep => {}
        }
        for name in explicit_nulls {
            fields.entry(*name).or_insert(Value::Null);
        }
    }
    serde_json::to_string(&WithAmounts(&value)).unwrap_or_default()
}

/// The answer when the simulator could not build its own answer: HTTP 200, `"status":"500"` and
/// an `api_error`, as Pesapal answers its internal errors.
fn unbuildable(problem: &types::error::ConversionError) -> String {
    tracing::error!(%problem, "pesapal-sim could not build an answer");
    json!({
        "error": pesapal_error("simulator_answer_unbuildable", format!("pesapal-sim: {problem}"), None),
        "status": "500",
    })
    .to_string()
}

/// Writes a JSON value with every `amount` field (a decimal string in the generated types, as
/// `rust_decimal` serializes) as a JSON number with two decimal places, as Pesapal sends them
/// (`"amount":10.00`).
struct WithAmounts<'a>(&'a Value);

impl Serialize for WithAmounts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (name, value) in fields {
                    match value.as_str().and_then(|text| text.parse::<Decimal>().ok()).filter(|_| name == "amount") {
                        Some(amount) => map.serialize_entry(name, &two_decimals(amount).map_err(S::Error::custom)?)?,
                        None => map.serialize_entry(name, &WithAmounts(value))?,
                    }
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&WithAmounts(item))?;
                }
                seq.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// `amount` as a JSON number with two decimals (rounded half away from zero, as a till does).
fn two_decimals(amount: Decimal) -> serde_json::Result<Box<RawValue>> {
    let rounded = amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    RawValue::from_string(format!("{rounded:.2}"))
}

/// UTC with seven fractional digits and `Z`, as `expiryDate` and `created_date` of IPNs.
fn utc_7(at: DateTime<Utc>) -> String {
    TimestampShape::UtcSevenDigits.format(at)
}

/// Offset-less East Africa Time (UTC+3) with milliseconds, as GetTransactionStatus's
/// `created_date`.
fn east_africa(at: DateTime<Utc>) -> String {
    TimestampShape::EastAfricaFraction.format(at)
}

/// The parameters Pesapal sends about an order, as the spec declares them: the IPN call's (GET
/// query or POST body) and the browser callback's (query).
pub(crate) fn notification(
    order_tracking_id: Uuid,
    merchant_reference: &str,
    notification_type: NotificationType,
) -> Result<types::IpnNotification, types::error::ConversionError> {
    types::IpnNotification::builder()
        .order_tracking_id(order_tracking_id)
        .order_merchant_reference(merchant_reference.to_owned())
        .order_notification_type(Some(notification_type))
        .try_into()
}

/// The error object of a refusal: its `error_type`, `code` and message.
fn pesapal_error_of(error: &SimError, call_back_url: Option<String>) -> types::PesapalError {
    let mut object = pesapal_error(error.code(), error.to_string(), call_back_url);
    if let Some(inner) = &mut object.0 {
        inner.error_type = Some(error.error_type().to_owned());
    }
    object
}

fn pesapal_error(code: &str, message: impl Into<String>, call_back_url: Option<String>) -> types::PesapalError {
    types::PesapalError(Some(types::PesapalErrorInner {
        error_type: Some("api_error".into()),
        code: Some(code.into()),
        message: Some(message.into()),
        call_back_url,
        ..Default::default()
    }))
}

/// `status` as the real API sends it: a string.
fn status(code: &str) -> types::CallStatus {
    types::CallStatus::String(code.into())
}

/// RequestToken accepted.
pub(crate) fn token(token: &str, expires_at: DateTime<Utc>) -> Response {
    let body = types::AccessToken::builder()
        .token(Some(token.to_owned()))
        .expiry_date(Some(utc_7(expires_at)))
        .status(status("200"))
        .message(Some(PROCESSED.to_owned()))
        .try_into();
    ok(dress::<types::AccessToken>(body, ErrorField::Null, &[]))
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

fn ipn_item(ipn: &Ipn) -> types::builder::IpnRegistration {
    let (kind, name) = match ipn.method {
        IpnMethod::Get => (0, "GET"),
        IpnMethod::Post => (1, "POST"),
    };
    types::IpnRegistration::builder()
        .url(Some(ipn.url.clone()))
        .created_date(Some(utc_7(ipn.created_at)))
        .ipn_id(Some(ipn.id.to_string()))
        .notification_type(Some(kind))
        .ipn_notification_type_description(Some(name.to_owned()))
        .ipn_status(Some(1))
        .ipn_status_decription(Some("Active".to_owned()))
        .status(status("200"))
        .error(types::PesapalError(None))
}

/// RegisterIPN accepted: the registration, as GetIpnList lists it.
pub(crate) fn ipn_registered(ipn: &Ipn) -> Response {
    let body = ipn_item(ipn).message(Some(PROCESSED.to_owned())).try_into();
    ok(dress::<types::IpnRegistration>(body, ErrorField::Null, &[]))
}

/// GetIpnList: a JSON array.
pub(crate) fn ipn_list(ipns: &[Ipn]) -> Response {
    let items: Vec<String> = ipns
        .iter()
        .map(|ipn| dress::<types::IpnRegistration>(ipn_item(ipn).try_into(), ErrorField::Null, &[]))
        .collect();
    ok(format!("[{}]", items.join(",")))
}

/// SubmitOrderRequest and DirectMobileMoneyStk accepted.
pub(crate) fn order_submitted(order: &Order, redirect_url: &str) -> Response {
    let body = types::SubmittedOrder::builder()
        .order_tracking_id(Some(order.order_tracking_id))
        .merchant_reference(Some(order.merchant_reference.clone()))
        .redirect_url(Some(redirect_url.to_owned()))
        .status(status("200"))
        .try_into();
    ok(dress::<types::SubmittedOrder>(body, ErrorField::Null, &[]))
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

/// GetTransactionStatus of a known order. A never-paid order answers `"status":"500"` with
/// `payment_details_not_found`, as Pesapal does.
pub(crate) fn transaction_status(order: &Order) -> Response {
    let payment = order.payment.as_ref();
    let subscription = match &order.kind {
        OrderKind::Charge { account_number, correlation_id, .. } => {
            types::TransactionStatusSubscriptionTransactionInfo::builder()
                .account_reference(Some(account_number.clone()))
                .amount(Some(order.amount))
                .first_name(order.first_name.clone())
                .last_name(order.last_name.clone())
                .correlation_id(Some(json!(correlation_id)))
                .try_into()
                .ok()
        }
        _ => None,
    };
    let pending = order.status == OrderStatus::Pending;
    let description = if order.cancelled {
        "Order cancelled by the merchant".to_owned()
    } else {
        payment.map(|p| p.description.clone()).unwrap_or_default()
    };
    let body = types::TransactionStatus::builder()
        .order_tracking_id(Some(order.order_tracking_id))
        .payment_method(Some(payment.map(|p| p.payment_method.clone()).unwrap_or_default()))
        .amount(Some(order.amount))
        .created_date(Some(east_africa(payment.map_or(order.created_at, |p| p.at))))
        .confirmation_code(Some(payment.map(|p| p.confirmation_code.clone()).unwrap_or_default()))
        .payment_status_description(Some(PaymentStatusCode::from(order.status).description().to_owned()))
        .description(Some(description))
        .message(Some(PROCESSED.to_owned()))
        .payment_account(Some(payment.map(|p| p.account.clone()).unwrap_or_default()))
        .call_back_url(Some(callback_url(order, Return::Callback)))
        .status_code(Some(PaymentStatusCode::from(order.status).code()))
        .merchant_reference(Some(order.merchant_reference.clone()))
        .payment_status_code(Some(payment.map(|p| p.status_code.clone()).unwrap_or_default()))
        .currency(Some(order.currency.clone()))
        .account_number(order.account_number().map(str::to_owned))
        .subscription_transaction_info(subscription)
        .error(match pending {
            true => pesapal_error(
                SimError::PaymentPending.code(),
                "Pending Payment",
                Some(callback_url(order, Return::Callback)),
            ),
            false => types::PesapalError(None),
        })
        .status(Some(status(if pending { "500" } else { "200" })))
        .try_into();
    ok(dress::<types::TransactionStatus>(
        body,
        if pending { ErrorField::Keep } else { ErrorField::AllNull },
        &["account_number"],
    ))
}

/// RefundRequest accepted: `{"status":"200","message":"Refund request successfully"}`, no
/// `error` key (`../shared/evidence/sandbox-2025-11-09_refund_ok.json`).
pub(crate) fn refund_accepted() -> Response {
    let body = types::RefundOutcome::builder()
        .status(status("200"))
        .message(Some("Refund request successfully".to_owned()))
        .try_into();
    ok(dress::<types::RefundOutcome>(body, ErrorField::Keep, &[]))
}

/// A refusal as Pesapal sends some of them: only `status` "500" and `message`, no `error` key
/// (e.g. "Refund request has been received already"). RefundRequest's and CancelOrder's
/// answers both have this shape.
fn refused_with_message(error: &SimError) -> String {
    let body = types::RefundOutcome::builder().status(status("500")).message(Some(error.to_string())).try_into();
    dress::<types::RefundOutcome>(body, ErrorField::Keep, &[])
}

/// CancelOrder accepted: `{"status":"200","message":"Order successfully cancelled."}`, no
/// `error` key (`../shared/evidence/sandbox-2025-11-09_cancel_ok.json`).
pub(crate) fn cancel_accepted() -> Response {
    let body = types::CancellationOutcome::builder()
        .status(status("200"))
        .message(Some("Order successfully cancelled.".to_owned()))
        .try_into();
    ok(dress::<types::CancellationOutcome>(body, ErrorField::Keep, &[]))
}

/// Where the payment page sends the browser back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Return {
    /// The order's `callback_url`.
    Callback,
    /// "Cancel": the order's `cancellation_url`, when it has one.
    Cancellation,
}

/// The browser callback: the order's callback (or cancellation) URL with the spec's
/// notification parameters (type `CALLBACKURL`) appended to its own query.
pub(crate) fn callback_url(order: &Order, to: Return) -> String {
    let base = match to {
        Return::Cancellation => order.cancellation_url.as_deref().unwrap_or(&order.callback_url),
        Return::Callback => &order.callback_url,
    };
    let parameters = notification(order.order_tracking_id, &order.merchant_reference, NotificationType::Callbackurl)
        .ok()
        .and_then(|notification| serde_urlencoded::to_string(notification).ok());
    let (Ok(mut url), Some(parameters)) = (url::Url::parse(base), parameters) else { return base.to_owned() };
    let query = match url.query().filter(|query| !query.is_empty()) {
        Some(own) => format!("{own}&{parameters}"),
        None => parameters,
    };
    url.set_query(Some(&query));
    url.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_have_pesapal_shapes() {
        let at = Utc.with_ymd_and_hms(2021, 8, 26, 12, 29, 30).unwrap() + chrono::Duration::nanoseconds(517_770_200);
        assert_eq!(utc_7(at), "2021-08-26T12:29:30.5177702Z");
        assert_eq!(east_africa(at), "2021-08-26T15:29:30.517");
    }

    #[test]
    fn amounts_are_numbers_with_two_decimals() {
        let body = json!({"amount": "10", "x": "1", "info": {"amount": "2.5"}, "list": [{"amount": "0.005"}]});
        let written = serde_json::to_string(&WithAmounts(&body)).unwrap();
        for part in [r#""amount":10.00"#, r#""info":{"amount":2.50}"#, r#""list":[{"amount":0.01}]"#, r#""x":"1""#] {
            assert!(written.contains(part), "{part} in {written}");
        }
        assert_eq!(serde_json::to_string(&WithAmounts(&json!({"amount": "ten"}))).unwrap(), r#"{"amount":"ten"}"#);
    }

    #[test]
    fn refusals_carry_the_error_object_and_string_status() {
        let body: Value = serde_json::from_str(&order_refused(&SimError::MissingBillingAddress)).unwrap();
        assert_eq!(body["order_tracking_id"], "00000000-0000-0000-0000-000000000000");
        assert_eq!(body["status"], "500");
        assert_eq!(body["redirect_url"], Value::Null);
        assert_eq!(body["error"]["code"], "missing_mandatory_billing_address");
    }
}

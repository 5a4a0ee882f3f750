//! Every body the simulator sends on the Pesapal API, built with the generated types of
//! `pesapal_gen::types` (the spec is the one source of truth for field names), then "dressed"
//! with what the real API does that the types cannot say: amounts as JSON numbers with their
//! scale (`10.00`), `error` as `null` or an all-null object, explicit `null`s, and Pesapal's
//! date formats. A regenerated type is a fix in this module only.

use crate::error::SimError;
use crate::state::{Ipn, IpnMethod, Order, OrderKind, OrderStatus, TokenRefusal};
use chrono::{DateTime, Duration, Timelike, Utc};
use pesapal_gen::types;
use regex::Regex;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::LazyLock;
use uuid::Uuid;

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

/// Serializes a typed body and applies the real API's dressing.
fn dress(body: impl Serialize, error: ErrorField, explicit_nulls: &[&str]) -> String {
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
    numbers_for_amounts(&value.to_string())
}

/// `rust_decimal` serializes as a string; Pesapal sends amounts as numbers (`"amount":10.00`),
/// keeping the scale.
fn numbers_for_amounts(json: &str) -> String {
    static AMOUNT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""amount":"(-?[0-9]+(?:\.[0-9]+)?)""#).expect("a valid pattern"));
    AMOUNT.replace_all(json, r#""amount":$1"#).into_owned()
}

/// UTC with seven fractional digits and `Z`, as `expiryDate` and `created_date` of IPNs.
pub(crate) fn utc_7(at: DateTime<Utc>) -> String {
    format!("{}.{:07}Z", at.format("%Y-%m-%dT%H:%M:%S"), (at.nanosecond() / 100).min(9_999_999))
}

/// Offset-less East Africa Time (UTC+3) with milliseconds, as GetTransactionStatus's
/// `created_date`.
pub(crate) fn east_africa(at: DateTime<Utc>) -> String {
    (at + Duration::hours(3)).naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
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
pub(crate) fn token(token: &str, expires_at: DateTime<Utc>) -> String {
    let body = types::RequestTokenResponse {
        token: Some(token.into()),
        expiry_date: Some(utc_7(expires_at)),
        status: Some(status("200")),
        message: Some(PROCESSED.into()),
        ..Default::default()
    };
    dress(body, ErrorField::Null, &[])
}

/// RequestToken refused: HTTP 200, `"status":"500"`, a null token.
pub(crate) fn token_refused(error: &SimError) -> String {
    let body = types::RequestTokenResponse {
        error: Some(pesapal_error(error.code(), error.to_string(), None)),
        status: Some(status("500")),
        ..Default::default()
    };
    dress(body, ErrorField::Keep, &["token", "expiryDate", "message"])
}

/// The HTTP 401 body for a missing, unknown, expired or revoked bearer token: an `error`
/// object and no `status`.
pub(crate) fn unauthorized(refusal: TokenRefusal) -> String {
    let message = match refusal {
        TokenRefusal::Missing => "Authorization header with a bearer token is required",
        TokenRefusal::Unknown => "Invalid access token",
        TokenRefusal::Expired => "Access token has expired",
        TokenRefusal::Revoked => "Access token has been revoked",
    };
    json!({ "error": pesapal_error("invalid_api_credentials_provided", message, None) }).to_string()
}

/// Any operation's refusal: HTTP 200, `"status":"500"` and the error object.
pub(crate) fn rejected(error: &SimError) -> String {
    let body = types::CancelOrderResponse {
        error: Some(pesapal_error(error.code(), error.to_string(), None)),
        status: status("500"),
        message: Some(error.to_string()),
    };
    dress(body, ErrorField::Keep, &[])
}

fn ipn_item(ipn: &Ipn) -> types::RegisterIpnResponse {
    let (kind, name) = match ipn.method {
        IpnMethod::Get => (0, "GET"),
        IpnMethod::Post => (1, "POST"),
    };
    types::RegisterIpnResponse {
        url: Some(ipn.url.clone()),
        created_date: Some(utc_7(ipn.created_at)),
        ipn_id: Some(ipn.id.to_string()),
        notification_type: Some(kind),
        ipn_notification_type_description: Some(name.into()),
        ipn_status: Some(1),
        ipn_status_decription: Some("Active".into()),
        status: status("200"),
        error: types::PesapalError(None),
        id: None,
        message: None,
    }
}

/// RegisterIPN accepted: the registration, as GetIpnList lists it.
pub(crate) fn ipn_registered(ipn: &Ipn) -> String {
    let body = types::RegisterIpnResponse { message: Some(PROCESSED.into()), ..ipn_item(ipn) };
    dress(body, ErrorField::Null, &[])
}

/// GetIpnList: a JSON array.
pub(crate) fn ipn_list(ipns: &[Ipn]) -> String {
    let items: Vec<String> = ipns.iter().map(|ipn| dress(ipn_item(ipn), ErrorField::Null, &[])).collect();
    format!("[{}]", items.join(","))
}

/// SubmitOrderRequest and DirectMobileMoneyStk accepted.
pub(crate) fn order_submitted(order: &Order, redirect_url: &str) -> String {
    let body = types::SubmitOrderRequestResponse {
        order_tracking_id: Some(order.order_tracking_id),
        merchant_reference: Some(order.merchant_reference.clone()),
        redirect_url: Some(redirect_url.into()),
        status: Some(status("200")),
        ..Default::default()
    };
    dress(body, ErrorField::Null, &[])
}

/// SubmitOrderRequest and DirectMobileMoneyStk refused: an all-zero tracking id, null
/// reference and redirect URL.
pub(crate) fn order_refused(error: &SimError) -> String {
    let body = types::SubmitOrderRequestResponse {
        order_tracking_id: Some(Uuid::nil()),
        error: Some(pesapal_error(error.code(), error.to_string(), None)),
        status: Some(status("500")),
        ..Default::default()
    };
    dress(body, ErrorField::Keep, &["merchant_reference", "redirect_url"])
}

/// GetTransactionStatus of a known order. A never-paid order answers `"status":"500"` with
/// `payment_details_not_found`, as Pesapal does.
pub(crate) fn transaction_status(order: &Order) -> String {
    let payment = order.payment.as_ref();
    let subscription = match &order.kind {
        OrderKind::Charge { account_number, correlation_id, .. } => {
            Some(types::GetTransactionStatusResponseSubscriptionTransactionInfo {
                account_reference: Some(account_number.clone()),
                amount: Some(order.amount),
                first_name: order.first_name.clone(),
                last_name: order.last_name.clone(),
                correlation_id: Some(json!(correlation_id)),
            })
        }
        _ => None,
    };
    let pending = order.status == OrderStatus::Pending;
    let description = if order.cancelled {
        "Order cancelled by the merchant".to_owned()
    } else {
        payment.map(|p| p.description.clone()).unwrap_or_default()
    };
    let body = types::GetTransactionStatusResponse {
        order_tracking_id: Some(order.order_tracking_id),
        payment_method: Some(payment.map(|p| p.method.wire_name().to_owned()).unwrap_or_default()),
        amount: Some(order.amount),
        created_date: Some(east_africa(payment.map_or(order.created_at, |p| p.at))),
        confirmation_code: Some(payment.map(|p| p.confirmation_code.clone()).unwrap_or_default()),
        payment_status_description: Some(order.status.description().into()),
        description: Some(description),
        message: Some(PROCESSED.into()),
        payment_account: Some(payment.map(|p| p.account.clone()).unwrap_or_default()),
        call_back_url: Some(callback_url(order, "CALLBACKURL")),
        status_code: Some(order.status.code()),
        merchant_reference: Some(order.merchant_reference.clone()),
        payment_status_code: Some(String::new()),
        currency: Some(order.currency.clone()),
        subscription_transaction_info: subscription,
        error: match pending {
            true => pesapal_error(
                SimError::PaymentPending.code(),
                "Pending Payment",
                Some(callback_url(order, "CALLBACKURL")),
            ),
            false => types::PesapalError(None),
        },
        status: Some(status(if pending { "500" } else { "200" })),
        account_number: None,
        payer_info: None,
    };
    dress(body, if pending { ErrorField::Keep } else { ErrorField::AllNull }, &[])
}

/// RefundRequest accepted.
pub(crate) fn refund_accepted() -> String {
    let body = types::RefundRequestResponse {
        status: status("200"),
        message: Some("Refund request successfully".into()),
        error: None,
    };
    dress(body, ErrorField::Null, &[])
}

/// CancelOrder accepted.
pub(crate) fn cancel_accepted() -> String {
    let body = types::CancelOrderResponse { status: status("200"), message: Some(PROCESSED.into()), error: None };
    dress(body, ErrorField::Null, &[])
}

/// The order's callback URL with Pesapal's parameters appended (keeping its own query).
pub(crate) fn callback_url(order: &Order, notification_type: &str) -> String {
    let base = match notification_type {
        "CANCEL" => order.cancellation_url.as_deref().unwrap_or(&order.callback_url),
        _ => &order.callback_url,
    };
    let Ok(mut url) = url::Url::parse(base) else { return base.to_owned() };
    url.query_pairs_mut()
        .append_pair("OrderTrackingId", &order.order_tracking_id.to_string())
        .append_pair("OrderMerchantReference", &order.merchant_reference)
        .append_pair(
            "OrderNotificationType",
            if notification_type == "CANCEL" { "CALLBACKURL" } else { notification_type },
        );
    url.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_have_pesapal_shapes() {
        let at = Utc.with_ymd_and_hms(2021, 8, 26, 12, 29, 30).unwrap() + Duration::nanoseconds(517_770_200);
        assert_eq!(utc_7(at), "2021-08-26T12:29:30.5177702Z");
        assert_eq!(east_africa(at), "2021-08-26T15:29:30.517");
    }

    #[test]
    fn amounts_are_numbers_with_their_scale() {
        assert_eq!(numbers_for_amounts(r#"{"amount":"10.00","x":"1"}"#), r#"{"amount":10.00,"x":"1"}"#);
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

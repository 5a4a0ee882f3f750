//! Answers to accepted requests, as recorded.

use super::dress::{ErrorField, PROCESSED, dress, east_africa, ok, pesapal_error, status, utc_7};
use crate::error::SimError;
use crate::model::ipn::{Ipn, IpnHttpMethod};
use crate::model::machine::OrderStatus;
use crate::model::order::{Order, OrderKind};
use axum::response::Response;
use chrono::{DateTime, Utc};
use pesapal_gen::facts::PaymentStatusCode;
use pesapal_gen::types;
use serde_json::json;

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

/// An IPN registration's fields, as RegisterIPN and GetIpnList answer them.
fn ipn_item(ipn: &Ipn) -> types::builder::IpnRegistration {
    let (kind, name) = match ipn.method {
        IpnHttpMethod::Get => (0, "GET"),
        IpnHttpMethod::Post => (1, "POST"),
    };
    types::IpnRegistration::builder()
        .url(Some(ipn.url.clone()))
        .created_date(Some(utc_7(ipn.created_at)))
        .ipn_id(Some(ipn.id.to_string()))
        .notification_type(Some(kind))
        .ipn_notification_type_description(Some(name.to_owned()))
        .ipn_status(Some(1))
        .ipn_status_decription(Some("Active".to_owned()))
        .error(types::PesapalError(None))
}

/// RegisterIPN accepted: the registration with its number (`id`), `"error":null` and no
/// `message`, as `evidence/sandbox-2024-03-18_registeripn.json`. (The 2024-07 answer,
/// `evidence/sandbox-2024-07-13_registeripn.json`, has `message` and neither `error` nor `id`.)
pub(crate) fn ipn_registered(ipn: &Ipn) -> Response {
    let number = i64::try_from(ipn.number).unwrap_or(i64::MAX);
    let body = ipn_item(ipn).id(Some(number)).status(status("200")).try_into();
    ok(dress::<types::IpnRegistration>(body, ErrorField::Null, &[]))
}

/// GetIpnList: a JSON array of every registration, each as `evidence/sandbox-log_ipnlist_item.json`:
/// `"status":"1"`, `"message":null`, no `error`.
pub(crate) fn ipn_list(ipns: &[Ipn]) -> Response {
    let item = |ipn| {
        let body = ipn_item(ipn).error(None).status(status("1")).try_into();
        dress::<types::IpnRegistration>(body, ErrorField::Keep, &["message"])
    };
    let items: Vec<String> = ipns.iter().map(item).collect();
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

/// GetTransactionStatus of a known order, with the recorded keys: a never-paid order answers
/// `"status":"500"` with `payment_details_not_found` and `"description":null`; `amount` and
/// `currency` are what the last attempt charged ([`Order::charged`]); `created_date` is the
/// last attempt's time (the order's before any); `call_back_url` is
/// [`Order::status_callback_url`].
pub(crate) fn transaction_status(order: &Order) -> Response {
    let payment = order.payment.as_ref();
    let (amount, currency) = order.charged();
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
    let description = match (order.cancelled, payment) {
        (true, _) => Some("Order cancelled by the merchant".to_owned()),
        (false, payment) => payment.map(|p| p.description.clone()),
    };
    let body = types::TransactionStatus::builder()
        .order_tracking_id(Some(order.order_tracking_id))
        .payment_method(Some(payment.map(|p| p.payment_method.clone()).unwrap_or_default()))
        .amount(Some(amount))
        .created_date(Some(east_africa(payment.map_or(order.created_at, |p| p.at))))
        .confirmation_code(Some(payment.map(|p| p.confirmation_code.clone()).unwrap_or_default()))
        .payment_status_description(Some(PaymentStatusCode::from(order.status).description().to_owned()))
        .description(description)
        .message(Some(PROCESSED.to_owned()))
        .payment_account(Some(payment.map(|p| p.account.clone()).unwrap_or_default()))
        .call_back_url(Some(order.status_callback_url()))
        .status_code(Some(PaymentStatusCode::from(order.status).code()))
        .merchant_reference(Some(order.merchant_reference.clone()))
        .payment_status_code(Some(payment.map(|p| p.status_code.clone()).unwrap_or_default()))
        .currency(Some(currency.to_owned()))
        .account_number(order.account_number().map(str::to_owned))
        .subscription_transaction_info(subscription)
        .error(match pending {
            true => {
                pesapal_error(SimError::PaymentPending.code(), "Pending Payment", Some(order.status_callback_url()))
            }
            false => types::PesapalError(None),
        })
        .status(Some(status(if pending { "500" } else { "200" })))
        .try_into();
    ok(dress::<types::TransactionStatus>(
        body,
        if pending { ErrorField::Keep } else { ErrorField::AllNull },
        &["account_number", "description"],
    ))
}

/// RefundRequest accepted: `{"status":"200","message":"Refund request successfully"}`, no
/// `error` key (`evidence/sandbox-2025-11-09_refund_ok.json`).
pub(crate) fn refund_accepted() -> Response {
    let body = types::RefundOutcome::builder()
        .status(status("200"))
        .message(Some("Refund request successfully".to_owned()))
        .try_into();
    ok(dress::<types::RefundOutcome>(body, ErrorField::Keep, &[]))
}

/// CancelOrder accepted: `{"status":"200","message":"Order successfully cancelled."}`, no
/// `error` key (`evidence/sandbox-2025-11-09_cancel_ok.json`).
pub(crate) fn cancel_accepted() -> Response {
    let body = types::CancellationOutcome::builder()
        .status(status("200"))
        .message(Some("Order successfully cancelled.".to_owned()))
        .try_into();
    ok(dress::<types::CancellationOutcome>(body, ErrorField::Keep, &[]))
}

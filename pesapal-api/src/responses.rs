//! What Pesapal answers, as this crate presents it, and the decoding from the generated types:
//! every answer body is decoded once, by the type the spec declares for it, then mapped here.
//! The irregular parts of the wire are read here too: an all-null `error` object, the three date
//! shapes, `correlation_id` as a number or a string.

use crate::error::Error;
use crate::wire::{Answer, Operation, facts, rejected, types};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

/// The HTTP method Pesapal uses to call an IPN URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpnMethod {
    /// Notification parameters in the query string.
    Get,
    /// Notification parameters in the body.
    Post,
}

impl IpnMethod {
    /// Both methods.
    pub const ALL: [IpnMethod; 2] = [IpnMethod::Get, IpnMethod::Post];

    /// `GET` or `POST`, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            IpnMethod::Get => "GET",
            IpnMethod::Post => "POST",
        }
    }
}

impl std::str::FromStr for IpnMethod {
    type Err = Error;

    /// `GET` or `POST`, in any case.
    ///
    /// ```
    /// use pesapal_api::IpnMethod;
    /// assert_eq!("post".parse::<IpnMethod>().unwrap(), IpnMethod::Post);
    /// assert!("PUT".parse::<IpnMethod>().is_err());
    /// ```
    fn from_str(name: &str) -> Result<IpnMethod, Error> {
        let name = name.trim();
        IpnMethod::ALL.into_iter().find(|method| method.as_str().eq_ignore_ascii_case(name)).ok_or_else(|| {
            let mut errors = crate::error::ValidationErrors::default();
            errors.push("ipn_notification_type", format!("unknown IPN method {name:?}: use GET or POST"));
            Error::InvalidInput(errors)
        })
    }
}

impl std::fmt::Display for IpnMethod {
    /// `GET` or `POST`, as on the wire.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registered IPN (Instant Payment Notification) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IpnRegistration {
    /// The URL Pesapal calls.
    pub url: String,
    /// Pesapal's id of the registration: the `notification_id` of orders. Kept as text because
    /// recorded lists contain ids that are not GUIDs; see [`IpnRegistration::notification_id`].
    pub ipn_id: String,
    /// When it was registered, as Pesapal sent it; [`IpnRegistration::created_at`] reads it.
    pub created_date: Option<String>,
    /// How Pesapal calls it.
    pub method: Option<IpnMethod>,
    /// Whether Pesapal reports it active (`ipn_status` 1, "Active").
    pub active: Option<bool>,
}

impl IpnRegistration {
    /// When it was registered, in UTC: `created_date` read in any of the three shapes Pesapal
    /// sends (see [`TransactionStatus::created_at`]). `None` when absent or unreadable.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.created_date.as_deref().and_then(timestamp)
    }

    /// The id as the GUID that [`crate::OrderRequestBuilder::notification_id`] takes.
    pub fn notification_id(&self) -> Option<Uuid> {
        self.ipn_id.parse().ok()
    }
}

/// The answer to SubmitOrderRequest (and to the STK push).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrderSubmission {
    /// Pesapal's id of the order: keep it, it is the key of every later call.
    pub order_tracking_id: Uuid,
    /// Your reference, echoed.
    pub merchant_reference: Option<String>,
    /// Where to send the customer (or what to load in an iframe) to pay.
    pub redirect_url: Option<String>,
}

/// A payment's status, from `status_code` and `payment_status_description`.
///
/// Only [`PaymentStatus::Completed`] means paid. [`PaymentStatus::Failed`] is **not final**: the
/// customer may try again and the same order can later complete with a new confirmation code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PaymentStatus {
    /// `0` / `INVALID`: no successful payment yet (typically the customer has not paid).
    Pending,
    /// `1` / `COMPLETED`: paid.
    Completed,
    /// `2` / `FAILED`: the last attempt failed; not final.
    Failed,
    /// `3` / `REVERSED`: the payment was reversed.
    Reversed,
    /// Anything else, kept as received.
    Unknown {
        /// The raw `status_code`.
        code: Option<i64>,
        /// The raw `payment_status_description`.
        description: Option<String>,
    },
}

impl PaymentStatus {
    /// Reads the status from the code, falling back to the description.
    pub fn from_wire(code: Option<i64>, description: Option<&str>) -> PaymentStatus {
        let known = match code {
            Some(code) => facts::PaymentStatusCode::from_code(code),
            None => description.and_then(facts::PaymentStatusCode::from_description),
        };
        match known {
            Some(known) => PaymentStatus::from(known),
            None => PaymentStatus::Unknown { code, description: description.map(str::to_owned) },
        }
    }

    /// The documented status code this is; `None` for [`PaymentStatus::Unknown`].
    pub fn code(&self) -> Option<facts::PaymentStatusCode> {
        match self {
            PaymentStatus::Pending => Some(facts::PaymentStatusCode::Invalid),
            PaymentStatus::Completed => Some(facts::PaymentStatusCode::Completed),
            PaymentStatus::Failed => Some(facts::PaymentStatusCode::Failed),
            PaymentStatus::Reversed => Some(facts::PaymentStatusCode::Reversed),
            PaymentStatus::Unknown { .. } => None,
        }
    }

    /// True only for [`PaymentStatus::Completed`].
    pub fn is_paid(&self) -> bool {
        matches!(self, PaymentStatus::Completed)
    }

    /// True when the status will not change by itself: completed or reversed. Pending and
    /// failed payments are not final (the customer may still pay); nor is an unknown status.
    ///
    /// ```
    /// use pesapal_api::PaymentStatus;
    ///
    /// assert!(PaymentStatus::Completed.is_final());
    /// assert!(!PaymentStatus::Failed.is_final());
    /// ```
    pub fn is_final(&self) -> bool {
        self.code().is_some_and(facts::PaymentStatusCode::is_final)
    }
}

impl From<facts::PaymentStatusCode> for PaymentStatus {
    fn from(code: facts::PaymentStatusCode) -> PaymentStatus {
        match code {
            facts::PaymentStatusCode::Invalid => PaymentStatus::Pending,
            facts::PaymentStatusCode::Completed => PaymentStatus::Completed,
            facts::PaymentStatusCode::Failed => PaymentStatus::Failed,
            facts::PaymentStatusCode::Reversed => PaymentStatus::Reversed,
        }
    }
}

/// Recurring payments only: the subscription charge a payment belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubscriptionTransactionInfo {
    /// Your `account_number` from the order.
    pub account_reference: Option<String>,
    /// Amount charged.
    pub amount: Option<Decimal>,
    /// Customer's first name.
    pub first_name: Option<String>,
    /// Customer's last name.
    pub last_name: Option<String>,
    /// Pesapal's id of the recurring payment (an integer or a string on the wire).
    pub correlation_id: Option<String>,
}

/// The payer, as GetTransactionStatus reports them (undocumented; recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayerInfo {
    /// The payer's first name.
    pub first_name: Option<String>,
    /// The payer's last name.
    pub last_name: Option<String>,
}

/// The answer to GetTransactionStatus: the only source of truth about a payment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TransactionStatus {
    /// The order this status is about, when Pesapal says.
    pub order_tracking_id: Option<Uuid>,
    /// The payment's status.
    pub payment_status: PaymentStatus,
    /// Raw `status_code`.
    pub status_code: Option<i64>,
    /// Raw `payment_status_description`.
    pub payment_status_description: Option<String>,
    /// Why, in words (e.g. "Unable to Authorize Transaction…").
    pub description: Option<String>,
    /// Amount paid.
    pub amount: Option<Decimal>,
    /// ISO 4217 currency.
    pub currency: Option<String>,
    /// The payment provider's confirmation code: needed for refunds.
    pub confirmation_code: Option<String>,
    /// Card, M-Pesa, …
    pub payment_method: Option<String>,
    /// Masked card number or phone number.
    pub payment_account: Option<String>,
    /// Your reference from the order (for recurring payments, see
    /// [`TransactionStatus::subscription`]).
    pub merchant_reference: Option<String>,
    /// The account number of a recurring order (SubmitOrderRequest's `account_number`); `None`
    /// for one-off payments. Undocumented, but in every recorded answer.
    pub account_number: Option<String>,
    /// When the payment was made, as Pesapal sent it; [`TransactionStatus::created_at`] reads it.
    pub created_date: Option<String>,
    /// The order's callback URL.
    pub call_back_url: Option<String>,
    /// Recurring payments only.
    pub subscription: Option<SubscriptionTransactionInfo>,
    /// The payer, when Pesapal says (undocumented).
    pub payer_info: Option<PayerInfo>,
}

impl TransactionStatus {
    /// When the payment was made, in UTC: `created_date` read in any of the three shapes Pesapal
    /// sends: UTC with `Z` and 7 fractional digits, no offset (East Africa Time, UTC+3), and no
    /// offset with 2–3 fractional digits. `None` when absent or unreadable.
    ///
    /// Read on demand rather than with the answer: most callers only need the payment status.
    ///
    /// ```
    /// let status = pesapal_api::TransactionStatus::from_json_slice(
    ///     br#"{"status_code":1,"created_date":"2022-04-30T07:41:09.763","status":"200"}"#,
    /// )?;
    /// assert_eq!(status.created_at().unwrap().to_rfc3339(), "2022-04-30T04:41:09.763+00:00");
    /// # Ok::<(), pesapal_api::Error>(())
    /// ```
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.created_date.as_deref().and_then(timestamp)
    }

    /// Decodes a GetTransactionStatus body exactly as [`crate::Pesapal::transaction_status`]
    /// does, through the same generated type (useful for recorded responses and offline tests).
    /// A body that reports an error is an [`Error::Rejected`].
    pub fn from_json_slice(body: &[u8]) -> Result<TransactionStatus, Error> {
        let op = Operation::GetTransactionStatus;
        let raw = bytes::Bytes::copy_from_slice(body);
        let value = serde_json::from_slice(body).map_err(|e| Error::Decode {
            operation: op,
            http_status: 200,
            reason: e.to_string(),
            raw_body: crate::wire::lossy(body),
        })?;
        transaction_status(op, Answer { value, http_status: 200, raw })
    }
}

/// Pesapal received a refund request; the merchant still has to approve it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefundReceipt {
    /// Pesapal's message.
    pub message: Option<String>,
}

/// Pesapal cancelled the order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancellationReceipt {
    /// Pesapal's message.
    pub message: Option<String>,
}

/// A bearer token and its expiry, from RequestToken.
pub(crate) struct IssuedToken {
    pub token: secrecy::SecretString,
    pub expires_at: DateTime<Utc>,
}

// ---- Decoding: generated answer → the types above -------------------------------------------

/// A timestamp in any of the three shapes Pesapal sends (see [`facts::parse_timestamp`]).
fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    facts::parse_timestamp(text)
}

/// A text field: `null`, `""` and blanks are absent.
fn text(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Fails with the rejection the answer carries in its `status`/`error`/`message`, if any.
/// (`status` and `error` are required in some answers, optional in others: `Option::from` takes
/// `&T` and `&Option<T>` alike.)
macro_rules! check {
    ($operation:expr, $answer:expr) => {
        if let Some(rejection) = $answer.rejection(
            Option::from(&$answer.value.status),
            Option::from(&$answer.value.error),
            $answer.value.message.as_deref(),
        ) {
            return Err(crate::wire::rejected($operation, rejection));
        }
    };
}

pub(crate) fn issued_token(operation: Operation, answer: Answer<types::AccessToken>) -> Result<IssuedToken, Error> {
    let value = &answer.value;
    if let Some(rejection) = answer.rejection(Some(&value.status), value.error.as_ref(), value.message.as_deref()) {
        return Err(Error::Authentication(Box::new(rejection)));
    }
    let token = text(value.token.clone()).ok_or_else(|| answer.undecodable(operation, "no `token` in the answer"))?;
    let expiry =
        value.expiry_date.as_deref().ok_or_else(|| answer.undecodable(operation, "no `expiryDate` in the answer"))?;
    let expires_at = timestamp(expiry)
        .ok_or_else(|| answer.undecodable(operation, format!("`expiryDate` {expiry:?} is not a date")))?;
    Ok(IssuedToken { token: token.into(), expires_at })
}

fn registration(
    operation: Operation,
    answer: &Answer<impl Sized>,
    item: types::IpnRegistration,
) -> Result<IpnRegistration, Error> {
    let method =
        item.ipn_notification_type_description.as_deref().and_then(|m| match m.trim().to_ascii_uppercase().as_str() {
            "GET" => Some(IpnMethod::Get),
            "POST" => Some(IpnMethod::Post),
            _ => None,
        });
    let active = item
        .ipn_status
        .map(|s| s == 1)
        .or_else(|| item.ipn_status_decription.as_deref().map(|d| d.trim().eq_ignore_ascii_case("active")));
    Ok(IpnRegistration {
        url: text(item.url).ok_or_else(|| answer.undecodable(operation, "an IPN registration has no `url`"))?,
        ipn_id: text(item.ipn_id)
            .ok_or_else(|| answer.undecodable(operation, "an IPN registration has no `ipn_id`"))?,
        created_date: text(item.created_date),
        method,
        active,
    })
}

pub(crate) fn ipn_registration(
    operation: Operation,
    answer: Answer<types::IpnRegistration>,
) -> Result<IpnRegistration, Error> {
    check!(operation, answer);
    let item = answer.value.clone();
    registration(operation, &answer, item)
}

pub(crate) fn ipn_list(
    operation: Operation,
    mut answer: Answer<types::IpnList>,
) -> Result<Vec<IpnRegistration>, Error> {
    let empty = types::IpnList::Array(Vec::new());
    match std::mem::replace(&mut answer.value, empty) {
        types::IpnList::Array(items) => items.into_iter().map(|item| registration(operation, &answer, item)).collect(),
        // The error envelope, answered with HTTP 200; an object that reports no error is not
        // a list either.
        types::IpnList::PesapalErrorResponse(envelope) => {
            match answer.rejection(envelope.status.as_ref(), envelope.error.as_ref(), envelope.message.as_deref()) {
                Some(rejection) => Err(rejected(operation, rejection)),
                None => Err(answer.undecodable(operation, "expected a JSON array of IPN registrations")),
            }
        }
    }
}

pub(crate) fn order_submission(
    operation: Operation,
    answer: Answer<types::SubmittedOrder>,
) -> Result<OrderSubmission, Error> {
    check!(operation, answer);
    let value = &answer.value;
    let order_tracking_id =
        value.order_tracking_id.ok_or_else(|| answer.undecodable(operation, "no `order_tracking_id`"))?;
    if order_tracking_id.is_nil() {
        // A failed submit answers with an all-zero tracking id, sometimes with `"status": "200"`.
        let mut rejection = answer.bare_rejection();
        rejection.status = Some(value.status.to_string());
        rejection.message =
            text(value.message.clone()).or_else(|| Some("the order was not created (all-zero tracking id)".into()));
        return Err(rejected(operation, rejection));
    }
    Ok(OrderSubmission {
        order_tracking_id,
        merchant_reference: text(value.merchant_reference.clone()),
        redirect_url: text(value.redirect_url.clone()),
    })
}

pub(crate) fn transaction_status(
    operation: Operation,
    answer: Answer<types::TransactionStatus>,
) -> Result<TransactionStatus, Error> {
    check!(operation, answer);
    let value = answer.value;
    let subscription = value.subscription_transaction_info.map(|info| SubscriptionTransactionInfo {
        account_reference: text(info.account_reference),
        amount: info.amount,
        first_name: text(info.first_name),
        last_name: text(info.last_name),
        correlation_id: match info.correlation_id {
            Some(Value::String(s)) => text(Some(s)),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        },
    });
    Ok(TransactionStatus {
        order_tracking_id: value.order_tracking_id,
        payment_status: PaymentStatus::from_wire(value.status_code, value.payment_status_description.as_deref()),
        status_code: value.status_code,
        payment_status_description: text(value.payment_status_description),
        description: text(value.description),
        amount: value.amount,
        currency: text(value.currency),
        confirmation_code: text(value.confirmation_code),
        payment_method: text(value.payment_method),
        payment_account: text(value.payment_account),
        merchant_reference: text(value.merchant_reference),
        account_number: text(value.account_number),
        created_date: text(value.created_date),
        call_back_url: text(value.call_back_url),
        subscription,
        payer_info: value
            .payer_info
            .map(|p| PayerInfo { first_name: text(p.first_name), last_name: text(p.last_name) }),
    })
}

pub(crate) fn refund(operation: Operation, answer: Answer<types::RefundOutcome>) -> Result<RefundReceipt, Error> {
    check!(operation, answer);
    Ok(RefundReceipt { message: text(answer.value.message) })
}

pub(crate) fn cancellation(
    operation: Operation,
    answer: Answer<types::CancellationOutcome>,
) -> Result<CancellationReceipt, Error> {
    check!(operation, answer);
    Ok(CancellationReceipt { message: text(answer.value.message) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_all_null_error_object_is_no_error_and_a_padded_one_is_trimmed() {
        let ok = TransactionStatus::from_json_slice(
            br#"{"status_code": 1, "error": {"error_type": null, "code": null, "message": null}, "status": "200"}"#,
        )
        .unwrap();
        assert!(ok.payment_status.is_paid());
        let error = TransactionStatus::from_json_slice(
            br#"{"error": {"error_type": "api_error  ", "code": "x", "message": ""}, "status": "500"}"#,
        )
        .unwrap_err();
        let r = error.rejection().unwrap();
        assert_eq!(
            (r.error_type.as_deref(), r.code.as_deref(), r.message.as_deref()),
            (Some("api_error"), Some("x"), Some("x"))
        );
    }
}

//! What Pesapal answers, as this crate presents it. The generated answer types become these in
//! `decode`; the facts about payment statuses come from `pesapal_gen::facts`.

use crate::error::Error;
use crate::rejection::Rejection;
use chrono::{DateTime, Utc};
use pesapal_gen::facts;
use rust_decimal::Decimal;
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
            Error::invalid("ipn_notification_type", format!("unknown IPN method {name:?}: use GET or POST"))
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
        self.created_date.as_deref().and_then(facts::parse_timestamp)
    }

    /// The id as the GUID that [`OrderRequestBuilder::notification_id`](crate::OrderRequestBuilder::notification_id) takes.
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
            Some(known) => PaymentStatus::of(known),
            None => PaymentStatus::Unknown { code, description: description.map(str::to_owned) },
        }
    }

    /// The status a documented code is: the one mapping between the two.
    fn of(code: facts::PaymentStatusCode) -> PaymentStatus {
        match code {
            facts::PaymentStatusCode::Invalid => PaymentStatus::Pending,
            facts::PaymentStatusCode::Completed => PaymentStatus::Completed,
            facts::PaymentStatusCode::Failed => PaymentStatus::Failed,
            facts::PaymentStatusCode::Reversed => PaymentStatus::Reversed,
        }
    }

    /// The documented code this is; `None` for [`PaymentStatus::Unknown`].
    fn fact(&self) -> Option<facts::PaymentStatusCode> {
        facts::PaymentStatusCode::ALL.into_iter().find(|code| PaymentStatus::of(*code) == *self)
    }

    /// The `status_code` Pesapal sends for this status (`0` to `3`); for
    /// [`PaymentStatus::Unknown`], the code as received.
    ///
    /// ```
    /// use pesapal_api::PaymentStatus;
    ///
    /// assert_eq!(PaymentStatus::Completed.status_code(), Some(1));
    /// assert_eq!(PaymentStatus::from_wire(Some(7), None).status_code(), Some(7));
    /// ```
    pub fn status_code(&self) -> Option<i64> {
        match self {
            PaymentStatus::Unknown { code, .. } => *code,
            known => known.fact().map(facts::PaymentStatusCode::code),
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
        self.fact().is_some_and(facts::PaymentStatusCode::is_final)
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
        self.created_date.as_deref().and_then(facts::parse_timestamp)
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

/// How [`Pesapal::refund_with_resend`](crate::Pesapal::refund_with_resend) ended, other than
/// with an error.
///
/// Not `#[non_exhaustive]`: Pesapal either takes the refund request or already holds one for the
/// payment; any other answer is an [`Error`]. A `match` needs no wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Pesapal accepted the request (the one sent first, or the resend when the first one's
    /// outcome was unknown).
    Accepted {
        /// Pesapal's answer.
        receipt: RefundReceipt,
        /// True when this answer is the resend's.
        resent: bool,
    },
    /// Pesapal already holds a refund request for this payment. With `resent`, it is the one
    /// whose answer was lost: the refund was requested once, as wanted. Without, a refund of
    /// this payment had been requested before this call (by an earlier run, or an operator).
    AlreadyReceived {
        /// Pesapal's answer ("Refund request has been received already").
        rejection: Box<Rejection>,
        /// True when this answer is the resend's.
        resent: bool,
    },
}

impl RefundOutcome {
    /// True when the request was sent twice (the first one's outcome was unknown).
    pub fn resent(&self) -> bool {
        match self {
            RefundOutcome::Accepted { resent, .. } | RefundOutcome::AlreadyReceived { resent, .. } => *resent,
        }
    }

    /// True when Pesapal answered that it already holds a refund request for the payment.
    pub fn is_already_received(&self) -> bool {
        matches!(self, RefundOutcome::AlreadyReceived { .. })
    }
}

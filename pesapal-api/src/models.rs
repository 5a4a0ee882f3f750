//! Responses, decoded leniently from what the real API sends.

use crate::error::{Error, Rejection};
use crate::wire::{self, decimal, integer, text, timestamp};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
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
    /// `GET` or `POST`, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            IpnMethod::Get => "GET",
            IpnMethod::Post => "POST",
        }
    }
}

/// A registered IPN (Instant Payment Notification) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpnRegistration {
    /// The URL Pesapal calls.
    pub url: String,
    /// Pesapal's id of the registration: the `notification_id` of orders. Kept as text because
    /// recorded lists contain ids that are not GUIDs; see [`IpnRegistration::notification_id`].
    pub ipn_id: String,
    /// When it was registered.
    pub created_at: Option<DateTime<Utc>>,
    /// How Pesapal calls it.
    pub method: Option<IpnMethod>,
    /// Whether Pesapal reports it active (`ipn_status` 1, "Active").
    pub active: Option<bool>,
}

impl IpnRegistration {
    /// The id as the GUID that [`crate::OrderRequestBuilder::notification_id`] takes.
    pub fn notification_id(&self) -> Option<Uuid> {
        self.ipn_id.parse().ok()
    }
}

/// The answer to SubmitOrderRequest (and to the STK push).
#[derive(Debug, Clone, PartialEq, Eq)]
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
        let by_description = description.map(|d| d.trim().to_ascii_uppercase());
        match (code, by_description.as_deref()) {
            (Some(0), _) | (None, Some("INVALID" | "PENDING")) => PaymentStatus::Pending,
            (Some(1), _) | (None, Some("COMPLETED")) => PaymentStatus::Completed,
            (Some(2), _) | (None, Some("FAILED")) => PaymentStatus::Failed,
            (Some(3), _) | (None, Some("REVERSED")) => PaymentStatus::Reversed,
            _ => PaymentStatus::Unknown { code, description: description.map(str::to_owned) },
        }
    }

    /// True only for [`PaymentStatus::Completed`].
    pub fn is_paid(&self) -> bool {
        matches!(self, PaymentStatus::Completed)
    }
}

/// Recurring payments only: the subscription charge a payment belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The answer to GetTransactionStatus: the only source of truth about a payment.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionStatus {
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
    /// When the payment was made.
    pub created_at: Option<DateTime<Utc>>,
    /// The order's callback URL.
    pub call_back_url: Option<String>,
    /// Recurring payments only.
    pub subscription: Option<SubscriptionTransactionInfo>,
    /// Undocumented payer details, when Pesapal sends them.
    pub payer_info: Option<Map<String, Value>>,
}

impl TransactionStatus {
    /// Decodes a GetTransactionStatus body leniently, exactly as [`crate::Pesapal::transaction_status`]
    /// does (useful for recorded responses and offline tests). A body that reports an error is
    /// an [`Error::Rejected`].
    pub fn from_json_slice(body: &[u8]) -> Result<TransactionStatus, Error> {
        let raw = String::from_utf8_lossy(body);
        let value: Value = serde_json::from_slice(body).map_err(|e| Error::Decode {
            operation: "GetTransactionStatus",
            http_status: 200,
            reason: format!("not JSON: {e}"),
            raw_body: raw.clone().into_owned(),
        })?;
        Answer { operation: "GetTransactionStatus", http_status: 200, body: &value, raw: &raw }.transaction_status()
    }
}

/// Pesapal accepted a refund request; the merchant still has to approve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundAcknowledgement {
    /// Pesapal's message.
    pub message: Option<String>,
}

/// Pesapal cancelled the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelAcknowledgement {
    /// Pesapal's message.
    pub message: Option<String>,
}

/// A bearer token and its expiry, from RequestToken.
pub(crate) struct IssuedToken {
    pub token: secrecy::SecretString,
    pub expires_at: DateTime<Utc>,
}

/// A response body with its HTTP status, ready for lenient decoding.
pub(crate) struct Answer<'a> {
    pub operation: &'static str,
    pub http_status: u16,
    pub body: &'a Value,
    pub raw: &'a str,
}

impl Answer<'_> {
    /// A rejection when the body says so: a `status` other than 200, or a non-empty error.
    pub fn rejection(&self) -> Option<Rejection> {
        let status = text(self.body.get("status"));
        let error = wire::error_object(self.body);
        let failed_status = status.as_deref().is_some_and(|s| s != "200");
        if !failed_status && error.is_none() {
            return None;
        }
        let error = error.unwrap_or_default();
        let message = error
            .message
            .or_else(|| text(self.body.get("message")).filter(|_| failed_status))
            .or_else(|| error.code.clone());
        Some(Rejection {
            http_status: self.http_status,
            status,
            error_type: error.error_type,
            code: error.code,
            message,
            raw_body: self.raw.to_owned(),
        })
    }

    pub fn rejected(&self) -> Result<(), Error> {
        match self.rejection() {
            Some(rejection) => Err(Error::Rejected { operation: self.operation, rejection: Box::new(rejection) }),
            None => Ok(()),
        }
    }

    pub fn undecodable(&self, reason: impl Into<String>) -> Error {
        Error::Decode {
            operation: self.operation,
            http_status: self.http_status,
            reason: reason.into(),
            raw_body: self.raw.to_owned(),
        }
    }

    fn field(&self, name: &str) -> Option<String> {
        text(self.body.get(name))
    }

    pub fn token(&self) -> Result<IssuedToken, Error> {
        if let Some(rejection) = self.rejection() {
            return Err(Error::Authentication(Box::new(rejection)));
        }
        let token = self.field("token").ok_or_else(|| self.undecodable("no `token` in the answer"))?;
        let expiry = self.field("expiryDate").ok_or_else(|| self.undecodable("no `expiryDate` in the answer"))?;
        let expires_at =
            timestamp(&expiry).ok_or_else(|| self.undecodable(format!("`expiryDate` {expiry:?} is not a date")))?;
        Ok(IssuedToken { token: token.into(), expires_at })
    }

    pub fn ipn_registration(&self, item: &Value) -> Result<IpnRegistration, Error> {
        let field = |name: &str| text(item.get(name));
        let method =
            field("ipn_notification_type_description").and_then(|m| match m.trim().to_ascii_uppercase().as_str() {
                "GET" => Some(IpnMethod::Get),
                "POST" => Some(IpnMethod::Post),
                _ => None,
            });
        let active = integer(item.get("ipn_status")).map(|s| s == 1).or_else(|| {
            field("ipn_status_decription")
                .or_else(|| field("ipn_status_description"))
                .map(|d| d.eq_ignore_ascii_case("active"))
        });
        Ok(IpnRegistration {
            url: field("url").ok_or_else(|| self.undecodable("an IPN registration has no `url`"))?,
            ipn_id: field("ipn_id").ok_or_else(|| self.undecodable("an IPN registration has no `ipn_id`"))?,
            created_at: field("created_date").as_deref().and_then(timestamp),
            method,
            active,
        })
    }

    pub fn ipn_list(&self) -> Result<Vec<IpnRegistration>, Error> {
        match self.body {
            Value::Array(items) => items.iter().map(|item| self.ipn_registration(item)).collect(),
            _ => {
                self.rejected()?;
                Err(self.undecodable("expected a JSON array of IPN registrations"))
            }
        }
    }

    pub fn order_submission(&self) -> Result<OrderSubmission, Error> {
        self.rejected()?;
        let id = self.field("order_tracking_id").ok_or_else(|| self.undecodable("no `order_tracking_id`"))?;
        let order_tracking_id: Uuid =
            id.parse().map_err(|_| self.undecodable(format!("`order_tracking_id` {id:?} is not a GUID")))?;
        if order_tracking_id.is_nil() {
            // A failed submit answers with an all-zero tracking id.
            let message =
                self.field("message").or_else(|| Some("the order was not created (all-zero tracking id)".into()));
            return Err(Error::Rejected {
                operation: self.operation,
                rejection: Box::new(Rejection {
                    http_status: self.http_status,
                    status: self.field("status"),
                    error_type: None,
                    code: None,
                    message,
                    raw_body: self.raw.to_owned(),
                }),
            });
        }
        Ok(OrderSubmission {
            order_tracking_id,
            merchant_reference: self.field("merchant_reference"),
            redirect_url: self.field("redirect_url"),
        })
    }

    pub fn transaction_status(&self) -> Result<TransactionStatus, Error> {
        self.rejected()?;
        let body = self.body;
        if !body.is_object() {
            return Err(self.undecodable("expected a JSON object"));
        }
        let status_code = integer(body.get("status_code"));
        let description = self.field("payment_status_description");
        let subscription = body.get("subscription_transaction_info").filter(|v| v.is_object()).map(|info| {
            SubscriptionTransactionInfo {
                account_reference: text(info.get("account_reference")),
                amount: decimal(info.get("amount")),
                first_name: text(info.get("first_name")),
                last_name: text(info.get("last_name")),
                correlation_id: text(info.get("correlation_id")),
            }
        });
        Ok(TransactionStatus {
            payment_status: PaymentStatus::from_wire(status_code, description.as_deref()),
            status_code,
            payment_status_description: description,
            description: self.field("description"),
            amount: decimal(body.get("amount")),
            currency: self.field("currency"),
            confirmation_code: self.field("confirmation_code"),
            payment_method: self.field("payment_method"),
            payment_account: self.field("payment_account"),
            merchant_reference: self.field("merchant_reference"),
            created_at: self.field("created_date").as_deref().and_then(timestamp),
            call_back_url: self.field("call_back_url"),
            subscription,
            payer_info: body.get("payer_info").and_then(Value::as_object).cloned(),
        })
    }

    pub fn refund(&self) -> Result<RefundAcknowledgement, Error> {
        self.rejected()?;
        Ok(RefundAcknowledgement { message: self.field("message") })
    }

    pub fn cancel(&self) -> Result<CancelAcknowledgement, Error> {
        self.rejected()?;
        Ok(CancelAcknowledgement { message: self.field("message") })
    }
}

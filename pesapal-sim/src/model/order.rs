//! Orders as the simulator keeps them, their payment attempts, and where an order sends the
//! customer's browser back to.

use super::instruments::PaymentMethod;
use super::machine::OrderStatus;
use super::schedule::Schedule;
use chrono::{DateTime, Utc};
use pesapal_gen::notification_parameters::{ORDER_MERCHANT_REFERENCE, ORDER_NOTIFICATION_TYPE, ORDER_TRACKING_ID};
use pesapal_gen::types::NotificationType;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

/// The customer's last payment attempt on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// How.
    pub method: PaymentMethod,
    /// `payment_method` as GetTransactionStatus reports it: "MpesaKE", "Visa", "MasterCard".
    pub payment_method: String,
    /// Masked card number or phone number.
    pub account: String,
    /// The amount charged: the order's, or converted for a card charged in another currency
    /// ([`crate::test_values::CARD_CHARGED_IN_USD`]).
    pub amount: Decimal,
    /// The currency charged (ISO 4217).
    pub currency: String,
    /// The provider's code: 10 characters (M-Pesa) or 22 digits (card) when paid, 8 digits when
    /// the attempt failed, empty while it waits for an answer.
    pub confirmation_code: String,
    /// When (virtual clock).
    pub at: DateTime<Utc>,
    /// Why, in words (`description`).
    pub description: String,
    /// The provider's result code (`payment_status_code`): empty when it succeeded.
    pub status_code: String,
}

/// What kind of order this is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrderKind {
    /// SubmitOrderRequest without `account_number`.
    OneOff,
    /// DirectMobileMoneyStk: waits for the customer's phone (a control call approves it).
    Stk {
        /// The phone number prompted.
        msisdn: String,
    },
    /// SubmitOrderRequest with `account_number` (and optionally `subscription_details`).
    Recurring {
        /// The merchant's account number: the merchant reference of `RECURRING` IPNs.
        account_number: String,
        /// When charges fall due; none without `subscription_details`.
        schedule: Option<Schedule>,
    },
    /// One charge of a subscription, made by the simulator on its clock.
    Charge {
        /// The subscription's account number.
        account_number: String,
        /// The subscription's order.
        subscription: Uuid,
        /// Pesapal's id of the recurring payment.
        correlation_id: i64,
    },
}

/// An order and its payment, as the simulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// `order_tracking_id`.
    pub order_tracking_id: Uuid,
    /// The merchant's `id`.
    pub merchant_reference: String,
    /// Amount asked.
    pub amount: Decimal,
    /// ISO 4217 currency.
    pub currency: String,
    /// The merchant's description.
    pub description: String,
    /// Where the browser goes after the payment page.
    pub callback_url: String,
    /// Where the browser goes after "Cancel" (the callback URL when absent).
    pub cancellation_url: Option<String>,
    /// The IPN notified of changes.
    pub notification_id: Uuid,
    /// Payer's first name.
    pub first_name: Option<String>,
    /// Payer's last name.
    pub last_name: Option<String>,
    /// Payer's phone number.
    pub phone_number: Option<String>,
    /// Payer's email address.
    pub email_address: Option<String>,
    /// When the order was submitted (virtual clock).
    pub created_at: DateTime<Utc>,
    /// Payment state.
    pub status: OrderStatus,
    /// Set once by CancelOrder.
    pub cancelled: bool,
    /// The last payment attempt.
    pub payment: Option<Payment>,
    /// Amount refunded so far.
    pub refunded: Decimal,
    /// One-off, STK, recurring or a subscription's charge.
    #[serde(flatten)]
    pub kind: OrderKind,
}

/// Where the payment page sends the browser back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReturnTo {
    /// The order's `callback_url`.
    Callback,
    /// "Cancel": the order's `cancellation_url`, when it has one.
    Cancellation,
}

impl Order {
    /// The `account_number` for recurring orders and their charges.
    pub fn account_number(&self) -> Option<&str> {
        match &self.kind {
            OrderKind::Recurring { account_number, .. } | OrderKind::Charge { account_number, .. } => {
                Some(account_number)
            }
            _ => None,
        }
    }

    /// The merchant reference its notifications carry: the account number for a
    /// subscription's charge (`RECURRING`), else the order's reference.
    pub(crate) fn notified_reference(&self) -> &str {
        match &self.kind {
            OrderKind::Charge { account_number, .. } => account_number,
            _ => &self.merchant_reference,
        }
    }

    /// GetTransactionStatus's `call_back_url`: the callback URL with `OrderTrackingId` and
    /// `OrderMerchantReference`, in that order, appended to its own query, and no
    /// `OrderNotificationType`, as recorded (`evidence/sandbox-2025-11-09_status_*.json`,
    /// `evidence/sandbox-2024-03-18_status_pending.json`, `evidence/pesapal-sdk_status_*.json`).
    pub(crate) fn status_callback_url(&self) -> String {
        with_parameters(
            &self.callback_url,
            &[
                (ORDER_TRACKING_ID, &self.order_tracking_id.to_string()),
                (ORDER_MERCHANT_REFERENCE, &self.merchant_reference),
            ],
        )
    }

    /// What was charged, or is asked while nothing was: the last attempt's amount and currency,
    /// else the order's.
    pub(crate) fn charged(&self) -> (Decimal, &str) {
        match &self.payment {
            Some(payment) => (payment.amount, &payment.currency),
            None => (self.amount, &self.currency),
        }
    }

    /// Where the payment page sends the browser: the callback (or cancellation) URL with the
    /// spec's notification parameters ([`pesapal_gen::notification_parameters`], type
    /// `CALLBACKURL`) appended to its own query.
    pub(crate) fn return_url(&self, to: ReturnTo) -> String {
        let base = match to {
            ReturnTo::Cancellation => self.cancellation_url.as_deref().unwrap_or(&self.callback_url),
            ReturnTo::Callback => &self.callback_url,
        };
        let callback = NotificationType::Callbackurl.to_string();
        with_parameters(
            base,
            &[
                (ORDER_TRACKING_ID, &self.order_tracking_id.to_string()),
                (ORDER_MERCHANT_REFERENCE, &self.merchant_reference),
                (ORDER_NOTIFICATION_TYPE, &callback),
            ],
        )
    }
}

/// `base` with `parameters` appended to its query (after its own, before any fragment), the
/// rest of the URL left as the merchant wrote it.
pub(crate) fn with_parameters(base: &str, parameters: &[(&str, &str)]) -> String {
    let (url, fragment) = base.split_once('#').map_or((base, None), |(url, fragment)| (url, Some(fragment)));
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(parameters).finish();
    let separator = match url.split_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some((_, own)) if own.ends_with('&') => "",
        Some(_) => "&",
    };
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    format!("{url}{separator}{query}{fragment}")
}

/// A refund request accepted by the simulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refund {
    /// The refunded order.
    pub order_tracking_id: Uuid,
    /// The payment's confirmation code.
    pub confirmation_code: String,
    /// Amount asked back.
    pub amount: Decimal,
    /// Who asked.
    pub username: String,
    /// Why.
    pub remarks: String,
    /// When (virtual clock).
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_join_the_urls_own_query_before_its_fragment() {
        let p = [("A", "1"), ("B", "x y")];
        assert_eq!(with_parameters("http://localhost:56522", &p), "http://localhost:56522?A=1&B=x+y");
        assert_eq!(with_parameters("http://h/cb?session=7", &p), "http://h/cb?session=7&A=1&B=x+y");
        assert_eq!(with_parameters("http://h/cb?", &p), "http://h/cb?A=1&B=x+y");
        assert_eq!(with_parameters("http://h/cb#top", &p), "http://h/cb?A=1&B=x+y#top");
    }
}

//! One verdict for every way a payment is confirmed (an IPN, the browser callback, polling,
//! reconciliation): what the merchant expects ([`Expectation`]), what Pesapal says
//! ([`TransactionStatus`]), the verdict that compares them ([`Verdict`]), all of it with the one
//! deduplication key ([`DedupeKey`]) in a [`Confirmation`].

use crate::error::{Error, Result};
use crate::money::round_amount;
use crate::notifications::Notification;
use crate::responses::{PaymentStatus, TransactionStatus};
use rust_decimal::Decimal;
use std::fmt;
use uuid::Uuid;

/// An amount in a currency (ISO 4217, compared without regard to case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    amount: Decimal,
    currency: String,
}

impl Charge {
    /// `amount` in `currency`.
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Charge {
        Charge { amount, currency: currency.into().trim().to_ascii_uppercase() }
    }

    /// The amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency, upper case.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// What Pesapal charged, when its answer says both amount and currency.
    fn charged(status: &TransactionStatus) -> Option<Charge> {
        Some(Charge::new(status.amount?, status.currency.as_deref()?))
    }
}

impl fmt::Display for Charge {
    /// `KES 2500.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount)
    }
}

/// Another charge the merchant accepts for an order: an amount range in another currency.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Conversion {
    currency: String,
    min: Decimal,
    max: Decimal,
}

/// What the merchant's order says: its merchant reference and the amount and currency to be
/// paid, plus the conversions the merchant accepts.
///
/// Pesapal may charge a card in another currency than the order's: a TZS order paid by a card
/// has been recorded as charged `0.4` USD. A verdict that ignored the currency would accept any
/// amount in any currency; one that demanded the order's currency would reject a real payment.
/// So a charge in another currency is [`Verdict::PaidOtherwise`], with both sides shown, unless
/// the merchant has said which charges in that currency it accepts, as a range
/// ([`Expectation::or_charged_in`]) or as a rate with a tolerance
/// ([`Expectation::or_converted_at`]): then it is [`Verdict::PaidAsExpected`].
///
/// ```
/// use pesapal_api::{Decimal, Expectation};
///
/// // TZS 1,000.00; a card charged in USD at about 0.0004 USD per TZS, 5 % either way, is fine.
/// let expected = Expectation::new("ORDER-7", Decimal::new(100000, 2), "TZS")
///     .or_converted_at("USD", Decimal::new(4, 4), Decimal::new(5, 2));
/// assert!(expected.accepts(Decimal::new(40, 2), "usd"));
/// assert!(!expected.accepts(Decimal::new(50, 2), "USD"));
/// assert!(expected.accepts(Decimal::new(1000, 0), "TZS"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    merchant_reference: String,
    charge: Charge,
    conversions: Vec<Conversion>,
}

impl Expectation {
    /// The order `merchant_reference` (for a recurring charge: the order's `account_number`),
    /// to be paid `amount` in `currency`.
    pub fn new(merchant_reference: impl Into<String>, amount: Decimal, currency: impl Into<String>) -> Expectation {
        Expectation {
            merchant_reference: merchant_reference.into(),
            charge: Charge::new(amount, currency),
            conversions: Vec::new(),
        }
    }

    /// Also accepts a charge in `currency` from `min` to `max` (both included): a conversion the
    /// merchant knows.
    pub fn or_charged_in(mut self, currency: impl Into<String>, min: Decimal, max: Decimal) -> Expectation {
        let currency = Charge::new(Decimal::ZERO, currency).currency;
        self.conversions.push(Conversion { currency, min: min.min(max), max: max.max(min) });
        self
    }

    /// Also accepts a charge in `currency` of the order's amount at `rate` (units of `currency`
    /// per unit of the order's currency), give or take `tolerance` (a fraction: `0.05` is 5 %);
    /// the bounds are rounded by [`round_amount`](crate::round_amount).
    pub fn or_converted_at(self, currency: impl Into<String>, rate: Decimal, tolerance: Decimal) -> Expectation {
        let converted = self.charge.amount * rate;
        let spread = converted * tolerance.abs();
        let (min, max) = (round_amount(converted - spread), round_amount(converted + spread));
        self.or_charged_in(currency, min, max)
    }

    /// The merchant reference.
    pub fn merchant_reference(&self) -> &str {
        &self.merchant_reference
    }

    /// The amount and currency of the order.
    pub fn charge(&self) -> &Charge {
        &self.charge
    }

    /// True when a charge of `amount` in `currency` is what the merchant expects: the order's
    /// amount in its currency, or one of the conversions it accepts.
    pub fn accepts(&self, amount: Decimal, currency: &str) -> bool {
        let charged = Charge::new(amount, currency);
        charged == self.charge
            || self.conversions.iter().any(|c| c.currency == charged.currency && (c.min..=c.max).contains(&amount))
    }

    /// True when Pesapal's record of the payment names this order: its merchant reference, or
    /// for a recurring charge the account number.
    fn names_this_order(&self, status: &TransactionStatus) -> bool {
        let reference = Some(self.merchant_reference.as_str());
        status.merchant_reference.as_deref() == reference
            || status.subscription.as_ref().and_then(|s| s.account_reference.as_deref()) == reference
            || status.account_number.as_deref() == reference
    }
}

/// What a payment comes to, against what the merchant expects.
///
/// `#[non_exhaustive]`: Pesapal may document a payment status this crate does not know yet (it
/// is [`Verdict::Unrecognised`] until then, and may become a verdict of its own). A wildcard arm
/// has a meaning here: *do not credit the order, and look at it*.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Paid (`COMPLETED`), the amount and currency as expected (or a conversion the
    /// [`Expectation`] accepts): credit the order.
    PaidAsExpected,
    /// Paid (`COMPLETED`), but not as expected: another amount, or another currency than the
    /// expectation accepts. Both sides are shown; a person decides.
    PaidOtherwise {
        /// What the order says.
        expected: Charge,
        /// What Pesapal charged; `None` when its answer lacks the amount or the currency.
        charged: Option<Charge>,
    },
    /// Paid (`COMPLETED`), with nothing to check it against: no [`Expectation`] was given
    /// (a reconciliation by tracking id alone).
    Paid,
    /// No successful payment yet: the customer has not paid (or is paying). Not final.
    NotPaidYet,
    /// The last attempt failed (`FAILED`). **Not final**: the customer may try again and the
    /// order complete later.
    Failed,
    /// The payment was reversed (`REVERSED`): final.
    Reversed,
    /// Pesapal's record of this tracking id names another order: a forged or misrouted
    /// notification, or a mix-up of tracking ids. Never credit.
    ReferenceMismatch {
        /// The merchant reference expected (the [`Expectation`]'s, or the notification's).
        expected: String,
        /// Pesapal's merchant reference for the tracking id.
        actual: Option<String>,
    },
    /// A payment status this crate does not know; kept in the [`Confirmation`]'s status.
    Unrecognised,
}

impl Verdict {
    /// True for [`Verdict::PaidAsExpected`]: the one verdict on which to credit an order
    /// automatically.
    pub fn is_paid_as_expected(&self) -> bool {
        matches!(self, Verdict::PaidAsExpected)
    }

    /// True when the verdict concerns a payment Pesapal has (paid in any way, failed, reversed,
    /// or a status not known yet): what an IPN or a callback acts on. Not for
    /// [`Verdict::NotPaidYet`] and [`Verdict::ReferenceMismatch`].
    pub fn concerns_a_payment(&self) -> bool {
        !matches!(self, Verdict::NotPaidYet | Verdict::ReferenceMismatch { .. })
    }
}

/// The one deduplication key of a payment's state, the same from every path (IPN, callback,
/// polling, reconciliation): `tracking id:confirmation code:status code` (`-` for what Pesapal
/// did not say). Pesapal repeats notifications, and a customer's return to the callback URL
/// races the IPN: act on a key once ([`DedupeStore`](crate::DedupeStore)). A state change (a
/// failed attempt, then a payment; a payment, then its reversal) makes a new key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DedupeKey(String);

impl DedupeKey {
    /// The key of `status` for `order_tracking_id` (`None`: no payment yet).
    pub(crate) fn of(order_tracking_id: Uuid, status: Option<&TransactionStatus>) -> DedupeKey {
        DedupeKey(format!(
            "{order_tracking_id}:{}:{}",
            status.and_then(|s| s.confirmation_code.as_deref()).unwrap_or("-"),
            status.and_then(|s| s.status_code).map_or_else(|| "-".to_owned(), |c| c.to_string()),
        ))
    }

    /// The key as text (for a database column).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DedupeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for DedupeKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<DedupeKey> for String {
    fn from(key: DedupeKey) -> String {
        key.0
    }
}

/// A payment confirmed with GetTransactionStatus: the verdict, what Pesapal said, and the
/// deduplication key; from [`Pesapal::confirm`](crate::Pesapal::confirm),
/// [`Pesapal::confirm_notification`](crate::Pesapal::confirm_notification), a
/// [`PaymentEndpoint`](crate::PaymentEndpoint), [`Pesapal::reconcile`](crate::Pesapal::reconcile)
/// or [`WaitOutcome::confirmation`](crate::WaitOutcome::confirmation).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Confirmation {
    /// The order.
    pub order_tracking_id: Uuid,
    /// What the payment comes to.
    pub verdict: Verdict,
    /// Pesapal's answer; `None` when it has no payment for the order yet.
    pub status: Option<TransactionStatus>,
    /// The key to act once on this state of the payment.
    pub dedupe_key: DedupeKey,
    /// The notification that prompted the check (IPN or callback), if one did.
    pub notification: Option<Notification>,
}

impl Confirmation {
    /// Judges `status` (`None`: no payment yet) of `order_tracking_id` against `expectation`
    /// (`None`: nothing to check it against): the one place verdicts are made.
    pub(crate) fn judge(
        order_tracking_id: Uuid,
        status: Option<TransactionStatus>,
        expectation: Option<&Expectation>,
        notification: Option<Notification>,
    ) -> Confirmation {
        let dedupe_key = DedupeKey::of(order_tracking_id, status.as_ref());
        let verdict = match (&status, expectation) {
            (None, _) => Verdict::NotPaidYet,
            (Some(status), Some(expected)) if !expected.names_this_order(status) => Verdict::ReferenceMismatch {
                expected: expected.merchant_reference.clone(),
                actual: status.merchant_reference.clone(),
            },
            (Some(status), expected) => match (&status.payment_status, expected) {
                (PaymentStatus::Pending, _) => Verdict::NotPaidYet,
                (PaymentStatus::Failed, _) => Verdict::Failed,
                (PaymentStatus::Reversed, _) => Verdict::Reversed,
                (PaymentStatus::Completed, None) => Verdict::Paid,
                (PaymentStatus::Completed, Some(expected)) => match Charge::charged(status) {
                    Some(charged) if expected.accepts(charged.amount, &charged.currency) => Verdict::PaidAsExpected,
                    charged => Verdict::PaidOtherwise { expected: expected.charge.clone(), charged },
                },
                _ => Verdict::Unrecognised,
            },
        };
        Confirmation { order_tracking_id, verdict, status, dedupe_key, notification }
    }

    /// A notification that names another order than Pesapal's record of its tracking id.
    pub(crate) fn mismatch(
        notification: Notification,
        status: TransactionStatus,
        actual: Option<String>,
    ) -> Confirmation {
        let order_tracking_id = notification.order_tracking_id;
        Confirmation {
            order_tracking_id,
            verdict: Verdict::ReferenceMismatch { expected: notification.merchant_reference.clone(), actual },
            dedupe_key: DedupeKey::of(order_tracking_id, Some(&status)),
            status: Some(status),
            notification: Some(notification),
        }
    }

    /// What Pesapal charged, when its answer says both amount and currency.
    pub fn charged(&self) -> Option<Charge> {
        self.status.as_ref().and_then(Charge::charged)
    }
}

/// One order to reconcile: its tracking id, and the merchant's [`Expectation`] when known
/// (without one, a completed payment is [`Verdict::Paid`](crate::Verdict::Paid), unchecked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToReconcile {
    pub(crate) order_tracking_id: Uuid,
    pub(crate) expectation: Option<Expectation>,
}

impl From<Uuid> for ToReconcile {
    fn from(order_tracking_id: Uuid) -> ToReconcile {
        ToReconcile { order_tracking_id, expectation: None }
    }
}

impl From<(Uuid, Expectation)> for ToReconcile {
    fn from((order_tracking_id, expectation): (Uuid, Expectation)) -> ToReconcile {
        ToReconcile { order_tracking_id, expectation: Some(expectation) }
    }
}

/// One line of a reconciliation: the order, and its confirmation or why there is none.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Reconciled {
    /// The order.
    pub order_tracking_id: Uuid,
    /// Its confirmation, or the error of its GetTransactionStatus (an unknown tracking id, a
    /// transport failure that survived the retries, …).
    pub outcome: Result<Confirmation>,
}

impl Reconciled {
    /// True when the order's GetTransactionStatus failed.
    pub fn failed(&self) -> bool {
        self.outcome.is_err()
    }

    /// The error, when the lookup failed.
    pub fn error(&self) -> Option<&Error> {
        self.outcome.as_ref().err()
    }
}

//! The simulator's memory: tokens, registered IPNs, orders with Pesapal's state machine,
//! refunds and recurring charges. Plain data and synchronous transitions; no I/O here.

use crate::error::{SimError, TokenRefusal};
use crate::machine::{OrderStatus, Transition};
use crate::outcomes::{self, Reason};
use crate::token::Signer;
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use pesapal_gen::types::{self, NotificationType};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// How the customer paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PaymentMethod {
    /// M-Pesa (Kenya): `payment_method` "MpesaKE", a 10-character confirmation code, the phone
    /// masked as `2547xxx18241`.
    #[default]
    Mpesa,
    /// A card (the Visa test card 4761739001010010): `payment_method` "Visa" (or
    /// "MasterCard" for a MasterCard number), a 22-digit confirmation code, the number masked
    /// as `476173XXXXXX0010`.
    Card,
}

/// The card a card payment uses when none is named: a Visa test card.
pub const DEFAULT_CARD: &str = "4761739001010010";

/// A card number's brand as GetTransactionStatus names it (`payment_method`): "Visa" for 4…,
/// "MasterCard" for 51–55 and 2221–2720; `None` for anything else.
pub fn card_brand(number: &str) -> Option<&'static str> {
    let digits: String = number.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix = |n: usize| digits[..n].parse::<u32>().unwrap_or(0);
    match () {
        () if digits.starts_with('4') => Some("Visa"),
        () if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => Some("MasterCard"),
        () => None,
    }
}

/// A card number masked as Pesapal shows it: the first six and last four digits,
/// `XXXXXX` between (`5200000000000007` → `520000XXXXXX0007`).
pub fn mask_card(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        10.. => format!("{}XXXXXX{}", &digits[..6], &digits[digits.len() - 4..]),
        _ => digits,
    }
}

/// A phone number as Pesapal shows an M-Pesa payer: in international form (a leading `0` or
/// `+` becomes `254…`), its fifth to seventh digits masked (`0712318241` → `2547xxx18241`).
pub fn mask_phone(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let international = match digits.strip_prefix('0') {
        Some(local) => format!("254{local}"),
        None => digits,
    };
    match international.len() {
        8.. => format!("{}xxx{}", &international[..4], &international[7..]),
        _ => international,
    }
}

const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// How often a subscription is charged (`subscription_details.frequency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Frequency {
    /// Every day.
    Daily,
    /// Every seven days.
    Weekly,
    /// Every calendar month (clamped to the month's last day).
    Monthly,
    /// Every twelve months.
    Yearly,
}

impl From<types::SubmitOrderRequestBodySubscriptionDetailsFrequency> for Frequency {
    fn from(frequency: types::SubmitOrderRequestBodySubscriptionDetailsFrequency) -> Self {
        use types::SubmitOrderRequestBodySubscriptionDetailsFrequency as Wire;
        match frequency {
            Wire::Daily => Frequency::Daily,
            Wire::Weekly => Frequency::Weekly,
            Wire::Monthly => Frequency::Monthly,
            Wire::Yearly => Frequency::Yearly,
        }
    }
}

/// The HTTP method an IPN URL is called with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum IpnMethod {
    /// Parameters in the query string.
    Get,
    /// Parameters in a JSON body.
    Post,
}

/// A registered IPN URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ipn {
    /// `ipn_id`.
    pub id: Uuid,
    /// The merchant's URL.
    pub url: String,
    /// How it is called.
    pub method: IpnMethod,
    /// When it was registered (virtual clock).
    pub created_at: DateTime<Utc>,
}

/// The customer's last payment attempt on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// How.
    pub method: PaymentMethod,
    /// `payment_method` as GetTransactionStatus reports it: "MpesaKE", "Visa", "MasterCard".
    pub payment_method: String,
    /// Masked card number or phone number.
    pub account: String,
    /// The provider's code; empty for a failed attempt.
    pub confirmation_code: String,
    /// When (virtual clock).
    pub at: DateTime<Utc>,
    /// Why, in words (`description`).
    pub description: String,
    /// The provider's result code (`payment_status_code`): empty when it succeeded.
    pub status_code: String,
}

/// A subscription's schedule: charges at `start + k·frequency` (k ≥ 1) up to `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// First day of the subscription (its first period is the payment on the hosted page).
    pub start: NaiveDate,
    /// Last day a charge may fall on.
    pub end: NaiveDate,
    /// How often it charges.
    pub frequency: Frequency,
    /// Charges made so far (k of the next charge is `charges + 1`).
    pub charges: u32,
}

impl Schedule {
    /// When charge `k` falls due (midnight UTC), or `None` past the end.
    pub fn due(&self, k: u32) -> Option<DateTime<Utc>> {
        let day = match self.frequency {
            Frequency::Daily => self.start.checked_add_signed(Duration::days(i64::from(k))),
            Frequency::Weekly => self.start.checked_add_signed(Duration::weeks(i64::from(k))),
            Frequency::Monthly => self.start.checked_add_months(Months::new(k)),
            Frequency::Yearly => self.start.checked_add_months(Months::new(k.saturating_mul(12))),
        }?;
        (day <= self.end).then(|| day.and_hms_opt(0, 0, 0).map(|t| t.and_utc())).flatten()
    }
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

/// What a state change means for the merchant: an IPN to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notice {
    pub order_tracking_id: Uuid,
    /// The order's reference, or the account number for `RECURRING`.
    pub merchant_reference: String,
    pub notification_type: NotificationType,
    pub ipn: Ipn,
}

#[derive(Debug, Clone)]
struct Token {
    expires_at: DateTime<Utc>,
    uses: u64,
}

/// Issued bearer tokens (signed JWTs) and the key they are signed with. `Debug` shows how many,
/// never the tokens or the key.
#[derive(Default)]
struct Tokens {
    issued: HashMap<String, Token>,
    signer: Signer,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} tokens [REDACTED]", self.issued.len())
    }
}

/// Everything the simulator remembers.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Draws every id, code and token: seeded by [`crate::SimConfig::seed`] for reproducible runs.
    rng: fastrand::Rng,
    tokens: Tokens,
    pub tokens_issued: u64,
    pub tokens_revoked: u64,
    ipns: Vec<Ipn>,
    orders: HashMap<Uuid, Order>,
    order_ids: Vec<Uuid>,
    pub refunds: Vec<Refund>,
    next_correlation_id: i64,
}

impl State {
    /// An empty state whose ids, codes and tokens come from `seed` (the same seed, the same
    /// ones), or from a random seed.
    pub fn seeded(seed: Option<u64>) -> State {
        let mut rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        let mut state = State::default();
        if seed.is_some() {
            // The token key too, so that the same seed signs the same tokens.
            state.tokens.signer = Signer::with_key(&rng.u128(..).to_le_bytes());
        }
        State { rng, ..state }
    }

    /// A new GUID (version 4), drawn from the state's generator.
    pub fn new_id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.u128(..).to_le_bytes()).into_uuid()
    }

    /// A confirmation code in the processor's shape: 10 characters starting with a letter for
    /// M-Pesa (`SBM2VWCQ5G`), 22 digits for cards (recorded shapes; docs/WIRE.md).
    fn confirmation_code(&mut self, method: PaymentMethod) -> String {
        match method {
            PaymentMethod::Mpesa => self.random_code(1, &CODE_ALPHABET[..26]) + &self.random_code(9, CODE_ALPHABET),
            PaymentMethod::Card => self.random_code(1, b"123456789") + &self.random_code(21, b"0123456789"),
        }
    }

    fn random_code(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len).map(|_| char::from(alphabet[self.rng.usize(..alphabet.len())])).collect()
    }

    /// Issues a bearer token (a signed JWT for `uid`, by `issuer`) valid for `lifetime` from
    /// `now`, to the second: its `exp` is the `expiryDate` answered.
    pub fn issue_token(
        &mut self,
        uid: &str,
        issuer: &str,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> (String, DateTime<Utc>) {
        let whole_seconds = |at: DateTime<Utc>| DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
        let now = whole_seconds(now);
        let expires_at = whole_seconds(now + lifetime);
        let userdata = self.new_id();
        let token = self.tokens.signer.issue(userdata, uid, issuer, now, expires_at);
        self.tokens.issued.insert(token.clone(), Token { expires_at, uses: 0 });
        self.tokens_issued += 1;
        (token, expires_at)
    }

    /// Checks a bearer token and counts its use; `revoke_after` uses revoke it.
    pub fn use_token(
        &mut self,
        token: Option<&str>,
        now: DateTime<Utc>,
        revoke_after: Option<u64>,
    ) -> Result<(), TokenRefusal> {
        let token = token.ok_or(TokenRefusal::Missing)?;
        let claims = self.tokens.signer.verify(token).ok_or(TokenRefusal::Unknown)?;
        let record = self.tokens.issued.get_mut(token).ok_or(TokenRefusal::Unknown)?;
        if now.timestamp() >= claims.exp || now >= record.expires_at {
            return Err(TokenRefusal::Expired);
        }
        if revoke_after.is_some_and(|n| record.uses >= n) {
            self.tokens.issued.remove(token);
            self.tokens_revoked += 1;
            return Err(TokenRefusal::Revoked);
        }
        record.uses += 1;
        Ok(())
    }

    /// Registers an IPN URL; the same URL and method registered again keeps its id.
    pub fn register_ipn(&mut self, url: String, method: IpnMethod, now: DateTime<Utc>) -> Ipn {
        if let Some(existing) = self.ipns.iter().find(|i| i.url == url && i.method == method) {
            return existing.clone();
        }
        let ipn = Ipn { id: self.new_id(), url, method, created_at: now };
        self.ipns.push(ipn.clone());
        ipn
    }

    /// Every registered IPN, oldest first.
    pub fn ipns(&self) -> &[Ipn] {
        &self.ipns
    }

    fn ipn(&self, id: Uuid) -> Option<&Ipn> {
        self.ipns.iter().find(|i| i.id == id)
    }

    /// Stores a new order after checking that its IPN exists.
    pub fn add_order(&mut self, order: Order) -> Result<Order, SimError> {
        if self.ipn(order.notification_id).is_none() {
            return Err(SimError::UnknownIpn(order.notification_id));
        }
        self.order_ids.push(order.order_tracking_id);
        self.orders.insert(order.order_tracking_id, order.clone());
        Ok(order)
    }

    /// One order.
    pub fn order(&self, id: Uuid) -> Result<&Order, SimError> {
        self.orders.get(&id).ok_or(SimError::UnknownOrder(id))
    }

    fn order_mut(&mut self, id: Uuid) -> Result<&mut Order, SimError> {
        self.orders.get_mut(&id).ok_or(SimError::UnknownOrder(id))
    }

    /// Every order, oldest first.
    pub fn orders(&self) -> Vec<Order> {
        self.order_ids.iter().filter_map(|id| self.orders.get(id)).cloned().collect()
    }

    fn notice(&self, order: &Order, notification_type: NotificationType) -> Option<Notice> {
        let merchant_reference = match &order.kind {
            OrderKind::Charge { account_number, .. } => account_number.clone(),
            _ => order.merchant_reference.clone(),
        };
        Some(Notice {
            order_tracking_id: order.order_tracking_id,
            merchant_reference,
            notification_type,
            ipn: self.ipn(order.notification_id)?.clone(),
        })
    }

    /// Applies `transition` to an order as [`Transition::rule`] says, or says why it may not.
    fn apply(&mut self, id: Uuid, transition: Transition) -> Result<&mut Order, SimError> {
        let order = self.order_mut(id)?;
        let (from, to) = transition.rule();
        match (order.cancelled, transition) {
            (true, Transition::Cancel) => return Err(SimError::AlreadyCancelled),
            (true, _) => return Err(SimError::OrderCancelled),
            (false, Transition::Cancel) if !from.contains(&order.status) => return Err(SimError::NotCancellable),
            (false, _) if !from.contains(&order.status) => {
                return Err(SimError::InvalidTransition { action: transition, status: order.status });
            }
            (false, _) => {}
        }
        match to {
            Some(status) => order.status = status,
            None => order.cancelled = true,
        }
        Ok(order)
    }

    /// The customer pays: pending or failed → completed, with a new confirmation code.
    pub fn pay(&mut self, id: Uuid, method: PaymentMethod, now: DateTime<Utc>) -> Result<Option<Notice>, SimError> {
        self.pay_from(id, method, None, now)
    }

    /// [`State::pay`] from a given account (the phone number or masked card the customer
    /// entered; default: the billing phone, or a test card).
    pub fn pay_from(
        &mut self,
        id: Uuid,
        method: PaymentMethod,
        entered: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Option<Notice>, SimError> {
        let code = self.confirmation_code(method);
        let order = self.apply(id, Transition::Pay)?;
        let (payment_method, account) = match method {
            PaymentMethod::Mpesa => {
                let phone = match &order.kind {
                    OrderKind::Stk { msisdn } => msisdn.clone(),
                    _ => order.phone_number.clone().unwrap_or_else(|| "254700000000".into()),
                };
                ("MpesaKE", mask_phone(&phone))
            }
            PaymentMethod::Card => (card_brand(DEFAULT_CARD).unwrap_or("Visa"), mask_card(DEFAULT_CARD)),
        };
        let account = entered.unwrap_or(account);
        if let OrderKind::Recurring { schedule: Some(schedule), .. } = &mut order.kind {
            // Periods that passed before the first payment are not charged.
            while schedule.due(schedule.charges + 1).is_some_and(|due| due <= now) {
                schedule.charges += 1;
            }
        }
        order.payment = Some(Payment {
            method,
            payment_method: payment_method.to_owned(),
            account,
            confirmation_code: code,
            at: now,
            description: "Payment successful".into(),
            status_code: String::new(),
        });
        let order = order.clone();
        Ok(self.notice(&order, NotificationType::Ipnchange))
    }

    /// The payment attempt fails: pending or failed → failed.
    pub fn fail(&mut self, id: Uuid, method: PaymentMethod, now: DateTime<Utc>) -> Result<Option<Notice>, SimError> {
        let reason = match method {
            PaymentMethod::Card => outcomes::CARD_DECLINED,
            PaymentMethod::Mpesa => outcomes::PHONE_DECLINED,
        };
        self.fail_because(id, method, String::new(), &reason, now)
    }

    /// The payment attempt from `account` fails for `reason`: pending or failed → failed.
    pub fn fail_because(
        &mut self,
        id: Uuid,
        method: PaymentMethod,
        account: String,
        reason: &Reason,
        now: DateTime<Utc>,
    ) -> Result<Option<Notice>, SimError> {
        let order = self.apply(id, Transition::Fail)?;
        order.payment = Some(failed_attempt(method, account, reason, now));
        let order = order.clone();
        Ok(self.notice(&order, NotificationType::Ipnchange))
    }

    /// A payment attempt that got no answer (an STK prompt that timed out): the order stays
    /// as it is, the attempt is recorded, nobody is notified.
    pub fn unanswered(
        &mut self,
        id: Uuid,
        method: PaymentMethod,
        account: String,
        reason: &Reason,
        now: DateTime<Utc>,
    ) -> Result<(), SimError> {
        let order = self.order_mut(id)?;
        if !Transition::Pay.allowed(order.status, order.cancelled) {
            let error = match order.cancelled {
                true => SimError::OrderCancelled,
                false => SimError::InvalidTransition { action: Transition::Pay, status: order.status },
            };
            return Err(error);
        }
        order.payment = Some(failed_attempt(method, account, reason, now));
        Ok(())
    }

    /// The payment is reversed: completed → reversed.
    pub fn reverse(&mut self, id: Uuid, now: DateTime<Utc>) -> Result<Option<Notice>, SimError> {
        let order = self.apply(id, Transition::Reverse)?;
        if let Some(payment) = &mut order.payment {
            payment.description = "Payment reversed".into();
            payment.at = now;
        }
        let order = order.clone();
        Ok(self.notice(&order, NotificationType::Ipnchange))
    }

    /// CancelOrder: only pending or failed orders, only once.
    pub fn cancel(&mut self, id: Uuid) -> Result<(), SimError> {
        self.apply(id, Transition::Cancel).map(|_| ())
    }

    /// RefundRequest, as Pesapal's refund page says: COMPLETED payments only; mobile money in
    /// full only, cards also in part (never zero after rounding to cents, never more than was
    /// paid); one request per payment.
    pub fn refund(
        &mut self,
        confirmation_code: &str,
        amount: Decimal,
        username: String,
        remarks: String,
        now: DateTime<Utc>,
    ) -> Result<Refund, SimError> {
        let code = confirmation_code.trim();
        let order = self
            .orders
            .values_mut()
            .find(|o| !code.is_empty() && o.payment.as_ref().is_some_and(|p| p.confirmation_code == code))
            .ok_or_else(|| SimError::UnknownConfirmationCode(confirmation_code.to_owned()))?;
        // One refund request per payment (Pesapal's refund page; recorded answer in
        // ../shared/evidence/sandbox-2025-11-09_refund_duplicate.json).
        if order.refunded > Decimal::ZERO {
            return Err(SimError::RefundAlreadyReceived);
        }
        if order.status != OrderStatus::Completed {
            return Err(SimError::RefundNotCompleted);
        }
        let amount = cents(amount);
        let in_full_only = order.payment.as_ref().is_some_and(|p| p.method == PaymentMethod::Mpesa);
        if amount <= Decimal::ZERO || amount > order.amount || (in_full_only && amount != order.amount) {
            return Err(SimError::RefundInvalidAmount);
        }
        order.refunded += amount;
        let refund = Refund {
            order_tracking_id: order.order_tracking_id,
            confirmation_code: confirmation_code.trim().to_owned(),
            amount,
            username,
            remarks,
            at: now,
        };
        self.refunds.push(refund.clone());
        Ok(refund)
    }

    /// Makes every subscription charge due by `now`: each is a new completed order that sends a
    /// `RECURRING` IPN. Only subscriptions whose first payment completed are charged.
    pub fn charge_due(&mut self, now: DateTime<Utc>) -> Vec<Notice> {
        let mut charges = Vec::new();
        for id in self.order_ids.clone() {
            let Some(order) = self.orders.get_mut(&id) else { continue };
            if order.status != OrderStatus::Completed {
                continue;
            }
            let OrderKind::Recurring { account_number, schedule: Some(schedule) } = &mut order.kind else {
                continue;
            };
            let account_number = account_number.clone();
            let mut dues = Vec::new();
            while let Some(due) = schedule.due(schedule.charges + 1) {
                if due > now {
                    break;
                }
                schedule.charges += 1;
                dues.push(due);
            }
            for due in dues {
                charges.push((order.clone(), account_number.clone(), due));
            }
        }
        let mut notices = Vec::new();
        for (parent, account_number, due) in charges {
            self.next_correlation_id += 1;
            let code = parent.payment.as_ref().map(|paid| self.confirmation_code(paid.method)).unwrap_or_default();
            let charge = Order {
                order_tracking_id: self.new_id(),
                created_at: due,
                status: OrderStatus::Completed,
                cancelled: false,
                payment: parent.payment.as_ref().map(|paid| Payment {
                    confirmation_code: code,
                    at: due,
                    description: "Recurring payment successful".into(),
                    ..paid.clone()
                }),
                refunded: Decimal::ZERO,
                kind: OrderKind::Charge {
                    account_number,
                    subscription: parent.order_tracking_id,
                    correlation_id: 100_000 + self.next_correlation_id,
                },
                ..parent
            };
            self.order_ids.push(charge.order_tracking_id);
            self.orders.insert(charge.order_tracking_id, charge.clone());
            notices.extend(self.notice(&charge, NotificationType::Recurring));
        }
        notices
    }
}

fn failed_attempt(method: PaymentMethod, account: String, reason: &Reason, at: DateTime<Utc>) -> Payment {
    Payment {
        method,
        payment_method: String::new(),
        account,
        confirmation_code: String::new(),
        at,
        description: reason.description.into(),
        status_code: reason.code.into(),
    }
}

/// An amount rounded to cents (half away from zero, as a till does), as Pesapal keeps them.
pub(crate) fn cents(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(frequency: Frequency) -> Schedule {
        Schedule {
            start: NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
            end: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            frequency,
            charges: 0,
        }
    }

    #[test]
    fn charges_fall_due_by_frequency_until_the_end() {
        assert_eq!(
            schedule(Frequency::Daily).due(1).unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2025, 2, 1).unwrap()
        );
        assert_eq!(
            schedule(Frequency::Weekly).due(1).unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2025, 2, 7).unwrap()
        );
        assert_eq!(
            schedule(Frequency::Monthly).due(1).unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap()
        );
        assert!(schedule(Frequency::Monthly).due(11).is_some());
        assert_eq!(schedule(Frequency::Monthly).due(12), None);
        assert_eq!(schedule(Frequency::Yearly).due(1), None);
    }

    #[test]
    fn accounts_are_masked_as_recorded() {
        assert_eq!(mask_phone("254712318241"), "2547xxx18241");
        assert_eq!(mask_phone("0712318241"), "2547xxx18241");
        assert_eq!(mask_phone("+254 712 318241"), "2547xxx18241");
        assert_eq!(mask_phone("0712"), "254712", "too short to mask");
        assert_eq!(mask_card("5200 0000 0000 0007"), "520000XXXXXX0007");
        assert_eq!(card_brand("5200000000000007"), Some("MasterCard"));
        assert_eq!(card_brand("2223000048400011"), Some("MasterCard"));
        assert_eq!(card_brand(DEFAULT_CARD), Some("Visa"));
        assert_eq!(card_brand("6011000000000004"), None);
        assert_eq!(cents(Decimal::new(1, 3)), Decimal::ZERO);
        assert_eq!(cents(Decimal::new(5, 3)).to_string(), "0.01");
    }

    #[test]
    fn confirmation_codes_have_the_providers_shapes() {
        let mut state = State::default();
        let mpesa = state.confirmation_code(PaymentMethod::Mpesa);
        assert!(mpesa.len() == 10 && mpesa.starts_with(|c: char| c.is_ascii_uppercase()), "{mpesa}");
        let card = state.confirmation_code(PaymentMethod::Card);
        assert!(card.len() == 22 && card.bytes().all(|b| b.is_ascii_digit()), "{card}");
    }
}

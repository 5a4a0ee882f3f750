//! Everything a simulator remembers: its generator of ids and codes, issued tokens, registered
//! IPNs, orders and refunds; and how a transition of the order state machine is applied. The
//! transitions themselves are in [`super::payments`], [`super::refunds`] and
//! [`super::subscriptions`]. Plain data and synchronous changes; no I/O here.

use super::instruments::PaymentMethod;
use super::ipn::{Ipn, IpnHttpMethod, Notice};
use super::machine::Transition;
use super::order::{Order, Refund};
use super::tokens::TokenRegistry;
use crate::error::SimError;
use chrono::{DateTime, Duration, Utc};
use pesapal_gen::types::NotificationType;
use std::collections::HashMap;
use uuid::Uuid;

const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// What SubmitOrderRequest (or the STK push) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Submitted {
    /// A new order.
    New(Order),
    /// The order submitted before with the same merchant reference, unchanged: Pesapal answers
    /// a repeated reference with the existing order, ignoring the new amount and currency
    /// (evidence/README.md, "Further facts": `TX-testing1`, `TX-testing4`, `TX-testing5`).
    Existing(Order),
}

impl Submitted {
    /// The order answered.
    pub(crate) fn order(&self) -> &Order {
        match self {
            Submitted::New(order) | Submitted::Existing(order) => order,
        }
    }
}

/// Everything the simulator remembers.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Draws every id, code and token: seeded by [`crate::SimConfig::seed`] for reproducible runs.
    rng: fastrand::Rng,
    tokens: TokenRegistry,
    ipns: Vec<Ipn>,
    /// Every order, oldest first.
    orders: Vec<Order>,
    /// Where each order is in `orders`.
    positions: HashMap<Uuid, usize>,
    /// The order each merchant reference was submitted with.
    references: HashMap<String, Uuid>,
    refunds: Vec<Refund>,
    correlation_ids: i64,
}

impl State {
    /// An empty state whose ids, codes and tokens come from `seed` (the same seed, the same
    /// ones), or from a random seed.
    pub(crate) fn seeded(seed: Option<u64>) -> State {
        let Some(seed) = seed else { return State { rng: fastrand::Rng::new(), ..State::default() } };
        let mut rng = fastrand::Rng::with_seed(seed);
        // The token key too, so that the same seed signs the same tokens.
        let tokens = TokenRegistry::with_key(&rng.u128(..).to_le_bytes());
        State { rng, tokens, ..State::default() }
    }

    /// A new GUID (version 4), drawn from the state's generator.
    pub(crate) fn new_id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.u128(..).to_le_bytes()).into_uuid()
    }

    /// A confirmation code in the processor's shape: 10 characters starting with a letter for
    /// M-Pesa (`SBM2VWCQ5G`), 22 digits for cards (recorded shapes; docs/WIRE.md).
    pub(crate) fn confirmation_code(&mut self, method: PaymentMethod) -> String {
        match method {
            PaymentMethod::Mpesa => self.random_code(1, &CODE_ALPHABET[..26]) + &self.random_code(9, CODE_ALPHABET),
            PaymentMethod::Card => self.random_code(1, b"123456789") + &self.random_code(21, b"0123456789"),
        }
    }

    /// A failed attempt's confirmation code: 8 digits, as recorded ("41784283",
    /// `evidence/pesapal-sdk_status_mpesa_failed.json`).
    pub(crate) fn failure_code(&mut self) -> String {
        self.random_code(1, b"123456789") + &self.random_code(7, b"0123456789")
    }

    fn random_code(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len).map(|_| char::from(alphabet[self.rng.usize(..alphabet.len())])).collect()
    }

    /// The next id of a recurring payment (`correlation_id`).
    pub(crate) fn next_correlation_id(&mut self) -> i64 {
        self.correlation_ids += 1;
        100_000 + self.correlation_ids
    }

    /// Issues a bearer token for `uid`, by `issuer`, valid for `lifetime` from `now`.
    pub(crate) fn issue_token(
        &mut self,
        uid: &str,
        issuer: &str,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> (String, DateTime<Utc>) {
        let userdata = self.new_id();
        self.tokens.issue(userdata, uid, issuer, now, lifetime)
    }

    /// The tokens issued, to check one or count them.
    pub(crate) fn tokens(&self) -> &TokenRegistry {
        &self.tokens
    }

    /// The tokens issued, to use one.
    pub(crate) fn tokens_mut(&mut self) -> &mut TokenRegistry {
        &mut self.tokens
    }

    /// Registers an IPN URL: a new registration (a new `ipn_id`) on every call, also for a URL
    /// registered before, as Pesapal does (evidence/README.md, "Further facts": RegisterIPN is
    /// not idempotent; GetIpnList lists every registration).
    pub(crate) fn register_ipn(&mut self, url: String, method: IpnHttpMethod, now: DateTime<Utc>) -> Ipn {
        let number = self.ipns.len() as u64 + 1;
        let ipn = Ipn { id: self.new_id(), number, url, method, created_at: now };
        self.ipns.push(ipn.clone());
        ipn
    }

    /// Every registered IPN, oldest first.
    pub(crate) fn ipns(&self) -> &[Ipn] {
        &self.ipns
    }

    fn ipn(&self, id: Uuid) -> Option<&Ipn> {
        self.ipns.iter().find(|i| i.id == id)
    }

    /// SubmitOrderRequest of `order` (its fields checked): refused if its IPN is not
    /// registered; else the order submitted before with the same merchant reference, if any
    /// ([`Submitted::Existing`]), or `order`, stored.
    pub(crate) fn submit(&mut self, order: Order) -> Result<Submitted, SimError> {
        if self.ipn(order.notification_id).is_none() {
            return Err(SimError::UnknownIpn(order.notification_id));
        }
        if let Some(&existing) = self.references.get(&order.merchant_reference) {
            return Ok(Submitted::Existing(self.order(existing)?.clone()));
        }
        self.references.insert(order.merchant_reference.clone(), order.order_tracking_id);
        self.insert(order.clone());
        Ok(Submitted::New(order))
    }

    /// Keeps `order` (a new one), after the others.
    pub(crate) fn insert(&mut self, order: Order) {
        self.positions.insert(order.order_tracking_id, self.orders.len());
        self.orders.push(order);
    }

    /// One order.
    pub(crate) fn order(&self, id: Uuid) -> Result<&Order, SimError> {
        self.positions.get(&id).map(|&at| &self.orders[at]).ok_or(SimError::UnknownOrder(id))
    }

    pub(crate) fn order_mut(&mut self, id: Uuid) -> Result<&mut Order, SimError> {
        self.positions.get(&id).map(|&at| &mut self.orders[at]).ok_or(SimError::UnknownOrder(id))
    }

    /// Every order, oldest first.
    pub(crate) fn orders(&self) -> &[Order] {
        &self.orders
    }

    /// Every order, oldest first, to change.
    pub(crate) fn orders_mut(&mut self) -> impl Iterator<Item = &mut Order> {
        self.orders.iter_mut()
    }

    /// Accepted refund requests, oldest first.
    pub(crate) fn refunds(&self) -> &[Refund] {
        &self.refunds
    }

    /// Records an accepted refund request.
    pub(crate) fn add_refund(&mut self, refund: Refund) {
        self.refunds.push(refund);
    }

    /// The IPN a change of `order` sends, if its IPN is registered.
    pub(crate) fn notice(&self, order: &Order, notification_type: NotificationType) -> Option<Notice> {
        Some(Notice {
            order_tracking_id: order.order_tracking_id,
            merchant_reference: order.notified_reference().to_owned(),
            notification_type,
            ipn: self.ipn(order.notification_id)?.clone(),
        })
    }

    /// Applies `transition` to an order as [`Transition::rule`] says, or says why it may not.
    pub(crate) fn apply(&mut self, id: Uuid, transition: Transition) -> Result<&mut Order, SimError> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_codes_have_the_providers_shapes() {
        let mut state = State::default();
        let mpesa = state.confirmation_code(PaymentMethod::Mpesa);
        assert!(mpesa.len() == 10 && mpesa.starts_with(|c: char| c.is_ascii_uppercase()), "{mpesa}");
        let card = state.confirmation_code(PaymentMethod::Card);
        assert!(card.len() == 22 && card.bytes().all(|b| b.is_ascii_digit()), "{card}");
        let failed = state.failure_code();
        assert!(failed.len() == 8 && failed.bytes().all(|b| b.is_ascii_digit()), "{failed}");
    }
}

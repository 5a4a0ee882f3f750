//! The engine of a running simulator: the model ([`State`]) with its clock, the faults in force
//! and IPN delivery. Every route, page and the [`crate::Simulator`] handle act through it; a
//! change of an order here notifies the merchant.

use crate::config::SimConfig;
use crate::error::SimError;
use crate::http::faults::{Decision, FaultStats, Faults};
use crate::ipn::{Delivery, IpnControls, IpnDelivery, IpnHttp};
use crate::lock::lock;
use crate::model::clock::Clock;
use crate::model::instruments::{Instrument, Payer, PaymentMethod};
use crate::model::ipn::Notice;
use crate::model::order::Order;
use crate::model::state::State;
use crate::model::test_values::{self, Outcome, Reason};
use chrono::{DateTime, Utc};
use pesapal_gen::notification_parameters::ORDER_TRACKING_ID;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;
use uuid::Uuid;

/// How long a card that "fails later" ([`test_values::CARD_FAILS_LATER`]) stays pending.
pub(crate) const FAIL_LATER_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// The faults in force and how many were injected.
#[derive(Debug, Default)]
struct FaultState {
    faults: Faults,
    stats: FaultStats,
}

/// Shared by every route, page and background task of one simulator.
#[derive(Debug)]
pub(crate) struct Engine {
    config: SimConfig,
    /// The listening address, or [`SimConfig::public_url`]: what [`crate::Simulator::base_url`]
    /// says, and the base of handed-out URLs when a request names none
    /// ([`crate::http::base_url`]).
    public_url: String,
    clock: Clock,
    state: Mutex<State>,
    faults: Mutex<FaultState>,
    /// Calls the merchants' IPN URLs.
    ipn: Arc<IpnDelivery>,
}

impl Engine {
    pub(crate) fn new(config: SimConfig, public_url: String, http: IpnHttp, shutdown: watch::Receiver<bool>) -> Engine {
        let ipn = IpnDelivery::new(&config, http, shutdown);
        let faults = Mutex::new(FaultState { faults: config.faults.clone(), stats: FaultStats::default() });
        let state = Mutex::new(State::seeded(config.seed));
        let clock =
            Clock::starting_at(chrono::Duration::from_std(config.clock_offset).unwrap_or(chrono::Duration::MAX));
        Engine { config, public_url, clock, state, faults, ipn }
    }

    /// The settings it was started with.
    pub(crate) fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The listening address, or [`SimConfig::public_url`].
    pub(crate) fn public_url(&self) -> &str {
        &self.public_url
    }

    /// An order's payment page (its `redirect_url`) under `base` ([`crate::http::base_url`]):
    /// the tracking id in the query, as on Pesapal, at the imitated environment's path.
    pub(crate) fn payment_page_url(&self, base: &str, id: Uuid) -> String {
        format!("{base}{}?{ORDER_TRACKING_ID}={id}", self.config.environment.payment_page_path())
    }

    /// The simulator's "now" (the virtual clock).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// How far the virtual clock is ahead of real time.
    pub(crate) fn clock_offset(&self) -> chrono::Duration {
        self.clock.offset()
    }

    /// The model, locked: keep the guard for one step, never across an `await`.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Decides the faults of the next API request (consuming counted ones).
    pub(crate) fn decide_faults(&self) -> Vec<Decision> {
        let mut guard = lock(&self.faults);
        let FaultState { faults, stats } = &mut *guard;
        faults.decide(stats)
    }

    /// The faults in force and how many were injected.
    pub(crate) fn faults(&self) -> (Faults, FaultStats) {
        let guard = lock(&self.faults);
        (guard.faults.clone(), guard.stats)
    }

    /// Replaces the faults in force.
    pub(crate) fn set_faults(&self, faults: Faults) {
        lock(&self.faults).faults = faults;
    }

    /// Checks a bearer token and counts its use ([`Faults::revoke_tokens_after`] applies).
    pub(crate) fn use_token(&self, token: Option<&str>) -> Result<(), SimError> {
        let revoke_after = lock(&self.faults).faults.revoke_tokens_after;
        let now = self.now();
        self.state().tokens_mut().use_token(token, now, revoke_after).map_err(SimError::Unauthorized)
    }

    fn notify(&self, notices: impl IntoIterator<Item = Notice>) {
        for notice in notices {
            self.ipn.dispatch(notice);
        }
    }

    /// The customer pays by `method` (hosted page, control API, STK approval), from the order's
    /// own phone or the test card.
    pub(crate) fn pay(&self, id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        let now = self.now();
        let notice = {
            let mut state = self.state();
            let payer = state.default_payer(id, method)?;
            state.pay(id, payer, now)?
        };
        self.notify(notice);
        self.order(id)
    }

    /// The customer's payment attempt by `method` fails (declined by the issuer, or on the phone).
    pub(crate) fn fail(&self, id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        let reason = match method {
            PaymentMethod::Card => test_values::CARD_DECLINED,
            PaymentMethod::Mpesa => test_values::PHONE_DECLINED,
        };
        let now = self.now();
        let notice = {
            let mut state = self.state();
            let payer = state.default_payer(id, method)?;
            state.fail(id, payer, &reason, now)?
        };
        self.notify(notice);
        self.order(id)
    }

    /// The customer pays with `instrument`; `outcome` (from the test values, or the page's
    /// "phone") decides what happens.
    pub(crate) fn attempt(
        self: &Arc<Self>,
        id: Uuid,
        instrument: &Instrument,
        outcome: Outcome,
    ) -> Result<Order, SimError> {
        let now = self.now();
        let payer = Payer::of(instrument)?;
        match outcome {
            Outcome::Approve => {
                let notice = self.state().pay(id, payer, now)?;
                self.notify(notice);
            }
            Outcome::Decline(reason) => {
                let notice = self.state().fail(id, payer, &reason, now)?;
                self.notify(notice);
            }
            Outcome::NoAnswer(reason) => self.state().unanswered(id, payer, &reason, now)?,
            Outcome::FailLater(reason) => {
                let pending = Reason { code: "", description: "Processing" };
                self.state().unanswered(id, payer.clone(), &pending, now)?;
                let engine = self.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(FAIL_LATER_AFTER).await;
                    let now = engine.now();
                    let notice = engine.state().fail(id, payer, &reason, now);
                    if let Ok(notice) = notice {
                        engine.notify(notice);
                    }
                });
            }
            Outcome::AwaitPhone => {
                let waiting = Reason { code: "", description: "Waiting for the customer's phone" };
                self.state().unanswered(id, payer, &waiting, now)?;
            }
        }
        self.order(id)
    }

    /// An STK prompt reaches the phone: a test number answers at once ([`test_values`]), any
    /// other waits for an approval.
    pub(crate) fn prompt_phone(self: &Arc<Self>, id: Uuid, msisdn: &str) {
        let outcome = test_values::phone(msisdn);
        if outcome != Outcome::AwaitPhone {
            let _ = self.attempt(id, &Instrument::Phone(msisdn.to_owned()), outcome);
        }
    }

    /// Pays with `instrument` as its test value decides ([`test_values`]).
    pub(crate) fn pay_with(self: &Arc<Self>, id: Uuid, instrument: &Instrument) -> Result<Order, SimError> {
        let outcome = match instrument {
            Instrument::Phone(phone) => test_values::phone(phone),
            Instrument::Card(number) => test_values::card(number),
        };
        self.attempt(id, instrument, outcome)
    }

    /// The payment is reversed.
    pub(crate) fn reverse(&self, id: Uuid) -> Result<Order, SimError> {
        let now = self.now();
        let notice = self.state().reverse(id, now)?;
        self.notify(notice);
        self.order(id)
    }

    /// Moves the virtual clock and makes the subscription charges that fall due.
    pub(crate) fn advance(&self, by: chrono::Duration) -> Vec<Order> {
        let now = self.clock.advance(by);
        let notices = self.state().charge_due(now);
        let charges = notices.iter().filter_map(|n| self.order(n.order_tracking_id).ok()).collect();
        self.notify(notices);
        charges
    }

    /// One order.
    pub(crate) fn order(&self, id: Uuid) -> Result<Order, SimError> {
        self.state().order(id).cloned()
    }

    /// Forgets everything: tokens, IPNs, orders, refunds, deliveries; the faults, IPN controls
    /// and clock go back to [`SimConfig`]'s, and ids start again from [`SimConfig::seed`].
    pub(crate) fn reset(&self) {
        *self.state() = State::seeded(self.config.seed);
        *lock(&self.faults) = FaultState { faults: self.config.faults.clone(), stats: FaultStats::default() };
        self.ipn.clear();
        self.clock.reset();
    }

    /// Every IPN delivery, with its attempts.
    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.ipn.deliveries()
    }

    /// Changes whenever a delivery is added or updated.
    pub(crate) fn watch_deliveries(&self) -> watch::Receiver<u64> {
        self.ipn.subscribe()
    }

    /// The IPN controls for every order, and those set for single orders.
    pub(crate) fn ipn_controls(&self) -> (IpnControls, HashMap<Uuid, IpnControls>) {
        self.ipn.controls()
    }

    /// Sets the IPN controls for every order without controls of its own.
    pub(crate) fn set_ipn_controls(&self, controls: IpnControls) {
        self.ipn.set_controls(controls);
    }

    /// Sets the IPN controls of one order.
    pub(crate) fn set_order_ipn_controls(&self, id: Uuid, controls: IpnControls) {
        self.ipn.set_order_controls(id, controls);
    }
}

//! The running simulator's shared core: state, clock, faults and deliveries, and the
//! transitions that notify the merchant.

use crate::clock::Clock;
use crate::config::SimConfig;
use crate::error::SimError;
use crate::faults::{FaultStats, Faults};
use crate::ipn::{Delivery, IpnDelivery};
use crate::ipn_http::IpnHttp;
use crate::outcomes::{self, Outcome};
use crate::state::{Notice, Order, PaymentMethod, State, mask_phone};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;
use uuid::Uuid;

/// How long a card that "fails later" ([`outcomes::CARD_FAILS_LATER`]) stays pending.
pub(crate) const FAIL_LATER_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// What the customer pays with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// An M-Pesa phone number (prompted by STK).
    Phone(String),
    /// A card number.
    Card(String),
}

/// Shared by every route and background task of one simulator.
#[derive(Debug)]
pub(crate) struct Sim {
    pub config: SimConfig,
    /// What `redirect_url`s start with.
    pub public_url: String,
    pub clock: Clock,
    pub state: Mutex<State>,
    pub faults: Mutex<(Faults, FaultStats)>,
    /// Calls the merchants' IPN URLs.
    pub ipn: Arc<IpnDelivery>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Sim {
    pub fn new(config: SimConfig, public_url: String, http: IpnHttp, shutdown: watch::Receiver<bool>) -> Sim {
        let ipn = IpnDelivery::new(&config, http, shutdown);
        let faults = Mutex::new((config.faults.clone(), FaultStats::default()));
        let state = Mutex::new(State::seeded(config.seed));
        let clock =
            Clock::starting_at(chrono::Duration::from_std(config.clock_offset).unwrap_or(chrono::Duration::MAX));
        Sim { config, public_url, clock, state, faults, ipn }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub fn faults(&self) -> MutexGuard<'_, (Faults, FaultStats)> {
        lock(&self.faults)
    }

    fn notify(&self, notices: impl IntoIterator<Item = Notice>) {
        for notice in notices {
            self.ipn.dispatch(notice);
        }
    }

    /// The customer pays (hosted page, control API, STK approval).
    pub fn pay(&self, id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        let now = self.clock.now();
        let notice = self.state().pay(id, method, now)?;
        self.notify(notice);
        self.order(id)
    }

    /// The customer's payment attempt fails.
    pub fn fail(&self, id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        let now = self.clock.now();
        let notice = self.state().fail(id, method, now)?;
        self.notify(notice);
        self.order(id)
    }

    /// The customer pays with `instrument`; `outcome` (from the test values, or the page's
    /// "phone") decides what happens.
    pub fn attempt(self: &Arc<Self>, id: Uuid, instrument: &Instrument, outcome: Outcome) -> Result<Order, SimError> {
        let now = self.clock.now();
        let (method, account) = match instrument {
            Instrument::Phone(phone) => (PaymentMethod::Mpesa, mask_phone(&outcomes::normalize_phone(phone))),
            Instrument::Card(number) => (PaymentMethod::Card, outcomes::mask_card(number)),
        };
        match outcome {
            Outcome::Approve => {
                let notice = self.state().pay_from(id, method, Some(account), now)?;
                self.notify(notice);
            }
            Outcome::Decline(reason) => {
                let notice = self.state().fail_because(id, method, account, &reason, now)?;
                self.notify(notice);
            }
            Outcome::NoAnswer(reason) => self.state().unanswered(id, method, account, &reason, now)?,
            Outcome::FailLater(reason) => {
                let pending = outcomes::Reason { code: "", description: "Processing" };
                self.state().unanswered(id, method, account.clone(), &pending, now)?;
                let sim = self.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(FAIL_LATER_AFTER).await;
                    let now = sim.clock.now();
                    let notice = sim.state().fail_because(id, method, account, &reason, now);
                    if let Ok(notice) = notice {
                        sim.notify(notice);
                    }
                });
            }
            Outcome::AwaitPhone => {
                let waiting = outcomes::Reason { code: "", description: "Waiting for the customer's phone" };
                self.state().unanswered(id, method, account, &waiting, now)?;
            }
        }
        self.order(id)
    }

    /// An STK prompt reaches the phone: a test number answers at once ([`crate::outcomes`]),
    /// any other waits for an approval.
    pub fn prompt_phone(self: &Arc<Self>, id: Uuid, msisdn: &str) {
        let outcome = outcomes::phone(msisdn);
        if outcome != Outcome::AwaitPhone {
            let _ = self.attempt(id, &Instrument::Phone(msisdn.to_owned()), outcome);
        }
    }

    /// Pays with `instrument` as its test value decides ([`crate::outcomes`]).
    pub fn pay_with(self: &Arc<Self>, id: Uuid, instrument: &Instrument) -> Result<Order, SimError> {
        let outcome = match instrument {
            Instrument::Phone(phone) => outcomes::phone(phone),
            Instrument::Card(number) => outcomes::card(number),
        };
        self.attempt(id, instrument, outcome)
    }

    /// The payment is reversed.
    pub fn reverse(&self, id: Uuid) -> Result<Order, SimError> {
        let now = self.clock.now();
        let notice = self.state().reverse(id, now)?;
        self.notify(notice);
        self.order(id)
    }

    /// Moves the virtual clock and makes the subscription charges that fall due.
    pub fn advance(&self, by: chrono::Duration) -> Vec<Order> {
        let now = self.clock.advance(by);
        let notices = self.state().charge_due(now);
        let charges = notices.iter().filter_map(|n| self.order(n.order_tracking_id).ok()).collect();
        self.notify(notices);
        charges
    }

    pub fn order(&self, id: Uuid) -> Result<Order, SimError> {
        self.state().order(id).cloned()
    }

    /// Forgets everything: tokens, IPNs, orders, refunds, deliveries; the faults, IPN controls
    /// and clock go back to [`SimConfig`]'s, and ids start again from [`SimConfig::seed`].
    pub fn reset(&self) {
        *self.state() = State::seeded(self.config.seed);
        *self.faults() = (self.config.faults.clone(), FaultStats::default());
        self.ipn.clear();
        self.clock.reset();
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.ipn.deliveries()
    }
}

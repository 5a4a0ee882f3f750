//! The running simulator's shared core: state, clock, faults and deliveries, and the
//! transitions that notify the merchant.

use crate::clock::Clock;
use crate::config::SimConfig;
use crate::error::SimError;
use crate::faults::{FaultStats, Faults};
use crate::ipn::{Delivery, IpnDelivery};
use crate::state::{Notice, Order, PaymentMethod, State};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;
use uuid::Uuid;

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
    pub fn new(config: SimConfig, public_url: String, http: reqwest::Client, shutdown: watch::Receiver<bool>) -> Sim {
        let ipn = IpnDelivery::new(&config, http, shutdown);
        let faults = Mutex::new((config.faults.clone(), FaultStats::default()));
        let state = Mutex::new(State::seeded(config.seed));
        Sim { config, public_url, clock: Clock::default(), state, faults, ipn }
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

    /// Forgets everything: tokens, IPNs, orders, refunds, deliveries, clock; the faults go back
    /// to [`SimConfig::faults`], and ids start again from [`SimConfig::seed`].
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

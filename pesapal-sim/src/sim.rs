//! The running simulator's shared core: state, clock, faults and deliveries, and the
//! transitions that notify the merchant.

use crate::clock::Clock;
use crate::config::SimConfig;
use crate::error::SimError;
use crate::faults::{FaultStats, Faults};
use crate::ipn::{self, Delivery};
use crate::state::{Notice, Order, PaymentMethod, State};
use std::sync::atomic::{AtomicU64, Ordering};
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
    deliveries: Mutex<Vec<Delivery>>,
    next_delivery: AtomicU64,
    /// Bumped on every change to the deliveries.
    pub deliveries_changed: watch::Sender<u64>,
    pub http: reqwest::Client,
    /// Becomes `true` when the simulator stops.
    pub shutdown: watch::Receiver<bool>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Sim {
    pub fn new(config: SimConfig, public_url: String, http: reqwest::Client, shutdown: watch::Receiver<bool>) -> Sim {
        let faults = Mutex::new((config.faults.clone(), FaultStats::default()));
        Sim {
            config,
            public_url,
            clock: Clock::default(),
            state: Mutex::default(),
            faults,
            deliveries: Mutex::default(),
            next_delivery: AtomicU64::new(1),
            deliveries_changed: watch::Sender::new(0),
            http,
            shutdown,
        }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub fn faults(&self) -> MutexGuard<'_, (Faults, FaultStats)> {
        lock(&self.faults)
    }

    /// The hosted payment page of an order.
    pub fn redirect_url(&self, id: Uuid) -> String {
        format!("{}/pesapaliframe/PesapalIframe3/Index?OrderTrackingId={id}", self.public_url)
    }

    fn notify(self: &Arc<Self>, notices: impl IntoIterator<Item = Notice>) {
        for notice in notices {
            ipn::dispatch(self, notice);
        }
    }

    /// The customer pays (hosted page, control API, STK approval).
    pub fn pay(self: &Arc<Self>, id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        let now = self.clock.now();
        let notice = self.state().pay(id, method, now)?;
        self.notify(notice);
        self.order(id)
    }

    /// The customer's payment attempt fails.
    pub fn fail(self: &Arc<Self>, id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        let now = self.clock.now();
        let notice = self.state().fail(id, method, now)?;
        self.notify(notice);
        self.order(id)
    }

    /// The payment is reversed.
    pub fn reverse(self: &Arc<Self>, id: Uuid) -> Result<Order, SimError> {
        let now = self.clock.now();
        let notice = self.state().reverse(id, now)?;
        self.notify(notice);
        self.order(id)
    }

    /// Moves the virtual clock and makes the subscription charges that fall due.
    pub fn advance(self: &Arc<Self>, by: chrono::Duration) -> Vec<Order> {
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
    /// to [`SimConfig::faults`].
    pub fn reset(&self) {
        *self.state() = State::default();
        *self.faults() = (self.config.faults.clone(), FaultStats::default());
        lock(&self.deliveries).clear();
        self.clock.reset();
        self.deliveries_changed.send_modify(|n| *n += 1);
    }

    pub fn next_delivery_id(&self) -> u64 {
        self.next_delivery.fetch_add(1, Ordering::Relaxed)
    }

    pub fn record_delivery(&self, delivery: Delivery) {
        lock(&self.deliveries).push(delivery);
        self.deliveries_changed.send_modify(|n| *n += 1);
    }

    pub fn update_delivery(&self, id: u64, change: impl FnOnce(&mut Delivery)) {
        if let Some(delivery) = lock(&self.deliveries).iter_mut().find(|d| d.id == id) {
            change(delivery);
        }
        self.deliveries_changed.send_modify(|n| *n += 1);
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.deliveries).clone()
    }
}

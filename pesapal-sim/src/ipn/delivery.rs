//! The deliveries: one background task per notification, retried with doubling backoff until
//! the merchant acknowledges, every attempt recorded, as the [`IpnControls`] in force say.

use super::call::{Attempt, call};
use super::client::IpnHttp;
use super::controls::IpnControls;
use crate::config::SimConfig;
use crate::http::server::stopped;
use crate::lock::lock;
use crate::model::ipn::{IpnHttpMethod, Notice};
use pesapal_gen::types::NotificationType;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// One notification and its delivery attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The simulator's id of the delivery.
    pub id: u64,
    /// The tracking id sent.
    pub order_tracking_id: Uuid,
    /// The merchant reference sent (the account number for `RECURRING`).
    pub merchant_reference: String,
    /// The notification type sent.
    pub notification_type: NotificationType,
    /// The merchant's URL.
    pub url: String,
    /// GET or POST.
    pub method: IpnHttpMethod,
    /// The merchant answered with the expected acknowledgement.
    pub acknowledged: bool,
    /// No more attempts will be made (acknowledged, or attempts exhausted).
    pub finished: bool,
    /// Every call made, in order.
    pub attempts: Vec<Attempt>,
    /// Never delivered, by [`IpnControls::drop`] (also `finished`, with no attempts).
    pub dropped: bool,
    /// A repeat, by [`IpnControls::duplicates`], of the delivery with this id.
    pub duplicate_of: Option<u64>,
    /// Held back, by [`IpnControls::out_of_order`], until the order's next notification is
    /// delivered.
    pub held: bool,
}

/// Delivers IPNs: one background task per notification, every attempt recorded. Owned by the
/// simulator; knows nothing of its state.
#[derive(Debug)]
pub(crate) struct IpnDelivery {
    http: IpnHttp,
    max_attempts: u32,
    backoff: Duration,
    timeout: Duration,
    deliveries: Mutex<Vec<Delivery>>,
    next_id: AtomicU64,
    /// Bumped on every change to the deliveries.
    changed: watch::Sender<u64>,
    /// Becomes `true` when the simulator stops: pending retries are abandoned.
    shutdown: watch::Receiver<bool>,
    /// The controls for every order, and those set for one order.
    controls: Mutex<(IpnControls, HashMap<Uuid, IpnControls>)>,
    /// The controls for every order at the start and after a reset ([`SimConfig::ipn_controls`]).
    initial_controls: IpnControls,
    /// Notifications held back by `out_of_order`, per order.
    held: Mutex<HashMap<Uuid, Vec<(u64, Notice)>>>,
}

impl IpnDelivery {
    /// Calls with `http`, up to `config.ipn_max_attempts` times, until `shutdown`.
    pub(crate) fn new(config: &SimConfig, http: IpnHttp, shutdown: watch::Receiver<bool>) -> Arc<IpnDelivery> {
        Arc::new(IpnDelivery {
            http,
            max_attempts: config.ipn_max_attempts.max(1),
            backoff: config.ipn_backoff,
            timeout: config.ipn_timeout,
            deliveries: Mutex::default(),
            next_id: AtomicU64::new(1),
            changed: watch::Sender::new(0),
            shutdown,
            controls: Mutex::new((config.ipn_controls.clone(), HashMap::new())),
            initial_controls: config.ipn_controls.clone(),
            held: Mutex::default(),
        })
    }

    fn log(&self) -> MutexGuard<'_, Vec<Delivery>> {
        lock(&self.deliveries)
    }

    fn update(&self, id: u64, change: impl FnOnce(&mut Delivery)) {
        if let Some(delivery) = self.log().iter_mut().find(|d| d.id == id) {
            change(delivery);
        }
        self.changed.send_modify(|n| *n += 1);
    }

    /// Every delivery so far, oldest first.
    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.log().clone()
    }

    /// Changes whenever a delivery is added or updated.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The controls for every order, and those set for single orders.
    pub(crate) fn controls(&self) -> (IpnControls, HashMap<Uuid, IpnControls>) {
        lock(&self.controls).clone()
    }

    /// Sets the controls for every order without controls of its own.
    pub(crate) fn set_controls(&self, controls: IpnControls) {
        lock(&self.controls).0 = controls;
    }

    /// Sets the controls of one order.
    pub(crate) fn set_order_controls(&self, order: Uuid, controls: IpnControls) {
        lock(&self.controls).1.insert(order, controls);
    }

    fn controls_for(&self, order: Uuid) -> IpnControls {
        let controls = lock(&self.controls);
        controls.1.get(&order).unwrap_or(&controls.0).clone()
    }

    /// Forgets every delivery, control and held notification (tasks still running go on,
    /// unrecorded); the controls for every order go back to the initial ones.
    pub(crate) fn clear(&self) {
        *lock(&self.controls) = (self.initial_controls.clone(), HashMap::new());
        lock(&self.held).clear();
        self.log().clear();
        self.changed.send_modify(|n| *n += 1);
    }

    /// Starts delivering a notification in the background, as the order's controls say.
    pub(crate) fn dispatch(self: &Arc<Self>, notice: Notice) {
        let controls = self.controls_for(notice.order_tracking_id);
        let first = self.record(&notice, None);
        let ids: Vec<u64> =
            std::iter::once(first).chain((0..controls.duplicates).map(|_| self.record(&notice, Some(first)))).collect();
        if controls.drop {
            for id in ids {
                self.update(id, |d| {
                    d.dropped = true;
                    d.finished = true;
                });
            }
            return;
        }
        let delay = Duration::from_millis(controls.delay_ms);
        if controls.out_of_order {
            let mut held = lock(&self.held);
            let waiting = held.entry(notice.order_tracking_id).or_default();
            if waiting.is_empty() {
                // Held until the order's next notification is delivered.
                waiting.extend(ids.iter().map(|&id| (id, notice.clone())));
                drop(held);
                for id in ids {
                    self.update(id, |d| d.held = true);
                }
                return;
            }
        }
        for id in ids {
            self.spawn(id, notice.clone(), delay, controls.out_of_order);
        }
    }

    fn record(&self, notice: &Notice, duplicate_of: Option<u64>) -> u64 {
        let delivery = Delivery {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            order_tracking_id: notice.order_tracking_id,
            merchant_reference: notice.merchant_reference.clone(),
            notification_type: notice.notification_type,
            url: notice.ipn.url.clone(),
            method: notice.ipn.method,
            acknowledged: false,
            finished: false,
            attempts: Vec::new(),
            dropped: false,
            duplicate_of,
            held: false,
        };
        let id = delivery.id;
        self.log().push(delivery);
        self.changed.send_modify(|n| *n += 1);
        id
    }

    /// Delivers in the background; then, with `release`, the order's held notifications.
    fn spawn(self: &Arc<Self>, id: u64, notice: Notice, delay: Duration, release: bool) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut shutdown = this.shutdown.clone();
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = stopped(&mut shutdown) => return,
            }
            this.deliver(id, &notice).await;
            if release {
                let held = lock(&this.held).remove(&notice.order_tracking_id).unwrap_or_default();
                for (id, notice) in held {
                    this.spawn(id, notice, Duration::ZERO, false);
                }
            }
        });
    }

    /// Calls until acknowledged or out of attempts, recording each call.
    async fn deliver(&self, id: u64, notice: &Notice) {
        let mut shutdown = self.shutdown.clone();
        let mut backoff = self.backoff;
        for number in 1..=self.max_attempts {
            let attempt = call(&self.http, self.timeout, notice, number).await;
            let acknowledged = attempt.acknowledged;
            let last = acknowledged || number == self.max_attempts;
            self.update(id, |d| {
                d.attempts.push(attempt);
                d.acknowledged = acknowledged;
                d.finished = last;
            });
            if last {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = stopped(&mut shutdown) => return,
            }
            backoff = backoff.saturating_mul(2);
        }
    }
}

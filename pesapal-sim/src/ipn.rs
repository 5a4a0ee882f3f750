//! IPN delivery: calls the merchant's registered URL (GET with a query, or POST with a JSON
//! body), retries with doubling backoff until the merchant acknowledges, and records every
//! attempt. [`IpnControls`], globally or per order, delay, duplicate, drop or reorder
//! deliveries, so that merchants can test what real notification delivery does to them.

use crate::config::SimConfig;
use crate::ipn_http::IpnHttp;
use crate::state::{IpnMethod, Notice};
use crate::wire;
use chrono::{DateTime, Utc};
use pesapal_gen::types::{self, NotificationType};
use serde::{Deserialize, Serialize};
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
    pub method: IpnMethod,
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

/// How IPNs are delivered, for every order ([`crate::Simulator::set_ipn_controls`],
/// `PUT /_sim/ipn/controls`) or one ([`crate::Simulator::set_order_ipn_controls`],
/// `PUT /_sim/orders/{id}/ipn`). All off by default: each notification delivered once, at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IpnControls {
    /// Wait this long (real time, milliseconds) before the first call.
    pub delay_ms: u64,
    /// Deliver each notification this many extra times (each a delivery of its own).
    pub duplicates: u32,
    /// Never deliver (the delivery is recorded as dropped).
    pub drop: bool,
    /// Deliver each notification only after the order's next one: a FAILED attempt's
    /// notification then arrives after the COMPLETED one that followed it.
    pub out_of_order: bool,
}

/// One call to the merchant's IPN URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// 1 for the first call.
    pub number: u32,
    /// When it was made (real time).
    pub at: DateTime<Utc>,
    /// The merchant's HTTP status, if it answered.
    pub http_status: Option<u16>,
    /// The merchant's body (at most 2 KiB), if it answered.
    pub body: Option<String>,
    /// Why the call failed or was not acknowledged.
    pub error: Option<String>,
    /// The answer was the expected acknowledgement.
    pub acknowledged: bool,
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
    pub fn new(config: &SimConfig, http: IpnHttp, shutdown: watch::Receiver<bool>) -> Arc<IpnDelivery> {
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
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.log().clone()
    }

    /// Changes whenever a delivery is added or updated.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The controls for every order, and those set for single orders.
    pub fn controls(&self) -> (IpnControls, HashMap<Uuid, IpnControls>) {
        lock(&self.controls).clone()
    }

    /// Sets the controls for every order without controls of its own.
    pub fn set_controls(&self, controls: IpnControls) {
        lock(&self.controls).0 = controls;
    }

    /// Sets the controls of one order.
    pub fn set_order_controls(&self, order: Uuid, controls: IpnControls) {
        lock(&self.controls).1.insert(order, controls);
    }

    fn controls_for(&self, order: Uuid) -> IpnControls {
        let controls = lock(&self.controls);
        controls.1.get(&order).unwrap_or(&controls.0).clone()
    }

    /// Forgets every delivery, control and held notification (tasks still running go on,
    /// unrecorded); the controls for every order go back to the initial ones.
    pub fn clear(&self) {
        *lock(&self.controls) = (self.initial_controls.clone(), HashMap::new());
        lock(&self.held).clear();
        self.log().clear();
        self.changed.send_modify(|n| *n += 1);
    }

    /// Starts delivering a notification in the background, as the order's controls say.
    pub fn dispatch(self: &Arc<Self>, notice: Notice) {
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
                () = crate::server::stopped(&mut shutdown) => return,
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
            let attempt = self.call(notice, number).await;
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
                () = crate::server::stopped(&mut shutdown) => return,
            }
            backoff = backoff.saturating_mul(2);
        }
    }

    async fn call(&self, notice: &Notice, number: u32) -> Attempt {
        let at = Utc::now();
        let failed = |error: String| Attempt {
            number,
            at,
            http_status: None,
            body: None,
            error: Some(error),
            acknowledged: false,
        };
        let notification =
            match wire::notification(notice.order_tracking_id, &notice.merchant_reference, notice.notification_type) {
                Ok(notification) => notification,
                Err(e) => return failed(format!("cannot build the notification: {e}")),
            };
        // The spec's IPN call: the notification's parameters in the query (GET) or as a JSON body (POST).
        let request = match notice.ipn.method {
            IpnMethod::Get => self.http.client().get(&notice.ipn.url).query(&notification),
            IpnMethod::Post => self.http.client().post(&notice.ipn.url).json(&notification),
        };
        let response = match request.timeout(self.timeout).send().await {
            Ok(response) => response,
            Err(e) => return failed(self.http.failure(&notice.ipn.url, &e)),
        };
        let status = response.status().as_u16();
        let body = match response.text().await {
            Ok(body) => body,
            Err(e) => return failed(format!("unreadable answer: {e}")),
        };
        let error = acknowledgement_problem(notice, status, &body);
        let mut kept = body;
        if kept.len() > 2048 {
            let mut end = 2048;
            while !kept.is_char_boundary(end) {
                end -= 1;
            }
            kept.truncate(end);
        }
        Attempt { number, at, http_status: Some(status), body: Some(kept), acknowledged: error.is_none(), error }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Why an answer is not the acknowledgement Pesapal expects, or `None` if it is.
fn acknowledgement_problem(notice: &Notice, http_status: u16, body: &str) -> Option<String> {
    if http_status != 200 {
        return Some(format!("HTTP {http_status}"));
    }
    let ack: types::IpnAcknowledgement = match serde_json::from_str(body) {
        Ok(ack) => ack,
        Err(e) => return Some(format!("the answer is not the acknowledgement: {e}")),
    };
    if !ack.order_notification_type.eq_ignore_ascii_case(&notice.notification_type.to_string()) {
        return Some(format!("the notification type echoed is {:?}", ack.order_notification_type));
    }
    if !ack.order_tracking_id.eq_ignore_ascii_case(&notice.order_tracking_id.to_string()) {
        return Some(format!("the tracking id echoed is {:?}", ack.order_tracking_id));
    }
    if ack.order_merchant_reference != notice.merchant_reference {
        return Some(format!("the merchant reference echoed is {:?}", ack.order_merchant_reference));
    }
    match *ack.status {
        200 => None,
        other => Some(format!("status is {other}, not 200: the merchant failed to process it")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Ipn;

    #[test]
    fn only_the_exact_acknowledgement_counts() {
        let id = Uuid::new_v4();
        let notice = Notice {
            order_tracking_id: id,
            merchant_reference: "R-1".into(),
            notification_type: NotificationType::Ipnchange,
            ipn: Ipn { id, url: "http://x".into(), method: IpnMethod::Get, created_at: Utc::now() },
        };
        let ack = |status: &str| {
            format!(
                r#"{{"orderNotificationType":"IPNCHANGE","orderTrackingId":"{id}","orderMerchantReference":"R-1","status":{status}}}"#
            )
        };
        assert_eq!(acknowledgement_problem(&notice, 200, &ack("200")), None);
        assert!(acknowledgement_problem(&notice, 200, &ack("500")).is_some());
        assert!(acknowledgement_problem(&notice, 500, &ack("200")).is_some());
        assert!(acknowledgement_problem(&notice, 200, "OK").is_some());
        assert!(acknowledgement_problem(&notice, 200, &ack("201")).is_some());
        let other_reference = ack("200").replace("R-1", "R-2");
        assert!(acknowledgement_problem(&notice, 200, &other_reference).is_some());
        assert!(acknowledgement_problem(&notice, 200, &ack("201")).is_some());
        let other_reference = ack("200").replace("R-1", "R-2");
        assert!(acknowledgement_problem(&notice, 200, &other_reference).is_some());
    }
}

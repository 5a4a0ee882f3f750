//! The simulator as a program sees it: [`Simulator`] starts one on a loopback port and acts on it
//! in-process, as the control API does over HTTP.

use crate::config::SimConfig;
use crate::engine::Engine;
use crate::error::{SimError, StartError};
use crate::http::faults::{FaultStats, Faults};
use crate::http::{api, control, server, unserved};
use crate::ipn::{Delivery, IpnControls, IpnHttp};
use crate::model::instruments::{Instrument, PaymentMethod};
use crate::model::ipn::Ipn;
use crate::model::order::{Order, Refund};
use crate::pages;
use axum::Router;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// A running simulator. It stops when dropped or on [`Simulator::shutdown`].
pub struct Simulator {
    engine: Arc<Engine>,
    address: SocketAddr,
    serving: server::Serving,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.engine.public_url())
            .field("consumer_key", &self.engine.config().consumer_key)
            .field("consumer_secret", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Why waiting for IPN deliveries ended without the expected ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("timed out after {waited:?}: {seen} matching deliveries finished, {wanted} wanted")]
pub struct WaitTimeout {
    /// How long it waited.
    pub waited: Duration,
    /// Matching finished deliveries seen.
    pub seen: usize,
    /// Matching finished deliveries wanted.
    pub wanted: usize,
}

/// Every route of a simulator: Pesapal's API, the control API under `/_sim`, the payment page
/// and the inspector; anything else, and a method a route does not serve, answered as Pesapal's
/// Web API answers it.
fn app(engine: Arc<Engine>) -> Router {
    Router::new()
        .merge(api::router(engine.clone()))
        .merge(control::router())
        .merge(pages::router(&engine))
        .fallback(unserved::not_found)
        .method_not_allowed_fallback(unserved::method_not_allowed)
        .with_state(engine)
}

impl Simulator {
    /// Starts a simulator on a free loopback port with fresh credentials.
    pub async fn start() -> Result<Simulator, StartError> {
        Simulator::start_with(SimConfig::default()).await
    }

    /// Starts a simulator with the given settings.
    pub async fn start_with(config: SimConfig) -> Result<Simulator, StartError> {
        let address = SocketAddr::new(config.host, config.port);
        let listener =
            tokio::net::TcpListener::bind(address).await.map_err(|source| StartError::Bind { address, source })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind { address, source })?;
        let public_url = config.public_url.clone().map_or_else(
            || {
                let host =
                    if address.ip().is_unspecified() { "127.0.0.1".to_owned() } else { address.ip().to_string() };
                let host = if address.is_ipv6() && !address.ip().is_unspecified() { format!("[{host}]") } else { host };
                format!("http://{host}:{}", address.port())
            },
            |url| url.trim_end_matches('/').to_owned(),
        );
        let http = IpnHttp::shared()?;
        let (stop, stopped) = watch::channel(false);
        let engine = Arc::new(Engine::new(config, public_url, http, stopped.clone()));
        let app = app(engine.clone());
        let serving = server::Serving::new(stop, tokio::spawn(server::serve(listener, app, stopped)));
        Ok(Simulator { engine, address, serving })
    }

    /// The base URL to give a Pesapal client, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        self.engine.public_url()
    }

    /// The address the simulator listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The consumer key RequestToken accepts.
    pub fn consumer_key(&self) -> &str {
        &self.engine.config().consumer_key
    }

    /// The consumer secret RequestToken accepts.
    pub fn consumer_secret(&self) -> &str {
        &self.engine.config().consumer_secret
    }

    /// The hosted payment page of an order (its `redirect_url`).
    pub fn payment_page_url(&self, order_tracking_id: Uuid) -> String {
        self.engine.payment_page_url(self.engine.public_url(), order_tracking_id)
    }

    /// The customer pays (pending or failed → completed, with a new confirmation code).
    pub fn pay(&self, order_tracking_id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        self.engine.pay(order_tracking_id, method)
    }

    /// The customer's payment attempt fails (pending or failed → failed).
    pub fn fail(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.engine.fail(order_tracking_id, PaymentMethod::Card)
    }

    /// The customer approves an STK prompt on the phone (pays by M-Pesa).
    pub fn approve_stk(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.engine.pay(order_tracking_id, PaymentMethod::Mpesa)
    }

    /// The customer pays with a phone number or a card number, whose test value decides the
    /// outcome ([`crate::test_values`]): approved, declined, unanswered (stays pending), fails later, or
    /// (any other phone) waits for [`Simulator::approve_stk`].
    pub fn pay_with(&self, order_tracking_id: Uuid, instrument: &Instrument) -> Result<Order, SimError> {
        self.engine.pay_with(order_tracking_id, instrument)
    }

    /// How IPNs are delivered for every order without controls of its own: delay, duplicates,
    /// drop, out of order ([`IpnControls`]).
    pub fn set_ipn_controls(&self, controls: IpnControls) {
        self.engine.set_ipn_controls(controls);
    }

    /// How IPNs about one order are delivered ([`IpnControls`]).
    pub fn set_order_ipn_controls(&self, order_tracking_id: Uuid, controls: IpnControls) {
        self.engine.set_order_ipn_controls(order_tracking_id, controls);
    }

    /// A completed payment is reversed.
    pub fn reverse(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.engine.reverse(order_tracking_id)
    }

    /// One order as the simulator keeps it.
    pub fn order(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.engine.order(order_tracking_id)
    }

    /// Every registered IPN URL, oldest first.
    pub fn ipns(&self) -> Vec<Ipn> {
        self.engine.state().ipns().to_vec()
    }

    /// Every order (subscription charges included), oldest first.
    pub fn orders(&self) -> Vec<Order> {
        self.engine.state().orders().to_vec()
    }

    /// Accepted refund requests.
    pub fn refunds(&self) -> Vec<Refund> {
        self.engine.state().refunds().to_vec()
    }

    /// Moves the virtual clock forward (tokens expire, subscriptions charge); returns the
    /// charges made.
    pub fn advance_clock(&self, by: Duration) -> Vec<Order> {
        self.engine.advance(chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX))
    }

    /// The simulator's current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.engine.now()
    }

    /// Every IPN delivery, with its attempts.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.engine.deliveries()
    }

    /// Waits until at least `wanted` deliveries matching `filter` are finished (acknowledged or
    /// given up), at most `timeout`; returns them.
    pub async fn wait_for_deliveries(
        &self,
        wanted: usize,
        timeout: Duration,
        filter: impl Fn(&Delivery) -> bool,
    ) -> Result<Vec<Delivery>, WaitTimeout> {
        let mut changes = self.engine.watch_deliveries();
        let matching = || self.engine.deliveries().into_iter().filter(|d| d.finished && filter(d)).collect::<Vec<_>>();
        let waited = tokio::time::timeout(timeout, async {
            loop {
                let found = matching();
                if found.len() >= wanted {
                    return found;
                }
                if changes.changed().await.is_err() {
                    return found;
                }
            }
        })
        .await;
        match waited {
            Ok(found) if found.len() >= wanted => Ok(found),
            Ok(found) => Err(WaitTimeout { waited: timeout, seen: found.len(), wanted }),
            Err(_) => Err(WaitTimeout { waited: timeout, seen: matching().len(), wanted }),
        }
    }

    /// Sets the faults to inject from now on (replacing the previous ones).
    pub fn set_faults(&self, faults: Faults) {
        self.engine.set_faults(faults);
    }

    /// Faults injected so far.
    pub fn fault_stats(&self) -> FaultStats {
        self.engine.faults().1
    }

    /// Tokens issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.engine.state().tokens().issued()
    }

    /// Tokens revoked by [`Faults::revoke_tokens_after`] so far.
    pub fn tokens_revoked(&self) -> u64 {
        self.engine.state().tokens().revoked()
    }

    /// Forgets everything: tokens, IPNs, orders, refunds, deliveries; faults, IPN controls and
    /// clock go back to [`SimConfig`]'s.
    pub fn reset(&self) {
        self.engine.reset();
    }

    /// Stops serving and waits for the accept loop to end.
    pub async fn shutdown(self) {
        self.serving.shutdown().await;
    }

    /// Serves until Ctrl-C (for the binary).
    pub async fn run_until_ctrl_c(self) {
        self.serving.run_until_ctrl_c().await;
    }
}

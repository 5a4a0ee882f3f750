#![doc = include_str!("../README.md")]
//!
//! # Reference
//!
//! From a clone of the repository, the server is `cargo run -p pesapal-sim -- --port 8080`.
//! The binary is also a recorder in front of a real Pesapal, to grow the conformance corpus from the wire:
//! `cargo run -p pesapal-sim -- record --upstream https://cybqa.pesapal.com/pesapalv3 --out
//! tests/corpus` (see [`recorder`]).
//!
//! What the real API sends, with sources, and what this simulator does about each fact, is in
//! [`docs/WIRE.md`](https://github.com/pesapal-rs/pesapal-rs/blob/main/docs/WIRE.md).
//!
//! # Behaviour
//!
//! Answers follow the real API's recorded shapes: `status` as a string, errors as HTTP 200 with
//! `"status":"500"` and an `error` object (`invalid_request_error` for a malformed request,
//! `invalid_url` for an unusable IPN URL), HTTP 401 without `status` for a bad or expired
//! bearer token, `expiryDate` in UTC with seven fractional digits, GetTransactionStatus
//! `created_date` in offset-less East Africa Time with every recorded key (`account_number`
//! included), amounts as JSON numbers, and `payment_details_not_found` while an order is unpaid.
//! RefundRequest and CancelOrder answer as recorded: success without an `error` key
//! (`{"status":"200","message":"Refund request successfully"}`, `{"status":"200","message":"Order
//! successfully cancelled."}`), refusals with only `status` and `message` (a malformed request
//! gets the error object). Card payments report `payment_method` "Visa" or "MasterCard", a
//! 22-digit confirmation code and the card as `476173XXXXXX0010`; M-Pesa "MpesaKE", a
//! 10-character code and the phone as `2547xxx18241`. Paths are case-insensitive under `/api/`.
//!
//! Tokens are JWTs signed with HS256 by a key of each simulator, with Pesapal's claims
//! (`…/claims/userdata`, `uid`, `nbf`, `iat`, `exp`, `iss`, `aud`); `exp` is `expiryDate`, to
//! the second. The simulator checks the signature, expiry and revocation of every token shown.
//!
//! # Limits
//!
//! Bodies over 64 KiB, free-text fields over 255 characters where Pesapal documents no length
//! (names, address lines, email, phone, account number, refund fields), URLs over 2048
//! characters or with surrounding spaces or control characters, and amounts that round to 0.00
//! are refused as malformed requests, in the operation's own answer shape, so that what the
//! simulator keeps stays bounded. Documented lengths (`id` 50, `description` 100) are checked by
//! the generated types; `postal_code` and `zip_code` may be strings or integers, as documented.
//!
//! Orders move pending → completed / failed; failed may still complete (with a new confirmation
//! code); completed may be reversed. CancelOrder accepts pending or failed orders, once.
//! RefundRequest follows Pesapal's refund page: COMPLETED payments only; mobile money in full
//! only, cards also in part (never more than paid, never zero after rounding: "Invalid amount
//! provided. Please check your transaction details"); once per payment: a second request is
//! answered, as the sandbox does, HTTP 200
//! `{"status":"500","message":"Refund request has been received already"}`. Recurring orders (`account_number` + `subscription_details`) are
//! charged at `start_date + k·frequency` (k ≥ 1, up to `end_date`) when
//! [`Simulator::advance_clock`] passes those dates, once their first payment completed; each
//! charge is a new completed order announced by a `RECURRING` IPN whose merchant reference is
//! the account number.
//!
//! # Error codes
//!
//! Where Pesapal's code is not documented the simulator picks one: see [`SimError::code`]
//! (`invalid_api_request_parameters`, `invalid_url`, `missing_mandatory_billing_address`,
//! `invalid_consumer_key_or_secret_provided`, `invalid_ipn_id`, `invalid_order_tracking_id`,
//! `payment_details_not_found`). RefundRequest's and CancelOrder's refusals carry no code, as
//! the sandbox's. A refused bearer token answers HTTP 401 with code
//! `invalid_api_credentials_provided`.
//!
//! # Hosted payment page
//!
//! An order's `redirect_url` is `{base}/pesapaliframe/PesapalIframe3/Index?` with the order's tracking id
//! (the sandbox's path; `/iframe/PesapalIframe3/Index`, the live one, with
//! [`SimConfig::environment`] [`Environment::Live`] or `--environment live`):
//! it shows the merchant reference, amount, currency and description, and offers "Pay with
//! M-Pesa", "Pay with card" and "Cancel" (which leaves the order pending). M-Pesa asks for the
//! phone number (prefilled from the billing address), sends the prompt and waits for the
//! simulated phone: approve, decline, or no answer (the order stays pending, as an STK prompt
//! that times out). Card asks for the card details. The page then sends the browser to the
//! order's `callback_url` (the `cancellation_url` for "Cancel", when given) with the spec's
//! notification parameters ([`pesapal_gen::notification_parameters`], notification type `CALLBACKURL`).
//!
//! # Test values
//!
//! Card and phone numbers decide outcomes on purpose, on the page, in an STK push's `msisdn`,
//! through [`Simulator::pay_with`] or `POST /_sim/orders/{id}/pay` with `{"phone":…}` or
//! `{"card":…}`: see [`outcomes`] for the numbers and the `payment_status_code` and
//! `description` each ends in.
//!
//! # Reproducible runs
//!
//! [`SimConfig::seed`] (`--seed N`) draws tracking ids, IPN ids, confirmation codes and tokens
//! from one seeded generator: the same seed and the same calls give the same ids.
//!
//! # IPN delivery
//!
//! Each status change (completed, failed, reversed, recurring charge) calls the order's
//! registered IPN URL: GET with the three parameters in the query, or POST with them in a JSON
//! body ([`pesapal_gen::notification_parameters`]). A call counts only if the merchant answers HTTP 200 with the
//! acknowledgement ([`pesapal_gen::types::IpnAcknowledgement`]) and status 200;
//! otherwise it is retried after [`SimConfig::ipn_backoff`], doubled each time, up to
//! [`SimConfig::ipn_max_attempts`] calls. Every attempt is recorded ([`Simulator::deliveries`],
//! `GET /_sim/ipn/deliveries`).
//!
//! [`IpnControls`], for every order or one, delay deliveries, repeat them, drop them (never
//! delivered) or deliver them out of order (each of an order's notifications waits for the
//! next one, so that a FAILED attempt's notification arrives after the COMPLETED one).
//!
//! # Inspector
//!
//! `GET /_sim/` is a page for a browser: orders with their state and the actions it allows,
//! IPN deliveries with every attempt and the merchant's answer, refunds, tokens, faults and IPN
//! controls in force, and the clock with an "advance" control.
//!
//! # Built on the spec
//!
//! Routes come from the spec's operations ([`pesapal_gen::Operation`]), request bodies are
//! decoded (and checked: lengths, patterns, enums) by the generated types, answers are built
//! with them, and the IPN call, its acknowledgement and the browser callback use the spec's
//! callback types. The simulator never uses `pesapal-api`: it is an independent model of
//! Pesapal. [`SimConfig::answer_observer`] sees every API answer as sent; the simulator's own
//! tests check each one against the spec with the strict conformance checker.
//!
//! # Control API
//!
//! Under `/_sim`, a prefix Pesapal does not use; the methods of [`Simulator`] do the same
//! in-process. Its OpenAPI 3.0 description is served at `GET /_sim/openapi.json` (and committed
//! as `spec/pesapal-sim-control.openapi.json`): the control routes are built from it, so any
//! language can generate a client for them.
//!
//! | Method and path | Effect |
//! |---|---|
//! | `GET /_sim` | base URL, consumer key, clock |
//! | `GET /_sim/orders`, `GET /_sim/orders/{id}` | orders as the simulator keeps them |
//! | `GET /_sim/` | the inspector page (HTML) |
//! | `GET /_sim/openapi.json` | this API's OpenAPI description |
//! | `POST /_sim/orders/{id}/pay` | body `{"method":"mpesa"}` (default) or `{"method":"card"}`; or a test value `{"phone":…}` / `{"card":…}` |
//! | `POST /_sim/orders/{id}/fail` | the payment attempt fails |
//! | `POST /_sim/orders/{id}/reverse` | a completed payment is reversed |
//! | `POST /_sim/orders/{id}/approve` | the customer approves an STK prompt (pays by M-Pesa) |
//! | `POST /_sim/orders/{id}/decline` | the customer declines it (failed, `1032`) |
//! | `PUT /_sim/orders/{id}/ipn` | [`IpnControls`] for this order's IPNs |
//! | `GET /_sim/clock`, `POST /_sim/clock/advance` | body `{"seconds":N}`; makes due subscription charges |
//! | `GET /_sim/ipn/deliveries` | every IPN delivery and its attempts |
//! | `GET /_sim/ipn/controls`, `PUT /_sim/ipn/controls` | [`IpnControls`] for every order |
//! | `GET /_sim/refunds` | accepted refund requests |
//! | `GET /_sim/faults`, `PUT /_sim/faults` | the [`Faults`] in force (PUT replaces them), counts |
//! | `POST /_sim/reset` | forget everything |
//!
//! # Faults
//!
//! [`Faults`] (from [`SimConfig::faults`], [`Simulator::set_faults`] or `PUT /_sim/faults`):
//! latency, injected HTTP errors, connections dropped before the request is processed, and
//! **lost answers** (`lose_answer_rate`, `lose_answer_next`): the request is processed (the
//! order created, the refund recorded, …) and the connection then closes without the answer,
//! on any API operation, so that tests meet "Pesapal did it, and the answer was lost".
//!
//! Control errors answer `{"error":code,"message":…}` with HTTP 404 (unknown order), 400 (bad
//! input) or 409 (a transition the order's state does not allow).

mod base_url;
mod clock;
mod config;
mod error;
mod faults;
mod inspector;
mod ipn;
mod ipn_http;
mod machine;
pub mod outcomes;
mod page;
pub mod recorder;
mod routes;
mod server;
mod sim;
mod state;
mod token;
mod wire;

pub use config::{AnswerObserver, Environment, ObservedAnswer, SimConfig};
pub use error::{SimError, StartError, TokenRefusal};
pub use faults::{FaultStats, Faults};
pub use ipn::{Attempt, Delivery, IpnControls};
pub use machine::{OrderStatus, Transition};
/// The notification type, as the spec declares it.
pub use pesapal_gen::types::NotificationType;
pub use recorder::{Recorder, RecorderConfig, RecorderError};
pub use sim::Instrument;
pub use state::{Frequency, Ipn, IpnMethod, Order, OrderKind, Payment, PaymentMethod, Refund, Schedule};

use sim::Sim;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// A running simulator. It stops when dropped or on [`Simulator::shutdown`].
pub struct Simulator {
    sim: Arc<Sim>,
    address: SocketAddr,
    serving: server::Serving,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.sim.public_url)
            .field("consumer_key", &self.sim.config.consumer_key)
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
        let http = ipn_http::IpnHttp::shared()?;
        let (stop, stopped) = watch::channel(false);
        let sim = Arc::new(Sim::new(config, public_url, http, stopped.clone()));
        let app = routes::app(sim.clone());
        let serving = server::Serving::new(stop, tokio::spawn(server::serve(listener, app, stopped)));
        Ok(Simulator { sim, address, serving })
    }

    /// The base URL to give a Pesapal client, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.sim.public_url
    }

    /// The address the simulator listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The consumer key RequestToken accepts.
    pub fn consumer_key(&self) -> &str {
        &self.sim.config.consumer_key
    }

    /// The consumer secret RequestToken accepts.
    pub fn consumer_secret(&self) -> &str {
        &self.sim.config.consumer_secret
    }

    /// The hosted payment page of an order (its `redirect_url`).
    pub fn payment_page_url(&self, order_tracking_id: Uuid) -> String {
        page::redirect_url(&self.sim.public_url, &self.sim, order_tracking_id)
    }

    /// The customer pays (pending or failed → completed, with a new confirmation code).
    pub fn pay(&self, order_tracking_id: Uuid, method: PaymentMethod) -> Result<Order, SimError> {
        self.sim.pay(order_tracking_id, method)
    }

    /// The customer's payment attempt fails (pending or failed → failed).
    pub fn fail(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.sim.fail(order_tracking_id, PaymentMethod::Card)
    }

    /// The customer approves an STK prompt on the phone (pays by M-Pesa).
    pub fn approve_stk(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.sim.pay(order_tracking_id, PaymentMethod::Mpesa)
    }

    /// The customer pays with a phone number or a card number, whose test value decides the
    /// outcome ([`outcomes`]): approved, declined, unanswered (stays pending), fails later, or
    /// (any other phone) waits for [`Simulator::approve_stk`].
    pub fn pay_with(&self, order_tracking_id: Uuid, instrument: &Instrument) -> Result<Order, SimError> {
        self.sim.pay_with(order_tracking_id, instrument)
    }

    /// How IPNs are delivered for every order without controls of its own: delay, duplicates,
    /// drop, out of order ([`IpnControls`]).
    pub fn set_ipn_controls(&self, controls: IpnControls) {
        self.sim.ipn.set_controls(controls);
    }

    /// How IPNs about one order are delivered ([`IpnControls`]).
    pub fn set_order_ipn_controls(&self, order_tracking_id: Uuid, controls: IpnControls) {
        self.sim.ipn.set_order_controls(order_tracking_id, controls);
    }

    /// A completed payment is reversed.
    pub fn reverse(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.sim.reverse(order_tracking_id)
    }

    /// One order as the simulator keeps it.
    pub fn order(&self, order_tracking_id: Uuid) -> Result<Order, SimError> {
        self.sim.order(order_tracking_id)
    }

    /// Every order (subscription charges included), oldest first.
    pub fn orders(&self) -> Vec<Order> {
        self.sim.state().orders()
    }

    /// Accepted refund requests.
    pub fn refunds(&self) -> Vec<Refund> {
        self.sim.state().refunds.clone()
    }

    /// Moves the virtual clock forward (tokens expire, subscriptions charge); returns the
    /// charges made.
    pub fn advance_clock(&self, by: Duration) -> Vec<Order> {
        self.sim.advance(chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX))
    }

    /// The simulator's current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.sim.clock.now()
    }

    /// Every IPN delivery, with its attempts.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.sim.deliveries()
    }

    /// Waits until at least `wanted` deliveries matching `filter` are finished (acknowledged or
    /// given up), at most `timeout`; returns them.
    pub async fn wait_for_deliveries(
        &self,
        wanted: usize,
        timeout: Duration,
        filter: impl Fn(&Delivery) -> bool,
    ) -> Result<Vec<Delivery>, WaitTimeout> {
        let mut changes = self.sim.ipn.subscribe();
        let matching = || self.sim.deliveries().into_iter().filter(|d| d.finished && filter(d)).collect::<Vec<_>>();
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
        self.sim.faults().0 = faults;
    }

    /// Faults injected so far.
    pub fn fault_stats(&self) -> FaultStats {
        self.sim.faults().1
    }

    /// Tokens issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.sim.state().tokens_issued
    }

    /// Tokens revoked by [`Faults::revoke_tokens_after`] so far.
    pub fn tokens_revoked(&self) -> u64 {
        self.sim.state().tokens_revoked
    }

    /// Forgets everything: tokens, IPNs, orders, refunds, deliveries; faults, IPN controls and
    /// clock go back to [`SimConfig`]'s.
    pub fn reset(&self) {
        self.sim.reset();
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

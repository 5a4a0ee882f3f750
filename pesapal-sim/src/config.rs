//! How a simulator is set up.

use crate::http::faults::Faults;
use crate::ipn::controls::IpnControls;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

/// A simulator's settings. [`SimConfig::default`] listens on a free loopback port with fresh
/// random credentials, one-hour tokens and fast IPN retries.
#[derive(Clone)]
pub struct SimConfig {
    /// Address to listen on (default `127.0.0.1`).
    pub host: IpAddr,
    /// Port to listen on (default 0: any free port).
    pub port: u16,
    /// The merchant's consumer key accepted by RequestToken.
    pub consumer_key: String,
    /// The merchant's consumer secret. Never shown in `Debug` output.
    pub consumer_secret: String,
    /// How long an issued token lives (default one hour, as the sandbox).
    pub token_lifetime: Duration,
    /// IPN calls per notification before giving up (default 5).
    pub ipn_max_attempts: u32,
    /// Delay before the second IPN call; doubled for each later one (default 50 ms).
    pub ipn_backoff: Duration,
    /// Time allowed for one IPN call (default 5 s).
    pub ipn_timeout: Duration,
    /// The base of every URL the simulator hands out (`redirect_url`s, the control API's and
    /// the inspector's base URL), whatever address the client used. Default: none: each URL
    /// follows the address the client used (`X-Forwarded-Proto` and `X-Forwarded-Host` behind
    /// a proxy, else `Host`), and [`crate::Simulator::base_url`] is the listening address.
    pub public_url: Option<String>,
    /// Called with every answer of the Pesapal API routes, as sent (answers replaced by injected
    /// faults aside); tests use it to check the answers against the spec. Default: none.
    pub answer_observer: Option<AnswerObserver>,
    /// The Pesapal environment imitated where the two differ: the payment page's path
    /// (default [`SimEnvironment::Sandbox`]).
    pub environment: SimEnvironment,
    /// The faults in force from the start (default: none); [`crate::Simulator::set_faults`]
    /// and `PUT /_sim/faults` replace them, a reset restores them.
    pub faults: Faults,
    /// How IPNs are delivered from the start, for every order (default: each notification
    /// once, at once); [`crate::Simulator::set_ipn_controls`] and `PUT /_sim/ipn/controls`
    /// replace them, a reset restores them.
    pub ipn_controls: IpnControls,
    /// How far the virtual clock starts ahead of real time (default 0); a reset returns it
    /// there. [`crate::Simulator::advance_clock`] moves it further.
    pub clock_offset: Duration,
    /// Seeds every tracking id, IPN id, confirmation code and token the simulator draws: two
    /// runs with the same seed and the same calls produce the same ids, so that what a client
    /// does against the simulator can be snapshotted. `None` (the default): random.
    pub seed: Option<u64>,
}

/// Which Pesapal the simulator imitates where sandbox and live differ (docs/WIRE.md). Named
/// apart from `pesapal_api::Environment` (which Pesapal a client calls), so that both crates
/// can be glob-imported side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SimEnvironment {
    /// `cybqa.pesapal.com`: the payment page at `/pesapaliframe/PesapalIframe3/Index`.
    #[default]
    Sandbox,
    /// `pay.pesapal.com`: the payment page at `/iframe/PesapalIframe3/Index`.
    Live,
}

impl SimEnvironment {
    /// The path of the hosted payment page (an order's `redirect_url`, before its query).
    pub fn payment_page_path(self) -> &'static str {
        match self {
            SimEnvironment::Sandbox => "/pesapaliframe/PesapalIframe3/Index",
            SimEnvironment::Live => "/iframe/PesapalIframe3/Index",
        }
    }
}

impl fmt::Display for SimEnvironment {
    /// `sandbox` or `live`, as [`std::str::FromStr`] reads it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SimEnvironment::Sandbox => "sandbox",
            SimEnvironment::Live => "live",
        })
    }
}

impl std::str::FromStr for SimEnvironment {
    type Err = String;

    /// `sandbox` or `live` (any case).
    fn from_str(name: &str) -> Result<Self, String> {
        match name.to_ascii_lowercase().as_str() {
            "sandbox" => Ok(SimEnvironment::Sandbox),
            "live" => Ok(SimEnvironment::Live),
            other => Err(format!("{other:?} is not an environment: sandbox or live")),
        }
    }
}

/// One answer of the simulator's Pesapal API, as sent (see [`SimConfig::answer_observer`]).
#[derive(Debug, Clone)]
pub struct ObservedAnswer {
    /// The operation that answered.
    pub operation: pesapal_gen::Operation,
    /// The HTTP status.
    pub http_status: u16,
    /// The body.
    pub body: String,
}

/// Sees every answer of the Pesapal API routes ([`SimConfig::answer_observer`]).
pub type AnswerObserver = Arc<dyn Fn(&ObservedAnswer) + Send + Sync>;

impl Default for SimConfig {
    fn default() -> Self {
        let random = |prefix: &str| format!("{prefix}{}", uuid::Uuid::new_v4().simple());
        SimConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            consumer_key: random("sim-key-"),
            consumer_secret: random("sim-secret-"),
            token_lifetime: Duration::from_secs(3600),
            ipn_max_attempts: 5,
            ipn_backoff: Duration::from_millis(50),
            ipn_timeout: Duration::from_secs(5),
            public_url: None,
            answer_observer: None,
            environment: SimEnvironment::Sandbox,
            faults: Faults::default(),
            ipn_controls: IpnControls::default(),
            clock_offset: Duration::ZERO,
            seed: None,
        }
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"[REDACTED]")
            .field("token_lifetime", &self.token_lifetime)
            .field("ipn_max_attempts", &self.ipn_max_attempts)
            .field("ipn_backoff", &self.ipn_backoff)
            .field("ipn_timeout", &self.ipn_timeout)
            .field("public_url", &self.public_url)
            .field("answer_observer", &self.answer_observer.as_ref().map(|_| "installed"))
            .field("environment", &self.environment)
            .field("faults", &self.faults)
            .field("ipn_controls", &self.ipn_controls)
            .field("clock_offset", &self.clock_offset)
            .field("seed", &self.seed)
            .finish()
    }
}

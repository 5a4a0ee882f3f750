//! `pesapal-sim`: serves a simulated Pesapal API 3.0 and prints how to use it; `pesapal-sim
//! record` records a real Pesapal's answers into the conformance corpus instead.

use clap::{Parser, Subcommand};
use pesapal_sim::recorder::{Recorder, RecorderConfig};
use pesapal_sim::{Faults, IpnControls, SimConfig, SimEnvironment, Simulator};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

/// The library's defaults: the one source of every default below but the port.
static DEFAULTS: LazyLock<SimConfig> = LazyLock::new(SimConfig::default);

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A stateful offline Pesapal API 3.0. Every flag is also an environment variable
/// (`PESAPAL_SIM_<FLAG>`, e.g. `PESAPAL_SIM_PORT=8080`, `PESAPAL_SIM_FAULT_FAIL_NEXT=1`).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

/// Every setting of [`SimConfig`]; defaults are [`SimConfig::default`]'s, except the port: a
/// server listens on a known one.
#[derive(Debug, clap::Args)]
struct Serve {
    /// Port to listen on (0: any free port).
    #[arg(long, env = "PESAPAL_SIM_PORT", default_value_t = 8080)]
    port: u16,
    /// Address to listen on (0.0.0.0 in a container).
    #[arg(long, env = "PESAPAL_SIM_HOST", default_value_t = DEFAULTS.host)]
    host: IpAddr,
    /// Consumer key to accept (default: random).
    #[arg(long, env = "PESAPAL_SIM_CONSUMER_KEY")]
    consumer_key: Option<String>,
    /// Consumer secret to accept (default: random).
    #[arg(long, env = "PESAPAL_SIM_CONSUMER_SECRET", hide_env_values = true)]
    consumer_secret: Option<String>,
    /// Token lifetime in seconds.
    #[arg(long, env = "PESAPAL_SIM_TOKEN_LIFETIME", default_value_t = DEFAULTS.token_lifetime.as_secs())]
    token_lifetime: u64,
    /// Base URL of the URLs the simulator hands out (redirect_url, page links), when it must not
    /// follow the address each client used (Host, X-Forwarded-Host, X-Forwarded-Proto).
    #[arg(long, env = "PESAPAL_SIM_PUBLIC_URL")]
    public_url: Option<String>,
    /// Seed for tracking ids, IPN ids, confirmation codes and tokens: the same seed and the
    /// same calls give the same ids (default: random).
    #[arg(long, env = "PESAPAL_SIM_SEED")]
    seed: Option<u64>,
    /// The Pesapal imitated where sandbox and live differ (the payment page's path): sandbox or
    /// live.
    #[arg(long, env = "PESAPAL_SIM_ENVIRONMENT", default_value_t = DEFAULTS.environment)]
    environment: SimEnvironment,
    /// Start the virtual clock this many seconds ahead of real time (a reset returns it there).
    #[arg(long, env = "PESAPAL_SIM_CLOCK_OFFSET_SECONDS", default_value_t = DEFAULTS.clock_offset.as_secs())]
    clock_offset_seconds: u64,

    /// IPN calls per notification.
    #[arg(long, env = "PESAPAL_SIM_IPN_ATTEMPTS", default_value_t = DEFAULTS.ipn_max_attempts,
          help_heading = "IPN delivery")]
    ipn_attempts: u32,
    /// Delay before the second IPN call in milliseconds (doubled for each later one).
    #[arg(long, env = "PESAPAL_SIM_IPN_BACKOFF_MS", default_value_t = millis(DEFAULTS.ipn_backoff),
          help_heading = "IPN delivery")]
    ipn_backoff_ms: u64,
    /// Time allowed for one IPN call, in milliseconds.
    #[arg(long, env = "PESAPAL_SIM_IPN_TIMEOUT_MS", default_value_t = millis(DEFAULTS.ipn_timeout),
          help_heading = "IPN delivery")]
    ipn_timeout_ms: u64,
    /// Wait this long (real time, milliseconds) before an IPN's first call.
    #[arg(long, env = "PESAPAL_SIM_IPN_DELAY_MS", default_value_t = DEFAULTS.ipn_controls.delay_ms,
          help_heading = "IPN delivery")]
    ipn_delay_ms: u64,
    /// Deliver each notification this many extra times.
    #[arg(long, env = "PESAPAL_SIM_IPN_DUPLICATES", default_value_t = DEFAULTS.ipn_controls.duplicates,
          help_heading = "IPN delivery")]
    ipn_duplicates: u32,
    /// Never deliver IPNs (each is recorded as dropped).
    #[arg(long, env = "PESAPAL_SIM_IPN_DROP", help_heading = "IPN delivery")]
    ipn_drop: bool,
    /// Deliver each notification only after the order's next one.
    #[arg(long, env = "PESAPAL_SIM_IPN_OUT_OF_ORDER", help_heading = "IPN delivery")]
    ipn_out_of_order: bool,

    /// Delay added before every API answer, in milliseconds.
    #[arg(long, env = "PESAPAL_SIM_FAULT_LATENCY_MS", default_value_t = DEFAULTS.faults.latency_ms,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_latency_ms: u64,
    /// The HTTP status of injected errors.
    #[arg(long, env = "PESAPAL_SIM_FAULT_ERROR_STATUS", default_value_t = DEFAULTS.faults.error_status,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_error_status: u16,
    /// Fraction (0.0-1.0) of API requests answered with the error status.
    #[arg(long, env = "PESAPAL_SIM_FAULT_ERROR_RATE", default_value_t = DEFAULTS.faults.error_rate,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_error_rate: f64,
    /// The next N API requests are answered with the error status.
    #[arg(long, env = "PESAPAL_SIM_FAULT_FAIL_NEXT", default_value_t = DEFAULTS.faults.fail_next,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_fail_next: u32,
    /// Fraction (0.0-1.0) of API requests whose connection is closed before processing.
    #[arg(long, env = "PESAPAL_SIM_FAULT_DROP_RATE", default_value_t = DEFAULTS.faults.drop_rate,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_drop_rate: f64,
    /// The next N API requests have their connection closed before processing.
    #[arg(long, env = "PESAPAL_SIM_FAULT_DROP_NEXT", default_value_t = DEFAULTS.faults.drop_next,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_drop_next: u32,
    /// Fraction (0.0-1.0) of API requests processed whose answer is then lost.
    #[arg(long, env = "PESAPAL_SIM_FAULT_LOSE_ANSWER_RATE", default_value_t = DEFAULTS.faults.lose_answer_rate,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_lose_answer_rate: f64,
    /// The next N API requests are processed and their answer lost.
    #[arg(long, env = "PESAPAL_SIM_FAULT_LOSE_ANSWER_NEXT", default_value_t = DEFAULTS.faults.lose_answer_next,
          help_heading = "Faults (on the Pesapal API routes)")]
    fault_lose_answer_next: u32,
    /// A bearer token is revoked (HTTP 401) on its call after N successful ones (default: never).
    #[arg(long, env = "PESAPAL_SIM_FAULT_REVOKE_TOKENS_AFTER", help_heading = "Faults (on the Pesapal API routes)")]
    fault_revoke_tokens_after: Option<u64>,
}

impl Serve {
    /// The simulator's settings: these flags over [`SimConfig::default`].
    fn config(self) -> SimConfig {
        let defaults = SimConfig::default();
        SimConfig {
            host: self.host,
            port: self.port,
            consumer_key: self.consumer_key.unwrap_or(defaults.consumer_key),
            consumer_secret: self.consumer_secret.unwrap_or(defaults.consumer_secret),
            token_lifetime: Duration::from_secs(self.token_lifetime),
            ipn_max_attempts: self.ipn_attempts,
            ipn_backoff: Duration::from_millis(self.ipn_backoff_ms),
            ipn_timeout: Duration::from_millis(self.ipn_timeout_ms),
            public_url: self.public_url,
            environment: self.environment,
            faults: Faults {
                latency_ms: self.fault_latency_ms,
                error_status: self.fault_error_status,
                error_rate: self.fault_error_rate,
                fail_next: self.fault_fail_next,
                drop_rate: self.fault_drop_rate,
                drop_next: self.fault_drop_next,
                lose_answer_rate: self.fault_lose_answer_rate,
                lose_answer_next: self.fault_lose_answer_next,
                revoke_tokens_after: self.fault_revoke_tokens_after,
            },
            ipn_controls: IpnControls {
                delay_ms: self.ipn_delay_ms,
                duplicates: self.ipn_duplicates,
                drop: self.ipn_drop,
                out_of_order: self.ipn_out_of_order,
            },
            clock_offset: Duration::from_secs(self.clock_offset_seconds),
            seed: self.seed,
            ..defaults
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Forward every API call to a real Pesapal and write each answer into the corpus layout
    /// (`<out>/<operationId>/<status>-<environment>-<date>-<outcome>.json`), with tokens, keys,
    /// secrets, emails and phone numbers redacted. See docs/WIRE.md.
    Record {
        /// The API base URL to forward to, e.g. https://cybqa.pesapal.com/pesapalv3.
        #[arg(long)]
        upstream: String,
        /// The corpus folder to write into, e.g. tests/corpus.
        #[arg(long)]
        out: PathBuf,
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 8081)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// The environment the file names say (default: sandbox or live from the upstream's host).
        #[arg(long)]
        environment: Option<String>,
    },
}

async fn record(
    upstream: String,
    out: PathBuf,
    address: SocketAddr,
    environment: Option<String>,
) -> std::process::ExitCode {
    let recorder = match Recorder::start(RecorderConfig { upstream, out: out.clone(), address, environment }).await {
        Ok(recorder) => recorder,
        Err(error) => {
            eprintln!("pesapal-sim record: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("pesapal-sim recording into {}", out.display());
    println!("PESAPAL_BASE_URL={}", recorder.base_url());
    println!("then: cargo test -p pesapal-tests --test conformance (Ctrl-C to stop)");
    recorder.run_until_ctrl_c().await;
    std::process::ExitCode::SUCCESS
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let args = Args::parse();
    if let Some(Command::Record { upstream, out, port, host, environment }) = args.command {
        return record(upstream, out, SocketAddr::new(host, port), environment).await;
    }
    let config = args.serve.config();
    let stop = stop_signals();
    let sim = match Simulator::start_with(config).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("pesapal-sim: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("pesapal-sim listening");
    println!("PESAPAL_BASE_URL={}", sim.base_url());
    println!("PESAPAL_CONSUMER_KEY={}", sim.consumer_key());
    println!("PESAPAL_CONSUMER_SECRET={}", sim.consumer_secret());
    println!("control API: {}/_sim (Ctrl-C to stop)", sim.base_url());
    stop.await;
    sim.shutdown().await;
    std::process::ExitCode::SUCCESS
}

/// Listens, from now on, for Ctrl-C (SIGINT) and SIGTERM (`docker stop`, the end of a CI
/// service); the future resolves on either. As a container's PID 1 the binary gets no default
/// action for SIGTERM, so it must handle it, and it listens before it says it is listening.
#[cfg(unix)]
fn stop_signals() -> impl Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let (interrupt, terminate) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
    async move {
        match (interrupt, terminate) {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

/// Ctrl-C.
#[cfg(not(unix))]
fn stop_signals() -> impl Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binary without flags runs the library's defaults (but the port): one source.
    #[test]
    fn the_binary_defaults_are_the_library_defaults() {
        let args = Args::try_parse_from(["pesapal-sim"]).expect("no flags parse");
        let (from_flags, defaults) = (args.serve.config(), SimConfig::default());
        let comparable = |c: &SimConfig| {
            (
                c.host,
                c.token_lifetime,
                c.ipn_max_attempts,
                c.ipn_backoff,
                c.ipn_timeout,
                c.public_url.clone(),
                c.environment,
                c.faults.clone(),
                c.ipn_controls.clone(),
                c.clock_offset,
                c.seed,
            )
        };
        if std::env::vars().any(|(name, _)| name.starts_with("PESAPAL_SIM_")) {
            return; // flags set through the environment: nothing to compare
        }
        assert_eq!(comparable(&from_flags), comparable(&defaults));
        assert_eq!(from_flags.port, 8080);
    }

    #[test]
    fn every_control_is_a_flag() {
        let args = Args::try_parse_from([
            "pesapal-sim",
            "--seed=7",
            "--environment=live",
            "--clock-offset-seconds=60",
            "--ipn-delay-ms=5",
            "--ipn-duplicates=2",
            "--ipn-drop",
            "--ipn-out-of-order",
            "--fault-latency-ms=3",
            "--fault-error-status=502",
            "--fault-error-rate=0.5",
            "--fault-fail-next=1",
            "--fault-drop-rate=0.25",
            "--fault-drop-next=2",
            "--fault-lose-answer-rate=0.125",
            "--fault-lose-answer-next=3",
            "--fault-revoke-tokens-after=4",
        ])
        .expect("every flag parses");
        let config = args.serve.config();
        assert_eq!(config.seed, Some(7));
        assert_eq!(config.environment, SimEnvironment::Live);
        assert_eq!(config.clock_offset, Duration::from_secs(60));
        assert_eq!(config.ipn_controls, IpnControls { delay_ms: 5, duplicates: 2, drop: true, out_of_order: true });
        assert_eq!(
            config.faults,
            Faults {
                latency_ms: 3,
                error_status: 502,
                error_rate: 0.5,
                fail_next: 1,
                drop_rate: 0.25,
                drop_next: 2,
                lose_answer_rate: 0.125,
                lose_answer_next: 3,
                revoke_tokens_after: Some(4),
            }
        );
    }
}

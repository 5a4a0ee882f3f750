//! `pesapal-sim`: serves a simulated Pesapal API 3.0 and prints how to use it; `pesapal-sim
//! record` records a real Pesapal's answers into the conformance corpus instead.

use clap::{Parser, Subcommand};
use pesapal_sim::recorder::{Recorder, RecorderConfig};
use pesapal_sim::{SimConfig, SimEnvironment, Simulator};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// A stateful offline Pesapal API 3.0.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Consumer key to accept (default: random).
    #[arg(long, env = "PESAPAL_SIM_CONSUMER_KEY")]
    consumer_key: Option<String>,
    /// Consumer secret to accept (default: random).
    #[arg(long, env = "PESAPAL_SIM_CONSUMER_SECRET", hide_env_values = true)]
    consumer_secret: Option<String>,
    /// Token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    token_lifetime: u64,
    /// Delay before the second IPN call in milliseconds (doubled for each later one).
    #[arg(long, default_value_t = 1000)]
    ipn_backoff_ms: u64,
    /// IPN calls per notification.
    #[arg(long, default_value_t = 5)]
    ipn_attempts: u32,
    /// Base URL for redirect URLs, when browsers reach the simulator by another address.
    #[arg(long)]
    public_url: Option<String>,
    /// Seed for tracking ids, IPN ids, confirmation codes and tokens: the same seed and the
    /// same calls give the same ids (default: random).
    #[arg(long, env = "PESAPAL_SIM_SEED")]
    seed: Option<u64>,
    /// The Pesapal imitated where sandbox and live differ (the payment page's path): sandbox or
    /// live.
    #[arg(long, default_value = "sandbox")]
    environment: SimEnvironment,
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
    let mut config = SimConfig {
        host: args.host,
        port: args.port,
        token_lifetime: Duration::from_secs(args.token_lifetime),
        ipn_backoff: Duration::from_millis(args.ipn_backoff_ms),
        ipn_max_attempts: args.ipn_attempts,
        public_url: args.public_url,
        seed: args.seed,
        environment: args.environment,
        ..SimConfig::default()
    };
    if let Some(key) = args.consumer_key {
        config.consumer_key = key;
    }
    if let Some(secret) = args.consumer_secret {
        config.consumer_secret = secret;
    }
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
    sim.run_until_ctrl_c().await;
    std::process::ExitCode::SUCCESS
}

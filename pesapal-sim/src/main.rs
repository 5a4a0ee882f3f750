//! `pesapal-sim`: serves a simulated Pesapal API 3.0 and prints how to use it.

use clap::Parser;
use pesapal_sim::{SimConfig, Simulator};
use std::net::IpAddr;
use std::time::Duration;

/// A stateful offline Pesapal API 3.0.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let args = Args::parse();
    let mut config = SimConfig {
        host: args.host,
        port: args.port,
        token_lifetime: Duration::from_secs(args.token_lifetime),
        ipn_backoff: Duration::from_millis(args.ipn_backoff_ms),
        ipn_max_attempts: args.ipn_attempts,
        public_url: args.public_url,
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

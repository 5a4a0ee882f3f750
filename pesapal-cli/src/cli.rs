//! The command line, as clap sees it.

use crate::values::sdk_enum;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use pesapal_api::{Environment, Frequency, IpnMethod};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::time::Duration;
use uuid::Uuid;

/// The Pesapal API 3.0 from the command line: tokens, IPN URLs, orders, statuses, refunds and
/// cancellations.
///
/// Credentials come from PESAPAL_CONSUMER_KEY and PESAPAL_CONSUMER_SECRET.
///
/// Exit codes: 0 success, 1 Pesapal rejected the request, 2 bad usage or invalid input (nothing
/// sent), 3 transport failure or an answer that could not be read. `reconcile` exits with the
/// largest code of the orders it could not look up (0 when it looked up every one).
#[derive(Debug, Parser)]
#[command(name = "pesapal", version, propagate_version = true)]
pub struct Cli {
    /// Pesapal environment: sandbox (test credentials, no real money) or live (real payments).
    #[arg(long = "env", global = true, env = "PESAPAL_ENVIRONMENT", value_parser = sdk_enum(&Environment::ALL))]
    pub environment: Option<Environment>,

    /// Send requests to this base URL instead of the environment's (a proxy or the simulator).
    #[arg(long, global = true, env = "PESAPAL_BASE_URL")]
    pub base_url: Option<String>,

    /// Print one JSON document instead of human-readable text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Show the SDK's tracing on stderr (-v debug, -vv trace). Secrets are redacted.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the credentials: prints the environment and when the token expires (never the token).
    Token,
    /// Register or list IPN (payment notification) URLs.
    #[command(subcommand)]
    Ipn(IpnCommand),
    /// Create orders.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Show an order's payment status; with --wait, poll until it is final.
    Status(StatusArgs),
    /// Look up many orders (a file of tracking ids, or a CSV): one JSON line per order, the object
    /// `status --json` prints, a bounded number of lookups at a time.
    Reconcile(ReconcileArgs),
    /// Ask for a refund of a completed payment.
    Refund(RefundArgs),
    /// Cancel a pending or failed order.
    Cancel(CancelArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// `pesapal ipn …`
#[derive(Debug, Subcommand)]
pub enum IpnCommand {
    /// Register the URL Pesapal notifies; prints the IPN id orders need.
    Register {
        /// The http(s) URL.
        url: String,
        /// How Pesapal calls it: GET (parameters in the query string) or POST (in a JSON body).
        #[arg(long, value_parser = sdk_enum(&IpnMethod::ALL), default_value = "get")]
        method: IpnMethod,
    },
    /// Reuse the active registration of the URL and method, or register it when there is none;
    /// prints the IPN id orders need. Safe to run at every start: Pesapal makes a new id on every
    /// registration.
    Ensure {
        /// The http(s) URL.
        url: String,
        /// How Pesapal calls it: GET (parameters in the query string) or POST (in a JSON body).
        #[arg(long, value_parser = sdk_enum(&IpnMethod::ALL), default_value = "get")]
        method: IpnMethod,
    },
    /// List the registered IPN URLs.
    List,
}

/// `pesapal order …`
#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Create an order; prints its tracking id and the URL to send the customer to.
    Submit(Box<SubmitArgs>),
}

/// `pesapal order submit` arguments.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Amount, e.g. 2500 or 2500.50.
    #[arg(long)]
    pub amount: Decimal,
    /// ISO 4217 currency, e.g. KES.
    #[arg(long)]
    pub currency: String,
    /// Your unique reference for the order.
    #[arg(long)]
    pub reference: String,
    /// What is being paid for.
    #[arg(long)]
    pub description: String,
    /// Where Pesapal sends the customer after paying.
    #[arg(long)]
    pub callback_url: String,
    /// The IPN id from `pesapal ipn register`.
    #[arg(long)]
    pub ipn_id: Uuid,
    /// Customer's email (email or phone is required).
    #[arg(long)]
    pub email: Option<String>,
    /// Customer's phone number (email or phone is required).
    #[arg(long)]
    pub phone: Option<String>,
    /// Customer's first name.
    #[arg(long)]
    pub first_name: Option<String>,
    /// Customer's last name.
    #[arg(long)]
    pub last_name: Option<String>,
    /// Recurring payments: the customer's account number with you.
    #[arg(long)]
    pub account_number: Option<String>,
    /// Recurring payments: first charge (YYYY-MM-DD).
    #[arg(long, requires = "account_number")]
    pub start: Option<NaiveDate>,
    /// Recurring payments: last charge (YYYY-MM-DD).
    #[arg(long, requires = "account_number")]
    pub end: Option<NaiveDate>,
    /// Recurring payments: how often.
    #[arg(long, value_parser = sdk_enum(&Frequency::ALL), requires = "account_number")]
    pub frequency: Option<Frequency>,
}

/// `pesapal status` arguments.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The order tracking id.
    pub tracking_id: Uuid,
    /// Poll (with backoff) until the payment is completed or reversed, or the timeout passes.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait polls, e.g. 30s, 10m.
    #[arg(long, requires = "wait", default_value = "10m", value_parser = humantime::parse_duration)]
    pub timeout: Duration,
}

/// `pesapal reconcile` arguments.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The orders: one tracking id per line, or a CSV whose first line names an
    /// `order_tracking_id` column; with `merchant_reference`, `amount` and `currency` columns too,
    /// each payment is judged against its order (a `verdict`). `-` reads standard input. Blank
    /// lines and lines starting with # are skipped.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// How many lookups run at a time.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub in_flight: u16,
}

/// `pesapal refund` arguments.
#[derive(Debug, Args)]
pub struct RefundArgs {
    /// The payment's confirmation code (from `pesapal status`).
    pub confirmation_code: String,
    /// How much to refund.
    #[arg(long)]
    pub amount: Decimal,
    /// Who asks for the refund.
    #[arg(long)]
    pub username: String,
    /// Why.
    #[arg(long)]
    pub remarks: String,
    /// The payment's currency, e.g. KES: only to show the amount (RefundRequest carries none).
    #[arg(long)]
    pub currency: Option<String>,
    /// Do not ask for confirmation on live.
    #[arg(long)]
    pub yes: bool,
}

/// `pesapal cancel` arguments.
#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The order tracking id.
    pub tracking_id: Uuid,
    /// Do not ask for confirmation on live.
    #[arg(long)]
    pub yes: bool,
}

//! `pesapal`: the command-line tool for Pesapal API 3.0 merchants and operators, built on
//! `pesapal-api`. Run `pesapal --help`.

mod cli;
mod output;

use clap::{CommandFactory, Parser};
use cli::{CancelArgs, Cli, Command, EnvName, FrequencyName, IpnCommand, MethodName, OrderCommand, RefundArgs};
use indicatif::{ProgressBar, ProgressStyle};
use output::{
    CancelOutput, ErrorDocument, ErrorOutput, IpnListOutput, IpnOutput, Money, OrderOutput, RefundOutput, StatusOutput,
    TokenOutput, ViolationOutput,
};
use pesapal_api::{
    BillingAddress, ClientBuilder, Environment, Frequency, IpnMethod, OrderRequest, Pesapal, RefundRequest, Sent,
    Subscription, ValidationErrors, Violation,
};
use serde::Serialize;
use std::fmt::Display;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Exit code: Pesapal rejected the request.
const EXIT_REJECTED: u8 = 1;
/// Exit code: bad usage or invalid input; nothing was sent.
const EXIT_USAGE: u8 = 2;
/// Exit code: transport failure (or an unreadable answer).
const EXIT_TRANSPORT: u8 = 3;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// Configuration is missing or wrong.
    #[error("{0}")]
    Config(String),
    /// The input broke rules; nothing was sent.
    #[error("invalid input, nothing was sent")]
    Invalid(ValidationErrors),
    /// The user (or the lack of a terminal) declined a live operation.
    #[error("{0}")]
    Refused(String),
    /// The SDK failed; `payment` says what to check when the outcome is unknown.
    #[error("{error}")]
    Api {
        /// The SDK's error.
        error: pesapal_api::Error,
        /// For a payment call: how to check before retrying.
        check: Option<String>,
    },
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

impl From<pesapal_api::Error> for CliError {
    fn from(error: pesapal_api::Error) -> CliError {
        CliError::Api { error, check: None }
    }
}

impl CliError {
    fn payment(error: pesapal_api::Error, check: impl Into<String>) -> CliError {
        CliError::Api { error, check: Some(check.into()) }
    }

    fn report(&self) -> ErrorOutput {
        let base = |kind, message: String, exit_code| ErrorOutput {
            kind,
            message,
            violations: Vec::new(),
            code: None,
            outcome_unknown: false,
            hint: None,
            exit_code,
        };
        let violations = |errors: &ValidationErrors| {
            errors
                .violations
                .iter()
                .map(|v| ViolationOutput { field: v.field.clone(), problem: v.problem.clone() })
                .collect()
        };
        match self {
            CliError::Config(message) => ErrorOutput {
                hint: Some("set PESAPAL_CONSUMER_KEY and PESAPAL_CONSUMER_SECRET; choose --env sandbox|live (or PESAPAL_ENVIRONMENT) and optionally --base-url (or PESAPAL_BASE_URL)".into()),
                ..base("config", message.clone(), EXIT_USAGE)
            },
            CliError::Invalid(errors) => ErrorOutput {
                violations: violations(errors),
                ..base("invalid_input", self.to_string(), EXIT_USAGE)
            },
            CliError::Refused(message) => base("refused", message.clone(), EXIT_USAGE),
            CliError::Io(e) => base("io", format!("cannot write the output: {e}"), EXIT_TRANSPORT),
            CliError::Api { error, check } => {
                use pesapal_api::Error as E;
                let unknown_hint = |check: &Option<String>| {
                    check.as_ref().map(|c| format!("the outcome is unknown: {c} before retrying"))
                };
                match error {
                    E::InvalidInput(errors) => ErrorOutput {
                        violations: violations(errors),
                        ..base("invalid_input", "invalid input, nothing was sent".into(), EXIT_USAGE)
                    },
                    E::Config(message) => base("config", message.clone(), EXIT_USAGE),
                    E::Authentication(rejection) => ErrorOutput {
                        code: rejection.code.clone(),
                        hint: Some("check PESAPAL_CONSUMER_KEY, PESAPAL_CONSUMER_SECRET and the environment".into()),
                        ..base("authentication", error.to_string(), EXIT_REJECTED)
                    },
                    E::Rejected { rejection, .. } => ErrorOutput {
                        code: rejection.code.clone(),
                        ..base("rejected", error.to_string(), EXIT_REJECTED)
                    },
                    E::Transport { sent, operation, .. } => ErrorOutput {
                        outcome_unknown: *sent == Sent::MaybeSent && *operation != pesapal_api::Operation::RequestToken,
                        hint: if *sent == Sent::MaybeSent && *operation != pesapal_api::Operation::RequestToken {
                            unknown_hint(check)
                        } else {
                            None
                        },
                        ..base("transport", error.to_string(), EXIT_TRANSPORT)
                    },
                    E::Decode { operation, .. } if *operation != pesapal_api::Operation::RequestToken => ErrorOutput {
                        outcome_unknown: check.is_some(),
                        hint: unknown_hint(check),
                        ..base("decode", error.to_string(), EXIT_TRANSPORT)
                    },
                    E::Decode { .. } => base("decode", error.to_string(), EXIT_TRANSPORT),
                    _ => base("error", error.to_string(), EXIT_TRANSPORT),
                }
            }
        }
    }
}

/// The global options every command shares.
struct Context {
    environment: Environment,
    base_url: Option<String>,
    json: bool,
}

impl Context {
    /// The client, or a message naming everything that is missing.
    fn client(&self) -> Result<Pesapal, CliError> {
        // The credentials as the library reads them; the environment and base URL as clap read
        // them (flags, or the same environment variables).
        let config = |e: pesapal_api::Error| match e {
            pesapal_api::Error::Config(message) => CliError::Config(message),
            other => other.into(),
        };
        let mut builder = ClientBuilder::from_env().map_err(config)?.environment(self.environment);
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.clone());
        }
        builder.build().map_err(config)
    }

    fn environment_name(&self) -> &'static str {
        match self.environment {
            Environment::Live => "live",
            _ => "sandbox",
        }
    }

    /// Prints the command's result: JSON or human text.
    fn print<T: Serialize + Display>(&self, value: &T) -> Result<(), CliError> {
        let mut out = std::io::stdout().lock();
        if self.json {
            serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
            writeln!(out)?;
        } else {
            write!(out, "{value}")?;
        }
        Ok(())
    }

    /// On live, asks before an operation that moves or stops money, unless `--yes`. Without a
    /// terminal on stdin, refuses.
    fn confirm(&self, what: &str, yes: bool) -> Result<(), CliError> {
        if self.environment != Environment::Live || yes {
            return Ok(());
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(CliError::Refused(format!(
                "refusing to {what} on live without confirmation: no terminal to ask on; pass --yes to proceed"
            )));
        }
        eprint!("About to {what} on LIVE. Type 'yes' to continue: ");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if answer.trim().eq_ignore_ascii_case("yes") {
            Ok(())
        } else {
            Err(CliError::Refused(format!("not confirmed: did not {what}")))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let ctx = Context {
        environment: match cli.environment {
            Some(EnvName::Live) => Environment::Live,
            _ => Environment::Sandbox,
        },
        base_url: cli.base_url.clone().filter(|u| !u.trim().is_empty()),
        json: cli.json,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_TRANSPORT);
        }
    };
    match runtime.block_on(run(&ctx, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let report = error.report();
            if ctx.json {
                match serde_json::to_string_pretty(&ErrorDocument { error: &report }) {
                    Ok(text) => println!("{text}"),
                    Err(_) => eprint!("{report}"),
                }
            } else {
                eprint!("{report}");
            }
            ExitCode::from(report.exit_code)
        }
    }
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::filter::LevelFilter;
    let level = match verbose {
        0 => return,
        1 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let _ = tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr).try_init();
}

async fn run(ctx: &Context, command: Command) -> Result<(), CliError> {
    match command {
        Command::Token => {
            let pesapal = ctx.client()?;
            let expires_at = pesapal.token_expiry().await?;
            ctx.print(&TokenOutput {
                environment: ctx.environment_name(),
                base_url: pesapal.base_url().to_owned(),
                expires_at: expires_at.to_rfc3339(),
                expires_in_seconds: (expires_at - chrono::Utc::now()).num_seconds(),
            })
        }
        Command::Ipn(IpnCommand::Register { url, method }) => {
            let pesapal = ctx.client()?;
            let method = match method {
                MethodName::Get => IpnMethod::Get,
                MethodName::Post => IpnMethod::Post,
            };
            let ipn = pesapal.register_ipn(&url, method).await?;
            ctx.print(&IpnOutput::from(&ipn))
        }
        Command::Ipn(IpnCommand::List) => {
            let pesapal = ctx.client()?;
            let ipns = pesapal.list_ipns().await?;
            ctx.print(&IpnListOutput { ipns: ipns.iter().map(IpnOutput::from).collect() })
        }
        Command::Order(OrderCommand::Submit(args)) => {
            let order = build_order(&args)?;
            let pesapal = ctx.client()?;
            let submitted = pesapal.submit_order(&order).await.map_err(|e| {
                CliError::payment(
                    e,
                    format!(
                        "check whether order {:?} exists (its tracking id is in the merchant dashboard; then `pesapal status TRACKING_ID`)",
                        args.reference
                    ),
                )
            })?;
            ctx.print(&OrderOutput {
                order_tracking_id: submitted.order_tracking_id,
                merchant_reference: submitted.merchant_reference,
                redirect_url: submitted.redirect_url,
            })
        }
        Command::Status(args) => {
            let pesapal = ctx.client()?;
            let status = if args.wait {
                wait_for_final(&pesapal, args.tracking_id, args.timeout).await?
            } else {
                status_once(&pesapal, args.tracking_id).await?
            };
            ctx.print(&status)
        }
        Command::Refund(args) => refund(ctx, args).await,
        Command::Cancel(args) => cancel(ctx, args).await,
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "pesapal", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(())
        }
    }
}

/// Builds the order, listing every violation (the CLI's and the SDK's) at once.
fn build_order(args: &cli::SubmitArgs) -> Result<OrderRequest, CliError> {
    let mut own = Vec::new();
    let schedule = [args.start.is_some(), args.end.is_some(), args.frequency.is_some()];
    let subscription = match (args.start, args.end, args.frequency) {
        (Some(start), Some(end), Some(frequency)) => Some(Subscription {
            start,
            end,
            frequency: match frequency {
                FrequencyName::Daily => Frequency::Daily,
                FrequencyName::Weekly => Frequency::Weekly,
                FrequencyName::Monthly => Frequency::Monthly,
                FrequencyName::Yearly => Frequency::Yearly,
            },
        }),
        _ => {
            if schedule.contains(&true) {
                own.push(Violation {
                    field: "subscription_details".into(),
                    problem: "--start, --end and --frequency go together".into(),
                });
            }
            None
        }
    };
    let mut billing = BillingAddress::builder();
    if let Some(email) = &args.email {
        billing = billing.email_address(email.clone());
    }
    if let Some(phone) = &args.phone {
        billing = billing.phone_number(phone.clone());
    }
    if let Some(name) = &args.first_name {
        billing = billing.first_name(name.clone());
    }
    if let Some(name) = &args.last_name {
        billing = billing.last_name(name.clone());
    }
    let mut builder = OrderRequest::builder()
        .merchant_reference(args.reference.clone())
        .amount(args.amount)
        .currency(args.currency.clone())
        .description(args.description.clone())
        .callback_url(args.callback_url.clone())
        .notification_id(args.ipn_id)
        .billing_address(billing);
    if let Some(account) = &args.account_number {
        builder = builder.recurring(account.clone(), subscription);
    }
    let mut errors = ValidationErrors { violations: own };
    match builder.build() {
        Ok(order) if errors.violations.is_empty() => Ok(order),
        Ok(_) => Err(CliError::Invalid(errors)),
        Err(pesapal_api::Error::InvalidInput(sdk)) => {
            errors.violations.extend(sdk.violations);
            Err(CliError::Invalid(errors))
        }
        Err(other) => Err(other.into()),
    }
}

/// One GetTransactionStatus; "no payment yet" is a pending status, not an error.
async fn status_once(pesapal: &Pesapal, id: Uuid) -> Result<StatusOutput, CliError> {
    match pesapal.transaction_status(id).await {
        Ok(status) => Ok(StatusOutput::from_status(id, status)),
        Err(e) if e.is_pending() => Ok(StatusOutput::pending(id)),
        Err(e) => Err(e.into()),
    }
}

/// Polls with backoff until completed or reversed, or until `timeout` has passed.
async fn wait_for_final(pesapal: &Pesapal, id: Uuid, timeout: Duration) -> Result<StatusOutput, CliError> {
    let started = Instant::now();
    let spinner = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut delay = Duration::from_secs(1);
    let mut last_shown: Option<&'static str> = None;
    let result = loop {
        let status = match status_once(pesapal, id).await {
            Ok(status) => status,
            Err(e) => break Err(e),
        };
        let message = format!("waiting for order {id}: {}", status.status);
        match &spinner {
            Some(bar) => bar.set_message(message),
            None if last_shown != Some(status.status) => eprintln!("{message}"),
            None => {}
        }
        last_shown = Some(status.status);
        if status.is_final {
            break Ok(StatusOutput { timed_out: Some(false), ..status });
        }
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            break Ok(StatusOutput { timed_out: Some(true), ..status });
        }
        tokio::time::sleep(delay.min(left)).await;
        delay = (delay * 3 / 2).min(Duration::from_secs(15));
    };
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    result
}

async fn refund(ctx: &Context, args: RefundArgs) -> Result<(), CliError> {
    let request = RefundRequest::builder()
        .confirmation_code(args.confirmation_code.clone())
        .amount(args.amount)
        .username(args.username.clone())
        .remarks(args.remarks.clone())
        .build()
        .map_err(|e| match e {
            pesapal_api::Error::InvalidInput(errors) => CliError::Invalid(errors),
            other => other.into(),
        })?;
    let amount = Money::new(args.amount, args.currency.clone().map(|c| c.trim().to_ascii_uppercase()));
    ctx.confirm(&format!("refund {amount} of payment {}", args.confirmation_code), args.yes)?;
    let pesapal = ctx.client()?;
    let ack = pesapal
        .refund(&request)
        .await
        .map_err(|e| CliError::payment(e, "check `pesapal status TRACKING_ID` and the merchant dashboard's refunds"))?;
    ctx.print(&RefundOutput { confirmation_code: args.confirmation_code, amount, message: ack.message })
}

async fn cancel(ctx: &Context, args: CancelArgs) -> Result<(), CliError> {
    ctx.confirm(&format!("cancel order {}", args.tracking_id), args.yes)?;
    let pesapal = ctx.client()?;
    let ack = pesapal
        .cancel_order(args.tracking_id)
        .await
        .map_err(|e| CliError::payment(e, format!("check `pesapal status {}`", args.tracking_id)))?;
    ctx.print(&CancelOutput { order_tracking_id: args.tracking_id, message: ack.message })
}

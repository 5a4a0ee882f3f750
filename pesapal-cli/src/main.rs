#![doc = include_str!("../README.md")]

mod cli;
mod commands;
mod context;
mod error;
mod output;
mod values;

use clap::Parser;
use cli::Cli;
use context::Context;
use error::EXIT_TRANSPORT;
use output::ErrorDocument;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let ctx = Context {
        environment: cli.environment.unwrap_or_default(),
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
    match runtime.block_on(commands::run(&ctx, cli.command)) {
        Ok(code) => ExitCode::from(code),
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

/// `-v` shows the SDK's tracing at debug level, `-vv` at trace level, on stderr.
fn init_tracing(verbose: u8) {
    use tracing_subscriber::filter::LevelFilter;
    let level = match verbose {
        0 => return,
        1 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let _ = tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr).try_init();
}

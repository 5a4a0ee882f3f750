//! `pesapal status TRACKING_ID [--wait]`.

use crate::cli::StatusArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{StatusOutput, status_name};
use indicatif::{ProgressBar, ProgressStyle};
use pesapal_api::{PaymentProgress, Pesapal, WaitOptions};
use std::io::IsTerminal;
use std::time::Duration;
use uuid::Uuid;

/// Prints the order's status once, or with `--wait` once it is final or the timeout has passed.
pub async fn run(ctx: &Context, args: &StatusArgs) -> Result<(), CliError> {
    let pesapal = ctx.client()?;
    let status = if args.wait {
        wait_for_final(&pesapal, args.tracking_id, args.timeout).await?
    } else {
        StatusOutput::from_progress(args.tracking_id, pesapal.payment_progress(args.tracking_id).await?)
    };
    ctx.print(&status)
}

/// [`Pesapal::wait_for_final_status_with`], showing each status on stderr: a spinner on a
/// terminal, otherwise one line per change.
async fn wait_for_final(pesapal: &Pesapal, id: Uuid, timeout: Duration) -> Result<StatusOutput, CliError> {
    let spinner = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut last_shown: Option<&'static str> = None;
    let show = |progress: &PaymentProgress| {
        let (name, _) = status_name(&progress.payment_status());
        let message = format!("waiting for order {id}: {name}");
        match &spinner {
            Some(bar) => bar.set_message(message),
            None if last_shown != Some(name) => eprintln!("{message}"),
            None => {}
        }
        last_shown = Some(name);
    };
    let waited = pesapal.wait_for_final_status_with(id, WaitOptions::new(timeout), show).await;
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let waited = waited?;
    Ok(StatusOutput { timed_out: Some(waited.timed_out), ..StatusOutput::from_progress(id, waited.last) })
}

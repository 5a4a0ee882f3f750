//! `pesapal reconcile --from FILE`: many orders looked up, at most `--in-flight` at a time, one
//! JSON line each on stdout in the order of the input; a summary (and on a terminal a progress
//! bar) on stderr. The input is read and the output written as the lookups go: memory does not
//! grow with the number of orders.

mod input;

use crate::cli::ReconcileArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{LookupErrorOutput, StatusOutput};
use futures_util::{FutureExt, Stream, StreamExt};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use input::{Orders, Row};
use pesapal_api::Pesapal;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::thread::JoinHandle;

/// Looks up every order of the input; returns 0 when every lookup succeeded, otherwise the
/// largest exit code of the lines that failed (1 Pesapal refused, e.g. an unknown tracking id;
/// 2 an invalid line; 3 a transport failure).
pub async fn run(ctx: &Context, args: &ReconcileArgs) -> Result<u8, CliError> {
    // The configuration first: reading standard input may wait for a person to type.
    let pesapal = ctx.client()?;
    let orders = Orders::open(&args.from)?;
    let progress = progress_bar(&args.from);
    let in_flight = usize::from(args.in_flight);
    let (rows, reader) = read_ahead(orders, in_flight * 4);
    let mut lines = std::pin::pin!(rows.map(|row| look_up(&pesapal, row)).buffered(in_flight));
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut tally = Tally::default();
    loop {
        // Lines that are ready are written together; before waiting, those written are flushed,
        // so that each shows as soon as it is known.
        let line = match lines.next().now_or_never() {
            Some(line) => line,
            None => {
                out.flush()?;
                lines.next().await
            }
        };
        let Some(line) = line else { break };
        tally.count(&line);
        match &line {
            Line::Found(status) => serde_json::to_writer(&mut out, status),
            Line::Failed(failed) => serde_json::to_writer(&mut out, failed),
        }
        .map_err(std::io::Error::from)?;
        writeln!(out)?;
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    out.flush()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    eprintln!("{tally}");
    // The reader ends with the input, or with the error that stopped it.
    reader.join().map_err(|_| CliError::Input("the input reader stopped".into()))??;
    Ok(tally.exit_code)
}

/// One line of the output.
enum Line {
    /// The order's status, as `pesapal status --json` prints it (with the verdict when the input
    /// gave the expected order).
    Found(StatusOutput),
    /// The order could not be looked up.
    Failed(LookupErrorOutput),
}

/// Looks up the order of `row`: GetTransactionStatus, as `pesapal status` does, judged against
/// the expected order when the row gives it ([`Pesapal::confirm`]).
async fn look_up(pesapal: &Pesapal, row: Row) -> Line {
    let failed = |order_tracking_id: String, line, error: CliError| {
        Line::Failed(LookupErrorOutput { order_tracking_id, line, error: error.report() })
    };
    match row {
        Row::Invalid { line, order_tracking_id, errors } => failed(order_tracking_id, line, CliError::Invalid(errors)),
        Row::Order { line, order_tracking_id: id, expectation: None } => match pesapal.payment_progress(id).await {
            Ok(progress) => Line::Found(StatusOutput::from_progress(id, progress)),
            Err(error) => failed(id.to_string(), line, error.into()),
        },
        Row::Order { line, order_tracking_id: id, expectation: Some(expected) } => {
            match pesapal.confirm(id, &expected).await {
                Ok(confirmation) => Line::Found(StatusOutput::judged(confirmation, &expected)),
                Err(error) => failed(id.to_string(), line, error.into()),
            }
        }
    }
}

/// Reads `orders` on a thread of its own, at most `ahead` rows ahead of the lookups, so that a
/// slow standard input never holds up the lookups in flight. The thread returns the error that
/// stopped the reading, if any.
fn read_ahead(orders: Orders, ahead: usize) -> (impl Stream<Item = Row>, JoinHandle<Result<(), CliError>>) {
    let (sender, receiver) = tokio::sync::mpsc::channel(ahead);
    let reader = std::thread::spawn(move || {
        for row in orders {
            if sender.blocking_send(row?).is_err() {
                break; // the output stopped
            }
        }
        Ok(())
    });
    let rows = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|row| (row, receiver))
    });
    (rows, reader)
}

/// A progress bar on stderr, only when stderr is a terminal; its length is the number of rows
/// of a file (counted by reading it once more), unknown for standard input.
fn progress_bar(from: &Path) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let rows = (from != Path::new("-")).then(|| Orders::open(from).map(Iterator::count).ok()).flatten();
    let (bar, template) = match rows {
        Some(rows) => (ProgressBar::new(rows as u64), "{bar:40} {pos}/{len} orders ({rate}, {eta} left)"),
        None => (ProgressBar::new_spinner(), "{spinner} {pos} orders ({rate})"),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.with_key("rate", |state: &ProgressState, w: &mut dyn fmt::Write| {
            let _ = write!(w, "{:.0}/s", state.per_sec());
        }));
    }
    Some(bar)
}

/// What the lines said, for the summary and the exit code.
#[derive(Debug, Default)]
struct Tally {
    orders: u64,
    statuses: BTreeMap<&'static str, u64>,
    verdicts: BTreeMap<&'static str, u64>,
    failed: u64,
    /// The largest exit code of the failed lines (0: none failed).
    exit_code: u8,
}

impl Tally {
    fn count(&mut self, line: &Line) {
        self.orders += 1;
        match line {
            Line::Found(status) => {
                *self.statuses.entry(status.status).or_default() += 1;
                if let Some(verdict) = status.verdict {
                    *self.verdicts.entry(verdict).or_default() += 1;
                }
            }
            Line::Failed(failed) => {
                self.failed += 1;
                self.exit_code = self.exit_code.max(failed.error.exit_code);
            }
        }
    }
}

impl fmt::Display for Tally {
    /// `reconciled 5 orders: 2 completed, 1 pending; verdicts: 1 paid_as_expected, …; 2 could
    /// not be looked up`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts = |counts: &BTreeMap<&str, u64>| {
            counts.iter().map(|(name, n)| format!("{n} {name}")).collect::<Vec<_>>().join(", ")
        };
        write!(f, "reconciled {} orders", self.orders)?;
        if !self.statuses.is_empty() {
            write!(f, ": {}", counts(&self.statuses))?;
        }
        if !self.verdicts.is_empty() {
            write!(f, "; verdicts: {}", counts(&self.verdicts))?;
        }
        if self.failed > 0 {
            write!(f, "; {} could not be looked up (exit code {})", self.failed, self.exit_code)?;
        }
        Ok(())
    }
}

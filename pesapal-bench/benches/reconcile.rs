//! Reconciliation (issue 25): 10,000 orders looked up against the in-process simulator, 32 in
//! flight, through the library stream (`Pesapal::reconcile`) and through the command
//! (`pesapal reconcile --from FILE`). Targets: **≥ 2,000 orders per second**, and a peak memory
//! that does not grow with the number of orders (1,000 against 10,000). Recorded in
//! docs/PERFORMANCE.md; `cargo xtask bench` runs it and reads the `key=value` lines it prints.
//!
//! Each measurement runs in a process of its own (this program again, with `--child`), because
//! the peak resident set size of a process (`VmHWM` in `/proc/self/status`) only ever grows.
//! Every child starts a simulator holding the same 10,000 orders (a quarter each paid, pending,
//! failed and reversed; every IPN dropped), so that the simulator weighs the same whatever the
//! count; every 100th id looked up is unknown to it (an error line). The library's peak is
//! that of the whole process (simulator included); the command's is the `pesapal` process's
//! alone, read from `/proc/PID/status` every millisecond until it exits.
//!
//! The command is the release binary beside this one (`cargo build --release -p pesapal-cli`,
//! which `cargo xtask bench` runs first), or the one `PESAPAL_CLI` names.

use futures_util::StreamExt;
use pesapal_api::{BillingAddress, Credentials, IpnMethod, OrderRequest, Pesapal};
use pesapal_sim::{IpnControls, PaymentMethod, Simulator};
use rust_decimal::Decimal;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Orders the simulator holds in every child.
const ORDERS: usize = 10_000;
/// Lookups at a time.
const IN_FLIGHT: usize = 32;
/// The counts compared.
const COUNTS: [usize; 2] = [1_000, 10_000];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--child") {
        Some(i) => child(&args[i + 1], args[i + 2].parse().expect("a count")),
        None => parent(),
    }
}

/// Runs every measurement in a child and prints its figures as `WAY_COUNT_KEY=VALUE`.
fn parent() {
    let exe = std::env::current_exe().expect("this program");
    for way in ["library", "cli"] {
        for count in COUNTS {
            eprintln!("reconcile: {count} orders through the {way}…");
            let output = Command::new(&exe)
                .args(["--child", way, &count.to_string()])
                .stderr(Stdio::inherit())
                .output()
                .expect("the child runs");
            assert!(output.status.success(), "the {way} child failed");
            for line in String::from_utf8_lossy(&output.stdout).lines() {
                println!("{way}_{count}_{line}");
            }
        }
    }
}

fn child(way: &str, count: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (sim, pesapal, ids) = runtime.block_on(orders());
    let ids: Vec<Uuid> = ids
        .into_iter()
        .cycle()
        .take(count)
        .enumerate()
        .map(|(i, id)| if i % 100 == 99 { Uuid::new_v4() } else { id })
        .collect();
    println!("setup_rss_kib={}", peak_rss_kib("self").expect("/proc/self/status"));
    match way {
        "library" => runtime.block_on(library(&pesapal, ids)),
        "cli" => cli(&sim, &ids),
        other => panic!("no way {other}"),
    }
    drop(runtime);
}

/// A simulator holding [`ORDERS`] orders, every IPN dropped; a client; the orders' ids.
async fn orders() -> (Simulator, Pesapal, Vec<Uuid>) {
    let sim = Simulator::start().await.expect("the simulator starts");
    sim.set_ipn_controls(IpnControls { drop: true, ..IpnControls::default() });
    let pesapal = Pesapal::builder()
        .credentials(Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(sim.base_url())
        .build()
        .expect("client builds");
    let ipn = pesapal.ensure_ipn("http://127.0.0.1:9/ipn", IpnMethod::Get).await.expect("RegisterIPN");
    let ipn = ipn.notification_id().expect("a GUID");
    let ids: Vec<Uuid> = futures_util::stream::iter(0..ORDERS)
        .map(|i| {
            let pesapal = pesapal.clone();
            async move {
                let order = OrderRequest::builder()
                    .merchant_reference(format!("RECONCILE-{i}"))
                    .amount(Decimal::new(2500, 0))
                    .currency("KES")
                    .description("Benchmark order")
                    .callback_url("http://127.0.0.1:9/callback")
                    .notification_id(ipn)
                    .billing_address(BillingAddress::builder().email_address("jane@example.com"))
                    .build()
                    .expect("valid order");
                pesapal.submit_order(&order).await.expect("SubmitOrderRequest").order_tracking_id
            }
        })
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    for (i, id) in ids.iter().enumerate() {
        match i % 4 {
            0 => drop(sim.pay(*id, PaymentMethod::Mpesa).expect("pays")),
            1 => {}
            2 => drop(sim.fail(*id).expect("fails")),
            _ => {
                sim.pay(*id, PaymentMethod::Card).expect("pays");
                sim.reverse(*id).expect("reverses");
            }
        }
    }
    (sim, pesapal, ids)
}

/// `Pesapal::reconcile` over `ids`, the lines counted as they come.
async fn library(pesapal: &Pesapal, ids: Vec<Uuid>) {
    let count = ids.len();
    pesapal.token_expiry().await.expect("a token");
    let started = Instant::now();
    let mut lines = pesapal.reconcile(ids, IN_FLIGHT);
    let (mut found, mut failed) = (0, 0);
    while let Some(line) = lines.next().await {
        if line.failed() { failed += 1 } else { found += 1 }
    }
    report(count, started.elapsed(), peak_rss_kib("self").expect("/proc/self/status"), found, failed);
}

/// `pesapal reconcile --from FILE --in-flight 32`, its lines counted as they come.
fn cli(sim: &Simulator, ids: &[Uuid]) {
    let bin = std::env::var_os("PESAPAL_CLI").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("this program");
        // target/release/deps/reconcile-… → target/release/pesapal
        exe.parent().and_then(|deps| deps.parent()).expect("a target directory").join("pesapal")
    });
    assert!(bin.exists(), "no {}: run `cargo build --release -p pesapal-cli` (or set PESAPAL_CLI)", bin.display());
    let mut input = tempfile::NamedTempFile::new().expect("a temporary file");
    for id in ids {
        writeln!(input, "{id}").expect("writes");
    }
    input.flush().expect("writes");
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .env("PESAPAL_CONSUMER_KEY", sim.consumer_key())
        .env("PESAPAL_CONSUMER_SECRET", sim.consumer_secret())
        .env("PESAPAL_BASE_URL", sim.base_url())
        .env_remove("PESAPAL_ENVIRONMENT")
        .args(["reconcile", "--in-flight", &IN_FLIGHT.to_string(), "--from"])
        .arg(input.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pesapal runs");
    let stdout = child.stdout.take().expect("piped");
    let counting = std::thread::spawn(move || {
        let (mut found, mut failed) = (0, 0);
        for line in BufReader::new(stdout).lines() {
            if line.expect("a line").contains(r#","error":{"#) {
                failed += 1;
            } else {
                found += 1;
            }
        }
        (found, failed)
    });
    let pid = child.id().to_string();
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        peak = peak.max(peak_rss_kib(&pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(1));
    };
    let elapsed = started.elapsed();
    let (found, failed) = counting.join().expect("counted");
    assert_eq!(status.code(), Some(1), "unknown ids were refused, nothing else failed");
    report(ids.len(), elapsed, peak, found, failed);
}

/// The figures of one measurement.
fn report(count: usize, elapsed: Duration, peak_rss_kib: u64, found: usize, failed: usize) {
    assert_eq!(found + failed, count, "one line per order");
    assert_eq!(failed, count / 100, "the unknown ids, and only them, failed");
    println!("orders={count}");
    println!("failed={failed}");
    println!("elapsed_ms={:.1}", elapsed.as_secs_f64() * 1000.0);
    println!("per_second={:.0}", count as f64 / elapsed.as_secs_f64());
    println!("peak_rss_kib={peak_rss_kib}");
}

/// The peak resident set size of a process (`self` or a pid), in KiB: `VmHWM` of
/// `/proc/PID/status`; `None` once it has exited.
fn peak_rss_kib(process: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

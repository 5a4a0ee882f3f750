//! `cargo xtask bench`: runs the benchmarks of `pesapal-bench` and prints the ratios that
//! `docs/PERFORMANCE.md` records.
//!
//! 1. Per-call overhead (criterion, `cargo bench -p pesapal-bench`): pesapal-api against a
//!    hand-written reqwest + serde client on the same loopback server, same run.
//! 2. Cold-start fan-out and 3. steady-state round trips (`round_trips` binary).
//! 4. Decoding: pesapal-api (generated type + mapping) against a plain serde struct (criterion).
//! 5. The simulator as a test bench (criterion, `benches/test_bench.rs`): `Simulator::start()`
//!    and full in-process checkouts per second.
//! 6. Reconciliation (`benches/reconcile.rs`): 10,000 orders against the in-process simulator,
//!    32 in flight, through `Pesapal::reconcile` and through `pesapal reconcile` (built in release
//!    first): orders per second, and the peak RSS for 1,000 against 10,000 orders.
//! 7. With `--compile`: clean debug builds of a tiny binary using pesapal-api against one using
//!    reqwest + serde + tokio with the same TLS features, alternated `--rounds` times (at least
//!    3), compared by the medians of wall time and of CPU time (user + sys of the whole build).

use crate::host;
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One row of the report.
pub struct Row {
    /// What is measured.
    pub measure: String,
    /// pesapal-api's figure.
    pub sdk: String,
    /// The floor's figure.
    pub floor: String,
    /// sdk / floor.
    pub ratio: Option<f64>,
    /// The target, in words.
    pub target: &'static str,
}

/// [`host::cargo`] in the workspace at `root`.
fn cargo(root: &Path) -> Command {
    let mut command = host::cargo();
    command.current_dir(root);
    command
}

fn run(mut command: Command) -> Result<String> {
    let output = command.output().with_context(|| format!("cannot run {command:?}"))?;
    if !output.status.success() {
        bail!("{command:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A point estimate (`mean` or `median`) of a criterion benchmark, in nanoseconds.
fn criterion_estimate(root: &Path, group: &str, bench: &str, estimate: &str) -> Result<f64> {
    let path = host::target_dir(root).join("criterion").join(group).join(bench).join("new/estimates.json");
    let estimates: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).with_context(|| format!("no criterion result at {}", path.display()))?,
    )?;
    estimates
        .pointer(&format!("/{estimate}/point_estimate"))
        .and_then(Value::as_f64)
        .with_context(|| format!("estimates.json without a {estimate}"))
}

/// Mean time of a criterion benchmark, in nanoseconds.
fn criterion_mean(root: &Path, group: &str, bench: &str) -> Result<f64> {
    criterion_estimate(root, group, bench, "mean")
}

fn micros(nanos: f64) -> String {
    if nanos >= 1000.0 { format!("{:.1} µs", nanos / 1000.0) } else { format!("{nanos:.0} ns") }
}

/// Runs everything and returns the rows; `compile_rounds` clean builds of each tiny binary with
/// `--compile` (`None`: no clean builds).
pub fn measure(root: &Path, compile_rounds: Option<u32>) -> Result<Vec<Row>> {
    let mut rows = runtime_rows(root)?;
    rows.extend(simulator_rows(root)?);
    rows.extend(reconcile_rows(root)?);
    if let Some(rounds) = compile_rounds {
        rows.extend(compile_rows(root, rounds)?);
    }
    Ok(rows)
}

/// The clean-build comparison alone (`cargo xtask bench --compile-only`): medians of `rounds`
/// alternating clean builds of each tiny binary, by wall time and by CPU time.
pub fn compile_rows(root: &Path, rounds: u32) -> Result<Vec<Row>> {
    let [sdk, floor] = compile_times(root, rounds)?;
    let seconds = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    let spread = |builds: &Builds, cpu: bool| {
        builds.iter().map(|b| format!("{:.1}", if cpu { b.cpu } else { b.wall }.as_secs_f64())).collect::<Vec<_>>()
    };
    let mut rows = vec![Row {
        measure: format!(
            "clean debug build of a tiny binary, wall time (median of {rounds}; sdk {:?} s, floor {:?} s)",
            spread(&sdk, false),
            spread(&floor, false)
        ),
        sdk: seconds(median(&sdk, |b| b.wall)),
        floor: seconds(median(&floor, |b| b.wall)),
        ratio: Some(median(&sdk, |b| b.wall).as_secs_f64() / median(&floor, |b| b.wall).as_secs_f64()),
        target: "≤ 1.3",
    }];
    if sdk.iter().chain(&floor).all(|b| !b.cpu.is_zero()) {
        rows.push(Row {
            measure: format!(
                "clean debug build of a tiny binary, CPU user+sys (median of {rounds}; sdk {:?} s, floor {:?} s)",
                spread(&sdk, true),
                spread(&floor, true)
            ),
            sdk: seconds(median(&sdk, |b| b.cpu)),
            floor: seconds(median(&floor, |b| b.cpu)),
            ratio: Some(median(&sdk, |b| b.cpu).as_secs_f64() / median(&floor, |b| b.cpu).as_secs_f64()),
            target: "≤ 1.3",
        });
    }
    Ok(rows)
}

/// The simulator as a test bench: start time and checkouts per second (criterion medians).
fn simulator_rows(root: &Path) -> Result<Vec<Row>> {
    eprintln!("running the simulator benchmarks (cargo bench -p pesapal-bench --bench test_bench)…");
    let mut bench = cargo(root);
    bench.args(["bench", "-p", "pesapal-bench", "--bench", "test_bench"]);
    run(bench)?;
    let start = criterion_estimate(root, "simulator start", "start", "median")?;
    let checkout = criterion_estimate(root, "simulator checkout", "checkout", "median")?;
    Ok(vec![
        Row {
            measure: "simulator: Simulator::start() (criterion median)".into(),
            sdk: micros(start),
            floor: "—".into(),
            ratio: None,
            target: "≤ 5 ms",
        },
        Row {
            measure: "simulator: full in-process checkouts per second (token → IPN registered → submit → pay → IPN \
                      delivered and verified → refund; criterion median)"
                .into(),
            sdk: format!("{:.0} /s", 1e9 / checkout),
            floor: "—".into(),
            ratio: None,
            target: "≥ 500 /s",
        },
    ])
}

/// Reconciliation: orders per second through the library stream and the command, and whether
/// their peak memory grows from 1,000 to 10,000 orders (`benches/reconcile.rs`).
fn reconcile_rows(root: &Path) -> Result<Vec<Row>> {
    eprintln!("building the command (cargo build --release -p pesapal-cli)…");
    let mut build = cargo(root);
    build.args(["build", "--release", "-q", "-p", "pesapal-cli"]);
    run(build)?;
    eprintln!("running the reconciliation benchmark (cargo bench -p pesapal-bench --bench reconcile)…");
    let mut bench = cargo(root);
    bench.args(["bench", "-q", "-p", "pesapal-bench", "--bench", "reconcile"]);
    let values: BTreeMap<String, String> =
        run(bench)?.lines().filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned()))).collect();
    let number = |key: &str| -> Result<f64> {
        Ok(values.get(key).with_context(|| format!("the reconcile benchmark printed no {key}"))?.parse()?)
    };
    let mib = |kib: f64| format!("{:.1} MiB", kib / 1024.0);
    let mut rows = Vec::new();
    for (way, label, timed) in [
        ("library", "`Pesapal::reconcile`", ""),
        ("cli", "`pesapal reconcile --from FILE`", " (process start and token included)"),
    ] {
        rows.push(Row {
            measure: format!("reconcile: 10000 orders through {label}, 32 in flight, orders per second{timed}"),
            sdk: format!("{:.0} /s", number(&format!("{way}_10000_per_second"))?),
            floor: "—".into(),
            ratio: None,
            target: "≥ 2,000 /s",
        });
        let (small, large) =
            (number(&format!("{way}_1000_peak_rss_kib"))?, number(&format!("{way}_10000_peak_rss_kib"))?);
        let whose = if way == "library" { "the process, simulator included" } else { "the `pesapal` process" };
        rows.push(Row {
            measure: format!("reconcile through {label}: peak RSS of {whose}, 10000 orders (floor column: 1000)"),
            sdk: mib(large),
            floor: mib(small),
            ratio: Some(large / small),
            target: "≈ 1.00 (no growth with the count)",
        });
    }
    Ok(rows)
}

/// Criterion, round trips and paired latencies.
fn runtime_rows(root: &Path) -> Result<Vec<Row>> {
    eprintln!("running criterion benchmarks (cargo bench -p pesapal-bench)…");
    let mut bench = cargo(root);
    bench.args(["bench", "-p", "pesapal-bench", "--bench", "overhead"]);
    run(bench)?;
    let mut rows = Vec::new();
    for (group, target) in [
        ("GetTransactionStatus", "(see paired)"),
        ("SubmitOrderRequest", "(see paired)"),
        ("decode GetTransactionStatus", "≤ 2"),
    ] {
        let (raw, sdk) = (criterion_mean(root, group, "raw")?, criterion_mean(root, group, "sdk")?);
        let measure =
            if group.starts_with("decode") { group.to_owned() } else { format!("per call, criterion means: {group}") };
        rows.push(Row { measure, sdk: micros(sdk), floor: micros(raw), ratio: Some(sdk / raw), target });
        if !group.starts_with("decode") {
            let defaults = criterion_mean(root, group, "sdk_defaults")?;
            rows.push(Row {
                measure: format!("per call: {group}, SDK default HTTP settings (30 s timeout)"),
                sdk: micros(defaults),
                floor: micros(raw),
                ratio: Some(defaults / raw),
                target: "(informative)",
            });
        }
    }

    eprintln!("running the round-trip counts (cargo run --release -p pesapal-bench --bin round_trips)…");
    let mut trips = cargo(root);
    trips.args(["run", "--release", "-q", "-p", "pesapal-bench", "--bin", "round_trips"]);
    let values: BTreeMap<String, String> =
        run(trips)?.lines().filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned()))).collect();
    let value = |key: &str| values.get(key).cloned().with_context(|| format!("round_trips printed no {key}"));
    for (name, label, target) in [
        ("status", "GetTransactionStatus", "≤ 1.05"),
        ("submit", "SubmitOrderRequest", "≤ 1.05"),
        ("floor", "GetTransactionStatus, the floor against a second floor client", "≈ 1.00 (the pairing's zero)"),
        (
            "generated_decode",
            "GetTransactionStatus, the floor's request code decoding into the generated type",
            "(informative)",
        ),
        ("generated", "GetTransactionStatus, generated client's send() (not used by pesapal-api)", "(informative)"),
        (
            "exchange",
            "GetTransactionStatus, generated client + raw answer kept through its hooks (not used by pesapal-api)",
            "(informative)",
        ),
    ] {
        let (raw, sdk): (f64, f64) =
            (value(&format!("paired_{name}_raw_us"))?.parse()?, value(&format!("paired_{name}_sdk_us"))?.parse()?);
        rows.push(Row {
            measure: format!("per call, paired medians (5000 alternating calls): {label}"),
            sdk: format!("{sdk:.1} µs"),
            floor: format!("{raw:.1} µs"),
            ratio: Some(sdk / raw),
            target,
        });
    }
    rows.push(Row {
        measure: "cold start: 1000 concurrent status calls (token requests)".into(),
        sdk: value("fan_out_token_requests")?,
        floor: "1 (fetched up front)".into(),
        ratio: None,
        target: "exactly 1",
    });
    let (sdk_ms, raw_ms): (f64, f64) = (value("fan_out_sdk_ms")?.parse()?, value("fan_out_raw_ms")?.parse()?);
    rows.push(Row {
        measure: "cold start: 1000 concurrent status calls (total time)".into(),
        sdk: format!("{sdk_ms:.1} ms"),
        floor: format!("{raw_ms:.1} ms"),
        ratio: Some(sdk_ms / raw_ms),
        target: "(informative)",
    });
    rows.push(Row {
        measure: format!("steady state: HTTP round trips per call over {} calls", value("steady_calls")?),
        sdk: value("steady_round_trips_per_call")?,
        floor: "2.00 (token per call)".into(),
        ratio: None,
        target: "1.00",
    });
    Ok(rows)
}

const SDK_APP: &str = r#"fn main() {
    let client = pesapal_api::Pesapal::builder()
        .credentials(pesapal_api::Credentials::new("key", "secret"))
        .build()
        .expect("client");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async { drop(client.transaction_status(uuid::Uuid::nil()).await) });
}
"#;

const FLOOR_APP: &str = r#"#[derive(serde::Deserialize)]
struct Status { status: String }
fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        if let Ok(response) = client.get("https://cybqa.pesapal.com/pesapalv3").send().await {
            drop(response.json::<Status>().await.map(|s| s.status));
        }
    });
}
"#;

/// One clean build's times: wall clock, and CPU (user + sys of cargo and every compiler it ran).
#[derive(Debug, Clone, Copy)]
struct Build {
    wall: Duration,
    cpu: Duration,
}

type Builds = Vec<Build>;

/// The median of `value` over `builds` (the mean of the middle two for an even count).
fn median(builds: &[Build], value: impl Fn(&Build) -> Duration) -> Duration {
    let mut values: Vec<Duration> = builds.iter().map(value).collect();
    values.sort();
    match values.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

/// CPU time (user + sys) of this process's waited-for children and their descendants, from
/// `/proc/self/stat` (`cutime` + `cstime`, in USER_HZ = 100 ticks per second on Linux); zero
/// where there is no `/proc`.
fn children_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return Duration::ZERO };
    // The fields after the command name, which is in parentheses and may contain spaces.
    let Some((_, rest)) = stat.rsplit_once(')') else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 16 and 17 of the whole line (cutime, cstime) are 13 and 14 after the command name.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis((ticks(13) + ticks(14)) * 10)
}

/// Clean debug builds of the two tiny binaries, each in its own fresh target directory,
/// alternating `rounds` times: every build's wall and CPU time, SDK app first.
fn compile_times(root: &Path, rounds: u32) -> Result<[Builds; 2]> {
    let dir = std::env::temp_dir().join(format!("pesapal-compile-{}", std::process::id()));
    let api = root.join("pesapal-api");
    let apps = [
        (
            "sdk-app",
            format!(
                "pesapal-api = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"rt\"] }}\nuuid = \"1\"\n",
                api.display().to_string()
            ),
            SDK_APP,
        ),
        (
            "floor-app",
            "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"rustls-no-provider\"] }\n\
             rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n\
             serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"rt\"] }\n"
                .to_owned(),
            FLOOR_APP,
        ),
    ];
    let mut app_dirs = Vec::new();
    for (name, deps, main) in apps {
        let app = dir.join(name);
        std::fs::create_dir_all(app.join("src"))?;
        std::fs::write(
            app.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{deps}\n[workspace]\n"
            ),
        )?;
        std::fs::write(app.join("src/main.rs"), main)?;
        // Resolve and download first, so that only compilation is timed.
        let mut fetch = cargo(&app);
        fetch.arg("fetch");
        run(fetch)?;
        app_dirs.push((name, app));
    }
    // The two builds alternate, so that the drift of a shared 2-core machine hits both alike;
    // the medians are compared, by wall time and by CPU time (which other users of the machine
    // disturb much less than wall time).
    let mut builds: [Builds; 2] = [Vec::new(), Vec::new()];
    for round in 1..=rounds {
        for (i, (name, app)) in app_dirs.iter().enumerate() {
            let target = app.join("target");
            std::fs::remove_dir_all(&target).ok();
            eprintln!("clean debug build of {name} (round {round} of {rounds})…");
            let (started, cpu_before) = (Instant::now(), children_cpu());
            let mut build = cargo(app);
            build.args(["build", "-q"]).env("CARGO_TARGET_DIR", &target);
            run(build)?;
            builds[i].push(Build { wall: started.elapsed(), cpu: children_cpu().saturating_sub(cpu_before) });
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(builds)
}

/// Clean builds of each tiny binary `--compile` times by default (and at least).
pub const COMPILE_ROUNDS: u32 = 3;

/// The rows as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from("| measure | pesapal-api | floor | ratio | target |\n| --- | --- | --- | --- | --- |\n");
    for row in rows {
        let ratio = row.ratio.map_or_else(|| "—".to_owned(), |r| format!("{r:.2}"));
        out.push_str(&format!("| {} | {} | {} | {ratio} | {} |\n", row.measure, row.sdk, row.floor, row.target));
    }
    out
}

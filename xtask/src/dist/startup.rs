//! `cargo xtask dist --bench`: the time from `Simulator()` (Python) and `startSimulator()`
//! (Node.js) to the first answered request, with the release binary as the wheel and the
//! platform package install it (`packaging/python/bench/startup.py`,
//! `packaging/npm/bench/startup.mjs`), and the artifacts' sizes. Figures go to
//! docs/PERFORMANCE.md; nothing here asserts a time.

use super::layout::Dist;
use super::tested::without_rust;
use super::{npm, wheel};
use crate::host::{size, step};
use anyhow::{Context, Result, ensure};
use std::path::Path;
use std::process::Command;

/// Startup rounds per runtime.
pub const ROUNDS: u32 = 30;

fn measured(command: &mut Command) -> Result<serde_json::Value> {
    let output = command.output().context("cannot run the startup benchmark")?;
    ensure!(output.status.success(), "the startup benchmark failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.lines().last().unwrap_or_default()).context("the benchmark printed no JSON line")
}

fn mib(bytes: u64) -> String {
    format!("{:.2} MiB ({bytes} bytes)", bytes as f64 / (1024.0 * 1024.0))
}

/// Builds the wheel and the npm packages, installs them as users do, measures; a Markdown report.
pub fn measure(dist: &Dist, rounds: u32) -> Result<String> {
    let binary = dist.release_binary()?;
    let whl = wheel::build(dist)?;
    let tarballs = npm::build(dist, &binary)?;
    let mut report = String::from("| Artifact | Size |\n|---|---|\n");
    let mut row = |name: &str, path: &Path| -> Result<()> {
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        report += &format!("| {name} `{file}` | {} |\n", mib(size(path)?));
        Ok(())
    };
    row("release binary", &binary)?;
    row("Python wheel", &whl)?;
    row("npm package", &tarballs[0])?;
    row("npm platform package", &tarballs[1])?;

    let bin = wheel::install(dist, &whl, "python-bench")?;
    step(&format!("startup: Simulator() to the first answer, {rounds} rounds"));
    let mut python = Command::new(bin.join("python"));
    python.arg(dist.root.join("packaging/python/bench/startup.py")).arg(rounds.to_string());
    without_rust(&mut python, &bin)?;
    let python = measured(&mut python)?;

    let project = npm::install(dist, &tarballs, "npm-bench")?;
    std::fs::copy(dist.root.join("packaging/npm/bench/startup.mjs"), project.join("startup.mjs"))?;
    step(&format!("startup: startSimulator() to the first answer, {rounds} rounds"));
    let node_bin = project.join("node_modules").join(".bin");
    let mut node = Command::new("node");
    node.arg("startup.mjs").arg(rounds.to_string()).current_dir(&project);
    without_rust(&mut node, &node_bin)?;
    let node = measured(&mut node)?;

    report += "\n| From | to the first answered request | median | p90 | min | max |\n|---|---|---|---|---|---|\n";
    for (from, result) in [("`Simulator()` (Python)", &python), ("`startSimulator()` (Node.js)", &node)] {
        let ms = |key: &str| result[key].as_f64().map_or_else(|| "?".into(), |v| format!("{v:.1} ms"));
        report += &format!(
            "| {from}, {} | `GET /_sim`, {} rounds | {} | {} | {} | {} |\n",
            result["runner"].as_str().unwrap_or("?"),
            result["rounds"],
            ms("median_ms"),
            ms("p90_ms"),
            ms("min_ms"),
            ms("max_ms"),
        );
    }
    Ok(report)
}

//! `cargo xtask test`: every test of the project, on a fresh machine.
//!
//! 1. Installs what the tests need when it is missing and it can: Debian's `chromium` and
//!    `chromium-driver` (browser test) with apt-get when running as root; the pinned Python tools
//!    (`xlang/requirements.txt`) into a virtualenv and the pinned npm tools (`xlang/package.json`,
//!    `xlang/package-lock.json`) into the cache directory (`target/xlang`, or
//!    `$PESAPAL_XLANG_CACHE`). What it cannot install it names, with the command that installs it.
//! 2. Runs `cargo test --workspace --all-features` (with the browser test), lints the spec and the
//!    simulator's control API description with Spectral and Redocly (0 errors, 0 warnings), runs
//!    the cross-language checkouts (`xlang/flows.sh`) and Schemathesis (`xlang/schemathesis.sh`)
//!    against pesapal-sim, then tests the simulator's artifacts as their users would (the wheel
//!    with pytest, the npm packages with `node:test`, the container image with podman).

use crate::dist::{image, layout::Dist, npm, tested::Tested, wheel};
use crate::host::{apt_install, cargo, current, ensure_node, found, pinned_venv, run, step, target_dir, write_stamp};
use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One part of the test run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// `cargo test --workspace --all-features`, browser test included.
    Workspace,
    /// Spectral and Redocly on spec/pesapal.openapi.json and spec/pesapal-sim-control.openapi.json.
    Lint,
    /// Python and TypeScript clients generated from the spec, type-checked, run against pesapal-sim;
    /// strict pydantic and zod models validate the corpus and every answer the flows got.
    Xlang,
    /// Schemathesis against pesapal-sim.
    Schemathesis,
    /// The Python wheel in a fresh virtualenv: pytest with its fixture (`packaging/python/tests`).
    Python,
    /// The npm tarballs in a scratch project: tsc and a `node:test` checkout (`packaging/npm/test`).
    Npm,
    /// The container image run with podman (installed as root when missing), a checkout from the host.
    Container,
}

impl Part {
    /// Every part, in the order they run.
    pub const ALL: [Part; 7] =
        [Part::Workspace, Part::Lint, Part::Xlang, Part::Schemathesis, Part::Python, Part::Npm, Part::Container];
}

/// Where things are.
struct Layout {
    root: PathBuf,
    cache: PathBuf,
    target: PathBuf,
}

impl Layout {
    fn new(root: &Path) -> Layout {
        let target = target_dir(root);
        let cache = std::env::var_os("PESAPAL_XLANG_CACHE").map_or_else(|| target.join("xlang"), PathBuf::from);
        Layout { root: root.to_path_buf(), cache, target }
    }

    fn xlang(&self) -> PathBuf {
        self.root.join("xlang")
    }

    fn npm_bin(&self, tool: &str) -> PathBuf {
        self.cache.join("npm").join("node_modules").join(".bin").join(tool)
    }
}

/// `chromium` and `chromedriver`, for the browser test.
fn ensure_browser() -> Result<()> {
    if found("chromium") && found("chromedriver") {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"], "the browser test (pesapal-sim/tests/browser.rs)")?;
    ensure!(found("chromium") && found("chromedriver"), "chromium and chromedriver are still not on PATH");
    Ok(())
}

/// The virtualenv with the pinned Python tools.
fn ensure_python(layout: &Layout) -> Result<()> {
    let requirements = layout.xlang().join("requirements.txt");
    pinned_venv(&layout.cache.join("venv"), &requirements, "the cross-language tests and Schemathesis")?;
    Ok(())
}

/// node_modules with the pinned npm tools (`npm ci` from the lock file).
fn ensure_npm(layout: &Layout) -> Result<()> {
    let manifest = layout.xlang().join("package.json");
    let lock = layout.xlang().join("package-lock.json");
    let dir = layout.cache.join("npm");
    let stamp = dir.join("pesapal-npm-pins");
    if current(&stamp, &[&manifest, &lock])? && layout.npm_bin("tsc").exists() {
        return Ok(());
    }
    ensure_node("the TypeScript test and the spec lint (Node.js 20 or newer)")?;
    step(&format!("installing the pinned npm tools into {}", dir.display()));
    std::fs::create_dir_all(&dir)?;
    std::fs::copy(&manifest, dir.join("package.json"))?;
    std::fs::copy(&lock, dir.join("package-lock.json"))?;
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))?;
    write_stamp(&stamp, &[&manifest, &lock])
}

/// The OpenAPI documents linted: Pesapal's API and the simulator's control API.
const LINTED: [&str; 2] = ["pesapal.openapi.json", "pesapal-sim-control.openapi.json"];

/// Spectral and Redocly on every document of [`LINTED`]: 0 errors and 0 warnings.
fn lint(layout: &Layout) -> Result<()> {
    for name in LINTED {
        lint_one(layout, &layout.root.join("spec").join(name))?;
    }
    Ok(())
}

fn lint_one(layout: &Layout, spec: &Path) -> Result<()> {
    let name = spec.file_name().unwrap_or_default().to_string_lossy();
    step(&format!("spec lint: Spectral (.spectral.yaml) on {name}"));
    run(Command::new(layout.npm_bin("spectral"))
        .args(["lint", "--fail-severity", "warn", "--ruleset"])
        .arg(layout.root.join(".spectral.yaml"))
        .arg(spec))?;
    step(&format!("spec lint: Redocly (redocly.yaml) on {name}"));
    let output = Command::new(layout.npm_bin("redocly"))
        .args(["lint", "--format", "json", "--config"])
        .arg(layout.root.join("redocly.yaml"))
        .arg(spec)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .context("cannot start redocly")?;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("redocly printed no JSON report: {}", String::from_utf8_lossy(&output.stderr)))?;
    let count = |kind: &str| report.pointer(&format!("/totals/{kind}")).and_then(serde_json::Value::as_u64);
    let (errors, warnings) = (count("errors"), count("warnings"));
    if errors != Some(0) || warnings != Some(0) {
        let problems = serde_json::to_string_pretty(&report["problems"]).unwrap_or_default();
        bail!("Redocly on {name}: {errors:?} error(s), {warnings:?} warning(s):\n{problems}");
    }
    println!("Redocly: 0 errors, 0 warnings");
    Ok(())
}

/// The simulator binary the cross-language tests and Schemathesis run against.
fn simulator(layout: &Layout) -> Result<PathBuf> {
    run(cargo().args(["build", "--quiet", "--locked", "-p", "pesapal-sim", "--bin", "pesapal-sim"]))?;
    Ok(layout.target.join("debug").join("pesapal-sim"))
}

/// The artifacts' parts among `parts` (Python, Npm, Container), in that order; the parts that
/// could not run here, with the reason.
fn artifacts(root: &Path, parts: &[Part]) -> Result<Vec<(Part, String)>> {
    type Test = fn(&Dist) -> Result<Tested>;
    let tests: [(Part, Test); 3] =
        [(Part::Python, wheel::test), (Part::Npm, npm::test), (Part::Container, image::test)];
    let mut not_run = Vec::new();
    for (part, test) in tests {
        if !parts.contains(&part) {
            continue;
        }
        if let Tested::NotRun(why) = test(&Dist::new(root)?)? {
            println!("\n{part:?}: NOT RUN: {why}");
            not_run.push((part, why));
        }
    }
    Ok(not_run)
}

/// Runs the given parts (all of them when empty), installing what they need first.
pub fn run_parts(root: &Path, parts: &[Part]) -> Result<()> {
    let parts = if parts.is_empty() { &Part::ALL[..] } else { parts };
    let layout = Layout::new(root);
    let wants = |part| parts.contains(&part);
    if wants(Part::Workspace) {
        ensure_browser()?;
    }
    if wants(Part::Xlang) || wants(Part::Schemathesis) {
        ensure_python(&layout)?;
    }
    if wants(Part::Xlang) || wants(Part::Lint) {
        ensure_npm(&layout)?;
    }
    if wants(Part::Workspace) {
        step("cargo test --workspace --all-features (with the browser test)");
        run(cargo().args(["test", "--workspace", "--all-features", "--locked"]).current_dir(root))?;
        // The docs-change test builds a scratch copy of the workspace in this target directory, so
        // it is `#[ignore]`d and runs on its own afterwards: no other test (the doc tests are
        // last) reads a dependency while that build rewrites it.
        step("the docs-change test (xtask/tests/maintainer/docs_change.rs)");
        run(cargo()
            .args(["test", "-p", "xtask", "--all-features", "--locked", "--test", "maintainer", "--", "--ignored"])
            .current_dir(root))?;
    }
    if wants(Part::Lint) {
        lint(&layout)?;
    }
    let script = |name: &str, sim: &Path| {
        let mut command = Command::new("bash");
        command.arg(layout.xlang().join(name)).arg(&layout.cache).arg(sim).current_dir(root);
        command
    };
    if wants(Part::Xlang) || wants(Part::Schemathesis) {
        let sim = simulator(&layout)?;
        if wants(Part::Xlang) {
            step("cross-language checkouts (Python, TypeScript) against pesapal-sim");
            run(&mut script("flows.sh", &sim))?;
        }
        if wants(Part::Schemathesis) {
            step("Schemathesis against pesapal-sim");
            run(&mut script("schemathesis.sh", &sim))?;
        }
    }
    let not_run = artifacts(root, parts)?;
    let ran: Vec<_> = parts.iter().filter(|p| !not_run.iter().any(|(n, _)| n == *p)).collect();
    if !ran.is_empty() {
        println!(
            "\nall tests passed: {}",
            ran.iter().map(|p| format!("{p:?}").to_lowercase()).collect::<Vec<_>>().join(", ")
        );
    }
    for (part, why) in &not_run {
        println!("NOT RUN (not passed): {}: {why}", format!("{part:?}").to_lowercase());
    }
    Ok(())
}

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
//!    against pesapal-sim, then tests the simulator's artifacts as their users would
//!    ([`crate::dist::test_parts`]: the wheel with pytest, the npm packages with `node:test`, the
//!    container image with podman).

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
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
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

pub(crate) fn step(what: &str) {
    println!("\n==> {what}");
}

/// Runs `command`, failing with its name when it does not succeed.
pub(crate) fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command.status().with_context(|| format!("cannot start {shown}"))?;
    ensure!(status.success(), "{shown} failed ({status})");
    Ok(())
}

/// True when `program` is on PATH.
pub(crate) fn found(program: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {program} >/dev/null")).status().is_ok_and(|s| s.success())
}

pub(crate) fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs Debian packages as root, or says exactly what to install.
pub(crate) fn apt_install(packages: &[&str], why: &str) -> Result<()> {
    let line = format!("apt-get install -y {}", packages.join(" "));
    if !is_root() {
        bail!("{why} needs {}: install them with `sudo {line}` and run `cargo xtask test` again", packages.join(", "));
    }
    step(&format!("installing {} ({why})", packages.join(" ")));
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get").args(["install", "-y"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"))
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

/// True when `stamp` holds exactly the text of `pins`: the install made from these pins is current.
pub(crate) fn current(stamp: &Path, pins: &[&Path]) -> Result<bool> {
    let mut expected = String::new();
    for pin in pins {
        expected += &std::fs::read_to_string(pin).with_context(|| format!("cannot read {}", pin.display()))?;
    }
    Ok(std::fs::read_to_string(stamp).is_ok_and(|text| text == expected))
}

pub(crate) fn write_stamp(stamp: &Path, pins: &[&Path]) -> Result<()> {
    let mut text = String::new();
    for pin in pins {
        text += &std::fs::read_to_string(pin)?;
    }
    std::fs::write(stamp, text).with_context(|| format!("cannot write {}", stamp.display()))
}

/// The virtualenv with the pinned Python tools.
fn ensure_python(layout: &Layout) -> Result<()> {
    let requirements = layout.xlang().join("requirements.txt");
    let venv = layout.cache.join("venv");
    let stamp = venv.join("pesapal-requirements.txt");
    if current(&stamp, &[&requirements])? {
        return Ok(());
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if !found(&python) {
        apt_install(&["python3", "python3-venv"], "the cross-language tests and Schemathesis")?;
    }
    step(&format!("installing the pinned Python tools into {}", venv.display()));
    if !venv.join("bin").join("python").exists()
        && !Command::new(&python).args(["-m", "venv"]).arg(&venv).status().is_ok_and(|s| s.success())
    {
        apt_install(&["python3-venv"], "the virtualenv of the Python tools")?;
        run(Command::new(&python).args(["-m", "venv", "--clear"]).arg(&venv))?;
    }
    run(Command::new(venv.join("bin").join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "--requirement"])
        .arg(&requirements))?;
    write_stamp(&stamp, &[&requirements])
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
    if !found("node") || !found("npm") {
        apt_install(&["nodejs", "npm"], "the TypeScript test and the spec lint (Node.js 20 or newer)")?;
    }
    step(&format!("installing the pinned npm tools into {}", dir.display()));
    std::fs::create_dir_all(&dir)?;
    std::fs::copy(&manifest, dir.join("package.json"))?;
    std::fs::copy(&lock, dir.join("package-lock.json"))?;
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))?;
    write_stamp(&stamp, &[&manifest, &lock])
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
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
    let not_run = crate::dist::test_parts(root, parts)?;
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

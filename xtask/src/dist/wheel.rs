//! The Python wheel: maturin's `bin` bindings put the release binary in the wheel's scripts
//! (the way ruff ships its binary) beside the `pesapal_sim` package of `packaging/python/python/`.
//! Its test installs the wheel into a fresh virtualenv with no Rust toolchain on PATH and runs
//! `packaging/python/tests/` with pytest (through the package's `pesapal_sim` fixture), after
//! `mypy --strict` checks those tests against the wheel's types.

use super::layout::Dist;
use super::tested::{Tested, without_rust};
use crate::host::{fresh_venv, pinned_venv, run, step};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::Command;

fn packaging(dist: &Dist) -> PathBuf {
    dist.root.join("packaging").join("python")
}

/// Builds `target/dist/pesapal_sim-<version>-py3-none-<platform>.whl` with the pinned maturin.
pub fn build(dist: &Dist) -> Result<PathBuf> {
    let tools = pinned_venv(
        &dist.work.join("tools-venv"),
        &packaging(dist).join("requirements-build.txt"),
        "the Python wheel",
    )?;
    let out = dist.out_dir()?;
    step("maturin build --release (the Python wheel)");
    run(Command::new(tools.join("maturin"))
        .args(["build", "--release", "--quiet", "--out"])
        .arg(out)
        .current_dir(packaging(dist)))?;
    dist.artifact(&format!("pesapal_sim-{}-py3-none-", dist.version), ".whl")
}

/// `wheel` and the pinned test tools installed into a fresh virtualenv under
/// `target/dist-work/<name>`; its `bin/` directory.
pub fn install(dist: &Dist, wheel: &std::path::Path, name: &str) -> Result<PathBuf> {
    let scratch = dist.scratch(name)?;
    let bin = fresh_venv(&scratch.join("venv"), "the virtualenvs of the Python wheel")?;
    step(&format!("pip install {} into a fresh virtualenv", wheel.display()));
    run(Command::new(bin.join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "--requirement"])
        .arg(packaging(dist).join("requirements-test.txt"))
        .arg(wheel))?;
    Ok(bin)
}

/// The wheel installed into a fresh virtualenv with the pinned test tools; pytest and
/// `mypy --strict` on `packaging/python/tests/`, with no Rust toolchain on PATH.
pub fn test(dist: &Dist) -> Result<Tested> {
    let wheel = build(dist)?;
    let bin = install(dist, &wheel, "python-test")?;
    let scratch = dist.work.join("python-test");
    let tests = scratch.join("tests");
    std::fs::create_dir_all(&tests)?;
    for entry in std::fs::read_dir(packaging(dist).join("tests")).context("cannot read packaging/python/tests")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "py") {
            std::fs::copy(&path, tests.join(path.file_name().context("a test file has no name")?))?;
        }
    }
    step("mypy --strict packaging/python/tests (the wheel's types)");
    let mut mypy = Command::new(bin.join("mypy"));
    mypy.args(["--strict", "--cache-dir"]).arg(scratch.join("mypy-cache")).arg(&tests).current_dir(&scratch);
    without_rust(&mut mypy, &bin)?;
    run(&mut mypy)?;
    step("pytest packaging/python/tests (the installed wheel, no Rust toolchain on PATH)");
    let mut pytest = Command::new(bin.join("python"));
    pytest.args(["-m", "pytest", "-p", "no:cacheprovider", "-v", "tests"]).current_dir(&scratch);
    without_rust(&mut pytest, &bin)?;
    run(&mut pytest)?;
    Ok(Tested::Passed)
}

//! What the tests of the artifacts share: what a test came to ([`Tested`]), and commands run as
//! the artifacts' users run them, with no Rust toolchain.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// What a test of an artifact came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tested {
    /// It ran and passed.
    Passed,
    /// It could not run on this machine, for the reason given (never counted as passed).
    NotRun(String),
}

/// PATH without any directory that holds a Rust toolchain (`cargo`, `rustc`), `first` in front:
/// the tests of the artifacts run as their users would, with no Rust.
fn path_without_rust(first: &Path) -> Result<std::ffi::OsString> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept = std::env::split_paths(&path).filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists());
    std::env::join_paths(std::iter::once(first.to_path_buf()).chain(kept)).context("PATH cannot be joined")
}

/// `command` with no Rust toolchain reachable: PATH without it, and no cargo/rustup variables.
pub(crate) fn without_rust(command: &mut Command, first_on_path: &Path) -> Result<()> {
    command.env("PATH", path_without_rust(first_on_path)?);
    for var in ["CARGO", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "RUSTC", "CARGO_TARGET_DIR"] {
        command.env_remove(var);
    }
    Ok(())
}

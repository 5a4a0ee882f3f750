//! Where the artifacts and their tools go, and what they are named after ([`Dist`]).

use crate::host::{cargo, run, step, target_dir};
use anyhow::{Context, Result, ensure};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the artifacts and their tools go, and what they are named after.
#[derive(Debug, Clone)]
pub struct Dist {
    /// The workspace root.
    pub root: PathBuf,
    /// Cargo's target directory.
    pub target: PathBuf,
    /// The artifacts: `target/dist`.
    pub out: PathBuf,
    /// Tools, staging directories and the tests' scratch projects: `target/dist-work`.
    pub work: PathBuf,
    /// The crates' version (the workspace's).
    pub version: String,
    /// The Rust target triple of this machine, e.g. `x86_64-unknown-linux-gnu`.
    pub triple: String,
}

impl Dist {
    /// The layout of the workspace at `root`.
    pub fn new(root: &Path) -> Result<Dist> {
        let target = target_dir(root);
        let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .arg("-vV")
            .output()
            .context("cannot run rustc -vV")?;
        let triple = String::from_utf8_lossy(&rustc.stdout)
            .lines()
            .find_map(|line| line.strip_prefix("host: "))
            .context("rustc -vV names no host")?
            .to_owned();
        Ok(Dist {
            root: root.to_path_buf(),
            out: target.join("dist"),
            work: target.join("dist-work"),
            target,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            triple,
        })
    }

    /// `cargo build --release` of the `pesapal-sim` binary; its path.
    pub fn release_binary(&self) -> Result<PathBuf> {
        step("cargo build --release -p pesapal-sim --bin pesapal-sim");
        run(cargo()
            .args(["build", "--release", "--locked", "-p", "pesapal-sim", "--bin", "pesapal-sim"])
            .current_dir(&self.root))?;
        let binary = self.target.join("release").join(format!("pesapal-sim{}", std::env::consts::EXE_SUFFIX));
        ensure!(binary.is_file(), "cargo built no {}", binary.display());
        Ok(binary)
    }

    /// `target/dist`, created.
    pub(crate) fn out_dir(&self) -> Result<&Path> {
        std::fs::create_dir_all(&self.out).with_context(|| format!("cannot create {}", self.out.display()))?;
        Ok(&self.out)
    }

    /// A fresh (emptied) directory under `target/dist-work`.
    pub(crate) fn scratch(&self, name: &str) -> Result<PathBuf> {
        let dir = self.work.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("cannot empty {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(dir)
    }

    /// The one artifact in `target/dist` whose name starts with `prefix` and ends with `suffix`.
    pub fn artifact(&self, prefix: &str, suffix: &str) -> Result<PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&self.out).with_context(|| format!("cannot read {}", self.out.display()))? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.starts_with(prefix) && name.ends_with(suffix) {
                found.push(self.out.join(name));
            }
        }
        ensure!(found.len() == 1, "expected one {prefix}…{suffix} in {}, found {found:?}", self.out.display());
        Ok(found.remove(0))
    }
}

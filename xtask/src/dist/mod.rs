//! `cargo xtask dist`: the release binary of pesapal-sim and every artifact that carries it to
//! its users, in `target/dist/`:
//!
//! - the Python wheel `pesapal_sim-<version>-py3-none-<platform>.whl` ([`wheel`]: maturin `bin`
//!   bindings, with the `pesapal_sim` package of `packaging/python/` and its pytest plugin);
//! - the npm tarballs `pesapal-sim-<version>.tgz` and this platform's
//!   `pesapal-sim-<os>-<cpu>-<version>.tgz` ([`npm`]: the optionalDependencies pattern of esbuild
//!   and biome; sources in `packaging/npm/`);
//! - the binary archive `pesapal-sim-<version>-<target>.tar.gz` ([`archive`]);
//! - with `--image`, the container image of the root `Containerfile` ([`image`]), also saved as
//!   `pesapal-sim-<version>-image-<arch>.tar`.
//!
//! Each module also tests its artifact as its users would use it (`cargo xtask test --only
//! python,npm,container`), and [`startup`] measures the time to a first answer from Python and
//! Node.js (`cargo xtask dist --bench`).

pub mod archive;
pub mod image;
pub mod npm;
pub mod startup;
pub mod wheel;

use crate::test_command::{Part, apt_install, cargo, current, found, run, step, write_stamp};
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

/// What a test of an artifact came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tested {
    /// It ran and passed.
    Passed,
    /// It could not run on this machine, for the reason given (never counted as passed).
    NotRun(String),
}

impl Dist {
    /// The layout of the workspace at `root`.
    pub fn new(root: &Path) -> Result<Dist> {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
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
    fn out_dir(&self) -> Result<&Path> {
        std::fs::create_dir_all(&self.out).with_context(|| format!("cannot create {}", self.out.display()))?;
        Ok(&self.out)
    }

    /// A fresh (emptied) directory under `target/dist-work`.
    fn scratch(&self, name: &str) -> Result<PathBuf> {
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

/// What `cargo xtask dist` writes.
#[derive(Debug, Clone)]
pub struct Written {
    /// Every file written into `target/dist`.
    pub files: Vec<PathBuf>,
    /// The image's tag, with `--image`.
    pub image: Option<String>,
}

/// Builds the release binary and every artifact (the container image too with `image`).
pub fn build_all(dist: &Dist, image: bool) -> Result<Written> {
    let binary = dist.release_binary()?;
    if dist.out.exists() {
        std::fs::remove_dir_all(&dist.out).with_context(|| format!("cannot empty {}", dist.out.display()))?;
    }
    let mut files = vec![wheel::build(dist)?];
    files.extend(npm::build(dist, &binary)?);
    files.push(archive::build(dist, &binary)?);
    let image = if image {
        let built = image::build(dist, &binary)?;
        files.push(built.saved);
        Some(built.tag)
    } else {
        None
    };
    Ok(Written { files, image })
}

/// The artifacts' parts of `cargo xtask test` among `parts` (Python, Npm, Container), in that
/// order; the parts that could not run here, with the reason.
pub fn test_parts(root: &Path, parts: &[Part]) -> Result<Vec<(Part, String)>> {
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

/// A virtualenv at `venv` holding exactly the pins of `requirements` (re-installed when they
/// change); its `bin/` directory.
pub(crate) fn pinned_venv(venv: &Path, requirements: &Path) -> Result<PathBuf> {
    let stamp = venv.join("pesapal-requirements.txt");
    let bin = venv.join("bin");
    if current(&stamp, &[requirements])? && bin.join("python").exists() {
        return Ok(bin);
    }
    fresh_venv(venv)?;
    step(&format!("installing {} into {}", requirements.display(), venv.display()));
    run(Command::new(bin.join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "--requirement"])
        .arg(requirements))?;
    write_stamp(&stamp, &[requirements])?;
    Ok(bin)
}

/// An empty virtualenv at `venv` (re-created); its `bin/` directory.
pub(crate) fn fresh_venv(venv: &Path) -> Result<PathBuf> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if !found(&python) {
        apt_install(&["python3", "python3-venv"], "the Python wheel")?;
    }
    if !Command::new(&python).args(["-m", "venv", "--clear"]).arg(venv).status().is_ok_and(|s| s.success()) {
        apt_install(&["python3-venv"], "the virtualenvs of the Python wheel")?;
        run(Command::new(&python).args(["-m", "venv", "--clear"]).arg(venv))?;
    }
    Ok(venv.join("bin"))
}

/// Node.js and npm, installed with apt-get (as root) when missing.
pub(crate) fn ensure_node() -> Result<()> {
    if !found("node") || !found("npm") {
        apt_install(&["nodejs", "npm"], "the npm packages (Node.js 18 or newer)")?;
    }
    Ok(())
}

/// PATH without any directory that holds a Rust toolchain (`cargo`, `rustc`), `first` in front:
/// the tests of the artifacts run as their users would, with no Rust.
pub(crate) fn path_without_rust(first: &Path) -> Result<std::ffi::OsString> {
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

/// A file's size in bytes, for the report.
pub fn size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len())
}

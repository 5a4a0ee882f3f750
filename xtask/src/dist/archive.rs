//! The binary archive `pesapal-sim-<version>-<target>.tar.gz`: the release binary with the
//! crate's README and the licences, under one top directory of the same name.

use super::layout::Dist;
use crate::host::{run, step};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `target/dist/pesapal-sim-<version>-<target>.tar.gz`.
pub fn build(dist: &Dist, binary: &Path) -> Result<PathBuf> {
    let name = format!("pesapal-sim-{}-{}", dist.version, dist.triple);
    step(&format!("{name}.tar.gz"));
    let staged = dist.scratch("archive")?.join(&name);
    std::fs::create_dir_all(&staged)?;
    let exe = format!("pesapal-sim{}", std::env::consts::EXE_SUFFIX);
    std::fs::copy(binary, staged.join(exe)).context("cannot copy the binary")?;
    for (from, to) in [
        (dist.root.join("pesapal-sim").join("README.md"), "README.md"),
        (dist.root.join("LICENSE-MIT"), "LICENSE-MIT"),
        (dist.root.join("LICENSE-APACHE"), "LICENSE-APACHE"),
    ] {
        std::fs::copy(&from, staged.join(to)).with_context(|| format!("cannot copy {}", from.display()))?;
    }
    let archive = dist.out_dir()?.join(format!("{name}.tar.gz"));
    // Reproducible: sorted names, no owner, a fixed date.
    run(Command::new("tar")
        .args(["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-czf"])
        .arg(&archive)
        .arg("-C")
        .arg(staged.parent().context("the staging directory has no parent")?)
        .arg(&name))?;
    Ok(archive)
}

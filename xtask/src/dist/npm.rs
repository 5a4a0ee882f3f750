//! The npm packages, as esbuild and biome ship their binaries: `pesapal-sim` (the JavaScript API,
//! its types and the `pesapal-sim` command, from `packaging/npm/pesapal-sim/`) names one
//! optional dependency per platform, and npm installs only the one whose `os`, `cpu` and `libc`
//! match: here `@pesapal-sim/<os>-<cpu>`, holding the release binary. Both are packed with
//! `npm pack`. Their test installs the two tarballs into a scratch project (`packaging/npm/test/`,
//! with pinned TypeScript), type-checks a user's code with `tsc --strict` (ESM and CommonJS) and
//! runs its `node:test` checkout.

use super::layout::Dist;
use super::tested::{Tested, without_rust};
use crate::host::{ensure_node, run, step};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// npm's names for this machine's OS and CPU (`process.platform`, `process.arch`).
pub fn platform() -> Result<(&'static str, &'static str)> {
    let os = match std::env::consts::OS {
        "linux" => "linux",
        "macos" => "darwin",
        "windows" => "win32",
        other => bail!("no npm platform package for the OS {other}"),
    };
    let cpu = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => bail!("no npm platform package for the CPU {other}"),
    };
    Ok((os, cpu))
}

/// The platform package's name, e.g. `@pesapal-sim/linux-x64`.
pub fn platform_package() -> Result<String> {
    let (os, cpu) = platform()?;
    Ok(format!("@pesapal-sim/{os}-{cpu}"))
}

fn write_json(path: &Path, value: &Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn copy_licences(dist: &Dist, to: &Path) -> Result<()> {
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        std::fs::copy(dist.root.join(licence), to.join(licence)).with_context(|| format!("cannot copy {licence}"))?;
    }
    Ok(())
}

/// `npm pack` of `dir` into `target/dist`; the tarball's path.
fn pack(dist: &Dist, dir: &Path) -> Result<PathBuf> {
    let out = dist.out_dir()?;
    let packed = Command::new("npm")
        .args(["pack", "--silent", "--pack-destination"])
        .arg(out)
        .current_dir(dir)
        .output()
        .context("cannot run npm pack")?;
    if !packed.status.success() {
        bail!("npm pack in {} failed: {}", dir.display(), String::from_utf8_lossy(&packed.stderr));
    }
    let name = String::from_utf8_lossy(&packed.stdout).lines().last().unwrap_or_default().trim().to_owned();
    let tarball = out.join(&name);
    if name.is_empty() || !tarball.is_file() {
        bail!("npm pack in {} wrote no tarball ({name:?})", dir.display());
    }
    Ok(tarball)
}

/// Packs `pesapal-sim-<version>.tgz` and this platform's
/// `pesapal-sim-<os>-<cpu>-<version>.tgz` into `target/dist`.
pub fn build(dist: &Dist, binary: &Path) -> Result<Vec<PathBuf>> {
    ensure_node("the npm packages (Node.js 18 or newer)")?;
    let (os, cpu) = platform()?;
    let platform_name = platform_package()?;
    let exe = format!("pesapal-sim{}", std::env::consts::EXE_SUFFIX);

    step(&format!("npm pack {platform_name} (the release binary)"));
    let staged = dist.scratch("npm-platform")?;
    std::fs::copy(binary, staged.join(&exe)).context("cannot copy the binary")?;
    copy_licences(dist, &staged)?;
    std::fs::write(
        staged.join("README.md"),
        format!(
            "# {platform_name}\n\nThe `pesapal-sim` binary for {os}-{cpu}: a dependency of the `pesapal-sim` package, not for direct use.\n"
        ),
    )?;
    let mut manifest = json!({
        "name": platform_name,
        "version": dist.version,
        "description": format!("The pesapal-sim binary for {os}-{cpu} (installed by the pesapal-sim package)."),
        "license": "MIT OR Apache-2.0",
        "repository": { "type": "git", "url": "git+https://github.com/pesapal-rs/pesapal-rs.git" },
        "os": [os],
        "cpu": [cpu],
        "files": [exe, "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
        "preferUnplugged": true,
    });
    if os == "linux" {
        // The binary links glibc: npm skips this package on musl systems.
        manifest["libc"] = json!(["glibc"]);
    }
    write_json(&staged.join("package.json"), &manifest)?;
    let platform_tarball = pack(dist, &staged)?;

    step("npm pack pesapal-sim (the JavaScript API)");
    let staged = dist.scratch("npm-main")?;
    copy_tree(&dist.root.join("packaging").join("npm").join("pesapal-sim"), &staged)?;
    copy_licences(dist, &staged)?;
    let path = staged.join("package.json");
    let mut manifest: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    manifest["version"] = json!(dist.version);
    manifest["optionalDependencies"] = json!({ platform_name: dist.version });
    write_json(&path, &manifest)?;
    let main_tarball = pack(dist, &staged)?;
    Ok(vec![main_tarball, platform_tarball])
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The tarballs installed into a scratch copy of `packaging/npm/test/` (with its pinned
/// TypeScript) under `target/dist-work/<name>`; the project's directory.
pub fn install(dist: &Dist, tarballs: &[PathBuf], name: &str) -> Result<PathBuf> {
    let project = dist.scratch(name)?;
    copy_tree(&dist.root.join("packaging").join("npm").join("test"), &project)?;
    step("npm ci (pinned TypeScript) and npm install of the pesapal-sim tarballs");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--silent"]).current_dir(&project))?;
    run(Command::new("npm")
        .args(["install", "--no-save", "--no-audit", "--no-fund", "--silent"])
        .args(tarballs)
        .current_dir(&project))?;
    Ok(project)
}

/// The tarballs installed into a scratch project; `tsc --strict` on a user's code and the
/// `node:test` checkout, with no Rust toolchain on PATH.
pub fn test(dist: &Dist) -> Result<Tested> {
    let binary = dist.release_binary()?;
    let tarballs = build(dist, &binary)?;
    let project = install(dist, &tarballs, "npm-test")?;
    let node_bin = project.join("node_modules").join(".bin");
    step("tsc --strict: the package's types from ESM and CommonJS");
    let mut tsc = Command::new(node_bin.join("tsc"));
    tsc.args(["-p", "tsconfig.json"]).current_dir(&project);
    without_rust(&mut tsc, &node_bin)?;
    run(&mut tsc)?;
    step("node --test: checkout with startSimulator (ESM), require() and npx (CommonJS)");
    let mut node = Command::new("node");
    node.args(["--test", "--test-reporter=spec", "checkout.test.mjs", "require.test.cjs"]).current_dir(&project);
    without_rust(&mut node, &node_bin)?;
    run(&mut node)?;
    Ok(Tested::Passed)
}

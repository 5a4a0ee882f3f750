//! What `cargo xtask test` and `cargo xtask dist` do on this machine: announce a step, run a
//! command, find a program, install Debian packages (as root) or say how, keep pinned installs
//! current (Python virtualenvs, Node.js), and where Cargo's target directory is.

use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Announces the next step on stdout.
pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// Runs `command`, failing with its name when it does not succeed.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command.status().with_context(|| format!("cannot start {shown}"))?;
    ensure!(status.success(), "{shown} failed ({status})");
    Ok(())
}

/// True when `program` is on PATH.
pub fn found(program: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {program} >/dev/null")).status().is_ok_and(|s| s.success())
}

/// True when running as root.
pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs Debian packages as root, or says exactly what to install.
pub fn apt_install(packages: &[&str], why: &str) -> Result<()> {
    let line = format!("apt-get install -y {}", packages.join(" "));
    if !is_root() {
        bail!("{why} needs {}: install them with `sudo {line}` and run `cargo xtask test` again", packages.join(", "));
    }
    step(&format!("installing {} ({why})", packages.join(" ")));
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get").args(["install", "-y"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Node.js and npm, installed with apt-get (as root) when missing, for `why`.
pub fn ensure_node(why: &str) -> Result<()> {
    if !found("node") || !found("npm") {
        apt_install(&["nodejs", "npm"], why)?;
    }
    Ok(())
}

/// True when `stamp` holds exactly the text of `pins`: the install made from these pins is current.
pub fn current(stamp: &Path, pins: &[&Path]) -> Result<bool> {
    let mut expected = String::new();
    for pin in pins {
        expected += &std::fs::read_to_string(pin).with_context(|| format!("cannot read {}", pin.display()))?;
    }
    Ok(std::fs::read_to_string(stamp).is_ok_and(|text| text == expected))
}

/// Writes the text of `pins` to `stamp`, once what they pin is installed.
pub fn write_stamp(stamp: &Path, pins: &[&Path]) -> Result<()> {
    let mut text = String::new();
    for pin in pins {
        text += &std::fs::read_to_string(pin)?;
    }
    std::fs::write(stamp, text).with_context(|| format!("cannot write {}", stamp.display()))
}

/// A virtualenv at `venv` holding exactly the pins of `requirements` (re-created when they
/// change), for `why`; its `bin/` directory.
pub fn pinned_venv(venv: &Path, requirements: &Path, why: &str) -> Result<PathBuf> {
    let stamp = venv.join("pesapal-requirements.txt");
    let bin = venv.join("bin");
    if current(&stamp, &[requirements])? && bin.join("python").exists() {
        return Ok(bin);
    }
    fresh_venv(venv, why)?;
    step(&format!("installing {} into {}", requirements.display(), venv.display()));
    run(Command::new(bin.join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "--requirement"])
        .arg(requirements))?;
    write_stamp(&stamp, &[requirements])?;
    Ok(bin)
}

/// An empty virtualenv at `venv` (re-created), for `why`; its `bin/` directory.
pub fn fresh_venv(venv: &Path, why: &str) -> Result<PathBuf> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if !found(&python) {
        apt_install(&["python3", "python3-venv"], why)?;
    }
    if !Command::new(&python).args(["-m", "venv", "--clear"]).arg(venv).status().is_ok_and(|s| s.success()) {
        apt_install(&["python3-venv"], why)?;
        run(Command::new(&python).args(["-m", "venv", "--clear"]).arg(venv))?;
    }
    Ok(venv.join("bin"))
}

/// `cargo`: the one running this xtask (`$CARGO`), else the one on PATH.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Cargo's target directory for the workspace at `root`: `$CARGO_TARGET_DIR`, else `root/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// A file's size in bytes.
pub fn size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len())
}

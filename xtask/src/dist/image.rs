//! The container image of the root `Containerfile`, `FROM scratch`: no base image from a registry.
//! The build context holds the release binary and the shared libraries `ldd` says it loads, at
//! their paths. Built with podman (or docker: `$PESAPAL_CONTAINER_ENGINE` chooses), tagged
//! `pesapal-sim:<version>` and `pesapal-sim:latest`, and saved as
//! `target/dist/pesapal-sim-<version>-image-<arch>.tar` (`podman load` / `docker load`).
//!
//! Its test runs the image as a CI service would (`-p` to a host port, credentials in the
//! environment) and a checkout from the host (`packaging/container/checkout.py`) whose IPN
//! reaches a server on the host. Where no engine can run a container, it says why and the
//! test is reported as not run.

use super::layout::Dist;
use super::tested::Tested;
use crate::host::{apt_install, found, is_root, run, step};
use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The image built.
#[derive(Debug, Clone)]
pub struct Built {
    /// `pesapal-sim:<version>`.
    pub tag: String,
    /// The saved image, in `target/dist`.
    pub saved: PathBuf,
}

/// The container engine: `$PESAPAL_CONTAINER_ENGINE`, else podman, else docker.
pub fn engine() -> Option<String> {
    if let Ok(engine) = std::env::var("PESAPAL_CONTAINER_ENGINE") {
        return Some(engine);
    }
    ["podman", "docker"].into_iter().find(|e| found(e)).map(str::to_owned)
}

/// The shared libraries `binary` loads (`ldd`), as absolute paths; none for a static binary.
fn shared_libraries(binary: &Path) -> Result<Vec<PathBuf>> {
    let output = Command::new("ldd").arg(binary).output().context("cannot run ldd")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || text.contains("not a dynamic executable") || text.contains("statically linked") {
        return Ok(Vec::new());
    }
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)";
    // linux-vdso has no file.
    Ok(text
        .lines()
        .filter_map(|line| {
            let path = line.split("=>").last()?.split_whitespace().next()?;
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect())
}

/// Builds the image from the Containerfile and saves it into `target/dist`.
pub fn build(dist: &Dist, binary: &Path) -> Result<Built> {
    let Some(engine) = engine() else {
        bail!(
            "no container engine: install podman (apt-get install podman runc) or docker, or set PESAPAL_CONTAINER_ENGINE"
        );
    };
    let context = dist.scratch("image")?;
    let rootfs = context.join("rootfs");
    let bin = rootfs.join("usr/local/bin");
    std::fs::create_dir_all(&bin)?;
    std::fs::copy(binary, bin.join("pesapal-sim")).context("cannot copy the binary")?;
    for library in shared_libraries(binary)? {
        let to = rootfs.join(library.strip_prefix("/").unwrap_or(&library));
        std::fs::create_dir_all(to.parent().context("a library path has no parent")?)?;
        // Follows symlinks: the image gets the library's content under the name the binary asks for.
        std::fs::copy(&library, &to).with_context(|| format!("cannot copy {}", library.display()))?;
    }
    let tag = format!("pesapal-sim:{}", dist.version);
    step(&format!("{engine} build -f Containerfile -t {tag}"));
    run(Command::new(&engine)
        .args(["build", "--quiet", "-f"])
        .arg(dist.root.join("Containerfile"))
        .args(["-t", &tag, "-t", "pesapal-sim:latest"])
        .arg(&context))?;
    let saved = dist.out_dir()?.join(format!("pesapal-sim-{}-image-{}.tar", dist.version, std::env::consts::ARCH));
    if saved.exists() {
        std::fs::remove_file(&saved)?;
    }
    run(Command::new(&engine).args(["save", "--quiet", "-o"]).arg(&saved).arg(&tag))?;
    Ok(Built { tag, saved })
}

/// Flags `run` needs on these machines: podman with `runc` (when installed) and explicit
/// ulimits (runc may not raise a limit above the caller's, and the engine's defaults do).
fn run_flags(engine: &str) -> Vec<String> {
    let mut flags = vec!["--ulimit".into(), "nofile=1024:1024".into(), "--ulimit".into(), "nproc=1024:1024".into()];
    if engine.ends_with("podman") && found("runc") {
        flags.push("--runtime=runc".into());
    }
    flags
}

fn shown(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)).trim().to_owned()
}

/// A container engine, installed with apt-get (podman and runc) when none is here and we are root.
fn ensure_engine() -> std::result::Result<String, String> {
    if let Some(engine) = engine() {
        return Ok(engine);
    }
    if !is_root() {
        return Err(
            "no container engine (podman or docker) and not root to install podman: `sudo apt-get install podman runc`"
                .into(),
        );
    }
    apt_install(&["podman", "runc"], "the container image's test")
        .map_err(|e| format!("cannot install podman: {e:#}"))?;
    engine().ok_or_else(|| "podman is still not on PATH after apt-get install".into())
}

/// Runs the image and a checkout against it from the host.
pub fn test(dist: &Dist) -> Result<Tested> {
    let engine = match ensure_engine() {
        Ok(engine) => engine,
        Err(why) => return Ok(Tested::NotRun(why)),
    };
    let info = Command::new(&engine).arg("info").output().with_context(|| format!("cannot start {engine}"))?;
    if !info.status.success() {
        let why =
            String::from_utf8_lossy(&info.stderr).lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").to_owned();
        return Ok(Tested::NotRun(format!("`{engine} info` fails: {}", why.trim())));
    }
    let binary = dist.release_binary()?;
    let built = build(dist, &binary)?;
    let flags = run_flags(&engine);
    step(&format!("{engine} run {}: can this machine run a container?", built.tag));
    let probe = Command::new(&engine)
        .args(["run", "--rm"])
        .args(&flags)
        .arg(&built.tag)
        .arg("--version")
        .output()
        .with_context(|| format!("cannot start {engine}"))?;
    if !probe.status.success() && !String::from_utf8_lossy(&probe.stdout).starts_with("pesapal-sim ") {
        return Ok(Tested::NotRun(format!("{engine} cannot run a container on this machine: {}", shown(&probe))));
    }
    let name = format!("pesapal-sim-test-{}", std::process::id());
    let (key, secret) = ("container-test-key", "container-test-secret");
    step(&format!("{engine} run -d -p 127.0.0.1::8080 {} (as a CI service)", built.tag));
    let started = Command::new(&engine)
        .args(["run", "-d", "--rm", "--name", &name, "-p", "127.0.0.1::8080"])
        .args(&flags)
        .args([
            "-e",
            &format!("PESAPAL_SIM_CONSUMER_KEY={key}"),
            "-e",
            &format!("PESAPAL_SIM_CONSUMER_SECRET={secret}"),
        ])
        .arg(&built.tag)
        .output()
        .with_context(|| format!("cannot start {engine}"))?;
    ensure!(started.status.success(), "{engine} run failed: {}", shown(&started));
    let result = checkout(dist, &engine, &name, key, secret);
    let logs = Command::new(&engine).args(["logs", &name]).output().map(|o| shown(&o)).unwrap_or_default();
    let _ = Command::new(&engine).args(["rm", "-f", &name]).output();
    result.with_context(|| format!("the container's log:\n{logs}"))?;
    Ok(Tested::Passed)
}

fn checkout(dist: &Dist, engine: &str, name: &str, key: &str, secret: &str) -> Result<()> {
    let port = Command::new(engine).args(["port", name, "8080"]).output().context("cannot ask for the port")?;
    let address = String::from_utf8_lossy(&port.stdout).lines().next().unwrap_or_default().trim().to_owned();
    ensure!(port.status.success() && !address.is_empty(), "{engine} port: {}", shown(&port));
    let base_url = format!("http://{address}");
    // The container reaches the host by this name (podman adds it to the container's /etc/hosts).
    let ipn_host = if engine.ends_with("docker") { "host.docker.internal" } else { "host.containers.internal" };
    wait_until_listening(&base_url)?;
    step(&format!("checkout against the container at {base_url}, IPN to {ipn_host}"));
    run(Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .arg(dist.root.join("packaging").join("container").join("checkout.py"))
        .args([&base_url, key, secret, ipn_host]))
}

/// Waits (at most 10 s) until the published port answers.
fn wait_until_listening(base_url: &str) -> Result<()> {
    let address = base_url.trim_start_matches("http://");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(address) {
            use std::io::{Read, Write};
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let request = format!("GET /_sim HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n");
            let mut answer = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut answer).is_ok()
                && answer.starts_with("HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        ensure!(std::time::Instant::now() < deadline, "the container did not answer at {base_url} within 10 s");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

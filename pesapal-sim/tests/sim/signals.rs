//! The binary stops cleanly on SIGTERM (`docker stop`, the end of a CI service container), as on
//! Ctrl-C: as a container's PID 1 it would otherwise ignore it until killed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_with_success() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pesapal-sim"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let stdout = child.stdout.take().unwrap();
    // Kept open until the end: the binary prints more after its base URL.
    let mut lines = BufReader::new(stdout).lines();
    let listening = lines.by_ref().map_while(Result::ok).any(|line| line.starts_with("PESAPAL_BASE_URL="));
    assert!(listening, "the binary prints its base URL");
    let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM ends it with success, not by the signal: {status:?}");
    drop(lines);
}

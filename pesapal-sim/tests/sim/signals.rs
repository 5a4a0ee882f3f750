//! The binary stops cleanly on SIGTERM (`docker stop`, the end of a CI service container), as on
//! Ctrl-C: as a container's PID 1 it would otherwise ignore it until killed.

#![cfg(unix)]

use crate::cli::Server;
use std::process::Command;

#[test]
fn sigterm_stops_the_server_with_success() {
    let (mut server, printed) = Server::start(&[], &[]);
    assert!(printed.contains_key("PESAPAL_BASE_URL"), "the binary prints its base URL: {printed:?}");
    let sent = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "SIGTERM ends it with success, not by the signal: {status:?}");
}

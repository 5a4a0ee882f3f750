//! `pesapal-sim --port 0` prints a base URL and credentials that any client can use.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running binary, killed when dropped.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_what_a_client_needs() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pesapal-sim"))
        .args(["--port", "0", "--consumer-key", "cli-key"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let mut printed = std::collections::HashMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some((key, value)) = line.split_once('=') {
            printed.insert(key.to_owned(), value.to_owned());
        }
        if printed.len() == 3 {
            break;
        }
    }
    let base_url = &printed["PESAPAL_BASE_URL"];
    assert!(base_url.starts_with("http://127.0.0.1:"), "{printed:?}");
    assert_eq!(printed["PESAPAL_CONSUMER_KEY"], "cli-key");
    let secret = &printed["PESAPAL_CONSUMER_SECRET"];
    assert!(!secret.is_empty());

    let pesapal = pesapal_api::Pesapal::builder()
        .credentials(pesapal_api::Credentials::new("cli-key", secret.as_str()))
        .base_url(base_url.as_str())
        .build()
        .unwrap();
    assert_eq!(pesapal.list_ipns().await.expect("a token and an answer"), vec![]);
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let sim = pesapal_sim::Simulator::start().await.unwrap();
    let shown = format!("{sim:?}");
    assert!(shown.contains(sim.consumer_key()));
    assert!(!shown.contains(sim.consumer_secret()), "{shown}");
    let config = pesapal_sim::SimConfig::default();
    assert!(!format!("{config:?}").contains(&config.consumer_secret));
}

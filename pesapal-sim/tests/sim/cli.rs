//! `pesapal-sim --port 0` prints a base URL and credentials that any client can use.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A running `pesapal-sim` binary, killed when dropped. Its output stays open: the binary
/// prints more after its address.
pub(crate) struct Server {
    pub(crate) child: Child,
    _output: Lines<BufReader<ChildStdout>>,
}

impl Server {
    /// Starts `pesapal-sim --port 0` with `args` and `env`; the server and the `KEY=value` lines
    /// it printed (`PESAPAL_BASE_URL`, `PESAPAL_CONSUMER_KEY`, `PESAPAL_CONSUMER_SECRET`).
    pub(crate) fn start(args: &[&str], env: &[(&str, &str)]) -> (Server, HashMap<String, String>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pesapal-sim"))
            .args(["--port", "0"])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let mut output = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = HashMap::new();
        for line in output.by_ref().map_while(Result::ok) {
            if let Some((key, value)) = line.split_once('=') {
                printed.insert(key.to_owned(), value.to_owned());
            }
            if printed.contains_key("PESAPAL_CONSUMER_SECRET") {
                break;
            }
        }
        (Server { child, _output: output }, printed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_what_a_client_needs() {
    let (_server, printed) = Server::start(&["--consumer-key", "cli-key"], &[]);
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

//! What the tests share: a simulator on its own runtime, the `pesapal` binary run against it,
//! its output read, and scripted loopback servers.

use assert_cmd::Command;
use pesapal_sim::{PaymentMethod, Simulator};
use regex::Regex;
use std::io::{BufRead, BufReader};
use uuid::Uuid;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_pesapal");
pub(crate) const IPN_URL: &str = "https://shop.example.com/pesapal/ipn";

/// A simulator on its own runtime, so that the tests themselves stay synchronous.
pub(crate) struct Env {
    pub(crate) sim: Simulator,
    pub(crate) runtime: tokio::runtime::Runtime,
}

pub(crate) fn env() -> Env {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let sim = runtime.block_on(Simulator::start()).expect("simulator starts");
    Env { sim, runtime }
}

/// The result of one run.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Env {
    /// `pesapal` with the simulator's credentials and only the environment this test sets.
    pub(crate) fn cmd(&self) -> Command {
        let mut cmd = Command::new(BIN);
        clear_env(&mut cmd);
        cmd.env("PESAPAL_CONSUMER_KEY", self.sim.consumer_key())
            .env("PESAPAL_CONSUMER_SECRET", self.sim.consumer_secret())
            .env("PESAPAL_BASE_URL", self.sim.base_url());
        cmd
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        run(self.cmd().args(args))
    }

    /// The customer pays (inside the runtime: the simulator then spawns the IPN delivery);
    /// returns the confirmation code.
    pub(crate) fn pay(&self, id: Uuid, method: PaymentMethod) -> String {
        let _inside = self.runtime.enter();
        self.sim.pay(id, method).expect("pays").payment.expect("a payment").confirmation_code
    }

    /// Replaces what changes from run to run.
    pub(crate) fn redact(&self, text: &str) -> String {
        let text = text.replace(self.sim.base_url(), "[BASE_URL]");
        let uuid = Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
        let date = Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})").unwrap();
        let seconds = Regex::new(r#""expires_in_seconds": \d+"#).unwrap();
        let left = Regex::new(r"\(in [0-9a-z ]+\)").unwrap();
        let text = uuid.replace_all(&text, "[UUID]");
        let text = date.replace_all(&text, "[DATE]");
        let text = seconds.replace_all(&text, r#""expires_in_seconds": "[SECONDS]""#);
        left.replace_all(&text, "(in [DURATION])").into_owned()
    }

    pub(crate) fn register_ipn(&self) -> String {
        let out = self.run(&["--json", "ipn", "register", IPN_URL]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        json(&out.stdout)["ipn_id"].as_str().unwrap().to_owned()
    }

    pub(crate) fn submit(&self, reference: &str) -> Uuid {
        let ipn = self.register_ipn();
        let out = self.run(&[&["--json"], &order_args(reference, &ipn)[..]].concat());
        assert_eq!(out.code, 0, "{}", out.stderr);
        json(&out.stdout)["order_tracking_id"].as_str().unwrap().parse().unwrap()
    }

    /// A completed M-Pesa payment: its tracking id and confirmation code.
    pub(crate) fn paid(&self, reference: &str) -> (Uuid, String) {
        self.paid_with(reference, PaymentMethod::Mpesa)
    }

    /// A completed payment by `method` (mobile money is refunded in full only, cards also in
    /// part): its tracking id and confirmation code.
    pub(crate) fn paid_with(&self, reference: &str, method: PaymentMethod) -> (Uuid, String) {
        let id = self.submit(reference);
        self.pay(id, method);
        let out = self.run(&["--json", "status", &id.to_string()]);
        (id, json(&out.stdout)["confirmation_code"].as_str().unwrap().to_owned())
    }
}

pub(crate) fn clear_env(cmd: &mut Command) {
    for var in ["PESAPAL_CONSUMER_KEY", "PESAPAL_CONSUMER_SECRET", "PESAPAL_ENVIRONMENT", "PESAPAL_BASE_URL"] {
        cmd.env_remove(var);
    }
}

pub(crate) fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("pesapal runs");
    Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

pub(crate) fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("one JSON document ({e}): {text}"))
}

pub(crate) fn order_args<'a>(reference: &'a str, ipn: &'a str) -> Vec<&'a str> {
    vec![
        "order",
        "submit",
        "--amount",
        "2500",
        "--currency",
        "KES",
        "--reference",
        reference,
        "--description",
        "2 bags of coffee",
        "--callback-url",
        "https://shop.example.com/pesapal/callback",
        "--ipn-id",
        ipn,
        "--email",
        "jane@example.com",
    ]
}
/// A loopback server that issues tokens and then closes the connection on any other request
/// after reading it: the outcome of that request is unknown.
pub(crate) fn dropping_server() -> String {
    scripted_server(|_| None)
}

/// A loopback HTTP/1.1 server, a thread per connection: RequestToken gets a token; any other
/// request is given to `answer` (its request line), which returns the JSON body of a 200 answer,
/// or `None` to close the connection after reading the request, without answering.
pub(crate) fn scripted_server(answer: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut length = 0;
                    loop {
                        let mut header = String::new();
                        reader.read_line(&mut header).unwrap();
                        if header.trim().is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':')
                            && name.eq_ignore_ascii_case("content-length")
                        {
                            length = value.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let body = if request_line.contains("RequestToken") {
                        r#"{"token":"t0k3n","expiryDate":"2099-01-01T00:00:00Z","error":null,"status":"200","message":"Request processed successfully"}"#.to_owned()
                    } else {
                        match answer(&request_line) {
                            Some(body) => body,
                            None => return, // read, never answered
                        }
                    };
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    stream.write_all(response.as_bytes()).unwrap();
                }
            });
        }
    });
    url
}

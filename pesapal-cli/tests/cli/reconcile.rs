//! `pesapal reconcile`: paid, pending, failed, reversed and unknown orders against the simulator
//! with every IPN dropped; a file of ids, a CSV with the expected orders (each verdict), standard
//! input; invalid lines; the exit codes; the in-flight bound and the order of the lines.

use crate::support::{BIN, Env, Run, clear_env, env, json, run, scripted_server};
use assert_cmd::Command;
use pesapal_api::{BillingAddress, Credentials, Decimal, IpnMethod, OrderRequest, Pesapal};
use pesapal_sim::{Instrument, IpnControls, PaymentMethod, test_values};
use serde_json::Value;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;
use uuid::Uuid;

const UNKNOWN: &str = "5b1c4a3e-2f6d-4e8a-9c7b-1a2b3c4d5e6f";

/// One order in each state, each for KES 2,500 with the reference of its name.
struct Orders {
    paid: Uuid,
    pending: Uuid,
    failed: Uuid,
    reversed: Uuid,
    /// A TZS 1,000 order paid by the card the simulator charges in US dollars.
    paid_in_usd: Uuid,
}

impl Env {
    /// Orders in every state, with every IPN about them dropped: reconciliation needs none.
    fn orders_in_every_state(&self) -> Orders {
        self.sim.set_ipn_controls(IpnControls { drop: true, ..IpnControls::default() });
        let pesapal = Pesapal::builder()
            .credentials(Credentials::new(self.sim.consumer_key(), self.sim.consumer_secret()))
            .base_url(self.sim.base_url())
            .build()
            .unwrap();
        let submit = |reference: &str, amount: Decimal, currency: &str| {
            self.runtime.block_on(async {
                let ipn = pesapal.ensure_ipn("https://shop.example.com/ipn", IpnMethod::Get).await.unwrap();
                let order = OrderRequest::builder()
                    .merchant_reference(reference)
                    .amount(amount)
                    .currency(currency)
                    .description("Coffee")
                    .callback_url("https://shop.example.com/callback")
                    .notification_id(ipn.notification_id().unwrap())
                    .billing_address(BillingAddress::builder().email_address("jane@example.com"))
                    .build()
                    .unwrap();
                pesapal.submit_order(&order).await.unwrap().order_tracking_id
            })
        };
        let kes = Decimal::new(2500, 0);
        let orders = Orders {
            paid: submit("PAID", kes, "KES"),
            pending: submit("PENDING", kes, "KES"),
            failed: submit("FAILED", kes, "KES"),
            reversed: submit("REVERSED", kes, "KES"),
            paid_in_usd: submit("PAID-IN-USD", Decimal::new(1000, 0), "TZS"),
        };
        let _inside = self.runtime.enter();
        self.sim.pay(orders.paid, PaymentMethod::Mpesa).unwrap();
        self.sim.fail(orders.failed).unwrap();
        self.sim.pay(orders.reversed, PaymentMethod::Mpesa).unwrap();
        self.sim.reverse(orders.reversed).unwrap();
        self.sim.pay_with(orders.paid_in_usd, &Instrument::Card(test_values::CARD_CHARGED_IN_USD.into())).unwrap();
        orders
    }

    /// What `pesapal status --json` prints for the order.
    fn status_json(&self, id: Uuid) -> Value {
        let out = self.run(&["--json", "status", &id.to_string()]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        json(&out.stdout)
    }

    /// Every IPN about the orders was dropped, none delivered.
    fn assert_ipns_dropped(&self) {
        let deliveries = self.sim.deliveries();
        assert!(!deliveries.is_empty(), "the payments made notifications");
        assert!(deliveries.iter().all(|d| d.dropped && d.attempts.is_empty()), "{deliveries:?}");
    }
}

/// A file holding `text`.
fn file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

/// The JSON lines of stdout.
fn lines(out: &Run) -> Vec<Value> {
    out.stdout.lines().map(json).collect()
}

/// `line` without the fields only `reconcile` adds with the expected order.
fn without_verdict(line: &Value) -> Value {
    let mut line = line.clone();
    let object = line.as_object_mut().unwrap();
    object.remove("verdict");
    object.remove("expected");
    line
}

#[test]
fn a_file_of_ids_gives_each_order_s_status_json_in_order_with_ipns_dropped() {
    let env = env();
    let o = env.orders_in_every_state();
    let text = format!(
        "# after the outage\n{}\n{}\n\n{}\n{}\n{UNKNOWN}\nnot-a-guid\n{}\n",
        o.paid, o.pending, o.failed, o.reversed, o.paid_in_usd
    );
    let input = file(&text);
    let out = env.run(&["reconcile", "--from", input.path().to_str().unwrap(), "--in-flight", "2"]);
    let lines = lines(&out);
    assert_eq!(lines.len(), 7, "{}", out.stdout);
    for (line, id) in [(0, o.paid), (1, o.pending), (2, o.failed), (3, o.reversed), (6, o.paid_in_usd)] {
        assert_eq!(lines[line], env.status_json(id), "line {line} is what `status --json` prints");
    }
    let statuses: Vec<&Value> = lines.iter().map(|l| &l["status"]).collect();
    assert_eq!(statuses[..4], ["completed", "pending", "failed", "reversed"]);
    assert_eq!(lines[6]["amount"], serde_json::json!({"currency": "USD", "value": "0.40"}));

    // An unknown id: Pesapal refuses it (exit code 1); an invalid line: nothing sent (2).
    assert_eq!(lines[4]["order_tracking_id"], UNKNOWN);
    assert_eq!(lines[4]["line"], 7);
    assert_eq!(lines[4]["error"]["kind"], "rejected");
    assert_eq!(lines[4]["error"]["code"], "invalid_tracking_id");
    assert_eq!(lines[4]["error"]["exit_code"], 1);
    assert_eq!(lines[5]["order_tracking_id"], "not-a-guid");
    assert_eq!(lines[5]["line"], 8);
    assert_eq!(lines[5]["error"]["kind"], "invalid_input");
    assert_eq!(lines[5]["error"]["violations"][0]["field"], "order_tracking_id");
    assert_eq!(lines[5]["error"]["exit_code"], 2);
    assert_eq!(out.code, 2, "the largest exit code of the failed lines: {}", out.stderr);

    // No terminal: no progress bar, a summary.
    assert_eq!(
        out.stderr,
        "reconciled 7 orders: 2 completed, 1 failed, 1 pending, 1 reversed; 2 could not be looked up (exit code 2)\n"
    );
    env.assert_ipns_dropped();
}

#[test]
fn a_csv_with_the_expected_orders_gives_each_verdict_from_standard_input() {
    let env = env();
    let o = env.orders_in_every_state();
    let rows = [
        format!("{},PAID,2500,KES,as ordered", o.paid),
        format!("{},PAID,2000,KES,\"another amount, or a typo\"", o.paid),
        format!("{},SOMEONE-ELSE,2500,KES,", o.paid),
        format!("{},PENDING,2500,KES,", o.pending),
        format!("{},FAILED,2500,KES,", o.failed),
        format!("{},REVERSED,2500,KES,", o.reversed),
        format!("{},PAID-IN-USD,1000,TZS,charged in dollars", o.paid_in_usd),
        format!("{},PAID,lots,KES,", o.paid),
    ];
    let csv = format!("Order_Tracking_Id,Merchant_Reference,Amount,Currency,Note\r\n{}\r\n", rows.join("\r\n"));
    let out = run(env.cmd().args(["reconcile", "--from", "-"]).write_stdin(csv));
    let lines = lines(&out);
    assert_eq!(lines.len(), 8, "{}", out.stdout);
    let verdicts: Vec<&Value> = lines.iter().map(|l| &l["verdict"]).collect();
    assert_eq!(
        verdicts[..7],
        [
            "paid_as_expected",
            "paid_otherwise",
            "reference_mismatch",
            "not_paid_yet",
            "failed",
            "reversed",
            "paid_otherwise"
        ]
    );
    assert_eq!(
        lines[1]["expected"],
        serde_json::json!({"merchant_reference": "PAID", "amount": {"currency": "KES", "value": "2000.00"}})
    );
    assert_eq!(lines[1]["amount"], serde_json::json!({"currency": "KES", "value": "2500.00"}), "what was charged");
    assert_eq!(lines[6]["amount"]["currency"], "USD");
    for (line, id) in [(0, o.paid), (2, o.paid), (3, o.pending), (4, o.failed), (5, o.reversed), (6, o.paid_in_usd)] {
        assert_eq!(without_verdict(&lines[line]), env.status_json(id), "line {line}: status --json and the verdict");
    }
    // A row whose expected order is wrong is not looked up.
    assert_eq!(lines[7]["line"], 9);
    assert_eq!(lines[7]["error"]["violations"][0]["field"], "amount");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "reconciled 8 orders: 4 completed, 1 failed, 1 pending, 1 reversed; verdicts: 1 failed, 1 not_paid_yet, \
         1 paid_as_expected, 2 paid_otherwise, 1 reference_mismatch, 1 reversed; 1 could not be looked up (exit code 2)\n"
    );
    env.assert_ipns_dropped();
}

#[test]
fn a_csv_of_ids_alone_and_the_exit_codes() {
    let env = env();
    let o = env.orders_in_every_state();
    let known = file(&format!("order_tracking_id\n{}\n{}\n", o.paid, o.failed));
    let out = env.run(&["reconcile", "--from", known.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "every order looked up: {}", out.stderr);
    let lines = lines(&out);
    assert_eq!(lines, [env.status_json(o.paid), env.status_json(o.failed)], "no verdict without the expected order");

    let unknown = file(&format!("{}\n{UNKNOWN}\n", o.paid));
    let out = env.run(&["reconcile", "--from", unknown.path().to_str().unwrap()]);
    assert_eq!(out.code, 1, "Pesapal refused a lookup: {}", out.stdout);

    // Nothing listening: the lookup fails in transport (exit code 3) after the client's retries.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = run(env
        .cmd()
        .env("PESAPAL_BASE_URL", format!("http://127.0.0.1:{port}"))
        .args(["reconcile", "--from", "-"])
        .write_stdin(UNKNOWN));
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert_eq!(json(&out.stdout)["error"]["kind"], "transport");
}

#[test]
fn a_bad_input_is_refused_before_anything_is_sent() {
    let env = env();
    let partial = file(&format!("order_tracking_id,amount\n{UNKNOWN},10\n"));
    let out = env.run(&["--json", "reconcile", "--from", partial.path().to_str().unwrap()]);
    assert_eq!(out.code, 2);
    let error = &json(&out.stdout)["error"];
    assert_eq!(error["kind"], "input");
    assert!(error["message"].as_str().unwrap().ends_with("missing: merchant_reference, currency"), "{error}");

    let out = env.run(&["reconcile", "--from", "/nonexistent/orders.txt"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("error: cannot read /nonexistent/orders.txt"), "{}", out.stderr);

    for in_flight in ["0", "1025", "many"] {
        assert_eq!(env.run(&["reconcile", "--from", "-", "--in-flight", in_flight]).code, 2, "{in_flight}");
    }
    assert_eq!(env.sim.tokens_issued(), 0, "nothing sent, not even RequestToken");
}

#[test]
fn lookups_run_at_most_in_flight_at_a_time_and_the_lines_keep_the_input_order() {
    // Each lookup takes longer the earlier its id is in the input, so they finish in reverse.
    let ids: Vec<Uuid> = (1..=12u128).map(Uuid::from_u128).collect();
    let in_progress = std::sync::Arc::new(Mutex::new((0, 0))); // (now, most at once)
    let seen = in_progress.clone();
    let url = scripted_server(move |request| {
        let id = request.split("orderTrackingId=").nth(1)?.split([' ', '&']).next()?.parse::<Uuid>().ok()?;
        {
            let mut counts = seen.lock().unwrap();
            counts.0 += 1;
            counts.1 = counts.1.max(counts.0);
        }
        std::thread::sleep(Duration::from_millis(20 * (13 - id.as_u128() as u64)));
        seen.lock().unwrap().0 -= 1;
        Some(format!(
            r#"{{"payment_method":null,"amount":0,"created_date":"0001-01-01T00:00:00","confirmation_code":null,"order_tracking_id":"{id}","payment_status_description":"INVALID","description":null,"message":"","payment_account":null,"call_back_url":null,"status_code":0,"merchant_reference":null,"payment_status_code":null,"currency":null,"error":{{"error_type":"api_error","code":"payment_details_not_found","message":"Pending Payment","call_back_url":null}},"status":"500"}}"#
        ))
    });
    let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd
        .env("PESAPAL_CONSUMER_KEY", "key")
        .env("PESAPAL_CONSUMER_SECRET", "secret")
        .args(["--base-url", &url, "reconcile", "--from", "-", "--in-flight", "3"])
        .write_stdin(input));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let order: Vec<String> = lines(&out).iter().map(|l| l["order_tracking_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(order, ids.iter().map(Uuid::to_string).collect::<Vec<_>>(), "the input's order");
    assert_eq!(in_progress.lock().unwrap().1, 3, "at most --in-flight lookups at a time, and that many");
}

/// `script` (util-linux) runs the command on a pseudo-terminal: stderr is a terminal there,
/// stdout goes to a file.
#[cfg(target_os = "linux")]
#[test]
fn a_progress_bar_on_a_terminal_and_never_on_stdout() {
    let env = env();
    let o = env.orders_in_every_state();
    let input = file(&format!("{}\n{}\n", o.paid, o.pending));
    let output = tempfile::NamedTempFile::new().unwrap();
    let command = format!("{} reconcile --from {} > {}", BIN, input.path().display(), output.path().display());
    let mut script = Command::new("script");
    script
        .env("PESAPAL_CONSUMER_KEY", env.sim.consumer_key())
        .env("PESAPAL_CONSUMER_SECRET", env.sim.consumer_secret())
        .env("PESAPAL_BASE_URL", env.sim.base_url())
        .args(["-qec", &command, "/dev/null"]);
    let terminal = run(&mut script);
    assert_eq!(terminal.code, 0, "{}", terminal.stdout);
    assert!(terminal.stdout.contains("/2 orders ("), "the bar, sized by the file: {:?}", terminal.stdout);
    assert!(terminal.stdout.contains("reconciled 2 orders: 1 completed, 1 pending"), "{:?}", terminal.stdout);
    let written = std::fs::read_to_string(output.path()).unwrap();
    let lines: Vec<Value> = written.lines().map(json).collect();
    assert_eq!(lines, [env.status_json(o.paid), env.status_json(o.pending)], "stdout: the JSON lines alone");
}

#[test]
fn each_line_is_written_as_soon_as_it_is_known() {
    use std::io::BufRead;
    let env = env();
    let mut child = std::process::Command::new(BIN)
        .env_remove("PESAPAL_ENVIRONMENT")
        .env("PESAPAL_CONSUMER_KEY", env.sim.consumer_key())
        .env("PESAPAL_CONSUMER_SECRET", env.sim.consumer_secret())
        .env("PESAPAL_BASE_URL", env.sim.base_url())
        .args(["reconcile", "--from", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || stdout.lines().for_each(|line| drop(lines.send(line.unwrap()))));
    // The input stays open: the first line must come out before the input ends.
    writeln!(stdin, "{UNKNOWN}").unwrap();
    let first = received.recv_timeout(Duration::from_secs(30)).expect("the first line, while the input is open");
    assert_eq!(json(&first)["error"]["code"], "invalid_tracking_id");
    writeln!(stdin, "not-a-guid").unwrap();
    let second = received.recv_timeout(Duration::from_secs(30)).expect("the second line");
    assert_eq!(json(&second)["line"], 2);
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

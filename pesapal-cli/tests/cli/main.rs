//! The `pesapal` binary against the offline simulator: every subcommand in human and `--json`
//! form (insta snapshots, volatile values redacted), the exit codes, `status --wait` and the
//! live-confirmation refusal; `reconcile` in its own module, what they share in `support`.

mod reconcile;
mod support;

use assert_cmd::Command;
use pesapal_sim::PaymentMethod;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use support::*;

#[test]
fn token_human_and_json() {
    let env = env();
    let human = env.run(&["token"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(!human.stdout.contains("Bearer"), "never the token");
    insta::assert_snapshot!("token_human", env.redact(&human.stdout));
    let doc = env.run(&["--json", "token"]);
    assert_eq!(doc.code, 0);
    json(&doc.stdout);
    insta::assert_snapshot!("token_json", env.redact(&doc.stdout));
}

#[test]
fn ipn_register_and_list() {
    let env = env();
    let human = env.run(&["ipn", "register", IPN_URL, "--method", "post"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    insta::assert_snapshot!("ipn_register_human", env.redact(&human.stdout));
    let doc = env.run(&["--json", "ipn", "register", "https://shop.example.com/other"]);
    assert_eq!(doc.code, 0);
    json(&doc.stdout);
    insta::assert_snapshot!("ipn_register_json", env.redact(&doc.stdout));

    let list = env.run(&["ipn", "list"]);
    assert_eq!(list.code, 0);
    insta::assert_snapshot!("ipn_list_human", env.redact(&list.stdout));
    let list = env.run(&["--json", "ipn", "list"]);
    assert_eq!(json(&list.stdout)["ipns"].as_array().unwrap().len(), 2);
    insta::assert_snapshot!("ipn_list_json", env.redact(&list.stdout));
}

#[test]
fn ipn_ensure_registers_once_and_then_reuses() {
    let env = env();
    let ensure = || {
        let out = env.run(&["--json", "ipn", "ensure", IPN_URL]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        json(&out.stdout)["ipn_id"].as_str().unwrap().to_owned()
    };
    let first = ensure();
    assert_eq!(ensure(), first, "the registration is reused");
    let list = env.run(&["--json", "ipn", "list"]);
    let ipns = json(&list.stdout)["ipns"].as_array().unwrap().clone();
    assert_eq!(ipns.iter().filter(|ipn| ipn["url"] == IPN_URL).count(), 1, "one registration: {ipns:?}");
}

#[test]
fn order_submit_human_and_json() {
    let env = env();
    let ipn = env.register_ipn();
    let human = env.run(&order_args("CLI-1", &ipn));
    assert_eq!(human.code, 0, "{}", human.stderr);
    insta::assert_snapshot!("order_submit_human", env.redact(&human.stdout));

    let recurring = [
        &["--json"],
        &order_args("CLI-2", &ipn)[..],
        &["--account-number", "ACC-42", "--start", "2030-01-01", "--end", "2030-12-31", "--frequency", "monthly"],
    ]
    .concat();
    let doc = env.run(&recurring);
    assert_eq!(doc.code, 0, "{}", doc.stdout);
    assert_eq!(json(&doc.stdout)["merchant_reference"], "CLI-2");
    insta::assert_snapshot!("order_submit_json", env.redact(&doc.stdout));
    assert_eq!(env.sim.orders().len(), 2);
}

#[test]
fn status_pending_then_completed() {
    let env = env();
    let id = env.submit("CLI-STATUS");
    let pending = env.run(&["status", &id.to_string()]);
    assert_eq!(pending.code, 0, "pending is not an error: {}", pending.stderr);
    insta::assert_snapshot!("status_pending_human", env.redact(&pending.stdout));
    let pending = env.run(&["--json", "status", &id.to_string()]);
    assert_eq!(json(&pending.stdout)["status"], "pending");
    insta::assert_snapshot!("status_pending_json", env.redact(&pending.stdout));

    let code = env.pay(id, PaymentMethod::Mpesa);
    let done = env.run(&["status", &id.to_string()]);
    assert_eq!(done.code, 0);
    insta::assert_snapshot!("status_completed_human", env.redact(&done.stdout).replace(&code, "[CODE]"));
    let done = env.run(&["--json", "status", &id.to_string()]);
    let doc = json(&done.stdout);
    assert_eq!(doc["status"], "completed");
    assert_eq!(doc["final"], true);
    assert_eq!(doc["amount"]["value"], "2500.00");
    insta::assert_snapshot!("status_completed_json", env.redact(&done.stdout).replace(&code, "[CODE]"));
}

#[test]
fn status_wait_sees_the_payment_complete() {
    let env = env();
    let id = env.submit("CLI-WAIT");
    let mut cmd = std::process::Command::new(BIN);
    cmd.env_remove("PESAPAL_ENVIRONMENT");
    let mut child = cmd
        .env("PESAPAL_CONSUMER_KEY", env.sim.consumer_key())
        .env("PESAPAL_CONSUMER_SECRET", env.sim.consumer_secret())
        .env("PESAPAL_BASE_URL", env.sim.base_url())
        .args(["--json", "status", &id.to_string(), "--wait", "--timeout", "5m"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Without a terminal, the state is shown as lines on stderr; pay once it reports pending.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("pending"), "{line}");
    let code = env.pay(id, PaymentMethod::Card);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let doc = json(&stdout);
    assert_eq!(doc["status"], "completed");
    assert_eq!(doc["timed_out"], false);
    insta::assert_snapshot!("status_wait_json", env.redact(&stdout).replace(&code, "[CODE]"));
}

#[test]
fn status_wait_on_a_final_payment_returns_at_once_human() {
    let env = env();
    let (id, code) = env.paid("CLI-WAIT-DONE");
    let out = env.run(&["status", &id.to_string(), "--wait"]);
    assert_eq!(out.code, 0);
    insta::assert_snapshot!("status_wait_human", env.redact(&out.stdout).replace(&code, "[CODE]"));
}

#[test]
fn refund_human_and_json() {
    let env = env();
    let (_, code) = env.paid_with("CLI-REFUND-1", PaymentMethod::Card);
    let args = [
        "refund",
        &code,
        "--amount",
        "1000",
        "--currency",
        "KES",
        "--username",
        "jane.ops",
        "--remarks",
        "Customer returned it",
    ];
    let human = env.run(&args);
    assert_eq!(human.code, 0, "{}", human.stderr);
    insta::assert_snapshot!("refund_human", human.stdout.replace(&code, "[CODE]"));

    let (_, code) = env.paid_with("CLI-REFUND-2", PaymentMethod::Card);
    let args = ["--json", "refund", &code, "--amount", "99.5", "--username", "jane.ops", "--remarks", "Partial"];
    let doc = env.run(&args);
    assert_eq!(doc.code, 0, "{}", doc.stdout);
    assert_eq!(json(&doc.stdout)["amount"]["value"], "99.50");
    insta::assert_snapshot!("refund_json", doc.stdout.replace(&code, "[CODE]"));
    assert_eq!(env.sim.refunds().len(), 2);
}

#[test]
fn cancel_human_and_json_then_rejected() {
    let env = env();
    let id = env.submit("CLI-CANCEL-1");
    let human = env.run(&["cancel", &id.to_string()]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    insta::assert_snapshot!("cancel_human", env.redact(&human.stdout));

    let id = env.submit("CLI-CANCEL-2");
    let doc = env.run(&["--json", "cancel", &id.to_string()]);
    assert_eq!(doc.code, 0, "{}", doc.stdout);
    insta::assert_snapshot!("cancel_json", env.redact(&doc.stdout));

    // Only once per order: Pesapal rejects the second, exit 1.
    let again = env.run(&["cancel", &id.to_string()]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    insta::assert_snapshot!("cancel_again_human_stderr", env.redact(&again.stderr));
    let again = env.run(&["--json", "cancel", &id.to_string()]);
    assert_eq!(again.code, 1);
    assert_eq!(json(&again.stdout)["error"]["kind"], "rejected");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(Command::new(BIN).args(["completions", shell]));
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("pesapal"), "{shell}");
        assert!(out.stdout.contains("refund"), "{shell}");
    }
    let man = run(Command::new(BIN).arg("man"));
    assert_eq!(man.code, 0);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH pesapal"), "{}", &man.stdout[..200]);
    let bad = run(Command::new(BIN).args(["completions", "tcsh"]));
    assert_eq!(bad.code, 2);
}

#[test]
fn invalid_input_lists_every_violation_and_sends_nothing() {
    let env = env();
    let args = [
        "order",
        "submit",
        "--amount",
        "0",
        "--currency",
        "XX",
        "--reference",
        "",
        "--description",
        "d",
        "--callback-url",
        "not a url",
        "--ipn-id",
        "00000000-0000-0000-0000-000000000001",
        "--account-number",
        "ACC",
        "--start",
        "2030-01-01",
    ];
    let human = env.run(&args);
    assert_eq!(human.code, 2);
    assert!(human.stdout.is_empty());
    insta::assert_snapshot!("invalid_order_human_stderr", human.stderr);
    let doc = env.run(&[&["--json"], &args[..]].concat());
    assert_eq!(doc.code, 2);
    assert_eq!(json(&doc.stdout)["error"]["kind"], "invalid_input");
    insta::assert_snapshot!("invalid_order_json", doc.stdout);
    assert!(env.sim.orders().is_empty(), "nothing sent");
    assert_eq!(env.sim.tokens_issued(), 0, "not even a token");

    let refund = env.run(&["refund", "CODE", "--amount", "-1", "--username", " ", "--remarks", "x"]);
    assert_eq!(refund.code, 2, "{}", refund.stderr);
    assert!(refund.stderr.contains("amount") && refund.stderr.contains("username"), "{}", refund.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let out = run(Command::new(BIN).args(["refund", "CODE"]));
    assert_eq!(out.code, 2);
    for flag in ["--amount", "--username", "--remarks"] {
        assert!(out.stderr.contains(flag), "every missing flag is named: {}", out.stderr);
    }
    assert_eq!(run(Command::new(BIN).args(["status", "not-a-uuid"])).code, 2);
    assert_eq!(run(Command::new(BIN).arg("frobnicate")).code, 2);
    assert_eq!(run(Command::new(BIN).args(["--env", "staging", "token"])).code, 2);
    assert_eq!(run(Command::new(BIN).arg("--help")).code, 0);
}

#[test]
fn missing_configuration_is_named() {
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd.arg("token"));
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("missing_config_stderr", out.stderr);

    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd.env("PESAPAL_CONSUMER_KEY", "key").args(["--json", "ipn", "list"]));
    assert_eq!(out.code, 2);
    let doc = json(&out.stdout);
    assert_eq!(doc["error"]["kind"], "config");
    assert!(doc["error"]["message"].as_str().unwrap().contains("PESAPAL_CONSUMER_SECRET"));
    assert!(!doc["error"]["message"].as_str().unwrap().contains("PESAPAL_CONSUMER_KEY"));
}

#[test]
fn wrong_credentials_exit_1_without_leaking_the_secret() {
    let env = env();
    let out = run(env.cmd().env("PESAPAL_CONSUMER_SECRET", "not-the-secret-xyz").arg("token"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("authentication"), "{}", out.stderr);
    assert!(!out.stderr.contains("not-the-secret-xyz") && !out.stdout.contains("not-the-secret-xyz"));
    assert!(!out.stderr.contains(env.sim.consumer_secret()));
}

#[test]
fn transport_failure_exits_3() {
    // A loopback port with nothing listening: refused before anything is sent.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd.env("PESAPAL_CONSUMER_KEY", "key").env("PESAPAL_CONSUMER_SECRET", "secret").args([
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
        "--json",
        "ipn",
        "list",
    ]));
    assert_eq!(out.code, 3, "{}", out.stdout);
    let doc = json(&out.stdout);
    assert_eq!(doc["error"]["kind"], "transport");
    assert_eq!(doc["error"]["exit_code"], 3);
}

#[test]
fn live_refund_and_cancel_refuse_without_a_terminal() {
    // Never contacted: the refusal comes before any request (and before the credentials).
    let live = ["--env", "live", "--base-url", "https://127.0.0.1:9"];
    let cancel = [&live[..], &["cancel", "5b1c4a3e-2f6d-4e8a-9c7b-1a2b3c4d5e6f"]].concat();
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd.args(&cancel).write_stdin(""));
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("live_cancel_refused_stderr", out.stderr);

    let refund =
        [&live[..], &["--json", "refund", "CODE1", "--amount", "10", "--username", "u", "--remarks", "r"]].concat();
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd.args(&refund).write_stdin(""));
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("live_refund_refused_json", out.stdout);

    // PESAPAL_ENVIRONMENT=live counts too.
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd
        .env("PESAPAL_ENVIRONMENT", "LIVE")
        .args(["cancel", "5b1c4a3e-2f6d-4e8a-9c7b-1a2b3c4d5e6f"])
        .write_stdin(""));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("refusing"), "{}", out.stderr);

    // With --yes it goes on, to the (missing) configuration.
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd.args([&cancel[..], &["--yes"]].concat()).write_stdin(""));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("PESAPAL_CONSUMER_KEY"), "{}", out.stderr);
}

#[test]
fn verbose_shows_tracing_on_stderr_without_secrets() {
    let env = env();
    let out = env.run(&["-vv", "token"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.is_empty(), "tracing goes to stderr");
    assert!(!out.stderr.contains(env.sim.consumer_secret()));
    assert!(!out.stdout.contains("DEBUG") && !out.stdout.contains("TRACE"));
}

#[test]
fn unknown_outcome_of_a_payment_call_says_to_check_status() {
    let url = dropping_server();
    let id = "5b1c4a3e-2f6d-4e8a-9c7b-1a2b3c4d5e6f";
    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let out = run(cmd.env("PESAPAL_CONSUMER_KEY", "key").env("PESAPAL_CONSUMER_SECRET", "secret").args([
        "--base-url",
        &url,
        "cancel",
        id,
    ]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains(&format!("check `pesapal status {id}` before retrying")), "{}", out.stderr);

    let mut cmd = Command::new(BIN);
    clear_env(&mut cmd);
    let ipn = "00000000-0000-0000-0000-000000000001";
    let out = run(cmd
        .env("PESAPAL_CONSUMER_KEY", "key")
        .env("PESAPAL_CONSUMER_SECRET", "secret")
        .args([&["--base-url", &url, "--json"], &order_args("CLI-LOST", ipn)[..]].concat()));
    assert_eq!(out.code, 3, "{}", out.stdout);
    let doc = json(&out.stdout);
    assert_eq!(doc["error"]["kind"], "transport");
    assert_eq!(doc["error"]["outcome_unknown"], true);
    // The order was resent once with the same reference already; running it again is safe.
    assert!(doc["error"]["hint"].as_str().unwrap().contains("same --reference"), "{doc}");
}

//! Opt-in checks against Pesapal's real sandbox. Skipped (reported as ignored) unless run with
//! `cargo test -p pesapal-api --test api live_sandbox -- --ignored` and `PESAPAL_CONSUMER_KEY`,
//! `PESAPAL_CONSUMER_SECRET` set (sandbox keys). CI never runs them: it has no network.

use pesapal_api::{Environment, Pesapal};

fn sandbox() -> Pesapal {
    let builder = pesapal_api::ClientBuilder::from_env()
        .expect("set PESAPAL_CONSUMER_KEY and PESAPAL_CONSUMER_SECRET to run the live sandbox tests");
    builder.environment(Environment::Sandbox).build().expect("client builds")
}

#[tokio::test]
#[ignore = "live sandbox: needs network and PESAPAL_CONSUMER_KEY/SECRET; run with --ignored"]
async fn live_sandbox_lists_ipns() {
    let ipns = sandbox().list_ipns().await.expect("the sandbox answers");
    for ipn in ipns {
        assert!(!ipn.url.is_empty());
    }
}

#[tokio::test]
#[ignore = "live sandbox: needs network and PESAPAL_CONSUMER_KEY/SECRET; run with --ignored"]
async fn live_sandbox_unknown_order_is_pending_or_rejected() {
    let error = sandbox().transaction_status(uuid::Uuid::new_v4()).await;
    assert!(error.is_err() || error.is_ok_and(|s| !s.payment_status.is_paid()));
}

//! Replays after a refused token, under load: revoked tokens are replaced as often as needed,
//! and only RequestToken's refusal would mean bad credentials.

use crate::support::started;
use pesapal_api::Error;
use pesapal_sim::Faults;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_every_seven_calls_with_sixteen_in_flight_never_blame_the_credentials() {
    let (sim, pesapal, ipn_id) = started().await;
    let order = pesapal_test_support::order().notification_id(ipn_id).build().unwrap();
    let id = pesapal.submit_order(&order).await.unwrap().order_tracking_id;
    sim.set_faults(Faults { revoke_tokens_after: Some(7), ..Faults::default() });
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let pesapal = pesapal.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for _ in 0..10 {
                    outcomes.push(pesapal.transaction_status(id).await);
                }
                outcomes
            })
        })
        .collect();
    let mut pending = 0;
    for call in calls {
        for outcome in call.await.unwrap() {
            let error = outcome.expect_err("the order is not paid");
            assert!(!matches!(error, Error::Authentication(_)), "blamed on the credentials: {error:?}");
            assert!(error.is_pending(), "every call gets Pesapal's answer: {error:?}");
            pending += 1;
        }
    }
    assert_eq!(pending, 160);
    assert!(sim.tokens_revoked() >= 20, "the fault was in force: {} revocations", sim.tokens_revoked());
}

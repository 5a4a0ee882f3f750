//! The recorder in front of the simulator: a checkout made with the SDK through it leaves corpus
//! files that the conformance checker accepts and that hold no token, key, secret, phone number
//! or email.

use crate::common::http::Http;
use pesapal_api::{BillingAddress, Credentials, IpnMethod, OrderRequest, Pesapal, RefundRequest};
use pesapal_sim::recorder::{Recorder, RecorderConfig};
use pesapal_sim::{PaymentMethod, Simulator};
use pesapal_tests::committed_spec;
use pesapal_tests::conformance::{Conformance, corpus};
use rust_decimal::Decimal;

const EMAIL: &str = "jane.doe@example.org";
const PHONE: &str = "0723241024";

#[tokio::test]
async fn a_checkout_through_the_recorder_leaves_a_conforming_redacted_corpus() {
    let sim = Simulator::start().await.expect("simulator starts");
    let out = tempfile::tempdir().unwrap();
    let recorder = Recorder::start(RecorderConfig {
        upstream: sim.base_url().to_owned(),
        out: out.path().to_owned(),
        address: "127.0.0.1:0".parse().unwrap(),
        environment: Some("sandbox".into()),
    })
    .await
    .expect("recorder starts");

    // A token fetched by hand, to know what must not be written: the client gets the real one.
    let token = Http::new(recorder.base_url()).token(sim.consumer_key(), sim.consumer_secret()).await;

    // The checkout, with the SDK pointed at the recorder.
    let pesapal = Pesapal::builder()
        .credentials(Credentials::new(sim.consumer_key(), sim.consumer_secret()))
        .base_url(recorder.base_url())
        .build()
        .unwrap();
    let ipn = pesapal.register_ipn("http://127.0.0.1:9/ipn", IpnMethod::Get).await.expect("RegisterIPN");
    pesapal.list_ipns().await.expect("GetIpnList");
    let order = OrderRequest::builder()
        .merchant_reference("rec-1")
        .amount(Decimal::new(250000, 2))
        .currency("KES")
        .description("2 bags of coffee")
        .callback_url("http://127.0.0.1:9/callback")
        .notification_id(ipn.notification_id().unwrap())
        .billing_address(BillingAddress::builder().email_address(EMAIL).phone_number(PHONE).first_name("Jane"))
        .build()
        .unwrap();
    let id = pesapal.submit_order(&order).await.expect("SubmitOrderRequest").order_tracking_id;
    assert!(pesapal.transaction_status(id).await.unwrap_err().is_pending());
    sim.pay(id, PaymentMethod::Mpesa).unwrap();
    let status = pesapal.transaction_status(id).await.expect("GetTransactionStatus");
    let refund = RefundRequest::builder()
        .confirmation_code(status.confirmation_code.clone().unwrap())
        .amount(Decimal::new(250000, 2))
        .username("Jane")
        .remarks("test")
        .build()
        .unwrap();
    pesapal.refund(&refund).await.expect("RefundRequest");
    pesapal.cancel_order(id).await.unwrap_err();
    let recorded = recorder.recorded();
    recorder.shutdown().await;

    let bodies = corpus(out.path());
    assert_eq!(bodies.len(), recorded.len());
    let operations: std::collections::BTreeSet<_> = bodies.iter().map(|b| b.operation_id.as_str()).collect();
    assert_eq!(
        operations.into_iter().collect::<Vec<_>>(),
        [
            "CancelOrder",
            "GetIpnList",
            "GetTransactionStatus",
            "RefundRequest",
            "RegisterIPN",
            "RequestToken",
            "SubmitOrderRequest"
        ]
    );
    assert!(bodies.iter().all(|b| b.is_recording()), "named as recordings");
    let conformance = Conformance::new(&committed_spec());
    let phone_digits = regex::Regex::new(r"[0-9]{9,15}").unwrap();
    // GUIDs (tracking ids, IPN ids) may hold long runs of digits: they are not phone numbers.
    let guids =
        regex::Regex::new(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}").unwrap();
    for body in &bodies {
        let errors = conformance.corpus_errors(body);
        assert!(errors.is_empty(), "{}: {errors:?}", body.path.display());
        let text = std::fs::read_to_string(&body.path).unwrap();
        for secret in [token.as_str(), sim.consumer_key(), sim.consumer_secret(), EMAIL, PHONE, &PHONE[1..]] {
            assert!(!text.contains(secret), "{} holds {secret:?}: {text}", body.path.display());
        }
        assert!(!text.contains('@'), "{}: an email: {text}", body.path.display());
        let digits = guids.replace_all(&text, "");
        assert!(!phone_digits.is_match(&digits), "{}: a phone number: {text}", body.path.display());
    }
    let token_file = bodies.iter().find(|b| b.operation_id == "RequestToken").unwrap();
    assert_eq!(token_file.body["token"], pesapal_sim::recorder::REDACTED);
}

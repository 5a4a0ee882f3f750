//! The generated tables agree with each other and with the spec: checked here once, so that
//! clients need not check them at run time.

use pesapal_gen::{Operation, endpoints, notification_parameters, types};
use std::collections::BTreeSet;

fn spec() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/pesapal.openapi.json"))
        .expect("the committed spec");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn every_operation_of_the_spec_is_one_variant_with_a_consistent_endpoint() {
    let spec = spec();
    let mut declared = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            declared.insert(id.to_owned());
            let operation = Operation::from_operation_id(id).unwrap_or_else(|| panic!("{id} has no variant"));
            let endpoint = operation.endpoint();
            assert_eq!((endpoint.method, endpoint.path), (method.to_uppercase().as_str(), path.as_str()), "{id}");
            assert_eq!(Some(operation.is_idempotent()), op["x-idempotent"].as_bool(), "{id}");
            assert_eq!(endpoint.bearer, op["security"] != serde_json::json!([]), "{id}");
        }
    }
    let variants: BTreeSet<String> = Operation::ALL.iter().map(|op| op.operation_id().to_owned()).collect();
    assert_eq!(variants, declared);
    for operation in Operation::ALL {
        let endpoint = operation.endpoint();
        assert_eq!(operation.to_string(), endpoint.operation_id);
        assert!(["GET", "POST"].contains(&endpoint.method), "{operation}: an HTTP method clients send");
        assert!(endpoint.path.starts_with("/api/"), "{operation}");
        assert!(!endpoint.success.is_empty(), "{operation} declares a success status");
    }
    assert_eq!(Operation::GetTransactionStatus.endpoint(), &endpoints::GET_TRANSACTION_STATUS);
}

#[test]
fn only_reads_and_token_requests_are_idempotent() {
    let idempotent: Vec<_> = Operation::ALL.into_iter().filter(|op| op.is_idempotent()).collect();
    assert_eq!(idempotent, [Operation::RequestToken, Operation::GetIpnList, Operation::GetTransactionStatus]);
}

#[test]
fn the_notification_parameters_are_the_fields_of_the_post_body() {
    let notification = types::IpnNotification {
        order_tracking_id: uuid::Uuid::nil(),
        order_merchant_reference: "R".into(),
        order_notification_type: Some(types::NotificationType::Ipnchange),
    };
    let body = serde_json::to_value(&notification).unwrap();
    let fields: BTreeSet<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(fields, notification_parameters::ALL.into_iter().collect());
}

#[test]
fn the_acknowledgement_is_the_documented_json() {
    let ack = types::IpnAcknowledgement {
        order_notification_type: "IPNCHANGE".into(),
        order_tracking_id: "d0fa69d6-f3cd-433b-858e-df86555b86c8".into(),
        order_merchant_reference: "1515111111".into(),
        status: 200.try_into().unwrap(),
    };
    // The documentation's "Sample IPN JSON Response String" (JSON objects are unordered).
    let documented: serde_json::Value = serde_json::from_str(
        r#"{"orderNotificationType":"IPNCHANGE","orderTrackingId":"d0fa69d6-f3cd-433b-858e-df86555b86c8","orderMerchantReference":"1515111111","status":200}"#,
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&ack).unwrap(), documented);
    assert!(types::IpnAcknowledgementStatus::try_from(201).is_err(), "200 or 500 only");
}

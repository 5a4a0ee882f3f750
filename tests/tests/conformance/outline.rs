//! The spec's operations, and its outline (operations, fields, types, required-ness)
//! snapshot-reviewed.

use pesapal_tests::committed_spec;
use xtask::report;

#[test]
fn all_eight_operations_with_bearer_security_except_request_token() {
    let spec = committed_spec();
    let mut seen = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_owned();
            let security = &op["security"];
            if id == "RequestToken" {
                assert_eq!(security, &serde_json::json!([]), "{id}");
            } else {
                assert_eq!(security, &serde_json::json!([{"bearerAuth": []}]), "{id}");
            }
            seen.push(format!("{} {path} {id}", method.to_uppercase()));
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "GET /api/Transactions/GetTransactionStatus GetTransactionStatus",
            "GET /api/URLSetup/GetIpnList GetIpnList",
            "POST /api/Auth/RequestToken RequestToken",
            "POST /api/Transactions/CancelOrder CancelOrder",
            "POST /api/Transactions/RefundRequest RefundRequest",
            "POST /api/Transactions/SubmitOrderRequest SubmitOrderRequest",
            "POST /api/URLSetup/RegisterIPN RegisterIPN",
            "POST /api/transactions/stk DirectMobileMoneyStk",
        ]
    );
    assert_eq!(spec["openapi"], "3.0.3");
    let servers: Vec<&str> = spec["servers"].as_array().unwrap().iter().map(|s| s["url"].as_str().unwrap()).collect();
    assert_eq!(servers, ["https://cybqa.pesapal.com/pesapalv3", "https://pay.pesapal.com/v3"]);
}

#[test]
fn operation_outline_snapshot() {
    insta::assert_snapshot!("operations", report::outline(&committed_spec()));
}

//! Token management: fetched once and cached, refreshed ahead of `expiryDate`, one refresh for
//! concurrent callers, a bounded replay after each refused token, bad keys as an authentication
//! error.

use crate::common::*;
use httpmock::prelude::*;
use pesapal_api::{Credentials, Error, Pesapal};
use serde_json::json;
use std::time::Duration;

async fn mock_ipn_list<'a>(server: &'a MockServer, token: &str) -> httpmock::Mock<'a> {
    let header = format!("Bearer {token}");
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/URLSetup/GetIpnList").header("authorization", header);
            then.status(200).json_body(json!([]));
        })
        .await
}

#[tokio::test]
async fn the_token_is_fetched_on_first_use_and_cached() {
    let server = MockServer::start_async().await;
    let token = mock_token(&server).await;
    let list = mock_ipn_list(&server, TOKEN).await;
    let pesapal = client(&server);
    token.assert_calls_async(0).await;
    for _ in 0..5 {
        pesapal.list_ipns().await.unwrap();
    }
    token.assert_calls_async(1).await;
    list.assert_calls_async(5).await;
}

#[tokio::test]
async fn the_token_is_refreshed_ahead_of_its_expiry_date() {
    let server = MockServer::start_async().await;
    // A token that expires in 2 s: the margin (60 s by default) is capped at half the lifetime,
    // so it is replaced after about 1 s.
    let token =
        mock_json(&server, POST, "/api/Auth/RequestToken", 200, token_answer(TOKEN, chrono::Duration::seconds(2)))
            .await;
    mock_ipn_list(&server, TOKEN).await;
    let pesapal = client(&server);
    pesapal.list_ipns().await.unwrap();
    pesapal.list_ipns().await.unwrap();
    token.assert_calls_async(1).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    pesapal.list_ipns().await.unwrap();
    token.assert_calls_async(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_first_calls_make_one_token_request() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Auth/RequestToken");
            then.status(200)
                .delay(Duration::from_millis(50))
                .json_body(token_answer(TOKEN, chrono::Duration::hours(1)));
        })
        .await;
    let completed = json!({"status_code": 1, "payment_status_description": "Completed", "status": "200"});
    let status = mock_json(&server, GET, "/api/Transactions/GetTransactionStatus", 200, completed).await;
    let pesapal = client(&server);
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let pesapal = pesapal.clone();
            tokio::spawn(async move { pesapal.transaction_status(TRACKING_ID.parse().unwrap()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    token.assert_calls_async(1).await;
    status.assert_calls_async(1000).await;
}

/// Mocks RequestToken handing out `old-token` first and `new-token` afterwards.
async fn mock_rotating_token(server: &MockServer) -> httpmock::Mock<'_> {
    let issued = std::sync::atomic::AtomicUsize::new(0);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Auth/RequestToken");
            then.respond_with(move |_| {
                let n = issued.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let token = if n == 0 { "old-token" } else { "new-token" };
                httpmock::HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(token_answer(token, chrono::Duration::hours(1)).to_string())
                    .build()
            });
        })
        .await
}

#[tokio::test]
async fn a_401_forces_one_refresh_and_one_replay() {
    let server = MockServer::start_async().await;
    let token = mock_rotating_token(&server).await;
    let refused = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/URLSetup/GetIpnList").header("authorization", "Bearer old-token");
            then.status(401); // no body, no `status`
        })
        .await;
    let list = mock_ipn_list(&server, "new-token").await;
    client(&server).list_ipns().await.unwrap();
    refused.assert_calls_async(1).await;
    token.assert_calls_async(2).await;
    list.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_refused_submit_is_replayed_once_because_pesapal_did_not_process_it() {
    let server = MockServer::start_async().await;
    mock_rotating_token(&server).await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Transactions/CancelOrder").header("authorization", "Bearer old-token");
            then.status(401);
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Transactions/CancelOrder").header("authorization", "Bearer new-token");
            then.status(200).json_body(json!({"status": "200", "message": "Order successfully cancelled."}));
        })
        .await;
    client(&server).cancel_order(TRACKING_ID.parse().unwrap()).await.unwrap();
    refused.assert_calls_async(1).await;
    accepted.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_token_refused_again_and_again_is_replayed_boundedly_not_blamed_on_the_keys() {
    let server = MockServer::start_async().await;
    let token = mock_token(&server).await;
    // Pesapal's in-body form of "invalid token", with HTTP 200, for every fresh token too.
    let refused = json!({
        "error": {"error_type": "api_error", "code": "invalid_api_credentials_provided", "message": "Invalid API credentials provided"},
        "status": "500"
    });
    let refused = mock_json(&server, GET, "/api/URLSetup/GetIpnList", 200, refused).await;
    let error = client(&server).list_ipns().await.unwrap_err();
    // RequestToken accepted the keys each time: the refusal is Pesapal's answer, not bad credentials.
    assert!(matches!(error, Error::Rejected { .. }), "{error:?}");
    assert_eq!(error.rejection().and_then(|r| r.error_code()), Some(pesapal_api::ErrorCode::InvalidApiCredentials));
    // Pesapal never accepted a token: the first attempt and two replays, each with a fresh
    // token; then it stops.
    refused.assert_calls_async(3).await;
    token.assert_calls_async(3).await;
}

#[tokio::test]
async fn bad_consumer_keys_are_an_authentication_error() {
    let server = MockServer::start_async().await;
    let refused = json!({
        "token": null, "expiryDate": null,
        "error": {"error_type": "api_error ", "code": "invalid_api_credentials_provided", "message": ""},
        "status": "500", "message": null
    });
    let token = mock_json(&server, POST, "/api/Auth/RequestToken", 200, refused).await;
    let submit = server
        .mock_async(|when, then| {
            when.any_request().path_excludes("RequestToken");
            then.status(200);
        })
        .await;
    let error = client(&server).list_ipns().await.unwrap_err();
    let Error::Authentication(rejection) = &error else { panic!("{error:?}") };
    assert_eq!(rejection.error_type(), Some("api_error"), "trimmed");
    assert_eq!(rejection.message(), Some("invalid_api_credentials_provided"), "empty message → code");
    assert!(!error.to_string().contains(SECRET));
    token.assert_calls_async(1).await;
    submit.assert_calls_async(0).await;
}

#[tokio::test]
async fn secrets_never_show_in_debug_output_or_errors() {
    let server = server_with_token().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/URLSetup/GetIpnList");
            then.status(500).body("boom");
        })
        .await;
    let pesapal = client(&server);
    let error = pesapal.list_ipns().await.unwrap_err();
    for text in [
        format!("{pesapal:?}"),
        format!("{error:?}"),
        error.to_string(),
        format!("{:?}", Credentials::new(KEY, SECRET)),
    ] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
}

#[test]
fn configuration_rules() {
    let live_http = Pesapal::builder()
        .credentials(Credentials::new(KEY, SECRET))
        .environment(pesapal_api::Environment::Live)
        .base_url("http://127.0.0.1:1")
        .build();
    assert!(matches!(live_http, Err(Error::Config(ref m)) if m.contains("https")), "{live_http:?}");
    assert!(matches!(Pesapal::builder().build(), Err(Error::Config(_))));
    let live =
        Pesapal::builder().credentials(Credentials::new(KEY, SECRET)).environment(pesapal_api::Environment::Live);
    assert_eq!(live.build().unwrap().base_url(), "https://pay.pesapal.com/v3");
    let sandbox = Pesapal::builder().credentials(Credentials::new(KEY, SECRET)).build().unwrap();
    assert_eq!(sandbox.base_url(), "https://cybqa.pesapal.com/pesapalv3");
}

//! Every call gets a `pesapal` span; at the most verbose level, neither the consumer secret nor
//! the bearer token is ever printed.
//!
//! A test binary of its own: it installs a subscriber for its thread, and tracing caches which
//! callsites are enabled process-wide, so tests running beside it on other threads (with no
//! subscriber) can switch its spans off.

#[allow(dead_code, reason = "this binary uses a few of the shared helpers")]
mod common;

use common::*;
use httpmock::prelude::*;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn spans_name_the_operation_and_logs_hold_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let server = MockServer::start_async().await;
            mock_token(&server).await;
            server
                .mock_async(|when, then| {
                    when.method(GET).path("/api/URLSetup/GetIpnList");
                    then.status(503).json_body(json!({"status": "500"}));
                })
                .await;
            let error = client(&server).list_ipns().await.unwrap_err();
            assert!(error.is_retryable());
        });
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("pesapal{operation=\"GetIpnList\"}"), "{logs}");
    assert!(logs.contains("pesapal{operation=\"RequestToken\"}"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(!logs.contains(SECRET), "secret in logs:\n{logs}");
    assert!(!logs.contains(TOKEN), "token in logs:\n{logs}");
}

//! A loopback HTTP/1.1 server (hyper) that answers RequestToken, GetTransactionStatus and
//! SubmitOrderRequest with fixed bodies in the shapes the real API sends, and counts requests.

use crate::ids::TRACKING_ID;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

/// Request counters, by operation.
#[derive(Debug, Default)]
pub struct Counts {
    /// RequestToken calls.
    pub token: AtomicU64,
    /// GetTransactionStatus calls.
    pub status: AtomicU64,
    /// SubmitOrderRequest calls.
    pub submit: AtomicU64,
}

impl Counts {
    /// All requests so far.
    pub fn total(&self) -> u64 {
        self.token.load(Ordering::Relaxed) + self.status.load(Ordering::Relaxed) + self.submit.load(Ordering::Relaxed)
    }
}

/// The merchant reference of the canned order ([`crate::TRACKING_ID`]).
const REFERENCE: &str = "BENCH-0001";

/// The notification parameters of the canned order as a query string, named by
/// [`pesapal_gen::notification_parameters`] (Pesapal appends them to the callback and redirect URLs).
fn notification_query(with_reference: bool) -> String {
    use pesapal_gen::notification_parameters::{ORDER_MERCHANT_REFERENCE, ORDER_TRACKING_ID};
    let mut query = format!("{ORDER_TRACKING_ID}={TRACKING_ID}");
    if with_reference {
        query.push_str(&format!("&{ORDER_MERCHANT_REFERENCE}={REFERENCE}"));
    }
    query
}

/// The recorded shape of a completed GetTransactionStatus answer.
pub static STATUS_BODY: LazyLock<String> = LazyLock::new(|| {
    r#"{"payment_method":"MpesaKE","amount":100.00,"created_date":"2024-05-01T10:00:00.763","confirmation_code":"QX12ABC3DE","payment_status_description":"Completed","description":null,"message":"Request processed successfully","payment_account":"2547****0000","call_back_url":"https://shop.example.com/callback?QUERY","status_code":1,"merchant_reference":"REFERENCE","payment_status_code":"","currency":"KES","error":{"error_type":null,"code":null,"message":null,"call_back_url":null},"status":"200"}"#
        .replace("QUERY", &notification_query(true))
        .replace("REFERENCE", REFERENCE)
});

/// The recorded shape of a SubmitOrderRequest answer.
pub static SUBMIT_BODY: LazyLock<String> = LazyLock::new(|| {
    r#"{"order_tracking_id":"TRACKING_ID","merchant_reference":"REFERENCE","redirect_url":"https://cybqa.pesapal.com/pesapaliframe/PesapalIframe3/Index/?QUERY","error":null,"status":"200"}"#
        .replace("QUERY", &notification_query(false))
        .replace("TRACKING_ID", TRACKING_ID)
        .replace("REFERENCE", REFERENCE)
});

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// What it has received.
    pub counts: Arc<Counts>,
}

fn token_body() -> String {
    // Valid for an hour, 7 fractional digits and `Z`, as Pesapal sends.
    let expiry = (chrono::Utc::now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%S");
    format!(
        r#"{{"token":"eyJhbGciOiJIUzI1NiJ9.bench.token","expiryDate":"{expiry}.5177702Z","error":null,"status":"200","message":"Request processed successfully"}}"#
    )
}

async fn answer(
    request: Request<Incoming>,
    counts: Arc<Counts>,
    token: Arc<String>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = request.uri().path().to_owned();
    // Read the whole body, as a real server would.
    let _body = request.into_body().collect().await?;
    let body: Bytes = if path.ends_with("/Auth/RequestToken") {
        counts.token.fetch_add(1, Ordering::Relaxed);
        Bytes::from(token.as_bytes().to_vec())
    } else if path.ends_with("/GetTransactionStatus") {
        counts.status.fetch_add(1, Ordering::Relaxed);
        Bytes::from_static(STATUS_BODY.as_bytes())
    } else if path.ends_with("/SubmitOrderRequest") {
        counts.submit.fetch_add(1, Ordering::Relaxed);
        Bytes::from_static(SUBMIT_BODY.as_bytes())
    } else {
        return Ok(Response::builder().status(404).body(Full::new(Bytes::new())).expect("valid response"));
    };
    Ok(Response::builder()
        .header("content-type", "application/json; charset=utf-8")
        .body(Full::new(body))
        .expect("valid response"))
}

/// Starts the server on a free loopback port, on the current tokio runtime.
pub async fn start() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let base_url = format!("http://{}", listener.local_addr().expect("local address"));
    let counts = Arc::new(Counts::default());
    let token = Arc::new(token_body());
    let shared = counts.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (counts, token) = (shared.clone(), token.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| answer(request, counts.clone(), token.clone()));
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    Server { base_url, counts }
}

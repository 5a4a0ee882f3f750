//! The IPN endpoint under a flood of forged notifications: every one is answered, none reaches
//! the handler, GetTransactionStatus calls in flight never exceed the cap, duplicates share one
//! call, malformed requests cost none, and a real IPN sent mid-flood is handled exactly once.
//!
//! Pesapal is played by a small loopback axum server that counts the calls it gets and the
//! most GetTransactionStatus calls it ever had in flight.

use crate::common::{KEY, SECRET, TOKEN, token_answer};
use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pesapal_api::{
    Acknowledgement, Confirmation, Credentials, Decimal, Expectation, Notification, PaymentEndpoint, Pesapal,
    RetryPolicy,
};
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower::ServiceExt;
use uuid::Uuid;

const PATH: &str = "/pesapal/ipn";
/// The cap set in these tests, well below the flood's concurrency.
const CAP: usize = 8;
const FORGED: usize = 10_000;
/// Requests sent at once.
const CONCURRENCY: usize = 500;

const PENDING: &str = r#"{"payment_method":null,"amount":0,"status_code":0,"payment_status_description":"INVALID","error":{"error_type":"api_error","code":"payment_details_not_found","message":"Pending Payment","call_back_url":null},"status":"500"}"#;
const COMPLETED: &str = r#"{"payment_method":"MpesaKE","amount":10.00,"created_date":"2024-05-01T10:00:00.123","confirmation_code":"SE12ABC3DE","payment_status_description":"Completed","description":null,"message":"Request processed successfully","payment_account":"2547xxxxx123","call_back_url":null,"status_code":1,"merchant_reference":"ORDER-1","currency":"KES","error":null,"status":"200"}"#;

/// What the fake Pesapal saw.
#[derive(Default)]
struct Seen {
    /// The one tracking id Pesapal knows (paid, reference `ORDER-1`); every other is unknown.
    paid: Mutex<Option<Uuid>>,
    token_calls: AtomicUsize,
    status_calls: AtomicUsize,
    other_calls: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    per_id: Mutex<HashMap<String, usize>>,
}

impl Seen {
    fn calls_to(&self, id: Uuid) -> usize {
        self.per_id.lock().unwrap().get(&id.to_string()).copied().unwrap_or(0)
    }

    fn all_calls(&self) -> usize {
        [&self.token_calls, &self.status_calls, &self.other_calls].iter().map(|c| c.load(Ordering::SeqCst)).sum()
    }
}

/// Starts the fake Pesapal on a loopback port.
async fn fake_pesapal() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let app = Router::new()
        .route("/api/Auth/RequestToken", post(request_token))
        .route("/api/Transactions/GetTransactionStatus", get(transaction_status))
        .fallback(|State(seen): State<Arc<Seen>>| async move {
            seen.other_calls.fetch_add(1, Ordering::SeqCst);
            StatusCode::NOT_FOUND
        })
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), seen)
}

async fn request_token(State(seen): State<Arc<Seen>>) -> Response {
    seen.token_calls.fetch_add(1, Ordering::SeqCst);
    let body = token_answer(TOKEN, chrono::Duration::hours(1)).to_string();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn transaction_status(State(seen): State<Arc<Seen>>, RawQuery(query): RawQuery) -> Response {
    let id = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "orderTrackingId")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    seen.status_calls.fetch_add(1, Ordering::SeqCst);
    *seen.per_id.lock().unwrap().entry(id.clone()).or_default() += 1;
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1)).await;
    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    let paid = seen.paid.lock().unwrap().is_some_and(|paid| paid.to_string() == id);
    ([(header::CONTENT_TYPE, "application/json")], if paid { COMPLETED } else { PENDING }).into_response()
}

/// The IPN router under test, with a handler that records the tracking ids it is given.
fn endpoint(base_url: &str) -> (Router, Arc<Mutex<Vec<Uuid>>>) {
    let pesapal = Pesapal::builder()
        .credentials(Credentials::new(KEY, SECRET))
        .base_url(base_url)
        .retry_policy(RetryPolicy::none()) // every status call the fake sees is one we asked for
        .max_concurrent_verifications(CAP)
        .verification_wait(Duration::from_secs(600)) // never "busy" here: every forged IPN is verified
        .build()
        .unwrap();
    let handled = Arc::new(Mutex::new(Vec::new()));
    let record = handled.clone();
    let endpoint = PaymentEndpoint::new(
        pesapal,
        // Every reference names an order (KES 10.00): forged notifications reach GetTransactionStatus.
        async |reference: String| Ok::<_, Infallible>(Some(Expectation::new(reference, Decimal::TEN, "KES"))),
        async move |confirmation: Confirmation| {
            record.lock().unwrap().push(confirmation.order_tracking_id);
            Ok::<(), Infallible>(())
        },
    );
    (pesapal_api::axum::ipn_router(PATH, endpoint), handled)
}

fn query(id: Uuid, reference: &str) -> String {
    format!("OrderTrackingId={id}&OrderMerchantReference={reference}&OrderNotificationType=IPNCHANGE")
}

/// A well-formed IPN, as GET or as a JSON POST.
fn ipn(id: Uuid, reference: &str, as_post: bool) -> Request<Body> {
    if as_post {
        let body = format!(
            r#"{{"OrderTrackingId":"{id}","OrderMerchantReference":"{reference}","OrderNotificationType":"IPNCHANGE"}}"#
        );
        Request::post(PATH).header("content-type", "application/json").body(Body::from(body)).unwrap()
    } else {
        Request::get(format!("{PATH}?{}", query(id, reference))).body(Body::empty()).unwrap()
    }
}

/// The acknowledgement the endpoint must answer with.
fn ack(id: Uuid, reference: &str, received: bool) -> String {
    let notification = Notification::from_query(&query(id, reference)).unwrap();
    if received { Acknowledgement::received(&notification) } else { Acknowledgement::failed(&notification) }.to_json()
}

/// Malformed requests of several kinds: none can name a tracking id.
fn malformed(kind: usize) -> Request<Body> {
    let id = Uuid::new_v4();
    match kind % 6 {
        0 => Request::get(PATH).body(Body::empty()).unwrap(),
        1 => Request::get(format!("{PATH}?OrderTrackingId=not-a-guid&OrderMerchantReference=x"))
            .body(Body::empty())
            .unwrap(),
        2 => Request::get(format!("{PATH}?OrderTrackingId={id}")).body(Body::empty()).unwrap(),
        3 => Request::post(PATH).body(Body::from(format!("{{\"OrderTrackingId\": \"{id}\""))).unwrap(),
        4 => Request::post(PATH).body(Body::from(vec![0xff, 0x00, 0xfe])).unwrap(),
        _ => Request::post(PATH).body(Body::from(format!("OrderMerchantReference=x&OrderTrackingId={id}0"))).unwrap(),
    }
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// Sends every request, `CONCURRENCY` at a time, and returns the answers in order.
async fn flood(app: &Router, requests: Vec<Request<Body>>) -> Vec<(StatusCode, String)> {
    let total = requests.len();
    let queue = Arc::new(Mutex::new(requests.into_iter().enumerate()));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (app, queue) = (app.clone(), queue.clone());
        workers.spawn(async move {
            let mut answers = Vec::new();
            loop {
                let next = queue.lock().unwrap().next();
                let Some((index, request)) = next else { return answers };
                answers.push((index, send(&app, request).await));
            }
        });
    }
    let mut answers = vec![None; total];
    for (index, answer) in workers.join_all().await.into_iter().flatten() {
        answers[index] = Some(answer);
    }
    answers.into_iter().map(|a| a.expect("every request answered")).collect()
}

enum Sent {
    Forged(Uuid, String),
    Malformed,
    Real,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_forged_ipns_are_answered_within_the_cap_and_a_real_one_is_handled_once() {
    let (base_url, seen) = fake_pesapal().await;
    let (app, handled) = endpoint(&base_url);
    let real = Uuid::new_v4();
    *seen.paid.lock().unwrap() = Some(real);

    // 10,000 forged IPNs for distinct random ids, GET and POST; a malformed request after every
    // tenth; the real IPN in the middle.
    let mut forged_ids = HashSet::new();
    let mut plan = Vec::new();
    while forged_ids.len() < FORGED {
        let id = Uuid::new_v4();
        if id == real || !forged_ids.insert(id) {
            continue;
        }
        let n = forged_ids.len();
        plan.push(Sent::Forged(id, format!("FORGED-{n}")));
        if n % 10 == 0 {
            plan.push(Sent::Malformed);
        }
        if n == FORGED / 2 {
            plan.push(Sent::Real);
        }
    }
    let requests = plan
        .iter()
        .enumerate()
        .map(|(i, sent)| match sent {
            Sent::Forged(id, reference) => ipn(*id, reference, i % 2 == 0),
            Sent::Malformed => malformed(i),
            Sent::Real => ipn(real, "ORDER-1", false),
        })
        .collect();

    let started = Instant::now();
    let answers = flood(&app, requests).await;
    let elapsed = started.elapsed();

    let (mut forged, mut malformed_seen) = (0, 0);
    for (sent, (status, body)) in plan.iter().zip(&answers) {
        match sent {
            Sent::Forged(id, reference) => {
                forged += 1;
                assert_eq!(*status, StatusCode::INTERNAL_SERVER_ERROR, "forged {id}: {body}");
                assert_eq!(*body, ack(*id, reference, false), "forged {id} gets the failure acknowledgement");
            }
            Sent::Malformed => {
                malformed_seen += 1;
                assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
            }
            Sent::Real => {
                assert_eq!(*status, StatusCode::OK, "the real IPN is verified mid-flood: {body}");
                assert_eq!(*body, ack(real, "ORDER-1", true));
            }
        }
    }
    assert_eq!(forged, FORGED);
    assert_eq!(*handled.lock().unwrap(), vec![real], "only the real IPN reaches the handler, once");
    let max_in_flight = seen.max_in_flight.load(Ordering::SeqCst);
    let status_calls = seen.status_calls.load(Ordering::SeqCst);
    eprintln!(
        "{} requests ({FORGED} forged, {malformed_seen} malformed, 1 real) in {elapsed:?}, {CONCURRENCY} at a \
         time: {status_calls} status calls, {} token calls, at most {max_in_flight} status calls in flight (cap {CAP})",
        answers.len(),
        seen.token_calls.load(Ordering::SeqCst),
    );
    assert!(max_in_flight <= CAP, "{max_in_flight} GetTransactionStatus calls in flight, cap {CAP}");
    assert_eq!(seen.calls_to(real), 1);
    assert_eq!(status_calls, FORGED + 1, "one status call per well-formed IPN, none for malformed ones");
    assert_eq!(seen.other_calls.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_of_one_tracking_id_share_one_status_call() {
    let (base_url, seen) = fake_pesapal().await;
    let (app, handled) = endpoint(&base_url);
    let id = Uuid::new_v4();
    // Start every duplicate before any can finish: one poll each brings it to the point where it
    // joins (or starts) the verification of `id`; nothing can complete until they run again.
    let mut pending: Vec<_> = (0..200)
        .map(|i| {
            let app = app.clone();
            Box::pin(async move { send(&app, ipn(id, "FORGED", i % 2 == 0)).await })
        })
        .collect();
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    for duplicate in &mut pending {
        assert!(duplicate.as_mut().poll(&mut context).is_pending());
    }
    let tasks: Vec<_> = pending.into_iter().map(tokio::spawn).collect();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body, ack(id, "FORGED", false));
    }
    assert_eq!(seen.calls_to(id), 1, "200 concurrent duplicates, one GetTransactionStatus call");
    // Once that call is over, a new IPN for the id asks Pesapal again.
    assert_eq!(send(&app, ipn(id, "FORGED", false)).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(seen.calls_to(id), 2);
    assert!(handled.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_malformed_requests_makes_no_call_at_all() {
    let (base_url, seen) = fake_pesapal().await;
    let (app, handled) = endpoint(&base_url);
    let answers = flood(&app, (0..2_000).map(malformed).collect()).await;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.starts_with("malformed Pesapal notification: "), "{body}");
    }
    assert_eq!(seen.all_calls(), 0, "no RequestToken, no GetTransactionStatus");
    assert!(handled.lock().unwrap().is_empty());
}

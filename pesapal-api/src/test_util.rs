//! Test utilities (cargo feature `test-util`, for your dev-dependencies): the values the
//! library hands your code, made as the library makes them (the verdict and the deduplication key
//! included), a client for a simulator in one line, and a client whose GetTransactionStatus you
//! answer yourself, without a server.
//!
//! ```toml
//! [dev-dependencies]
//! pesapal-api = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! A handler unit test, no server anywhere:
//!
//! ```
//! use pesapal_api::test_util::{StatusAnswer, client_answering_status, notification_query, status};
//! use pesapal_api::{Confirmation, Decimal, Expectation, PaymentEndpoint, Verdict};
//! use std::sync::{Arc, Mutex};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let id = pesapal_api::Uuid::from_u128(7);
//! let pesapal = client_answering_status(move |asked| {
//!     assert_eq!(asked, id);
//!     StatusAnswer::Status(status().completed().merchant_reference("ORDER-7").amount(Decimal::TEN, "KES"))
//! });
//! let credited = Arc::new(Mutex::new(Vec::new()));
//! let record = credited.clone();
//! let endpoint = PaymentEndpoint::new(
//!     pesapal,
//!     async |reference: String| Ok::<_, std::io::Error>(Some(Expectation::new(reference, Decimal::TEN, "KES"))),
//!     async move |confirmation: Confirmation| {
//!         record.lock().unwrap().push(confirmation.verdict);
//!         Ok::<(), std::io::Error>(())
//!     },
//! );
//! let answer = endpoint.ipn("GET", Some(&notification_query(id, "ORDER-7")), b"").await;
//! assert_eq!(answer.status(), 200);
//! assert_eq!(*credited.lock().unwrap(), [Verdict::PaidAsExpected]);
//! # });
//! ```

use crate::client::Pesapal;
use crate::config::Credentials;
use crate::confirmation::{Confirmation, DedupeKey, Expectation};
use crate::http::Seam;
use crate::notifications::{Notification, NotificationType};
use crate::operation::Operation;
use crate::responses::TransactionStatus;
use crate::retry::RetryPolicy;
use crate::verification::VerifiedPayment;
use pesapal_gen::facts::{PaymentStatusCode, TimestampShape};
use pesapal_gen::notification_parameters::{ORDER_MERCHANT_REFERENCE, ORDER_NOTIFICATION_TYPE, ORDER_TRACKING_ID};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// A client for `base_url` (a simulator, `pesapal-sim`) with these credentials and retries
/// within milliseconds ([`fast_retries`]`(3)`).
///
/// ```
/// let pesapal = pesapal_api::test_util::simulator_client("http://127.0.0.1:8080", "key", "secret");
/// assert_eq!(pesapal.base_url(), "http://127.0.0.1:8080");
/// ```
pub fn simulator_client(base_url: &str, consumer_key: &str, consumer_secret: &str) -> Pesapal {
    Pesapal::builder()
        .credentials(Credentials::new(consumer_key, consumer_secret))
        .base_url(base_url)
        .retry_policy(fast_retries(3))
        .build()
        .expect("a client for a local base URL builds")
}

/// Retries as the default policy makes them, but within milliseconds: `max_retries` retries,
/// 1 ms doubled up to 5 ms.
pub fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(max_retries)
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
}

/// What the seam of [`client_answering_status`] answers for one tracking id.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StatusAnswer {
    /// Pesapal's record of the payment.
    Status(StatusBuilder),
    /// No payment yet (`payment_details_not_found`, as recorded).
    NotPaidYet,
    /// Pesapal knows no such order (`invalid_tracking_id`, as recorded).
    UnknownOrder,
}

/// A client whose GetTransactionStatus calls are answered by `answer`, with no server: the seam
/// for unit tests of code that confirms payments. RequestToken is answered with a token valid
/// for an hour; any other operation is refused (HTTP 404). The answers go through the
/// library's decoding, as Pesapal's would.
pub fn client_answering_status(answer: impl Fn(Uuid) -> StatusAnswer + Send + Sync + 'static) -> Pesapal {
    let seam = move |operation: Operation, query: &[String]| -> (u16, bytes::Bytes) {
        let body = match operation {
            Operation::RequestToken => json!({
                "token": "test-util.token", "expiryDate": TimestampShape::UtcSevenDigits.format(chrono::Utc::now() + chrono::Duration::hours(1)),
                "error": null, "status": "200", "message": "Request processed successfully"
            }),
            Operation::GetTransactionStatus => {
                let id = query.first().and_then(|id| id.parse().ok()).unwrap_or_default();
                match answer(id) {
                    StatusAnswer::Status(status) => status.order_tracking_id(id).to_json(),
                    StatusAnswer::NotPaidYet => json!({
                        "payment_method": null, "amount": 0, "created_date": "0001-01-01T00:00:00", "confirmation_code": null,
                        "order_tracking_id": id, "payment_status_description": "INVALID", "description": null, "message": "",
                        "payment_account": null, "call_back_url": null, "status_code": 0, "merchant_reference": null,
                        "payment_status_code": null, "currency": null,
                        "error": {"error_type": "api_error", "code": "payment_details_not_found", "message": "Pending Payment", "call_back_url": null},
                        "status": "500"
                    }),
                    StatusAnswer::UnknownOrder => json!({
                        "error": {"error_type": "validation_error", "code": "invalid_tracking_id", "message": null, "call_back_url": null},
                        "status": "500"
                    }),
                }
            }
            _ => return (404, bytes::Bytes::new()),
        };
        (200, bytes::Bytes::from(body.to_string()))
    };
    let mut builder = Pesapal::builder()
        .credentials(Credentials::new("test-util", "test-util"))
        .base_url("http://127.0.0.1:9")
        .retry_policy(RetryPolicy::none());
    builder.seam = Some(Seam(Arc::new(seam)));
    builder.build().expect("a test client builds")
}

/// A GetTransactionStatus answer in the recorded shape, to build: [`status`] starts one.
#[derive(Debug, Clone)]
pub struct StatusBuilder {
    fields: serde_json::Map<String, Value>,
}

/// A GetTransactionStatus answer: a completed M-Pesa payment of KES 10.00 for `ORDER-1`, with
/// confirmation code `TEST0001`; change what your test needs.
///
/// ```
/// use pesapal_api::{Decimal, PaymentStatus};
///
/// let status = pesapal_api::test_util::status().failed().amount(Decimal::new(4, 1), "USD").build();
/// assert_eq!(status.payment_status, PaymentStatus::Failed);
/// assert_eq!(status.currency.as_deref(), Some("USD"));
/// ```
pub fn status() -> StatusBuilder {
    let fields = json!({
        "payment_method": "MpesaKE", "amount": 10.00, "created_date": "2024-05-01T10:00:00.123",
        "confirmation_code": "TEST0001", "payment_status_description": "Completed", "description": null,
        "message": "Request processed successfully", "payment_account": "2547xxxxx123", "call_back_url": null,
        "status_code": 1, "merchant_reference": "ORDER-1", "payment_status_code": "", "currency": "KES",
        "error": null, "status": "200"
    });
    let Value::Object(fields) = fields else { unreachable!("an object") };
    StatusBuilder { fields }
}

impl StatusBuilder {
    fn with(mut self, name: &str, value: Value) -> StatusBuilder {
        self.fields.insert(name.to_owned(), value);
        self
    }

    fn payment(self, code: PaymentStatusCode) -> StatusBuilder {
        self.with("status_code", json!(code.code())).with("payment_status_description", json!(code.description()))
    }

    /// `COMPLETED`.
    pub fn completed(self) -> StatusBuilder {
        self.payment(PaymentStatusCode::Completed)
    }

    /// `FAILED` (not final).
    pub fn failed(self) -> StatusBuilder {
        self.payment(PaymentStatusCode::Failed)
    }

    /// `REVERSED`.
    pub fn reversed(self) -> StatusBuilder {
        self.payment(PaymentStatusCode::Reversed)
    }

    /// The amount and currency charged.
    pub fn amount(self, amount: Decimal, currency: &str) -> StatusBuilder {
        self.with("amount", json!(amount)).with("currency", json!(currency))
    }

    /// The order's merchant reference.
    pub fn merchant_reference(self, reference: &str) -> StatusBuilder {
        self.with("merchant_reference", json!(reference))
    }

    /// The payment's confirmation code.
    pub fn confirmation_code(self, code: &str) -> StatusBuilder {
        self.with("confirmation_code", json!(code))
    }

    /// The order's tracking id.
    pub fn order_tracking_id(self, id: Uuid) -> StatusBuilder {
        self.with("order_tracking_id", json!(id))
    }

    /// A recurring charge of the subscription `account_reference`.
    pub fn recurring(self, account_reference: &str) -> StatusBuilder {
        let amount = self.fields.get("amount").cloned().unwrap_or(Value::Null);
        self.with(
            "subscription_transaction_info",
            json!({"account_reference": account_reference, "amount": amount, "first_name": "Jane", "last_name": "Doe", "correlation_id": 1}),
        )
    }

    /// The body, as Pesapal would send it.
    pub fn to_json(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    /// The status, decoded by the library from [`StatusBuilder::to_json`].
    pub fn build(&self) -> TransactionStatus {
        TransactionStatus::from_json_slice(self.to_json().to_string().as_bytes()).expect("a test status decodes")
    }
}

/// An IPN notification (`IPNCHANGE`) of `order_tracking_id` for `merchant_reference`.
pub fn notification(order_tracking_id: Uuid, merchant_reference: &str) -> Notification {
    notification_of(order_tracking_id, merchant_reference, NotificationType::IpnChange)
}

/// A notification of any type.
pub fn notification_of(order_tracking_id: Uuid, merchant_reference: &str, kind: NotificationType) -> Notification {
    Notification { order_tracking_id, merchant_reference: merchant_reference.to_owned(), notification_type: kind }
}

/// The query string of an `IPNCHANGE` notification, as Pesapal sends it to a GET IPN URL.
pub fn notification_query(order_tracking_id: Uuid, merchant_reference: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair(ORDER_TRACKING_ID, &order_tracking_id.to_string())
        .append_pair(ORDER_MERCHANT_REFERENCE, merchant_reference)
        .append_pair(ORDER_NOTIFICATION_TYPE, "IPNCHANGE")
        .finish()
}

/// A [`VerifiedPayment`] of `notification` with `status`, its deduplication key computed as the
/// library does.
pub fn verified_payment(notification: Notification, status: TransactionStatus) -> VerifiedPayment {
    let dedupe_key = DedupeKey::of(notification.order_tracking_id, Some(&status)).into();
    VerifiedPayment { notification, status, dedupe_key }
}

/// The [`Confirmation`] the library makes of `status` (`None`: no payment yet) for
/// `order_tracking_id`, against `expected` (`None`: nothing to check against): its verdict and
/// deduplication key as the library makes them.
///
/// ```
/// use pesapal_api::test_util::{confirmation, status};
/// use pesapal_api::{Decimal, Expectation, Uuid, Verdict};
///
/// let expected = Expectation::new("ORDER-1", Decimal::TEN, "KES");
/// let paid = confirmation(Uuid::nil(), Some(status().build()), Some(&expected));
/// assert_eq!(paid.verdict, Verdict::PaidAsExpected);
/// ```
pub fn confirmation(
    order_tracking_id: Uuid,
    status: Option<TransactionStatus>,
    expected: Option<&Expectation>,
) -> Confirmation {
    Confirmation::judge(order_tracking_id, status, expected, None)
}

/// The deduplication key of `status` (`None`: no payment yet) for `order_tracking_id`, as
/// every path of the library computes it.
pub fn dedupe_key(order_tracking_id: Uuid, status: Option<&TransactionStatus>) -> DedupeKey {
    DedupeKey::of(order_tracking_id, status)
}

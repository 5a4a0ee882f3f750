//! The Rust client for the [Pesapal API 3.0](https://developer.pesapal.com) payments gateway:
//! cards, M-Pesa, Airtel Money and other mobile money across East Africa.
//!
//! It is built on [`pesapal_gen`], generated from a corrected OpenAPI spec, and adds what a
//! payment integration needs:
//!
//! - **Tokens**: fetched on first use, cached, replaced ahead of `expiryDate` (never a hard-coded
//!   lifetime), one refresh shared by concurrent callers, one replay after a refused token.
//! - **Validation**: builders check every documented rule and report every violation at once;
//!   nothing is sent on invalid input.
//! - **One decoder**: every answer is decoded once, by the types generated from the corrected
//!   spec, which describes what the real API sends (statuses as strings or numbers, `error` as
//!   `null` or an all-null object, decimal amounts); this crate maps them to the types below and
//!   reads the three date shapes. Errors keep the body and HTTP status exactly as they arrived.
//! - **Errors by stage** ([`Error`]): invalid input, transport (not sent / maybe sent),
//!   authentication, rejected by Pesapal (even with HTTP 200 and `"status": "500"`), undecodable.
//! - **Safe retries**: only idempotent calls are retried after the request may have left; a
//!   payment request is never sent twice by accident.
//! - **Unknown outcomes, operation by operation**: when a payment call may have reached Pesapal
//!   and no answer came ([`Error::is_outcome_unknown`]), each method's docs say what is safe next;
//!   [`Pesapal::refund_with_resend`] resends a refund safely, and
//!   [`Pesapal::wait_for_final_status`] polls until a payment is final when no IPN arrives.
//! - **No secret leaks**: the consumer secret and the bearer token never appear in `Debug`
//!   output, errors or logs.
//!
//! # Example: configure → register IPN → submit order → status
//!
//! ```no_run
//! use pesapal_api::{BillingAddress, Credentials, Environment, IpnMethod, OrderRequest, Pesapal};
//! use rust_decimal::Decimal;
//!
//! # async fn run() -> Result<(), pesapal_api::Error> {
//! let pesapal = Pesapal::builder()
//!     .credentials(Credentials::new("consumer-key", "consumer-secret"))
//!     .environment(Environment::Sandbox)
//!     .build()?;
//!
//! // Once: register the URL Pesapal notifies, and keep its id.
//! let ipn = pesapal.register_ipn("https://shop.example.com/pesapal/ipn", IpnMethod::Get).await?;
//! let notification_id = ipn.notification_id().expect("Pesapal returns a GUID");
//!
//! // Per checkout: create the order and send the customer to pay.
//! let order = OrderRequest::builder()
//!     .merchant_reference("ORDER-1001")
//!     .amount(Decimal::new(250000, 2)) // KES 2,500.00
//!     .currency("KES")
//!     .description("2 bags of coffee")
//!     .callback_url("https://shop.example.com/pesapal/callback")
//!     .notification_id(notification_id)
//!     .billing_address(BillingAddress::builder().email_address("jane@example.com").phone_number("0723000000"))
//!     .build()?;
//! let submitted = pesapal.submit_order(&order).await?;
//! println!("redirect the customer to {:?}", submitted.redirect_url);
//!
//! // When the IPN or the callback arrives: ask Pesapal, never trust the notification.
//! match pesapal.transaction_status(submitted.order_tracking_id).await {
//!     Ok(status) if status.payment_status.is_paid() => println!("paid: {:?}", status.confirmation_code),
//!     Ok(status) => println!("not paid (yet): {:?}", status.payment_status),
//!     Err(e) if e.is_pending() => println!("no payment yet"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Configuration from the environment
//!
//! [`Pesapal::from_env`] reads `PESAPAL_CONSUMER_KEY`, `PESAPAL_CONSUMER_SECRET`,
//! `PESAPAL_ENVIRONMENT` (`sandbox` or `live`) and `PESAPAL_BASE_URL` (a proxy or simulator).
//!
//! # Cargo features
//!
//! - `rustls-ring` (default): HTTPS with rustls and the `ring` provider. Disable it to bring your
//!   own `reqwest::Client` ([`ClientBuilder::http_client`]).
//! - `axum`: a ready IPN endpoint, `axum::ipn_router`.
//!
//! # Notifications (IPN and callback)
//!
//! Pesapal's notifications are unsigned. [`Notification`] parses them (GET query, JSON or form
//! POST body), [`Pesapal::verify_notification`] confirms them with GetTransactionStatus and
//! checks the merchant reference, and [`Acknowledgement`] is the answer Pesapal expects.
//! Verification costs at most one GetTransactionStatus call per tracking id at a time, and
//! [`ClientBuilder::max_concurrent_verifications`] calls in all.

#[cfg(feature = "axum")]
pub mod axum;
mod client;
mod config;
mod error;
mod notifications;
mod outcomes;
mod requests;
mod responses;
mod retry;
mod token;
mod transport;
mod verification;
mod waiting;
mod wire;

pub use client::Pesapal;
pub use config::{
    ClientBuilder, Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REFRESH_MARGIN, DEFAULT_TIMEOUT, Environment,
};
pub use error::{
    Error, INVALID_API_CREDENTIALS, PAYMENT_DETAILS_NOT_FOUND, Rejection, Result, Sent, ValidationErrors, Violation,
};
pub use notifications::{Acknowledgement, Notification, NotificationError, NotificationType};
pub use outcomes::{REFUND_ALREADY_RECEIVED, RefundOutcome};
pub use requests::{
    BillingAddress, BillingAddressBuilder, Frequency, OrderRequest, OrderRequestBuilder, RedirectMode, RefundRequest,
    RefundRequestBuilder, StkPushRequest, StkPushRequestBuilder, Subscription,
};
pub use responses::{
    CancellationReceipt, IpnMethod, IpnRegistration, OrderSubmission, PayerInfo, PaymentStatus, RefundReceipt,
    SubscriptionTransactionInfo, TransactionStatus,
};
pub use retry::RetryPolicy;
pub use verification::{
    DEFAULT_MAX_CONCURRENT_VERIFICATIONS, DEFAULT_VERIFICATION_WAIT, VerificationError, VerifiedPayment,
};

/// Pesapal's operations (generated from the spec): what an [`Error`] names, and whether a call
/// may be sent twice ([`Operation::is_idempotent`]).
pub use pesapal_gen::Operation;
pub use waiting::{PaymentProgress, WaitOptions, WaitOutcome};

/// The generated low-level client, for what this crate does not cover.
pub use pesapal_gen as generated;

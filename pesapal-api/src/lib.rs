#![doc = include_str!("../README.md")]
//!
//! # Inside the crate (for maintainers)
//!
//! One call takes one path, downwards: a [`Pesapal`] method (`client`) hands a `Call`
//! (`operations`: one per operation, carrying its [`Operation`], its request and the decoding of
//! its answer) to `pipeline`, which retries it by the shared rule (`retry`), gets the bearer
//! token (`tokens`) and makes one exchange (`call::attempt`, over `http`), whose answer's
//! envelope `envelope` reads.
//!
//! No two files import each other, directly or through a circle (`tests/api/layering.rs`
//! checks it). From the top down, each file uses only files listed after it:
//!
//! 1. `axum`: the axum adapter;
//! 2. `client/verify.rs`, `client/wait.rs`, `client/resend.rs`: the methods built on calls
//!    (verifying notifications, polling, resending after an unknown outcome);
//! 3. `client/mod.rs`: [`Pesapal`], one method per operation, and [`ClientBuilder::build`];
//! 4. `pipeline`: the one call path;
//! 5. `tokens`: the bearer token's cache and refresh (RequestToken);
//! 6. `operations`: one `Call` per operation;
//! 7. `config`: what can be configured ([`ClientBuilder`], [`Credentials`], [`Environment`]);
//! 8. `guard`: the bound on notification verifications;
//! 9. `requests/`: the validated request builders (`stk`, `order`, `address`, `refund`);
//! 10. `call`: the `Call` trait and one attempt;
//! 11. `verification`, `waiting`: what verifying and polling end with;
//! 12. `http`: one HTTP exchange, from the generated endpoint table;
//! 13. `responses`: the answers as this crate presents them;
//! 14. `validation`: the checks of single fields (the URL rule among them);
//! 15. `retry`: [`RetryPolicy`] and the retry loop;
//! 16. `envelope`: Pesapal's `status`/`error`/`message`, read into a [`Rejection`];
//! 17. `error`: [`Error`] and [`ValidationErrors`] (the rule of what may be retried);
//! 18. the leaves, which use no other file: `operation` ([`Operation`]), `rejection`
//!     ([`Rejection`], [`ErrorCode`]), `money` (the amount rule and [`round_amount`]),
//!     `notifications`, `sync` (poison-tolerant locks), `tls` (the TLS provider).
//!
//! Each rule is written once, in the file named above. Only `operation`, `rejection`,
//! `responses` (payment statuses) and `notifications` map this crate's public types to the
//! generated ones or to `pesapal_gen::facts`; no generated type appears in a public signature
//! (but in the opt-in `generated` module).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod call;
mod client;
mod config;
mod envelope;
mod error;
mod guard;
mod http;
mod money;
mod notifications;
mod operation;
mod operations;
mod pipeline;
mod rejection;
mod requests;
mod responses;
mod retry;
mod sync;
#[cfg(feature = "rustls-ring")]
mod tls;
mod tokens;
mod validation;
mod verification;
mod waiting;

pub use client::Pesapal;
pub use config::{
    ClientBuilder, Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REFRESH_MARGIN, DEFAULT_TIMEOUT, Environment,
};
pub use error::{Error, Result, Sent, ValidationErrors, Violation};
pub use guard::{DEFAULT_MAX_CONCURRENT_VERIFICATIONS, DEFAULT_VERIFICATION_WAIT};
pub use money::{AMOUNT_DECIMAL_PLACES, round_amount};
pub use notifications::{Acknowledgement, Notification, NotificationError, NotificationType};
pub use operation::Operation;
pub use rejection::{
    ErrorCode, INVALID_API_CREDENTIALS, PAYMENT_DETAILS_NOT_FOUND, REFUND_ALREADY_RECEIVED, Rejection,
};
pub use requests::address::{BillingAddress, BillingAddressBuilder};
pub use requests::order::{Frequency, OrderRequest, OrderRequestBuilder, RedirectMode, Subscription};
pub use requests::refund::{RefundRequest, RefundRequestBuilder};
pub use requests::stk::{StkPushRequest, StkPushRequestBuilder};
pub use responses::{
    CancellationReceipt, IpnMethod, IpnRegistration, OrderSubmission, PayerInfo, PaymentStatus, RefundOutcome,
    RefundReceipt, SubscriptionTransactionInfo, TransactionStatus,
};
pub use retry::RetryPolicy;
#[cfg(feature = "rustls-ring")]
pub use tls::install_tls_provider;
pub use verification::{VerificationError, VerifiedPayment};
pub use waiting::{PaymentProgress, WaitOptions, WaitOutcome};

// The foreign types of this crate's public signatures, so that users need not match versions.
pub use chrono::{DateTime, NaiveDate, Utc};
pub use reqwest;
pub use rust_decimal::Decimal;
pub use uuid::Uuid;

/// The generated low-level client (`pesapal-gen`), for what this crate does not cover.
///
/// **Outside semver**: it is regenerated from the spec, so its types change whenever the spec
/// does (a renamed component renames a type), in any release of this crate. Opt in with the
/// `generated` feature; nothing else of this crate exposes a generated type.
#[cfg(feature = "generated")]
#[cfg_attr(docsrs, doc(cfg(feature = "generated")))]
pub use pesapal_gen as generated;

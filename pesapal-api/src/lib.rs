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
//! No two files import each other, directly or through a circle (the workspace's rule,
//! `xtask/src/imports.rs`, checks it; a parent uses its children, so a child names what it needs
//! where it is defined, never through a re-export of its parent). From the top down, each file
//! uses only files listed after it (the crate root and `client/mod.rs` only declare and
//! re-export):
//!
//! 1. `test_util` (feature `test-util`), `actix`, `axum`: test utilities and the web framework
//!    adapters;
//! 2. `service`: the payment endpoint as a `tower::Service`;
//! 3. `endpoint`: the framework-neutral payment endpoint (IPN and callback);
//! 4. `client/confirm.rs`, `client/verify.rs`, `client/wait.rs`, `client/resend.rs`,
//!    `client/ensure.rs`: the methods built on calls (verdicts and reconciliation, notifications,
//!    polling, resending after an unknown outcome, reusing an IPN registration);
//! 5. `client/pesapal.rs`: [`Pesapal`], one method per operation, and [`ClientBuilder::build`];
//! 6. `pipeline`: the one call path;
//! 7. `tokens`: the bearer token's cache and refresh (RequestToken);
//! 8. `operations`: one `Call` per operation;
//! 9. `config`: what can be configured ([`ClientBuilder`], [`Credentials`], [`Environment`]);
//! 10. `guard`: the bound on notification verifications;
//! 11. `requests/`: the validated request builders (`stk`, `order`, `address`, `refund`);
//! 12. `call`: the `Call` trait and one attempt;
//! 13. `dedupe`: acting once ([`DedupeStore`], [`MemoryDedupeStore`]);
//! 14. `waiting`, `verification`: what polling and verifying end with;
//! 15. `confirmation`: the verdict ([`Expectation`], [`Verdict`], [`Confirmation`], [`DedupeKey`]);
//! 16. `http`: one HTTP exchange, from the generated endpoint table;
//! 17. `responses`: the answers as this crate presents them;
//! 18. `validation`: the checks of single fields (the URL rule among them);
//! 19. `retry`: [`RetryPolicy`] and the retry loop;
//! 20. `envelope`: Pesapal's `status`/`error`/`message`, read into a [`Rejection`];
//! 21. `error`: [`Error`] and [`ValidationErrors`] (the rule of what may be retried);
//! 22. the leaves, which use no other file: `operation` ([`Operation`]), `rejection`
//!     ([`Rejection`], [`ErrorCode`]), `money` (the amount rule and [`round_amount`]),
//!     `notifications`, `sync` (poison-tolerant locks), `tls` (the TLS provider).
//!
//! Each rule is written once, in the file named above. Only `operation`, `rejection`,
//! `responses` (payment statuses) and `notifications` map this crate's public types to the
//! generated ones or to `pesapal_gen::facts`; no generated type appears in a public signature
//! (but in the opt-in `generated` module).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod call;
mod client;
mod config;
mod confirmation;
mod dedupe;
mod endpoint;
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
mod service;
mod sync;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
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
pub use confirmation::{Charge, Confirmation, DedupeKey, Expectation, Reconciled, ToReconcile, Verdict};
pub use dedupe::{DedupeStore, MemoryDedupeStore};
pub use endpoint::{EndpointAnswer, EndpointError, Expectations, PaymentEndpoint, PaymentHandler};
pub use error::{Error, Result, Sent, ValidationErrors, Violation};
pub use guard::{DEFAULT_MAX_CONCURRENT_VERIFICATIONS, DEFAULT_VERIFICATION_WAIT};
pub use money::{AMOUNT_DECIMAL_PLACES, round_amount};
pub use notifications::{Acknowledgement, Notification, NotificationError, NotificationType};
pub use operation::Operation;
pub use rejection::{
    ErrorCode, INVALID_API_CREDENTIALS, PAYMENT_DETAILS_NOT_FOUND, REFUND_ALREADY_RECEIVED, Rejection,
};
pub use requests::address::{BillingAddress, BillingAddressBuilder, OptionalText};
pub use requests::order::{Frequency, OrderRequest, OrderRequestBuilder, RedirectMode, Subscription};
pub use requests::refund::{RefundRequest, RefundRequestBuilder};
pub use requests::stk::{StkPushRequest, StkPushRequestBuilder};
pub use responses::{
    CancellationReceipt, IpnMethod, IpnRegistration, OrderSubmission, PayerInfo, PaymentStatus, RefundOutcome,
    RefundReceipt, SubscriptionTransactionInfo, TransactionStatus,
};
pub use retry::RetryPolicy;
pub use service::{IpnService, MAX_NOTIFICATION_BODY};
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

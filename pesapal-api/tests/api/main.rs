//! pesapal-api's integration tests, one binary: each module is one subject (tokens, errors,
//! every operation, recorded answers, notifications, validation, …); `tests/common` holds what
//! they share with the other two binaries. The axum and actix-web endpoints' tests need the `axum` and `actix` features.
//!
//! The other binaries: `tests/coverage.rs`, what the spec asks of this crate (run by name when
//! the spec changes: `cargo test -p pesapal-api --test coverage`), and
//! `tests/tracing_redaction.rs`, which needs a process of its own (it says why).

#[path = "../common/mod.rs"]
#[allow(dead_code, reason = "each module uses a different subset")]
mod common;

#[cfg(feature = "actix")]
mod actix_ipn;
#[cfg(feature = "axum")]
mod axum_ipn;
mod ensure_ipn;
mod errors;
mod future_sizes;
#[cfg(feature = "axum")]
mod ipn_flood;
mod live_sandbox;
mod notification_properties;
mod notifications;
mod operations;
mod reconcile;
mod recordings;
#[cfg(feature = "test-util")]
mod test_util;
mod tokens;
mod validation;
mod verdicts;

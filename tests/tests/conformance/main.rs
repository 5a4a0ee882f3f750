//! The corrected spec against the wire, in one test binary (`cargo test -p pesapal-tests --test
//! conformance`):
//!
//! - [`wire`]: the spec's examples validate against their own schemas; every answer body of the
//!   corpus (`tests/corpus/`, recordings of the real API among them) validates against the
//!   response the spec declares for it and decodes with the generated client, with no fallback;
//!   recordings fix which keys are `required`; reverting any wire correction fails these checks.
//! - [`generated_client`]: the generated client against a loopback mock (bearer tokens, headers,
//!   lenient shapes, decimal amounts).
//! - [`outline`]: the spec's operations and the reviewed outline of its fields.
//!
//! That the committed spec and generated client are what the inputs produce is checked once, by
//! `cargo xtask spec --check` (CI).

mod generated_client;
mod outline;
mod support;
mod wire;

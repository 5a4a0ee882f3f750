//! The simulator's integration tests, in one binary: raw HTTP answers as recorded
//! ([`answers`]), the SDK's flows ([`flows`]), faults and lost answers ([`faults`],
//! [`lost_answer`]), IPN delivery controls ([`ipn_controls`]), test values ([`test_values`]), the
//! answers as recorded, a test per row of issue 24 ([`recorded`]), the recorder ([`recorder`]),
//! seeded runs ([`seed`]), the binary ([`cli`]: without CA certificates in [`no_ca_bundle`],
//! stopped by SIGTERM in [`signals`]), the starting settings ([`settings`]), the URLs handed out
//! ([`public_url`]), the control API's OpenAPI description ([`control_openapi`]), and the crate's own
//! shape: names that do not clash with pesapal-api's ([`names`]; that no two of its files import
//! each other is the workspace's rule, `xtask/src/imports.rs`). The browser test and the spec's
//! coverage test are binaries of their own (`tests/browser.rs`, `tests/coverage.rs`).

mod answers;
mod cli;
mod common;
mod control_openapi;
mod faults;
mod flows;
mod ipn_controls;
mod lost_answer;
mod names;
mod no_ca_bundle;
mod public_url;
mod recorded;
mod recorder;
mod seed;
mod settings;
mod signals;
mod test_values;

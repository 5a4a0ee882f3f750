//! Cross-crate tests for pesapal-rs live in `tests/tests/`; this library holds what they share.

pub mod conformance;

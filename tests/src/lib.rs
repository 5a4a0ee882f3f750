//! Cross-crate tests for pesapal-rs; see `tests/`.

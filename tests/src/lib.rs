//! Cross-crate tests for pesapal-rs live in `tests/tests/`; this library is empty.

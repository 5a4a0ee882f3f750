//! The ergonomic Rust client for the [Pesapal API 3.0](https://developer.pesapal.com).
//!
//! **Work in progress.** This crate will hold token management, validated builders, lenient
//! response models and typed errors on top of [`pesapal_gen`], the client generated from the
//! corrected OpenAPI spec. Until then, use [`pesapal_gen`] directly; it is re-exported here.

pub use pesapal_gen as generated;

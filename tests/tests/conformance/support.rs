//! What the test modules share: a generated client with a fixed bearer token.

use pesapal_gen::{AuthFuture, Authenticator, Client};
use reqwest::header::HeaderValue;
use std::sync::Arc;

/// An authenticator that answers with a fixed `Authorization` header, or fails with a message.
#[derive(Debug)]
pub struct FixedToken(pub Result<&'static str, &'static str>);

impl Authenticator for FixedToken {
    fn authorization(&self) -> AuthFuture<'_> {
        let answer = self.0.map(HeaderValue::from_static).map_err(str::to_owned);
        Box::pin(async move { answer })
    }
}

/// The generated client for `base_url`, authenticating with `token`.
pub fn client(base_url: &str, token: Result<&'static str, &'static str>) -> Client {
    // In this workspace reqwest is built with `rustls-no-provider` (pesapal-api picks `ring`),
    // so a crypto provider must be installed before a reqwest client is built.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new(base_url, Arc::new(FixedToken(token)))
}

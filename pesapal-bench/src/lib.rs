//! Benchmark fixtures for pesapal-rs: a loopback HTTP server answering Pesapal's recorded
//! response shapes ([`server`]) and the floor to compare against, a hand-written reqwest +
//! serde client doing the same calls with no token cache, validation or leniency ([`raw`]).

pub mod exchange;
pub mod ids;
pub mod raw;
pub mod server;

pub use ids::{IPN_ID, TRACKING_ID};

/// A valid order, as both clients send it.
pub fn order() -> pesapal_api::OrderRequest {
    pesapal_api::OrderRequest::builder()
        .merchant_reference("BENCH-0001")
        .amount(rust_decimal::Decimal::new(10000, 2))
        .currency("KES")
        .description("Benchmark order")
        .callback_url("https://shop.example.com/callback")
        .notification_id(IPN_ID.parse().expect("valid GUID"))
        .billing_address(pesapal_api::BillingAddress::builder().email_address("jane@example.com").country_code("KE"))
        .build()
        .expect("valid order")
}

/// A pesapal-api client pointed at `base_url` using the same `reqwest::Client` settings as the
/// raw client (none), so that only the SDK's own work is compared. Retries are off (the server
/// never fails).
pub fn sdk(base_url: &str) -> pesapal_api::Pesapal {
    // reqwest is built with `rustls-no-provider` here: a provider must exist before `Client::new`.
    let _ = rustls::crypto::ring::default_provider().install_default();
    builder(base_url).http_client(reqwest::Client::new()).build().expect("client builds")
}

/// A pesapal-api client with its default HTTP settings (30 s request timeout, 10 s connect
/// timeout, user agent): what `Pesapal::builder()` gives.
pub fn sdk_with_defaults(base_url: &str) -> pesapal_api::Pesapal {
    builder(base_url).build().expect("client builds")
}

fn builder(base_url: &str) -> pesapal_api::ClientBuilder {
    pesapal_api::Pesapal::builder()
        .credentials(pesapal_api::Credentials::new("bench-key", "bench-secret"))
        .base_url(base_url)
        .retry_policy(pesapal_api::RetryPolicy::none())
}

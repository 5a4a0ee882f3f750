//! What the tests of the pesapal-rs crates share (not published): a [`pesapal_api::Pesapal`]
//! client whose retries take milliseconds, for a loopback mock or the simulator, the ids the
//! fixtures use, and a valid order.

use pesapal_api::{BillingAddress, Credentials, Decimal, OrderRequest, OrderRequestBuilder, Pesapal};

pub use pesapal_api::test_util::fast_retries;

/// A tracking id (the one of the documentation's samples).
pub const TRACKING_ID: &str = "b945e4af-80a5-4ec1-8706-e03f8332fb04";
/// An IPN registration id for orders.
pub const IPN_ID: &str = "e32182ca-0983-4fa0-91bc-c3bb813ba750";

/// A client for `base_url` (a mock server or the simulator) with these credentials and
/// [`fast_retries`].
///
/// ```
/// let client = pesapal_test_support::client("http://127.0.0.1:9", "key", "secret", 2);
/// assert_eq!(client.base_url(), "http://127.0.0.1:9");
/// ```
pub fn client(base_url: &str, consumer_key: &str, consumer_secret: &str, max_retries: u32) -> Pesapal {
    Pesapal::builder()
        .credentials(Credentials::new(consumer_key, consumer_secret))
        .base_url(base_url)
        .retry_policy(fast_retries(max_retries))
        .build()
        .expect("a test client builds")
}

/// A minimal valid order: `ORDER-1`, KES 10.00 for coffee, notified to [`IPN_ID`], billed to an
/// email address. Override what a test needs (`.merchant_reference(…)`, `.notification_id(…)`).
///
/// ```
/// let order = pesapal_test_support::order().merchant_reference("ORDER-2").build().unwrap();
/// assert_eq!(order.merchant_reference(), "ORDER-2");
/// ```
pub fn order() -> OrderRequestBuilder {
    OrderRequest::builder()
        .merchant_reference("ORDER-1")
        .amount(Decimal::new(1000, 2))
        .currency("KES")
        .description("Coffee")
        .callback_url("https://shop.example.com/callback")
        .notification_id(IPN_ID.parse().expect("a GUID"))
        .billing_address(BillingAddress::builder().email_address("jane@example.com"))
}

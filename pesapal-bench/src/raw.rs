//! The floor: what a careful hand-written client does with reqwest and serde alone. It fetches
//! one token up front and reuses it; it decodes into plain structs with no leniency.

use serde::{Deserialize, Serialize};

/// Token answer.
#[derive(Debug, Deserialize)]
pub struct TokenAnswer {
    /// The bearer token.
    pub token: String,
}

/// GetTransactionStatus answer, plain serde.
#[derive(Debug, Deserialize)]
pub struct StatusAnswer {
    /// Amount paid.
    #[serde(with = "rust_decimal::serde::float")]
    pub amount: rust_decimal::Decimal,
    /// Status code.
    pub status_code: i64,
    /// Status text.
    pub payment_status_description: String,
    /// Confirmation code.
    pub confirmation_code: Option<String>,
    /// Currency.
    pub currency: String,
    /// Reference.
    pub merchant_reference: String,
    /// Payment timestamp, as text.
    pub created_date: String,
    /// Call status.
    pub status: String,
}

/// SubmitOrderRequest answer, plain serde.
#[derive(Debug, Deserialize)]
pub struct SubmitAnswer {
    /// Tracking id.
    pub order_tracking_id: uuid::Uuid,
    /// Payment page.
    pub redirect_url: Option<String>,
    /// Call status.
    pub status: String,
}

#[derive(Serialize)]
struct Address<'a> {
    email_address: &'a str,
    country_code: &'a str,
}

#[derive(Serialize)]
struct Order<'a> {
    id: &'a str,
    currency: &'a str,
    amount: &'a str,
    description: &'a str,
    callback_url: &'a str,
    notification_id: &'a str,
    billing_address: Address<'a>,
}

/// A minimal reqwest + serde client holding one token.
pub struct RawClient {
    http: reqwest::Client,
    base_url: String,
    bearer: String,
}

impl RawClient {
    /// Connects and fetches a token.
    pub async fn connect(base_url: &str) -> RawClient {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let token: TokenAnswer = http
            .post(format!("{base_url}/api/Auth/RequestToken"))
            .json(&serde_json::json!({"consumer_key": "bench-key", "consumer_secret": "bench-secret"}))
            .send()
            .await
            .expect("token request")
            .json()
            .await
            .expect("token answer");
        RawClient { http, base_url: base_url.to_owned(), bearer: format!("Bearer {}", token.token) }
    }

    /// GET GetTransactionStatus.
    pub async fn status(&self, tracking_id: &str) -> StatusAnswer {
        self.status_as(tracking_id).await
    }

    /// GET GetTransactionStatus, decoded into `T` (to time another decoder behind the same
    /// request code).
    pub async fn status_as<T: serde::de::DeserializeOwned>(&self, tracking_id: &str) -> T {
        self.http
            .get(format!("{}/api/Transactions/GetTransactionStatus", self.base_url))
            .query(&[("orderTrackingId", tracking_id)])
            .header("authorization", &self.bearer)
            .header("accept", "application/json")
            .send()
            .await
            .expect("status request")
            .json()
            .await
            .expect("status answer")
    }

    /// POST SubmitOrderRequest with the same body as [`crate::order`].
    pub async fn submit(&self) -> SubmitAnswer {
        let order = Order {
            id: "BENCH-0001",
            currency: "KES",
            amount: "100.00",
            description: "Benchmark order",
            callback_url: "https://shop.example.com/callback",
            notification_id: crate::ids::IPN_ID,
            billing_address: Address { email_address: "jane@example.com", country_code: "KE" },
        };
        self.http
            .post(format!("{}/api/Transactions/SubmitOrderRequest", self.base_url))
            .header("authorization", &self.bearer)
            .header("accept", "application/json")
            .json(&order)
            .send()
            .await
            .expect("submit request")
            .json()
            .await
            .expect("submit answer")
    }
}

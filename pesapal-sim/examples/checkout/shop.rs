//! A small shop: a product page, a Buy button that sends the customer to Pesapal's payment
//! page, the callback page the customer comes back to, and an IPN endpoint built with
//! `pesapal_api::axum::ipn_router`. Shared by the `checkout` example and the browser test.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use pesapal_api::{
    BillingAddress, Confirmation, Expectation, IpnMethod, Notification, OrderRequest, PaymentEndpoint, PaymentStatus,
    Pesapal, TransactionStatus,
};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// The one product on sale.
pub const PRODUCT: &str = "A bag of Kenyan AA coffee";
/// Its price, KES 1,500.00.
pub const PRICE: Decimal = Decimal::from_parts(150_000, 0, 0, false, 2);

/// An order as the shop sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopOrder {
    /// The shop's reference (Pesapal's `merchant_reference`).
    pub reference: String,
    /// Pesapal's tracking id.
    pub tracking_id: Uuid,
    /// Where the customer pays.
    pub redirect_url: String,
    /// Pesapal's last verified word on the payment, if any.
    pub status: Option<TransactionStatus>,
    /// Payment states the IPN endpoint confirmed and acted on for this order (once each).
    pub ipns_verified: usize,
}

impl ShopOrder {
    /// "paid", "payment failed", "reversed" or "awaiting payment".
    pub fn state(&self) -> &'static str {
        match self.status.as_ref().map(|s| &s.payment_status) {
            Some(PaymentStatus::Completed) => "paid",
            Some(PaymentStatus::Failed) => "payment failed",
            Some(PaymentStatus::Reversed) => "reversed",
            _ => "awaiting payment",
        }
    }
}

/// The shop's memory and its Pesapal client.
#[derive(Debug)]
pub struct ShopState {
    pesapal: Pesapal,
    public_url: String,
    notification_id: Uuid,
    orders: Mutex<HashMap<String, ShopOrder>>,
    next: AtomicU64,
}

impl ShopState {
    /// One order by reference.
    pub fn order(&self, reference: &str) -> Option<ShopOrder> {
        self.orders.lock().unwrap().get(reference).cloned()
    }

    fn update(&self, reference: &str, change: impl FnOnce(&mut ShopOrder)) {
        if let Some(order) = self.orders.lock().unwrap().get_mut(reference) {
            change(order);
        }
    }

    fn reference_of(&self, tracking_id: Uuid) -> Option<String> {
        self.orders.lock().unwrap().values().find(|o| o.tracking_id == tracking_id).map(|o| o.reference.clone())
    }
}

/// A running shop.
#[derive(Debug)]
pub struct RunningShop {
    /// `http://127.0.0.1:port`.
    pub url: String,
    /// Its state, to inspect.
    pub state: Arc<ShopState>,
    /// The registered IPN id.
    pub notification_id: Uuid,
}

/// Binds the shop on `port` (0: any), registers its IPN URL with Pesapal (reusing the
/// registration Pesapal has for it, as every start should: `ensure_ipn`) and serves it in the
/// background. `public_url` is how Pesapal and browsers reach it (default: the local address).
pub async fn start(pesapal: Pesapal, port: u16, public_url: Option<String>) -> anyhow::Result<RunningShop> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let public_url = public_url.unwrap_or_else(|| url.clone()).trim_end_matches('/').to_owned();
    let ipn = pesapal.ensure_ipn(&format!("{public_url}/pesapal/ipn"), IpnMethod::Get).await?;
    let notification_id =
        ipn.notification_id().ok_or_else(|| anyhow::anyhow!("the IPN id {:?} is not a GUID", ipn.ipn_id))?;
    let state = Arc::new(ShopState {
        pesapal: pesapal.clone(),
        public_url,
        notification_id,
        orders: Mutex::default(),
        next: AtomicU64::new(1001),
    });
    let (orders, on_ipn) = (state.clone(), state.clone());
    let endpoint = PaymentEndpoint::new(
        pesapal,
        // The shop's orders: every one is one bag at PRICE.
        async move |reference: String| {
            let known = orders.order(&reference).is_some();
            Ok::<_, std::convert::Infallible>(known.then(|| Expectation::new(reference, PRICE, "KES")))
        },
        // Confirmed with GetTransactionStatus by the endpoint, once per payment state: record
        // Pesapal's word.
        async move |confirmation: Confirmation| {
            let reference = on_ipn.reference_of(confirmation.order_tracking_id);
            if let (Some(reference), Some(status)) = (reference, confirmation.status) {
                on_ipn.update(&reference, |order| {
                    order.status = Some(status);
                    order.ipns_verified += 1;
                });
            }
            Ok::<(), std::convert::Infallible>(())
        },
    );
    let ipn_routes = pesapal_api::axum::ipn_router("/pesapal/ipn", endpoint);
    let app = Router::new()
        .route("/", get(product))
        .route("/buy", post(buy))
        .route("/callback", get(callback))
        .route("/orders/{reference}", get(order_page))
        .merge(ipn_routes)
        .with_state(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(RunningShop { url, state, notification_id })
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:2rem auto}}button{{padding:.5rem 1rem}}</style>
</head><body>{body}</body></html>"#,
        title = text(title)
    ))
}

async fn product() -> Html<String> {
    page(
        "Coffee shop",
        &format!(
            r#"<h1>Coffee shop</h1><p id="product">{}</p><p id="price">KES {}</p>
<form method="post" action="/buy"><button id="buy">Buy</button></form>"#,
            text(PRODUCT),
            PRICE
        ),
    )
}

async fn buy(State(state): State<Arc<ShopState>>) -> Response {
    let reference = format!("SHOP-{}", state.next.fetch_add(1, Ordering::Relaxed));
    let order = OrderRequest::builder()
        .merchant_reference(&reference)
        .amount(PRICE)
        .currency("KES")
        .description(PRODUCT)
        .callback_url(format!("{}/callback", state.public_url))
        .notification_id(state.notification_id)
        .billing_address(
            BillingAddress::builder()
                .email_address("jane@example.com")
                .phone_number("0723000000")
                .first_name("Jane")
                .last_name("Doe"),
        )
        .build();
    let submitted = match order {
        Ok(order) => state.pesapal.submit_order(&order).await,
        Err(e) => Err(e),
    };
    match submitted {
        Ok(submitted) => {
            let Some(redirect_url) = submitted.redirect_url else {
                return (StatusCode::BAD_GATEWAY, "Pesapal gave no redirect_url").into_response();
            };
            state.orders.lock().unwrap().insert(
                reference.clone(),
                ShopOrder {
                    reference,
                    tracking_id: submitted.order_tracking_id,
                    redirect_url: redirect_url.clone(),
                    status: None,
                    ipns_verified: 0,
                },
            );
            Redirect::to(&redirect_url).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, format!("could not create the order: {e}")).into_response(),
    }
}

/// The customer's browser comes back here; the notification is a hint, Pesapal's status is the
/// truth.
async fn callback(State(state): State<Arc<ShopState>>, RawQuery(query): RawQuery) -> Response {
    let notification = match Notification::from_query(query.as_deref().unwrap_or_default()) {
        Ok(n) => n,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("bad callback: {e}")).into_response(),
    };
    let reference = notification.merchant_reference.clone();
    if state.order(&reference).is_none() {
        return (StatusCode::NOT_FOUND, "unknown order").into_response();
    }
    match state.pesapal.verify_notification(&notification).await {
        Ok(payment) => state.update(&reference, |order| order.status = Some(payment.status)),
        Err(e) => tracing::info!(error = %e, "payment not confirmed yet"),
    }
    Redirect::to(&format!("/orders/{}", urlencode(&reference))).into_response()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn order_page(State(state): State<Arc<ShopState>>, Path(reference): Path<String>) -> Response {
    let Some(order) = state.order(&reference) else {
        return (StatusCode::NOT_FOUND, "unknown order").into_response();
    };
    let code = order.status.as_ref().and_then(|s| s.confirmation_code.clone()).filter(|c| !c.is_empty());
    let details = match (order.state(), code) {
        ("paid", Some(code)) => {
            format!(r#"<p>Confirmation code: <code id="confirmation-code">{}</code></p>"#, text(&code))
        }
        ("paid", None) | ("reversed", _) => String::new(),
        _ => format!(r#"<p><a id="pay" href="{}">Pay now</a></p>"#, attr(&order.redirect_url)),
    };
    page(
        &format!("Order {}", order.reference),
        &format!(
            r#"<h1>Order <span id="reference">{}</span></h1><p>{} – KES {}</p>
<p>Status: <strong id="status">{}</strong></p>{details}<p><a href="/">Back to the shop</a></p>"#,
            text(&order.reference),
            text(PRODUCT),
            PRICE,
            order.state(),
        ),
    )
    .into_response()
}

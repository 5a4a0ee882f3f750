//! The Pesapal API 3.0 operations. Request bodies are decoded into the generated
//! `pesapal_gen::types`; answers are built in [`crate::wire`].

use crate::error::SimError;
use crate::faults::{ConnectionKiller, Decision};
use crate::sim::Sim;
use crate::state::{IpnMethod, Order, OrderKind, OrderStatus, Schedule};
use crate::wire;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use pesapal_gen::types;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;

/// The API routes, lower-case (the server lower-cases `/api/` paths: Pesapal's are
/// case-insensitive), behind fault injection.
pub(crate) fn router(sim: Arc<Sim>) -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/auth/requesttoken", post(request_token))
        .route("/api/urlsetup/registeripn", post(register_ipn))
        .route("/api/urlsetup/getipnlist", get(ipn_list))
        .route("/api/transactions/submitorderrequest", post(submit_order))
        .route("/api/transactions/stk", post(stk))
        .route("/api/transactions/gettransactionstatus", get(transaction_status))
        .route("/api/transactions/refundrequest", post(refund))
        .route("/api/transactions/cancelorder", post(cancel))
        .layer(middleware::from_fn_with_state(sim, inject_faults))
}

/// A Pesapal JSON answer.
fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

fn ok(body: String) -> Response {
    json(StatusCode::OK, body)
}

async fn inject_faults(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let decisions = {
        let mut guard = sim.faults();
        let (faults, stats) = &mut *guard;
        faults.decide(stats)
    };
    for decision in decisions {
        match decision {
            Decision::Delay(ms) => tokio::time::sleep(std::time::Duration::from_millis(ms)).await,
            Decision::Error(status) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                return (status, format!("{status} (injected by pesapal-sim)")).into_response();
            }
            Decision::Drop => {
                let (parts, body) = request.into_parts();
                // Read the whole request, then close the connection without an answer.
                let _ = axum::body::to_bytes(body, 1 << 20).await;
                if let Some(killer) = parts.extensions.get::<ConnectionKiller>() {
                    killer.kill();
                    std::future::pending::<()>().await;
                }
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            Decision::LoseAnswer => {
                let killer = request.extensions().get::<ConnectionKiller>().cloned();
                // Process the request completely (its effects are kept), then close the
                // connection instead of answering.
                let response = next.run(request).await;
                let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
                if let Some(killer) = killer {
                    killer.kill();
                    std::future::pending::<()>().await;
                }
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    }
    next.run(request).await
}

/// Checks the bearer token; `Some` is the 401 answer.
fn authorize(sim: &Sim, headers: &HeaderMap) -> Option<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let revoke_after = sim.faults().0.revoke_tokens_after;
    let now = sim.clock.now();
    sim.state()
        .use_token(token, now, revoke_after)
        .err()
        .map(|refusal| json(StatusCode::UNAUTHORIZED, wire::unauthorized(refusal)))
}

/// Decodes a JSON body into a generated request type.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, SimError> {
    serde_json::from_slice(body).map_err(|e| SimError::InvalidRequest(e.to_string()))
}

fn http_url(name: &str, url: &str) -> Result<(), SimError> {
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => Ok(()),
        _ => Err(SimError::InvalidRequest(format!("{name} {url:?} is not an http(s) URL"))),
    }
}

async fn request_token(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let credentials: types::RequestTokenBody = match decode(&body) {
        Ok(c) => c,
        Err(e) => return ok(wire::token_refused(&e)),
    };
    if credentials.consumer_key != sim.config.consumer_key || credentials.consumer_secret != sim.config.consumer_secret
    {
        return ok(wire::token_refused(&SimError::InvalidCredentials));
    }
    let lifetime = chrono::Duration::from_std(sim.config.token_lifetime).unwrap_or(chrono::Duration::hours(1));
    let now = sim.clock.now();
    let (token, expires_at) = sim.state().issue_token(now, lifetime);
    ok(wire::token(&token, expires_at))
}

async fn register_ipn(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = authorize(&sim, &headers) {
        return refused;
    }
    let registered = decode::<types::RegisterIpnBody>(&body).and_then(|body| {
        http_url("url", &body.url)?;
        let method = match body.ipn_notification_type {
            types::RegisterIpnBodyIpnNotificationType::Get => IpnMethod::Get,
            types::RegisterIpnBodyIpnNotificationType::Post => IpnMethod::Post,
        };
        let now = sim.clock.now();
        Ok(sim.state().register_ipn(body.url, method, now))
    });
    match registered {
        Ok(ipn) => ok(wire::ipn_registered(&ipn)),
        Err(e) => ok(wire::rejected(&e)),
    }
}

async fn ipn_list(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    if let Some(refused) = authorize(&sim, &headers) {
        return refused;
    }
    ok(wire::ipn_list(sim.state().ipns()))
}

/// The fields SubmitOrderRequest and the STK push share, checked.
struct OrderFields {
    id: String,
    amount: Decimal,
    currency: String,
    description: String,
    callback_url: String,
    cancellation_url: Option<String>,
    notification_id: Uuid,
    billing: types::BillingAddress,
}

impl OrderFields {
    fn check(self) -> Result<Self, SimError> {
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !present(&self.billing.email_address) && !present(&self.billing.phone_number) {
            return Err(SimError::MissingBillingAddress);
        }
        if self.id.trim().is_empty() {
            return Err(SimError::InvalidRequest("id is required".into()));
        }
        if self.amount <= Decimal::ZERO {
            return Err(SimError::InvalidRequest("amount must be positive".into()));
        }
        if self.currency.len() != 3 || !self.currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(SimError::InvalidRequest(format!("currency {:?} is not an ISO 4217 code", self.currency)));
        }
        http_url("callback_url", &self.callback_url)?;
        if let Some(url) = self.cancellation_url.as_deref().filter(|u| !u.is_empty()) {
            http_url("cancellation_url", url)?;
        }
        Ok(self)
    }

    fn into_order(self, now: chrono::DateTime<chrono::Utc>, kind: OrderKind) -> Order {
        // Pesapal answers amounts with two decimals (`100.00`).
        let mut amount = self.amount;
        amount.rescale(2);
        Order {
            order_tracking_id: Uuid::new_v4(),
            merchant_reference: self.id,
            amount,
            currency: self.currency.to_ascii_uppercase(),
            description: self.description,
            callback_url: self.callback_url,
            cancellation_url: self.cancellation_url.filter(|u| !u.is_empty()),
            notification_id: self.notification_id,
            first_name: self.billing.first_name,
            last_name: self.billing.last_name,
            phone_number: self.billing.phone_number,
            email_address: self.billing.email_address,
            created_at: now,
            status: OrderStatus::Pending,
            cancelled: false,
            payment: None,
            refunded: Decimal::ZERO,
            kind,
        }
    }
}

/// A missing or null `billing_address` is Pesapal's `missing_mandatory_billing_address`, not a
/// malformed request.
fn require_billing_address(body: &[u8]) -> Result<(), SimError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) if fields.get("billing_address").is_none_or(Value::is_null) => {
            Err(SimError::MissingBillingAddress)
        }
        _ => Ok(()),
    }
}

fn subscription(
    account_number: Option<String>,
    details: Option<types::SubmitOrderRequestBodySubscriptionDetails>,
) -> Result<OrderKind, SimError> {
    let account_number = account_number.filter(|a| !a.trim().is_empty());
    let (account_number, details) = match (account_number, details) {
        (None, None) => return Ok(OrderKind::OneOff),
        (None, Some(_)) => {
            return Err(SimError::InvalidRequest("subscription_details need an account_number".into()));
        }
        (Some(account_number), None) => return Ok(OrderKind::Recurring { account_number, schedule: None }),
        (Some(account_number), Some(details)) => (account_number, details),
    };
    // The generated type read the `dd-MM-yyyy` dates (a malformed one fails the body's decode).
    let (start, end) = (details.start_date.0, details.end_date.0);
    if end < start {
        return Err(SimError::InvalidRequest("end_date is before start_date".into()));
    }
    let schedule = Schedule { start, end, frequency: details.frequency.to_string(), charges: 0 };
    Ok(OrderKind::Recurring { account_number, schedule: Some(schedule) })
}

/// The order fields of a generated body: SubmitOrderRequest's and the STK request's are two
/// generated types with the same fields.
macro_rules! order_fields {
    ($request:ident) => {
        OrderFields {
            id: $request.id.to_string(),
            amount: $request.amount,
            currency: $request.currency,
            description: $request.description.to_string(),
            callback_url: $request.callback_url,
            cancellation_url: $request.cancellation_url,
            notification_id: $request.notification_id,
            billing: $request.billing_address,
        }
    };
}

async fn submit_order(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    create_order(&sim, &headers, &body, |body| {
        let request: types::SubmitOrderRequestBody = decode(body)?;
        let kind = subscription(request.account_number, request.subscription_details)?;
        let fields = order_fields!(request);
        Ok((fields, kind))
    })
}

async fn stk(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    create_order(&sim, &headers, &body, |body| {
        let request: types::StkBody = decode(body)?;
        if request.msisdn.trim().is_empty() {
            return Err(SimError::InvalidRequest("msisdn is required".into()));
        }
        let kind = OrderKind::Stk { msisdn: request.msisdn.trim().to_owned() };
        let fields = order_fields!(request);
        Ok((fields, kind))
    })
}

/// SubmitOrderRequest and the STK push: authorize, read the order with `read`, check it, store
/// it, answer with its tracking id and payment page (the STK answer has the same fields).
fn create_order(
    sim: &Sim,
    headers: &HeaderMap,
    body: &[u8],
    read: impl FnOnce(&[u8]) -> Result<(OrderFields, OrderKind), SimError>,
) -> Response {
    if let Some(refused) = authorize(sim, headers) {
        return refused;
    }
    let created = require_billing_address(body).and_then(|()| {
        let (fields, kind) = read(body)?;
        let fields = fields.check()?;
        let now = sim.clock.now();
        sim.state().add_order(fields.into_order(now, kind))
    });
    match created {
        Ok(order) => ok(wire::order_submitted(&order, &sim.redirect_url(order.order_tracking_id))),
        Err(e) => ok(wire::order_refused(&e)),
    }
}

/// Reads `orderTrackingId` (any case) from a query string.
pub(crate) fn tracking_id_from_query(query: Option<&str>) -> Result<Uuid, SimError> {
    let raw = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key.eq_ignore_ascii_case("orderTrackingId"))
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| SimError::InvalidRequest("orderTrackingId is required".into()))?;
    raw.trim().parse().map_err(|_| SimError::InvalidRequest(format!("orderTrackingId {raw:?} is not a GUID")))
}

async fn transaction_status(State(sim): State<Arc<Sim>>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    if let Some(refused) = authorize(&sim, &headers) {
        return refused;
    }
    match tracking_id_from_query(query.as_deref()).and_then(|id| sim.order(id)) {
        Ok(order) => ok(wire::transaction_status(&order)),
        Err(e) => ok(wire::rejected(&e)),
    }
}

async fn refund(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = authorize(&sim, &headers) {
        return refused;
    }
    let refunded = decode::<types::RefundRequestBody>(&body).and_then(|request| {
        let now = sim.clock.now();
        sim.state().refund(&request.confirmation_code, request.amount, request.username, request.remarks, now)
    });
    match refunded {
        Ok(_) => ok(wire::refund_accepted()),
        Err(e @ SimError::RefundAlreadyReceived) => ok(wire::refused_with_message(&e)),
        Err(e) => ok(wire::rejected(&e)),
    }
}

async fn cancel(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = authorize(&sim, &headers) {
        return refused;
    }
    match decode::<types::CancelOrderBody>(&body).and_then(|request| sim.state().cancel(request.order_tracking_id)) {
        Ok(()) => ok(wire::cancel_accepted()),
        Err(e) => ok(wire::rejected(&e)),
    }
}

//! The Pesapal API 3.0 operations. Request bodies are decoded into the generated
//! `pesapal_gen::types`; answers are built in [`crate::wire`].

use crate::base_url::BaseUrl;
use crate::config::{AnswerObserver, ObservedAnswer};
use crate::error::SimError;
use crate::faults::{ConnectionKiller, Decision};
use crate::machine::OrderStatus;
use crate::page;
use crate::sim::Sim;
use crate::state::cents;
use crate::state::{IpnMethod, Order, OrderKind, Schedule};
use crate::wire::{self, CancelRefused, OrderRefused, RefundRefused, TokenRefused};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use pesapal_gen::{Endpoint, Operation, types};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;

/// The API routes, one per operation of the spec ([`Operation::ALL`], method and path from its
/// endpoint), lower-case (the server lower-cases `/api/` paths: Pesapal's are
/// case-insensitive), behind fault injection; each answer goes to the
/// [`crate::SimConfig::answer_observer`], if any.
pub(crate) fn router(sim: Arc<Sim>) -> Router<Arc<Sim>> {
    let observer = sim.config.answer_observer.clone();
    Operation::ALL
        .into_iter()
        .filter_map(|operation| Some((operation, handler(operation)?)))
        .fold(Router::new(), |router, (operation, mut handler)| {
            if let Some(observer) = observer.clone() {
                handler = handler.route_layer(middleware::from_fn(move |request, next| {
                    observe(observer.clone(), operation, request, next)
                }));
            }
            router.route(&operation.endpoint().path.to_ascii_lowercase(), handler)
        })
        .layer(middleware::from_fn_with_state(sim, inject_faults))
}

/// The simulator's handler of each operation; `None` for an operation the spec gained that the
/// simulator does not serve yet (it answers 404, and `pesapal-sim/tests/coverage.rs` names it).
fn handler(operation: Operation) -> Option<MethodRouter<Arc<Sim>>> {
    let method = method(operation.endpoint());
    Some(match operation {
        Operation::RequestToken => on(method, request_token),
        Operation::RegisterIpn => on(method, register_ipn),
        Operation::GetIpnList => on(method, ipn_list),
        Operation::SubmitOrderRequest => on(method, submit_order),
        Operation::DirectMobileMoneyStk => on(method, stk),
        Operation::GetTransactionStatus => on(method, transaction_status),
        Operation::RefundRequest => on(method, refund),
        Operation::CancelOrder => on(method, cancel),
        _ => return None,
    })
}

/// The endpoint's HTTP method as a route filter. The generated table names standard methods
/// (checked by this module's tests).
fn method(endpoint: &Endpoint) -> MethodFilter {
    Method::from_bytes(endpoint.method.as_bytes())
        .ok()
        .and_then(|method| MethodFilter::try_from(method).ok())
        .unwrap_or_else(|| panic!("{}: {:?} is not an HTTP method", endpoint.operation_id, endpoint.method))
}

/// Hands a copy of the answer to the observer.
async fn observe(observer: AnswerObserver, operation: Operation, request: Request, next: Next) -> Response {
    let (parts, body) = next.run(request).await.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    observer(&ObservedAnswer {
        operation,
        http_status: parts.status.as_u16(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    Response::from_parts(parts, Body::from(body))
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

/// A request whose bearer token the simulator issued and still accepts (counted as a use).
/// Extracting it refuses a missing, unknown, expired or revoked token with
/// [`SimError::Unauthorized`] (HTTP 401).
pub(crate) struct Bearer;

impl FromRequestParts<Arc<Sim>> for Bearer {
    type Rejection = SimError;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Bearer, SimError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let revoke_after = sim.faults().0.revoke_tokens_after;
        let now = sim.clock.now();
        sim.state().use_token(token, now, revoke_after).map(|()| Bearer).map_err(SimError::Unauthorized)
    }
}

/// The largest request body the simulator reads (64 KiB; a Pesapal request with every field at
/// its limit is a few KiB). A larger one is refused as a malformed request, in the operation's
/// own answer shape (never a plain-text 413).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// The most characters the simulator keeps in a free-text field whose length Pesapal does not
/// document (names, address lines, email, phone, account number, refund username and remarks,
/// …), so that what it stores stays bounded; documented limits (`id` 50, `description` 100,
/// `country_code` 2, `state` 3) are checked by the generated types.
pub(crate) const MAX_TEXT_CHARS: usize = 255;

/// The most characters of a URL (`callback_url`, `cancellation_url`, an IPN `url`).
pub(crate) const MAX_URL_CHARS: usize = 2048;

/// Reads a request body, at most [`MAX_BODY_BYTES`].
async fn read(body: Body) -> Result<Bytes, SimError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| SimError::InvalidRequest(format!("the body is larger than {MAX_BODY_BYTES} bytes or unreadable")))
}

/// Decodes a JSON body into a generated request type.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, SimError> {
    serde_json::from_slice(body).map_err(|e| SimError::InvalidRequest(e.to_string()))
}

/// Refuses a free-text field longer than [`MAX_TEXT_CHARS`].
fn bounded(name: &str, value: Option<&str>) -> Result<(), SimError> {
    match value {
        Some(text) if text.chars().count() > MAX_TEXT_CHARS => {
            Err(SimError::InvalidRequest(format!("{name} is longer than {MAX_TEXT_CHARS} characters")))
        }
        _ => Ok(()),
    }
}

/// Whether `url` is a usable http(s) URL as sent: no surrounding spaces or control characters
/// (which URL parsers silently strip), at most [`MAX_URL_CHARS`], with a host.
fn usable_url(url: &str) -> bool {
    url.trim() == url
        && !url.chars().any(char::is_control)
        && url.chars().count() <= MAX_URL_CHARS
        && url::Url::parse(url)
            .is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some())
}

fn http_url(name: &str, url: &str) -> Result<(), SimError> {
    match usable_url(url) {
        true => Ok(()),
        false => Err(SimError::InvalidRequest(format!("{name} {url:?} is not a usable http(s) URL"))),
    }
}

async fn request_token(State(sim): State<Arc<Sim>>, body: Body) -> Result<Response, TokenRefused> {
    let credentials: types::RequestTokenBody = decode(&read(body).await?)?;
    if credentials.consumer_key != sim.config.consumer_key || credentials.consumer_secret != sim.config.consumer_secret
    {
        return Err(SimError::InvalidCredentials.into());
    }
    let lifetime = chrono::Duration::from_std(sim.config.token_lifetime).unwrap_or(chrono::Duration::hours(1));
    let now = sim.clock.now();
    let issuer = format!("{}/", sim.public_url);
    let (token, expires_at) = sim.state().issue_token(&sim.config.consumer_key, &issuer, now, lifetime);
    Ok(wire::token(&token, expires_at))
}

async fn register_ipn(State(sim): State<Arc<Sim>>, _: Bearer, body: Body) -> Result<Response, SimError> {
    let body: types::RegisterIpnBody = decode(&read(body).await?)?;
    if !usable_url(&body.url) {
        // As the sandbox answers (../shared/evidence/sandbox-2025-11-09_registeripn_invalid_url.json).
        return Err(SimError::InvalidUrl);
    }
    let method = match body.ipn_notification_type {
        types::RegisterIpnBodyIpnNotificationType::Get => IpnMethod::Get,
        types::RegisterIpnBodyIpnNotificationType::Post => IpnMethod::Post,
    };
    let now = sim.clock.now();
    let ipn = sim.state().register_ipn(body.url, method, now);
    Ok(wire::ipn_registered(&ipn))
}

async fn ipn_list(State(sim): State<Arc<Sim>>, _: Bearer) -> Response {
    wire::ipn_list(sim.state().ipns())
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
    billing_address: types::BillingAddress,
}

impl OrderFields {
    fn check(self) -> Result<Self, SimError> {
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !present(&self.billing_address.email_address) && !present(&self.billing_address.phone_number) {
            return Err(SimError::MissingBillingAddress);
        }
        if self.id.trim().is_empty() {
            return Err(SimError::InvalidRequest("id is required".into()));
        }
        // Checked after rounding to cents, as the amount is kept: `0.001` is no payment.
        if cents(self.amount) <= Decimal::ZERO {
            return Err(SimError::InvalidRequest("amount must be at least 0.01".into()));
        }
        let address = &self.billing_address;
        for (name, value) in [
            ("billing_address.email_address", &address.email_address),
            ("billing_address.phone_number", &address.phone_number),
            ("billing_address.first_name", &address.first_name),
            ("billing_address.middle_name", &address.middle_name),
            ("billing_address.last_name", &address.last_name),
            ("billing_address.line_1", &address.line_1),
            ("billing_address.line_2", &address.line_2),
            ("billing_address.city", &address.city),
        ] {
            bounded(name, value.as_deref())?;
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

    fn into_order(self, order_tracking_id: Uuid, now: chrono::DateTime<chrono::Utc>, kind: OrderKind) -> Order {
        // Pesapal answers amounts with two decimals (`100.00`).
        let amount = cents(self.amount);
        Order {
            order_tracking_id,
            merchant_reference: self.id,
            amount,
            currency: self.currency.to_ascii_uppercase(),
            description: self.description,
            callback_url: self.callback_url,
            cancellation_url: self.cancellation_url.filter(|u| !u.is_empty()),
            notification_id: self.notification_id,
            first_name: self.billing_address.first_name,
            last_name: self.billing_address.last_name,
            phone_number: self.billing_address.phone_number,
            email_address: self.billing_address.email_address,
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
    bounded("account_number", account_number.as_deref())?;
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
    let schedule = Schedule { start, end, frequency: details.frequency.into(), charges: 0 };
    Ok(OrderKind::Recurring { account_number, schedule: Some(schedule) })
}

impl From<types::SubmitOrderRequestBody> for OrderFields {
    fn from(body: types::SubmitOrderRequestBody) -> Self {
        let types::SubmitOrderRequestBody {
            id,
            amount,
            currency,
            description,
            callback_url,
            cancellation_url,
            notification_id,
            billing_address,
            ..
        } = body;
        let (id, description) = (id.into(), description.into());
        OrderFields {
            id,
            amount,
            currency,
            description,
            callback_url,
            cancellation_url,
            notification_id,
            billing_address,
        }
    }
}

async fn submit_order(
    State(sim): State<Arc<Sim>>,
    base: BaseUrl,
    _: Bearer,
    body: Body,
) -> Result<Response, OrderRefused> {
    let body = read(body).await?;
    require_billing_address(&body)?;
    let mut request: types::SubmitOrderRequestBody = decode(&body)?;
    let kind = subscription(request.account_number.take(), request.subscription_details.take())?;
    create_order(&sim, &base, request.into(), kind)
}

async fn stk(State(sim): State<Arc<Sim>>, base: BaseUrl, _: Bearer, body: Body) -> Result<Response, OrderRefused> {
    let body = read(body).await?;
    require_billing_address(&body)?;
    let request: types::StkBody = decode(&body)?;
    bounded("msisdn", Some(&request.msisdn))?;
    if request.msisdn.trim().is_empty() {
        return Err(SimError::InvalidRequest("msisdn is required".into()).into());
    }
    // The STK body is an order body plus the phone to prompt: its order fields are read (and
    // checked) by the order body's generated type, as SubmitOrderRequest reads them.
    let order: types::SubmitOrderRequestBody = decode(&body)?;
    let kind = OrderKind::Stk { msisdn: request.msisdn.trim().to_owned() };
    create_order(&sim, &base, order.into(), kind)
}

/// SubmitOrderRequest and the STK push: check the order, store it, answer with its tracking id
/// and payment page under `base` (the STK answer has the same fields).
fn create_order(
    sim: &Arc<Sim>,
    base: &BaseUrl,
    fields: OrderFields,
    kind: OrderKind,
) -> Result<Response, OrderRefused> {
    let fields = fields.check()?;
    let now = sim.clock.now();
    let mut state = sim.state();
    let id = state.new_id();
    let order = state.add_order(fields.into_order(id, now, kind))?;
    drop(state);
    if let OrderKind::Stk { msisdn } = &order.kind {
        sim.prompt_phone(id, msisdn);
    }
    Ok(wire::order_submitted(&order, &page::redirect_url(&base.0, sim, order.order_tracking_id)))
}

/// Reads a GUID from a query string: the parameter named (in any case) one of `names`.
pub(crate) fn guid_from_query(query: Option<&str>, names: &[&str]) -> Result<Uuid, SimError> {
    let wanted = names.join(" or ");
    let raw = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| names.iter().any(|name| key.eq_ignore_ascii_case(name)))
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| SimError::InvalidRequest(format!("{wanted} is required")))?;
    raw.trim().parse().map_err(|_| SimError::InvalidRequest(format!("{wanted} {raw:?} is not a GUID")))
}

async fn transaction_status(
    State(sim): State<Arc<Sim>>,
    _: Bearer,
    RawQuery(query): RawQuery,
) -> Result<Response, SimError> {
    let order = sim.order(guid_from_query(query.as_deref(), Operation::GetTransactionStatus.endpoint().query)?)?;
    Ok(wire::transaction_status(&order))
}

async fn refund(State(sim): State<Arc<Sim>>, _: Bearer, body: Body) -> Result<Response, RefundRefused> {
    let request: types::RefundRequestBody = decode(&read(body).await?)?;
    for (name, value) in [
        ("confirmation_code", &request.confirmation_code),
        ("username", &request.username),
        ("remarks", &request.remarks),
    ] {
        bounded(name, Some(value))?;
    }
    let now = sim.clock.now();
    sim.state().refund(&request.confirmation_code, request.amount, request.username, request.remarks, now)?;
    Ok(wire::refund_accepted())
}

async fn cancel(State(sim): State<Arc<Sim>>, _: Bearer, body: Body) -> Result<Response, CancelRefused> {
    let request: types::CancelOrderBody = decode(&read(body).await?)?;
    sim.state().cancel(request.order_tracking_id)?;
    Ok(wire::cancel_accepted())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_route_method() {
        for operation in Operation::ALL {
            method(operation.endpoint());
            assert!(operation.endpoint().path.starts_with("/api/"), "{operation:?}");
        }
    }
}

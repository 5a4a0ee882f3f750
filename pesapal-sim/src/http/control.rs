//! The control API under `/_sim` (documented in the crate root and described by
//! spec/pesapal-sim-control.openapi.json, from which its routes are built): act as the customer
//! or the provider, move the clock, inspect IPN deliveries, configure faults, reset.

use crate::engine::Engine;
use crate::error::SimError;
use crate::http::base_url::BaseUrl;
use crate::http::faults::Faults;
use crate::ipn::IpnControls;
use crate::model::instruments::{Instrument, PaymentMethod};
use crate::model::test_values::{self, Outcome};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::{Arc, LazyLock};
use uuid::Uuid;

/// The control API's OpenAPI 3.0 description, committed as spec/pesapal-sim-control.openapi.json
/// (linted with the Pesapal spec) and served at `GET /_sim/openapi.json`. The routes are built
/// from it: a control route exists only where it is described.
pub(crate) const DESCRIPTION: &str = include_str!("../../control.openapi.json");

static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(DESCRIPTION).expect("control.openapi.json is JSON (checked by its tests)"));

/// The handler of `operation_id` for the methods of `filter`.
fn route(operation_id: &str, filter: MethodFilter) -> Option<MethodRouter<Arc<Engine>>> {
    Some(match operation_id {
        "getSimulator" => on(filter, info),
        "getOpenApi" => on(filter, openapi),
        "listOrders" => on(filter, orders),
        "getOrder" => on(filter, order),
        "payOrder" => on(filter, pay),
        "failOrder" => on(filter, fail),
        "reverseOrder" => on(filter, reverse),
        "approveOrder" => on(filter, approve),
        "declineOrder" => on(filter, decline),
        "setOrderIpnControls" => on(filter, set_order_ipn_controls),
        "getClock" => on(filter, clock),
        "advanceClock" => on(filter, advance),
        "listIpnDeliveries" => on(filter, deliveries),
        "getIpnControls" => on(filter, ipn_controls),
        "setIpnControls" => on(filter, set_ipn_controls),
        "listRefunds" => on(filter, refunds),
        "getFaults" => on(filter, faults),
        "setFaults" => on(filter, set_faults),
        "reset" => on(filter, reset),
        _ => return None,
    })
}

/// `(path, method, operationId)` of every operation the description declares.
pub(crate) fn described() -> Vec<(String, Method, String)> {
    let mut found = Vec::new();
    for (path, item) in DOCUMENT["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .unwrap_or_else(|_| panic!("control.openapi.json: {method} {path} is not an HTTP method"));
            let id = operation["operationId"].as_str().unwrap_or_default().to_owned();
            found.push((path.clone(), method, id));
        }
    }
    found
}

/// The routes of the description (full paths, under `/_sim`).
pub(crate) fn router() -> Router<Arc<Engine>> {
    described().into_iter().fold(Router::new(), |router, (path, method, id)| {
        let filter = MethodFilter::try_from(method.clone())
            .unwrap_or_else(|_| panic!("control.openapi.json: no route for the method {method}"));
        let handler = route(&id, filter).unwrap_or_else(|| panic!("control.openapi.json: no handler for {id:?}"));
        router.route(&path, handler)
    })
}

fn refused(error: SimError) -> Response {
    let status = match error {
        SimError::UnknownOrder(_) => StatusCode::NOT_FOUND,
        SimError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::CONFLICT,
    };
    (status, Json(json!({"error": error.code(), "message": error.to_string()}))).into_response()
}

fn answer<T: serde::Serialize>(result: Result<T, SimError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => refused(error),
    }
}

fn order_id(raw: &str) -> Result<Uuid, SimError> {
    raw.parse().map_err(|_| SimError::InvalidRequest(format!("{raw:?} is not an order tracking id")))
}

/// An optional JSON body; empty means the default.
fn optional_body<T: for<'de> Deserialize<'de> + Default>(body: &[u8]) -> Result<T, SimError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| SimError::InvalidRequest(e.to_string()))
}

async fn info(State(engine): State<Arc<Engine>>, BaseUrl(base_url): BaseUrl) -> Response {
    Json(json!({
        "base_url": base_url,
        "consumer_key": engine.config().consumer_key,
        "now": engine.now(),
        "clock_offset_seconds": engine.clock_offset().num_seconds(),
    }))
    .into_response()
}

/// The description, its server being the address the client used.
async fn openapi(BaseUrl(base_url): BaseUrl) -> Response {
    let mut document = DOCUMENT.clone();
    document["servers"] = json!([{ "url": base_url, "description": "This simulator." }]);
    Json(document).into_response()
}

async fn orders(State(engine): State<Arc<Engine>>) -> Response {
    Json(engine.state().orders()).into_response()
}

async fn order(State(engine): State<Arc<Engine>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| engine.order(id)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PayBody {
    method: PaymentMethod,
    /// An M-Pesa phone number whose test value decides the outcome.
    phone: Option<String>,
    /// A card number whose test value decides the outcome.
    card: Option<String>,
}

async fn pay(State(engine): State<Arc<Engine>>, Path(id): Path<String>, body: Bytes) -> Response {
    answer(order_id(&id).and_then(|id| {
        let body = optional_body::<PayBody>(&body)?;
        match (body.phone, body.card) {
            (Some(phone), _) => engine.pay_with(id, &Instrument::Phone(phone)),
            (None, Some(card)) => engine.pay_with(id, &Instrument::Card(card)),
            (None, None) => engine.pay(id, body.method),
        }
    }))
}

async fn fail(State(engine): State<Arc<Engine>>, Path(id): Path<String>, body: Bytes) -> Response {
    answer(order_id(&id).and_then(|id| engine.fail(id, optional_body::<PayBody>(&body)?.method)))
}

async fn reverse(State(engine): State<Arc<Engine>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| engine.reverse(id)))
}

async fn approve(State(engine): State<Arc<Engine>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| engine.pay(id, PaymentMethod::Mpesa)))
}

/// The customer declines the STK prompt on the phone.
async fn decline(State(engine): State<Arc<Engine>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| {
        let phone = engine.order(id)?.phone_number.unwrap_or_default();
        engine.attempt(id, &Instrument::Phone(phone), Outcome::Decline(test_values::PHONE_DECLINED))
    }))
}

async fn clock(State(engine): State<Arc<Engine>>) -> Response {
    Json(json!({"now": engine.now(), "offset_seconds": engine.clock_offset().num_seconds()})).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AdvanceBody {
    seconds: i64,
}

async fn advance(State(engine): State<Arc<Engine>>, body: Bytes) -> Response {
    answer(optional_body::<AdvanceBody>(&body).map(|body| {
        let charges = engine.advance(chrono::Duration::seconds(body.seconds.max(0)));
        json!({"now": engine.now(), "charges": charges})
    }))
}

async fn deliveries(State(engine): State<Arc<Engine>>) -> Response {
    Json(engine.deliveries()).into_response()
}

async fn ipn_controls(State(engine): State<Arc<Engine>>) -> Response {
    let (all, per_order) = engine.ipn_controls();
    Json(json!({"all": all, "orders": per_order})).into_response()
}

async fn set_ipn_controls(State(engine): State<Arc<Engine>>, body: Bytes) -> Response {
    answer(optional_body::<IpnControls>(&body).inspect(|controls| engine.set_ipn_controls(controls.clone())))
}

async fn set_order_ipn_controls(State(engine): State<Arc<Engine>>, Path(id): Path<String>, body: Bytes) -> Response {
    answer(order_id(&id).and_then(|id| {
        engine.order(id)?;
        let controls = optional_body::<IpnControls>(&body)?;
        engine.set_order_ipn_controls(id, controls.clone());
        Ok(controls)
    }))
}

async fn refunds(State(engine): State<Arc<Engine>>) -> Response {
    Json(engine.state().refunds()).into_response()
}

async fn faults(State(engine): State<Arc<Engine>>) -> Response {
    let (faults, stats) = engine.faults();
    let state = engine.state();
    Json(json!({
        "faults": faults,
        "stats": stats,
        "tokens_issued": state.tokens().issued(),
        "tokens_revoked": state.tokens().revoked(),
    }))
    .into_response()
}

async fn set_faults(State(engine): State<Arc<Engine>>, body: Bytes) -> Response {
    answer(optional_body::<Faults>(&body).inspect(|faults| engine.set_faults(faults.clone())))
}

async fn reset(State(engine): State<Arc<Engine>>) -> Response {
    engine.reset();
    Json(json!({"reset": true})).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every operation a handler answers (in [`route`]).
    const OPERATIONS: [&str; 19] = [
        "getSimulator",
        "getOpenApi",
        "listOrders",
        "getOrder",
        "payOrder",
        "failOrder",
        "reverseOrder",
        "approveOrder",
        "declineOrder",
        "setOrderIpnControls",
        "getClock",
        "advanceClock",
        "listIpnDeliveries",
        "getIpnControls",
        "setIpnControls",
        "listRefunds",
        "getFaults",
        "setFaults",
        "reset",
    ];

    #[test]
    fn every_described_operation_has_a_handler_and_every_handler_is_described() {
        let described: BTreeSet<String> = described().into_iter().map(|(_, _, id)| id).collect();
        let handled: BTreeSet<String> = OPERATIONS.iter().map(|id| (*id).to_owned()).collect();
        assert_eq!(described, handled, "the description and the handlers differ");
        for id in OPERATIONS {
            assert!(route(id, MethodFilter::GET).is_some(), "{id} has no handler");
        }
        let _ = router();
    }

    #[test]
    fn every_path_is_under_the_control_prefix() {
        for (path, method, id) in described() {
            assert!(path == "/_sim" || path.starts_with("/_sim/"), "{method} {path} ({id})");
        }
    }
}

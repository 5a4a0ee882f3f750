//! The control API under `/_sim` (documented in the crate root): act as the customer or the
//! provider, move the clock, inspect IPN deliveries, configure faults, reset.

use crate::base_url::BaseUrl;
use crate::error::SimError;
use crate::faults::Faults;
use crate::ipn::IpnControls;
use crate::outcomes::{self, Outcome};
use crate::sim::{Instrument, Sim};
use crate::state::PaymentMethod;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

pub(crate) fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/", get(info))
        .route("/orders", get(orders))
        .route("/orders/{id}", get(order))
        .route("/orders/{id}/pay", post(pay))
        .route("/orders/{id}/fail", post(fail))
        .route("/orders/{id}/reverse", post(reverse))
        .route("/orders/{id}/approve", post(approve))
        .route("/orders/{id}/decline", post(decline))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/ipn/deliveries", get(deliveries))
        .route("/ipn/controls", get(ipn_controls).put(set_ipn_controls))
        .route("/orders/{id}/ipn", put(set_order_ipn_controls))
        .route("/refunds", get(refunds))
        .route("/faults", get(faults).put(set_faults))
        .route("/reset", post(reset))
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

async fn info(State(sim): State<Arc<Sim>>, BaseUrl(base_url): BaseUrl) -> Response {
    Json(json!({
        "base_url": base_url,
        "consumer_key": sim.config.consumer_key,
        "now": sim.clock.now(),
        "clock_offset_seconds": sim.clock.offset().num_seconds(),
    }))
    .into_response()
}

async fn orders(State(sim): State<Arc<Sim>>) -> Response {
    Json(sim.state().orders()).into_response()
}

async fn order(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| sim.order(id)))
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

async fn pay(State(sim): State<Arc<Sim>>, Path(id): Path<String>, body: Bytes) -> Response {
    answer(order_id(&id).and_then(|id| {
        let body = optional_body::<PayBody>(&body)?;
        match (body.phone, body.card) {
            (Some(phone), _) => sim.pay_with(id, &Instrument::Phone(phone)),
            (None, Some(card)) => sim.pay_with(id, &Instrument::Card(card)),
            (None, None) => sim.pay(id, body.method),
        }
    }))
}

async fn fail(State(sim): State<Arc<Sim>>, Path(id): Path<String>, body: Bytes) -> Response {
    answer(order_id(&id).and_then(|id| sim.fail(id, optional_body::<PayBody>(&body)?.method)))
}

async fn reverse(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| sim.reverse(id)))
}

async fn approve(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| sim.pay(id, PaymentMethod::Mpesa)))
}

/// The customer declines the STK prompt on the phone.
async fn decline(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    answer(order_id(&id).and_then(|id| {
        let phone = sim.order(id)?.phone_number.unwrap_or_default();
        sim.attempt(id, &Instrument::Phone(phone), Outcome::Decline(outcomes::PHONE_DECLINED))
    }))
}

async fn clock(State(sim): State<Arc<Sim>>) -> Response {
    Json(json!({"now": sim.clock.now(), "offset_seconds": sim.clock.offset().num_seconds()})).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AdvanceBody {
    seconds: i64,
}

async fn advance(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    answer(optional_body::<AdvanceBody>(&body).map(|body| {
        let charges = sim.advance(chrono::Duration::seconds(body.seconds.max(0)));
        json!({"now": sim.clock.now(), "charges": charges})
    }))
}

async fn deliveries(State(sim): State<Arc<Sim>>) -> Response {
    Json(sim.deliveries()).into_response()
}

async fn ipn_controls(State(sim): State<Arc<Sim>>) -> Response {
    let (all, per_order) = sim.ipn.controls();
    Json(json!({"all": all, "orders": per_order})).into_response()
}

async fn set_ipn_controls(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    answer(optional_body::<IpnControls>(&body).inspect(|controls| sim.ipn.set_controls(controls.clone())))
}

async fn set_order_ipn_controls(State(sim): State<Arc<Sim>>, Path(id): Path<String>, body: Bytes) -> Response {
    answer(order_id(&id).and_then(|id| {
        sim.order(id)?;
        let controls = optional_body::<IpnControls>(&body)?;
        sim.ipn.set_order_controls(id, controls.clone());
        Ok(controls)
    }))
}

async fn refunds(State(sim): State<Arc<Sim>>) -> Response {
    Json(sim.state().refunds.clone()).into_response()
}

async fn faults(State(sim): State<Arc<Sim>>) -> Response {
    let (faults, stats) = sim.faults().clone();
    let state = sim.state();
    Json(json!({
        "faults": faults,
        "stats": stats,
        "tokens_issued": state.tokens_issued,
        "tokens_revoked": state.tokens_revoked,
    }))
    .into_response()
}

async fn set_faults(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    answer(optional_body::<Faults>(&body).inspect(|faults| sim.faults().0 = faults.clone()))
}

async fn reset(State(sim): State<Arc<Sim>>) -> Response {
    sim.reset();
    Json(json!({"reset": true})).into_response()
}

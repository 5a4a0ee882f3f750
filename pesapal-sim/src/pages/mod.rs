//! The pages a browser sees: the hosted payment page at an order's `redirect_url`
//! ([`payment`]) and the inspector at `/_sim/` ([`inspector`]).

mod inspector;
mod payment;

use crate::engine::Engine;
use axum::Router;
use std::sync::Arc;

/// The payment page (at the imitated environment's path) and the inspector.
pub(crate) fn router(engine: &Engine) -> Router<Arc<Engine>> {
    payment::router(engine).route(inspector::PATH, axum::routing::get(inspector::page))
}

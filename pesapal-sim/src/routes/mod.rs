//! The simulator's HTTP surface: Pesapal's API, the control API and the hosted payment page.

pub(crate) mod api;
pub(crate) mod control;

use crate::sim::Sim;
use crate::{inspector, page};
use axum::Router;
use std::sync::Arc;

/// Every route of the simulator.
pub(crate) fn app(sim: Arc<Sim>) -> Router {
    Router::new()
        .merge(api::router(sim.clone()))
        .route(inspector::PATH, axum::routing::get(inspector::page))
        .merge(control::router())
        .merge(page::router(&sim))
        .with_state(sim)
}

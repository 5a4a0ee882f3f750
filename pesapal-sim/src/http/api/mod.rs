//! The Pesapal API 3.0 operations: one route per operation of the spec, behind fault
//! injection. Request bodies are decoded into the generated `pesapal_gen::types`
//! ([`crate::http::request`]); answers are built in [`crate::http::answers`].

mod bearer;
mod orders;
mod setup;
mod transactions;

use crate::config::{AnswerObserver, ObservedAnswer};
use crate::engine::Engine;
use crate::http::faults::{ConnectionKiller, Decision};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use pesapal_gen::{Endpoint, Operation};
use std::sync::Arc;

/// The API routes, one per operation of the spec ([`Operation::ALL`], method and path from its
/// endpoint), lower-case (the server lower-cases `/api/` paths: Pesapal's are
/// case-insensitive), behind fault injection; each answer goes to the
/// [`crate::SimConfig::answer_observer`], if any.
pub(crate) fn router(engine: Arc<Engine>) -> Router<Arc<Engine>> {
    let observer = engine.config().answer_observer.clone();
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
        .layer(middleware::from_fn_with_state(engine, inject_faults))
}

/// The simulator's handler of each operation; `None` for an operation the spec gained that the
/// simulator does not serve yet (it answers 404, and `pesapal-sim/tests/coverage.rs` names it).
fn handler(operation: Operation) -> Option<MethodRouter<Arc<Engine>>> {
    let method = method(operation.endpoint());
    Some(match operation {
        Operation::RequestToken => on(method, setup::request_token),
        Operation::RegisterIpn => on(method, setup::register_ipn),
        Operation::GetIpnList => on(method, setup::ipn_list),
        Operation::SubmitOrderRequest => on(method, orders::submit_order),
        Operation::DirectMobileMoneyStk => on(method, orders::stk),
        Operation::GetTransactionStatus => on(method, transactions::status),
        Operation::RefundRequest => on(method, transactions::refund),
        Operation::CancelOrder => on(method, transactions::cancel),
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

async fn inject_faults(State(engine): State<Arc<Engine>>, request: Request, next: Next) -> Response {
    for decision in engine.decide_faults() {
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

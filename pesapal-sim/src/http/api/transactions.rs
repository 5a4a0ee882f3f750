//! GetTransactionStatus, RefundRequest and CancelOrder.

use super::bearer::Bearer;
use crate::engine::Engine;
use crate::error::SimError;
use crate::http::answers::{self, Refused, shape};
use crate::http::request::{bounded, decode, guid_from_query, read};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use pesapal_gen::{Operation, types};
use std::sync::Arc;

pub(super) async fn status(
    State(engine): State<Arc<Engine>>,
    _: Bearer,
    RawQuery(query): RawQuery,
) -> Result<Response, SimError> {
    let id = guid_from_query(query.as_deref(), Operation::GetTransactionStatus.endpoint().query)?;
    Ok(answers::transaction_status(&engine.order(id)?))
}

pub(super) async fn refund(
    State(engine): State<Arc<Engine>>,
    _: Bearer,
    body: Body,
) -> Result<Response, Refused<shape::Refund>> {
    let request: types::RefundRequestBody = decode(&read(body).await?)?;
    for (name, value) in [
        ("confirmation_code", &request.confirmation_code),
        ("username", &request.username),
        ("remarks", &request.remarks),
    ] {
        bounded(name, Some(value))?;
    }
    let now = engine.now();
    engine.state().refund(&request.confirmation_code, request.amount, request.username, request.remarks, now)?;
    Ok(answers::refund_accepted())
}

pub(super) async fn cancel(
    State(engine): State<Arc<Engine>>,
    _: Bearer,
    body: Body,
) -> Result<Response, Refused<shape::Cancel>> {
    let request: types::CancelOrderBody = decode(&read(body).await?)?;
    engine.state().cancel(request.order_tracking_id)?;
    Ok(answers::cancel_accepted())
}

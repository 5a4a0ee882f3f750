//! RequestToken, RegisterIPN and GetIpnList.

use super::bearer::Bearer;
use crate::engine::Engine;
use crate::error::SimError;
use crate::http::answers::{self, Refused, shape};
use crate::http::request::{decode, http_url, read};
use crate::model::ipn::IpnHttpMethod;
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use pesapal_gen::types;
use std::sync::Arc;

pub(super) async fn request_token(
    State(engine): State<Arc<Engine>>,
    body: Body,
) -> Result<Response, Refused<shape::Token>> {
    let credentials: types::RequestTokenBody = decode(&read(body).await?)?;
    let config = engine.config();
    if credentials.consumer_key != config.consumer_key || credentials.consumer_secret != config.consumer_secret {
        return Err(SimError::InvalidCredentials.into());
    }
    let lifetime = chrono::Duration::from_std(config.token_lifetime).unwrap_or(chrono::Duration::hours(1));
    let now = engine.now();
    let issuer = format!("{}/", engine.public_url());
    let (token, expires_at) = engine.state().issue_token(&config.consumer_key, &issuer, now, lifetime);
    Ok(answers::token(&token, expires_at))
}

pub(super) async fn register_ipn(
    State(engine): State<Arc<Engine>>,
    _: Bearer,
    body: Body,
) -> Result<Response, SimError> {
    let body: types::RegisterIpnBody = decode(&read(body).await?)?;
    if http_url(&body.url).is_none() {
        // As the sandbox answers (evidence/sandbox-2025-11-09_registeripn_invalid_url.json).
        return Err(SimError::InvalidUrl);
    }
    let method = match body.ipn_notification_type {
        types::RegisterIpnBodyIpnNotificationType::Get => IpnHttpMethod::Get,
        types::RegisterIpnBodyIpnNotificationType::Post => IpnHttpMethod::Post,
    };
    let now = engine.now();
    let ipn = engine.state().register_ipn(body.url, method, now);
    Ok(answers::ipn_registered(&ipn))
}

pub(super) async fn ipn_list(State(engine): State<Arc<Engine>>, _: Bearer) -> Response {
    answers::ipn_list(engine.state().ipns())
}

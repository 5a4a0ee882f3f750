//! The bearer token every operation but RequestToken needs.

use crate::engine::Engine;
use crate::error::SimError;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use std::sync::Arc;

/// A request whose bearer token the simulator issued and still accepts (counted as a use).
/// Extracting it refuses a missing, unknown, expired or revoked token with
/// [`SimError::Unauthorized`] (HTTP 401).
pub(crate) struct Bearer;

impl FromRequestParts<Arc<Engine>> for Bearer {
    type Rejection = SimError;

    async fn from_request_parts(parts: &mut Parts, engine: &Arc<Engine>) -> Result<Bearer, SimError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        engine.use_token(token).map(|()| Bearer)
    }
}

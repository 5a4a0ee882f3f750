//! `pesapal token`: checks the credentials.

use crate::context::Context;
use crate::error::CliError;
use crate::output::TokenOutput;

/// Requests a token; prints the environment and when the token expires (never the token).
pub async fn run(ctx: &Context) -> Result<(), CliError> {
    let pesapal = ctx.client()?;
    let expires_at = pesapal.token_expiry().await?;
    ctx.print(&TokenOutput {
        environment: ctx.environment.as_str(),
        base_url: pesapal.base_url().to_owned(),
        expires_at: expires_at.to_rfc3339(),
        expires_in_seconds: (expires_at - chrono::Utc::now()).num_seconds(),
    })
}

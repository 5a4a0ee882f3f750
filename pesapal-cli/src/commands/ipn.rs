//! `pesapal ipn register`, `pesapal ipn ensure` and `pesapal ipn list`.

use crate::context::Context;
use crate::error::CliError;
use crate::output::{IpnListOutput, IpnOutput};
use pesapal_api::IpnMethod;

/// Registers `url`, called with `method`.
pub async fn register(ctx: &Context, url: &str, method: IpnMethod) -> Result<(), CliError> {
    let ipn = ctx.client()?.register_ipn(url, method).await?;
    ctx.print(&IpnOutput::from(&ipn))
}

/// Reuses the active registration of `url` called with `method`, or registers it.
pub async fn ensure(ctx: &Context, url: &str, method: IpnMethod) -> Result<(), CliError> {
    let ipn = ctx.client()?.ensure_ipn(url, method).await?;
    ctx.print(&IpnOutput::from(&ipn))
}

/// Lists the registered IPN URLs.
pub async fn list(ctx: &Context) -> Result<(), CliError> {
    let ipns = ctx.client()?.list_ipns().await?;
    ctx.print(&IpnListOutput { ipns: ipns.iter().map(IpnOutput::from).collect() })
}

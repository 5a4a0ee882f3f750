//! `pesapal cancel TRACKING_ID`.

use crate::cli::CancelArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::CancelOutput;

/// Cancels the order, after confirmation on live.
pub async fn run(ctx: &Context, args: &CancelArgs) -> Result<(), CliError> {
    ctx.confirm(&format!("cancel order {}", args.tracking_id), args.yes)?;
    let ack = ctx
        .client()?
        .cancel_order(args.tracking_id)
        .await
        .map_err(|e| CliError::payment(e, format!("check `pesapal status {}`", args.tracking_id)))?;
    ctx.print(&CancelOutput { order_tracking_id: args.tracking_id, message: ack.message })
}

//! `pesapal refund CONFIRMATION_CODE`.

use crate::cli::RefundArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Money, RefundOutput};
use pesapal_api::RefundRequest;

/// Asks for the refund, after validation and, on live, confirmation.
pub async fn run(ctx: &Context, args: RefundArgs) -> Result<(), CliError> {
    let request = RefundRequest::builder()
        .confirmation_code(args.confirmation_code.clone())
        .amount(args.amount)
        .username(args.username.clone())
        .remarks(args.remarks.clone())
        .build()
        .map_err(|e| match e {
            pesapal_api::Error::InvalidInput(errors) => CliError::Invalid(errors),
            other => other.into(),
        })?;
    let amount = Money::new(args.amount, args.currency.clone().map(|c| c.trim().to_ascii_uppercase()));
    ctx.confirm(&format!("refund {amount} of payment {}", args.confirmation_code), args.yes)?;
    let ack =
        ctx.client()?.refund(&request).await.map_err(|e| {
            CliError::payment(e, "check `pesapal status TRACKING_ID` and the merchant dashboard's refunds")
        })?;
    ctx.print(&RefundOutput { confirmation_code: args.confirmation_code, amount, message: ack.message })
}

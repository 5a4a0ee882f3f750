//! `pesapal order submit`.

use crate::cli::SubmitArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::OrderOutput;
use pesapal_api::{BillingAddress, OrderRequest, Subscription, ValidationErrors};

/// Validates the order (nothing is sent unless it is valid), submits it and prints where to send
/// the customer.
pub async fn submit(ctx: &Context, args: &SubmitArgs) -> Result<(), CliError> {
    let order = build_order(args)?;
    let submitted = ctx.client()?.submit_order(&order).await.map_err(|e| {
        CliError::payment(
            e,
            format!(
                "check whether order {:?} exists in the merchant dashboard (it was resent once already; the same command with the same --reference is safe to run again: Pesapal answers with the order it has)",
                args.reference
            ),
        )
    })?;
    ctx.print(&OrderOutput {
        order_tracking_id: submitted.order_tracking_id,
        merchant_reference: submitted.merchant_reference,
        redirect_url: submitted.redirect_url,
    })
}

/// Builds the order, listing every violation (the CLI's and the SDK's) at once.
fn build_order(args: &SubmitArgs) -> Result<OrderRequest, CliError> {
    let mut errors = ValidationErrors::default();
    let schedule = [args.start.is_some(), args.end.is_some(), args.frequency.is_some()];
    let subscription = match (args.start, args.end, args.frequency) {
        (Some(start), Some(end), Some(frequency)) => Some(Subscription::new(start, end, frequency)),
        _ => {
            if schedule.contains(&true) {
                errors.push("subscription_details", "--start, --end and --frequency go together");
            }
            None
        }
    };
    let billing = BillingAddress::builder()
        .email_address(args.email.as_ref())
        .phone_number(args.phone.as_ref())
        .first_name(args.first_name.as_ref())
        .last_name(args.last_name.as_ref());
    let mut builder = OrderRequest::builder()
        .merchant_reference(args.reference.clone())
        .amount(args.amount)
        .currency(args.currency.clone())
        .description(args.description.clone())
        .callback_url(args.callback_url.clone())
        .notification_id(args.ipn_id)
        .billing_address(billing);
    if let Some(account) = &args.account_number {
        builder = builder.recurring(account.clone(), subscription);
    }
    match builder.build() {
        Ok(order) if errors.is_empty() => Ok(order),
        Ok(_) => Err(CliError::Invalid(errors)),
        Err(pesapal_api::Error::InvalidInput(sdk)) => {
            errors.extend(sdk);
            Err(CliError::Invalid(errors))
        }
        Err(other) => Err(other.into()),
    }
}

//! [`StkPushRequest`]: a mobile-money prompt, an order plus the phone to prompt and the
//! channel, validated.

use crate::error::{Error, ValidationErrors};
use crate::requests::order::{OrderFields, OrderRequestBuilder};
use crate::validation::{assembled, phone_number, require};
use pesapal_gen::types;

/// A mobile-money STK push: an order plus the phone to prompt and the channel, validated.
///
/// **Unverified shape**: Pesapal documents this endpoint only by a Postman sample.
#[derive(Debug, Clone, PartialEq)]
pub struct StkPushRequest {
    pub(crate) body: types::StkBody,
}

/// Builds a [`StkPushRequest`]; see [`StkPushRequest::builder`].
#[derive(Debug, Clone, Default)]
pub struct StkPushRequestBuilder {
    order: Option<OrderRequestBuilder>,
    msisdn: Option<String>,
    payment_method: Option<String>,
}

impl StkPushRequest {
    /// Starts an STK push.
    ///
    /// ```
    /// use pesapal_api::{BillingAddress, OrderRequest, StkPushRequest};
    /// use rust_decimal::Decimal;
    ///
    /// let push = StkPushRequest::builder()
    ///     .order(
    ///         OrderRequest::builder()
    ///             .merchant_reference("ORDER-7")
    ///             .amount(Decimal::new(100, 0))
    ///             .currency("KES")
    ///             .description("Coffee")
    ///             .callback_url("https://shop.example.com/pesapal/callback")
    ///             .notification_id("fe078e53-78da-4a83-aa89-e7ded5c456e6".parse().unwrap())
    ///             .billing_address(BillingAddress::builder().phone_number("0723000000")),
    ///     )
    ///     .msisdn("0723000000")
    ///     .payment_method("MpesaKE")
    ///     .build();
    /// assert!(push.is_ok());
    /// ```
    pub fn builder() -> StkPushRequestBuilder {
        StkPushRequestBuilder::default()
    }
}

impl StkPushRequestBuilder {
    /// The order to pay (validated with the push; it must not be recurring).
    pub fn order(mut self, value: OrderRequestBuilder) -> Self {
        self.order = Some(value);
        self
    }

    /// The mobile number to prompt, 9 to 15 digits with an optional `+`.
    pub fn msisdn(mut self, value: impl Into<String>) -> Self {
        self.msisdn = Some(value.into());
        self
    }

    /// The mobile-money channel, e.g. `MpesaKE`.
    pub fn payment_method(mut self, value: impl Into<String>) -> Self {
        self.payment_method = Some(value.into());
        self
    }

    /// Validates the push, reporting every violation at once. Nothing is sent.
    pub fn build(self) -> Result<StkPushRequest, Error> {
        let mut errors = ValidationErrors::default();
        let order = match self.order {
            Some(order) if order.is_recurring() => {
                errors.push("account_number", "an STK push cannot be recurring");
                None
            }
            Some(order) => order.validate::<types::StkBodyId, types::StkBodyDescription>(&mut errors),
            None => {
                errors.push("order", "is required");
                None
            }
        };
        let msisdn = require(&mut errors, "msisdn", self.msisdn)
            .filter(|msisdn| phone_number(&mut errors, "msisdn", msisdn, "a mobile number", 9..=15));
        let payment_method = require(&mut errors, "payment_method", self.payment_method);
        let body = match (order, msisdn, payment_method) {
            (Some(order), Some(msisdn), Some(payment_method)) => stk_body(order, msisdn, payment_method, &mut errors),
            _ => None,
        };
        errors.into_value(body.map(|body| StkPushRequest { body }))
    }
}

/// The STK body: the order's fields (checked by the STK body's own generated types) plus the
/// phone and the channel.
fn stk_body(
    order: OrderFields<types::StkBodyId, types::StkBodyDescription>,
    msisdn: String,
    payment_method: String,
    errors: &mut ValidationErrors,
) -> Option<types::StkBody> {
    let body = types::StkBody::builder()
        .id(order.id)
        .currency(order.currency)
        .amount(order.amount)
        .description(order.description)
        .callback_url(order.callback_url)
        .cancellation_url(order.cancellation_url)
        .notification_id(order.notification_id)
        .billing_address(order.billing_address)
        .redirect_mode(order.redirect_mode)
        .branch(order.branch)
        .msisdn(msisdn)
        .payment_method(payment_method);
    assembled(errors, body)
}

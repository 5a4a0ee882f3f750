//! SubmitOrderRequest and DirectMobileMoneyStk: the order fields both carry, checked, then the
//! order stored and answered with its tracking id and payment page.

use super::bearer::Bearer;
use crate::engine::Engine;
use crate::error::SimError;
use crate::http::answers::{self, Refused, shape};
use crate::http::base_url::BaseUrl;
use crate::http::request::{bounded, decode, read, require_http_url};
use crate::model::machine::OrderStatus;
use crate::model::money::cents;
use crate::model::order::{Order, OrderKind};
use crate::model::schedule::Schedule;
use crate::model::state::Submitted;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use pesapal_gen::types;
use rust_decimal::Decimal;
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;

/// The fields SubmitOrderRequest and the STK push share.
struct OrderFields {
    id: String,
    amount: Decimal,
    currency: String,
    description: String,
    callback_url: String,
    cancellation_url: Option<String>,
    notification_id: Uuid,
    billing_address: types::BillingAddress,
}

impl From<types::SubmitOrderRequestBody> for OrderFields {
    fn from(body: types::SubmitOrderRequestBody) -> Self {
        OrderFields {
            id: body.id.into(),
            amount: body.amount,
            currency: body.currency,
            description: body.description.into(),
            callback_url: body.callback_url,
            cancellation_url: body.cancellation_url.filter(|u| !u.is_empty()),
            notification_id: body.notification_id,
            billing_address: body.billing_address,
        }
    }
}

impl OrderFields {
    /// The fields, if they keep the rules the generated types cannot say.
    fn check(self) -> Result<Self, SimError> {
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !present(&self.billing_address.email_address) && !present(&self.billing_address.phone_number) {
            return Err(SimError::BillingAddressWithoutContact);
        }
        if self.id.trim().is_empty() {
            return Err(SimError::InvalidRequest("id is required".into()));
        }
        // Checked after rounding to cents, as the amount is kept: `0.001` is no payment.
        if cents(self.amount) <= Decimal::ZERO {
            return Err(SimError::InvalidRequest("amount must be at least 0.01".into()));
        }
        let address = &self.billing_address;
        for (name, value) in [
            ("billing_address.email_address", &address.email_address),
            ("billing_address.phone_number", &address.phone_number),
            ("billing_address.first_name", &address.first_name),
            ("billing_address.middle_name", &address.middle_name),
            ("billing_address.last_name", &address.last_name),
            ("billing_address.line_1", &address.line_1),
            ("billing_address.line_2", &address.line_2),
            ("billing_address.city", &address.city),
        ] {
            bounded(name, value.as_deref())?;
        }
        if self.currency.len() != 3 || !self.currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(SimError::InvalidRequest(format!("currency {:?} is not an ISO 4217 code", self.currency)));
        }
        require_http_url("callback_url", &self.callback_url)?;
        if let Some(url) = &self.cancellation_url {
            require_http_url("cancellation_url", url)?;
        }
        Ok(self)
    }

    /// A new pending order of these fields.
    fn into_order(self, order_tracking_id: Uuid, now: DateTime<Utc>, kind: OrderKind) -> Order {
        Order {
            order_tracking_id,
            merchant_reference: self.id,
            amount: cents(self.amount),
            currency: self.currency.to_ascii_uppercase(),
            description: self.description,
            callback_url: self.callback_url,
            cancellation_url: self.cancellation_url,
            notification_id: self.notification_id,
            first_name: self.billing_address.first_name,
            last_name: self.billing_address.last_name,
            phone_number: self.billing_address.phone_number,
            email_address: self.billing_address.email_address,
            created_at: now,
            status: OrderStatus::Pending,
            cancelled: false,
            payment: None,
            refunded: Decimal::ZERO,
            kind,
        }
    }
}

/// Reads an order body ([`read`]); a missing or null `billing_address` is Pesapal's
/// `missing_mandatory_billing_address`, not a malformed request.
async fn read_order(body: Body) -> Result<Bytes, SimError> {
    let body = read(body).await?;
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) if fields.get("billing_address").is_none_or(Value::is_null) => {
            Err(SimError::MissingBillingAddress)
        }
        _ => Ok(body),
    }
}

/// One-off or recurring, from `account_number` and `subscription_details`.
fn kind(
    account_number: Option<String>,
    details: Option<types::SubmitOrderRequestBodySubscriptionDetails>,
) -> Result<OrderKind, SimError> {
    bounded("account_number", account_number.as_deref())?;
    let account_number = account_number.filter(|a| !a.trim().is_empty());
    let (account_number, details) = match (account_number, details) {
        (None, None) => return Ok(OrderKind::OneOff),
        (None, Some(_)) => {
            return Err(SimError::InvalidRequest("subscription_details need an account_number".into()));
        }
        (Some(account_number), None) => return Ok(OrderKind::Recurring { account_number, schedule: None }),
        (Some(account_number), Some(details)) => (account_number, details),
    };
    // The generated type read the `dd-MM-yyyy` dates (a malformed one fails the body's decode).
    let (start, end) = (details.start_date.0, details.end_date.0);
    if end < start {
        return Err(SimError::InvalidRequest("end_date is before start_date".into()));
    }
    let schedule = Schedule { start, end, frequency: details.frequency.into(), charges: 0 };
    Ok(OrderKind::Recurring { account_number, schedule: Some(schedule) })
}

pub(super) async fn submit_order(
    State(engine): State<Arc<Engine>>,
    base: BaseUrl,
    _: Bearer,
    body: Body,
) -> Result<Response, Refused<shape::Order>> {
    let mut request: types::SubmitOrderRequestBody = decode(&read_order(body).await?)?;
    let kind = kind(request.account_number.take(), request.subscription_details.take())?;
    submit(&engine, &base, request.into(), kind)
}

pub(super) async fn stk(
    State(engine): State<Arc<Engine>>,
    base: BaseUrl,
    _: Bearer,
    body: Body,
) -> Result<Response, Refused<shape::Order>> {
    let body = read_order(body).await?;
    let request: types::StkBody = decode(&body)?;
    bounded("msisdn", Some(&request.msisdn))?;
    if request.msisdn.trim().is_empty() {
        return Err(SimError::InvalidRequest("msisdn is required".into()).into());
    }
    // The STK body is an order body plus the phone to prompt: its order fields are read (and
    // checked) by the order body's generated type, as SubmitOrderRequest reads them.
    let order: types::SubmitOrderRequestBody = decode(&body)?;
    let kind = OrderKind::Stk { msisdn: request.msisdn.trim().to_owned() };
    submit(&engine, &base, order.into(), kind)
}

/// SubmitOrderRequest and the STK push: check the order, store it (or find the order submitted
/// before with the same merchant reference), answer with its tracking id and payment page under
/// `base` (the STK answer has the same fields). A new STK order prompts the phone.
fn submit(
    engine: &Arc<Engine>,
    base: &BaseUrl,
    fields: OrderFields,
    kind: OrderKind,
) -> Result<Response, Refused<shape::Order>> {
    let fields = fields.check()?;
    let now = engine.now();
    let submitted = {
        let mut state = engine.state();
        let id = state.new_id();
        state.submit(fields.into_order(id, now, kind))?
    };
    let order = submitted.order();
    if let (Submitted::New(_), OrderKind::Stk { msisdn }) = (&submitted, &order.kind) {
        engine.prompt_phone(order.order_tracking_id, msisdn);
    }
    Ok(answers::order_submitted(order, &engine.payment_page_url(&base.0, order.order_tracking_id)))
}

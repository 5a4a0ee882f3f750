//! Every answer the simulator sends on the Pesapal API, built with the generated types of
//! `pesapal_gen::types` (the spec is the one source of truth for field names), then "dressed"
//! with what the real API does that the types cannot say: amounts as JSON numbers with two
//! decimals (`10.00`), `error` as `null` or an all-null object, explicit `null`s, and Pesapal's
//! date formats. A regenerated type is a fix in this module only. Accepted requests are answered
//! in [`accepted`], refusals ([`crate::error::SimError`] and its per-operation shapes) in
//! [`refusals`], both dressed by [`dress`].

mod accepted;
mod dress;
mod refusals;

pub(crate) use accepted::{
    cancel_accepted, ipn_list, ipn_registered, order_submitted, refund_accepted, token, transaction_status,
};
pub(crate) use refusals::{Refused, shape};

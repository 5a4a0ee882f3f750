//! IPN delivery: each status change (completed, failed, reversed, recurring charge) calls the
//! order's registered IPN URL — GET with the notification's parameters in the query, or POST
//! with them in a JSON body — and retries with doubling backoff until the merchant answers with
//! the acknowledgement. Every attempt is recorded ([`Delivery`], [`Attempt`]); [`IpnControls`],
//! for every order or one, delay, repeat, drop or reorder deliveries, so that merchants can test
//! what real notification delivery does to them.

mod call;
mod client;
pub(crate) mod controls;
mod delivery;

pub use call::Attempt;
pub(crate) use client::IpnHttp;
pub use controls::IpnControls;
pub use delivery::Delivery;
pub(crate) use delivery::IpnDelivery;
/// The notification type a [`Delivery`] sent, as the spec declares it (`IPNCHANGE`,
/// `RECURRING`; `CALLBACKURL` is the browser's). Kept in this module, not at the crate root,
/// so that it does not meet `pesapal_api::NotificationType` in a glob import.
pub use pesapal_gen::types::NotificationType;

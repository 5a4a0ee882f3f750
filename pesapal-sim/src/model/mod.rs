//! The model: an independent imitation of Pesapal's state — orders on the payment state machine,
//! payment attempts and who made them, refunds, recurring charges, registered IPNs, bearer
//! tokens — with its virtual clock and the test values that decide outcomes. Synchronous and
//! free of I/O: the HTTP surface ([`crate::http`]), the pages ([`crate::pages`]) and IPN
//! delivery ([`crate::ipn`]) act on it through [`crate::engine::Engine`].

pub(crate) mod clock;
pub(crate) mod instruments;
pub(crate) mod ipn;
mod jwt;
pub(crate) mod machine;
pub(crate) mod money;
pub(crate) mod order;
mod payments;
mod refunds;
pub(crate) mod schedule;
pub(crate) mod state;
mod subscriptions;
pub mod test_values;
mod tokens;

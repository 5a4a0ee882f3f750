//! How IPNs are delivered: delayed, repeated, dropped or out of order, for every order or one.

use serde::{Deserialize, Serialize};

/// How IPNs are delivered, for every order ([`crate::Simulator::set_ipn_controls`],
/// `PUT /_sim/ipn/controls`) or one ([`crate::Simulator::set_order_ipn_controls`],
/// `PUT /_sim/orders/{id}/ipn`). All off by default: each notification delivered once, at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IpnControls {
    /// Wait this long (real time, milliseconds) before the first call.
    pub delay_ms: u64,
    /// Deliver each notification this many extra times (each a delivery of its own).
    pub duplicates: u32,
    /// Never deliver (the delivery is recorded as dropped).
    pub drop: bool,
    /// Deliver each notification only after the order's next one: a FAILED attempt's
    /// notification then arrives after the COMPLETED one that followed it.
    pub out_of_order: bool,
}

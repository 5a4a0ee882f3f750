//! The ids the fixtures share: the server's canned order and the IPN registration orders name.

/// A tracking id the server knows.
pub const TRACKING_ID: &str = "b945e4af-80a5-4ec1-8706-e03f8332fb04";
/// An IPN id for orders.
pub const IPN_ID: &str = "e32182ca-0983-4fa0-91bc-c3bb813ba750";

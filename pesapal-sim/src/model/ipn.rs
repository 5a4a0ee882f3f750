//! Registered IPN URLs, and the notices a state change sends to them.

use chrono::{DateTime, Utc};
use pesapal_gen::types::NotificationType;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The HTTP method an IPN URL is called with (RegisterIPN's `ipn_notification_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum IpnHttpMethod {
    /// Parameters in the query string.
    Get,
    /// Parameters in a JSON body.
    Post,
}

/// A registered IPN URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ipn {
    /// `ipn_id`.
    pub id: Uuid,
    /// Pesapal's internal number of the registration (`id` in RegisterIPN's answer): 1, 2, …
    pub number: u64,
    /// The merchant's URL.
    pub url: String,
    /// How it is called.
    pub method: IpnHttpMethod,
    /// When it was registered (virtual clock).
    pub created_at: DateTime<Utc>,
}

/// What a state change means for the merchant: an IPN to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notice {
    pub(crate) order_tracking_id: Uuid,
    /// The order's reference, or the account number for `RECURRING`.
    pub(crate) merchant_reference: String,
    pub(crate) notification_type: NotificationType,
    pub(crate) ipn: Ipn,
}

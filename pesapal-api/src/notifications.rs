//! Payment notifications: IPN calls and browser callbacks.
//!
//! Pesapal's notifications are **unsigned**: anyone can send one. Treat a notification only as a
//! hint to ask [`Pesapal::transaction_status`], which is what [`Pesapal::verify_notification`]
//! does, then answer Pesapal with [`Acknowledgement`].
//!
//! ```no_run
//! use pesapal_api::{Acknowledgement, Notification, Pesapal};
//!
//! # async fn ipn(pesapal: &Pesapal, query: &str) -> String {
//! let notification = match Notification::from_query(query) {
//!     Ok(n) => n,
//!     Err(e) => return format!("bad request: {e}"),
//! };
//! let ack = match pesapal.verify_notification(&notification).await {
//!     Ok(payment) if payment.status.payment_status.is_paid() => {
//!         // Credit once per payment: remember payment.dedupe_key.
//!         Acknowledgement::received(&notification)
//!     }
//!     Ok(_) => Acknowledgement::received(&notification),
//!     Err(_) => Acknowledgement::failed(&notification), // Pesapal will retry
//! };
//! ack.to_json()
//! # }
//! ```

use crate::client::Pesapal;
use crate::error::Error;
use crate::responses::TransactionStatus;
use serde_json::{Value, json};
use std::fmt;
use uuid::Uuid;

/// Why a notification is refused (a client error: answer HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// A required parameter is missing or empty.
    #[error("the notification has no {0}")]
    Missing(&'static str),
    /// `OrderTrackingId` is not a GUID.
    #[error("OrderTrackingId {0:?} is not a GUID")]
    BadTrackingId(String),
    /// The body is neither JSON nor form-encoded parameters.
    #[error("the notification body is neither a JSON object nor form parameters: {0}")]
    BadBody(String),
}

/// What a notification says happened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotificationType {
    /// `IPNCHANGE`: a payment status changed.
    IpnChange,
    /// `CALLBACKURL`: the customer's browser came back to your callback URL.
    CallbackUrl,
    /// `RECURRING`: a subscription charge ran.
    Recurring,
    /// Anything else, kept as received.
    Unknown(String),
}

impl NotificationType {
    fn parse(text: &str) -> NotificationType {
        match text.trim().to_ascii_uppercase().as_str() {
            "IPNCHANGE" => NotificationType::IpnChange,
            "CALLBACKURL" => NotificationType::CallbackUrl,
            "RECURRING" => NotificationType::Recurring,
            _ => NotificationType::Unknown(text.trim().to_owned()),
        }
    }

    /// As on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            NotificationType::IpnChange => "IPNCHANGE",
            NotificationType::CallbackUrl => "CALLBACKURL",
            NotificationType::Recurring => "RECURRING",
            NotificationType::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for NotificationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IPN call or a browser callback, as received: **unverified**.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// `OrderTrackingId`.
    pub order_tracking_id: Uuid,
    /// `OrderMerchantReference`: your order reference, or the `account_number` for `RECURRING`.
    pub merchant_reference: String,
    /// `OrderNotificationType` (absent on some callbacks: [`NotificationType::CallbackUrl`] then).
    pub notification_type: NotificationType,
}

impl Notification {
    /// Reads a notification from a query string (GET IPN, browser callback), with or without the
    /// leading `?`. Keys match case-insensitively.
    pub fn from_query(query: &str) -> Result<Notification, NotificationError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        Notification::from_pairs(
            url::form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())),
        )
    }

    /// Reads a notification from a POST body. The format is undocumented, so both JSON objects
    /// and form-encoded bodies are accepted, whatever the `Content-Type` says.
    pub fn from_body(body: &[u8]) -> Result<Notification, NotificationError> {
        let text = std::str::from_utf8(body).map_err(|e| NotificationError::BadBody(e.to_string()))?;
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            let value: Value = serde_json::from_str(trimmed).map_err(|e| NotificationError::BadBody(e.to_string()))?;
            let Value::Object(fields) = value else { unreachable!("starts with {{") };
            let pairs = fields.into_iter().filter_map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                Some((k, v))
            });
            return Notification::from_pairs(pairs);
        }
        if trimmed.is_empty() {
            return Err(NotificationError::Missing("OrderTrackingId"));
        }
        Notification::from_query(text.trim())
    }

    fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Notification, NotificationError> {
        let (mut tracking, mut reference, mut kind) = (None, None, None);
        for (key, value) in pairs {
            let slot = match key.trim().to_ascii_lowercase().as_str() {
                "ordertrackingid" => &mut tracking,
                "ordermerchantreference" => &mut reference,
                "ordernotificationtype" => &mut kind,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            }
        }
        let tracking = tracking.ok_or(NotificationError::Missing("OrderTrackingId"))?;
        let order_tracking_id = tracking.parse().map_err(|_| NotificationError::BadTrackingId(tracking.clone()))?;
        Ok(Notification {
            order_tracking_id,
            merchant_reference: reference.ok_or(NotificationError::Missing("OrderMerchantReference"))?,
            notification_type: kind.as_deref().map_or(NotificationType::CallbackUrl, NotificationType::parse),
        })
    }
}

/// A notification confirmed by GetTransactionStatus.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifiedPayment {
    /// The notification that prompted the check.
    pub notification: Notification,
    /// What Pesapal says about the payment: act on this, not on the notification.
    pub status: TransactionStatus,
    /// Stable for the same payment state: `tracking id:confirmation code:status`. Pesapal
    /// repeats notifications; store this key and skip events whose key you have seen.
    pub dedupe_key: String,
}

/// Why a notification could not be verified.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum VerificationError {
    /// GetTransactionStatus failed (unknown tracking id, network, …).
    #[error("could not confirm the notification with GetTransactionStatus: {0}")]
    Status(#[from] Error),
    /// Pesapal's record names another merchant reference: a forged or misrouted notification.
    #[error("merchant reference mismatch: the notification says {notified:?}, Pesapal says {actual:?}")]
    ReferenceMismatch {
        /// From the notification.
        notified: String,
        /// From GetTransactionStatus.
        actual: Option<String>,
    },
    /// Too many notifications were being verified: no GetTransactionStatus slot freed up in
    /// time, and nothing was sent. Answer with a failure acknowledgement, so that Pesapal
    /// notifies again (see [`crate::ClientBuilder::max_concurrent_verifications`]).
    #[error(
        "too many notifications being verified: no GetTransactionStatus slot free within {waited:?} (at most {max_in_flight} in flight)"
    )]
    Busy {
        /// The cap on GetTransactionStatus calls in flight for verifications.
        max_in_flight: usize,
        /// How long this verification waited for a slot.
        waited: std::time::Duration,
    },
}

impl Pesapal {
    /// Verifies a notification: asks GetTransactionStatus for its tracking id and checks that
    /// the merchant reference matches (for `RECURRING`, the subscription's account number).
    ///
    /// Anyone can send notifications, so their cost is bounded, for this client and its clones:
    /// concurrent verifications of one tracking id share one GetTransactionStatus call, and at
    /// most [`ClientBuilder::max_concurrent_verifications`] such calls are in flight. A caller
    /// beyond the cap waits at most [`ClientBuilder::verification_wait`], then gets
    /// [`VerificationError::Busy`].
    ///
    /// [`ClientBuilder::max_concurrent_verifications`]: crate::ClientBuilder::max_concurrent_verifications
    /// [`ClientBuilder::verification_wait`]: crate::ClientBuilder::verification_wait
    pub async fn verify_notification(&self, notification: &Notification) -> Result<VerifiedPayment, VerificationError> {
        let id = notification.order_tracking_id;
        let status = self.verifications().status(id, || self.transaction_status(id)).await?;
        let actual = match notification.notification_type {
            NotificationType::Recurring => status.subscription.as_ref().and_then(|s| s.account_reference.clone()),
            _ => status.merchant_reference.clone(),
        };
        if actual.as_deref() != Some(notification.merchant_reference.as_str()) {
            return Err(VerificationError::ReferenceMismatch {
                notified: notification.merchant_reference.clone(),
                actual,
            });
        }
        let dedupe_key = format!(
            "{}:{}:{}",
            notification.order_tracking_id,
            status.confirmation_code.as_deref().unwrap_or("-"),
            status.status_code.map_or_else(|| "-".to_owned(), |c| c.to_string()),
        );
        Ok(VerifiedPayment { notification: notification.clone(), status, dedupe_key })
    }
}

/// The JSON body Pesapal expects in answer to an IPN call:
/// `{"orderNotificationType":…,"orderTrackingId":…,"orderMerchantReference":…,"status":200}`.
/// Answer `500` when you could not process the notification, so that Pesapal retries. The
/// browser callback gets no acknowledgement: show the customer a page instead.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Acknowledgement {
    /// Echoed notification type.
    pub notification_type: String,
    /// Echoed tracking id.
    pub order_tracking_id: String,
    /// Echoed merchant reference.
    pub merchant_reference: String,
    /// 200 (received and processed) or 500 (received, not processed).
    pub status: u16,
}

impl Acknowledgement {
    /// `status: 200`: received and processed.
    pub fn received(notification: &Notification) -> Acknowledgement {
        Acknowledgement::with_status(notification, 200)
    }

    /// `status: 500`: received but not processed; Pesapal will notify again.
    pub fn failed(notification: &Notification) -> Acknowledgement {
        Acknowledgement::with_status(notification, 500)
    }

    fn with_status(notification: &Notification, status: u16) -> Acknowledgement {
        Acknowledgement {
            notification_type: notification.notification_type.as_str().to_owned(),
            order_tracking_id: notification.order_tracking_id.to_string(),
            merchant_reference: notification.merchant_reference.clone(),
            status,
        }
    }

    /// The body, exactly as Pesapal documents it (field order included).
    pub fn to_json(&self) -> String {
        // serde_json's map keeps insertion order only with `preserve_order`; build the string in
        // the documented order instead.
        format!(
            "{{\"orderNotificationType\":{},\"orderTrackingId\":{},\"orderMerchantReference\":{},\"status\":{}}}",
            json!(self.notification_type),
            json!(self.order_tracking_id),
            json!(self.merchant_reference),
            self.status
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "d0fa69d6-f3cd-433b-858e-df86555b86c8";

    #[test]
    fn reads_get_queries_case_insensitively() {
        let n = Notification::from_query(&format!(
            "?orderTRACKINGid={ID}&OrderMerchantReference=1515111111&OrderNotificationType=IPNCHANGE"
        ))
        .unwrap();
        assert_eq!(n.order_tracking_id.to_string(), ID);
        assert_eq!(n.merchant_reference, "1515111111");
        assert_eq!(n.notification_type, NotificationType::IpnChange);
    }

    #[test]
    fn reads_json_and_form_bodies() {
        let json = format!(
            r#"{{"OrderTrackingId":"{ID}","OrderMerchantReference":"555-678","OrderNotificationType":"RECURRING"}}"#
        );
        let form = format!("OrderTrackingId={ID}&OrderMerchantReference=555-678&OrderNotificationType=RECURRING");
        assert_eq!(
            Notification::from_body(json.as_bytes()).unwrap(),
            Notification::from_body(form.as_bytes()).unwrap()
        );
        assert_eq!(Notification::from_body(form.as_bytes()).unwrap().notification_type, NotificationType::Recurring);
    }

    #[test]
    fn malformed_notifications_are_clear_errors() {
        assert_eq!(Notification::from_query(""), Err(NotificationError::Missing("OrderTrackingId")));
        assert_eq!(
            Notification::from_query("OrderTrackingId=abc&OrderMerchantReference=x"),
            Err(NotificationError::BadTrackingId("abc".into()))
        );
        assert_eq!(
            Notification::from_query(&format!("OrderTrackingId={ID}")),
            Err(NotificationError::Missing("OrderMerchantReference"))
        );
        assert!(matches!(Notification::from_body(b"{not json"), Err(NotificationError::BadBody(_))));
        assert!(matches!(Notification::from_body(&[0xff, 0xfe]), Err(NotificationError::BadBody(_))));
        assert!(matches!(Notification::from_body(b"[1,2]"), Err(NotificationError::Missing(_))));
    }

    #[test]
    fn unknown_types_are_kept() {
        let n = Notification::from_query(&format!(
            "OrderTrackingId={ID}&OrderMerchantReference=r&OrderNotificationType=NEWKIND"
        ))
        .unwrap();
        assert_eq!(n.notification_type, NotificationType::Unknown("NEWKIND".into()));
    }

    #[test]
    fn acknowledgement_is_exactly_the_documented_json() {
        let n = Notification::from_query(&format!(
            "OrderTrackingId={ID}&OrderMerchantReference=1515111111&OrderNotificationType=IPNCHANGE"
        ))
        .unwrap();
        assert_eq!(
            Acknowledgement::received(&n).to_json(),
            r#"{"orderNotificationType":"IPNCHANGE","orderTrackingId":"d0fa69d6-f3cd-433b-858e-df86555b86c8","orderMerchantReference":"1515111111","status":200}"#
        );
        assert!(Acknowledgement::failed(&n).to_json().ends_with(r#""status":500}"#));
    }
}

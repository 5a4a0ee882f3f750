//! Payment notifications, IPN calls and browser callbacks: reading them, and acknowledging IPN
//! calls. Their parameters and the acknowledgement are declared in the spec (the `callbacks` of
//! RegisterIPN and SubmitOrderRequest) and decoded and written by the generated types.
//!
//! Pesapal's notifications are **unsigned**: anyone can send one. Treat a notification only as a
//! hint to ask [`Pesapal::transaction_status`](crate::Pesapal::transaction_status), which is what
//! [`Pesapal::verify_notification`](crate::Pesapal::verify_notification) does, then answer
//! Pesapal with [`Acknowledgement`].
//!
//! A leaf module but for the generated notification types.
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

use pesapal_gen::notification_parameters::{ORDER_MERCHANT_REFERENCE, ORDER_NOTIFICATION_TYPE, ORDER_TRACKING_ID};
use pesapal_gen::types;
use serde_json::{Map, Value};
use std::fmt;
use uuid::Uuid;

/// Why a notification is refused (a client error: answer HTTP 400, or 405 for
/// [`NotificationError::Method`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// A required parameter is missing or empty.
    #[error("the notification has no {0}")]
    Missing(&'static str),
    /// The order tracking id is not a GUID.
    #[error("{ORDER_TRACKING_ID} {0:?} is not a GUID")]
    BadTrackingId(String),
    /// The body is neither JSON nor form-encoded parameters.
    #[error("the notification body is neither a JSON object nor form parameters: {0}")]
    BadBody(String),
    /// The request's method is neither GET nor POST (answer HTTP 405).
    #[error("notifications come by GET or POST, not {0}")]
    Method(String),
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
    /// The type a notification names (in any case); unknown names are kept, trimmed.
    fn parse(text: &str) -> NotificationType {
        match text.trim().to_ascii_uppercase().parse::<types::NotificationType>() {
            Ok(known) => NotificationType::of(known),
            Err(_) => NotificationType::Unknown(text.trim().to_owned()),
        }
    }

    /// The documented type this is; `None` for [`NotificationType::Unknown`].
    fn to_wire(&self) -> Option<types::NotificationType> {
        match self {
            NotificationType::IpnChange => Some(types::NotificationType::Ipnchange),
            NotificationType::CallbackUrl => Some(types::NotificationType::Callbackurl),
            NotificationType::Recurring => Some(types::NotificationType::Recurring),
            NotificationType::Unknown(_) => None,
        }
    }
}

impl NotificationType {
    /// The type a documented one is: with [`NotificationType::to_wire`], the one mapping.
    fn of(known: types::NotificationType) -> NotificationType {
        match known {
            types::NotificationType::Ipnchange => NotificationType::IpnChange,
            types::NotificationType::Callbackurl => NotificationType::CallbackUrl,
            types::NotificationType::Recurring => NotificationType::Recurring,
        }
    }
}

impl fmt::Display for NotificationType {
    /// As on the wire (`IPNCHANGE`); an unknown type as received.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.to_wire(), self) {
            (Some(known), _) => known.fmt(f),
            (None, NotificationType::Unknown(raw)) => f.write_str(raw),
            (None, _) => Ok(()),
        }
    }
}

/// An IPN call or a browser callback, as received: **unverified**.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// Pesapal's id of the order.
    pub order_tracking_id: Uuid,
    /// Your order reference, or the `account_number` for `RECURRING`.
    pub merchant_reference: String,
    /// What the notification is about (absent on some callbacks: [`NotificationType::CallbackUrl`]
    /// then).
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
            return Err(NotificationError::Missing(ORDER_TRACKING_ID));
        }
        Notification::from_query(text.trim())
    }

    /// Reads a notification from an HTTP request to your IPN or callback URL, as Pesapal sends
    /// it: `method` `GET` (any case) has the parameters in the `query` string; `POST` has them in
    /// the body (JSON or form-encoded, see [`Notification::from_body`]), **or, when the body is
    /// empty (or only whitespace), in the query**: Pesapal's POST format is undocumented, and
    /// both have been seen. Any other method is refused.
    ///
    /// ```
    /// use pesapal_api::Notification;
    ///
    /// let query = "OrderTrackingId=b945e4af-80a5-4ec1-8706-e03f8332fb04&OrderMerchantReference=ORDER-1";
    /// let by_get = Notification::from_request("GET", Some(query), b"").unwrap();
    /// let by_empty_post = Notification::from_request("POST", Some(query), b" ").unwrap();
    /// assert_eq!(by_get, by_empty_post);
    /// assert!(Notification::from_request("PUT", Some(query), b"").is_err());
    /// ```
    pub fn from_request(method: &str, query: Option<&str>, body: &[u8]) -> Result<Notification, NotificationError> {
        let query = query.unwrap_or_default();
        if method.eq_ignore_ascii_case("GET") {
            Notification::from_query(query)
        } else if !method.eq_ignore_ascii_case("POST") {
            Err(NotificationError::Method(method.to_owned()))
        } else if body.iter().all(u8::is_ascii_whitespace) {
            Notification::from_query(query)
        } else {
            Notification::from_body(body)
        }
    }

    /// Reads the three parameters (names matched case-insensitively, the first of each kept)
    /// and decodes them with the generated `IpnNotification`.
    fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Notification, NotificationError> {
        let (mut tracking, mut reference, mut kind) = (None, None, None);
        for (key, value) in pairs {
            let key = key.trim();
            let slot = if key.eq_ignore_ascii_case(ORDER_TRACKING_ID) {
                &mut tracking
            } else if key.eq_ignore_ascii_case(ORDER_MERCHANT_REFERENCE) {
                &mut reference
            } else if key.eq_ignore_ascii_case(ORDER_NOTIFICATION_TYPE) {
                &mut kind
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            }
        }
        let tracking: String = tracking.ok_or(NotificationError::Missing(ORDER_TRACKING_ID))?;
        let reference: String = reference.ok_or(NotificationError::Missing(ORDER_MERCHANT_REFERENCE))?;
        // Absent on some callbacks: the browser callback then.
        let kind = kind.as_deref().map_or(NotificationType::CallbackUrl, NotificationType::parse);
        let mut fields = Map::new();
        fields.insert(ORDER_TRACKING_ID.to_owned(), Value::String(tracking.clone()));
        fields.insert(ORDER_MERCHANT_REFERENCE.to_owned(), Value::String(reference));
        if let Some(known) = kind.to_wire() {
            fields.insert(ORDER_NOTIFICATION_TYPE.to_owned(), Value::String(known.to_string()));
        }
        // The tracking id is the only field that can be refused: it must be a GUID.
        let wire: types::IpnNotification =
            serde_json::from_value(Value::Object(fields)).map_err(|_| NotificationError::BadTrackingId(tracking))?;
        Ok(Notification {
            order_tracking_id: wire.order_tracking_id,
            merchant_reference: wire.order_merchant_reference,
            notification_type: wire.order_notification_type.map_or(kind, NotificationType::of),
        })
    }
}

/// The JSON body Pesapal expects in answer to an IPN call, the spec's
/// `IpnAcknowledgement`: the notification echoed, with `status` 200 (received and
/// processed) or 500 (received, not processed: Pesapal notifies again). Answer with the same
/// HTTP status ([`Acknowledgement::status`]): a failure acknowledgement goes with HTTP 500. Written by serde, in
/// the order the generated type declares its fields (alphabetical): JSON objects are unordered,
/// and the body is the documentation's sample field for field. The browser callback gets no
/// acknowledgement: show the customer a page instead.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Acknowledgement(types::IpnAcknowledgement);

impl Acknowledgement {
    /// `status: 200`: received and processed.
    pub fn received(notification: &Notification) -> Acknowledgement {
        Acknowledgement::with_status(notification, 200)
    }

    /// `status: 500`: received but not processed; Pesapal will notify again.
    pub fn failed(notification: &Notification) -> Acknowledgement {
        Acknowledgement::with_status(notification, 500)
    }

    fn with_status(notification: &Notification, status: i64) -> Acknowledgement {
        Acknowledgement(types::IpnAcknowledgement {
            order_notification_type: notification.notification_type.to_string(),
            order_tracking_id: notification.order_tracking_id.to_string(),
            order_merchant_reference: notification.merchant_reference.clone(),
            status: types::IpnAcknowledgementStatus::try_from(status).expect("200 and 500 are the declared statuses"),
        })
    }

    /// 200 (received and processed) or 500 (received, not processed).
    pub fn status(&self) -> u16 {
        if *self.0.status == 200 { 200 } else { 500 }
    }

    /// The body as JSON text.
    pub fn to_json(&self) -> String {
        // Strings and an integer: serialising cannot fail.
        serde_json::to_string(&self.0).unwrap_or_default()
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
        assert_eq!(Notification::from_query(""), Err(NotificationError::Missing(ORDER_TRACKING_ID)));
        assert_eq!(
            Notification::from_query("OrderTrackingId=abc&OrderMerchantReference=x"),
            Err(NotificationError::BadTrackingId("abc".into()))
        );
        assert_eq!(
            Notification::from_query(&format!("OrderTrackingId={ID}")),
            Err(NotificationError::Missing(ORDER_MERCHANT_REFERENCE))
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
    fn acknowledgement_is_the_documented_json() {
        let n = Notification::from_query(&format!(
            "OrderTrackingId={ID}&OrderMerchantReference=1515111111&OrderNotificationType=IPNCHANGE"
        ))
        .unwrap();
        let json = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        // The documentation's "Sample IPN JSON Response String".
        assert_eq!(
            json(&Acknowledgement::received(&n).to_json()),
            json(
                r#"{"orderNotificationType":"IPNCHANGE","orderTrackingId":"d0fa69d6-f3cd-433b-858e-df86555b86c8","orderMerchantReference":"1515111111","status":200}"#
            )
        );
        let failed = Acknowledgement::failed(&n);
        assert_eq!((failed.status(), json(&failed.to_json())["status"].clone()), (500, Value::from(500)));
        assert!(failed.to_json().ends_with(r#""status":500}"#));
        // Unknown types are echoed as received.
        let unknown = Notification::from_query(&format!(
            "OrderTrackingId={ID}&OrderMerchantReference=r&OrderNotificationType=NewKind"
        ))
        .unwrap();
        assert_eq!(json(&Acknowledgement::received(&unknown).to_json())["orderNotificationType"], "NewKind");
    }
}

//! One call to the merchant's IPN URL: the spec's IPN call (the notification's parameters in the
//! query for GET, as a JSON body for POST), and whether the answer is the acknowledgement
//! Pesapal expects ([`pesapal_gen::types::IpnAcknowledgement`] with status 200).

use super::client::IpnHttp;
use crate::model::ipn::{IpnHttpMethod, Notice};
use chrono::{DateTime, Utc};
use pesapal_gen::types;
use serde::Serialize;
use std::time::Duration;

/// One call to the merchant's IPN URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// 1 for the first call.
    pub number: u32,
    /// When it was made (real time).
    pub at: DateTime<Utc>,
    /// The merchant's HTTP status, if it answered.
    pub http_status: Option<u16>,
    /// The merchant's body (at most 2 KiB), if it answered.
    pub body: Option<String>,
    /// Why the call failed or was not acknowledged.
    pub error: Option<String>,
    /// The answer was the expected acknowledgement.
    pub acknowledged: bool,
}

/// The parameters Pesapal sends about an order, as the spec declares them.
fn notification(notice: &Notice) -> Result<types::IpnNotification, types::error::ConversionError> {
    types::IpnNotification::builder()
        .order_tracking_id(notice.order_tracking_id)
        .order_merchant_reference(notice.merchant_reference.clone())
        .order_notification_type(Some(notice.notification_type))
        .try_into()
}

/// Calls the merchant's URL once about `notice` (attempt `number`), waiting at most `timeout`.
pub(crate) async fn call(http: &IpnHttp, timeout: Duration, notice: &Notice, number: u32) -> Attempt {
    let at = Utc::now();
    let failed =
        |error: String| Attempt { number, at, http_status: None, body: None, error: Some(error), acknowledged: false };
    let notification = match notification(notice) {
        Ok(notification) => notification,
        Err(e) => return failed(format!("cannot build the notification: {e}")),
    };
    // The spec's IPN call: the notification's parameters in the query (GET) or as a JSON body (POST).
    let request = match notice.ipn.method {
        IpnHttpMethod::Get => http.client().get(&notice.ipn.url).query(&notification),
        IpnHttpMethod::Post => http.client().post(&notice.ipn.url).json(&notification),
    };
    let response = match request.timeout(timeout).send().await {
        Ok(response) => response,
        Err(e) => return failed(http.failure(&notice.ipn.url, &e)),
    };
    let status = response.status().as_u16();
    let body = match response.text().await {
        Ok(body) => body,
        Err(e) => return failed(format!("unreadable answer: {e}")),
    };
    let error = acknowledgement_problem(notice, status, &body);
    let mut kept = body;
    if kept.len() > 2048 {
        let mut end = 2048;
        while !kept.is_char_boundary(end) {
            end -= 1;
        }
        kept.truncate(end);
    }
    Attempt { number, at, http_status: Some(status), body: Some(kept), acknowledged: error.is_none(), error }
}

/// Why an answer is not the acknowledgement Pesapal expects, or `None` if it is.
fn acknowledgement_problem(notice: &Notice, http_status: u16, body: &str) -> Option<String> {
    if http_status != 200 {
        return Some(format!("HTTP {http_status}"));
    }
    let ack: types::IpnAcknowledgement = match serde_json::from_str(body) {
        Ok(ack) => ack,
        Err(e) => return Some(format!("the answer is not the acknowledgement: {e}")),
    };
    if !ack.order_notification_type.eq_ignore_ascii_case(&notice.notification_type.to_string()) {
        return Some(format!("the notification type echoed is {:?}", ack.order_notification_type));
    }
    if !ack.order_tracking_id.eq_ignore_ascii_case(&notice.order_tracking_id.to_string()) {
        return Some(format!("the tracking id echoed is {:?}", ack.order_tracking_id));
    }
    if ack.order_merchant_reference != notice.merchant_reference {
        return Some(format!("the merchant reference echoed is {:?}", ack.order_merchant_reference));
    }
    match *ack.status {
        200 => None,
        other => Some(format!("status is {other}, not 200: the merchant failed to process it")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ipn::Ipn;
    use pesapal_gen::types::NotificationType;
    use uuid::Uuid;

    #[test]
    fn only_the_exact_acknowledgement_counts() {
        let id = Uuid::new_v4();
        let notice = Notice {
            order_tracking_id: id,
            merchant_reference: "R-1".into(),
            notification_type: NotificationType::Ipnchange,
            ipn: Ipn { id, number: 1, url: "http://x".into(), method: IpnHttpMethod::Get, created_at: Utc::now() },
        };
        let ack = |status: &str| {
            format!(
                r#"{{"orderNotificationType":"IPNCHANGE","orderTrackingId":"{id}","orderMerchantReference":"R-1","status":{status}}}"#
            )
        };
        assert_eq!(acknowledgement_problem(&notice, 200, &ack("200")), None);
        assert!(acknowledgement_problem(&notice, 200, &ack("500")).is_some());
        assert!(acknowledgement_problem(&notice, 500, &ack("200")).is_some());
        assert!(acknowledgement_problem(&notice, 200, "OK").is_some());
        assert!(acknowledgement_problem(&notice, 200, &ack("201")).is_some());
        let other_reference = ack("200").replace("R-1", "R-2");
        assert!(acknowledgement_problem(&notice, 200, &other_reference).is_some());
    }
}

//! Lenient reading of what the real API sends, as opposed to what its documentation says.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// East Africa Time (UTC+3): Pesapal's timestamps without an offset are local to Nairobi.
pub(crate) fn east_africa_time() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("valid offset")
}

/// A string field that may come as a string, a number or a boolean; `null` and `""` are absent.
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer that may come as a number or a numeric string.
pub(crate) fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An amount: a JSON number (`10.00`) or a string (`"10.00"`), never a float.
pub(crate) fn decimal(value: Option<&Value>) -> Option<Decimal> {
    match value? {
        Value::Number(n) => {
            Decimal::from_str(&n.to_string()).ok().or_else(|| Decimal::from_scientific(&n.to_string()).ok())
        }
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// A timestamp in any of the three shapes Pesapal sends: UTC with `Z` and 7 fractional digits,
/// no offset (East Africa Time), and no offset with 2–3 fractional digits.
pub(crate) fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return Some(with_offset.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
        .ok()?;
    east_africa_time().from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc))
}

/// The error object, or `None` when it is `null` or has no non-empty field (success).
#[derive(Default)]
pub(crate) struct WireError {
    pub error_type: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
}

pub(crate) fn error_object(body: &Value) -> Option<WireError> {
    let error = body.get("error")?;
    let field = |name: &str| text(error.get(name)).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let error = match error {
        Value::Object(_) => WireError {
            error_type: field("error_type").or_else(|| field("type")),
            code: field("code"),
            message: field("message"),
        },
        Value::String(s) if !s.trim().is_empty() => {
            WireError { error_type: None, code: None, message: Some(s.trim().to_owned()) }
        }
        _ => return None,
    };
    (error.error_type.is_some() || error.code.is_some() || error.message.is_some()).then_some(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_three_date_shapes() {
        let utc = timestamp("2021-08-26T12:29:30.5177702Z").unwrap();
        assert_eq!(utc.to_rfc3339(), "2021-08-26T12:29:30.517770200+00:00");
        // Offset-less: East Africa Time, three hours ahead of UTC.
        assert_eq!(timestamp("2022-04-30T07:41:09").unwrap().to_rfc3339(), "2022-04-30T04:41:09+00:00");
        assert_eq!(timestamp("2022-04-30T07:41:09.763").unwrap().to_rfc3339(), "2022-04-30T04:41:09.763+00:00");
        assert_eq!(timestamp("2022-04-30T07:41:09.76").unwrap().to_rfc3339(), "2022-04-30T04:41:09.760+00:00");
        assert_eq!(timestamp("yesterday"), None);
    }

    #[test]
    fn reads_statuses_and_amounts_leniently() {
        assert_eq!(text(Some(&json!(200))).as_deref(), Some("200"));
        assert_eq!(text(Some(&json!("500"))).as_deref(), Some("500"));
        assert_eq!(text(Some(&json!(null))), None);
        assert_eq!(integer(Some(&json!("2"))), Some(2));
        assert_eq!(decimal(Some(&json!(10.5))).unwrap().to_string(), "10.5");
        assert_eq!(decimal(Some(&json!("10.00"))).unwrap().to_string(), "10.00");
    }

    #[test]
    fn an_all_null_error_object_is_no_error() {
        assert!(error_object(&json!({"error": null})).is_none());
        assert!(error_object(&json!({"error": {"error_type": null, "code": null, "message": null}})).is_none());
        let e = error_object(&json!({"error": {"error_type": "api_error  ", "code": "x", "message": ""}})).unwrap();
        assert_eq!((e.error_type.as_deref(), e.code.as_deref(), e.message), (Some("api_error"), Some("x"), None));
    }
}

//! The dressing every answer gets: Pesapal's content type, `status` as a string, the error
//! object, `error` as `null` or all-null, explicit `null`s, amounts as numbers with two
//! decimals and Pesapal's date shapes.

use crate::model::money::cents;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pesapal_gen::facts::TimestampShape;
use pesapal_gen::types;
use rust_decimal::Decimal;
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Value, json};

/// A Pesapal JSON answer.
pub(crate) fn answer(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

/// HTTP 200, as Pesapal answers everything but a refused bearer token.
pub(crate) fn ok(body: String) -> Response {
    answer(StatusCode::OK, body)
}

pub(crate) const PROCESSED: &str = "Request processed successfully";

/// What the `error` field of a successful answer looks like.
#[derive(Clone, Copy)]
pub(crate) enum ErrorField {
    /// `"error": null`.
    Null,
    /// `"error": {"error_type":null,"code":null,"message":null}`, as GetTransactionStatus
    /// answers a paid or failed order (`evidence/sandbox-2025-11-09_status_card_completed.json`,
    /// `evidence/pesapal-sdk_status_mpesa_*.json`).
    AllNull,
    /// As the typed value says.
    Keep,
}

/// A body built with a generated builder (`types::X::builder()` then `TryFrom`), so that a field
/// the spec adds keeps the simulator compiling.
pub(crate) type Built<T> = Result<T, types::error::ConversionError>;

/// Serializes a typed body and applies the real API's dressing: the `error` field, and an
/// explicit `null` at each of `explicit_nulls` (`"message"`, or `"error.call_back_url"` inside
/// the error object) where the typed body has nothing. A body the generated builder refused (a
/// required field left unset: a simulator bug) becomes Pesapal's error envelope naming the
/// problem, never a panic.
pub(crate) fn dress<T: Serialize>(body: Built<T>, error: ErrorField, explicit_nulls: &[&str]) -> String {
    let body = match body {
        Ok(body) => body,
        Err(problem) => return unbuildable(&problem),
    };
    let mut value = serde_json::to_value(body).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut value {
        match error {
            ErrorField::Null => {
                fields.insert("error".into(), Value::Null);
            }
            ErrorField::AllNull => {
                fields.insert("error".into(), json!({"error_type": null, "code": null, "message": null}));
            }
            ErrorField::Keep => {}
        }
    }
    for path in explicit_nulls {
        explicit_null(&mut value, path);
    }
    serde_json::to_string(&WithAmounts(&value)).unwrap_or_default()
}

/// Writes `null` at the dotted `path` of `value` unless something is there.
fn explicit_null(value: &mut Value, path: &str) {
    let (parents, name) = path.rsplit_once('.').map_or(("", path), |(parents, name)| (parents, name));
    let parent = parents.split('.').filter(|p| !p.is_empty()).try_fold(value, |at, part| at.get_mut(part));
    if let Some(Value::Object(fields)) = parent {
        fields.entry(name).or_insert(Value::Null);
    }
}

/// The answer when the simulator could not build its own answer: HTTP 200, `"status":"500"` and
/// an `api_error`, as Pesapal answers its internal errors.
fn unbuildable(problem: &types::error::ConversionError) -> String {
    tracing::error!(%problem, "pesapal-sim could not build an answer");
    json!({
        "error": pesapal_error("simulator_answer_unbuildable", format!("pesapal-sim: {problem}"), None),
        "status": "500",
    })
    .to_string()
}

/// Writes a JSON value with every `amount` field (a decimal string in the generated types, as
/// `rust_decimal` serializes) as a JSON number with two decimal places, as Pesapal sends them
/// (`"amount":10.00`).
struct WithAmounts<'a>(&'a Value);

impl Serialize for WithAmounts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (name, value) in fields {
                    match value.as_str().and_then(|text| text.parse::<Decimal>().ok()).filter(|_| name == "amount") {
                        Some(amount) => map.serialize_entry(name, &two_decimals(amount).map_err(S::Error::custom)?)?,
                        None => map.serialize_entry(name, &WithAmounts(value))?,
                    }
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&WithAmounts(item))?;
                }
                seq.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// `amount` as a JSON number with two decimals ([`cents`]).
fn two_decimals(amount: Decimal) -> serde_json::Result<Box<RawValue>> {
    RawValue::from_string(cents(amount).to_string())
}

/// UTC with seven fractional digits and `Z`, as `expiryDate` and `created_date` of IPNs.
pub(crate) fn utc_7(at: DateTime<Utc>) -> String {
    TimestampShape::UtcSevenDigits.format(at)
}

/// Offset-less East Africa Time (UTC+3) with milliseconds, as GetTransactionStatus's
/// `created_date`.
pub(crate) fn east_africa(at: DateTime<Utc>) -> String {
    TimestampShape::EastAfricaFraction.format(at)
}

/// An error object with `api_error`, `code`, `message` and, where relevant, the callback URL.
pub(crate) fn pesapal_error(
    code: &str,
    message: impl Into<String>,
    call_back_url: Option<String>,
) -> types::PesapalError {
    types::PesapalError(Some(types::PesapalErrorInner {
        error_type: Some("api_error".into()),
        code: Some(code.into()),
        message: Some(message.into()),
        call_back_url,
        ..Default::default()
    }))
}

/// `status` as the real API sends it: a string.
pub(crate) fn status(code: &str) -> types::CallStatus {
    types::CallStatus::String(code.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_have_pesapal_shapes() {
        let at = Utc.with_ymd_and_hms(2021, 8, 26, 12, 29, 30).unwrap() + chrono::Duration::nanoseconds(517_770_200);
        assert_eq!(utc_7(at), "2021-08-26T12:29:30.5177702Z");
        assert_eq!(east_africa(at), "2021-08-26T15:29:30.517");
    }

    #[test]
    fn amounts_are_numbers_with_two_decimals() {
        let body = json!({"amount": "10", "x": "1", "info": {"amount": "2.5"}, "list": [{"amount": "0.005"}]});
        let written = serde_json::to_string(&WithAmounts(&body)).unwrap();
        for part in [r#""amount":10.00"#, r#""info":{"amount":2.50}"#, r#""list":[{"amount":0.01}]"#, r#""x":"1""#] {
            assert!(written.contains(part), "{part} in {written}");
        }
        assert_eq!(serde_json::to_string(&WithAmounts(&json!({"amount": "ten"}))).unwrap(), r#"{"amount":"ten"}"#);
    }
}

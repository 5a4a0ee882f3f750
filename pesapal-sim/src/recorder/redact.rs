//! What the recorder keeps out of the corpus: secrets (the bearer token, the consumer key and
//! secret, wherever they appear), emails and phone numbers (digits turned to `0`, so the shape
//! stays); and how the redacted answer keeps the original bytes where it can.

use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// What replaces a secret.
pub const REDACTED: &str = "REDACTED";
/// What replaces an email address.
pub const REDACTED_EMAIL: &str = "redacted@example.com";

/// The original bytes with each redacted string replaced in place, when that reproduces the
/// redacted document exactly; otherwise the redacted document re-serialized.
pub(super) fn verbatim_except(bytes: &[u8], replaced: &[(String, String)], redacted: &Value) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    for (from, to) in replaced {
        let (from, to) = (Value::String(from.clone()).to_string(), Value::String(to.clone()).to_string());
        text = text.replace(&from, &to);
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(value) if value == *redacted => text,
        _ => redacted.to_string(),
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").expect("regex"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\+?\b[0-9]{9,15}\b").expect("regex"));

/// Keys whose values are secrets, whole.
const SECRET_KEYS: &[&str] = &["token", "consumer_key", "consumer_secret"];
/// Keys whose values are phone numbers or accounts that may be one (masked or not).
const PHONE_KEYS: &[&str] = &["phone_number", "msisdn", "payment_account"];

/// Redacts `value` in place (nested objects and arrays too), recording each string it changed
/// as `(before, after)`: secret fields and any known secret, emails, phone numbers.
pub fn redact(value: &mut Value, secrets: &[String], replaced: &mut Vec<(String, String)>) {
    redact_at(None, value, secrets, replaced);
}

fn redact_at(key: Option<&str>, value: &mut Value, secrets: &[String], replaced: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                redact_at(Some(key), value, secrets, replaced);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| redact_at(key, item, secrets, replaced)),
        Value::String(text) => {
            let before = text.clone();
            if key.is_some_and(|k| SECRET_KEYS.contains(&k)) && !text.is_empty() {
                *text = REDACTED.to_owned();
            }
            for secret in secrets {
                *text = text.replace(secret.as_str(), REDACTED);
            }
            *text = EMAIL.replace_all(text, REDACTED_EMAIL).into_owned();
            *text = PHONE.replace_all(text, |c: &regex::Captures<'_>| zero_digits(&c[0])).into_owned();
            if key.is_some_and(|k| PHONE_KEYS.contains(&k)) {
                *text = zero_digits(text);
            }
            if *text != before {
                replaced.push((before, text.clone()));
            }
        }
        _ => {}
    }
}

fn zero_digits(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_secrets_emails_and_phone_numbers_also_nested() {
        let mut body = json!({
            "token": "eyJhbGciOi.abc.def",
            "note": "call +254712345678 or mail jane.doe@example.org",
            "nested": [{"payment_account": "2547xxx18241", "echo": "key-123 used"}],
            "order_tracking_id": "ac70fcfa-62ef-4d7b-96ee-db1c2d3719bd",
            "amount": 10.5
        });
        let mut replaced = Vec::new();
        redact(&mut body, &["key-123".to_owned()], &mut replaced);
        assert_eq!(body["token"], REDACTED);
        assert_eq!(body["note"], "call +000000000000 or mail redacted@example.com");
        assert_eq!(body["nested"][0]["payment_account"], "0000xxx00000");
        assert_eq!(body["nested"][0]["echo"], "REDACTED used");
        assert_eq!(body["order_tracking_id"], "ac70fcfa-62ef-4d7b-96ee-db1c2d3719bd");
        assert_eq!(replaced.len(), 4);
        let original = br#"{"token": "t0k3n",  "status":"200"}"#;
        let mut value: Value = serde_json::from_slice(original).unwrap();
        let mut replaced = Vec::new();
        redact(&mut value, &[], &mut replaced);
        assert_eq!(verbatim_except(original, &replaced, &value), r#"{"token": "REDACTED",  "status":"200"}"#);
    }
}

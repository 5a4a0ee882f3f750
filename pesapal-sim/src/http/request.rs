//! Reading what a client sends: bodies (bounded), JSON decoded into the generated request types,
//! free-text fields (bounded), URLs (checked as sent) and GUIDs from a query. A broken rule is
//! [`SimError::InvalidRequest`]: each operation answers it in its own shape.

use crate::error::SimError;
use axum::body::{Body, Bytes};
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// The largest request body the simulator reads (64 KiB; a Pesapal request with every field at
/// its limit is a few KiB). A larger one is refused as a malformed request, in the operation's
/// own answer shape (never a plain-text 413).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// The most characters the simulator keeps in a free-text field whose length Pesapal does not
/// document (names, address lines, email, phone, account number, refund username and remarks,
/// …), so that what it stores stays bounded; documented limits (`id` 50, `description` 100,
/// `country_code` 2, `state` 3) are checked by the generated types.
pub(crate) const MAX_TEXT_CHARS: usize = 255;

/// The most characters of a URL (`callback_url`, `cancellation_url`, an IPN `url`).
pub(crate) const MAX_URL_CHARS: usize = 2048;

/// Reads a request body, at most [`MAX_BODY_BYTES`].
pub(crate) async fn read(body: Body) -> Result<Bytes, SimError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| SimError::InvalidRequest(format!("the body is larger than {MAX_BODY_BYTES} bytes or unreadable")))
}

/// Decodes a JSON body into a generated request type.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, SimError> {
    serde_json::from_slice(body).map_err(|e| SimError::InvalidRequest(e.to_string()))
}

/// Refuses a free-text field longer than [`MAX_TEXT_CHARS`].
pub(crate) fn bounded(name: &str, value: Option<&str>) -> Result<(), SimError> {
    match value {
        Some(text) if text.chars().count() > MAX_TEXT_CHARS => {
            Err(SimError::InvalidRequest(format!("{name} is longer than {MAX_TEXT_CHARS} characters")))
        }
        _ => Ok(()),
    }
}

/// `text` as an http(s) URL with a host, if it is one as sent: no surrounding spaces or control
/// characters (which URL parsers silently strip), at most [`MAX_URL_CHARS`]. The simulator's one
/// URL check: merchants' callback and IPN URLs, and the recorder's upstream.
pub(crate) fn http_url(text: &str) -> Option<url::Url> {
    let as_sent = text.trim() == text && !text.chars().any(char::is_control) && text.chars().count() <= MAX_URL_CHARS;
    let url = url::Url::parse(text).ok().filter(|_| as_sent)?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then_some(url)
}

/// Refuses a field `name` that is not an http(s) URL ([`http_url`]).
pub(crate) fn require_http_url(name: &str, url: &str) -> Result<(), SimError> {
    match http_url(url) {
        Some(_) => Ok(()),
        None => Err(SimError::InvalidRequest(format!("{name} {url:?} is not a usable http(s) URL"))),
    }
}

/// Reads a GUID from a query string: the parameter named (in any case) one of `names`.
pub(crate) fn guid_from_query(query: Option<&str>, names: &[&str]) -> Result<Uuid, SimError> {
    let wanted = names.join(" or ");
    let raw = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| names.iter().any(|name| key.eq_ignore_ascii_case(name)))
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| SimError::InvalidRequest(format!("{wanted} is required")))?;
    raw.trim().parse().map_err(|_| SimError::InvalidRequest(format!("{wanted} {raw:?} is not a GUID")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_as_sent() {
        assert!(http_url("https://cybqa.pesapal.com/pesapalv3").is_some());
        for refused in ["not a url", "ftp://h/x", " http://h/x", "http://h/x ", "http://h/\u{0}x", "mailto:a@b.c"] {
            assert!(http_url(refused).is_none(), "{refused:?}");
        }
        assert!(http_url(&format!("http://h/{}", "x".repeat(MAX_URL_CHARS))).is_none());
    }
}

//! The envelope of Pesapal's answers: `status` (`"200"`, `"500"`: a string, or a number),
//! `error` (absent, `null`, an all-null object, or the error itself) and `message`. This module
//! reads them into a [`Rejection`] when they report one; a success is decided without
//! allocating.

use crate::rejection::Rejection;
use pesapal_gen::types;

/// The rejection an answer carries: a `status` other than `"200"`, or an error object with a
/// non-empty field; `None` when it reports success. At an error HTTP status the answer is a
/// rejection whatever its body says.
pub(crate) fn rejection(
    http_status: u16,
    raw: &[u8],
    status: Option<&types::CallStatus>,
    error: Option<&types::PesapalError>,
    message: Option<&str>,
) -> Option<Rejection> {
    let error = error.and_then(|e| e.0.as_ref());
    let failed_status = status.is_some_and(|s| match s {
        types::CallStatus::String(s) => s.trim() != "200",
        types::CallStatus::Integer(n) => *n != 200,
    });
    let has_error = error.is_some_and(|e| {
        [&e.error_type, &e.type_, &e.code, &e.message].into_iter().any(|field| non_empty(field.as_ref()).is_some())
    });
    let error_status = !(200..300).contains(&http_status);
    if !failed_status && !has_error && !error_status {
        return None;
    }
    let owned = |value: Option<&String>| non_empty(value).map(str::to_owned);
    let error_type = error.and_then(|e| owned(e.error_type.as_ref()).or_else(|| owned(e.type_.as_ref())));
    let code = error.and_then(|e| owned(e.code.as_ref()));
    // The error's message; else the body's, when the body reports a failure (a success's
    // `message` is "Request processed successfully"); else the code.
    let message = error
        .and_then(|e| owned(e.message.as_ref()))
        .or_else(|| {
            let said = message.map(str::trim).filter(|m| !m.is_empty());
            said.filter(|_| failed_status || error_status).map(str::to_owned)
        })
        .or_else(|| code.clone());
    let status = status.map(ToString::to_string);
    Some(Rejection::bare(http_status, lossy(raw)).with(status, error_type, code, message))
}

/// The rejection of an answer at an error HTTP status (a declared 401, or a 429, a 5xx, …):
/// what its error envelope says, or a bare rejection when it has none (an empty 401, an HTML
/// 502) or the envelope says nothing.
pub(crate) fn error_answer(http_status: u16, raw: &[u8]) -> Rejection {
    serde_json::from_slice::<types::PesapalErrorResponse>(raw)
        .ok()
        .and_then(|e| rejection(http_status, raw, e.status.as_ref(), e.error.as_ref(), e.message.as_deref()))
        .unwrap_or_else(|| Rejection::bare(http_status, lossy(raw)))
}

/// The field's text, trimmed, unless it is null or blank.
fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The body as text, for errors.
pub(crate) fn lossy(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

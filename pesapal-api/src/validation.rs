//! The checks of single fields that the request builders, the client and the configuration
//! share, each written once: required text, the spec's rules through the generated types,
//! amounts, currencies, phone numbers and http(s) URLs. A broken rule is pushed onto [`ValidationErrors`]
//! under the field's wire name, so that every violation is reported at once.

use crate::error::{Error, ValidationErrors};
use crate::money;
use pesapal_gen::types;
use rust_decimal::Decimal;
use std::ops::RangeInclusive;

/// A required text field, or a violation.
pub(crate) fn require(errors: &mut ValidationErrors, field: &str, value: Option<String>) -> Option<String> {
    match value {
        Some(v) if !v.trim().is_empty() => Some(v),
        _ => {
            errors.push(field, "is required");
            None
        }
    }
}

/// `value` as the generated type of its field: the spec's rules (lengths, patterns) are checked
/// by the generated `TryFrom`, and a broken one is a violation naming the wire field.
pub(crate) fn spec_checked<T>(errors: &mut ValidationErrors, field: &str, value: String) -> Option<T>
where
    T: TryFrom<String>,
    T::Error: std::fmt::Display,
{
    T::try_from(value).map_err(|e| errors.push(field, e.to_string())).ok()
}

/// An optional field: absent is fine (`Some(None)`), given but invalid fails (`None`).
pub(crate) fn optional<T>(value: Option<Option<T>>) -> Option<Option<T>> {
    value.map_or(Some(None), |valid| valid.map(Some))
}

/// The body a generated builder assembles from fields already checked. It can still fail when
/// the spec has gained a *required* field that no setter fills yet: that is a violation naming
/// the field (from the builder's message), not a panic.
pub(crate) fn assembled<B, T>(errors: &mut ValidationErrors, builder: B) -> Option<T>
where
    T: TryFrom<B, Error = types::error::ConversionError>,
{
    T::try_from(builder).map_err(|e| errors.push("body", e.to_string())).ok()
}

/// A body the client fills from values it has checked, assembled by its generated builder.
pub(crate) fn filled<B, T>(builder: B) -> Result<T, Error>
where
    T: TryFrom<B, Error = types::error::ConversionError>,
{
    let mut errors = ValidationErrors::default();
    let body = assembled(&mut errors, builder);
    errors.into_value(body)
}

/// A required amount (see [`money`]'s rule), or a violation.
pub(crate) fn amount(errors: &mut ValidationErrors, field: &str, amount: Option<Decimal>) -> Option<Decimal> {
    let Some(amount) = amount else {
        errors.push(field, "is required");
        return None;
    };
    match money::amount_problem(amount) {
        Some(problem) => {
            errors.push(field, problem);
            None
        }
        None => Some(amount),
    }
}

/// An ISO 4217 currency code, or a violation.
pub(crate) fn currency(errors: &mut ValidationErrors, field: &str, value: String) -> Option<String> {
    if iso_currency::Currency::from_code(&value).is_none() {
        errors.push(field, format!("{value:?} is not an ISO 4217 currency code (e.g. KES, UGX, TZS, USD)"));
        return None;
    }
    Some(value)
}

/// A phone number, `digits` digits long with an optional leading `+` (`what` it is, for the
/// message: "a phone number", "a mobile number"); a violation otherwise. True when it is one.
pub(crate) fn phone_number(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    what: &str,
    digits: RangeInclusive<usize>,
) -> bool {
    let number = value.strip_prefix('+').unwrap_or(value);
    let valid = digits.contains(&number.len()) && number.chars().all(|c| c.is_ascii_digit());
    if !valid {
        let (fewest, most) = digits.into_inner();
        errors.push(field, format!("{value:?} is not {what} ({fewest} to {most} digits, optional +)"));
    }
    valid
}

/// An http(s) URL with a host, or a violation.
pub(crate) fn url(errors: &mut ValidationErrors, field: &str, value: String) -> Option<String> {
    match http_url(&value) {
        Ok(_) => Some(value),
        Err(problem) => {
            errors.push(field, problem);
            None
        }
    }
}

/// The one URL rule: `text` parsed, with the `http` or `https` scheme and a host; otherwise
/// what is wrong with it.
pub(crate) fn http_url(text: &str) -> Result<url::Url, String> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(url),
        Ok(url) if matches!(url.scheme(), "http" | "https") => Err("is an http(s) URL without a host".to_owned()),
        Ok(url) => Err(format!("must be an http(s) URL, not a {} URL", url.scheme())),
        Err(e) => Err(format!("is not a valid URL ({e})")),
    }
}

//! Wire facts that OpenAPI cannot hold, written once, beside the generated code: what the
//! payment status codes mean and which are final, the three timestamp shapes Pesapal sends, and
//! Pesapal's known error codes. `pesapal-api`, `pesapal-sim` and the `pesapal` tool read them
//! from here.
//!
//! ```
//! use pesapal_gen::facts::{ErrorCode, PaymentStatusCode, parse_timestamp};
//!
//! let status = PaymentStatusCode::from_code(2).unwrap();
//! assert_eq!((status, status.is_final()), (PaymentStatusCode::Failed, false));
//! assert_eq!(ErrorCode::from_code("payment_details_not_found"), Some(ErrorCode::PaymentDetailsNotFound));
//! assert_eq!(parse_timestamp("2022-04-30T07:41:09.763").unwrap().to_rfc3339(), "2022-04-30T04:41:09.763+00:00");
//! ```

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Timelike, Utc};

/// GetTransactionStatus's `status_code` ("0 - INVALID, 1 - COMPLETED, 2 - FAILED, 3 - REVERSED",
/// the documentation's table) with what recorded answers add: `FAILED` is not final (the
/// customer may try again and the order complete later, with a new confirmation code), and
/// `INVALID` with the error code [`ErrorCode::PaymentDetailsNotFound`] means "not paid yet".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaymentStatusCode {
    /// `0`, `INVALID`: no successful payment yet (typically the customer has not paid).
    Invalid,
    /// `1`, `COMPLETED`: paid.
    Completed,
    /// `2`, `FAILED`: the last attempt failed; **not final**.
    Failed,
    /// `3`, `REVERSED`: the payment was reversed (refunded).
    Reversed,
}

impl PaymentStatusCode {
    /// The four codes, in order.
    pub const ALL: [PaymentStatusCode; 4] = [
        PaymentStatusCode::Invalid,
        PaymentStatusCode::Completed,
        PaymentStatusCode::Failed,
        PaymentStatusCode::Reversed,
    ];

    /// The code on the wire (`status_code`).
    pub const fn code(self) -> i64 {
        match self {
            PaymentStatusCode::Invalid => 0,
            PaymentStatusCode::Completed => 1,
            PaymentStatusCode::Failed => 2,
            PaymentStatusCode::Reversed => 3,
        }
    }

    /// The status of a `status_code`; `None` for a code Pesapal does not document.
    pub fn from_code(code: i64) -> Option<PaymentStatusCode> {
        PaymentStatusCode::ALL.into_iter().find(|status| status.code() == code)
    }

    /// The name the documentation gives the code (`INVALID`, `COMPLETED`, `FAILED`, `REVERSED`).
    pub const fn name(self) -> &'static str {
        match self {
            PaymentStatusCode::Invalid => "INVALID",
            PaymentStatusCode::Completed => "COMPLETED",
            PaymentStatusCode::Failed => "FAILED",
            PaymentStatusCode::Reversed => "REVERSED",
        }
    }

    /// `payment_status_description` as recorded answers spell it: `INVALID` in capitals, the
    /// others capitalised (`Completed`).
    pub const fn description(self) -> &'static str {
        match self {
            PaymentStatusCode::Invalid => "INVALID",
            PaymentStatusCode::Completed => "Completed",
            PaymentStatusCode::Failed => "Failed",
            PaymentStatusCode::Reversed => "Reversed",
        }
    }

    /// The status a `payment_status_description` names, in any case (`PENDING` is read as
    /// `INVALID`); `None` for anything else.
    pub fn from_description(description: &str) -> Option<PaymentStatusCode> {
        let description = description.trim();
        if description.eq_ignore_ascii_case("PENDING") {
            return Some(PaymentStatusCode::Invalid);
        }
        PaymentStatusCode::ALL.into_iter().find(|status| status.name().eq_ignore_ascii_case(description))
    }

    /// True when the status will not change by itself: `COMPLETED` and `REVERSED`. `INVALID`
    /// (not paid yet) and `FAILED` (the customer may try again) are not final.
    pub const fn is_final(self) -> bool {
        matches!(self, PaymentStatusCode::Completed | PaymentStatusCode::Reversed)
    }
}

/// The error codes Pesapal's answers carry in `error.code`, trimmed: only codes seen from
/// Pesapal, each with where it was seen. The recordings are in the repository's `evidence/`
/// folder (provenance in its README); "notes" are the shapes the project's founders recorded
/// from the API, kept as `tests/corpus/` files. A code Pesapal may send that is not here is
/// still a rejection (the client keeps the text); `pesapal-sim`'s own codes, for refusals nobody
/// has recorded, are not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_api_credentials_provided`: a refused bearer token (HTTP 401, often without
    /// `status`) or consumer key. Notes: `tests/corpus/*/401-*.json` (`"message":"Token expired"`
    /// in `tests/corpus/SubmitOrderRequest/401-expired-token.json`),
    /// `tests/corpus/GetIpnList/200-error-envelope.json`.
    InvalidApiCredentials,
    /// `payment_details_not_found`: GetTransactionStatus has no payment yet (keep waiting).
    /// Recorded: `evidence/sandbox-2025-11-09_status_pending.json`,
    /// `evidence/sandbox-2024-03-18_status_pending.json`.
    PaymentDetailsNotFound,
    /// `invalid_api_request_parameters`: a malformed request, or (SubmitOrderRequest) an unknown
    /// `notification_id`. Recorded: `evidence/sandbox-2025-11-09_refund_invalid_params.json`
    /// ("Invalid API request."), `evidence/quoted_submitorder_unknown_notification_id.json`
    /// ("Invalid IPN URL ID provided.Check format and try again").
    InvalidApiRequestParameters,
    /// `invalid_url`: RegisterIPN refused the URL ("The specified url provided is invalid").
    /// Recorded: `evidence/sandbox-2025-11-09_registeripn_invalid_url.json`.
    InvalidUrl,
    /// `missing_mandatory_billing_address`: an order without a billing address ("Please provide
    /// billing details information on your API request.",
    /// `evidence/quoted_submitorder_missing_billing.json`), or one without email address and
    /// phone number ("Either email address or phone number is required", notes:
    /// `tests/corpus/SubmitOrderRequest/200-failed-all-zero-tracking-id.json`).
    MissingMandatoryBillingAddress,
    /// `invalid_consumer_key_or_secret_provided`: RequestToken refused the key or secret. Notes:
    /// `tests/corpus/RequestToken/200-invalid-consumer-keys.json`.
    InvalidConsumerKeyOrSecret,
    /// `invalid_tracking_id`: GetTransactionStatus of a tracking id Pesapal does not know
    /// (`error_type` `validation_error`). Notes:
    /// `tests/corpus/GetTransactionStatus/200-invalid-tracking-id.json`.
    InvalidTrackingId,
    /// `order_not_cancellable`: CancelOrder of an order that can no longer be cancelled. Notes:
    /// `tests/corpus/CancelOrder/200-not-cancellable.json` (the 2025 sandbox answers the same
    /// refusal with only `status` and `message`, `evidence/sandbox-2025-11-09_cancel_refused.json`).
    OrderNotCancellable,
    /// `refund_rejected`: RefundRequest refused. Notes: `tests/corpus/RefundRequest/200-rejected.json`
    /// (the 2025 sandbox answers refused refunds with only `status` and `message`,
    /// `evidence/sandbox-2025-11-09_refund_invalid_amount.json`).
    RefundRejected,
}

impl ErrorCode {
    /// Every known code.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::InvalidApiCredentials,
        ErrorCode::PaymentDetailsNotFound,
        ErrorCode::InvalidApiRequestParameters,
        ErrorCode::InvalidUrl,
        ErrorCode::MissingMandatoryBillingAddress,
        ErrorCode::InvalidConsumerKeyOrSecret,
        ErrorCode::InvalidTrackingId,
        ErrorCode::OrderNotCancellable,
        ErrorCode::RefundRejected,
    ];

    /// The code as on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidApiCredentials => "invalid_api_credentials_provided",
            ErrorCode::PaymentDetailsNotFound => "payment_details_not_found",
            ErrorCode::InvalidApiRequestParameters => "invalid_api_request_parameters",
            ErrorCode::InvalidUrl => "invalid_url",
            ErrorCode::MissingMandatoryBillingAddress => "missing_mandatory_billing_address",
            ErrorCode::InvalidConsumerKeyOrSecret => "invalid_consumer_key_or_secret_provided",
            ErrorCode::InvalidTrackingId => "invalid_tracking_id",
            ErrorCode::OrderNotCancellable => "order_not_cancellable",
            ErrorCode::RefundRejected => "refund_rejected",
        }
    }

    /// The known code `code` is (surrounding spaces ignored); `None` for any other.
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        let code = code.trim();
        ErrorCode::ALL.into_iter().find(|known| known.as_str() == code)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Pesapal's timestamps without an offset are East Africa Time: UTC+3 (Nairobi), in seconds.
pub const EAST_AFRICA_UTC_OFFSET_SECONDS: i32 = 3 * 3600;

/// East Africa Time (UTC+3), the zone of Pesapal's offset-less timestamps.
pub fn east_africa_time() -> FixedOffset {
    FixedOffset::east_opt(EAST_AFRICA_UTC_OFFSET_SECONDS).expect("UTC+3 is a valid offset")
}

/// The three shapes of Pesapal's timestamps (`created_date`, `expiryDate`, …). The spec keeps
/// them strings: `format: date-time` would reject the offset-less ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampShape {
    /// UTC with `Z` and 7 fractional digits: `2021-08-26T12:29:30.5177702Z`.
    UtcSevenDigits,
    /// No offset, East Africa Time, whole seconds: `2022-04-30T07:41:09`.
    EastAfrica,
    /// No offset, East Africa Time, 2–3 fractional digits: `2022-04-30T07:41:09.763`.
    EastAfricaFraction,
}

impl TimestampShape {
    /// `at` written in this shape (3 fractional digits for [`TimestampShape::EastAfricaFraction`]).
    ///
    /// ```
    /// use pesapal_gen::facts::{TimestampShape, parse_timestamp};
    ///
    /// let at = parse_timestamp("2021-08-26T12:29:30.5177702Z").unwrap();
    /// assert_eq!(TimestampShape::UtcSevenDigits.format(at), "2021-08-26T12:29:30.5177702Z");
    /// assert_eq!(TimestampShape::EastAfrica.format(at), "2021-08-26T15:29:30");
    /// assert_eq!(TimestampShape::EastAfricaFraction.format(at), "2021-08-26T15:29:30.517");
    /// ```
    pub fn format(self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&east_africa_time()).naive_local();
        match self {
            TimestampShape::UtcSevenDigits => {
                format!("{}.{:07}Z", at.format("%Y-%m-%dT%H:%M:%S"), (at.nanosecond() / 100).min(9_999_999))
            }
            TimestampShape::EastAfrica => local.format("%Y-%m-%dT%H:%M:%S").to_string(),
            TimestampShape::EastAfricaFraction => local.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
        }
    }
}

/// A timestamp in any of the three [`TimestampShape`]s (also with a space for the `T`, or any
/// RFC 3339 offset), in UTC; `None` when it is none of them.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    // Offset-less is the common shape: chrono's ISO 8601 reader (`%Y-%m-%dT%H:%M:%S%.f`) first.
    let naive = match text.parse::<NaiveDateTime>() {
        Ok(naive) => naive,
        Err(_) => {
            if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
                return Some(with_offset.with_timezone(&Utc));
            }
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok()?
        }
    };
    east_africa_time().from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_round_trip_and_only_completed_and_reversed_are_final() {
        for status in PaymentStatusCode::ALL {
            assert_eq!(PaymentStatusCode::from_code(status.code()), Some(status));
            assert_eq!(PaymentStatusCode::from_description(status.description()), Some(status));
        }
        let finals: Vec<_> = PaymentStatusCode::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, [PaymentStatusCode::Completed, PaymentStatusCode::Reversed]);
        assert_eq!(PaymentStatusCode::from_code(4), None);
        assert_eq!(PaymentStatusCode::from_description(" pending "), Some(PaymentStatusCode::Invalid));
    }

    #[test]
    fn error_codes_are_distinct_and_read_back() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(&format!(" {code} ")), Some(code));
        }
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        assert_eq!(ErrorCode::from_code("something_else"), None);
    }

    /// The `error.code` of every body recorded from Pesapal (`evidence/`) or kept in the
    /// conformance corpus (`tests/corpus/`: the founders' notes and the documentation's samples).
    fn codes_seen_from_pesapal() -> std::collections::BTreeSet<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut folders = vec![root.join("evidence"), root.join("tests/corpus")];
        let mut codes = std::collections::BTreeSet::new();
        while let Some(folder) = folders.pop() {
            for path in std::fs::read_dir(&folder).unwrap().map(|entry| entry.unwrap().path()) {
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let body: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                    let items = body.as_array().cloned().unwrap_or_else(|| vec![body]);
                    codes.extend(items.iter().filter_map(|b| b.pointer("/error/code")?.as_str().map(str::to_owned)));
                }
            }
        }
        codes
    }

    #[test]
    fn every_code_was_seen_from_pesapal() {
        let seen = codes_seen_from_pesapal();
        assert!(seen.contains("invalid_url"), "the recordings were read: {seen:?}");
        for code in ErrorCode::ALL {
            assert!(seen.contains(code.as_str()), "{code} is in no recording, note or sample: {seen:?}");
        }
    }

    #[test]
    fn reads_the_three_shapes_and_writes_them_back() {
        let utc = parse_timestamp("2021-08-26T12:29:30.5177702Z").unwrap();
        assert_eq!(utc.to_rfc3339(), "2021-08-26T12:29:30.517770200+00:00");
        // Offset-less: East Africa Time, three hours ahead of UTC.
        assert_eq!(parse_timestamp("2022-04-30T07:41:09").unwrap().to_rfc3339(), "2022-04-30T04:41:09+00:00");
        assert_eq!(parse_timestamp("2022-04-30T07:41:09.763").unwrap().to_rfc3339(), "2022-04-30T04:41:09.763+00:00");
        assert_eq!(parse_timestamp("2022-04-30T07:41:09.76").unwrap().to_rfc3339(), "2022-04-30T04:41:09.760+00:00");
        assert_eq!(parse_timestamp("2022-04-30 07:41:09.76").unwrap().to_rfc3339(), "2022-04-30T04:41:09.760+00:00");
        assert_eq!(parse_timestamp("yesterday"), None);
        for shape in [TimestampShape::UtcSevenDigits, TimestampShape::EastAfrica, TimestampShape::EastAfricaFraction] {
            let text = shape.format(utc);
            let back = parse_timestamp(&text).unwrap();
            assert!((utc - back).num_milliseconds().abs() < 1000, "{shape:?}: {text}");
        }
    }
}

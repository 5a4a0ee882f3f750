//! What the commands print: serde structs for `--json` (stable field names) and their
//! human-readable form.

use pesapal_api::{
    Confirmation, Expectation, IpnMethod, IpnRegistration, PaymentProgress, PaymentStatus, TransactionStatus, Verdict,
};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::{self, Write as _};
use uuid::Uuid;

/// An amount of money, with two decimals.
#[derive(Debug, Serialize)]
pub struct Money {
    /// ISO 4217 currency, when known.
    pub currency: Option<String>,
    /// The amount with exactly two decimals, e.g. `"2500.00"`.
    pub value: String,
}

impl Money {
    /// `amount` in `currency`, rounded by the SDK's rule ([`pesapal_api::round_amount`]).
    pub fn new(amount: Decimal, currency: Option<String>) -> Money {
        Money { currency, value: format!("{:.2}", pesapal_api::round_amount(amount)) }
    }
}

impl fmt::Display for Money {
    /// `KES 2,500.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, digits) = match self.value.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", self.value.as_str()),
        };
        let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if let Some(currency) = &self.currency {
            write!(f, "{currency} ")?;
        }
        write!(f, "{sign}{grouped}.{cents}")
    }
}

/// `pesapal token`.
#[derive(Debug, Serialize)]
pub struct TokenOutput {
    /// `sandbox` or `live`.
    pub environment: &'static str,
    /// Where requests go.
    pub base_url: String,
    /// When the token expires (RFC 3339).
    pub expires_at: String,
    /// Seconds until then.
    pub expires_in_seconds: i64,
}

impl fmt::Display for TokenOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let left = humantime::format_duration(std::time::Duration::from_secs(self.expires_in_seconds.max(0) as u64));
        writeln!(f, "Credentials OK.")?;
        writeln!(f, "Environment: {} ({})", self.environment, self.base_url)?;
        writeln!(f, "Token expires: {} (in {left})", self.expires_at)
    }
}

/// One IPN registration.
#[derive(Debug, Serialize)]
pub struct IpnOutput {
    /// The id orders take as `--ipn-id`.
    pub ipn_id: String,
    /// The URL Pesapal calls.
    pub url: String,
    /// `GET` or `POST`, when known.
    pub method: Option<&'static str>,
    /// Whether Pesapal reports it active, when known.
    pub active: Option<bool>,
    /// When it was registered (RFC 3339), when known.
    pub created_at: Option<String>,
}

impl From<&IpnRegistration> for IpnOutput {
    fn from(ipn: &IpnRegistration) -> IpnOutput {
        IpnOutput {
            ipn_id: ipn.ipn_id.clone(),
            url: ipn.url.clone(),
            method: ipn.method.map(IpnMethod::as_str),
            active: ipn.active,
            created_at: ipn.created_at().map(|t| t.to_rfc3339()),
        }
    }
}

impl fmt::Display for IpnOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "IPN id:  {}", self.ipn_id)?;
        writeln!(f, "URL:     {}", self.url)?;
        writeln!(f, "Method:  {}", self.method.unwrap_or("unknown"))?;
        let active = match self.active {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        writeln!(f, "Active:  {active}")?;
        if let Some(created) = &self.created_at {
            writeln!(f, "Created: {created}")?;
        }
        Ok(())
    }
}

/// `pesapal ipn list`.
#[derive(Debug, Serialize)]
pub struct IpnListOutput {
    /// The registrations.
    pub ipns: Vec<IpnOutput>,
}

impl fmt::Display for IpnListOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ipns.is_empty() {
            return writeln!(f, "No IPN URL is registered.");
        }
        writeln!(f, "{} IPN URL(s):", self.ipns.len())?;
        for ipn in &self.ipns {
            let mut line = format!("  {}  {} {}", ipn.ipn_id, ipn.method.unwrap_or("?"), ipn.url);
            if ipn.active == Some(false) {
                line.push_str(" (inactive)");
            }
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// `pesapal order submit`.
#[derive(Debug, Serialize)]
pub struct OrderOutput {
    /// Pesapal's id of the order: the key of every later command.
    pub order_tracking_id: Uuid,
    /// Your reference, as Pesapal echoed it.
    pub merchant_reference: Option<String>,
    /// Where to send the customer to pay.
    pub redirect_url: Option<String>,
}

impl fmt::Display for OrderOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Order created.")?;
        writeln!(f, "Tracking id:  {}", self.order_tracking_id)?;
        if let Some(reference) = &self.merchant_reference {
            writeln!(f, "Reference:    {reference}")?;
        }
        writeln!(f, "Redirect URL: {}", self.redirect_url.as_deref().unwrap_or("(none returned)"))
    }
}

/// `pesapal status`.
#[derive(Debug, Serialize)]
pub struct StatusOutput {
    /// The order.
    pub order_tracking_id: Uuid,
    /// `pending`, `completed`, `failed`, `reversed` or `unknown`.
    pub status: &'static str,
    /// True for `completed` and `reversed`; `failed` is not final (the customer may retry).
    #[serde(rename = "final")]
    pub is_final: bool,
    /// With `--wait`: true when the timeout passed before the payment was final.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timed_out: Option<bool>,
    /// Amount and currency, when Pesapal reports them.
    pub amount: Option<Money>,
    /// Pesapal's explanation.
    pub description: Option<String>,
    /// The provider's confirmation code (needed for refunds).
    pub confirmation_code: Option<String>,
    /// Card, M-Pesa, …
    pub payment_method: Option<String>,
    /// Masked card or phone number.
    pub payment_account: Option<String>,
    /// Your reference.
    pub merchant_reference: Option<String>,
    /// When the payment was made (RFC 3339).
    pub created_at: Option<String>,
    /// `reconcile` given the expected order: how the payment compares with it
    /// ([`verdict_name`]). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<&'static str>,
    /// `reconcile` given the expected order: that order. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<ExpectedOutput>,
}

/// The merchant's order a payment is judged against (`reconcile` with CSV columns).
#[derive(Debug, Serialize)]
pub struct ExpectedOutput {
    /// The order's merchant reference.
    pub merchant_reference: String,
    /// What the order costs.
    pub amount: Money,
}

impl From<&Expectation> for ExpectedOutput {
    fn from(expected: &Expectation) -> ExpectedOutput {
        let charge = expected.charge();
        ExpectedOutput {
            merchant_reference: expected.merchant_reference().to_owned(),
            amount: Money::new(charge.amount(), Some(charge.currency().to_owned())),
        }
    }
}

/// The CLI's name for a [`Verdict`]: `paid_as_expected` (the one to credit an order on),
/// `paid_otherwise` (another amount or currency: the status's `amount` shows what was charged),
/// `paid` (nothing to check against), `not_paid_yet`, `failed` (not final), `reversed`,
/// `reference_mismatch` (Pesapal's record names another order) or `unrecognised`.
pub fn verdict_name(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::PaidAsExpected => "paid_as_expected",
        Verdict::PaidOtherwise { .. } => "paid_otherwise",
        Verdict::Paid => "paid",
        Verdict::NotPaidYet => "not_paid_yet",
        Verdict::Failed => "failed",
        Verdict::Reversed => "reversed",
        Verdict::ReferenceMismatch { .. } => "reference_mismatch",
        _ => "unrecognised",
    }
}

/// The CLI's name for a payment status, and whether it is final ([`PaymentStatus::is_final`]).
pub fn status_name(status: &PaymentStatus) -> (&'static str, bool) {
    let name = match status {
        PaymentStatus::Pending => "pending",
        PaymentStatus::Completed => "completed",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Reversed => "reversed",
        _ => "unknown",
    };
    (name, status.is_final())
}

impl StatusOutput {
    /// Pesapal has no payment for the order yet.
    pub fn pending(order_tracking_id: Uuid) -> StatusOutput {
        StatusOutput {
            order_tracking_id,
            status: "pending",
            is_final: false,
            timed_out: None,
            amount: None,
            description: None,
            confirmation_code: None,
            payment_method: None,
            payment_account: None,
            merchant_reference: None,
            created_at: None,
            verdict: None,
            expected: None,
        }
    }

    /// From what one poll saw: no payment yet is `pending`.
    pub fn from_progress(order_tracking_id: Uuid, progress: PaymentProgress) -> StatusOutput {
        let status = match progress {
            PaymentProgress::Status(status) => Some(*status),
            PaymentProgress::NoPaymentYet => None,
        };
        StatusOutput::from_answer(order_tracking_id, status)
    }

    /// From a confirmation against the expected order: the same object, with the verdict and
    /// that order.
    pub fn judged(confirmation: Confirmation, expected: &Expectation) -> StatusOutput {
        StatusOutput {
            verdict: Some(verdict_name(&confirmation.verdict)),
            expected: Some(ExpectedOutput::from(expected)),
            ..StatusOutput::from_answer(confirmation.order_tracking_id, confirmation.status)
        }
    }

    /// From GetTransactionStatus's answer, `None` when Pesapal has no payment yet (`pending`).
    fn from_answer(order_tracking_id: Uuid, status: Option<TransactionStatus>) -> StatusOutput {
        match status {
            Some(status) => StatusOutput::from_status(order_tracking_id, status),
            None => StatusOutput::pending(order_tracking_id),
        }
    }

    /// From GetTransactionStatus's answer.
    pub fn from_status(order_tracking_id: Uuid, status: TransactionStatus) -> StatusOutput {
        let (name, is_final) = status_name(&status.payment_status);
        let created_at = status.created_at().map(|t| t.to_rfc3339());
        StatusOutput {
            order_tracking_id,
            status: name,
            is_final,
            timed_out: None,
            amount: status.amount.map(|a| Money::new(a, status.currency.clone())),
            description: status.description.filter(|d| !d.trim().is_empty()),
            confirmation_code: status.confirmation_code.filter(|c| !c.trim().is_empty()),
            payment_method: status.payment_method.filter(|m| !m.trim().is_empty()),
            payment_account: status.payment_account.filter(|a| !a.trim().is_empty()),
            merchant_reference: status.merchant_reference,
            created_at,
            verdict: None,
            expected: None,
        }
    }
}

impl fmt::Display for StatusOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = format!("Order {}: {}", self.order_tracking_id, self.status);
        match self.status {
            "pending" => text.push_str(" (no payment yet)"),
            "failed" => text.push_str(" (not final: the customer may try again)"),
            _ => {}
        }
        writeln!(f, "{text}")?;
        if self.timed_out == Some(true) {
            writeln!(f, "Timed out waiting for a final status.")?;
        }
        let mut row = |label: &str, value: &Option<String>| match value {
            Some(value) => writeln!(f, "  {label:<20}{value}"),
            None => Ok(()),
        };
        row("Amount:", &self.amount.as_ref().map(ToString::to_string))?;
        row("Reference:", &self.merchant_reference)?;
        row("Confirmation code:", &self.confirmation_code)?;
        row("Method:", &self.payment_method)?;
        row("Account:", &self.payment_account)?;
        row("Description:", &self.description)?;
        row("Paid at:", &self.created_at)
    }
}

/// `pesapal refund`.
#[derive(Debug, Serialize)]
pub struct RefundOutput {
    /// The payment refunded.
    pub confirmation_code: String,
    /// The amount asked for (RefundRequest carries no currency: the payment's applies).
    pub amount: Money,
    /// Pesapal's message.
    pub message: Option<String>,
}

impl fmt::Display for RefundOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Refund of {} requested for payment {}.", self.amount, self.confirmation_code)?;
        writeln!(f, "It now awaits approval in the merchant dashboard; no money has moved yet.")?;
        if let Some(message) = &self.message {
            writeln!(f, "Pesapal: {message}")?;
        }
        Ok(())
    }
}

/// `pesapal cancel`.
#[derive(Debug, Serialize)]
pub struct CancelOutput {
    /// The order cancelled.
    pub order_tracking_id: Uuid,
    /// Pesapal's message.
    pub message: Option<String>,
}

impl fmt::Display for CancelOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Order {} cancelled.", self.order_tracking_id)?;
        if let Some(message) = &self.message {
            writeln!(f, "Pesapal: {message}")?;
        }
        Ok(())
    }
}

/// One broken rule of the input.
#[derive(Debug, Serialize)]
pub struct ViolationOutput {
    /// The field.
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

/// Any failure, under `"error"` with `--json`.
#[derive(Debug, Serialize)]
pub struct ErrorOutput {
    /// `invalid_input`, `config`, `refused`, `rejected`, `authentication`, `transport` or `decode`.
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
    /// For `invalid_input`: every violation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<ViolationOutput>,
    /// Pesapal's error code, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// True when the request may have reached Pesapal but its outcome is unknown.
    pub outcome_unknown: bool,
    /// What to do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The process exit code.
    pub exit_code: u8,
}

/// `pesapal reconcile`: the line of an order that could not be looked up.
#[derive(Debug, Serialize)]
pub struct LookupErrorOutput {
    /// The tracking id as the input gave it.
    pub order_tracking_id: String,
    /// Its line in the input (the first line is 1).
    pub line: u64,
    /// Why, as `--json` reports the error of a command.
    pub error: ErrorOutput,
}

/// The `--json` error document.
#[derive(Debug, Serialize)]
pub struct ErrorDocument<'a> {
    /// The error.
    pub error: &'a ErrorOutput,
}

impl fmt::Display for ErrorOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = format!("error: {}", self.message);
        for v in &self.violations {
            let _ = write!(text, "\n  - {}: {}", v.field, v.problem);
        }
        if let Some(hint) = &self.hint {
            let _ = write!(text, "\nhint: {hint}");
        }
        writeln!(f, "{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::Money;
    use rust_decimal::Decimal;

    #[test]
    fn money_has_currency_two_decimals_and_grouping() {
        let show = |a: Decimal, c: Option<&str>| Money::new(a, c.map(str::to_owned)).to_string();
        assert_eq!(show(Decimal::new(100000, 2), Some("KES")), "KES 1,000.00");
        assert_eq!(show(Decimal::new(5, 1), Some("USD")), "USD 0.50");
        assert_eq!(show(Decimal::new(1234567891, 1), Some("KES")), "KES 123,456,789.10");
        assert_eq!(show(Decimal::new(-2500, 0), None), "-2,500.00");
        assert_eq!(Money::new(Decimal::new(2500, 0), None).value, "2500.00");
    }

    #[test]
    fn money_rounds_half_away_from_zero_as_the_sdk_does() {
        // Banker's rounding would give 0.12 and -0.12.
        assert_eq!(Money::new(Decimal::new(125, 3), None).value, "0.13");
        assert_eq!(Money::new(Decimal::new(-125, 3), None).value, "-0.13");
        assert_eq!(Money::new(Decimal::new(135, 3), None).value, "0.14");
    }
}

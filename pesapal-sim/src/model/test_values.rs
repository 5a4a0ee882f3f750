//! Test values that decide a payment's outcome without the page: card numbers and M-Pesa phone
//! numbers, as payment simulators' test cards do. Each outcome ends in the
//! `payment_status_code` and `description` a real payment of that kind shows (M-Pesa's STK
//! result codes; ISO 8583 response codes for cards).
//!
//! | Value | Outcome | Status | `payment_status_code` | `description` |
//! |---|---|---|---|---|
//! | card `4111111111111111` (and any other Visa or MasterCard number) | succeeds | Completed | `""` | Payment successful |
//! | card `4000000000000002` | declined | Failed | `05` | Do not honour. Unable to Authorize Transaction.Kindly contact your bank for assistance |
//! | card `4000000000000119` | accepted, fails later | Pending, then Failed | `91` | Issuer or switch inoperative. The transaction could not be completed |
//! | card `5200000000000007` (MasterCard) | succeeds, **charged in US dollars** | Completed | `""` | Payment successful |
//! | phone `254700000001` | the phone approves | Completed | `""` | Payment successful |
//! | phone `254700000002` | the customer declines | Failed | `1032` | Request cancelled by user |
//! | phone `254700000003` | no answer (the prompt times out) | stays Pending | `1037` | DS timeout user cannot be reached |
//! | phone `254700000004` | insufficient funds | Failed | `1` | The balance is insufficient for the transaction |
//! | any other phone | waits for "the phone" (page, or `POST /_sim/orders/{id}/approve`) | Pending | | |
//!
//! Phone numbers may be written `2547…`, `+2547…` or `07…`; spaces and dashes are ignored.
//! A card number that is neither Visa (4…) nor MasterCard (51–55, 2221–2720) is refused.
//!
//! A failed attempt gets a confirmation code of its own (8 digits, as recorded); a later
//! successful one a new code.
//!
//! **Charged in another currency.** The card [`CARD_CHARGED_IN_USD`] is charged in US dollars,
//! as the 2025-11-09 sandbox charged a MasterCard for a TZS order
//! (`evidence/sandbox-2025-11-09_status_card_completed.json`: `"amount":0.4,"currency":"USD"`
//! for 1000 TZS). An order in another currency is converted at the fixed rate [`USD_RATE`] units
//! per dollar (that recording's: 1000 TZS → 0.40 USD), rounded to cents and at least 0.01;
//! GetTransactionStatus then reports the dollars, and RefundRequest is checked against them (a
//! refund of 2000 is "Invalid amount provided…", one of 0.40 is accepted). Any other card, and
//! M-Pesa, is charged the order's amount in the order's currency.

use super::instruments::{digits, normalize_phone};
use super::money::cents;
use rust_decimal::Decimal;
use serde::Serialize;

/// Why a payment attempt did not complete, as GetTransactionStatus reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// `payment_status_code`.
    pub code: &'static str,
    /// `description`.
    pub description: &'static str,
}

/// What a payment attempt leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// The payment completes.
    Approve,
    /// The payment fails at once.
    Decline(Reason),
    /// Nothing happens: the order stays pending (an STK prompt nobody answers times out).
    NoAnswer(Reason),
    /// Accepted, then fails a moment later (an IPN announces it).
    FailLater(Reason),
    /// Not a test value: the payment waits for the customer's phone.
    AwaitPhone,
}

/// A payment that completed.
pub const PAID: Reason = Reason { code: "", description: "Payment successful" };
/// The card declined by its issuer.
pub const CARD_DECLINED: Reason = Reason {
    code: "05",
    description: "Do not honour. Unable to Authorize Transaction.Kindly contact your bank for assistance",
};
/// A card payment that fails after it was accepted.
pub const CARD_FAILED_LATER: Reason =
    Reason { code: "91", description: "Issuer or switch inoperative. The transaction could not be completed" };
/// The customer declined the STK prompt.
pub const PHONE_DECLINED: Reason = Reason { code: "1032", description: "Request cancelled by user" };
/// The STK prompt timed out.
pub const PHONE_TIMED_OUT: Reason = Reason { code: "1037", description: "DS timeout user cannot be reached" };
/// Not enough money on the M-Pesa account.
pub const INSUFFICIENT_FUNDS: Reason =
    Reason { code: "1", description: "The balance is insufficient for the transaction" };

/// A card that succeeds.
pub const CARD_SUCCEEDS: &str = "4111111111111111";
/// A MasterCard that succeeds, charged in US dollars ([`USD_RATE`]); shown as `520000XXXXXX0007`
/// (the recorded card).
pub const CARD_CHARGED_IN_USD: &str = "5200000000000007";
/// Units of an order's currency per US dollar when [`CARD_CHARGED_IN_USD`] pays it: 2500, as
/// the sandbox charged 0.4 USD for 1000 TZS. A test value, not an exchange rate: every currency
/// but USD is converted at it.
pub const USD_RATE: Decimal = Decimal::from_parts(2500, 0, 0, false, 0);
/// A card the issuer declines.
pub const CARD_DECLINES: &str = "4000000000000002";
/// A card accepted that fails later.
pub const CARD_FAILS_LATER: &str = "4000000000000119";
/// A phone that approves the prompt at once.
pub const PHONE_APPROVES: &str = "254700000001";
/// A phone whose owner declines the prompt.
pub const PHONE_DECLINES: &str = "254700000002";
/// A phone that never answers.
pub const PHONE_TIMES_OUT: &str = "254700000003";
/// A phone whose account has too little money.
pub const PHONE_INSUFFICIENT_FUNDS: &str = "254700000004";

/// The outcome of paying with a card number.
pub fn card(number: &str) -> Outcome {
    match digits(number).as_str() {
        CARD_DECLINES => Outcome::Decline(CARD_DECLINED),
        CARD_FAILS_LATER => Outcome::FailLater(CARD_FAILED_LATER),
        _ => Outcome::Approve,
    }
}

/// The outcome of an M-Pesa prompt to a phone number.
pub fn phone(number: &str) -> Outcome {
    match normalize_phone(number).as_str() {
        PHONE_APPROVES => Outcome::Approve,
        PHONE_DECLINES => Outcome::Decline(PHONE_DECLINED),
        PHONE_TIMES_OUT => Outcome::NoAnswer(PHONE_TIMED_OUT),
        PHONE_INSUFFICIENT_FUNDS => Outcome::Decline(INSUFFICIENT_FUNDS),
        _ => Outcome::AwaitPhone,
    }
}

/// What paying `amount` `currency` with the card `number` charges: US dollars for
/// [`CARD_CHARGED_IN_USD`] ([`USD_RATE`]), else the order's amount and currency.
pub(crate) fn charge(number: &str, amount: Decimal, currency: &str) -> (Decimal, String) {
    if digits(number) != CARD_CHARGED_IN_USD || currency == "USD" {
        return (amount, currency.to_owned());
    }
    let dollars = cents(amount / USD_RATE).max(Decimal::new(1, 2));
    (dollars, "USD".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_values_decide_outcomes() {
        assert_eq!(card("4111 1111 1111 1111"), Outcome::Approve);
        assert_eq!(card("4000-0000-0000-0002"), Outcome::Decline(CARD_DECLINED));
        assert_eq!(card(CARD_FAILS_LATER), Outcome::FailLater(CARD_FAILED_LATER));
        assert_eq!(phone("0700000001"), Outcome::Approve);
        assert_eq!(phone("+254 700 000 002"), Outcome::Decline(PHONE_DECLINED));
        assert_eq!(phone(PHONE_TIMES_OUT), Outcome::NoAnswer(PHONE_TIMED_OUT));
        assert_eq!(phone(PHONE_INSUFFICIENT_FUNDS), Outcome::Decline(INSUFFICIENT_FUNDS));
        assert_eq!(phone("0723000000"), Outcome::AwaitPhone);
        assert_eq!(card(CARD_CHARGED_IN_USD), Outcome::Approve);
    }

    #[test]
    fn the_usd_card_is_charged_in_dollars_at_the_recorded_rate() {
        let tzs = charge(CARD_CHARGED_IN_USD, Decimal::new(1000, 0), "TZS");
        assert_eq!((tzs.0.to_string().as_str(), tzs.1.as_str()), ("0.40", "USD"));
        assert_eq!(charge(CARD_CHARGED_IN_USD, Decimal::ONE, "KES").0.to_string(), "0.01", "never nothing");
        assert_eq!(charge(CARD_CHARGED_IN_USD, Decimal::TEN, "USD"), (Decimal::TEN, "USD".to_owned()));
        assert_eq!(charge(CARD_SUCCEEDS, Decimal::new(1000, 0), "TZS"), (Decimal::new(1000, 0), "TZS".to_owned()));
    }
}

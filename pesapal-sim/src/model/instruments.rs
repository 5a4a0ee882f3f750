//! What a customer pays with, and how GetTransactionStatus shows it: the brand from a card
//! number, the card masked as recorded (`520000XXXXXX0007`: first six, `XXXXXX`, last four), a
//! phone number in international form masked as recorded (`2547xxx18241`). Each rule is written
//! here once; the payment page, the control API and [`crate::Simulator`] all go through
//! [`Payer`].

use crate::error::SimError;
use serde::{Deserialize, Serialize};

/// How the customer paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PaymentMethod {
    /// M-Pesa (Kenya): `payment_method` "MpesaKE", a 10-character confirmation code, the phone
    /// masked as `2547xxx18241`.
    #[default]
    Mpesa,
    /// A card: `payment_method` "Visa" or "MasterCard" (from the number; the Visa test card
    /// [`DEFAULT_CARD`] when none is named), a 22-digit confirmation code, the number masked as
    /// `476173XXXXXX0010`.
    Card,
}

/// What the customer pays with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// An M-Pesa phone number (prompted by STK).
    Phone(String),
    /// A card number (Visa or MasterCard).
    Card(String),
}

/// The card a card payment uses when none is named: a Visa test card.
pub const DEFAULT_CARD: &str = "4761739001010010";

/// The phone an M-Pesa payment uses when the order names none.
pub(crate) const DEFAULT_PHONE: &str = "254700000000";

/// A payer as GetTransactionStatus shows it: the method, its `payment_method` name and the
/// masked `payment_account`; and the number entered, which the test values read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Payer {
    /// M-Pesa or card.
    pub(crate) method: PaymentMethod,
    /// `payment_method`: "MpesaKE", "Visa" or "MasterCard".
    pub(crate) payment_method: &'static str,
    /// `payment_account`: the number masked.
    pub(crate) account: String,
    /// The number as the test values read it: a phone in international form, a card's digits.
    pub(crate) number: String,
}

impl Payer {
    /// Paying with `instrument`; a card number of neither brand is refused.
    pub(crate) fn of(instrument: &Instrument) -> Result<Payer, SimError> {
        match instrument {
            Instrument::Phone(phone) => Ok(Payer::phone(phone)),
            Instrument::Card(number) => Payer::card(number),
        }
    }

    /// An M-Pesa payer.
    pub(crate) fn phone(phone: &str) -> Payer {
        let number = normalize_phone(phone);
        Payer { method: PaymentMethod::Mpesa, payment_method: "MpesaKE", account: mask_phone(&number), number }
    }

    /// A card payer; refused unless the number is a Visa or MasterCard number ([`card_brand`]).
    pub(crate) fn card(number: &str) -> Result<Payer, SimError> {
        let brand = card_brand(number).ok_or_else(|| {
            SimError::InvalidRequest(format!("card number {number:?} is not a Visa or MasterCard number"))
        })?;
        let digits = digits(number);
        Ok(Payer { method: PaymentMethod::Card, payment_method: brand, account: mask_card(&digits), number: digits })
    }
}

/// The ASCII digits of `text`, in order.
pub(crate) fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// A phone number in international form, digits only: `0712 318 241` (a Kenyan local number:
/// ten digits with a leading `0`) and `+254 712 318241` both become `254712318241`; anything
/// else keeps its digits as they are.
pub(crate) fn normalize_phone(phone: &str) -> String {
    let digits = digits(phone);
    match digits.strip_prefix('0') {
        Some(local) if digits.len() == 10 => format!("254{local}"),
        _ => digits,
    }
}

/// A phone number as Pesapal shows an M-Pesa payer: normalised ([`normalize_phone`]), its
/// fifth to seventh digits masked (`0712318241` → `2547xxx18241`); too short to mask, as it is.
pub(crate) fn mask_phone(phone: &str) -> String {
    let international = normalize_phone(phone);
    match international.len() {
        8.. => format!("{}xxx{}", &international[..4], &international[7..]),
        _ => international,
    }
}

/// A card number's brand as GetTransactionStatus names it (`payment_method`): "Visa" for 4…,
/// "MasterCard" for 51–55 and 2221–2720, for 12 to 19 digits (spaces and dashes ignored);
/// `None` for anything else.
pub(crate) fn card_brand(number: &str) -> Option<&'static str> {
    if !number.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '-') {
        return None;
    }
    let digits = digits(number);
    if !(12..=19).contains(&digits.len()) {
        return None;
    }
    let prefix = |n: usize| digits[..n].parse::<u32>().unwrap_or(0);
    match () {
        () if digits.starts_with('4') => Some("Visa"),
        () if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => Some("MasterCard"),
        () => None,
    }
}

/// A card number masked as Pesapal shows it: the first six and last four digits, `XXXXXX`
/// between (`5200000000000007` → `520000XXXXXX0007`); too short to mask, its digits.
pub(crate) fn mask_card(number: &str) -> String {
    let digits = digits(number);
    match digits.len() {
        10.. => format!("{}XXXXXX{}", &digits[..6], &digits[digits.len() - 4..]),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_masked_as_recorded() {
        assert_eq!(mask_phone("254712318241"), "2547xxx18241");
        assert_eq!(mask_phone("0712318241"), "2547xxx18241");
        assert_eq!(mask_phone("+254 712 318241"), "2547xxx18241");
        assert_eq!(mask_phone("0712"), "0712", "too short to mask");
        assert_eq!(normalize_phone("0700 000 001"), "254700000001");
        assert_eq!(mask_card("5200 0000 0000 0007"), "520000XXXXXX0007");
        assert_eq!(mask_card(DEFAULT_CARD), "476173XXXXXX0010");
    }

    #[test]
    fn the_brand_comes_from_the_number() {
        assert_eq!(card_brand("5200000000000007"), Some("MasterCard"));
        assert_eq!(card_brand("2223000048400011"), Some("MasterCard"));
        assert_eq!(card_brand(DEFAULT_CARD), Some("Visa"));
        assert_eq!(card_brand("4111-1111-1111-1111"), Some("Visa"));
        assert_eq!(card_brand("6011000000000004"), None);
        assert_eq!(card_brand("4111"), None, "too short");
        assert_eq!(card_brand("4111x111111111111"), None);
        let mastercard = Payer::card("5200 0000 0000 0007").unwrap();
        assert_eq!((mastercard.payment_method, mastercard.account.as_str()), ("MasterCard", "520000XXXXXX0007"));
        assert!(Payer::card("6011000000000004").is_err());
    }
}

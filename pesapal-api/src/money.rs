//! Amounts of money: Pesapal's amounts have at most [`AMOUNT_DECIMAL_PLACES`] decimal places,
//! and [`round_amount`] is the one rounding rule of this crate (and of the `pesapal` tool).
//!
//! A leaf module: it uses no other module of this crate.

use rust_decimal::{Decimal, RoundingStrategy};

/// How many decimal places an amount sent to Pesapal may have.
pub const AMOUNT_DECIMAL_PLACES: u32 = 2;

/// `amount` rounded to [`AMOUNT_DECIMAL_PLACES`], half away from zero (`0.125` → `0.13`,
/// `-0.125` → `-0.13`): the rounding people expect of a single amount on a receipt or a payment
/// page, and the one the simulator models. (Banker's rounding, half to even, only pays off over
/// sums of many rounded amounts, which nothing here computes.)
///
/// ```
/// use pesapal_api::{Decimal, round_amount};
///
/// assert_eq!(round_amount(Decimal::new(125, 3)), Decimal::new(13, 2));
/// assert_eq!(round_amount(Decimal::new(135, 3)), Decimal::new(14, 2));
/// assert_eq!(round_amount(Decimal::new(-125, 3)), Decimal::new(-13, 2));
/// ```
pub fn round_amount(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(AMOUNT_DECIMAL_PLACES, RoundingStrategy::MidpointAwayFromZero)
}

/// Why `amount` cannot be sent as an amount, if it cannot: it must be positive, with at most
/// [`AMOUNT_DECIMAL_PLACES`] decimal places (`10.000` is `10.00`).
pub(crate) fn amount_problem(amount: Decimal) -> Option<String> {
    if amount <= Decimal::ZERO {
        Some(format!("must be greater than zero, not {amount}"))
    } else if amount.normalize().scale() > AMOUNT_DECIMAL_PLACES {
        Some(format!("has more than {AMOUNT_DECIMAL_PLACES} decimal places: {amount}"))
    } else {
        None
    }
}

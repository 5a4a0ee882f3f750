//! Money as the simulator keeps and answers it: amounts rounded to cents, half away from zero
//! (as a till does), with two decimal places (`100.00`), as Pesapal answers them.

use rust_decimal::{Decimal, RoundingStrategy};

/// `amount` rounded to cents, half away from zero, with two decimal places.
pub(crate) fn cents(amount: Decimal) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_to_cents_half_away_from_zero() {
        assert_eq!(cents(Decimal::new(1, 3)), Decimal::ZERO);
        assert_eq!(cents(Decimal::new(5, 3)).to_string(), "0.01");
        assert_eq!(cents(Decimal::new(-5, 3)).to_string(), "-0.01");
        assert_eq!(cents(Decimal::new(25, 1)).to_string(), "2.50");
    }
}

//! RefundRequest, as Pesapal's refund page says: COMPLETED payments only; mobile money in full
//! only, cards also in part (never zero after rounding to cents, never more than was charged, in
//! the currency charged); one request per payment.

use super::instruments::PaymentMethod;
use super::machine::OrderStatus;
use super::money::cents;
use super::order::Refund;
use super::state::State;
use crate::error::SimError;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

impl State {
    /// Accepts a refund request for the payment with `confirmation_code`, or says why not.
    pub(crate) fn refund(
        &mut self,
        confirmation_code: &str,
        amount: Decimal,
        username: String,
        remarks: String,
        now: DateTime<Utc>,
    ) -> Result<Refund, SimError> {
        let code = confirmation_code.trim();
        let order = self
            .orders_mut()
            .find(|o| !code.is_empty() && o.payment.as_ref().is_some_and(|p| p.confirmation_code == code))
            .ok_or_else(|| SimError::UnknownConfirmationCode(confirmation_code.to_owned()))?;
        // One refund request per payment (Pesapal's refund page; recorded answer in
        // evidence/sandbox-2025-11-09_refund_duplicate.json).
        if order.refunded > Decimal::ZERO {
            return Err(SimError::RefundAlreadyReceived);
        }
        if order.status != OrderStatus::Completed {
            return Err(SimError::RefundNotCompleted);
        }
        // Checked against what was charged, in the currency charged (a card may be charged in
        // another currency than the order's: `test_values::CARD_CHARGED_IN_USD`).
        let amount = cents(amount);
        let (charged, _) = order.charged();
        let in_full_only = order.payment.as_ref().is_some_and(|p| p.method == PaymentMethod::Mpesa);
        if amount <= Decimal::ZERO || amount > charged || (in_full_only && amount != charged) {
            return Err(SimError::RefundInvalidAmount);
        }
        order.refunded += amount;
        let refund = Refund {
            order_tracking_id: order.order_tracking_id,
            confirmation_code: code.to_owned(),
            amount,
            username,
            remarks,
            at: now,
        };
        self.add_refund(refund.clone());
        Ok(refund)
    }
}

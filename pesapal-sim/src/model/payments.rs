//! Payment attempts and what follows them, on the order state machine ([`Transition`]): paid,
//! failed, unanswered, reversed, cancelled. Each returns the IPN it sends, if any.

use super::instruments::{DEFAULT_CARD, DEFAULT_PHONE, Payer, PaymentMethod};
use super::ipn::Notice;
use super::machine::Transition;
use super::order::{Order, OrderKind, Payment};
use super::state::State;
use super::test_values::{self, Reason};
use crate::error::SimError;
use chrono::{DateTime, Utc};
use pesapal_gen::types::NotificationType;
use uuid::Uuid;

impl State {
    /// Who pays an order by `method` when nobody says: for M-Pesa the STK push's phone, else the
    /// billing phone (else a test phone); for cards the Visa test card [`DEFAULT_CARD`].
    pub(crate) fn default_payer(&self, id: Uuid, method: PaymentMethod) -> Result<Payer, SimError> {
        let order = self.order(id)?;
        Ok(match method {
            PaymentMethod::Mpesa => Payer::phone(match &order.kind {
                OrderKind::Stk { msisdn } => msisdn,
                _ => order.phone_number.as_deref().unwrap_or(DEFAULT_PHONE),
            }),
            PaymentMethod::Card => Payer::card(DEFAULT_CARD)?,
        })
    }

    /// `payer` pays: pending or failed → completed, with a new confirmation code.
    pub(crate) fn pay(&mut self, id: Uuid, payer: Payer, now: DateTime<Utc>) -> Result<Option<Notice>, SimError> {
        let code = self.confirmation_code(payer.method);
        let order = self.apply(id, Transition::Pay)?;
        if let OrderKind::Recurring { schedule: Some(schedule), .. } = &mut order.kind {
            // Periods that passed before the first payment are not charged.
            schedule.skip_past(now);
        }
        order.payment = Some(attempt(order, payer, code, &test_values::PAID, now));
        let order = order.clone();
        Ok(self.notice(&order, NotificationType::Ipnchange))
    }

    /// `payer`'s attempt fails for `reason`: pending or failed → failed, with a confirmation code
    /// of its own (8 digits, as recorded).
    pub(crate) fn fail(
        &mut self,
        id: Uuid,
        payer: Payer,
        reason: &Reason,
        now: DateTime<Utc>,
    ) -> Result<Option<Notice>, SimError> {
        let code = self.failure_code();
        let order = self.apply(id, Transition::Fail)?;
        order.payment = Some(attempt(order, payer, code, reason, now));
        let order = order.clone();
        Ok(self.notice(&order, NotificationType::Ipnchange))
    }

    /// An attempt that got no answer (an STK prompt that timed out, a card still processing):
    /// the order stays as it is, the attempt is recorded, nobody is notified.
    pub(crate) fn unanswered(
        &mut self,
        id: Uuid,
        payer: Payer,
        reason: &Reason,
        now: DateTime<Utc>,
    ) -> Result<(), SimError> {
        let order = self.order_mut(id)?;
        if !Transition::Pay.allowed(order.status, order.cancelled) {
            let error = match order.cancelled {
                true => SimError::OrderCancelled,
                false => SimError::InvalidTransition { action: Transition::Pay, status: order.status },
            };
            return Err(error);
        }
        order.payment = Some(attempt(order, payer, String::new(), reason, now));
        Ok(())
    }

    /// The payment is reversed: completed → reversed.
    pub(crate) fn reverse(&mut self, id: Uuid, now: DateTime<Utc>) -> Result<Option<Notice>, SimError> {
        let order = self.apply(id, Transition::Reverse)?;
        if let Some(payment) = &mut order.payment {
            payment.description = "Payment reversed".into();
            payment.at = now;
        }
        let order = order.clone();
        Ok(self.notice(&order, NotificationType::Ipnchange))
    }

    /// CancelOrder: only pending or failed orders, only once.
    pub(crate) fn cancel(&mut self, id: Uuid) -> Result<(), SimError> {
        self.apply(id, Transition::Cancel).map(|_| ())
    }
}

/// A payment attempt on `order` by `payer` at `at` (GetTransactionStatus's `created_date`:
/// each attempt has its own), ending for `reason`.
fn attempt(order: &Order, payer: Payer, confirmation_code: String, reason: &Reason, at: DateTime<Utc>) -> Payment {
    let (amount, currency) = test_values::charge(&payer.number, order.amount, &order.currency);
    Payment {
        method: payer.method,
        payment_method: payer.payment_method.to_owned(),
        account: payer.account,
        amount,
        currency,
        confirmation_code,
        at,
        description: reason.description.into(),
        status_code: reason.code.into(),
    }
}

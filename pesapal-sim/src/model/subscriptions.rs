//! The charges of recurring orders (`account_number` + `subscription_details`), made on the
//! simulator's clock as their [`Schedule`](super::schedule::Schedule) says, once the first
//! payment completed.

use super::ipn::Notice;
use super::machine::OrderStatus;
use super::order::{Order, OrderKind, Payment};
use super::state::State;
use chrono::{DateTime, Utc};
use pesapal_gen::types::NotificationType;
use rust_decimal::Decimal;

impl State {
    /// Makes every subscription charge due by `now`: each is a new completed order that sends a
    /// `RECURRING` IPN. Only subscriptions whose first payment completed are charged.
    pub(crate) fn charge_due(&mut self, now: DateTime<Utc>) -> Vec<Notice> {
        let mut due = Vec::new();
        for order in self.orders_mut() {
            if order.status != OrderStatus::Completed {
                continue;
            }
            let OrderKind::Recurring { account_number, schedule: Some(schedule) } = &mut order.kind else {
                continue;
            };
            let account_number = account_number.clone();
            for at in schedule.take_due(now) {
                due.push((order.clone(), account_number.clone(), at));
            }
        }
        let mut notices = Vec::new();
        for (subscription, account_number, at) in due {
            let charge = self.charge(subscription, account_number, at);
            notices.extend(self.notice(&charge, NotificationType::Recurring));
        }
        notices
    }

    /// One charge of `subscription`, made at `at`: a completed order of its own.
    fn charge(&mut self, subscription: Order, account_number: String, at: DateTime<Utc>) -> Order {
        let correlation_id = self.next_correlation_id();
        let code = subscription.payment.as_ref().map(|paid| self.confirmation_code(paid.method)).unwrap_or_default();
        let charge = Order {
            order_tracking_id: self.new_id(),
            created_at: at,
            status: OrderStatus::Completed,
            cancelled: false,
            payment: subscription.payment.as_ref().map(|paid| Payment {
                confirmation_code: code,
                at,
                description: "Recurring payment successful".into(),
                ..paid.clone()
            }),
            refunded: Decimal::ZERO,
            kind: OrderKind::Charge { account_number, subscription: subscription.order_tracking_id, correlation_id },
            ..subscription
        };
        self.insert(charge.clone());
        charge
    }
}

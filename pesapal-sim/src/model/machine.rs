//! The order state machine: an order's payment status and the transitions between them, in
//! one table ([`Transition::rule`]). No other module of the simulator is used here.

use pesapal_gen::facts::PaymentStatusCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An order's payment state, as GetTransactionStatus's `status_code` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// `0` / `INVALID`: not paid yet.
    Pending,
    /// `1` / `Completed`.
    Completed,
    /// `2` / `Failed`: not final, the customer may pay again.
    Failed,
    /// `3` / `Reversed`.
    Reversed,
}

impl From<OrderStatus> for PaymentStatusCode {
    /// GetTransactionStatus's `status_code` (and its description) of an order in this status.
    fn from(status: OrderStatus) -> Self {
        match status {
            OrderStatus::Pending => PaymentStatusCode::Invalid,
            OrderStatus::Completed => PaymentStatusCode::Completed,
            OrderStatus::Failed => PaymentStatusCode::Failed,
            OrderStatus::Reversed => PaymentStatusCode::Reversed,
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Completed => "completed",
            OrderStatus::Failed => "failed",
            OrderStatus::Reversed => "reversed",
        })
    }
}

/// What can happen to an order. [`Transition::rule`] is the order state machine, in one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transition {
    /// The customer pays.
    Pay,
    /// The customer's payment attempt fails.
    Fail,
    /// The provider reverses a completed payment.
    Reverse,
    /// The merchant cancels the order (CancelOrder).
    Cancel,
}

impl Transition {
    /// The order state machine: the statuses a transition leaves from, and the status it leads
    /// to (`None`: cancel keeps the status and marks the order cancelled). A cancelled order
    /// allows no transition.
    pub const fn rule(self) -> (&'static [OrderStatus], Option<OrderStatus>) {
        use OrderStatus::{Completed, Failed, Pending, Reversed};
        match self {
            Transition::Pay => (&[Pending, Failed], Some(Completed)),
            Transition::Fail => (&[Pending, Failed], Some(Failed)),
            Transition::Reverse => (&[Completed], Some(Reversed)),
            Transition::Cancel => (&[Pending, Failed], None),
        }
    }

    /// Whether an order in `status` (and `cancelled` or not) allows this transition.
    pub fn allowed(self, status: OrderStatus, cancelled: bool) -> bool {
        !cancelled && self.rule().0.contains(&status)
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transition::Pay => "pay",
            Transition::Fail => "fail",
            Transition::Reverse => "reverse",
            Transition::Cancel => "cancel",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_allows_what_pesapal_allows() {
        use OrderStatus::{Completed, Failed, Pending, Reversed};
        assert!(Transition::Pay.allowed(Failed, false), "failed is not final");
        assert!(!Transition::Pay.allowed(Completed, false));
        assert!(!Transition::Pay.allowed(Pending, true), "cancelled orders cannot be paid");
        assert!(Transition::Reverse.allowed(Completed, false));
        assert!(!Transition::Reverse.allowed(Reversed, false));
        assert!(!Transition::Cancel.allowed(Completed, false));
        assert_eq!(Transition::Fail.rule().1, Some(Failed));
    }
}

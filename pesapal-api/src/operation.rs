//! [`Operation`]: Pesapal's operations as this crate names them, mapped once to the generated
//! [`pesapal_gen::Operation`], which holds the wire facts (endpoint, `operationId`, idempotency).
//!
//! A leaf module: it uses no other module of this crate.

use std::fmt;

/// One of Pesapal's operations: what an [`Error`](crate::Error) names, and whether a call may be
/// sent twice ([`Operation::is_idempotent`]).
///
/// `#[non_exhaustive]`: when Pesapal documents a new operation, it becomes a new variant.
///
/// ```
/// use pesapal_api::Operation;
///
/// let status = Operation::GetTransactionStatus;
/// assert_eq!(status.to_string(), "GetTransactionStatus");
/// assert!(status.is_idempotent() && !Operation::SubmitOrderRequest.is_idempotent());
/// assert_eq!(Operation::from_operation_id("RegisterIPN"), Some(Operation::RegisterIpn));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Operation {
    /// `RequestToken`: a bearer token for the consumer key and secret.
    RequestToken,
    /// `RegisterIPN`: registers an IPN URL.
    RegisterIpn,
    /// `GetIpnList`: the registered IPN URLs.
    GetIpnList,
    /// `SubmitOrderRequest`: creates an order.
    SubmitOrderRequest,
    /// `DirectMobileMoneyStk`: an order paid by a mobile-money prompt.
    DirectMobileMoneyStk,
    /// `RefundRequest`: asks for a refund.
    RefundRequest,
    /// `CancelOrder`: cancels an order.
    CancelOrder,
    /// `GetTransactionStatus`: a payment's status.
    GetTransactionStatus,
}

impl Operation {
    /// Every operation, in the order of the spec.
    pub const ALL: [Operation; 8] = [
        Operation::RequestToken,
        Operation::RegisterIpn,
        Operation::GetIpnList,
        Operation::SubmitOrderRequest,
        Operation::DirectMobileMoneyStk,
        Operation::RefundRequest,
        Operation::CancelOrder,
        Operation::GetTransactionStatus,
    ];

    /// The generated operation this is: the one mapping between the two.
    pub(crate) const fn generated(self) -> pesapal_gen::Operation {
        match self {
            Operation::RequestToken => pesapal_gen::Operation::RequestToken,
            Operation::RegisterIpn => pesapal_gen::Operation::RegisterIpn,
            Operation::GetIpnList => pesapal_gen::Operation::GetIpnList,
            Operation::SubmitOrderRequest => pesapal_gen::Operation::SubmitOrderRequest,
            Operation::DirectMobileMoneyStk => pesapal_gen::Operation::DirectMobileMoneyStk,
            Operation::RefundRequest => pesapal_gen::Operation::RefundRequest,
            Operation::CancelOrder => pesapal_gen::Operation::CancelOrder,
            Operation::GetTransactionStatus => pesapal_gen::Operation::GetTransactionStatus,
        }
    }

    /// How it is sent: method, path, query parameters, token, declared statuses.
    pub(crate) const fn endpoint(self) -> &'static pesapal_gen::Endpoint {
        self.generated().endpoint()
    }

    /// The spec's `operationId`, e.g. `RegisterIPN`.
    pub const fn operation_id(self) -> &'static str {
        self.generated().operation_id()
    }

    /// Whether sending it twice does no harm (the spec's `x-idempotent`): reads and token
    /// requests are; payment, refund, cancellation and registration calls are not.
    pub const fn is_idempotent(self) -> bool {
        self.generated().is_idempotent()
    }

    /// The operation with this `operationId`; `None` for one this crate does not know.
    pub fn from_operation_id(id: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.operation_id() == id)
    }

    /// The tracing span of one call: `pesapal{operation="…"}`.
    pub(crate) fn span(self) -> tracing::Span {
        tracing::info_span!("pesapal", operation = self.operation_id())
    }
}

impl fmt::Display for Operation {
    /// The `operationId`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id())
    }
}

#[cfg(test)]
mod tests {
    use super::Operation;

    #[test]
    fn every_generated_operation_has_one_of_ours() {
        let ours: Vec<_> = Operation::ALL.into_iter().map(Operation::generated).collect();
        assert_eq!(ours, pesapal_gen::Operation::ALL, "one variant per generated operation, in the spec's order");
    }
}

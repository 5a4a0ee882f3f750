//! Pesapal's operations, with what the retry rules need to know about them.

/// One of Pesapal's operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operation {
    /// Pesapal's name for it (the spec's `operationId`).
    pub name: &'static str,
    /// Safe to send twice: reads and token requests. Payment calls are not.
    pub idempotent: bool,
}

impl Operation {
    /// The tracing span of one call: `pesapal{operation="…"}`.
    pub fn span(self) -> tracing::Span {
        tracing::info_span!("pesapal", operation = self.name)
    }
}

pub(crate) const REQUEST_TOKEN: Operation = Operation { name: "RequestToken", idempotent: true };
pub(crate) const REGISTER_IPN: Operation = Operation { name: "RegisterIPN", idempotent: false };
pub(crate) const GET_IPN_LIST: Operation = Operation { name: "GetIpnList", idempotent: true };
pub(crate) const SUBMIT_ORDER: Operation = Operation { name: "SubmitOrderRequest", idempotent: false };
pub(crate) const STK_PUSH: Operation = Operation { name: "DirectMobileMoneyStk", idempotent: false };
pub(crate) const TRANSACTION_STATUS: Operation = Operation { name: "GetTransactionStatus", idempotent: true };
pub(crate) const REFUND: Operation = Operation { name: "RefundRequest", idempotent: false };
pub(crate) const CANCEL_ORDER: Operation = Operation { name: "CancelOrder", idempotent: false };

const ALL: [Operation; 8] =
    [REQUEST_TOKEN, REGISTER_IPN, GET_IPN_LIST, SUBMIT_ORDER, STK_PUSH, TRANSACTION_STATUS, REFUND, CANCEL_ORDER];

/// Whether the operation called `name` is safe to send twice (unknown names are not).
pub(crate) fn is_idempotent(name: &str) -> bool {
    ALL.iter().any(|op| op.name == name && op.idempotent)
}

//! Pesapal's operations: how each is sent (the endpoint generated from the spec) and what the
//! retry rules need to know about it.

use crate::wire::{Endpoint, endpoints};

/// One of Pesapal's operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operation {
    /// Safe to send twice: reads and token requests. Payment calls are not.
    pub idempotent: bool,
    /// Method, path, query parameters, token and declared statuses, from the spec.
    pub endpoint: &'static Endpoint,
}

const fn operation(endpoint: &'static Endpoint, idempotent: bool) -> Operation {
    Operation { idempotent, endpoint }
}

impl Operation {
    /// Pesapal's name for it (the spec's `operationId`).
    pub fn name(self) -> &'static str {
        self.endpoint.operation_id
    }

    /// The tracing span of one call: `pesapal{operation="…"}`.
    pub fn span(self) -> tracing::Span {
        tracing::info_span!("pesapal", operation = self.name())
    }
}

pub(crate) const REQUEST_TOKEN: Operation = operation(&endpoints::REQUEST_TOKEN, true);
pub(crate) const REGISTER_IPN: Operation = operation(&endpoints::REGISTER_IPN, false);
pub(crate) const GET_IPN_LIST: Operation = operation(&endpoints::GET_IPN_LIST, true);
pub(crate) const SUBMIT_ORDER: Operation = operation(&endpoints::SUBMIT_ORDER_REQUEST, false);
pub(crate) const STK_PUSH: Operation = operation(&endpoints::DIRECT_MOBILE_MONEY_STK, false);
pub(crate) const TRANSACTION_STATUS: Operation = operation(&endpoints::GET_TRANSACTION_STATUS, true);
pub(crate) const REFUND: Operation = operation(&endpoints::REFUND_REQUEST, false);
pub(crate) const CANCEL_ORDER: Operation = operation(&endpoints::CANCEL_ORDER, false);

const ALL: [Operation; 8] =
    [REQUEST_TOKEN, REGISTER_IPN, GET_IPN_LIST, SUBMIT_ORDER, STK_PUSH, TRANSACTION_STATUS, REFUND, CANCEL_ORDER];

/// Whether the operation called `name` is safe to send twice (unknown names are not).
pub(crate) fn is_idempotent(name: &str) -> bool {
    ALL.iter().any(|op| op.name() == name && op.idempotent)
}

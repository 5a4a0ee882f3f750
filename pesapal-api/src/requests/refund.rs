//! [`RefundRequest`]: a refund of a completed payment, validated.

use crate::error::{Error, ValidationErrors};
use crate::validation::{self, assembled, require};
use pesapal_gen::types;
use rust_decimal::Decimal;

/// A refund of a completed payment (RefundRequest), validated.
#[derive(Debug, Clone, PartialEq)]
pub struct RefundRequest {
    pub(crate) body: types::RefundRequestBody,
}

/// Builds a [`RefundRequest`]; see [`RefundRequest::builder`].
#[derive(Debug, Clone, Default)]
pub struct RefundRequestBuilder {
    confirmation_code: Option<String>,
    amount: Option<Decimal>,
    username: Option<String>,
    remarks: Option<String>,
}

impl RefundRequest {
    /// Starts a refund.
    ///
    /// ```
    /// use pesapal_api::RefundRequest;
    /// use rust_decimal::Decimal;
    ///
    /// let refund = RefundRequest::builder()
    ///     .confirmation_code("AA11BB22")
    ///     .amount(Decimal::new(10000, 2))
    ///     .username("jane.ops")
    ///     .remarks("Service not offered")
    ///     .build()
    ///     .expect("a valid refund");
    /// # let _ = refund;
    /// ```
    pub fn builder() -> RefundRequestBuilder {
        RefundRequestBuilder::default()
    }
}

impl RefundRequestBuilder {
    /// The payment's confirmation code (from [`TransactionStatus::confirmation_code`](crate::TransactionStatus::confirmation_code)).
    pub fn confirmation_code(mut self, value: impl Into<String>) -> Self {
        self.confirmation_code = Some(value.into());
        self
    }

    /// How much to refund: positive, at most two decimal places.
    pub fn amount(mut self, value: Decimal) -> Self {
        self.amount = Some(value);
        self
    }

    /// Who asks for the refund.
    pub fn username(mut self, value: impl Into<String>) -> Self {
        self.username = Some(value.into());
        self
    }

    /// Why.
    pub fn remarks(mut self, value: impl Into<String>) -> Self {
        self.remarks = Some(value.into());
        self
    }

    /// Validates the refund, reporting every violation at once. Nothing is sent.
    pub fn build(self) -> Result<RefundRequest, Error> {
        let mut errors = ValidationErrors::default();
        let confirmation_code = require(&mut errors, "confirmation_code", self.confirmation_code);
        let amount = validation::amount(&mut errors, "amount", self.amount);
        let username = require(&mut errors, "username", self.username);
        let remarks = require(&mut errors, "remarks", self.remarks);
        let body = match (confirmation_code, amount, username, remarks) {
            (Some(confirmation_code), Some(amount), Some(username), Some(remarks)) => {
                let body = types::RefundRequestBody::builder()
                    .confirmation_code(confirmation_code)
                    .amount(amount)
                    .username(username)
                    .remarks(remarks);
                assembled(&mut errors, body)
            }
            _ => None,
        };
        errors.into_value(body.map(|body| RefundRequest { body }))
    }
}

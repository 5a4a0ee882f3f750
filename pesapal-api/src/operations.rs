//! One [`Call`] per operation: its [`Operation`], its request (query values and body, the body
//! assembled by the generated builder) and the decoding of its answer, once, by the generated
//! type, into this crate's types. Adding an operation is one more `impl Call` here (and its
//! `Pesapal` method in `client`); the pipeline does not change.
//!
//! The irregular parts of the wire are read here: the envelope of a success that reports a
//! failure (`status` `"500"` with HTTP 200), an all-null `error`, the all-zero tracking id of a
//! failed submit, `correlation_id` as a number or a string, blank texts.

use crate::call::Call;
use crate::envelope;
use crate::error::Error;
use crate::http::{Answer, Request};
use crate::operation::Operation;
use crate::requests::order::OrderRequest;
use crate::requests::refund::RefundRequest;
use crate::requests::stk::StkPushRequest;
use crate::responses::{
    CancellationReceipt, IpnMethod, IpnRegistration, OrderSubmission, PayerInfo, PaymentStatus, RefundReceipt,
    SubscriptionTransactionInfo, TransactionStatus,
};
use crate::validation::{self, filled};
use chrono::{DateTime, Utc};
use pesapal_gen::{facts, types};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use uuid::Uuid;

/// A text field: `null`, `""` and blanks are absent.
fn text(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Fails with the rejection the answer carries in its `status`/`error`/`message`, if any.
/// (`status` and `error` are required in some answers, optional in others: `Option::from` takes
/// `&T` and `&Option<T>` alike.)
macro_rules! check {
    ($answer:expr) => {
        if let Some(rejection) = $answer.rejection(
            Option::from(&$answer.value.status),
            Option::from(&$answer.value.error),
            $answer.value.message.as_deref(),
        ) {
            return Err(Error::rejected(Self::OPERATION, rejection));
        }
    };
}

// ---- RequestToken ------------------------------------------------------------------------------

/// RequestToken, for the consumer key and secret.
pub(crate) struct RequestToken<'a> {
    pub consumer_key: &'a str,
    pub consumer_secret: &'a SecretString,
}

/// A bearer token and its expiry, from RequestToken.
pub(crate) struct IssuedToken {
    pub token: SecretString,
    pub expires_at: DateTime<Utc>,
}

impl Call for RequestToken<'_> {
    const OPERATION: Operation = Operation::RequestToken;
    type Answer = types::AccessToken;
    type Output = IssuedToken;

    fn request(&self) -> Result<Request, Error> {
        let body: types::RequestTokenBody = filled(
            types::RequestTokenBody::builder()
                .consumer_key(self.consumer_key.to_owned())
                .consumer_secret(self.consumer_secret.expose_secret().to_owned()),
        )?;
        Request::json(&body)
    }

    /// A refusal here is of the credentials themselves: [`Error::Authentication`].
    fn decode(answer: Answer<types::AccessToken>) -> Result<IssuedToken, Error> {
        let (value, op) = (&answer.value, Self::OPERATION);
        if let Some(rejection) =
            answer.rejection(Option::from(&value.status), value.error.as_ref(), value.message.as_deref())
        {
            return Err(Error::Authentication(Box::new(rejection)));
        }
        let token = text(value.token.clone()).ok_or_else(|| answer.undecodable(op, "no `token` in the answer"))?;
        let expiry =
            value.expiry_date.as_deref().ok_or_else(|| answer.undecodable(op, "no `expiryDate` in the answer"))?;
        let expires_at = facts::parse_timestamp(expiry)
            .ok_or_else(|| answer.undecodable(op, format!("`expiryDate` {expiry:?} is not a date")))?;
        Ok(IssuedToken { token: token.into(), expires_at })
    }
}

// ---- RegisterIPN and GetIpnList ----------------------------------------------------------------

/// RegisterIPN: the URL Pesapal calls, and how.
pub(crate) struct RegisterIpn<'a> {
    pub url: &'a str,
    pub method: IpnMethod,
}

impl Call for RegisterIpn<'_> {
    const OPERATION: Operation = Operation::RegisterIpn;
    type Answer = types::IpnRegistration;
    type Output = IpnRegistration;

    fn request(&self) -> Result<Request, Error> {
        validation::http_url(self.url).map_err(|problem| Error::invalid("url", problem))?;
        let notification_type = match self.method {
            IpnMethod::Get => types::RegisterIpnBodyIpnNotificationType::Get,
            IpnMethod::Post => types::RegisterIpnBodyIpnNotificationType::Post,
        };
        let body: types::RegisterIpnBody = filled(
            types::RegisterIpnBody::builder().url(self.url.to_owned()).ipn_notification_type(notification_type),
        )?;
        Request::json(&body)
    }

    fn decode(answer: Answer<types::IpnRegistration>) -> Result<IpnRegistration, Error> {
        check!(answer);
        let item = answer.value.clone();
        registration(Self::OPERATION, &answer, item)
    }
}

/// GetIpnList.
pub(crate) struct IpnList;

impl Call for IpnList {
    const OPERATION: Operation = Operation::GetIpnList;
    type Answer = types::IpnList;
    type Output = Vec<IpnRegistration>;

    fn request(&self) -> Result<Request, Error> {
        Ok(Request::default())
    }

    fn decode(mut answer: Answer<types::IpnList>) -> Result<Vec<IpnRegistration>, Error> {
        let op = Self::OPERATION;
        match std::mem::replace(&mut answer.value, types::IpnList::Array(Vec::new())) {
            types::IpnList::Array(items) => items.into_iter().map(|item| registration(op, &answer, item)).collect(),
            // The error envelope, answered with HTTP 200; an object that reports no error is not
            // a list either.
            types::IpnList::PesapalErrorResponse(envelope) => {
                match answer.rejection(envelope.status.as_ref(), envelope.error.as_ref(), envelope.message.as_deref()) {
                    Some(rejection) => Err(Error::rejected(op, rejection)),
                    None => Err(answer.undecodable(op, "expected a JSON array of IPN registrations")),
                }
            }
        }
    }
}

/// One registration of RegisterIPN's answer or GetIpnList's.
fn registration(
    operation: Operation,
    answer: &Answer<impl Sized>,
    item: types::IpnRegistration,
) -> Result<IpnRegistration, Error> {
    let method = item.ipn_notification_type_description.as_deref().and_then(|m| m.parse::<IpnMethod>().ok());
    let active = item
        .ipn_status
        .map(|s| s == 1)
        .or_else(|| item.ipn_status_decription.as_deref().map(|d| d.trim().eq_ignore_ascii_case("active")));
    Ok(IpnRegistration {
        url: text(item.url).ok_or_else(|| answer.undecodable(operation, "an IPN registration has no `url`"))?,
        ipn_id: text(item.ipn_id)
            .ok_or_else(|| answer.undecodable(operation, "an IPN registration has no `ipn_id`"))?,
        created_date: text(item.created_date),
        method,
        active,
    })
}

// ---- SubmitOrderRequest and the STK push -------------------------------------------------------

impl Call for OrderRequest {
    const OPERATION: Operation = Operation::SubmitOrderRequest;
    type Answer = types::SubmittedOrder;
    type Output = OrderSubmission;

    fn request(&self) -> Result<Request, Error> {
        Request::json(&self.body)
    }

    fn decode(answer: Answer<types::SubmittedOrder>) -> Result<OrderSubmission, Error> {
        order_submission(Self::OPERATION, answer)
    }
}

impl Call for StkPushRequest {
    const OPERATION: Operation = Operation::DirectMobileMoneyStk;
    /// Assumed to be SubmitOrderRequest's (the endpoint's answer is unverified).
    type Answer = types::SubmittedOrder;
    type Output = OrderSubmission;

    fn request(&self) -> Result<Request, Error> {
        Request::json(&self.body)
    }

    fn decode(answer: Answer<types::SubmittedOrder>) -> Result<OrderSubmission, Error> {
        order_submission(Self::OPERATION, answer)
    }
}

/// SubmitOrderRequest's answer (and the STK push's).
fn order_submission(operation: Operation, answer: Answer<types::SubmittedOrder>) -> Result<OrderSubmission, Error> {
    let value = &answer.value;
    if let Some(rejection) =
        answer.rejection(Option::from(&value.status), value.error.as_ref(), value.message.as_deref())
    {
        return Err(Error::rejected(operation, rejection));
    }
    let order_tracking_id =
        value.order_tracking_id.ok_or_else(|| answer.undecodable(operation, "no `order_tracking_id`"))?;
    if order_tracking_id.is_nil() {
        // A failed submit answers with an all-zero tracking id, sometimes with `"status": "200"`.
        let message =
            text(value.message.clone()).unwrap_or_else(|| "the order was not created (all-zero tracking id)".into());
        let status = Option::<&types::CallStatus>::from(&value.status).map(ToString::to_string);
        return Err(Error::rejected(operation, answer.bare_rejection().with(status, None, None, Some(message))));
    }
    Ok(OrderSubmission {
        order_tracking_id,
        merchant_reference: text(value.merchant_reference.clone()),
        redirect_url: text(value.redirect_url.clone()),
    })
}

// ---- GetTransactionStatus ----------------------------------------------------------------------

/// GetTransactionStatus of one order.
pub(crate) struct StatusOf(pub Uuid);

impl Call for StatusOf {
    const OPERATION: Operation = Operation::GetTransactionStatus;
    type Answer = types::TransactionStatus;
    type Output = TransactionStatus;

    fn request(&self) -> Result<Request, Error> {
        Ok(Request::query(vec![self.0.hyphenated().to_string()]))
    }

    fn decode(answer: Answer<types::TransactionStatus>) -> Result<TransactionStatus, Error> {
        check!(answer);
        let value = answer.value;
        let subscription = value.subscription_transaction_info.map(|info| SubscriptionTransactionInfo {
            account_reference: text(info.account_reference),
            amount: info.amount,
            first_name: text(info.first_name),
            last_name: text(info.last_name),
            correlation_id: match info.correlation_id {
                Some(Value::String(s)) => text(Some(s)),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            },
        });
        Ok(TransactionStatus {
            order_tracking_id: value.order_tracking_id,
            payment_status: PaymentStatus::from_wire(value.status_code, value.payment_status_description.as_deref()),
            status_code: value.status_code,
            payment_status_description: text(value.payment_status_description),
            description: text(value.description),
            amount: value.amount,
            currency: text(value.currency),
            confirmation_code: text(value.confirmation_code),
            payment_method: text(value.payment_method),
            payment_account: text(value.payment_account),
            merchant_reference: text(value.merchant_reference),
            account_number: text(value.account_number),
            created_date: text(value.created_date),
            call_back_url: text(value.call_back_url),
            subscription,
            payer_info: value
                .payer_info
                .map(|p| PayerInfo { first_name: text(p.first_name), last_name: text(p.last_name) }),
        })
    }
}

impl TransactionStatus {
    /// Decodes a GetTransactionStatus body exactly as
    /// [`Pesapal::transaction_status`](crate::Pesapal::transaction_status) does, through the same
    /// generated type (useful for recorded responses and offline tests). A body that reports an
    /// error is an [`Error::Rejected`].
    ///
    /// ```
    /// let status = pesapal_api::TransactionStatus::from_json_slice(
    ///     br#"{"status_code":1,"payment_status_description":"Completed","status":"200"}"#,
    /// )?;
    /// assert!(status.payment_status.is_paid());
    /// # Ok::<(), pesapal_api::Error>(())
    /// ```
    pub fn from_json_slice(body: &[u8]) -> Result<TransactionStatus, Error> {
        let op = StatusOf::OPERATION;
        let value =
            serde_json::from_slice(body).map_err(|e| Error::decode(op, 200, e.to_string(), envelope::lossy(body)))?;
        StatusOf::decode(Answer { value, http_status: 200, raw: bytes::Bytes::copy_from_slice(body) })
    }
}

// ---- RefundRequest and CancelOrder -------------------------------------------------------------

impl Call for RefundRequest {
    const OPERATION: Operation = Operation::RefundRequest;
    type Answer = types::RefundOutcome;
    type Output = RefundReceipt;

    fn request(&self) -> Result<Request, Error> {
        Request::json(&self.body)
    }

    fn decode(answer: Answer<types::RefundOutcome>) -> Result<RefundReceipt, Error> {
        check!(answer);
        Ok(RefundReceipt { message: text(answer.value.message) })
    }
}

/// CancelOrder of one order.
pub(crate) struct Cancellation(pub Uuid);

impl Call for Cancellation {
    const OPERATION: Operation = Operation::CancelOrder;
    type Answer = types::CancellationOutcome;
    type Output = CancellationReceipt;

    fn request(&self) -> Result<Request, Error> {
        let body: types::CancelOrderBody = filled(types::CancelOrderBody::builder().order_tracking_id(self.0))?;
        Request::json(&body)
    }

    fn decode(answer: Answer<types::CancellationOutcome>) -> Result<CancellationReceipt, Error> {
        check!(answer);
        Ok(CancellationReceipt { message: text(answer.value.message) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_all_null_error_object_is_no_error_and_a_padded_one_is_trimmed() {
        let ok = TransactionStatus::from_json_slice(
            br#"{"status_code": 1, "error": {"error_type": null, "code": null, "message": null}, "status": "200"}"#,
        )
        .unwrap();
        assert!(ok.payment_status.is_paid());
        let error = TransactionStatus::from_json_slice(
            br#"{"error": {"error_type": "api_error  ", "code": "x", "message": ""}, "status": "500"}"#,
        )
        .unwrap_err();
        let r = error.rejection().unwrap();
        assert_eq!((r.error_type(), r.code(), r.message()), (Some("api_error"), Some("x"), Some("x")));
    }
}

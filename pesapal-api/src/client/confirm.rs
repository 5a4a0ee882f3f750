//! Verdicts by tracking id: [`Pesapal::confirm`] (one order) and [`Pesapal::reconcile`] (many,
//! a bounded number at a time).

use super::pesapal::Pesapal;
use crate::confirmation::{Confirmation, Expectation, Reconciled, ToReconcile};
use crate::error::Result;
use crate::waiting::PaymentProgress;
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

impl Pesapal {
    /// One GetTransactionStatus of `order_tracking_id`, judged against `expected`: the
    /// [`Verdict`](crate::Verdict) of the order by polling ("no payment yet" is
    /// [`Verdict::NotPaidYet`](crate::Verdict::NotPaidYet), not an error).
    ///
    /// ```no_run
    /// # async fn run(pesapal: pesapal_api::Pesapal, id: pesapal_api::Uuid) -> pesapal_api::Result<()> {
    /// use pesapal_api::{Decimal, Expectation, Verdict};
    /// let expected = Expectation::new("ORDER-1001", Decimal::new(250000, 2), "KES");
    /// match pesapal.confirm(id, &expected).await?.verdict {
    ///     Verdict::PaidAsExpected => println!("credit the order"),
    ///     Verdict::PaidOtherwise { expected, charged } => println!("paid {charged:?}, expected {expected}: review"),
    ///     Verdict::NotPaidYet | Verdict::Failed => println!("not paid (yet): ask again later"),
    ///     other => println!("do not credit: {other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn confirm(&self, order_tracking_id: Uuid, expected: &Expectation) -> Result<Confirmation> {
        self.confirm_one(order_tracking_id, Some(expected)).await
    }

    async fn confirm_one(&self, order_tracking_id: Uuid, expected: Option<&Expectation>) -> Result<Confirmation> {
        let status = match self.payment_progress(order_tracking_id).await? {
            PaymentProgress::Status(status) => Some(*status),
            PaymentProgress::NoPaymentYet => None,
        };
        Ok(Confirmation::judge(order_tracking_id, status, expected, None))
    }

    /// Confirms many orders, at most `in_flight` GetTransactionStatus calls at a time (at least
    /// one): a stream of one [`Reconciled`] per order, in the order given, each with its
    /// [`Confirmation`] or its error. Memory stays bounded by `in_flight`, whatever the number of
    /// orders; the calls are retried by the client's [`RetryPolicy`](crate::RetryPolicy).
    ///
    /// ```no_run
    /// # async fn run(pesapal: pesapal_api::Pesapal, ids: Vec<pesapal_api::Uuid>) {
    /// use futures_util::StreamExt;
    /// let mut lines = pesapal.reconcile(ids, 32);
    /// while let Some(line) = lines.next().await {
    ///     match line.outcome {
    ///         Ok(confirmation) => println!("{}: {:?}", line.order_tracking_id, confirmation.verdict),
    ///         Err(error) => println!("{}: {error}", line.order_tracking_id),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn reconcile<I>(&self, orders: I, in_flight: usize) -> impl Stream<Item = Reconciled> + Send + 'static
    where
        I: IntoIterator,
        I::Item: Into<ToReconcile>,
        I::IntoIter: Send + 'static,
    {
        let pesapal = self.clone();
        futures_util::stream::iter(orders)
            .map(move |order| {
                let (pesapal, order) = (pesapal.clone(), order.into());
                async move {
                    let outcome = pesapal.confirm_one(order.order_tracking_id, order.expectation.as_ref()).await;
                    Reconciled { order_tracking_id: order.order_tracking_id, outcome }
                }
            })
            .buffered(in_flight.max(1))
    }
}

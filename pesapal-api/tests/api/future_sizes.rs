//! The future of every call stays small (each is held for the whole call, and copied when
//! moved): the token refresh, a whole RequestToken exchange needed about once an hour, sits
//! behind its own box. Carried inline (with the generated client's request future, as
//! pesapal-api once sent), a `transaction_status` future took 9.5 KB and a `submit_order` one
//! 12.6 KB per call in flight.

use crate::common::*;
use pesapal_api::{RefundRequest, StkPushRequest};
use rust_decimal::Decimal;
use std::mem::size_of_val;

/// Bytes a call's future may take (each held for the whole call, copied when moved). Today
/// 1.3–2.3 KB; with the token refresh inline, `transaction_status` took 3.1 KB.
const LIMIT: usize = 3072;

#[test]
fn every_call_future_stays_small() {
    let server = httpmock::MockServer::start();
    let client = client(&server);
    let id = TRACKING_ID.parse().unwrap();
    let order = valid_order();
    let stk =
        StkPushRequest::builder().order(order.clone()).msisdn("0723241024").payment_method("MpesaKE").build().unwrap();
    let order = order.build().unwrap();
    let refund = RefundRequest::builder()
        .confirmation_code("AA11BB22")
        .amount(Decimal::new(100, 0))
        .username("John Doe")
        .remarks("r");
    let refund = refund.build().unwrap();
    let sizes = [
        ("token_expiry", size_of_val(&client.token_expiry())),
        ("register_ipn", size_of_val(&client.register_ipn("https://example.com/ipn", pesapal_api::IpnMethod::Get))),
        ("list_ipns", size_of_val(&client.list_ipns())),
        ("submit_order", size_of_val(&client.submit_order(&order))),
        ("stk_push", size_of_val(&client.stk_push(&stk))),
        ("transaction_status", size_of_val(&client.transaction_status(id))),
        ("refund", size_of_val(&client.refund(&refund))),
        ("cancel_order", size_of_val(&client.cancel_order(id))),
    ];
    println!("{sizes:?}");
    let too_big: Vec<_> = sizes.iter().filter(|(_, size)| *size > LIMIT).collect();
    assert!(too_big.is_empty(), "call futures over {LIMIT} bytes: {too_big:?}");
}

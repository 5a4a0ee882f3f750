//! Every validation rule; every violation reported at once; nothing sent on invalid input.

use crate::common::*;
use httpmock::prelude::*;
use pesapal_api::{
    BillingAddress, Error, Frequency, IpnMethod, OrderRequest, RefundRequest, StkPushRequest, Subscription,
};
use rust_decimal::Decimal;

fn violations(result: Result<impl std::fmt::Debug, Error>) -> Vec<(String, String)> {
    match result {
        Err(Error::InvalidInput(errors)) => {
            errors.into_iter().map(|v| (v.field().to_owned(), v.problem().to_owned())).collect()
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn fields(result: Result<impl std::fmt::Debug, Error>) -> Vec<String> {
    violations(result).into_iter().map(|(field, _)| field).collect()
}

#[test]
fn a_valid_order_builds() {
    valid_order().build().unwrap();
    valid_order().billing_address(BillingAddress::builder().phone_number("+254723000000")).build().unwrap();
}

#[test]
fn a_built_billing_address_serves_many_orders_and_optional_fields_need_no_if_let() {
    let (phone, city): (Option<String>, Option<&str>) = (None, Some("Nairobi"));
    let address =
        BillingAddress::builder().email_address("jane@example.com").phone_number(phone).city(city).build().unwrap();
    let first = valid_order().billing_address(address.clone()).build().unwrap();
    let second = valid_order().merchant_reference("ORDER-2").billing_address(address).build().unwrap();
    for order in [first, second] {
        let shown = format!("{order:?}");
        assert!(shown.contains("Nairobi") && shown.contains("jane@example.com"), "{shown}");
    }
    // Absent is absent: the phone number is not required once there is an email address, and
    // an address without either is refused with the order, as a builder would be.
    let none: Option<&str> = None;
    let invalid = BillingAddress::builder().email_address(none).first_name("Jane");
    assert_eq!(fields(valid_order().billing_address(invalid).build()), ["billing_address.email_address"]);
}

#[test]
fn an_empty_order_names_every_required_field_at_once() {
    assert_eq!(
        fields(OrderRequest::builder().build()),
        ["id", "currency", "amount", "description", "callback_url", "notification_id", "billing_address"]
    );
}

#[test]
fn each_order_rule() {
    let long = |n| "x".repeat(n);
    assert!(valid_order().merchant_reference(long(50)).build().is_ok());
    assert_eq!(fields(valid_order().merchant_reference(long(51)).build()), ["id"]);
    assert!(valid_order().description(long(100)).build().is_ok());
    assert_eq!(fields(valid_order().description(long(101)).build()), ["description"]);
    assert_eq!(fields(valid_order().amount(Decimal::ZERO).build()), ["amount"]);
    assert_eq!(fields(valid_order().amount(Decimal::new(-5, 0)).build()), ["amount"]);
    assert_eq!(fields(valid_order().amount(Decimal::new(10001, 3)).build()), ["amount"], "3 decimal places");
    assert!(valid_order().amount(Decimal::new(10000, 3)).build().is_ok(), "10.000 is 10.00");
    assert_eq!(fields(valid_order().currency("KSH").build()), ["currency"]);
    assert_eq!(fields(valid_order().currency("kes").build()), ["currency"]);
    assert_eq!(fields(valid_order().callback_url("not a url").build()), ["callback_url"]);
    assert_eq!(fields(valid_order().callback_url("ftp://example.com/x").build()), ["callback_url"]);
    assert_eq!(fields(valid_order().cancellation_url("nope").build()), ["cancellation_url"]);
}

#[test]
fn each_billing_address_rule() {
    let with = |address: pesapal_api::BillingAddressBuilder| fields(valid_order().billing_address(address).build());
    assert_eq!(with(BillingAddress::builder().first_name("Jane")), ["billing_address.email_address"]);
    assert_eq!(with(BillingAddress::builder().email_address("jane")), ["billing_address.email_address"]);
    assert_eq!(with(BillingAddress::builder().phone_number("07-23")), ["billing_address.phone_number"]);
    assert_eq!(
        with(BillingAddress::builder().email_address("a@b.co").country_code("KEN")),
        ["billing_address.country_code"]
    );
    assert_eq!(
        with(BillingAddress::builder().email_address("a@b.co").country_code("XX")),
        ["billing_address.country_code"]
    );
    assert_eq!(with(BillingAddress::builder().email_address("a@b.co").state("Nairobi")), ["billing_address.state"]);
    assert!(BillingAddress::builder().email_address("a@b.co").country_code("UG").state("KLA").build().is_ok());
    // Codes assigned since 2010 are known; the case of the letters does not matter.
    for known in ["SS", "CW", "BQ", "ke"] {
        assert!(BillingAddress::builder().email_address("a@b.co").country_code(known).build().is_ok(), "{known}");
    }
}

#[test]
fn subscription_rules() {
    let subscription =
        |start: &str, end: &str| Subscription::new(start.parse().unwrap(), end.parse().unwrap(), Frequency::Monthly);
    assert!(valid_order().recurring("ACC-1", Some(subscription("2025-01-01", "2025-12-31"))).build().is_ok());
    assert!(valid_order().recurring("ACC-1", None).build().is_ok());
    assert_eq!(
        fields(valid_order().recurring("ACC-1", Some(subscription("2025-12-31", "2025-01-01"))).build()),
        ["subscription_details.end_date"]
    );
    assert_eq!(fields(valid_order().recurring(" ", None).build()), ["account_number"]);
}

#[test]
fn refund_rules() {
    assert_eq!(fields(RefundRequest::builder().build()), ["confirmation_code", "amount", "username", "remarks"]);
    let refund = || RefundRequest::builder().confirmation_code("AA11").username("ops").remarks("why");
    assert_eq!(fields(refund().amount(Decimal::ZERO).build()), ["amount"]);
    assert_eq!(fields(refund().amount(Decimal::new(1234, 3)).build()), ["amount"]);
    assert!(refund().amount(Decimal::new(1234, 2)).build().is_ok());
}

#[test]
fn stk_push_rules() {
    let push = |msisdn: &str, method: &str| {
        StkPushRequest::builder().order(valid_order()).msisdn(msisdn).payment_method(method).build().map(|_| ())
    };
    assert!(push("0723241024", "MpesaKE").is_ok());
    assert_eq!(fields(push("07232", "")), ["msisdn", "payment_method"]);
    assert_eq!(fields(push("0723abc024", "MpesaKE")), ["msisdn"]);
    // The order's own rules come with the push's, all at once; a recurring order cannot be pushed.
    let bad_order = StkPushRequest::builder().order(valid_order().currency("KSH")).msisdn("0723").build();
    assert_eq!(fields(bad_order.map(|_| ())), ["currency", "msisdn", "payment_method"]);
    let recurring = StkPushRequest::builder().order(valid_order().recurring("ACC-1", None)).msisdn("0723241024");
    assert_eq!(fields(recurring.payment_method("MpesaKE").build().map(|_| ())), ["account_number"]);
    assert_eq!(fields(StkPushRequest::builder().build().map(|_| ())), ["order", "msisdn", "payment_method"]);
}

#[test]
fn violations_explain_themselves() {
    let problems = violations(valid_order().merchant_reference("x".repeat(60)).amount(Decimal::new(1, 3)).build());
    // The limit is the spec's (maxLength 50), checked by the generated type.
    assert_eq!(problems[0], ("id".to_owned(), "longer than 50 characters".to_owned()));
    assert_eq!(problems[1].1, "has more than 2 decimal places: 0.001");
}

#[tokio::test]
async fn nothing_is_sent_on_invalid_input() {
    let server = MockServer::start_async().await;
    let any = mock_any_request(&server).await;
    let pesapal = client(&server);
    let error = pesapal.register_ipn("not a url", IpnMethod::Post).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(ref e) if e.fields() == ["url"]), "{error:?}");
    assert!(error.to_string().starts_with("invalid input, nothing was sent: url:"), "{error}");
    any.assert_calls_async(0).await;
}

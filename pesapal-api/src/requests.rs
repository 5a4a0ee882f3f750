//! Validated requests. `build()` checks every documented rule and reports every violation at
//! once; nothing is sent on invalid input.

use crate::error::{Error, ValidationErrors};
use chrono::NaiveDate;
use pesapal_gen::types;
use rust_decimal::Decimal;
use uuid::Uuid;

/// Longest merchant reference (`id`) Pesapal accepts.
pub const MAX_MERCHANT_REFERENCE: usize = 50;
/// Longest order description Pesapal accepts.
pub const MAX_DESCRIPTION: usize = 100;
/// Longest billing-address state Pesapal accepts.
pub const MAX_STATE: usize = 3;

fn require(errors: &mut ValidationErrors, field: &str, value: &Option<String>) -> bool {
    match value {
        Some(v) if !v.trim().is_empty() => true,
        _ => {
            errors.push(field, "is required");
            false
        }
    }
}

fn max_chars(errors: &mut ValidationErrors, field: &str, value: &str, max: usize) {
    let count = value.chars().count();
    if count > max {
        errors.push(field, format!("is {count} characters long; the maximum is {max}"));
    }
}

pub(crate) fn check_amount(errors: &mut ValidationErrors, field: &str, amount: Option<Decimal>) {
    match amount {
        None => errors.push(field, "is required"),
        Some(a) if a <= Decimal::ZERO => errors.push(field, format!("must be greater than zero, not {a}")),
        Some(a) if a.normalize().scale() > 2 => errors.push(field, format!("has more than 2 decimal places: {a}")),
        Some(_) => {}
    }
}

fn check_url(errors: &mut ValidationErrors, field: &str, value: &str) {
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
        Ok(url) => errors.push(field, format!("must be an http(s) URL, not a {} URL", url.scheme())),
        Err(e) => errors.push(field, format!("is not a valid URL ({e})")),
    }
}

fn check_currency(errors: &mut ValidationErrors, field: &str, value: &str) {
    if iso_currency::Currency::from_code(value).is_none() {
        errors.push(field, format!("{value:?} is not an ISO 4217 currency code (e.g. KES, UGX, TZS, USD)"));
    }
}

/// A customer's billing address. Pesapal needs an email address or a phone number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillingAddress {
    inner: AddressFields,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct AddressFields {
    email_address: Option<String>,
    phone_number: Option<String>,
    country_code: Option<String>,
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
    line_1: Option<String>,
    line_2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    zip_code: Option<String>,
}

/// Builds a [`BillingAddress`].
#[derive(Debug, Clone, Default)]
pub struct BillingAddressBuilder {
    fields: AddressFields,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.fields.$name = Some(value.into());
                self
            }
        )*
    };
}

impl BillingAddress {
    /// Starts a billing address.
    pub fn builder() -> BillingAddressBuilder {
        BillingAddressBuilder::default()
    }
}

impl BillingAddressBuilder {
    setters! {
        /// Customer's email address (this or a phone number is required).
        email_address,
        /// Customer's phone number (this or an email address is required).
        phone_number,
        /// ISO 3166-1 alpha-2 country code, e.g. `KE`.
        country_code,
        /// Customer's first name.
        first_name,
        /// Customer's middle name.
        middle_name,
        /// Customer's last name.
        last_name,
        /// Main address line.
        line_1,
        /// Second address line.
        line_2,
        /// City.
        city,
        /// State, at most 3 characters.
        state,
        /// Postal code (a string: codes have leading zeros).
        postal_code,
        /// Zip code.
        zip_code,
    }

    fn check(&self) -> ValidationErrors {
        let mut errors = ValidationErrors::default();
        let f = &self.fields;
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !present(&f.email_address) && !present(&f.phone_number) {
            errors.push("email_address", "an email address or a phone number is required");
        }
        if let Some(email) = f.email_address.as_deref().filter(|e| !e.is_empty()) {
            let valid = email.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
            if !valid {
                errors.push("email_address", format!("{email:?} is not an email address"));
            }
        }
        if let Some(phone) = f.phone_number.as_deref().filter(|p| !p.is_empty()) {
            let digits = phone.strip_prefix('+').unwrap_or(phone);
            if !(7..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
                errors.push("phone_number", format!("{phone:?} is not a phone number (7 to 15 digits, optional +)"));
            }
        }
        if let Some(country) = f.country_code.as_deref().filter(|c| !c.is_empty())
            && (country.len() != 2 || celes::Country::from_alpha2(country).is_err())
        {
            errors.push("country_code", format!("{country:?} is not an ISO 3166-1 alpha-2 country code (e.g. KE)"));
        }
        if let Some(state) = &f.state {
            max_chars(&mut errors, "state", state, MAX_STATE);
        }
        errors
    }

    /// Validates the address.
    pub fn build(self) -> Result<BillingAddress, Error> {
        self.check().into_result(|| BillingAddress { inner: self.fields })
    }
}

impl BillingAddress {
    fn to_wire(&self) -> types::builder::BillingAddress {
        let f = self.inner.clone();
        types::BillingAddress::builder()
            .email_address(f.email_address)
            .phone_number(f.phone_number)
            .country_code(f.country_code.map(|c| c.parse().expect("validated: two letters")))
            .first_name(f.first_name)
            .middle_name(f.middle_name)
            .last_name(f.last_name)
            .line_1(f.line_1)
            .line_2(f.line_2)
            .city(f.city)
            .state(f.state.map(|s| s.parse().expect("validated: at most 3 characters")))
            .postal_code(f.postal_code)
            .zip_code(f.zip_code)
    }
}

/// How often a subscription charges the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every year.
    Yearly,
}

impl Frequency {
    fn to_wire(self) -> types::SubmitOrderRequestBodySubscriptionDetailsFrequency {
        use types::SubmitOrderRequestBodySubscriptionDetailsFrequency as Wire;
        match self {
            Frequency::Daily => Wire::Daily,
            Frequency::Weekly => Wire::Weekly,
            Frequency::Monthly => Wire::Monthly,
            Frequency::Yearly => Wire::Yearly,
        }
    }
}

/// The schedule of a recurring (subscription) payment. Dates are sent as `dd-MM-yyyy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscription {
    /// First charge.
    pub start: NaiveDate,
    /// Last charge; after `start`.
    pub end: NaiveDate,
    /// How often.
    pub frequency: Frequency,
}

impl Subscription {
    fn check(&self) -> ValidationErrors {
        let mut errors = ValidationErrors::default();
        if self.end <= self.start {
            errors.push("end_date", format!("{} must be after start_date {}", self.end, self.start));
        }
        errors
    }

    fn to_wire(self) -> types::SubmitOrderRequestBodySubscriptionDetails {
        let date = |d: NaiveDate| d.format("%d-%m-%Y").to_string();
        types::SubmitOrderRequestBodySubscriptionDetails {
            start_date: date(self.start).parse().expect("dd-MM-yyyy matches the pattern"),
            end_date: date(self.end).parse().expect("dd-MM-yyyy matches the pattern"),
            frequency: self.frequency.to_wire(),
        }
    }
}

/// A payment order for SubmitOrderRequest, one-off or recurring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    merchant_reference: String,
    currency: String,
    amount: Decimal,
    description: String,
    callback_url: String,
    cancellation_url: Option<String>,
    notification_id: Uuid,
    billing_address: BillingAddress,
    account_number: Option<String>,
    subscription: Option<Subscription>,
}

/// Builds an [`OrderRequest`]; see [`OrderRequest::builder`].
#[derive(Debug, Clone, Default)]
pub struct OrderRequestBuilder {
    merchant_reference: Option<String>,
    currency: Option<String>,
    amount: Option<Decimal>,
    description: Option<String>,
    callback_url: Option<String>,
    cancellation_url: Option<String>,
    notification_id: Option<Uuid>,
    billing_address: Option<BillingAddressBuilder>,
    account_number: Option<String>,
    subscription: Option<Subscription>,
}

impl OrderRequest {
    /// Starts an order.
    ///
    /// ```
    /// use pesapal_api::{BillingAddress, Frequency, OrderRequest, Subscription};
    /// use rust_decimal::Decimal;
    ///
    /// let order = OrderRequest::builder()
    ///     .merchant_reference("INV-2024-001")
    ///     .amount(Decimal::new(150000, 2)) // 1500.00
    ///     .currency("KES")
    ///     .description("Gym membership")
    ///     .callback_url("https://shop.example.com/pesapal/callback")
    ///     .notification_id("fe078e53-78da-4a83-aa89-e7ded5c456e6".parse().unwrap())
    ///     .billing_address(BillingAddress::builder().email_address("jane@example.com").country_code("KE"))
    ///     .recurring("ACC-42", Some(Subscription {
    ///         start: "2025-01-01".parse().unwrap(),
    ///         end: "2025-12-31".parse().unwrap(),
    ///         frequency: Frequency::Monthly,
    ///     }))
    ///     .build()
    ///     .expect("a valid order");
    /// # let _ = order;
    /// ```
    pub fn builder() -> OrderRequestBuilder {
        OrderRequestBuilder::default()
    }

    /// Your reference for the order.
    pub fn merchant_reference(&self) -> &str {
        &self.merchant_reference
    }

    pub(crate) fn to_wire(&self) -> types::builder::SubmitOrderRequestBody {
        types::SubmitOrderRequestBody::builder()
            .id(self.merchant_reference.parse::<types::SubmitOrderRequestBodyId>().expect("validated length"))
            .currency(self.currency.clone())
            .amount(self.amount)
            .description(
                self.description.parse::<types::SubmitOrderRequestBodyDescription>().expect("validated length"),
            )
            .callback_url(self.callback_url.clone())
            .cancellation_url(self.cancellation_url.clone())
            .notification_id(self.notification_id)
            .billing_address(self.billing_address.to_wire())
            .account_number(self.account_number.clone())
            .subscription_details(self.subscription.map(Subscription::to_wire))
    }

    pub(crate) fn to_stk_wire(&self, msisdn: &str, payment_method: &str) -> types::builder::StkBody {
        types::StkBody::builder()
            .msisdn(msisdn.to_owned())
            .payment_method(payment_method.to_owned())
            .id(self.merchant_reference.parse::<types::StkBodyId>().expect("validated length"))
            .currency(self.currency.clone())
            .amount(self.amount)
            .description(self.description.parse::<types::StkBodyDescription>().expect("validated length"))
            .callback_url(self.callback_url.clone())
            .cancellation_url(self.cancellation_url.clone())
            .notification_id(self.notification_id)
            .billing_address(self.billing_address.to_wire())
    }
}

impl OrderRequestBuilder {
    /// Your unique reference for the order (`id` on the wire), at most 50 characters.
    pub fn merchant_reference(mut self, value: impl Into<String>) -> Self {
        self.merchant_reference = Some(value.into());
        self
    }

    /// The amount: positive, at most two decimal places.
    pub fn amount(mut self, value: Decimal) -> Self {
        self.amount = Some(value);
        self
    }

    /// ISO 4217 currency code, e.g. `KES`.
    pub fn currency(mut self, value: impl Into<String>) -> Self {
        self.currency = Some(value.into());
        self
    }

    /// What the customer pays for, at most 100 characters.
    pub fn description(mut self, value: impl Into<String>) -> Self {
        self.description = Some(value.into());
        self
    }

    /// Where Pesapal sends the customer after paying.
    pub fn callback_url(mut self, value: impl Into<String>) -> Self {
        self.callback_url = Some(value.into());
        self
    }

    /// Where Pesapal sends the customer who cancels (adds a cancel link on the payment page).
    pub fn cancellation_url(mut self, value: impl Into<String>) -> Self {
        self.cancellation_url = Some(value.into());
        self
    }

    /// The `ipn_id` of a registered IPN URL.
    pub fn notification_id(mut self, value: Uuid) -> Self {
        self.notification_id = Some(value);
        self
    }

    /// The customer's billing address.
    pub fn billing_address(mut self, value: BillingAddressBuilder) -> Self {
        self.billing_address = Some(value);
        self
    }

    /// Makes the order recurring: `account_number` identifies the customer's account or invoice
    /// (it comes back as the IPN's `OrderMerchantReference`); `subscription` fixes the schedule,
    /// otherwise the customer chooses it on the payment page.
    pub fn recurring(mut self, account_number: impl Into<String>, subscription: Option<Subscription>) -> Self {
        self.account_number = Some(account_number.into());
        self.subscription = subscription;
        self
    }

    fn check(&self) -> ValidationErrors {
        let mut errors = ValidationErrors::default();
        if require(&mut errors, "id", &self.merchant_reference) {
            max_chars(
                &mut errors,
                "id",
                self.merchant_reference.as_deref().unwrap_or_default(),
                MAX_MERCHANT_REFERENCE,
            );
        }
        if require(&mut errors, "currency", &self.currency) {
            check_currency(&mut errors, "currency", self.currency.as_deref().unwrap_or_default());
        }
        check_amount(&mut errors, "amount", self.amount);
        if require(&mut errors, "description", &self.description) {
            max_chars(&mut errors, "description", self.description.as_deref().unwrap_or_default(), MAX_DESCRIPTION);
        }
        if require(&mut errors, "callback_url", &self.callback_url) {
            check_url(&mut errors, "callback_url", self.callback_url.as_deref().unwrap_or_default());
        }
        if let Some(url) = &self.cancellation_url {
            check_url(&mut errors, "cancellation_url", url);
        }
        if self.notification_id.is_none() {
            errors.push("notification_id", "is required (the ipn_id of a registered IPN URL)");
        }
        match &self.billing_address {
            Some(address) => errors.extend_prefixed("billing_address", address.check()),
            None => errors.push("billing_address", "is required"),
        }
        if self.account_number.is_some() {
            require(&mut errors, "account_number", &self.account_number);
        }
        if let Some(subscription) = &self.subscription {
            errors.extend_prefixed("subscription_details", subscription.check());
        }
        errors
    }

    /// Validates the order, reporting every violation at once.
    pub fn build(self) -> Result<OrderRequest, Error> {
        let errors = self.check();
        if !errors.violations.is_empty() {
            return Err(Error::InvalidInput(errors));
        }
        let missing = "checked by check()";
        Ok(OrderRequest {
            merchant_reference: self.merchant_reference.expect(missing),
            currency: self.currency.expect(missing),
            amount: self.amount.expect(missing),
            description: self.description.expect(missing),
            callback_url: self.callback_url.expect(missing),
            cancellation_url: self.cancellation_url,
            notification_id: self.notification_id.expect(missing),
            billing_address: BillingAddress { inner: self.billing_address.expect(missing).fields },
            account_number: self.account_number,
            subscription: self.subscription,
        })
    }
}

/// A refund of a completed payment (RefundRequest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    confirmation_code: String,
    amount: Decimal,
    username: String,
    remarks: String,
}

/// Builds a [`RefundRequest`].
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

    pub(crate) fn to_wire(&self) -> types::builder::RefundRequestBody {
        types::RefundRequestBody::builder()
            .confirmation_code(self.confirmation_code.clone())
            .amount(self.amount)
            .username(self.username.clone())
            .remarks(self.remarks.clone())
    }
}

impl RefundRequestBuilder {
    /// The payment's confirmation code (from [`crate::TransactionStatus::confirmation_code`]).
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

    /// Validates the refund, reporting every violation at once.
    pub fn build(self) -> Result<RefundRequest, Error> {
        let mut errors = ValidationErrors::default();
        require(&mut errors, "confirmation_code", &self.confirmation_code);
        check_amount(&mut errors, "amount", self.amount);
        require(&mut errors, "username", &self.username);
        require(&mut errors, "remarks", &self.remarks);
        let missing = "checked above";
        errors.into_result(|| RefundRequest {
            confirmation_code: self.confirmation_code.expect(missing),
            amount: self.amount.expect(missing),
            username: self.username.expect(missing),
            remarks: self.remarks.expect(missing),
        })
    }
}

/// A mobile-money STK push: an order plus the phone to prompt and the channel.
///
/// **Unverified shape**: Pesapal documents this endpoint only by a Postman sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StkPushRequest {
    pub(crate) order: OrderRequest,
    pub(crate) msisdn: String,
    pub(crate) payment_method: String,
}

impl StkPushRequest {
    /// Validates an STK push for `order` to the phone `msisdn` through `payment_method`
    /// (e.g. `MpesaKE`).
    pub fn new(
        order: OrderRequest,
        msisdn: impl Into<String>,
        payment_method: impl Into<String>,
    ) -> Result<Self, Error> {
        let (msisdn, payment_method) = (msisdn.into(), payment_method.into());
        let mut errors = ValidationErrors::default();
        let digits = msisdn.strip_prefix('+').unwrap_or(&msisdn);
        if !(9..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
            errors.push("msisdn", format!("{msisdn:?} is not a mobile number (9 to 15 digits, optional +)"));
        }
        if payment_method.trim().is_empty() {
            errors.push("payment_method", "is required (e.g. MpesaKE)");
        }
        errors.into_result(|| StkPushRequest { order, msisdn, payment_method })
    }
}

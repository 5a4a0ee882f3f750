//! Validated requests. `build()` checks every documented rule and reports every violation at
//! once; nothing is sent on invalid input.
//!
//! The bodies are assembled with the generated builders (`pesapal_gen::types::builder`), never
//! with struct literals: when Pesapal documents a new optional field, the regenerated body type
//! gains it and this module still compiles (the field is then left out until a setter is added
//! here; `tests/coverage.rs` names it). Every field a user sets is first checked here, through the
//! generated type of its field where the spec has a rule, so that all violations are reported at
//! once with their wire names; the builder then only assembles values already checked.

use crate::error::{Error, ValidationErrors};
use crate::responses::IpnMethod;
use crate::wire::types;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

/// A required text field, or a violation.
fn require(errors: &mut ValidationErrors, field: &str, value: Option<String>) -> Option<String> {
    match value {
        Some(v) if !v.trim().is_empty() => Some(v),
        _ => {
            errors.push(field, "is required");
            None
        }
    }
}

/// `value` as the generated type of its field: the spec's rules (lengths, patterns) are checked
/// by the generated `TryFrom`, and a broken one is a violation naming the wire field.
fn spec_checked<T>(errors: &mut ValidationErrors, field: &str, value: String) -> Option<T>
where
    T: TryFrom<String>,
    T::Error: std::fmt::Display,
{
    T::try_from(value).map_err(|e| errors.push(field, e.to_string())).ok()
}

/// An optional field: absent is fine (`Some(None)`), given but invalid fails (`None`).
fn optional<T>(value: Option<Option<T>>) -> Option<Option<T>> {
    value.map_or(Some(None), |valid| valid.map(Some))
}

/// The body a generated builder assembles from fields already checked. It can still fail when
/// the spec has gained a *required* field that no setter here fills yet: that is a violation
/// naming the field (from the builder's message), not a panic.
fn assembled<B, T>(errors: &mut ValidationErrors, builder: B) -> Option<T>
where
    T: TryFrom<B, Error = types::error::ConversionError>,
{
    T::try_from(builder).map_err(|e| errors.push("body", e.to_string())).ok()
}

pub(crate) fn check_amount(errors: &mut ValidationErrors, field: &str, amount: Option<Decimal>) -> Option<Decimal> {
    match amount {
        None => errors.push(field, "is required"),
        Some(a) if a <= Decimal::ZERO => errors.push(field, format!("must be greater than zero, not {a}")),
        Some(a) if a.normalize().scale() > 2 => errors.push(field, format!("has more than 2 decimal places: {a}")),
        Some(a) => return Some(a),
    }
    None
}

fn check_url(errors: &mut ValidationErrors, field: &str, value: String) -> Option<String> {
    match url::Url::parse(&value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => return Some(value),
        Ok(url) => errors.push(field, format!("must be an http(s) URL, not a {} URL", url.scheme())),
        Err(e) => errors.push(field, format!("is not a valid URL ({e})")),
    }
    None
}

fn check_currency(errors: &mut ValidationErrors, field: &str, value: String) -> Option<String> {
    if iso_currency::Currency::from_code(&value).is_none() {
        errors.push(field, format!("{value:?} is not an ISO 4217 currency code (e.g. KES, UGX, TZS, USD)"));
        return None;
    }
    Some(value)
}

/// A customer's billing address, validated. Pesapal needs an email address or a phone number.
#[derive(Debug, Clone, PartialEq)]
pub struct BillingAddress {
    body: types::BillingAddress,
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

/// Builds a [`BillingAddress`]; see [`BillingAddress::builder`].
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
    ///
    /// ```
    /// use pesapal_api::BillingAddress;
    ///
    /// let address = BillingAddress::builder().email_address("jane@example.com").country_code("KE").build();
    /// assert!(address.is_ok());
    /// let error = BillingAddress::builder().country_code("Kenya").build().unwrap_err();
    /// assert!(error.to_string().contains("email_address"));
    /// ```
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

    /// The address as the generated body type, or `None` with every violation pushed.
    fn validate(self, errors: &mut ValidationErrors) -> Option<types::BillingAddress> {
        let before = errors.violations.len();
        let f = self.fields;
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
        let country_code = f.country_code.filter(|c| !c.is_empty()).and_then(|country| {
            // ISO 3166-1 from `iso_country`, which `iso_currency` re-exports: no second table.
            if country.to_ascii_uppercase().parse::<iso_currency::Country>().is_err() {
                errors.push("country_code", format!("{country:?} is not an ISO 3166-1 alpha-2 country code (e.g. KE)"));
                return None;
            }
            spec_checked::<types::BillingAddressCountryCode>(errors, "country_code", country)
        });
        let state = f.state.and_then(|state| spec_checked::<types::BillingAddressState>(errors, "state", state));
        if errors.violations.len() != before {
            return None;
        }
        let address = types::BillingAddress::builder()
            .email_address(f.email_address)
            .phone_number(f.phone_number)
            .country_code(country_code)
            .first_name(f.first_name)
            .middle_name(f.middle_name)
            .last_name(f.last_name)
            .line_1(f.line_1)
            .line_2(f.line_2)
            .city(f.city)
            .state(state)
            .postal_code(f.postal_code.map(types::PostalCode::String))
            .zip_code(f.zip_code.map(types::PostalCode::String));
        assembled(errors, address)
    }

    /// Validates the address, reporting every violation at once.
    pub fn build(self) -> Result<BillingAddress, Error> {
        let mut errors = ValidationErrors::default();
        let body = self.validate(&mut errors);
        errors.into_value(body.map(|body| BillingAddress { body }))
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
    /// Every frequency, most frequent first.
    pub const ALL: [Frequency; 4] = [Frequency::Daily, Frequency::Weekly, Frequency::Monthly, Frequency::Yearly];
}

impl std::str::FromStr for Frequency {
    type Err = Error;

    /// `DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY` (the wire's spelling), in any case.
    ///
    /// ```
    /// use pesapal_api::Frequency;
    /// assert_eq!("monthly".parse::<Frequency>().unwrap(), Frequency::Monthly);
    /// assert!("hourly".parse::<Frequency>().is_err());
    /// ```
    fn from_str(name: &str) -> Result<Frequency, Error> {
        let name = name.trim();
        Frequency::ALL.into_iter().find(|frequency| frequency.to_string().eq_ignore_ascii_case(name)).ok_or_else(|| {
            let mut errors = ValidationErrors::default();
            errors.push(
                "subscription_details.frequency",
                format!("unknown frequency {name:?}: use DAILY, WEEKLY, MONTHLY or YEARLY"),
            );
            Error::InvalidInput(errors)
        })
    }
}

impl std::fmt::Display for Frequency {
    /// `DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`, as on the wire.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        types::SubmitOrderRequestBodySubscriptionDetailsFrequency::from(*self).fmt(f)
    }
}

impl From<Frequency> for types::SubmitOrderRequestBodySubscriptionDetailsFrequency {
    fn from(frequency: Frequency) -> Self {
        match frequency {
            Frequency::Daily => Self::Daily,
            Frequency::Weekly => Self::Weekly,
            Frequency::Monthly => Self::Monthly,
            Frequency::Yearly => Self::Yearly,
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
    fn validate(self, errors: &mut ValidationErrors) -> Option<types::SubmitOrderRequestBodySubscriptionDetails> {
        if self.end <= self.start {
            errors.push("end_date", format!("{} must be after start_date {}", self.end, self.start));
            return None;
        }
        // Sent as `dd-MM-yyyy`, the spec's pattern, by the type the generator maps it to.
        let details = types::SubmitOrderRequestBodySubscriptionDetails::builder()
            .start_date(pesapal_gen::DayMonthYear::from(self.start))
            .end_date(pesapal_gen::DayMonthYear::from(self.end))
            .frequency(types::SubmitOrderRequestBodySubscriptionDetailsFrequency::from(self.frequency));
        assembled(errors, details)
    }
}

/// Where Pesapal loads `callback_url` after the payment when its page runs in an iframe
/// (`redirect_mode` on the wire; Pesapal's default is [`RedirectMode::TopWindow`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RedirectMode {
    /// The topmost window (`TOP_WINDOW`).
    TopWindow,
    /// The iframe's immediate parent (`PARENT_WINDOW`).
    ParentWindow,
}

impl From<RedirectMode> for types::RedirectMode {
    fn from(mode: RedirectMode) -> types::RedirectMode {
        match mode {
            RedirectMode::TopWindow => types::RedirectMode::TopWindow,
            RedirectMode::ParentWindow => types::RedirectMode::ParentWindow,
        }
    }
}

/// A payment order for SubmitOrderRequest, one-off or recurring, validated: it holds the
/// request body the spec declares.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRequest {
    pub(crate) body: types::SubmitOrderRequestBody,
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
    redirect_mode: Option<RedirectMode>,
    branch: Option<String>,
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
    /// assert_eq!(order.merchant_reference(), "INV-2024-001");
    /// ```
    pub fn builder() -> OrderRequestBuilder {
        OrderRequestBuilder::default()
    }

    /// Your reference for the order.
    pub fn merchant_reference(&self) -> &str {
        &self.body.id
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

    /// The customer's billing address (validated with the order).
    pub fn billing_address(mut self, value: BillingAddressBuilder) -> Self {
        self.billing_address = Some(value);
        self
    }

    /// Where the callback URL is loaded when the payment page runs in an iframe (Pesapal's
    /// default, when not set: [`RedirectMode::TopWindow`]).
    pub fn redirect_mode(mut self, value: RedirectMode) -> Self {
        self.redirect_mode = Some(value);
        self
    }

    /// The store or branch of your business the payment is credited to.
    pub fn branch(mut self, value: impl Into<String>) -> Self {
        self.branch = Some(value.into());
        self
    }

    /// Makes the order recurring: `account_number` identifies the customer's account or invoice
    /// (it comes back as the [`crate::Notification::merchant_reference`] of `RECURRING`
    /// notifications); `subscription` fixes the schedule, otherwise the customer chooses it on the
    /// payment page.
    pub fn recurring(mut self, account_number: impl Into<String>, subscription: Option<Subscription>) -> Self {
        self.account_number = Some(account_number.into());
        self.subscription = subscription;
        self
    }

    /// The order's fields, or `None` with every violation pushed. `Id` and `Description` are
    /// the generated types of the body they go into (SubmitOrderRequest's or the STK push's),
    /// whose rules they are checked by.
    fn validate<Id, Description>(self, errors: &mut ValidationErrors) -> Option<OrderFields<Id, Description>>
    where
        Id: TryFrom<String>,
        Id::Error: std::fmt::Display,
        Description: TryFrom<String>,
        Description::Error: std::fmt::Display,
    {
        let id = require(errors, "id", self.merchant_reference).and_then(|v| spec_checked(errors, "id", v));
        let currency = require(errors, "currency", self.currency).and_then(|v| check_currency(errors, "currency", v));
        let amount = check_amount(errors, "amount", self.amount);
        let description =
            require(errors, "description", self.description).and_then(|v| spec_checked(errors, "description", v));
        let callback_url =
            require(errors, "callback_url", self.callback_url).and_then(|v| check_url(errors, "callback_url", v));
        let cancellation_url = self.cancellation_url.map(|v| check_url(errors, "cancellation_url", v));
        if self.notification_id.is_none() {
            errors.push("notification_id", "is required (the ipn_id of a registered IPN URL)");
        }
        let billing_address = match self.billing_address {
            Some(address) => errors.prefixed("billing_address", |errors| address.validate(errors)),
            None => {
                errors.push("billing_address", "is required");
                None
            }
        };
        let account_number = self.account_number.map(|v| require(errors, "account_number", Some(v)));
        let branch = self.branch.map(|v| require(errors, "branch", Some(v)));
        let subscription_details = self
            .subscription
            .map(|subscription| errors.prefixed("subscription_details", |errors| subscription.validate(errors)));
        Some(OrderFields {
            id: id?,
            currency: currency?,
            amount: amount?,
            description: description?,
            callback_url: callback_url?,
            cancellation_url: optional(cancellation_url)?,
            notification_id: self.notification_id?,
            billing_address: billing_address?,
            account_number: optional(account_number)?,
            subscription_details: optional(subscription_details)?,
            redirect_mode: self.redirect_mode.map(types::RedirectMode::from),
            branch: optional(branch)?,
        })
    }

    /// Validates the order, reporting every violation at once. Nothing is sent.
    pub fn build(self) -> Result<OrderRequest, Error> {
        let mut errors = ValidationErrors::default();
        let body = self.validate(&mut errors).and_then(|order| order_body(order, &mut errors));
        errors.into_value(body.map(|body| OrderRequest { body }))
    }
}

/// An order's fields once checked, ready for the generated builder of the body they go into.
/// `Id` and `Description` are that body's generated types (the two bodies share no Rust type).
struct OrderFields<Id, Description> {
    id: Id,
    currency: String,
    amount: Decimal,
    description: Description,
    callback_url: String,
    cancellation_url: Option<String>,
    notification_id: Uuid,
    billing_address: types::BillingAddress,
    account_number: Option<String>,
    subscription_details: Option<types::SubmitOrderRequestBodySubscriptionDetails>,
    redirect_mode: Option<types::RedirectMode>,
    branch: Option<String>,
}

/// SubmitOrderRequest's body.
fn order_body(
    order: OrderFields<types::SubmitOrderRequestBodyId, types::SubmitOrderRequestBodyDescription>,
    errors: &mut ValidationErrors,
) -> Option<types::SubmitOrderRequestBody> {
    let body = types::SubmitOrderRequestBody::builder()
        .id(order.id)
        .currency(order.currency)
        .amount(order.amount)
        .description(order.description)
        .callback_url(order.callback_url)
        .cancellation_url(order.cancellation_url)
        .notification_id(order.notification_id)
        .billing_address(order.billing_address)
        .account_number(order.account_number)
        .subscription_details(order.subscription_details)
        .redirect_mode(order.redirect_mode)
        .branch(order.branch);
    assembled(errors, body)
}

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

    /// Validates the refund, reporting every violation at once. Nothing is sent.
    pub fn build(self) -> Result<RefundRequest, Error> {
        let mut errors = ValidationErrors::default();
        let confirmation_code = require(&mut errors, "confirmation_code", self.confirmation_code);
        let amount = check_amount(&mut errors, "amount", self.amount);
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

/// A mobile-money STK push: an order plus the phone to prompt and the channel, validated.
///
/// **Unverified shape**: Pesapal documents this endpoint only by a Postman sample.
#[derive(Debug, Clone, PartialEq)]
pub struct StkPushRequest {
    pub(crate) body: types::StkBody,
}

/// Builds a [`StkPushRequest`]; see [`StkPushRequest::builder`].
#[derive(Debug, Clone, Default)]
pub struct StkPushRequestBuilder {
    order: Option<OrderRequestBuilder>,
    msisdn: Option<String>,
    payment_method: Option<String>,
}

impl StkPushRequest {
    /// Starts an STK push.
    ///
    /// ```
    /// use pesapal_api::{BillingAddress, OrderRequest, StkPushRequest};
    /// use rust_decimal::Decimal;
    ///
    /// let push = StkPushRequest::builder()
    ///     .order(
    ///         OrderRequest::builder()
    ///             .merchant_reference("ORDER-7")
    ///             .amount(Decimal::new(100, 0))
    ///             .currency("KES")
    ///             .description("Coffee")
    ///             .callback_url("https://shop.example.com/pesapal/callback")
    ///             .notification_id("fe078e53-78da-4a83-aa89-e7ded5c456e6".parse().unwrap())
    ///             .billing_address(BillingAddress::builder().phone_number("0723000000")),
    ///     )
    ///     .msisdn("0723000000")
    ///     .payment_method("MpesaKE")
    ///     .build();
    /// assert!(push.is_ok());
    /// ```
    pub fn builder() -> StkPushRequestBuilder {
        StkPushRequestBuilder::default()
    }
}

impl StkPushRequestBuilder {
    /// The order to pay (validated with the push; it must not be recurring).
    pub fn order(mut self, value: OrderRequestBuilder) -> Self {
        self.order = Some(value);
        self
    }

    /// The mobile number to prompt, 9 to 15 digits with an optional `+`.
    pub fn msisdn(mut self, value: impl Into<String>) -> Self {
        self.msisdn = Some(value.into());
        self
    }

    /// The mobile-money channel, e.g. `MpesaKE`.
    pub fn payment_method(mut self, value: impl Into<String>) -> Self {
        self.payment_method = Some(value.into());
        self
    }

    /// Validates the push, reporting every violation at once. Nothing is sent.
    pub fn build(self) -> Result<StkPushRequest, Error> {
        let mut errors = ValidationErrors::default();
        let order = match self.order {
            Some(order) if order.account_number.is_some() => {
                errors.push("account_number", "an STK push cannot be recurring");
                None
            }
            Some(order) => order.validate::<types::StkBodyId, types::StkBodyDescription>(&mut errors),
            None => {
                errors.push("order", "is required");
                None
            }
        };
        let msisdn = require(&mut errors, "msisdn", self.msisdn).filter(|msisdn| {
            let digits = msisdn.strip_prefix('+').unwrap_or(msisdn);
            let valid = (9..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
            if !valid {
                errors.push("msisdn", format!("{msisdn:?} is not a mobile number (9 to 15 digits, optional +)"));
            }
            valid
        });
        let payment_method = require(&mut errors, "payment_method", self.payment_method);
        let body = match (order, msisdn, payment_method) {
            (Some(order), Some(msisdn), Some(payment_method)) => stk_body(order, msisdn, payment_method, &mut errors),
            _ => None,
        };
        errors.into_value(body.map(|body| StkPushRequest { body }))
    }
}

/// The STK body: the order's fields (checked by the STK body's own generated types) plus the
/// phone and the channel.
fn stk_body(
    order: OrderFields<types::StkBodyId, types::StkBodyDescription>,
    msisdn: String,
    payment_method: String,
    errors: &mut ValidationErrors,
) -> Option<types::StkBody> {
    let body = types::StkBody::builder()
        .id(order.id)
        .currency(order.currency)
        .amount(order.amount)
        .description(order.description)
        .callback_url(order.callback_url)
        .cancellation_url(order.cancellation_url)
        .notification_id(order.notification_id)
        .billing_address(order.billing_address)
        .redirect_mode(order.redirect_mode)
        .branch(order.branch)
        .msisdn(msisdn)
        .payment_method(payment_method);
    assembled(errors, body)
}

// ---- The small bodies the client fills itself --------------------------------------------------

/// A body the client fills from values it has checked, assembled by its generated builder.
fn filled<B, T>(builder: B) -> Result<T, Error>
where
    T: TryFrom<B, Error = types::error::ConversionError>,
{
    let mut errors = ValidationErrors::default();
    let body = assembled(&mut errors, builder);
    errors.into_value(body)
}

/// RegisterIPN's body, for a URL [`crate::Pesapal::register_ipn`] has checked.
pub(crate) fn ipn_registration_body(url: &str, method: IpnMethod) -> Result<types::RegisterIpnBody, Error> {
    let notification_type = match method {
        IpnMethod::Get => types::RegisterIpnBodyIpnNotificationType::Get,
        IpnMethod::Post => types::RegisterIpnBodyIpnNotificationType::Post,
    };
    filled(types::RegisterIpnBody::builder().url(url.to_owned()).ipn_notification_type(notification_type))
}

/// CancelOrder's body.
pub(crate) fn cancellation_body(order_tracking_id: Uuid) -> Result<types::CancelOrderBody, Error> {
    filled(types::CancelOrderBody::builder().order_tracking_id(order_tracking_id))
}

/// RequestToken's body.
pub(crate) fn token_body(consumer_key: &str, consumer_secret: &str) -> Result<types::RequestTokenBody, Error> {
    filled(
        types::RequestTokenBody::builder()
            .consumer_key(consumer_key.to_owned())
            .consumer_secret(consumer_secret.to_owned()),
    )
}

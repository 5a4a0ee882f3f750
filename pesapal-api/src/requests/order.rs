//! [`OrderRequest`]: a payment order for SubmitOrderRequest, one-off or recurring
//! ([`Subscription`], [`Frequency`]), validated. Its fields are shared with the STK push
//! ([`OrderFields`]).

use crate::error::{Error, ValidationErrors};
use crate::requests::address::BillingAddressBuilder;
use crate::validation::{self, assembled, optional, require, spec_checked};
use chrono::NaiveDate;
use pesapal_gen::types;
use rust_decimal::Decimal;
use uuid::Uuid;

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
            Error::invalid(
                "subscription_details.frequency",
                format!("unknown frequency {name:?}: use DAILY, WEEKLY, MONTHLY or YEARLY"),
            )
        })
    }
}

impl std::fmt::Display for Frequency {
    /// `DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`, as on the wire.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.wire().fmt(f)
    }
}

impl Frequency {
    /// The generated value this is (its `Display` is the wire's spelling).
    fn wire(self) -> types::SubmitOrderRequestBodySubscriptionDetailsFrequency {
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
///
/// Made with [`Subscription::new`] (`#[non_exhaustive]`: Pesapal may document more of a
/// schedule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subscription {
    /// First charge.
    pub start: NaiveDate,
    /// Last charge; after `start`.
    pub end: NaiveDate,
    /// How often.
    pub frequency: Frequency,
}

impl Subscription {
    /// Charges `frequency` from `start` to `end` (checked with the order: `end` after `start`).
    pub fn new(start: NaiveDate, end: NaiveDate, frequency: Frequency) -> Subscription {
        Subscription { start, end, frequency }
    }

    fn validate(self, errors: &mut ValidationErrors) -> Option<types::SubmitOrderRequestBodySubscriptionDetails> {
        if self.end <= self.start {
            errors.push("end_date", format!("{} must be after start_date {}", self.end, self.start));
            return None;
        }
        // Sent as `dd-MM-yyyy`, the spec's pattern, by the type the generator maps it to.
        let details = types::SubmitOrderRequestBodySubscriptionDetails::builder()
            .start_date(pesapal_gen::DayMonthYear::from(self.start))
            .end_date(pesapal_gen::DayMonthYear::from(self.end))
            .frequency(self.frequency.wire());
        assembled(errors, details)
    }
}

/// Where Pesapal loads `callback_url` after the payment when its page runs in an iframe
/// (`redirect_mode` on the wire; Pesapal's default is [`RedirectMode::TopWindow`]).
///
/// Not `#[non_exhaustive]`: an iframe has a top window and a parent, nothing else to load a page
/// into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RedirectMode {
    /// The topmost window (`TOP_WINDOW`).
    TopWindow,
    /// The iframe's immediate parent (`PARENT_WINDOW`).
    ParentWindow,
}

impl RedirectMode {
    /// The generated value this is.
    fn wire(self) -> types::RedirectMode {
        match self {
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
    ///     .recurring("ACC-42", Some(Subscription::new(
    ///         "2025-01-01".parse().unwrap(),
    ///         "2025-12-31".parse().unwrap(),
    ///         Frequency::Monthly,
    ///     )))
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

    /// The customer's billing address (validated with the order): a [`BillingAddressBuilder`],
    /// or a [`BillingAddress`](crate::BillingAddress) built before.
    pub fn billing_address(mut self, value: impl Into<BillingAddressBuilder>) -> Self {
        self.billing_address = Some(value.into());
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
    /// (it comes back as the [`Notification::merchant_reference`](crate::Notification::merchant_reference) of `RECURRING`
    /// notifications); `subscription` fixes the schedule, otherwise the customer chooses it on the
    /// payment page.
    pub fn recurring(mut self, account_number: impl Into<String>, subscription: Option<Subscription>) -> Self {
        self.account_number = Some(account_number.into());
        self.subscription = subscription;
        self
    }

    /// True when [`OrderRequestBuilder::recurring`] was called.
    pub(crate) fn is_recurring(&self) -> bool {
        self.account_number.is_some()
    }

    /// The order's fields, or `None` with every violation pushed. `Id` and `Description` are
    /// the generated types of the body they go into (SubmitOrderRequest's or the STK push's),
    /// whose rules they are checked by.
    pub(crate) fn validate<Id, Description>(self, errors: &mut ValidationErrors) -> Option<OrderFields<Id, Description>>
    where
        Id: TryFrom<String>,
        Id::Error: std::fmt::Display,
        Description: TryFrom<String>,
        Description::Error: std::fmt::Display,
    {
        let id = require(errors, "id", self.merchant_reference).and_then(|v| spec_checked(errors, "id", v));
        let currency =
            require(errors, "currency", self.currency).and_then(|v| validation::currency(errors, "currency", v));
        let amount = validation::amount(errors, "amount", self.amount);
        let description =
            require(errors, "description", self.description).and_then(|v| spec_checked(errors, "description", v));
        let callback_url =
            require(errors, "callback_url", self.callback_url).and_then(|v| validation::url(errors, "callback_url", v));
        let cancellation_url = self.cancellation_url.map(|v| validation::url(errors, "cancellation_url", v));
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
            redirect_mode: self.redirect_mode.map(RedirectMode::wire),
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
pub(crate) struct OrderFields<Id, Description> {
    pub(crate) id: Id,
    pub(crate) currency: String,
    pub(crate) amount: Decimal,
    pub(crate) description: Description,
    pub(crate) callback_url: String,
    pub(crate) cancellation_url: Option<String>,
    pub(crate) notification_id: Uuid,
    pub(crate) billing_address: types::BillingAddress,
    pub(crate) account_number: Option<String>,
    pub(crate) subscription_details: Option<types::SubmitOrderRequestBodySubscriptionDetails>,
    pub(crate) redirect_mode: Option<types::RedirectMode>,
    pub(crate) branch: Option<String>,
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

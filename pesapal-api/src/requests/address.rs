//! [`BillingAddress`]: the customer's billing address of an order, validated.

use crate::error::{Error, ValidationErrors};
use crate::validation::{assembled, phone_number, spec_checked};
use pesapal_gen::types;

/// A customer's billing address, validated. Pesapal needs an email address or a phone number.
///
/// An order takes it as it takes its builder
/// ([`OrderRequestBuilder::billing_address`](crate::OrderRequestBuilder::billing_address)): build
/// a customer's address once, use it for each of their orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingAddress {
    fields: AddressFields,
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
///
/// Each setter takes a text or an optional one ([`OptionalText`]), so that an optional form
/// field needs no `if let`: `None` leaves the field out.
#[derive(Debug, Clone, Default)]
pub struct BillingAddressBuilder {
    fields: AddressFields,
}

impl From<BillingAddress> for BillingAddressBuilder {
    /// A built address, to use in an order or to change.
    fn from(address: BillingAddress) -> BillingAddressBuilder {
        BillingAddressBuilder { fields: address.fields }
    }
}

/// A text, or maybe none: what the setters of [`BillingAddressBuilder`] take. Implemented for
/// `&str`, `String`, `&String` and their `Option`s; `None` means "not given".
pub trait OptionalText: sealed::Sealed {
    /// The text, if any.
    fn into_text(self) -> Option<String>;
}

mod sealed {
    /// Keeps [`super::OptionalText`] to the types of this file.
    pub trait Sealed {}
    impl Sealed for &str {}
    impl Sealed for String {}
    impl Sealed for &String {}
    impl Sealed for Option<&str> {}
    impl Sealed for Option<String> {}
    impl Sealed for Option<&String> {}
}

impl OptionalText for &str {
    fn into_text(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl OptionalText for String {
    fn into_text(self) -> Option<String> {
        Some(self)
    }
}

impl OptionalText for &String {
    fn into_text(self) -> Option<String> {
        Some(self.clone())
    }
}

impl OptionalText for Option<&str> {
    fn into_text(self) -> Option<String> {
        self.map(str::to_owned)
    }
}

impl OptionalText for Option<String> {
    fn into_text(self) -> Option<String> {
        self
    }
}

impl OptionalText for Option<&String> {
    fn into_text(self) -> Option<String> {
        self.cloned()
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl OptionalText) -> Self {
                self.fields.$name = value.into_text();
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
    ///
    /// // Optional form fields, as they come:
    /// let (phone, city): (Option<String>, Option<&str>) = (Some("0723000000".into()), None);
    /// assert!(BillingAddress::builder().phone_number(phone).city(city).build().is_ok());
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
    pub(crate) fn validate(self, errors: &mut ValidationErrors) -> Option<types::BillingAddress> {
        let before = errors.len();
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
            phone_number(errors, "phone_number", phone, "a phone number", 7..=15);
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
        if errors.len() != before {
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
        let fields = self.fields.clone();
        let valid = self.validate(&mut errors).is_some();
        errors.into_value(valid.then_some(BillingAddress { fields }))
    }
}

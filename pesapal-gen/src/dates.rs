//! The `dd-MM-yyyy` dates of recurring payments.

use std::fmt;
use std::str::FromStr;

/// A calendar date written `dd-MM-yyyy` on the wire (`24-01-2023`): the subscription dates of
/// SubmitOrderRequest. The spec declares them as strings with the pattern
/// `^[0-9]{2}-[0-9]{2}-[0-9]{4}$`; `cargo xtask spec` maps that schema to this type, which reads
/// exactly that shape and accepts only real dates (no `31-02-2023`). Checked here rather than by
/// a generated regular expression: a date is a date, and users' builds skip a regex engine.
///
/// ```
/// use pesapal_gen::DayMonthYear;
///
/// let date: DayMonthYear = "24-01-2023".parse().unwrap();
/// assert_eq!(date.to_string(), "24-01-2023");
/// assert!("2023-01-24".parse::<DayMonthYear>().is_err());
/// assert!("31-02-2023".parse::<DayMonthYear>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DayMonthYear(pub chrono::NaiveDate);

impl From<chrono::NaiveDate> for DayMonthYear {
    fn from(date: chrono::NaiveDate) -> Self {
        DayMonthYear(date)
    }
}

impl fmt::Display for DayMonthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%d-%m-%Y"))
    }
}

/// Why a text is not a `dd-MM-yyyy` date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotDayMonthYear(String);

impl fmt::Display for NotDayMonthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a dd-MM-yyyy date", self.0)
    }
}

impl std::error::Error for NotDayMonthYear {}

impl FromStr for DayMonthYear {
    type Err = NotDayMonthYear;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| if i == 2 || i == 5 { b == b'-' } else { b.is_ascii_digit() });
        shaped
            .then(|| chrono::NaiveDate::parse_from_str(text, "%d-%m-%Y").ok())
            .flatten()
            .map(DayMonthYear)
            .ok_or_else(|| NotDayMonthYear(text.to_owned()))
    }
}

impl TryFrom<&str> for DayMonthYear {
    type Error = NotDayMonthYear;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for DayMonthYear {
    type Error = NotDayMonthYear;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl serde::Serialize for DayMonthYear {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DayMonthYear {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

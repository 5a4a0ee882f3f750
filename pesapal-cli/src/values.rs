//! clap value parsers for the SDK's enums, built from their `FromStr`, `Display` and `ALL`: the
//! CLI mirrors none of them.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, Command};
use std::ffi::OsStr;
use std::fmt::Display;
use std::str::FromStr;

/// Parses a value with `T`'s `FromStr` (so every spelling the SDK accepts, in any case) and shows
/// `values` in lower case in `--help`, completions and the man page.
#[derive(Debug, Clone, Copy)]
pub struct SdkEnum<T: 'static> {
    values: &'static [T],
}

/// The parser for one of the SDK's enums, e.g. `sdk_enum(&Environment::ALL)`.
pub fn sdk_enum<T>(values: &'static [T]) -> SdkEnum<T> {
    SdkEnum { values }
}

impl<T: Display> SdkEnum<T> {
    fn names(&self) -> impl Iterator<Item = PossibleValue> + '_ {
        self.values.iter().map(|value| PossibleValue::new(value.to_string().to_ascii_lowercase()))
    }
}

impl<T> TypedValueParser for SdkEnum<T>
where
    T: FromStr + Display + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<T, clap::Error> {
        if let Some(parsed) = value.to_str().and_then(|text| text.parse().ok()) {
            return Ok(parsed);
        }
        // clap's own "invalid value … [possible values: …]" error, with its suggestions.
        let error = PossibleValuesParser::new(self.names()).parse_ref(cmd, arg, value).err();
        Err(error.unwrap_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd)))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.names()))
    }
}

#[cfg(test)]
mod tests {
    use super::sdk_enum;
    use clap::builder::TypedValueParser;
    use pesapal_api::{Environment, Frequency, IpnMethod};
    use std::ffi::OsStr;

    #[test]
    fn parses_with_the_sdk_and_lists_its_values() {
        let cmd = clap::Command::new("t");
        let env = sdk_enum(&Environment::ALL);
        assert_eq!(env.parse_ref(&cmd, None, OsStr::new("LIVE")).unwrap(), Environment::Live);
        assert_eq!(env.parse_ref(&cmd, None, OsStr::new("demo")).unwrap(), Environment::Sandbox);
        assert!(env.parse_ref(&cmd, None, OsStr::new("staging")).is_err());
        let names = |values: Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>| {
            values.map(|v| v.get_name().to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(names(env.possible_values().unwrap()), ["sandbox", "live"]);
        assert_eq!(names(sdk_enum(&IpnMethod::ALL).possible_values().unwrap()), ["get", "post"]);
        assert_eq!(
            names(sdk_enum(&Frequency::ALL).possible_values().unwrap()),
            ["daily", "weekly", "monthly", "yearly"]
        );
    }
}

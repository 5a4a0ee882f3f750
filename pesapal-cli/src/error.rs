//! Why a command failed, and how that is reported: the message, the JSON document and the exit
//! code.

use crate::output::{ErrorOutput, ViolationOutput};
use pesapal_api::{Operation, Sent, ValidationErrors};

/// Exit code: Pesapal rejected the request.
pub const EXIT_REJECTED: u8 = 1;
/// Exit code: bad usage or invalid input; nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: transport failure (or an unreadable answer).
pub const EXIT_TRANSPORT: u8 = 3;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Configuration is missing or wrong.
    #[error("{0}")]
    Config(String),
    /// The input broke rules; nothing was sent.
    #[error("invalid input, nothing was sent")]
    Invalid(ValidationErrors),
    /// The input file cannot be read, or its columns do not go together.
    #[error("{0}")]
    Input(String),
    /// The user (or the lack of a terminal) declined a live operation.
    #[error("{0}")]
    Refused(String),
    /// The SDK failed; `payment` says what to check when the outcome is unknown.
    #[error("{error}")]
    Api {
        /// The SDK's error.
        error: pesapal_api::Error,
        /// For a payment call: how to check before retrying.
        check: Option<String>,
    },
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

impl From<pesapal_api::Error> for CliError {
    fn from(error: pesapal_api::Error) -> CliError {
        CliError::Api { error, check: None }
    }
}

impl CliError {
    /// A payment call failed; `check` says what to check before retrying when its outcome is
    /// unknown.
    pub fn payment(error: pesapal_api::Error, check: impl Into<String>) -> CliError {
        CliError::Api { error, check: Some(check.into()) }
    }

    /// What to print and the exit code.
    pub fn report(&self) -> ErrorOutput {
        let base = |kind, message: String, exit_code| ErrorOutput {
            kind,
            message,
            violations: Vec::new(),
            code: None,
            outcome_unknown: false,
            hint: None,
            exit_code,
        };
        let violations = |errors: &ValidationErrors| {
            errors
                .violations()
                .iter()
                .map(|v| ViolationOutput { field: v.field().to_owned(), problem: v.problem().to_owned() })
                .collect()
        };
        match self {
            CliError::Config(message) => ErrorOutput {
                hint: Some("set PESAPAL_CONSUMER_KEY and PESAPAL_CONSUMER_SECRET; choose --env sandbox|live (or PESAPAL_ENVIRONMENT) and optionally --base-url (or PESAPAL_BASE_URL)".into()),
                ..base("config", message.clone(), EXIT_USAGE)
            },
            CliError::Invalid(errors) => ErrorOutput {
                violations: violations(errors),
                ..base("invalid_input", self.to_string(), EXIT_USAGE)
            },
            CliError::Input(message) => base("input", message.clone(), EXIT_USAGE),
            CliError::Refused(message) => base("refused", message.clone(), EXIT_USAGE),
            CliError::Io(e) => base("io", format!("cannot write the output: {e}"), EXIT_TRANSPORT),
            CliError::Api { error, check } => {
                use pesapal_api::Error as E;
                let unknown_hint = |check: &Option<String>| {
                    check.as_ref().map(|c| format!("the outcome is unknown: {c} before retrying"))
                };
                match error {
                    E::InvalidInput(errors) => ErrorOutput {
                        violations: violations(errors),
                        ..base("invalid_input", "invalid input, nothing was sent".into(), EXIT_USAGE)
                    },
                    E::Config(message) => base("config", message.clone(), EXIT_USAGE),
                    E::Authentication(rejection) => ErrorOutput {
                        code: rejection.code().map(str::to_owned),
                        hint: Some("check PESAPAL_CONSUMER_KEY, PESAPAL_CONSUMER_SECRET and the environment".into()),
                        ..base("authentication", error.to_string(), EXIT_REJECTED)
                    },
                    E::Rejected { rejection, .. } => ErrorOutput {
                        code: rejection.code().map(str::to_owned),
                        ..base("rejected", error.to_string(), EXIT_REJECTED)
                    },
                    E::Transport { sent, operation, .. } => {
                        let unknown = *sent == Sent::MaybeSent && *operation != Operation::RequestToken;
                        ErrorOutput {
                            outcome_unknown: unknown,
                            hint: if unknown { unknown_hint(check) } else { None },
                            ..base("transport", error.to_string(), EXIT_TRANSPORT)
                        }
                    }
                    E::Decode { operation, .. } if *operation != Operation::RequestToken => ErrorOutput {
                        outcome_unknown: check.is_some(),
                        hint: unknown_hint(check),
                        ..base("decode", error.to_string(), EXIT_TRANSPORT)
                    },
                    E::Decode { .. } => base("decode", error.to_string(), EXIT_TRANSPORT),
                    _ => base("error", error.to_string(), EXIT_TRANSPORT),
                }
            }
        }
    }
}

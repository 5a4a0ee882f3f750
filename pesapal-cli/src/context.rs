//! What every command shares: the global options, the client, printing and live confirmation.

use crate::error::CliError;
use pesapal_api::{ClientBuilder, Environment, Pesapal};
use serde::Serialize;
use std::fmt::Display;
use std::io::{BufRead, IsTerminal, Write};

/// The global options every command shares.
pub struct Context {
    /// `--env`.
    pub environment: Environment,
    /// `--base-url`, when not blank.
    pub base_url: Option<String>,
    /// `--json`.
    pub json: bool,
}

impl Context {
    /// The client, or a message naming everything that is missing.
    pub fn client(&self) -> Result<Pesapal, CliError> {
        // The credentials as the library reads them; the environment and base URL as clap read
        // them (flags, or the same environment variables).
        let config = |e: pesapal_api::Error| match e {
            pesapal_api::Error::Config(message) => CliError::Config(message),
            other => other.into(),
        };
        let mut builder = ClientBuilder::from_env().map_err(config)?.environment(self.environment);
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.clone());
        }
        builder.build().map_err(config)
    }

    /// Prints the command's result: JSON or human text.
    pub fn print<T: Serialize + Display>(&self, value: &T) -> Result<(), CliError> {
        let mut out = std::io::stdout().lock();
        if self.json {
            serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
            writeln!(out)?;
        } else {
            write!(out, "{value}")?;
        }
        Ok(())
    }

    /// On live, asks before an operation that moves or stops money, unless `--yes`. Without a
    /// terminal on stdin, refuses.
    pub fn confirm(&self, what: &str, yes: bool) -> Result<(), CliError> {
        if self.environment != Environment::Live || yes {
            return Ok(());
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(CliError::Refused(format!(
                "refusing to {what} on live without confirmation: no terminal to ask on; pass --yes to proceed"
            )));
        }
        eprint!("About to {what} on LIVE. Type 'yes' to continue: ");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if answer.trim().eq_ignore_ascii_case("yes") {
            Ok(())
        } else {
            Err(CliError::Refused(format!("not confirmed: did not {what}")))
        }
    }
}

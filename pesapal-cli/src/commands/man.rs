//! `pesapal man`.

use crate::cli::Cli;
use crate::error::CliError;
use clap::CommandFactory;

/// Prints the man page (roff).
pub fn run() -> Result<(), CliError> {
    clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
    Ok(())
}

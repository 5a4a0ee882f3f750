//! `pesapal completions SHELL`.

use crate::cli::Cli;
use crate::error::CliError;
use clap::CommandFactory;

/// Prints the completion script for `shell`.
pub fn run(shell: clap_complete::Shell) -> Result<(), CliError> {
    clap_complete::generate(shell, &mut Cli::command(), "pesapal", &mut std::io::stdout());
    Ok(())
}

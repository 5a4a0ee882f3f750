//! One module per subcommand; [`run`] dispatches.

mod cancel;
mod completions;
mod ipn;
mod man;
mod order;
mod reconcile;
mod refund;
mod status;
mod token;

use crate::cli::{Command, IpnCommand, OrderCommand};
use crate::context::Context;
use crate::error::CliError;

/// Runs `command`; returns the exit code of a command that ran to its end: 0, except for
/// `reconcile` when some orders could not be looked up (each said why on its own line).
pub async fn run(ctx: &Context, command: Command) -> Result<u8, CliError> {
    match command {
        Command::Reconcile(args) => return reconcile::run(ctx, &args).await,
        Command::Token => token::run(ctx).await,
        Command::Ipn(IpnCommand::Register { url, method }) => ipn::register(ctx, &url, method).await,
        Command::Ipn(IpnCommand::Ensure { url, method }) => ipn::ensure(ctx, &url, method).await,
        Command::Ipn(IpnCommand::List) => ipn::list(ctx).await,
        Command::Order(OrderCommand::Submit(args)) => order::submit(ctx, &args).await,
        Command::Status(args) => status::run(ctx, &args).await,
        Command::Refund(args) => refund::run(ctx, args).await,
        Command::Cancel(args) => cancel::run(ctx, &args).await,
        Command::Completions { shell } => completions::run(shell),
        Command::Man => man::run(),
    }?;
    Ok(0)
}

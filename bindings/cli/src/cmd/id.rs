//! `yinjian id`.

use std::process::ExitCode;

use clap::Subcommand;

use crate::io::emit;

#[derive(Subcommand)]
pub(crate) enum IdCommand {
    /// Validate an identifier (its kind is recognised from its shape) and show its parts.
    Check {
        /// The identifier.
        value: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs an `id` subcommand.
pub(crate) fn run(command: IdCommand) -> Result<ExitCode, String> {
    match command {
        IdCommand::Check { value, json } => Ok(emit(&yinjian::licence::check_identifier(&value), json)),
    }
}

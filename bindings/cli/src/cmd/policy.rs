//! `yinjian policy`: the validation policy (docs/POLICY.md): print the default, check a file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::policy::DEFAULT_POLICY_JSON;

use crate::options::read_policy;

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Print the default policy (what every verification uses without --policy), as JSON.
    Default,
    /// Check a policy file: print it completed with the defaults, or say which key is wrong.
    Check {
        /// The policy file (JSON).
        file: PathBuf,
    },
}

pub(crate) fn run(command: PolicyCommand) -> Result<ExitCode, String> {
    match command {
        PolicyCommand::Default => {
            print!("{DEFAULT_POLICY_JSON}");
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Check { file } => {
            let policy = read_policy(&file)?;
            println!("{}", policy.to_json_pretty());
            eprintln!("{}: a valid policy", file.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! The `rareflow` binary: parses arguments, hands each subcommand to its
//! function in [`commands`], and maps errors to the documented exit codes.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use rareflow::error::{exit, Error};

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version print on stdout and succeed.
            let _ = e.print();
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            return ExitCode::from(code as u8);
        }
    };
    match try_main(cli) {
        Ok(()) => ExitCode::from(exit::OK as u8),
        Err(e) => {
            report_error(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn try_main(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Solve(args) => commands::solve::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Invest(args) => commands::invest::run(args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Scenarios(args) => commands::scenarios::run(args),
        Command::Generate(args) => commands::generate::run(args),
    }
}

/// Every problem of a bad model, then the error itself, on stderr.
fn report_error(e: &Error) {
    if let Error::Invalid(diags) = e {
        for d in diags {
            eprintln!("{d}");
        }
    }
    eprintln!("error: {e}");
}

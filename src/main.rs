//! The `rareflow` binary: parses arguments, hands each subcommand to its
//! function in [`commands`], and maps errors to the documented exit codes.
//! Everything printed on stdout goes through [`commands::stdout::Stdout`]:
//! a reader that closes the pipe ends the run quietly with exit 0, any
//! other failure to write is exit 5.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use commands::stdout::{failure, Failure, Outcome, Stdout, Verbosity};
use rareflow::error::{exit, Error};

use cli::{Cli, Command};

/// mimalloc: a sweep allocates and frees a model, an LP and a plan per case
/// on every thread at once, where it is faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => finish(try_main(cli)),
        Err(e) => {
            // A usage error goes to stderr (exit 2); --help and --version
            // go to stdout and succeed.
            let printed = e.print();
            if e.use_stderr() {
                ExitCode::from(exit::USAGE as u8)
            } else {
                finish(printed.map_err(|io| failure(&io)))
            }
        }
    }
}

/// The exit code of a run: 0 when it finished or stdout's reader left,
/// else the error's, after reporting it.
fn finish(outcome: Outcome) -> ExitCode {
    match outcome {
        Ok(()) | Err(Failure::BrokenPipe) => ExitCode::from(exit::OK as u8),
        Err(Failure::Error(e)) => {
            report_error(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn try_main(cli: Cli) -> Outcome {
    commands::stdout::set_verbosity(match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    });
    // Tables keep within the terminal when stdout is one (comfy-table
    // knows the terminal's width only then).
    rareflow::report::terminal::set_width(comfy_table::Table::new().width());
    let out = &mut Stdout::new();
    match cli.command {
        Command::Solve(args) => commands::solve::run(args, out),
        Command::Compare(args) => commands::compare::run(args, out),
        Command::Invest(args) => commands::invest::run(args, out),
        Command::Validate(args) => commands::validate::run(args, out),
        Command::Scenarios(args) => commands::scenarios::run(args, out),
        Command::Generate(args) => commands::generate::run(args, out),
        Command::Export(args) => commands::export::run(args, out),
        Command::Explain(args) => commands::explain::run(args, out),
        Command::Stress(args) => commands::stress::run(args, out),
        Command::Sweep(args) => commands::sweep::run(args, out),
        Command::Merge(args) => commands::merge::run(args, out),
        Command::Diff(args) => commands::diff::run(args, out),
        Command::Report(args) => commands::report::run(args, out),
        Command::Graph(args) => commands::graph::run(args, out),
        Command::Init(args) => commands::init::run(args, out),
        Command::Completions(args) => commands::shell::completions(args.shell, out),
        Command::Man => commands::shell::man(out),
    }
}

/// Every problem of a bad model, then the error itself, on stderr, through
/// one buffer (a model with a million bad rows prints in one go). A failure
/// to write there is ignored: there is nowhere left to report it.
fn report_error(e: &Error) {
    use std::io::Write;
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    if let Error::Invalid(diags) = e {
        for d in diags {
            let _ = writeln!(err, "{d}");
        }
    }
    // Errors echo what the user typed (a market, a scenario, a flag's
    // value): shown escaped, like every diagnostic; a conflict's rules one
    // to a line.
    let text = match e {
        Error::Conflict(_) => e
            .to_string()
            .lines()
            .map(rareflow::error::printable)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => rareflow::error::printable(&e.to_string()),
    };
    let _ = writeln!(err, "error: {text}");
    let _ = err.flush();
}

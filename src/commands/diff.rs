//! `rareflow diff A B`: two solved plans compared, from their result
//! directories.

use rareflow::report::diff;
use rareflow::report::run::{Run, WithRun};

use super::stdout::{Outcome, Stdout};
use crate::cli::{DiffArgs, Format};

/// Reads both directories, compares them and prints the comparison.
pub fn run(args: DiffArgs, out: &mut Stdout) -> Outcome {
    let (a, b) = (
        diff::PlanFiles::read(&args.a)?,
        diff::PlanFiles::read(&args.b)?,
    );
    let d = diff::diff(&a, &b, args.market.as_deref(), args.top)?;
    match args.format.format {
        Format::Table => out.print(&diff::render(&d)),
        Format::Json => {
            let run = Run::new("diff")
                .option("a", &args.a)
                .option("b", &args.b)
                .option("market", &args.market)
                .option("top", args.top);
            out.json(&WithRun { run: &run, doc: &d })
        }
    }
}

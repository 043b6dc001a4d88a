//! `rareflow explain`: why the markets in a scope went without, in the
//! constraints that bind on their supply.

use rareflow::error::Error;
use rareflow::report::explain::{explain, text};
use rareflow::report::run::WithRun;

use super::stdout::{chatter, Outcome, Stdout};
use super::{print_warnings, solve_options, source, stacked_scenarios};
use crate::cli::{ExplainArgs, Format};

/// Solves the model with its scenarios (as `solve` does, verified), then
/// explains the scope's shortfalls and premiums.
pub fn run(args: ExplainArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    if super::is_all(&args.scenarios.names) {
        return Err(Error::Usage(
            "--scenarios all: explain applies its scenarios together, in order; \
             explain one future at a time"
                .into(),
        )
        .into());
    }
    let scenarios = stacked_scenarios(&src, &args.scenarios.names)?;
    let checked = rareflow::check(&src, &scenarios)?;
    let scope = super::scope_of(&checked.model, &args.scope)?;
    print_warnings(&checked.warnings);
    let name = &checked.model.settings.name;
    let run = super::run_info("explain", &src, name, &args.solver, Some(&args.scope))?
        .scenarios(&scenarios)
        .portfolios(&super::one_portfolio(args.portfolio.portfolio.as_deref()));
    let opts = solve_options(&args.solver, args.portfolio.portfolio);
    let sol = rareflow::solve_checked(checked, &opts)?;
    let e = explain(&sol.model, &sol.network, &sol.plan, &scope);
    match args.format.format {
        Format::Table => out.print(&text::render(&e, &sol.model.settings.currency, args.top))?,
        Format::Json => out.json(&WithRun { run: &run, doc: &e })?,
    }
    let t = sol.timings;
    chatter(format_args!(
        "times: load {:.3}s, checks {:.3}s, build {:.3}s, solve {:.3}s, verify {:.3}s",
        t.load, t.validate, t.build, t.solve, t.verify
    ));
    Ok(())
}

//! `rareflow explain`: why the markets in a scope went without, in the
//! constraints that bind on their supply.

use rareflow::error::Error;
use rareflow::report::explain::{explain, text};
use rareflow::report::scope::Scope;

use super::stdout::{note, Outcome, Stdout};
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
    let scope = scope_of(&checked.model, &args.scope)?;
    print_warnings(&checked.warnings);
    let opts = solve_options(&args.solver, args.portfolio.portfolio);
    let sol = rareflow::solve_checked(checked, &opts)?;
    let e = explain(&sol.model, &sol.network, &sol.plan, &scope);
    match args.format.format {
        Format::Table => out.print(&text::render(&e, &sol.model.settings.currency, args.top))?,
        Format::Json => out.json(&e)?,
    }
    let t = sol.timings;
    note(format_args!(
        "times: load {:.3}s, checks {:.3}s, build {:.3}s, solve {:.3}s, verify {:.3}s",
        t.load, t.validate, t.build, t.solve, t.verify
    ));
    Ok(())
}

/// The scope named on the command line, checked against the model.
pub fn scope_of(
    model: &rareflow::model::Model,
    args: &crate::cli::ScopeArgs,
) -> Result<Scope, Error> {
    Scope::parse(
        model,
        args.market.as_deref(),
        args.sector.as_deref(),
        args.periods.as_deref(),
    )
}

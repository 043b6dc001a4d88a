//! `rareflow explain`: why the markets in a scope went without, in the
//! constraints that bind on their supply.

use rareflow::error::Error;
use rareflow::report::explain::{explain, text};
use rareflow::report::run::WithRun;
use rareflow::report::scope::Scope;

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
    let scope = scope_of(&checked.model, &args.scope)?;
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

/// What compare's cells and sweep's cases measure: the dependency column
/// (`--dependency`, by default China's share of the magnets of `--market`'s
/// country, or of the US's), and the scope of the given-up, unserved and
/// spend columns.
pub fn measure_of(
    model: &rareflow::model::Model,
    dependency: &crate::cli::DependencyArg,
    scope: &crate::cli::ScopeArgs,
) -> Result<rareflow::compare::Measure, Error> {
    let scope = scope_of(model, scope)?;
    let text = match &dependency.dependency {
        Some(text) => text.clone(),
        None => {
            let market = scope
                .market
                .map_or("US", |m| model.countries[m.0].code.as_str());
            format!("CN:{market}:magnet")
        }
    };
    Ok(rareflow::compare::Measure::parse(&text, model)?.scoped(scope, model))
}

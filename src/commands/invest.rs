//! `rareflow invest`: one build plan for every future, chosen before the
//! future is known.

use rareflow::invest::{self, Objective};
use rareflow::report::run::WithRun;
use rareflow::report::sweeps;

use super::stdout::{Outcome, Stdout};
use super::{futures, portfolio, print_futures_warnings, solve_options, source, weights};
use clap::ValueEnum;

use crate::cli::{Format, InvestArgs, InvestObjective};

/// Checks the futures, weights and portfolio against the model, prints
/// the futures' warnings, solves the extensive form and prints the
/// investment.
pub fn run(args: InvestArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    let checked = rareflow::check(&src, &[])?;
    let name = args.portfolio.portfolio;
    portfolio(&checked.model, name.as_deref())?;
    let futures = futures(&src, &args.futures.names)?;
    let weights = weights(&args.futures.weights, &futures)?;
    print_futures_warnings(&src, &futures);
    let futures: Vec<(String, f64)> = futures
        .into_iter()
        .map(|s| {
            let w = weights.iter().find(|w| w.0 == s).map_or(1.0, |w| w.1);
            (s, w)
        })
        .collect();
    let objective = match args.objective {
        InvestObjective::Expected => Objective::Expected,
        InvestObjective::Regret => Objective::Regret,
        InvestObjective::Cvar => Objective::Cvar {
            lambda: args.risk,
            alpha: args.alpha,
        },
    };
    let run = super::run_info(
        "invest",
        &src,
        &checked.model.settings.name,
        &args.solver,
        None,
    )?
    .scenarios(&futures.iter().map(|f| f.0.clone()).collect::<Vec<_>>())
    .portfolios(&super::one_portfolio(name.as_deref()))
    .option(
        "objective",
        args.objective
            .to_possible_value()
            .map(|v| v.get_name().to_string()),
    )
    .option("risk", args.risk)
    .option("alpha", args.alpha)
    .option("weights", &args.futures.weights);
    let opts = solve_options(&args.solver, name);
    // Progress on stderr, like compare: the own-best solves, then the
    // shared plan, then the futures priced with the baseline's builds.
    let spinner = super::spinner();
    let r = invest::invest(&src, &futures, objective, &opts, &|step| {
        spinner.set_message(step.to_string())
    });
    spinner.finish_and_clear();
    let r = r?;
    match args.format.format {
        Format::Table => out.print(&sweeps::render_investment(
            &r,
            &checked.model.settings.currency,
            opts.mip_gap,
        )),
        Format::Json => out.json(&WithRun { run: &run, doc: &r }),
    }
}

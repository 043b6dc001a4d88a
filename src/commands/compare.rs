//! `rareflow compare`: every portfolio under every future, in parallel.
//!
//! Every name on the command line (portfolios, scenarios, weights, the
//! dependency measure) is checked against the model before any cell is
//! solved, so a typo fails at once instead of filling the matrix with
//! failed cells.

use rareflow::compare::{self, Comparison, Measure};
use rareflow::error::Result;
use rareflow::report::files::{self, COMPARISON_FILES};
use rareflow::report::run::WithRun;
use rareflow::report::sweeps;

use super::stdout::{print_then_commit, Outcome, Stdout};
use super::{
    futures, out_target, portfolios, print_futures_warnings, solve_options, source, weights,
    ModelSource, SolveOptions,
};
use crate::cli::{CompareArgs, Format};

/// What to solve, every name checked against the model.
struct Request {
    portfolios: Vec<String>,
    futures: Vec<String>,
    weights: Vec<(String, f64)>,
    measure: Measure,
    opts: SolveOptions,
    currency: String,
    /// The model's name.
    model: String,
}

/// Checks the arguments and `--out`, prints the futures' warnings, solves
/// the cells, stages the files (with `--out`), prints the comparison and
/// only then swaps the files in.
pub fn run(args: CompareArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    let plan = request(&src, &args)?;
    // Like solve's, compare's files never go into the model's directory.
    let target = out_target(args.output.out.as_deref(), &src, COMPARISON_FILES)?;
    print_futures_warnings(&src, &plan.futures);
    let run = super::run_info(
        "compare",
        &src,
        &plan.model,
        &args.solver,
        Some(&args.scope),
    )?
    .scenarios(&plan.futures)
    .portfolios(&plan.portfolios)
    .option("weights", &args.futures.weights)
    .option("dependency", &args.dependency.dependency);
    super::check_html(args.html.as_deref(), &src, args.output.out.as_deref())?;
    let c = solve(&src, &plan, args.solver.threads)?;
    let staged = match &target {
        Some(t) => Some(t.stage(&files::comparison_files(&c, &plan.measure)?)?),
        None => None,
    };
    let html = super::stage_html(args.html.as_deref(), || {
        rareflow::report::charts::comparison(&c, &plan.measure, &plan.currency)
    })?;
    let printed = print_then_commit(out, staged, |out| match args.output.format.format {
        Format::Table => out.print(&sweeps::render_comparison(
            &c,
            &plan.measure,
            &plan.currency,
            plan.opts.mip_gap,
        )),
        Format::Json => out.json(&WithRun { run: &run, doc: &c }),
    });
    super::commit_html(printed, html)
}

/// The model without scenarios names the portfolios and countries.
fn request(src: &ModelSource, args: &CompareArgs) -> Result<Request> {
    let checked = rareflow::check(src, &[])?;
    let model = &checked.model;
    let futures = futures(src, &args.futures.names)?;
    Ok(Request {
        portfolios: portfolios(model, &args.portfolios)?,
        weights: weights(&args.futures.weights, &futures)?,
        futures,
        measure: super::measure_of(model, &args.dependency, &args.scope)?,
        opts: solve_options(&args.solver, None),
        currency: model.settings.currency.clone(),
        model: model.settings.name.clone(),
    })
}

/// Solves every cell with a progress bar on stderr, on `threads` cells at
/// once when given (else one per core).
fn solve(src: &ModelSource, plan: &Request, threads: Option<u32>) -> Result<Comparison> {
    let cells = plan.portfolios.len() * plan.futures.len();
    super::in_parallel(cells, "cells", threads, |tick| {
        compare::compare(
            src,
            &plan.portfolios,
            &plan.futures,
            &plan.weights,
            &plan.opts,
            &plan.measure,
            tick,
        )
    })
}

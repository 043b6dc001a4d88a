//! `rareflow sweep`: one plan per case of a grid or a sample of parameter
//! values, in parallel. Every parameter, scenario and portfolio is checked
//! against the model before any case is solved.

use rareflow::compare::Measure;
use rareflow::engine::Tally;
use rareflow::error::{Error, Result};
use rareflow::report::run::WithRun;
use rareflow::sweep::{self, params, report, Case};

use super::stdout::{print_then_commit, Outcome, Stdout};
use super::{out_target, print_warnings, solve_options, source, stacked_scenarios};
use crate::cli::{Format, SweepArgs};

/// The document `--format json` prints.
#[derive(serde::Serialize)]
struct Document<'a> {
    parameters: Vec<&'a str>,
    /// The scope of each case's given-up, unserved and spend figures;
    /// absent for the world.
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    solved: Tally,
    cases: &'a [Case],
}

/// Checks everything, solves the cases with a progress bar, stages
/// `sweep.csv` (with `--out`), prints the table and then swaps the file in.
pub fn run(args: SweepArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    if super::is_all(&args.scenarios.names) {
        return Err(
            Error::Usage("--scenarios all: a sweep applies its scenarios together".into()).into(),
        );
    }
    let scenarios = stacked_scenarios(&src, &args.scenarios.names)?;
    let checked = rareflow::check(&src, &scenarios)?;
    print_warnings(&checked.warnings);
    let model = &checked.model;
    if let Some(p) = &args.portfolio.portfolio {
        rareflow::resolve_portfolio(model, Some(p))?;
    }
    let params: Vec<params::Param> = (args.set.iter())
        .map(|s| params::parse(s, model))
        .collect::<Result<_>>()?;
    let measure = super::measure_of(model, &args.dependency, &args.scope)?;
    let cases = match args.samples {
        Some(n) => sweep::latin_hypercube(&params, n as usize, args.seed),
        None => sweep::grid(&params),
    };
    if cases.len() > 100_000 {
        return Err(Error::Usage(format!("{} cases: at most 100,000", cases.len())).into());
    }
    let shard = args
        .shard
        .as_deref()
        .map(sweep::merge::Shard::parse)
        .transpose()?;
    let target = out_target(args.output.out.as_deref(), &src, report::SWEEP_FILES)?;
    let run = super::run_info(
        "sweep",
        &src,
        &model.settings.name,
        &args.solver,
        Some(&args.scope),
    )?
    .scenarios(&scenarios)
    .portfolios(&super::one_portfolio(args.portfolio.portfolio.as_deref()))
    .option("set", &args.set)
    .option("samples", args.samples)
    .option("seed", args.samples.map(|_| args.seed))
    .option("shard", &args.shard)
    .option("dependency", &args.dependency.dependency);
    let opts = solve_options(&args.solver, args.portfolio.portfolio.clone());
    let currency = model.settings.currency.clone();
    let columns = shared_columns(model, &measure);
    let work = sweep::Sweep {
        source: &src,
        scenarios: &scenarios,
        params: &params,
        cases: &cases,
        opts: &opts,
        measure: &measure,
        shard,
    };
    super::check_html(args.html.as_deref(), &src, args.output.out.as_deref())?;
    let (solved, tally) = solve(&work, args.solver.threads)?;
    let html = super::stage_html(args.html.as_deref(), || {
        rareflow::report::charts::sweep(&params, &solved, &measure, &currency)
    })?;
    let staged = match &target {
        Some(t) => {
            let text = report::csv(&params, &solved, cases.len(), &measure, &columns)?;
            Some(t.stage(&[("sweep.csv", text)])?)
        }
        None => None,
    };
    let printed = print_then_commit(out, staged, |out| match args.output.format.format {
        Format::Table => out.print(&report::render(&params, &solved, &measure, &currency)),
        Format::Json => out.json(&WithRun {
            run: &run,
            doc: &Document {
                parameters: params.iter().map(|p| p.label.as_str()).collect(),
                scope: measure.scope_key.as_deref(),
                solved: tally,
                cases: &solved,
            },
        }),
    });
    super::commit_html(printed, html)
}

/// Every country and sector with demand in the model as given (in the
/// measure's scope), and the commodities the scope's market (else the
/// dependency market) buys: columns that every case (and every slice)
/// shares.
fn shared_columns(model: &rareflow::model::Model, measure: &Measure) -> report::Columns {
    let scope = &measure.scope;
    let in_scope = |d: &rareflow::model::Demand| {
        let c = &model.countries[d.country.0].code;
        scope.has_names(model, Some(c), Some(&d.sector), None)
    };
    let mut markets: Vec<String> = (model.demand.iter())
        .filter(|d| in_scope(d))
        .map(|d| format!("{}:{}", model.countries[d.country.0].code, d.sector))
        .collect();
    markets.sort();
    markets.dedup();
    let price_market = measure.price_market(model);
    let mut prices: Vec<String> = (model.demand.iter())
        .filter(|d| in_scope(d) && model.countries[d.country.0].code == price_market)
        .map(|d| model.commodities[d.commodity.0].id.clone())
        .collect();
    prices.sort();
    prices.dedup();
    report::Columns {
        markets,
        prices,
        price_market,
    }
}

/// Solves the cases (of the shard) with a progress bar on stderr, `threads`
/// at once when given (else one per core).
/// Says on stderr how the cases were solved.
fn solve(w: &sweep::Sweep, threads: Option<u32>) -> Result<(Vec<Case>, Tally)> {
    let (cases, bases) = super::in_parallel(w.len(), "cases", threads, |tick| w.run(tick))?;
    let tally = Tally::of(cases.iter().map(|c| c.start), bases);
    super::stdout::chatter(tally.describe("cases"));
    Ok((cases, tally))
}

//! `rareflow stress`: which cut-offs of a market's suppliers hurt it most.

use rareflow::engine::Tally;
use rareflow::error::{Error, Result};
use rareflow::report::run::WithRun;
use rareflow::stress::{self, report, By, Case, Effect, Request, Stress};
use rareflow::Checked;

use super::stdout::{print_then_commit, Outcome, Stdout};
use super::{out_target, print_warnings, solve_options, source, stacked_scenarios};
use clap::ValueEnum;

use crate::cli::{Format, StressArgs, StressBy, StressStage};

/// The document `--format json` prints.
#[derive(serde::Serialize)]
struct Document<'a> {
    /// The market, sector and years measured.
    scope: String,
    /// The suppliers tried.
    suppliers: Vec<String>,
    /// Nothing cut off.
    reference: &'a Effect,
    solved: Tally,
    cases: &'a [Case],
}

/// Checks the model, the market and the sector; solves the reference plan
/// (nothing cut off) and finds the suppliers on the market's paths; solves
/// every set of up to K of them cut off, warm, with a progress bar; stages
/// `stress.csv` (with `--out`), prints the rankings and swaps the file in.
pub fn run(args: StressArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    if super::is_all(&args.scenarios.names) {
        return Err(Error::Usage(
            "--scenarios all: a stress test applies its scenarios together".into(),
        )
        .into());
    }
    let scenarios = stacked_scenarios(&src, &args.scenarios.names)?;
    let checked = rareflow::check(&src, &scenarios)?;
    print_warnings(&checked.warnings);
    let model = checked.model;
    let run = super::run_info("stress", &src, &model.settings.name, &args.solver, None)?
        .scenarios(&scenarios)
        .portfolios(&super::one_portfolio(args.portfolio.portfolio.as_deref()))
        .option("market", &args.market)
        .option("sector", &args.sector)
        .option("k", args.k)
        .option("from", &args.from)
        .option(
            "by",
            args.by
                .to_possible_value()
                .map(|v| v.get_name().to_string()),
        )
        .option("global", args.global)
        .option("shard", &args.shard);
    let request = request(&model, &args)?;
    if let Some(p) = &args.portfolio.portfolio {
        rareflow::resolve_portfolio(&model, Some(p))?;
    }
    let shard = (args.shard.as_deref())
        .map(rareflow::sweep::merge::Shard::parse)
        .transpose()?;
    let target = out_target(args.output.out.as_deref(), &src, report::STRESS_FILES)?;
    let opts = solve_options(&args.solver, args.portfolio.portfolio.clone());
    let base = rareflow::solve_checked(Checked::from_model(model.clone()), &opts)?;
    let scope = request.scope(&model);
    let reference = stress::effect(&base.model, &base.plan, &scope);
    let suppliers = stress::suppliers(&base.model, &base.network, &base.plan, &request);
    let n = stress::count_sets(suppliers.len(), request.k);
    if n > 100_000 {
        return Err(Error::Usage(format!(
            "{n} sets of up to {} of {} suppliers: at most 100,000 (lower --k)",
            request.k,
            suppliers.len()
        ))
        .into());
    }
    let sets = stress::sets(suppliers.len(), request.k);
    let work = Stress {
        model: &model,
        network: &base.network,
        request: &request,
        suppliers: &suppliers,
        sets: &sets,
        opts: &opts,
        shard,
    };
    let (solved, tally) = solve(&work, args.solver.threads)?;
    // The reference is case 1, written by the first slice.
    let mut cases = Vec::with_capacity(solved.len() + 1);
    if shard.is_none_or(|s| s.k == 1) {
        cases.push(report::reference(reference));
    }
    cases.extend(solved);
    let staged = match &target {
        Some(t) => {
            let words = request.words(&model);
            let text = report::csv(&cases, sets.len() + 1, &reference, &words)?;
            Some(t.stage(&[("stress.csv", text)])?)
        }
        None => None,
    };
    let what = format!("{} ({})", scope.label(&model), by_words(&request));
    let currency = model.settings.currency.clone();
    print_then_commit(out, staged, |out| match args.output.format.format {
        Format::Table => out.print(&report::render(
            &cases, &reference, &what, &currency, args.top,
        )),
        Format::Json => out.json(&WithRun {
            run: &run,
            doc: &Document {
                scope: scope.label(&model),
                suppliers: suppliers.iter().map(|&s| stress::name(&model, s)).collect(),
                reference: &reference,
                solved: tally,
                cases: &cases,
            },
        }),
    })
}

/// The request of the command line, checked against the model.
fn request(model: &rareflow::model::Model, args: &StressArgs) -> Result<Request> {
    let scope = rareflow::report::scope::Scope::parse(
        model,
        Some(&args.market),
        args.sector.as_deref(),
        None,
    )?;
    let from = match &args.from {
        None => rareflow::model::PeriodId(0),
        Some(year) => first_period(model, year)?,
    };
    Ok(Request {
        market: scope
            .market
            .ok_or_else(|| Error::Internal("no market".into()))?,
        sector: scope.sector,
        from,
        k: args.k as usize,
        by: match args.by {
            StressBy::Country => By::Country,
            StressBy::Facility => By::Facility,
        },
        global: args.global,
        stages: stage_set(&args.stages),
    })
}

/// The stages named on the command line (none named: every stage).
fn stage_set(stages: &[StressStage]) -> rareflow::model::StageSet {
    if stages.is_empty() {
        return rareflow::model::StageSet::ALL;
    }
    let bits = stages.iter().fold(0u8, |b, s| b | 1 << (*s as u8));
    rareflow::model::StageSet(bits)
}

/// The period that starts in `year`.
fn first_period(model: &rareflow::model::Model, year: &str) -> Result<rareflow::model::PeriodId> {
    let starts: Vec<String> = model.periods.iter().map(|p| p.start.to_string()).collect();
    let found = (year.trim().parse::<i32>().ok())
        .and_then(|y| model.periods.iter().position(|p| p.start == y));
    found.map(rareflow::model::PeriodId).ok_or_else(|| {
        Error::Usage(format!(
            "--from {year}: give a year in which a period of the model starts ({})",
            starts.join(", ")
        ))
    })
}

/// `countries cut off from US`, `facilities cut off from every buyer`.
fn by_words(r: &Request) -> String {
    let who = match r.by {
        By::Country => "up to {k} supplier countries",
        By::Facility => "up to {k} supplier facilities",
    }
    .replace("{k}", &r.k.to_string());
    if r.global {
        format!("{who} cut off from every buyer")
    } else {
        format!("{who} cut off from it")
    }
}

/// Solves the slice's sets with a progress bar; says on stderr how.
fn solve(w: &Stress, threads: Option<u32>) -> Result<(Vec<Case>, Tally)> {
    let (cases, bases) = super::in_parallel(w.len(), "cases", threads, |tick| w.run(tick))?;
    let tally = Tally::of(cases.iter().map(|c| c.start), bases);
    super::stdout::chatter(tally.describe("cases"));
    Ok((cases, tally))
}

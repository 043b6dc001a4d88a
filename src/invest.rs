//! Choosing what to build before the future is known: the two-stage
//! stochastic program in extensive form ([`crate::formulation::stochastic`]).
//!
//! One build plan (the first stage) is shared by every future; each future
//! has its own operations (the second stage), built as one block of a
//! single MIP. Build decisions are shared by candidate id and start label,
//! so a future whose scenario removes a candidate simply cannot build it.
//!
//! Reported against the futures' own best plans: the expected value of
//! perfect information (EVPI = expected cost of the chosen plan − mean of the
//! futures' own optima) and the value of the stochastic solution (VSS =
//! expected cost when the builds of the plan for the model without any
//! scenario are used in every future − expected cost of the chosen plan).

use rayon::prelude::*;
use serde::Serialize;

pub use crate::formulation::stochastic::Objective;

use crate::compare::BASELINE;
use crate::error::{Error, Result};
use crate::formulation::stochastic::{extensive, Extensive, Future, FutureBlock};
use crate::formulation::{read_plan, BuildOptions};
use crate::io::source::ModelSource;
use crate::plan::Plan;
use crate::solver::{Problem, Session, SolveOptions};
use crate::Checked;

/// How one future fares.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Scenario name ([`BASELINE`] for none).
    pub scenario: String,
    /// Probability.
    pub probability: f64,
    /// Cost with the chosen builds.
    pub cost: f64,
    /// Cost of the future's own best plan.
    pub own_best: f64,
    /// `cost − own_best`.
    pub regret: f64,
    /// Unserved tonnes over the horizon with the chosen builds.
    pub shortage_t: f64,
    /// The builds the future's own best plan takes: `facility@start`.
    pub own_builds: Vec<String>,
    /// What each demand country's buyers spend over the horizon with the
    /// chosen builds (country code, undiscounted), the future's operations
    /// run at least cost; none for a future of zero probability, which
    /// nothing prices.
    pub spend_by_market: Option<crate::measure::Spend>,
}

/// The chosen plan.
#[derive(Debug, Clone, Serialize)]
pub struct Investment {
    /// The builds: `facility@start`.
    pub builds: Vec<String>,
    /// How each future fares.
    pub outcomes: Vec<Outcome>,
    /// Expected cost of the chosen plan.
    pub expected_cost: f64,
    /// Largest regret of the chosen plan.
    pub max_regret: f64,
    /// Mean of the futures' own optima ("wait and see").
    pub wait_and_see: f64,
    /// EVPI: expected cost − wait and see.
    pub evpi: f64,
    /// Expected cost with the builds of the plan for the model without any
    /// scenario.
    pub expected_with_baseline_builds: f64,
    /// VSS: that cost − expected cost.
    pub vss: f64,
    /// Solver status of the extensive form.
    pub status: String,
    /// Columns of the extensive form.
    pub columns: usize,
}

/// Reports what `invest` is doing, for a progress display.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// The builds a plan takes, as `facility@start`.
fn builds_of(checked: &crate::Solution) -> Vec<String> {
    crate::built_names(&checked.model, &checked.plan)
        .map(|(id, start)| format!("{id}@{start}"))
        .collect()
}

fn check(source: &ModelSource, scenario: &str) -> Result<Checked> {
    let names: Vec<String> = if scenario == BASELINE {
        vec![]
    } else {
        vec![scenario.to_string()]
    };
    crate::check(source, &names)
}

/// The futures' models, checked, with their portfolios' build options.
struct Futures {
    checked: Vec<Checked>,
}

impl Futures {
    fn load(
        source: &ModelSource,
        scenarios: &[(String, f64)],
        opts: &SolveOptions,
    ) -> Result<Self> {
        let mut checked = Vec::new();
        for (name, _) in scenarios {
            let mut c = check(source, name)?;
            crate::apply_portfolio_limits(&mut c.model, opts.portfolio.as_deref());
            checked.push(c);
        }
        Ok(Futures { checked })
    }

    /// The extensive form under `objective`.
    fn extensive(
        &self,
        scenarios: &[(String, f64)],
        objective: Objective,
        best: &[f64],
        opts: &SolveOptions,
    ) -> Result<Extensive> {
        let mut futures = Vec::new();
        for (c, (_, p)) in self.checked.iter().zip(scenarios) {
            let builds = crate::resolve_portfolio(&c.model, opts.portfolio.as_deref())?;
            futures.push(Future {
                model: &c.model,
                network: &c.network,
                opts: BuildOptions {
                    builds,
                    relax: opts.relax,
                },
                probability: *p,
            });
        }
        Ok(extensive(&futures, objective, best)?)
    }
}

/// Solves one of the extensive form's problems.
fn solve(problem: Problem, opts: &SolveOptions) -> Result<Session> {
    let session = Session::solve(problem, opts)?;
    if !session.has_plan {
        return Err(Error::NoPlan(session.status));
    }
    Ok(session)
}

/// Each future's own best plan, solved side by side: (cost, builds).
fn own_bests(
    source: &ModelSource,
    scenarios: &[(String, f64)],
    opts: &SolveOptions,
    progress: Progress,
) -> Result<Vec<(f64, Vec<String>)>> {
    let opts = SolveOptions {
        threads: 1,
        ..opts.clone()
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    scenarios
        .par_iter()
        .map(|(name, _)| {
            let s = crate::solve_checked(check(source, name)?, &opts)?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(&format!(
                "solved {n} of {} futures on their own ({name})",
                scenarios.len()
            ));
            Ok((s.plan.objective, builds_of(&s)))
        })
        .collect()
}

/// How each future fares under `session`, the expected-cost program solved
/// with the builds fixed; every future's operations are verified against
/// its own model. Each future's rows are weighted by its probability, so
/// their duals are its prices times its probability: its markets' spend is
/// read from them.
fn outcomes(
    futures: &Futures,
    blocks: &[FutureBlock],
    session: &Session,
    scenarios: &[(String, f64)],
    own: &[(f64, Vec<String>)],
) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    for (((c, block), (name, p)), (own_best, own_builds)) in
        futures.checked.iter().zip(blocks).zip(scenarios).zip(own)
    {
        let cost = block.cost(&session.columns);
        let plan: Plan =
            read_plan(&c.model, &c.network, &block.index, cost, session).map_err(|failure| {
                Error::Unverified {
                    context: Some(format!("scenario {name}")),
                    failure,
                }
            })?;
        let spend_by_market = (*p > 0.0).then(|| {
            let segments = crate::report::markets::segment_results(&c.model, &plan);
            let mut spend = crate::measure::spend_by_market(&c.model, &segments);
            spend.values_mut().for_each(|v| *v /= p);
            spend
        });
        outcomes.push(Outcome {
            scenario: name.clone(),
            probability: *p,
            cost,
            own_best: *own_best,
            regret: cost - own_best,
            shortage_t: plan.shortage_tonnes(&c.model),
            own_builds: own_builds.clone(),
            spend_by_market,
        });
    }
    Ok(outcomes)
}

/// The futures with their probabilities normalised to sum to 1.
///
/// # Errors
/// A usage error when no future has a positive weight.
fn normalised(scenarios: &[(String, f64)]) -> Result<Vec<(String, f64)>> {
    let total: f64 = scenarios.iter().map(|s| s.1).sum();
    if scenarios.is_empty() || total.is_nan() || total <= 0.0 {
        return Err(Error::Usage(
            "invest needs at least one scenario with a positive weight".into(),
        ));
    }
    Ok(scenarios
        .iter()
        .map(|(n, w)| (n.clone(), w / total))
        .collect())
}

/// Chooses one build plan for `scenarios` (name, probability; probabilities
/// are normalised) under `objective`. `progress` hears of each step.
///
/// # Errors
/// Bad input in any future, no plan, or a future's plan that fails
/// verification against its model.
pub fn invest(
    source: &ModelSource,
    scenarios: &[(String, f64)],
    objective: Objective,
    opts: &SolveOptions,
    progress: Progress,
) -> Result<Investment> {
    let scenarios = normalised(scenarios)?;
    let futures = Futures::load(source, &scenarios, opts)?;
    let own = own_bests(source, &scenarios, opts, progress)?;
    let best: Vec<f64> = own.iter().map(|o| o.0).collect();
    let x = futures.extensive(&scenarios, objective, &best, opts)?;
    progress(&format!(
        "solving the shared build plan ({} columns)",
        x.size.columns
    ));
    let columns = x.size.columns;
    let session = solve(x.problem()?, opts)?;
    let status = session.status.label();
    // Each decision as solved: 0 or 1, or a share under `--relax`.
    let shares: std::collections::BTreeMap<String, f64> = (x.shared.columns())
        .map(|(id, label, col)| (format!("{id}@{label}"), session.value(col)))
        .collect();
    let builds: Vec<String> = (x.shared.columns())
        .map(|(id, label, _)| format!("{id}@{label}"))
        .filter(|name| shares[name] > 0.5)
        .collect();
    // Once the future is known its operations are run at least cost (under
    // minimax regret only the worst future's cost was minimised, the others'
    // operations merely feasible), and a MIP has no prices: every future is
    // solved again as an LP with the chosen builds fixed.
    // The expected-cost program is the one to price with; under that
    // objective it is the one just solved.
    progress("pricing every future's operations with the chosen builds");
    let chosen = |name: &str| shares.get(name).copied().unwrap_or(0.0);
    let expected = match objective {
        Objective::Expected => x,
        _ => futures.extensive(&scenarios, Objective::Expected, &best, opts)?,
    };
    let (blocks, session) = priced(expected, &chosen, opts)?;
    let outcomes = outcomes(&futures, &blocks, &session, &scenarios, &own)?;
    let expected_cost: f64 = outcomes.iter().map(|o| o.probability * o.cost).sum();
    let max_regret = outcomes
        .iter()
        .map(|o| o.regret)
        .fold(f64::NEG_INFINITY, f64::max);
    let wait_and_see: f64 = outcomes.iter().map(|o| o.probability * o.own_best).sum();
    progress("solving with the baseline's builds in every future (VSS)");
    let expected_with_baseline_builds =
        with_baseline_builds(source, &scenarios, &futures, &best, &own, opts)?;
    Ok(Investment {
        builds,
        expected_cost,
        max_regret,
        wait_and_see,
        evpi: expected_cost - wait_and_see,
        expected_with_baseline_builds,
        vss: expected_with_baseline_builds - expected_cost,
        status,
        columns,
        outcomes,
    })
}

/// Every future solved at least cost with each build decision fixed at
/// `share` of its `facility@start` name, as an LP, so that its duals price
/// each future's markets: the blocks and the solution.
fn evaluate(
    futures: &Futures,
    scenarios: &[(String, f64)],
    best: &[f64],
    share: &dyn Fn(&str) -> f64,
    opts: &SolveOptions,
) -> Result<(Vec<FutureBlock>, Session)> {
    let x = futures.extensive(scenarios, Objective::Expected, best, opts)?;
    priced(x, share, opts)
}

/// The expected-cost program `x` solved as an LP with each build decision
/// fixed at `share` of its `facility@start` name: the blocks and the
/// solution.
fn priced(
    x: Extensive,
    share: &dyn Fn(&str) -> f64,
    opts: &SolveOptions,
) -> Result<(Vec<FutureBlock>, Session)> {
    let session = solve(x.with_builds(share)?, opts)?;
    Ok((x.futures, session))
}

/// Expected cost when the builds of the plan for the model without any
/// scenario are used in every future.
fn with_baseline_builds(
    source: &ModelSource,
    scenarios: &[(String, f64)],
    futures: &Futures,
    best: &[f64],
    own: &[(f64, Vec<String>)],
    opts: &SolveOptions,
) -> Result<f64> {
    let base_builds = match scenarios.iter().position(|(n, _)| n == BASELINE) {
        Some(i) => own[i].1.clone(),
        None => builds_of(&crate::solve_checked(check(source, BASELINE)?, opts)?),
    };
    let built = |name: &str| f64::from(u8::from(base_builds.iter().any(|b| b == name)));
    let (blocks, session) = evaluate(futures, scenarios, best, &built, opts)?;
    Ok(blocks
        .iter()
        .zip(scenarios)
        .map(|(b, (_, p))| p * b.cost(&session.columns))
        .sum())
}

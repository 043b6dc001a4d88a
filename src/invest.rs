//! Choosing what to build before the future is known: the two-stage
//! stochastic program in extensive form.
//!
//! One build plan (the first stage) is shared by every scenario; each
//! scenario has its own operations (the second stage), built as one block of
//! a single MIP. The objective is the expected cost, the maximum regret
//! against each scenario's own best plan, or the expected cost plus
//! λ × CVaR_α of the cost.
//!
//! Reported against the scenarios' own best plans: the expected value of
//! perfect information (EVPI = expected cost of the chosen plan − mean of the
//! scenarios' own optima) and the value of the stochastic solution (VSS =
//! expected cost when the builds of the plan for the model without any
//! scenario are used in every scenario − expected cost of the chosen plan).

use serde::Serialize;

use crate::compare::BASELINE;
use crate::error::{Error, Result};
use crate::formulation::lp::{Col, LpBuilder, Sense};
use crate::formulation::{add_block, fixed_costs, BuildOptions, LpIndex, SharedBuilds};
use crate::io::source::ModelSource;
use crate::model::Model;
use crate::plan::Plan;
use crate::solve::{fix_columns, Session, SolveOptions};
use crate::Checked;

/// What the build plan minimises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// Expected cost.
    Expected,
    /// Largest regret: cost minus the scenario's own best cost.
    Regret,
    /// Expected cost plus `lambda` × CVaR at level `alpha` (the mean of the
    /// worst 1 − alpha of outcomes).
    Cvar {
        /// Weight of the risk term.
        lambda: f64,
        /// Confidence level, in [0, 1).
        alpha: f64,
    },
}

/// How one scenario fares.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Scenario name ([`BASELINE`] for none).
    pub scenario: String,
    /// Probability.
    pub probability: f64,
    /// Cost with the chosen builds.
    pub cost: f64,
    /// Cost of the scenario's own best plan.
    pub own_best: f64,
    /// `cost − own_best`.
    pub regret: f64,
    /// Unserved tonnes over the horizon with the chosen builds.
    pub shortage_t: f64,
    /// The builds the scenario's own best plan takes: `facility@start`.
    pub own_builds: Vec<String>,
}

/// The chosen plan.
#[derive(Debug, Clone, Serialize)]
pub struct Investment {
    /// The builds: `facility@start`.
    pub builds: Vec<String>,
    /// How each scenario fares.
    pub outcomes: Vec<Outcome>,
    /// Expected cost of the chosen plan.
    pub expected_cost: f64,
    /// Largest regret of the chosen plan.
    pub max_regret: f64,
    /// Mean of the scenarios' own optima ("wait and see").
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

struct Block {
    checked: Checked,
    ix: LpIndex,
    terms: Vec<(Col, f64)>,
    constant: f64,
}

fn name_of(m: &Model, f: crate::model::FacilityId, t: crate::model::PeriodId) -> String {
    format!("{}@{}", m.facilities[f.0].id, m.periods[t.0].label)
}

/// The builds a plan takes, as `facility@start`.
fn builds_of(m: &Model, plan: &Plan) -> Vec<String> {
    plan.builds
        .iter()
        .filter(|b| b.2 > 0.5)
        .map(|&(f, t, _)| name_of(m, f, t))
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

/// Builds and solves the extensive form; `fixed` pins build decisions
/// (facility@start names built; everything else 0) when given.
fn extensive(
    source: &ModelSource,
    scenarios: &[(String, f64)],
    objective: Objective,
    best: &[f64],
    opts: &SolveOptions,
    fixed: Option<&[String]>,
) -> Result<(Vec<Block>, Session, SharedBuilds, usize)> {
    let mut lp = LpBuilder::default();
    let mut shared = SharedBuilds::default();
    let mut blocks = Vec::new();
    for (name, p) in scenarios {
        let checked = check(source, name)?;
        let b = crate::resolve_portfolio(&checked.model, opts.portfolio.as_deref())?;
        let bo = BuildOptions {
            builds: b,
            relax: opts.relax,
        };
        lp.weight = match objective {
            Objective::Regret => 0.0,
            _ => *p,
        };
        lp.capture = Some(Vec::new());
        let ix = add_block(&mut lp, &checked.model, &checked.network, &bo, &mut shared)
            .map_err(Error::Solver)?;
        let terms = lp.capture.take().unwrap_or_default();
        let constant = fixed_costs(&checked.model);
        blocks.push(Block {
            checked,
            ix,
            terms,
            constant,
        });
    }
    lp.weight = 1.0;
    match objective {
        Objective::Expected => {}
        Objective::Regret => {
            let z = lp.column(None, 1.0);
            for (b, best) in blocks.iter().zip(best) {
                let mut terms = b.terms.clone();
                terms.push((z, -1.0));
                lp.row(&terms, Sense::Le, best - b.constant);
            }
        }
        Objective::Cvar { lambda, alpha } => {
            // CVaR_α = min η + E[(cost − η)+] / (1 − α).
            let eta = lp.column_free(lambda);
            for (b, (_, p)) in blocks.iter().zip(scenarios) {
                let u = lp.column(None, lambda * p / (1.0 - alpha));
                let mut terms = b.terms.clone();
                terms.push((eta, -1.0));
                terms.push((u, -1.0));
                lp.row(&terms, Sense::Le, -b.constant);
            }
        }
    }
    let (mut problem, size) = lp.into_highs().map_err(Error::Solver)?;
    if let Some(names) = fixed {
        let first = &blocks[0].checked.model;
        let pins: Vec<(usize, f64)> = shared
            .columns
            .iter()
            .map(|(&(f, t), col)| {
                (
                    col.0,
                    if names.contains(&name_of(first, f, t)) {
                        1.0
                    } else {
                        0.0
                    },
                )
            })
            .collect();
        fix_columns(&mut problem, &pins)?;
    }
    let session = Session::solve(problem, opts)?;
    if !session.has_plan {
        return Err(Error::NoPlan(session.status.label()));
    }
    Ok((blocks, session, shared, size.columns))
}

/// Cost of each block at the session's solution.
fn block_costs(blocks: &[Block], session: &Session) -> Vec<f64> {
    blocks
        .iter()
        .map(|b| {
            b.terms
                .iter()
                .map(|&(c, k)| k * session.columns[c.0])
                .sum::<f64>()
                + b.constant
        })
        .collect()
}

/// Chooses one build plan for `scenarios` (name, probability; probabilities
/// are normalised) under `objective`.
///
/// # Errors
/// Bad input in any scenario, no plan, or a scenario plan that fails
/// verification against its model.
pub fn invest(
    source: &ModelSource,
    scenarios: &[(String, f64)],
    objective: Objective,
    opts: &SolveOptions,
) -> Result<Investment> {
    let total: f64 = scenarios.iter().map(|s| s.1).sum();
    if scenarios.is_empty() || total.is_nan() || total <= 0.0 {
        return Err(Error::Usage(
            "invest needs at least one scenario with a positive weight".into(),
        ));
    }
    let scenarios: Vec<(String, f64)> = scenarios
        .iter()
        .map(|(n, w)| (n.clone(), w / total))
        .collect();
    // Each scenario's own best plan.
    let mut best = Vec::new();
    let mut own_builds = Vec::new();
    for (name, _) in &scenarios {
        let s = crate::solve_checked(check(source, name)?, opts)?;
        own_builds.push(builds_of(&s.model, &s.plan));
        best.push(s.plan.objective);
    }
    let (blocks, session, shared, columns) =
        extensive(source, &scenarios, objective, &best, opts, None)?;
    let costs = block_costs(&blocks, &session);
    // Verify every scenario's operations against its own model.
    let mut outcomes = Vec::new();
    for (((b, cost), ((name, p), own)), built) in blocks
        .iter()
        .zip(&costs)
        .zip(scenarios.iter().zip(&best))
        .zip(&own_builds)
    {
        let plan = Plan::extract(&b.checked.model, &b.checked.network, &b.ix, *cost, &session)
            .map_err(|e| Error::Unverified(format!("scenario {name}: {e}")))?;
        let shortage_t = plan.shortage_tonnes(&b.checked.model);
        outcomes.push(Outcome {
            scenario: name.clone(),
            probability: *p,
            cost: *cost,
            own_best: *own,
            regret: cost - own,
            shortage_t,
            own_builds: built.clone(),
        });
    }
    let first = &blocks[0].checked.model;
    let builds: Vec<String> = shared
        .columns
        .iter()
        .filter(|(_, col)| session.columns[col.0] > 0.5)
        .map(|(&(f, t), _)| name_of(first, f, t))
        .collect();
    let expected_cost: f64 = outcomes.iter().map(|o| o.probability * o.cost).sum();
    let max_regret = outcomes
        .iter()
        .map(|o| o.regret)
        .fold(f64::NEG_INFINITY, f64::max);
    let wait_and_see: f64 = outcomes.iter().map(|o| o.probability * o.own_best).sum();
    // The builds of the plan for the model without any scenario, used in
    // every scenario.
    let base_builds = match scenarios.iter().position(|(n, _)| n == BASELINE) {
        Some(i) => own_builds[i].clone(),
        None => {
            let base = crate::solve_checked(check(source, BASELINE)?, opts)?;
            builds_of(&base.model, &base.plan)
        }
    };
    let (eb, es, _, _) = extensive(
        source,
        &scenarios,
        Objective::Expected,
        &best,
        opts,
        Some(&base_builds),
    )?;
    let expected_with_baseline_builds: f64 = block_costs(&eb, &es)
        .iter()
        .zip(&scenarios)
        .map(|(c, (_, p))| p * c)
        .sum();
    Ok(Investment {
        builds,
        expected_cost,
        max_regret,
        wait_and_see,
        evpi: expected_cost - wait_and_see,
        expected_with_baseline_builds,
        vss: expected_with_baseline_builds - expected_cost,
        status: session.status.label(),
        columns,
        outcomes,
    })
}

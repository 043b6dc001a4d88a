//! The stochastic program's blocks: one block per future (each the whole
//! formulation of that future's model, sharing one build plan), and the
//! rows that turn the futures' costs into the objective — expected cost,
//! the largest regret against each future's own optimum (an epigraph), or
//! expected cost plus λ × CVaR_α (Rockafellar–Uryasev).

use super::keys::{Block, ColKey, LpKeys, RowKey};
use super::lp::{Lp, LpSize, Sense};
use super::{activity, add_block, BuildOptions, LpIndex, SharedBuilds};
use crate::model::Model;
use crate::network::Network;
use crate::solver::{Arrays, Col, Problem, SolverError};

/// What the build plan minimises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// Expected cost.
    Expected,
    /// Largest regret: cost minus the future's own best cost.
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

/// One future of the program.
pub struct Future<'a> {
    /// Its model (the base model with its scenario applied).
    pub model: &'a Model,
    /// Its network.
    pub network: &'a Network,
    /// Which candidates it lets the plan build.
    pub opts: BuildOptions<'a>,
    /// Its probability (the weights sum to 1).
    pub probability: f64,
}

/// Where one future lives in the extensive form.
pub struct FutureBlock {
    /// Its columns and rows.
    pub index: LpIndex,
    /// Its cost as terms of the LP (unweighted).
    pub costs: Vec<(Col, f64)>,
    /// Its cost that does not depend on the plan (fixed costs).
    pub constant: f64,
}

impl FutureBlock {
    /// The future's cost at a solution (column values).
    pub fn cost(&self, values: &[f64]) -> f64 {
        self.costs
            .iter()
            .map(|&(c, k)| k * values[c.0])
            .sum::<f64>()
            + self.constant
    }
}

/// The extensive form, ready to solve.
pub struct Extensive {
    /// The problem's arrays.
    pub arrays: Arrays,
    /// Each future's block, in the order given.
    pub futures: Vec<FutureBlock>,
    /// The shared build decisions.
    pub shared: SharedBuilds,
    /// Every column's and row's key.
    pub keys: LpKeys,
    /// Size of the LP.
    pub size: LpSize,
}

impl Extensive {
    /// The problem HiGHS solves (a MIP when builds are decisions).
    ///
    /// # Errors
    /// HiGHS refusing the arrays.
    pub fn problem(&self) -> Result<Problem, SolverError> {
        Problem::from_arrays(&self.arrays)
    }

    /// The LP with every shared build decision fixed at `share` of its
    /// `facility@start` name (1 or 0 for a yes/no plan; a share under
    /// `--relax`).
    ///
    /// # Errors
    /// HiGHS refusing the arrays.
    pub fn with_builds(&self, share: impl Fn(&str) -> f64) -> Result<Problem, SolverError> {
        let pins: Vec<(Col, f64)> = (self.shared.columns())
            .map(|(id, label, col)| (col, share(&format!("{id}@{label}"))))
            .collect();
        Problem::from_arrays(&self.arrays.relaxed_with(&pins))
    }
}

/// Builds the extensive form of `futures` under `objective`; `best` is each
/// future's own optimum (used by the regret objective).
///
/// # Errors
/// [`SolverError`] when HiGHS refuses the problem.
pub fn extensive(
    futures: &[Future],
    objective: Objective,
    best: &[f64],
) -> Result<Extensive, SolverError> {
    let mut lp = Lp::default();
    let mut shared = SharedBuilds::default();
    for f in futures {
        shared.offer(f.model, f.opts.builds);
    }
    let mut blocks = Vec::with_capacity(futures.len());
    for (b, f) in futures.iter().enumerate() {
        let block = Block(b as u32);
        lp.start_block(block);
        let index = add_block(&mut lp, f.model, f.network, &f.opts, &mut shared);
        blocks.push(FutureBlock {
            index,
            costs: lp.block_costs(block),
            constant: activity::fixed_costs(f.model),
        });
    }
    let top = Block(futures.len() as u32);
    lp.start_block(top);
    let scale = row_scale(best);
    match objective {
        Objective::Expected => {}
        Objective::Regret => add_regret(&mut lp, &blocks, best, scale),
        Objective::Cvar { lambda, alpha } => {
            add_cvar(&mut lp, &blocks, futures, lambda, alpha, scale)
        }
    }
    let weight = |b: Block| match (b == top, objective) {
        (true, _) => 1.0,
        (false, Objective::Regret) => 0.0,
        (false, _) => futures[b.0 as usize].probability,
    };
    let (arrays, keys, size) = lp.finish(weight);
    Ok(Extensive {
        arrays,
        futures: blocks,
        shared,
        keys,
        size,
    })
}

/// The unit, in money, of the rows that bound a future's whole cost.
///
/// A future's cost is ~1e11 on the global model; HiGHS's feasibility
/// tolerance is absolute (1e-7), far below the rounding error of a row of
/// that size (~1e-5), and its presolve then declares a feasible program
/// infeasible. Those rows are written in units of `scale` (their columns
/// too), so their right-hand sides stay below ~1e6. Cost coefficients that
/// fall below HiGHS's smallest matrix value (1e-9) in these units are
/// dropped from these rows only; what they carry is at most ~1e-9 × scale
/// per unit of activity, far below the tolerance of the plans' check.
fn row_scale(best: &[f64]) -> f64 {
    let largest = best.iter().fold(1.0_f64, |m, b| m.max(b.abs()));
    (largest / 1e6).max(1.0)
}

/// The terms of a future's cost, in units of `scale`.
fn scaled(b: &FutureBlock, scale: f64) -> Vec<(Col, f64)> {
    b.costs.iter().map(|&(c, k)| (c, k / scale)).collect()
}

/// `cost_s − best_s <= z` for every future s; z is minimised. In units of
/// `scale` ([`row_scale`]).
fn add_regret(lp: &mut Lp, blocks: &[FutureBlock], best: &[f64], scale: f64) {
    let z = lp.column(ColKey::MaxRegret, None, scale);
    for (s, (b, best)) in blocks.iter().zip(best).enumerate() {
        let mut terms = scaled(b, scale);
        terms.push((z, -1.0));
        let key = RowKey::RegretCut {
            scenario: Block(s as u32),
        };
        lp.row(key, &terms, Sense::Le, (best - b.constant) / scale);
    }
}

/// CVaR_α = min η + E[(cost − η)+] / (1 − α), weighted by λ. η and the
/// excesses are in units of `scale` ([`row_scale`]).
fn add_cvar(
    lp: &mut Lp,
    blocks: &[FutureBlock],
    futures: &[Future],
    lambda: f64,
    alpha: f64,
    scale: f64,
) {
    let eta = lp.free_column(ColKey::CvarThreshold, lambda * scale);
    for (s, (b, f)) in blocks.iter().zip(futures).enumerate() {
        let scenario = Block(s as u32);
        let u = lp.column(
            ColKey::CvarExcess { scenario },
            None,
            lambda * scale * f.probability / (1.0 - alpha),
        );
        let mut terms = scaled(b, scale);
        terms.push((eta, -1.0));
        terms.push((u, -1.0));
        let rhs = -b.constant / scale;
        lp.row(RowKey::CvarCut { scenario }, &terms, Sense::Le, rhs);
    }
}

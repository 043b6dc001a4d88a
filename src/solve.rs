//! Running HiGHS: options, the real status, and a solved model that stays
//! reachable so it can be changed (costs, bounds, right-hand sides) and
//! re-solved from its previous basis.
//!
//! good_lp folds several HiGHS outcomes together (every limit becomes
//! `TimeLimit`, "unbounded or infeasible" becomes "infeasible"); this module
//! talks to the `highs` crate directly after good_lp has built the problem,
//! so the status reported is the one HiGHS gave.

use std::time::Instant;

use highs::{HighsModelStatus, HighsSolutionStatus};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::formulation::lp::{Col, RowIx};

/// How to run the solver.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// HiGHS threads (default 1: sweeps run many solves side by side).
    pub threads: u32,
    /// Stop after this many seconds, keeping the best plan found.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which to stop.
    pub mip_gap: Option<f64>,
    /// Portfolio of candidates: `all` (default), `none`, or one of the
    /// model's `portfolios.csv`.
    pub portfolio: Option<String>,
    /// Continuous build decisions instead of binary ones.
    pub relax: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            threads: 1,
            time_limit: None,
            mip_gap: None,
            portfolio: None,
            relax: false,
        }
    }
}

/// What the solver concluded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SolveStatus {
    /// Proven optimal.
    Optimal,
    /// Stopped at a limit (time, iterations, ...); a plan may exist.
    Limit {
        /// Which limit.
        reason: String,
    },
    /// Proven to have no feasible plan.
    Infeasible,
    /// The cost can fall without bound.
    Unbounded,
    /// HiGHS could only tell that it is one of the two.
    UnboundedOrInfeasible,
}

impl SolveStatus {
    /// Short word for tables and JSON.
    pub fn label(&self) -> String {
        match self {
            SolveStatus::Optimal => "optimal".into(),
            SolveStatus::Limit { reason } => format!("stopped at {reason}"),
            SolveStatus::Infeasible => "infeasible".into(),
            SolveStatus::Unbounded => "unbounded".into(),
            SolveStatus::UnboundedOrInfeasible => "unbounded or infeasible".into(),
        }
    }
}

/// A solved (or attempted) LP, with its HiGHS instance kept alive.
pub struct Session {
    solved: Option<highs::SolvedModel>,
    /// The status of the last solve.
    pub status: SolveStatus,
    /// True when HiGHS holds a feasible primal solution.
    pub has_plan: bool,
    /// Solver objective (without the formulation's constant).
    pub objective: f64,
    /// Relative MIP gap (none for an LP).
    pub mip_gap: Option<f64>,
    /// Column values.
    pub columns: Vec<f64>,
    /// Column duals (reduced costs).
    pub column_duals: Vec<f64>,
    /// Row duals: ∂objective/∂rhs.
    pub row_duals: Vec<f64>,
    /// Wall-clock seconds of the last solve.
    pub seconds: f64,
    /// Simplex iterations of the last solve.
    pub iterations: i64,
}

fn apply_options(model: &mut highs::Model, opts: &SolveOptions) -> Result<()> {
    let bad = |k: &str| Error::Solver(format!("HiGHS refused option {k}"));
    model
        .try_set_option("threads", opts.threads.max(1) as i32)
        .map_err(|_| bad("threads"))?;
    // A fixed seed and serial search keep reruns byte-identical.
    model
        .try_set_option("random_seed", 0)
        .map_err(|_| bad("random_seed"))?;
    if let Some(t) = opts.time_limit {
        model
            .try_set_option("time_limit", t)
            .map_err(|_| bad("time_limit"))?;
    }
    if let Some(g) = opts.mip_gap {
        model
            .try_set_option("mip_rel_gap", g)
            .map_err(|_| bad("mip_rel_gap"))?;
    }
    Ok(())
}

impl Session {
    /// Solves `model` with `opts`.
    ///
    /// # Errors
    /// [`Error::Solver`] when HiGHS fails outright (not for infeasible or
    /// unbounded models: those are statuses).
    pub fn solve(mut model: highs::Model, opts: &SolveOptions) -> Result<Session> {
        apply_options(&mut model, opts)?;
        let mut s = Session {
            solved: None,
            status: SolveStatus::Infeasible,
            has_plan: false,
            objective: f64::NAN,
            mip_gap: None,
            columns: Vec::new(),
            column_duals: Vec::new(),
            row_duals: Vec::new(),
            seconds: 0.0,
            iterations: 0,
        };
        s.run(model)?;
        Ok(s)
    }

    fn run(&mut self, model: highs::Model) -> Result<()> {
        let start = Instant::now();
        let solved = model
            .try_solve()
            .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
        self.seconds = start.elapsed().as_secs_f64();
        self.status = match solved.status() {
            HighsModelStatus::Optimal => SolveStatus::Optimal,
            HighsModelStatus::Infeasible => SolveStatus::Infeasible,
            HighsModelStatus::Unbounded => SolveStatus::Unbounded,
            HighsModelStatus::UnboundedOrInfeasible => SolveStatus::UnboundedOrInfeasible,
            HighsModelStatus::ReachedTimeLimit => limit("the time limit"),
            HighsModelStatus::ReachedIterationLimit => limit("the iteration limit"),
            HighsModelStatus::ReachedSolutionLimit => limit("the solution limit"),
            HighsModelStatus::ReachedInterrupt => limit("an interrupt"),
            HighsModelStatus::ReachedMemoryLimit => limit("the memory limit"),
            HighsModelStatus::ObjectiveBound | HighsModelStatus::ObjectiveTarget => {
                limit("an objective bound")
            }
            HighsModelStatus::ModelEmpty => SolveStatus::Optimal,
            other => return Err(Error::Solver(format!("HiGHS ended with status {other:?}"))),
        };
        self.has_plan = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
        let gap = solved.mip_gap();
        self.mip_gap = gap.is_finite().then_some(gap);
        self.objective = solved.objective_value();
        self.iterations = solved.simplex_iteration_count();
        let sol = solved.get_solution();
        self.columns = sol.columns().to_vec();
        self.column_duals = sol.dual_columns().to_vec();
        self.row_duals = sol.dual_rows().to_vec();
        self.solved = Some(solved);
        Ok(())
    }

    fn editable(&mut self) -> Result<highs::Model> {
        self.solved
            .take()
            .map(highs::Model::from)
            .ok_or_else(|| Error::Solver("no solved model to change".into()))
    }

    /// Changes column costs, column upper bounds and row right-hand sides,
    /// then re-solves from the previous basis.
    ///
    /// # Errors
    /// [`Error::Solver`] when HiGHS fails outright.
    pub fn resolve(&mut self, change: &Change) -> Result<()> {
        let mut model = self.editable()?;
        let ptr = model.as_mut_ptr();
        let check = |status: highs_sys::HighsInt, what: &str, index: usize| {
            if status == highs_sys::STATUS_ERROR {
                Err(Error::Solver(format!(
                    "HiGHS refused a new {what} for index {index}"
                )))
            } else {
                Ok(())
            }
        };
        // SAFETY: `ptr` is the live Highs instance owned by `model`, which
        // outlives these calls; every index was created by the formulation.
        unsafe {
            for &(col, cost) in &change.costs {
                check(
                    highs_sys::Highs_changeColCost(ptr, col as _, cost),
                    "cost",
                    col,
                )?;
            }
            for &(col, upper) in &change.upper_bounds {
                check(
                    highs_sys::Highs_changeColBounds(ptr, col as _, 0.0, upper),
                    "bound",
                    col,
                )?;
            }
            for &(row, lower, upper) in &change.row_bounds {
                check(
                    highs_sys::Highs_changeRowBounds(ptr, row.0 as _, lower, upper),
                    "row bound",
                    row.0,
                )?;
            }
        }
        fix_columns(&mut model, &change.fixed)?;
        self.run(model)
    }
}

/// Changes to a solved model, applied by [`Session::resolve`].
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// New objective coefficients.
    pub costs: Vec<(usize, f64)>,
    /// New upper bounds (lower bounds stay 0).
    pub upper_bounds: Vec<(usize, f64)>,
    /// New (lower, upper) row bounds; use ±∞ for a free side.
    pub row_bounds: Vec<(RowIx, f64, f64)>,
    /// Columns fixed at a value (lower = upper bound).
    pub fixed: Vec<(usize, f64)>,
}

impl Change {
    /// Sets the cost of `col`.
    pub fn cost(mut self, col: Col, cost: f64) -> Self {
        self.costs.push((col.0, cost));
        self
    }

    /// Sets the upper bound of `col`.
    pub fn upper(mut self, col: Col, upper: f64) -> Self {
        self.upper_bounds.push((col.0, upper));
        self
    }

    /// Sets the right-hand side of a `<=` row.
    pub fn rhs_le(mut self, row: RowIx, rhs: f64) -> Self {
        self.row_bounds.push((row, f64::NEG_INFINITY, rhs));
        self
    }

    /// Fixes `col` at `value`.
    pub fn fix(mut self, col: Col, value: f64) -> Self {
        self.fixed.push((col.0, value));
        self
    }

    /// Sets the right-hand side of an `==` row.
    pub fn rhs_eq(mut self, row: RowIx, rhs: f64) -> Self {
        self.row_bounds.push((row, rhs, rhs));
        self
    }
}

/// Fixes columns of an unsolved model at values (lower = upper bound).
///
/// # Errors
/// [`Error::Solver`] when HiGHS refuses a bound.
pub fn fix_columns(model: &mut highs::Model, fixed: &[(usize, f64)]) -> Result<()> {
    let ptr = model.as_mut_ptr();
    for &(col, value) in fixed {
        // SAFETY: `ptr` is the live Highs instance owned by `model`, and
        // every index was created by the formulation.
        let status = unsafe { highs_sys::Highs_changeColBounds(ptr, col as _, value, value) };
        if status == highs_sys::STATUS_ERROR {
            return Err(Error::Solver(format!("HiGHS refused to fix column {col}")));
        }
    }
    Ok(())
}

fn limit(reason: &str) -> SolveStatus {
    SolveStatus::Limit {
        reason: reason.to_string(),
    }
}

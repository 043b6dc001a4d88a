//! Solving with HiGHS: the real status, values and duals, and warm re-solves
//! after a [`Change`].

use std::time::Instant;

use highs::{HighsModelStatus, HighsSolutionStatus};
use serde::Serialize;

use super::problem::fix_columns;
use super::{Col, Problem, Row, SolveOptions, SolverError};

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
    /// Short words for tables and JSON.
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

impl std::fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// A solved (or attempted) problem, with its HiGHS instance kept alive.
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

impl Session {
    /// Solves `problem` with `opts`.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS fails outright (not for infeasible or
    /// unbounded models: those are statuses).
    pub fn solve(mut problem: Problem, opts: &SolveOptions) -> Result<Session, SolverError> {
        problem.apply_options(opts)?;
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
        s.run(problem.model)?;
        Ok(s)
    }

    /// The value of column `col` in the last solution.
    pub fn value(&self, col: Col) -> f64 {
        self.columns[col.0]
    }

    /// The reduced cost of column `col`.
    pub fn reduced_cost(&self, col: Col) -> f64 {
        self.column_duals[col.0]
    }

    /// The dual of row `row`: the change of the objective per unit of its
    /// right-hand side.
    pub fn dual(&self, row: Row) -> f64 {
        self.row_duals[row.0]
    }

    fn run(&mut self, model: highs::Model) -> Result<(), SolverError> {
        let start = Instant::now();
        let solved = model
            .try_solve()
            .map_err(|e| SolverError(format!("HiGHS failed: {e:?}")))?;
        self.seconds = start.elapsed().as_secs_f64();
        self.status = status_of(solved.status())?;
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

    /// Changes column costs, column upper bounds, row bounds and fixed
    /// columns, then re-solves from the previous basis.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses a change or fails outright.
    pub fn resolve(&mut self, change: &Change) -> Result<(), SolverError> {
        let mut model = self
            .solved
            .take()
            .map(highs::Model::from)
            .ok_or_else(|| SolverError("no solved model to change".into()))?;
        let ptr = model.as_mut_ptr();
        let check = |status: highs_sys::HighsInt, what: &str, index: usize| {
            if status == highs_sys::STATUS_ERROR {
                Err(SolverError(format!(
                    "HiGHS refused a new {what} for index {index}"
                )))
            } else {
                Ok(())
            }
        };
        // SAFETY: `ptr` is the live Highs instance owned by `model`, which
        // outlives these calls; every index was created by the formulation,
        // and HiGHS checks indices itself (an out-of-range one is an error
        // status, not undefined behaviour).
        unsafe {
            for &(col, cost) in &change.costs {
                check(
                    highs_sys::Highs_changeColCost(ptr, col.0 as _, cost),
                    "cost",
                    col.0,
                )?;
            }
            for &(col, upper) in &change.upper_bounds {
                check(
                    highs_sys::Highs_changeColBounds(ptr, col.0 as _, 0.0, upper),
                    "bound",
                    col.0,
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

fn status_of(s: HighsModelStatus) -> Result<SolveStatus, SolverError> {
    let limit = |reason: &str| SolveStatus::Limit {
        reason: reason.to_string(),
    };
    Ok(match s {
        HighsModelStatus::Optimal | HighsModelStatus::ModelEmpty => SolveStatus::Optimal,
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
        other => return Err(SolverError(format!("HiGHS ended with status {other:?}"))),
    })
}

/// Changes to a solved problem, applied by [`Session::resolve`].
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// New objective coefficients.
    pub costs: Vec<(Col, f64)>,
    /// New upper bounds (lower bounds stay 0).
    pub upper_bounds: Vec<(Col, f64)>,
    /// New (lower, upper) row bounds; ±∞ for a free side.
    pub row_bounds: Vec<(Row, f64, f64)>,
    /// Columns fixed at a value (lower = upper bound).
    pub fixed: Vec<(Col, f64)>,
}

impl Change {
    /// Sets the cost of `col`.
    pub fn cost(mut self, col: Col, cost: f64) -> Self {
        self.costs.push((col, cost));
        self
    }

    /// Sets the upper bound of `col`.
    pub fn upper(mut self, col: Col, upper: f64) -> Self {
        self.upper_bounds.push((col, upper));
        self
    }

    /// Sets the right-hand side of a `<=` row.
    pub fn rhs_le(mut self, row: Row, rhs: f64) -> Self {
        self.row_bounds.push((row, f64::NEG_INFINITY, rhs));
        self
    }

    /// Sets the right-hand side of an `==` row.
    pub fn rhs_eq(mut self, row: Row, rhs: f64) -> Self {
        self.row_bounds.push((row, rhs, rhs));
        self
    }

    /// Fixes `col` at `value`.
    pub fn fix(mut self, col: Col, value: f64) -> Self {
        self.fixed.push((col, value));
        self
    }
}
